"""``ncbsim play``: the trainee's terminal UI.

The engine never imports the UI: this command loads the ``tui`` package only when it runs, so
``import sim`` stays free of Textual (a test checks it in a fresh process).
"""

from __future__ import annotations

import importlib
import os

from ..text import for_terminal


def register(sub) -> None:
    p = sub.add_parser("play", help="play a seat in the terminal UI",
                       description="Play an exercise in the terminal: a picker when no scenario is given, the "
                                   "briefing, then the operations screen (clock, inbox, decisions, event log, map) "
                                   "and the debrief. Every play is a session: quit at any time and resume with "
                                   "--session.")
    p.add_argument("scenario", nargs="?", metavar="SCENARIO", help="scenario YAML file (default: pick one)")
    p.add_argument("--as", dest="seat", metavar="ROLE:CC", help="the seat to play, e.g. ncb:FR (default: the "
                                                               "scenario's first player)")
    p.add_argument("--session", metavar="FILE.db", help="record in this session file; if it exists, resume it")
    p.add_argument("--join", metavar="HOST:PORT", help="play a seat of an exercise served by ncbsim serve "
                                                       "(with --token: the seat is the token's)")
    p.add_argument("--token", metavar="T", help="with --join: the join token the trainer gave you for your seat")
    p.add_argument("--browser", metavar="PORT", type=int, help="with --join: serve these screens to a web browser "
                                                               "at http://127.0.0.1:PORT instead of this terminal "
                                                               "(needs the web extra: pip install 'ncbsim[web]')")
    p.set_defaults(handler=play_command)


def play_command(args) -> int:
    from ..engine.views import parse_seat
    from ..errors import InputError, Problem
    from ..files import check_outputs
    from ..scenario.loader import load_scenario

    if args.join or args.token:
        return _join(args)

    if args.seat:
        try:
            parse_seat(args.seat)
        except ValueError as e:
            raise InputError([Problem("--as", 0, 0, "", str(e))]) from None
    # Everything that can be wrong is reported here, before the screen opens.
    loaded = load_scenario(args.scenario) if args.scenario else None
    if loaded is not None:
        seats = {p.seat for p in loaded.scenario.players}
        if args.seat and args.seat != "trainer" and args.seat not in seats:
            raise InputError([Problem("--as", 0, 0, "", f"{args.seat} is not a seat of this exercise; it has "
                                                        f"{', '.join(sorted(seats)) or 'no players'}")])
    if args.session:
        # The session is written as the trainee plays: refuse now a path that cannot be, or
        # that is the scenario (or a file it includes), rather than after the screen opened.
        check_outputs([("--session", args.session)], inputs=loaded.located.files if loaded else ())
    if args.session and os.path.exists(args.session):
        from ..sessions.runner import check_same_scenario
        from ..sessions.store import SessionStore

        store = SessionStore.open(args.session)
        try:
            check_same_scenario(store, loaded, None)
            people = store.people
        finally:
            store.close()
        if not people:
            raise InputError([Problem(args.session, 0, 0, "", "nobody plays a seat in this session (it was run "
                                                              "headless); open it with ncbsim trainer")])
        if args.seat and args.seat not in people:
            raise InputError([Problem("--as", 0, 0, "", f"this session is played as {', '.join(people)}")])
    elif args.session and loaded is None:
        raise InputError([Problem(args.session, 0, 0, "", "no session file here; give a SCENARIO to start one")])
    app = importlib.import_module("tui.app").make_app(args.scenario, args.seat, args.session)
    app.run()
    if app.return_value is not None:
        print(for_terminal(app.return_value, newlines=True))
    if app.session_note:
        print(for_terminal(app.session_note, newlines=True))
    return app.return_code or 0


def _join(args) -> int:
    from ..errors import InputError, Problem

    if args.scenario or args.session or args.seat:
        raise InputError([Problem("--join", 0, 0, "", "the server says the exercise, the session and the seat: "
                                                      "give only --join and --token")])
    return join_exercise(args.join, args.token, "seat", args.browser)


def join_exercise(address: str | None, token: str | None, role: str, browser: int | None = None) -> int:
    """Play what a token opens on an exercise server — a seat's screens (``role`` "seat") or the
    trainer's console ("trainer") — fed by the server; with ``browser``, in a web browser."""
    from ..errors import InputError, Problem
    from ..serve.client import Refused

    if not (address and token):
        raise InputError([Problem("--join" if not address else "--token", 0, 0, "",
                                  "--join HOST:PORT and --token T go together")])
    if browser is not None:
        return _in_browser(address, token, role, browser)
    remote = importlib.import_module("tui.remote_driver")
    try:
        driver = remote.RemoteDriver.join(address, token)
    except Refused as e:
        raise InputError([Problem("--token", 0, 0, "", f"the server at {address} refused it: {e}")]) from None
    except (OSError, TimeoutError) as e:
        raise InputError([Problem("--join", 0, 0, "", f"cannot reach an exercise server at {address}: "
                                                      f"{getattr(e, 'strerror', None) or e or 'no answer'}")]) from None
    if (driver.seat == "trainer") != (role == "trainer"):
        driver.close()
        right = "ncbsim trainer --join" if driver.seat == "trainer" else "ncbsim play --join"
        raise InputError([Problem("--token", 0, 0, "", f"this token opens {driver.seat}'s seat: use {right}")])
    app = importlib.import_module("tui.app").make_app(driver=driver)
    app.run()
    if app.session_note:
        print(for_terminal(app.session_note, newlines=True))
    return app.return_code or 0


def _in_browser(address: str, token: str, role: str, port: int) -> int:
    """The same client, served to a web browser by textual-serve: each browser tab that opens the
    page runs it, as a terminal would. Only this machine can open the page."""
    import shlex
    import sys

    from ..errors import InputError, Problem

    if not 0 < port <= 65535:
        raise InputError([Problem("--browser", 0, 0, "", f"expected a port from 1 to 65535, got {port}")])
    try:
        server_module = importlib.import_module("textual_serve.server")
    except ImportError:
        raise InputError([Problem("--browser", 0, 0, "", "serving to a browser needs textual-serve: "
                                                         "pip install 'ncbsim[web]'")]) from None
    tool = "trainer" if role == "trainer" else "play"
    command = shlex.join([sys.executable, "-m", "sim", tool, "--join", address, "--token", token])
    print(f"open http://127.0.0.1:{port} in a browser on this machine (Ctrl+C stops serving the page)", flush=True)
    server_module.Server(command, host="127.0.0.1", port=port, title=f"ncbsim {tool}").serve()
    return 0
