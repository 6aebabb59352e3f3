"""What people (and, later, automation) do in an exercise, as typed commands.

Each command is a frozen dataclass with a ``kind``; ``to_json()`` and ``command_from_json()``
carry it as plain JSON, so the same commands can later cross a socket. Reading JSON refuses an
unknown kind, a missing or unknown field, or a value of the wrong type, with a message that
says which.
"""

from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, fields
from typing import Any, ClassVar


class CommandError(ValueError):
    """JSON that is not a command: unknown kind, missing or unknown field, wrong type."""


class _Command:
    __slots__ = ()
    kind: ClassVar[str]

    def to_json(self) -> dict[str, Any]:
        """The command as plain JSON data: ``{"kind": ..., field: value, ...}``."""
        return to_json(self)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class AnswerDecision(_Command):
    """Choose an option of an open decision (a seat answers its own; the trainer any seat's)."""

    kind: ClassVar[str] = "answer_decision"
    seat: str  # the seat whose decision it is (the trainer answers for any seat)
    decision: str
    option: str


@dataclass(frozen=True, slots=True)
class FireInject(_Command):
    """Fire an inject of the MSEL now (trainer only)."""

    kind: ClassVar[str] = "fire_inject"
    inject: str


@dataclass(frozen=True, slots=True)
class HoldInject(_Command):
    """Hold an inject back: when it falls due it waits for a release (trainer only)."""

    kind: ClassVar[str] = "hold_inject"
    inject: str


@dataclass(frozen=True, slots=True)
class ReleaseInject(_Command):
    """Release a held inject; if it fell due while held it fires now (trainer only)."""

    kind: ClassVar[str] = "release_inject"
    inject: str


@dataclass(frozen=True, slots=True)
class AddInject(_Command):
    """An ad-hoc inject, fired now: what the trainer console's form builds (trainer only)."""

    kind: ClassVar[str] = "add_inject"
    id: str
    to: str
    text: str
    priority: str = "routine"
    from_: str | None = None  # an NCB's code or a national body; the scenario's default when None

    def inject_data(self) -> dict[str, Any]:
        """The inject as a scenario writes it."""
        data: dict[str, Any] = {"id": self.id, "to": self.to, "text": self.text, "priority": self.priority}
        if self.from_ is not None:
            data["from"] = self.from_
        return data


@dataclass(frozen=True, slots=True)
class AddNote(_Command):
    """An evaluator's note, optionally about one objective with an HSEEP rating (trainer only)."""

    kind: ClassVar[str] = "add_note"
    text: str
    author: str = "trainer"
    objective: str | None = None
    rating: str | None = None


Command = AnswerDecision | FireInject | HoldInject | ReleaseInject | AddInject | AddNote

COMMANDS: dict[str, type] = {c.kind: c for c in (AnswerDecision, FireInject, HoldInject, ReleaseInject, AddInject,
                                                  AddNote)}
# JSON names that differ from the Python field names ('from' is a keyword).
_JSON_NAME = {"from_": "from"}
_PY_NAME = {v: k for k, v in _JSON_NAME.items()}


def to_json(command: Command) -> dict[str, Any]:
    """The command as plain JSON data: ``{"kind": ..., field: value, ...}``."""
    return {"kind": command.kind, **{_JSON_NAME.get(k, k): v for k, v in asdict(command).items()}}


def command_from_json(data: Any) -> Command:
    """The command ``data`` describes, or CommandError saying what is wrong with it."""
    if not isinstance(data, dict):
        raise CommandError(f"a command is a JSON object, not {type(data).__name__}")
    kind = data.get("kind")
    cls = COMMANDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise CommandError(f"unknown command kind {kind!r}; expected one of {', '.join(sorted(COMMANDS))}")
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key == "kind":
            continue
        name = _PY_NAME.get(key, key)
        if name not in known or key in _JSON_NAME:
            raise CommandError(f"{kind}: unknown field {key!r}; fields: "
                               f"{', '.join(_JSON_NAME.get(n, n) for n in known)}")
        optional = "None" in str(known[name].type)
        if not (isinstance(value, str) or (value is None and optional)):
            raise CommandError(f"{kind}: field {key!r} must be text{' or null' if optional else ''}, "
                               f"not {type(value).__name__}")
        values[name] = value
    missing = [_JSON_NAME.get(n, n) for n, f in known.items() if n not in values and f.default is MISSING]
    if missing:
        raise CommandError(f"{kind}: missing field(s) {', '.join(missing)}")
    return cls(**values)

