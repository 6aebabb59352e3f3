"""The scenario picker: the exercise library, with what each is and who plays it."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from sim.api import InputError, format_minutes, load_scenario, minutes

from ..messages import ExerciseChosen
from ..text import shown


def library(folder: Path) -> list[dict]:
    rows = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            sc = load_scenario(path).scenario
        except InputError as e:
            rows.append({"path": path, "title": f"{path.name} (does not validate: {e.problems[0].message})",
                         "difficulty": "—", "duration": "—", "roles": "—", "skills": "—", "summary": "", "ok": False})
            continue
        roles = ", ".join(p.seat for p in sc.players) or "(watch only)"
        # A skill's name with spaces reads as words; the closed vocabulary keeps them one spelling.
        skills = ", ".join(k.replace("_", " ") for k in sc.skills) or "—"
        rows.append({"path": path, "title": sc.title, "difficulty": sc.difficulty,
                     "duration": format_minutes(minutes(sc.duration)), "roles": roles, "skills": skills,
                     "summary": " ".join(sc.summary.split()), "ok": True})
    return rows


MIN_TITLE = 24  # below this a title says too little; the table scrolls sideways instead


class PickerScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "app.quit", "Quit"), Binding("question_mark", "app.help", "Help")]

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.rows = library(folder)
        self._filled_at = 0  # the terminal width the rows were laid out for

    def compose(self) -> ComposeResult:
        yield Static(f"[b]ncbsim[/b] — choose an exercise ({shown(self.folder.name)}/) · enter: open · q: quit", id="picker-title")
        yield DataTable(id="library", cursor_type="row", zebra_stripes=True)
        yield Static("", id="picker-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        self._fill(table, self.app.size.width)
        if not self.rows:
            self.query_one("#picker-title", Static).update(f"No scenarios in {shown(self.folder)}. "
                                                           "Run ncbsim play SCENARIO.yaml, or from the repository.")
        table.focus()

    def on_resize(self, event: events.Resize) -> None:
        table = self.query_one(DataTable)
        if event.size.width != self._filled_at:
            row = table.cursor_row
            self._fill(table, event.size.width)
            table.move_cursor(row=row)

    def _fill(self, table: DataTable, width: int) -> None:
        """The rows, with the title cut to leave room for the difficulty and the duration: a
        narrow terminal cuts a long title (in full under the table) rather than what tells
        exercises apart at a glance. Seats and skills come after, off screen when it is narrow."""
        self._filled_at = width
        table.clear(columns=True)
        level = max([len("difficulty"), *(len(r["difficulty"]) for r in self.rows)])
        length = max([len("duration"), *(len(r["duration"]) for r in self.rows)])
        # Each column is padded by one cell on either side; one more for the edge of the screen.
        longest = max([len("exercise"), *(len(r["title"]) for r in self.rows)])
        room = min(longest, max(MIN_TITLE, width - (level + 2) - (length + 2) - 2 - 1))
        table.add_column("exercise", width=room)
        table.add_columns("difficulty", "duration", "seats", "skills")
        for i, r in enumerate(self.rows):
            title = r["title"] if len(r["title"]) <= room else r["title"][:room - 1] + "…"
            table.add_row(shown(title), r["difficulty"], r["duration"], shown(r["roles"]), shown(r["skills"]),
                          key=str(i))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted exercise in full under the table — what a narrow terminal cuts off in
        the row: its difficulty, duration and seats, its summary, and every skill."""
        key = event.row_key.value
        if key is None:
            return
        r = self.rows[int(key)]
        self.query_one("#picker-detail", Static).update(
            f"[b]{r['difficulty']}[/b] · {r['duration']} · {shown(r['roles'])}\n{shown(r['summary'])}\n"
            f"[b]skills:[/b] {shown(r['skills'])}" if r["ok"] else "")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value
        if key is None:
            return  # every row is added with its index as key
        row = self.rows[int(key)]
        if not row["ok"]:
            self.notify(f"Fix it first: ncbsim validate {row['path']}", severity="error")
            return
        self.post_message(ExerciseChosen(str(row["path"])))
