"""TUI test helpers: the app built deterministically (no wall clock, fixed library, session in tmp)."""

from __future__ import annotations

from conftest import SCENARIOS

from tui.app import make_app
from tui.screens.debrief import DebriefScreen
from tui.screens.decision import DecisionScreen
from tui.screens.operations import OperationsScreen

EXAMPLE = SCENARIOS / "annotated-example.yaml"
# The workstation's test exercise: NCB France does every step itself (no request foreseen).
WORKSTATION = SCENARIOS.parent / "tests" / "data" / "workstation-fr.yaml"


def app_for(scenario=None, seat=None, session="s.db"):
    return make_app(str(scenario) if scenario else None, seat, session, library=SCENARIOS, clock=False)


async def play_to_debrief(app, pilot, *, steps: int = 200, between=None) -> int:
    """Play by keys alone: take the first option of every decision, else jump to the next event.

    ``between(answered)`` runs before each jump, for a test to look at the screen on the way.
    Returns how many decisions were answered.
    """
    answered = 0
    for _ in range(steps):
        if isinstance(app.screen, DebriefScreen):
            break
        if isinstance(app.screen, OperationsScreen) and app.driver.my_decisions():
            await pilot.press("d")
            await pilot.pause()
            assert isinstance(app.screen, DecisionScreen)
            await pilot.press("enter")
            await pilot.pause()
            answered += 1
        else:
            if between is not None:
                await between(answered)
            await pilot.press("n")
            await pilot.pause()
    return answered


def screen_text(app) -> list[str]:
    """The screen as plain text, one string a line: what a snapshot's SVG shows, without styles."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, legacy_windows=False,
                      safe_box=False, color_system=None)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text().splitlines()


def cut_lines(app) -> list[str]:
    """What the terminal cut on the current screen, in words (empty when nothing is cut):

    * a panel's border title not shown whole (Textual ends a title too long for its border with …);
    * a key the footer offers not shown whole, key and label (a narrow footer drops the last ones);
    * a bar of one or two lines (the clock bar) whose text needs more room than the bar has, so
      its end is lost.
    """
    from rich.text import Text
    from textual.widgets import Footer, Static

    lines = screen_text(app)
    text = "\n".join(lines)
    problems = []
    for widget in app.screen.query("*"):
        if not widget.display or not widget.region.width:
            continue
        title = widget.border_title
        if title:
            plain = Text.from_markup(str(title)).plain
            if plain not in text:
                problems.append(f"the title of #{widget.id} is cut: {plain!r}")
        if isinstance(widget, Static) and widget.region.height <= 2 and widget.content_size.width:
            shown = widget.render()
            plain = getattr(shown, "plain", None) or Text.from_markup(str(shown)).plain
            room = widget.content_size.width * widget.region.height
            if any(len(line) > room for line in plain.splitlines() or [""]) or (
                    len(plain.splitlines()) > widget.region.height):
                problems.append(f"#{widget.id} is wider than the screen: {plain!r}")
    if app.screen.query(Footer):
        footer = lines[-1]
        offered: dict[tuple[str, str], list[str]] = {}  # one entry per action: "escape,q" shows one key
        for binding in (b.binding for b in app.screen.active_bindings.values() if b.binding.show):
            offered.setdefault((binding.action, binding.description), []).append(
                f"{app.get_key_display(binding)} {binding.description}")
        for labels in offered.values():
            if not any(label in footer for label in labels):
                problems.append(f"the footer does not show {labels[0]!r}: {footer!r}")
    return problems
