"""``ncbsim serve``: the multi-seat exercise server (loaded only when it runs)."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import sys

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8724
MAX_EVALUATORS = 50


def register(sub) -> None:
    p = sub.add_parser("serve", help="serve an exercise to several seats and the trainer",
                       description="One process owns the exercise and its session file; each person joins from "
                                   "their own terminal with the token printed for their seat (ncbsim play --join, "
                                   "ncbsim trainer --join). Each seat is sent only its own view. Give a scenario "
                                   "to start a session, or a session file to resume one after a stop or a crash "
                                   "(the seats keep their tokens).")
    p.add_argument("source", metavar="SCENARIO|SESSION", help="a scenario (.yaml) or a session file (.db)")
    p.add_argument("--session", metavar="FILE.db", help="with a scenario: record in this session file "
                                                        "(default: one named after the scenario and the time)")
    p.add_argument("--seed", type=int, help="with a scenario: the seed of its random streams (default: the "
                                             "scenario's)")
    p.add_argument("--evaluators", type=int, default=0, metavar="N",
                   help="print N evaluator tokens as well (default: 0); with a session, only those of the first N "
                        "evaluators that have none yet (the others keep theirs). An evaluator joins with "
                        "ncbsim trainer --join and sees what the trainer sees, and adds notes, ratings and "
                        "validations, but does not run the clock, fire injects or answer for a seat")
    p.add_argument("--host", default=LOOPBACK, help=f"address to listen on (default: {LOOPBACK}, this machine "
                                                    "only; anything else lets other machines connect)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT}; 0: any free one)")
    p.set_defaults(handler=serve_command)


def serve_command(args) -> int:
    import asyncio
    import signal

    from ..errors import InputError, Problem
    from ..files import check_outputs
    from ..scenario.loader import load_scenario
    from ..serve import open_exercise
    from ..serve.server import ExerciseServer
    from ..serve.tokens import is_evaluator
    from ..sessions.store import session_file_for
    from ..text import for_terminal

    if not 0 <= args.port <= 65535:
        raise InputError([Problem("--port", 0, 0, "", f"expected a port from 0 to 65535, got {args.port}")])
    if not os.path.isfile(args.source):
        raise InputError([Problem(args.source, 0, 0, "", "no such file; expected a scenario (.yaml) or a "
                                                         "session file (.db)")])
    with open(args.source, "rb") as fh:
        is_session = fh.read(16) == b"SQLite format 3\x00"
    if is_session:
        if args.session or args.seed is not None:
            option = "--session" if args.session else "--seed"
            raise InputError([Problem(option, 0, 0, "",
                                      "goes with a SCENARIO; a session file keeps its own")])
        check_outputs([("SESSION", args.source)])
        scenario, session = None, args.source
    else:
        loaded = load_scenario(args.source)
        if not loaded.scenario.players:
            raise InputError([Problem(args.source, 0, 0, "players", "nobody plays a seat in this scenario: there "
                                                                    "is nothing to serve (ncbsim trainer runs it)")])
        session = args.session or str(session_file_for(args.source, "served"))
        check_outputs([("--session", session)], inputs=loaded.located.files)
        if os.path.exists(session):
            raise InputError([Problem(session, 0, 0, "", f"a session file already exists here; serve it with "
                                                         f"ncbsim serve {session}")])
        scenario = args.source
    if not _is_loopback(args.host):
        print(f"warning: listening on {args.host}: other machines can connect; anyone with a token takes its "
              "seat (the connection is not encrypted: use it on a network you trust, or behind TLS)",
              file=sys.stderr)

    if args.seed is not None and not 0 <= args.seed < 2 ** 63:
        raise InputError([Problem("--seed", 0, 0, "", f"expected a whole number from 0 below 2^63, got {args.seed}")])
    if not 0 <= args.evaluators <= MAX_EVALUATORS:
        raise InputError([Problem("--evaluators", 0, 0, "", f"expected 0 to {MAX_EVALUATORS}, got {args.evaluators}")])
    host, tokens, issued = open_exercise(scenario, session, seed=args.seed, evaluators=args.evaluators)

    def say(line: str) -> None:
        print(for_terminal(line), flush=True)

    def ready(port: int) -> None:
        say(f"serving {host.scenario.title!r} on ws://{args.host}:{port}  (session: {session})")
        if scenario is None and all(is_evaluator(seat) for seat in issued):  # the token file was kept
            say("the seats keep the tokens they were given when this session was first served"
                + ("; new evaluators' tokens follow" if issued else ""))
        if issued:
            say("join tokens — give each to the person at that seat; they are shown only now:")
            for seat, token in issued.items():
                tool = "trainer" if seat == "trainer" or is_evaluator(seat) else "play"
                say(f"  {seat:<11} ncbsim {tool} --join {args.host}:{port} --token {token}")
        say("stop with Ctrl+C (the session is kept; serve it again to go on)")

    async def main() -> None:
        server = ExerciseServer(host, tokens, log=say)
        task = asyncio.create_task(server.serve(args.host, args.port, ready))
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(sig, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await task

    try:
        asyncio.run(main())
    except OSError as e:
        raise InputError([Problem("--port", 0, 0, "", f"cannot listen on {args.host}:{args.port}: "
                                                      f"{e.strerror or e}")]) from None
    finally:
        host.close()
    say(f"stopped; the session is kept: ncbsim serve {session}")
    return 0


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
