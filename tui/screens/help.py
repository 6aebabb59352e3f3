"""The help screen: keys and what the parts of the operations screen are."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# ncbsim — help

You sit at one desk of INTERPOL's network. Messages reach your **inbox** over I-24/7 when they
have travelled; **decisions** wait for you with a deadline in sim time — if it passes, the
default applies. The **event log** shows only what your seat has learnt; the **map** lights
the NCBs you have traffic with.

| key | what it does |
|---|---|
| `space` | start / pause the clock |
| `+` / `-` | faster / slower (real time … as fast as the machine goes) |
| `n` | jump to the next thing that reaches you |
| `d` | open the first waiting decision (or select one and press `enter`) |
| `enter` | open the selected message or decision |
| `c` | the case file: the subjects you know of, and what you know about each |
| `tab` | move between panels |
| `ctrl+p` | command palette |
| `?` | this help |
| `q` | quit — the session is saved; `ncbsim play --session FILE` resumes it |

When the exercise ends you get the debrief: objectives, the timeline, and where the full
after-action report was written.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(HELP)
