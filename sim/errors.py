"""Errors meant for people: each names where in which file, which field, and what was expected.

The CLI prints these one per line (``file:line:col: field: message``) and exits 2; nothing
else in the engine should let a traceback reach a user for bad input.
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass, field
from typing import Any

from .text import for_terminal as visible

SHOWN_MAX = 60  # characters of an echoed value: enough to recognise it, never a screenful
_FIELD_MAX = 200
_MESSAGE_MAX = 1000


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


class _Short(reprlib.Repr):
    def repr_int(self, x: int, level: int) -> str:
        try:
            return _cut(repr(x), self.maxother)
        except ValueError:  # more digits than Python will convert
            return f"<a {x.bit_length():,}-bit number>"


_SHORT = _Short()
_SHORT.maxstring = _SHORT.maxother = SHOWN_MAX
_SHORT.maxlist = _SHORT.maxdict = _SHORT.maxtuple = _SHORT.maxset = 6
_SHORT.maxlevel = 2


def shown(value: Any, limit: int = SHOWN_MAX) -> str:
    """A value as a message quotes it (``'abc'``, ``12``, ``[1, 2]``): at most about ``limit`` characters.

    A 1 MB value given by mistake is echoed as its first characters and an ellipsis, never whole.
    """
    if isinstance(value, str):
        return repr(_cut(value, limit))
    return _cut(_SHORT.repr(value), limit)


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One located complaint about an input file. Sorts by file, then line, then column."""

    file: str
    line: int  # 1-based; 0 when the problem concerns the whole file
    col: int  # 1-based; 0 when unknown
    field: str  # dotted path to the offending value, "" for the document itself
    message: str
    severity: str = "error"  # "error" stops a run; "warning" is advice from the linter

    def __str__(self) -> str:
        where = visible(self.file)
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        what = f"{visible(_cut(self.field, _FIELD_MAX))}: " if self.field else ""
        tag = "warning: " if self.severity == "warning" else ""
        return f"{where}: {tag}{what}{visible(_cut(self.message, _MESSAGE_MAX))}"


@dataclass
class InputError(Exception):
    """Bad input. Carries every problem found, so an author fixes them all in one pass."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.problems = sorted(self.problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class RunError(Exception):
    """A run that could not complete for a reason other than its input (CLI exit code 1)."""
