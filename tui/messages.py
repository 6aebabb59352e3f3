"""Messages the UI's parts send each other (dataclass messages, as Textual expects)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class ClockTicked(Message):
    """The engine moved; ``changed`` when something new reached the seat."""

    changed: bool


@dataclass
class ExerciseEnded(Message):
    pass
