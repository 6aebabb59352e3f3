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
    if d.get("unfinished_at"):
        lines += [f"**Unfinished at {_cell(d['unfinished_at'])}**: what was not yet due is pending.", ""]
    if report_path:
        lines += [f"The full after-action report is in `{report_path}`.", ""]
    lines += ["## Objectives", "", "| | objective | when |", "|---|---|---|"]
    mark = {"met": "✔ met", "failed": "✘ failed", "not decided": "… open", "pending": "… pending"}
    lines += [f"| {mark[o['verdict']]} | {_cell(o['id'])} {_cell(o['title'])} | {o['when'] or '—'} |" for o in d["objectives"]]
    if d["improvements"]:
        lines += ["", "## To work on", ""] + [f"- {_cell(s)}" for s in d["improvements"][:12]]
    mine = [x for x in d.get("decisions", ())
            if x.get("thinking_s") is not None or (x.get("expired") and x["seat"] in d.get("players", ()))]
    if mine:
        lines += ["", "## Your decisions", "", "| decision | chosen | answered (UTC) | you took |", "|---|---|---|---|"]
        lines += [f"| {_cell(x['id'])} {_cell(x['prompt'])} | {_cell(x['chosen'])} | "
                  f"{(x['when'] or '')[5:16].replace('T', ' ')} | {_took(x)} |" for x in mine]
    lines += ["", "## Timeline", "", "| UTC | what happened |", "|---|---|"]
    lines += [f"| {e['t'][5:16].replace('T', ' ')} | {_cell(e['text'])} |" for e in d["timeline"][:80]]
    return "\n".join(lines)


def _took(x: dict) -> str:
    """The real time a person took over a decision (the session's record), or that it lapsed."""
    if x.get("expired"):
        return "let it lapse"
    s = float(x["thinking_s"])
    return f"{s:.0f} s" if s < 90 else f"{s / 60:.1f} min"


class DebriefScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q,escape", "app.quit", "Quit")]

    def __init__(self, debrief: dict, report_path: str | None) -> None:
        super().__init__()
        self.text = debrief_markdown(debrief, report_path)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(self.text)
        yield Footer()
