"""The multi-seat exercise server (``ncbsim serve``) and its clients: one play host behind a
WebSocket, each seat and the trainer at their own terminal, each sent only its own views."""

from __future__ import annotations

from pathlib import Path

from ..play.host import PlayHost
from ..play.seat_rules import TRAINER
from ..scenario.loader import load_scenario
from ..sessions.runner import SessionRun, new_session
from .tokens import Tokens, evaluator_seats


def open_exercise(scenario: str | None, session: str, seed: int | None = None,
                  evaluators: int = 0) -> tuple[PlayHost, Tokens, dict[str, str]]:
    """The host for a served exercise — a new session of ``scenario`` at ``session`` (with
    ``seed``, or the scenario's), or the existing session there resumed — with its tokens (one
    per player's seat, the trainer's, and ``evaluators`` evaluators').
    Returns the tokens to hand out that were issued now: every seat's for a new session (or an old
    one without a token file); for a session resumed, whose people keep their tokens, only those of
    the ``evaluators`` first evaluators who have none yet. Every player's seat waits for its
    person; the trainer may answer for any."""
    path = Path(session)
    new = not path.exists()  # a token file left beside it from an earlier session opens none of this one's seats
    if seed is not None and scenario is not None and not Path(session).exists():
        loaded = load_scenario(scenario)
        store = new_session(session, loaded, seed=seed, policy=None, script=None,
                            people=[p.seat for p in loaded.scenario.players])
        try:
            host = PlayHost(SessionRun(store))
        except BaseException:
            store.close()
            raise
    else:
        host, _ = PlayHost.open(scenario, TRAINER, session, trainer=True)
    try:
        tokens = None if new else Tokens.load(path)
        if tokens is not None:
            return (host, *tokens.add(evaluator_seats(evaluators), path))
        seats = [*sorted({p.seat for p in host.scenario.players}), TRAINER, *evaluator_seats(evaluators)]
        tokens, plain = Tokens.issue(seats, path)
        return host, tokens, plain
    except BaseException:
        host.close()
        raise
