"""The inbox as a line-API widget: a new batch of messages costs the rows in view, not the inbox;
the cursor, the keys and the clicks answer as the DataTable it replaced did."""

from __future__ import annotations

from textual.app import App, ComposeResult

from sim.api import InboxItem
from tui.widgets.inbox_table import InboxTable

NAME = object()  # the cell function below words a row without a Namer


def _item(msg: int, read: bool = False) -> InboxItem:
    return InboxItem(since="2026-03-02T06:00:00", msg=msg, sender="FR", type="message", priority="routine",
                     inject=None, text=f"message {msg}", read=read)


def _rows(n: int) -> tuple[InboxItem, ...]:
    return tuple(_item(m) for m in range(n - 1, -1, -1))  # newest first, as the host gives them


class _Inbox(App):
    CSS = "#inbox { height: 1fr; }"  # as the screens' stylesheet: the panel's frame, not its rows

    def __init__(self) -> None:
        super().__init__()
        self.worded: list[int] = []
        self.opened: list[tuple[int, int]] = []

    def cells(self, r: InboxItem, name, room: int) -> tuple[str, str]:
        self.worded.append(r.msg)
        return ("" if r.read else "●"), f"from [b]{r.sender}[/b] \\[x]\n{r.text}"

    def compose(self) -> ComposeResult:
        yield InboxTable(self.cells, id="inbox")

    def on_inbox_table_selected(self, event: InboxTable.Selected) -> None:
        self.opened.append((event.row, event.item.msg))


def _text(inbox: InboxTable, y: int) -> str:
    return "".join(s.text for s in inbox.render_line(y))


async def test_a_batch_of_new_messages_words_only_the_rows_in_view():
    app = _Inbox()
    async with app.run_test(size=(60, 12)) as pilot:
        inbox = app.query_one(InboxTable)
        inbox.show(_rows(10), NAME)
        await pilot.pause()
        assert _text(inbox, 0).split() == ["message"]  # the header
        # the newest on top, the cell's markup read as text, two lines a message
        assert _text(inbox, 1).split() == ["●", "from", "FR", "[x]"] and _text(inbox, 2).split() == ["message", "9"]
        app.worded.clear()
        inbox.show(_rows(5000), NAME)
        await pilot.pause()
        assert inbox.row_count == 5000 and inbox.virtual_size.height == 1 + 2 * 5000
        assert 0 < len(app.worded) <= 12 and set(app.worded) <= set(range(4990, 5000))
        app.worded.clear()
        inbox.show(_rows(5000), NAME)  # the same messages again (made anew, equal): nothing is drawn again
        await pilot.pause()
        assert app.worded == []


async def test_a_changed_message_is_drawn_again_where_it_is():
    app = _Inbox()
    async with app.run_test(size=(60, 12)) as pilot:
        inbox = app.query_one(InboxTable)
        rows = _rows(3)
        inbox.show(rows, NAME)
        await pilot.pause()
        assert _text(inbox, 3).split()[0] == "●"
        inbox.show((rows[0], _item(1, read=True), rows[2]), NAME)  # opened: no longer unread
        await pilot.pause()
        assert _text(inbox, 3).split()[0] == "from" and _text(inbox, 1).split()[0] == "●"
        inbox.show(rows[:1], NAME)  # messages left the inbox: the cursor stays on a row there is
        inbox.move_cursor(row=2)
        assert inbox.cursor_row == 0


async def test_keys_move_the_cursor_and_enter_opens_the_message_under_it():
    app = _Inbox()
    async with app.run_test(size=(60, 12)) as pilot:
        inbox = app.query_one(InboxTable)
        inbox.show(_rows(40), NAME)
        inbox.focus()
        await pilot.pause()
        await pilot.press("down", "down", "up", "enter")
        await pilot.pause()
        assert app.opened == [(1, 38)]
        inbox.show(_rows(42), NAME)  # new messages on top: the cursor keeps its row, as the table's sort did
        await pilot.pause()
        assert inbox.cursor_row == 1
        await pilot.press("pagedown")
        await pilot.pause()
        assert inbox.cursor_row > 1 and inbox.scroll_y > 0
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert inbox.cursor_row == 41 and inbox.scroll_y == inbox.max_scroll_y
        await pilot.press("ctrl+home")
        await pilot.pause()
        assert inbox.cursor_row == 0 and inbox.scroll_y == 0


async def test_a_click_moves_the_cursor_and_a_click_on_it_opens_the_message():
    app = _Inbox()
    async with app.run_test(size=(60, 12)) as pilot:
        inbox = app.query_one(InboxTable)
        inbox.show(_rows(4), NAME)
        await pilot.pause()
        await pilot.click(InboxTable, offset=(10, 5))  # the third row's first line, below the header
        await pilot.pause()
        assert inbox.cursor_row == 2 and app.opened == []
        await pilot.click(InboxTable, offset=(10, 6))  # its second line: the cursor's row, opened
        await pilot.pause()
        assert app.opened == [(2, 1)]
        await pilot.click(InboxTable, offset=(10, 0))  # the header opens nothing
        await pilot.pause()
        assert app.opened == [(2, 1)] and inbox.cursor_row == 2
