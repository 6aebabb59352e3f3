"""What a screen tells the app it has finished with, as Textual messages: the screen says what
happened, the app decides what comes next, so no screen needs to know which app it runs in."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class ExerciseChosen(Message):
    """The picker's row was chosen: open this scenario."""

    path: str


class BriefingRead(Message):
    """The trainee has read the briefing: start the clock on the operations screen."""


class ExerciseEnded(Message):
    """The exercise's clock reached its end: show the debrief."""
