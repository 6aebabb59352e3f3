"""The debrief: objectives and verdicts, the timeline, and where the full report was written."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown

from ..text import shown_markdown


def _cell(text: object) -> str:
    """Data in a Markdown table cell: one line, no column breaks, control characters visible."""
    return shown_markdown(str(text)).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def debrief_markdown(d: dict, report_path: str | None) -> str:
    met = sum(1 for o in d["objectives"] if o["verdict"] == "met")
    lines = [f"# Debrief — {_cell(d['title'])}", "", f"**{met} of {len(d['objectives'])} objectives met.**", ""]
    if report_path:
        lines += [f"The full after-action report is in `{report_path}`.", ""]
    lines += ["## Objectives", "", "| | objective | when |", "|---|---|---|"]
    mark = {"met": "✔ met", "failed": "✘ failed", "not decided": "… open"}
    lines += [f"| {mark[o['verdict']]} | {_cell(o['id'])} {_cell(o['title'])} | {o['when'] or '—'} |" for o in d["objectives"]]
    if d["improvements"]:
        lines += ["", "## To work on", ""] + [f"- {_cell(s)}" for s in d["improvements"][:12]]
    lines += ["", "## Timeline", "", "| UTC | what happened |", "|---|---|"]
    lines += [f"| {e['t'][5:16].replace('T', ' ')} | {_cell(e['text'])} |" for e in d["timeline"][:80]]
    return "\n".join(lines)


class DebriefScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q,escape", "app.quit", "Quit")]

    def __init__(self, debrief: dict, report_path: str | None) -> None:
        super().__init__()
        self.text = debrief_markdown(debrief, report_path)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(self.text)
        yield Footer()
