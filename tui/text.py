"""Scenario text on the screen: shown as written, never obeyed.

Textual reads square brackets in a Static, a Label, the event log or a DataTable cell as
markup: a title such as ``[/b] Warrant`` raises MarkupError and ends the exercise, and
``[@click=app.quit]`` would make a link in the trainee's screen that quits. Control characters
(ESC sequences, bidi overrides) from a scenario are shown as visible escapes, as on the command
line. Every piece of text that comes from a scenario, a session or the engine's description of
an event goes through ``shown`` before it is put inside markup.
"""

from __future__ import annotations

from textual.markup import escape

from sim.api import for_terminal


def shown(text: object, *, newlines: bool = False) -> str:
    """``text`` as markup that displays it literally."""
    return escape(for_terminal(text, newlines=newlines))


def shown_markdown(text: str) -> str:
    """Markdown written by a trainer, with control characters made visible (its layout kept)."""
    return for_terminal(text, newlines=True)
