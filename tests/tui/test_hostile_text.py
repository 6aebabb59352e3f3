"""Scenario text is shown, never obeyed: markup and escape codes in a scenario cannot crash or steer the TUI.

Textual reads ``[...]`` as markup. Before tui/text.py, a title such as ``[/b] Warrant`` ended the
exercise with MarkupError on the briefing screen, and ``[@click=app.quit]`` in an inject made a link.
"""

from __future__ import annotations

from conftest import FLAGSHIP
from textual.widgets import DataTable, Static
from tui_helpers import EXAMPLE, play_to_debrief

from tui.app import make_app
from tui.screens.briefing import BriefingScreen
from tui.screens.debrief import DebriefScreen
from tui.screens.operations import OperationsScreen
from tui.screens.picker import PickerScreen
from tui.screens.trainer import RatingScreen, TrainerScreen
from tui.widgets.inbox_table import InboxTable

HOSTILE_TITLE_YAML = "[/b] Murder [red]suspect[/red] [@click=app.quit]on the run[/] \\e[2J"
TITLES = {"fugitive-three-borders.yaml": "Murder suspect on the run across three borders",
          "annotated-example.yaml": "A warrant, a partner's answer and a deadline"}


def hostile_copy(source, folder, name="hostile.yaml"):
    """A shipped scenario with markup, escape codes, table pipes and newlines in its texts."""
    text = source.read_text(encoding="utf-8")
    text = text.replace(f"title: {TITLES[source.name]}", f'title: "{HOSTILE_TITLE_YAML}"')
    text = text.replace("name: Marc DUVAL", 'name: "Marc [/i]DUVAL[b"')
    text = text.replace("title: NCB France reads the warrant within an hour",
                        'title: "[/] NCB France reads | the warrant\\nwithin an hour"')
    text = text.replace("    text: >\n", "    text: >\n      [/b] [link=https://example.org]click[/link]\n", 1)
    text = text.replace("  - Answer a partner's urgent request before the weekend", '  - "[/i] Answer [@click=app.quit]x[/]"')
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def screen_text(app) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def test_a_hostile_scenario_plays_from_picker_to_debrief(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    hostile_copy(EXAMPLE, tmp_path)  # three days, a decision and a debrief: quick to play through
    app = make_app(None, None, "s.db", library=tmp_path, clock=False)
    async with app.run_test(size=(120, 36)) as pilot:
        assert isinstance(app.screen, PickerScreen)
        assert "[/b] Murder" in str(app.screen.query_one(DataTable).get_row_at(0)[0])
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        title = str(app.screen.query_one("#briefing-title", Static).render())
        assert "[/b] Murder [red]suspect[/red] [@click=app.quit]" in title  # shown literally
        assert "\x1b" not in title and "\\x1b[2J" in title  # the escape code is shown, not sent
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OperationsScreen)

        seen_message = False

        async def open_the_message(answered: int) -> None:
            nonlocal seen_message
            inbox = app.screen.query_one("#inbox", InboxTable)
            if seen_message or not inbox.row_count:
                return
            inbox.focus()
            await pilot.press("enter")
            await pilot.pause()
            text = str(app.screen.query_one("#message-text", Static).render())  # the opened message
            assert "[/b] [link=https://example.org]click[/link]" in text  # shown, not a link
            await pilot.press("escape")
            await pilot.pause()
            seen_message = True

        await play_to_debrief(app, pilot, between=open_the_message)
        assert isinstance(app.screen, DebriefScreen), "the exercise did not reach its debrief"
        assert seen_message
    assert app.return_code in (0, None)


async def test_the_trainer_console_shows_hostile_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = hostile_copy(FLAGSHIP, tmp_path)
    app = make_app(str(path), None, "t.db", clock=False, trainer=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TrainerScreen)
        app.driver.host.catch_up(3 * 1440)
        app.screen.refresh_all()
        await pilot.pause()
        app.screen.query_one("#objectives", DataTable).focus()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RatingScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TrainerScreen)
        assert "[/b] Murder" in str(app.screen.query_one("#clock-bar", Static).render())
