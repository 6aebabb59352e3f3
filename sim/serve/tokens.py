"""Join tokens: one per seat, one for the trainer and one per evaluator, random, kept only as digests.

A token is shown once, when the server first opens the session, and handed to the person who
takes that seat. The server keeps only the SHA-256 of each, in a file beside the session
(readable by its owner alone), so a server restarted after a crash accepts the same tokens, and
nothing it writes — journal, session, log — holds a token. A presented token is compared with
every seat's digest in constant time, whichever seat (if any) it matches.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path

TOKEN_BYTES = 24  # 192 bits: not guessable over any number of connection attempts
EVALUATOR = "evaluator"  # an evaluator's token opens ``evaluator:N``: the trainer's view, notes and ratings only


def evaluator_seats(count: int) -> list[str]:
    return [f"{EVALUATOR}:{n}" for n in range(1, count + 1)]


def is_evaluator(seat: str) -> bool:
    return seat.startswith(EVALUATOR + ":")


def tokens_path(session: Path) -> Path:
    return session.with_name(session.name + ".tokens")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class Tokens:
    def __init__(self, digests: Mapping[str, str]) -> None:
        self._digests = dict(digests)  # seat -> SHA-256 of its token

    @classmethod
    def issue(cls, seats: Iterable[str], session: Path) -> tuple[Tokens, dict[str, str]]:
        """New tokens for ``seats``, their digests written beside ``session``; returns the tokens
        to hand out (seat -> token), which are kept nowhere else."""
        return cls({}).add(seats, session)

    def add(self, seats: Iterable[str], session: Path) -> tuple[Tokens, dict[str, str]]:
        """These tokens and new ones for those of ``seats`` that have none, all written beside
        ``session``; returns them and the new tokens to hand out (seat -> token)."""
        plain = {seat: secrets.token_hex(TOKEN_BYTES) for seat in seats if seat not in self._digests}  # hex: never read as an option
        tokens = Tokens({**self._digests, **{seat: _digest(t) for seat, t in plain.items()}})
        path = tokens_path(session)
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(tokens._digests, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)  # whole or not at all: a crash never leaves half a file
        return tokens, plain

    @classmethod
    def load(cls, session: Path) -> Tokens | None:
        """The digests kept beside ``session``, or None when it has none."""
        try:
            data = json.loads(tokens_path(session).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
            raise ValueError(f"{tokens_path(session)} is not a token file")
        return cls(data)

    @property
    def seats(self) -> tuple[str, ...]:
        return tuple(sorted(self._digests))

    def seat_of(self, token: object) -> str | None:
        """The seat ``token`` opens, or None. Every digest is compared, in constant time each, so
        the time taken says nothing about which seat, or how much of a token, matched."""
        if not isinstance(token, str) or len(token) > 256:
            return None
        presented = _digest(token)
        found = None
        for seat, digest in self._digests.items():
            if hmac.compare_digest(presented, digest):
                found = seat
        return found
