"""The briefing: what the exercise is about, before the clock starts."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static

from ..messages import BriefingRead
from ..text import shown, shown_markdown


class BriefingScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter,s", "start", "Start the exercise"), Binding("q", "app.quit", "Quit")]

    def __init__(self, title: str, seat: str, briefing: str, objectives: list[str]) -> None:
        super().__init__()
        self.title_text, self.seat, self.briefing, self.objectives = title, seat, briefing, objectives

    def compose(self) -> ComposeResult:
        # The seat first: at 80 columns a long title is what gets cut, and it is also the heading below.
        yield Static(f"[b]Your seat: {shown(self.seat)}[/b] · enter: start · {shown(self.title_text)}",
                     id="briefing-title")
        text = shown_markdown(self.briefing) or "_No briefing was written for this exercise._"
        if self.objectives:
            text += "\n\n## Learning objectives\n\n" + "\n".join(f"- {shown_markdown(o)}" for o in self.objectives)
        with VerticalScroll():
            yield Markdown(text)
        yield Footer()

    def action_start(self) -> None:
        self.post_message(BriefingRead())
