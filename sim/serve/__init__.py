"""The multi-seat exercise server (``ncbsim serve``) and its clients: one play host behind a
WebSocket, each seat and the trainer at their own terminal, each sent only its own views."""

from __future__ import annotations

from pathlib import Path

from ..play.host import PlayHost
from ..play.seat_rules import TRAINER
from .tokens import Tokens


def open_exercise(scenario: str | None, session: str) -> tuple[PlayHost, Tokens, dict[str, str]]:
    """The host for a served exercise — a new session of ``scenario`` at ``session``, or the
    existing session there resumed — with its tokens. Returns the tokens to hand out when they
    were issued now (a new session, or an old one without a token file); none when the session's
    own are kept (a restart: the people at the seats keep theirs)."""
    host, _ = PlayHost.open(scenario, TRAINER, session, trainer=True)
    try:
        path = Path(session)
        tokens = Tokens.load(path)
        if tokens is not None:
            return host, tokens, {}
        seats = [*sorted({p.seat for p in host.scenario.players}), TRAINER]
        tokens, plain = Tokens.issue(seats, path)
        return host, tokens, plain
    except BaseException:
        host.close()
        raise
