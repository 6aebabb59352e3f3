"""Errors meant for people: each names where in which file, which field, and what was expected.

The CLI prints these one per line (``file:line:col: field: message``) and exits 2; nothing
else in the engine should let a traceback reach a user for bad input.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
        where = self.file
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        what = f"{self.field}: " if self.field else ""
        tag = "warning: " if self.severity == "warning" else ""
        return f"{where}: {tag}{what}{self.message}"


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
