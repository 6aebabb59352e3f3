"""``ncbsim trainer``: the trainer's console (a terminal UI, loaded only when it runs)."""

from __future__ import annotations

import importlib
import os


def register(sub) -> None:
    p = sub.add_parser("trainer", help="run an exercise as its trainer (terminal UI)",
                       description="The trainer's console: every seat and the ground truth; fire an inject now, "
                                   "hold or release it, add an ad-hoc inject; answer any seat's decision; pause, "
                                   "resume and change speed; evaluators' notes and ratings per objective. Give a "
                                   "scenario to start a session, or a session file to resume one.")
    p.add_argument("source", metavar="SESSION|SCENARIO", nargs="?",
                   help="a session file (.db) or a scenario (.yaml)")
    p.add_argument("--session", metavar="FILE.db", help="with a scenario: record in this session file")
    p.add_argument("--automate", action="store_true", help="with a scenario: policies answer the players' seats "
                                                           "(default: their decisions wait for you)")
    p.add_argument("--join", metavar="HOST:PORT", help="run the console of an exercise served by ncbsim serve "
                                                       "(with --token: the trainer's token)")
    p.add_argument("--token", metavar="T", help="with --join: the trainer's join token")
    p.add_argument("--browser", metavar="PORT", type=int, help="with --join: serve the console to a web browser at "
                                                               "http://127.0.0.1:PORT (needs pip install 'ncbsim[web]')")
    p.set_defaults(handler=trainer_command)


def trainer_command(args) -> int:
    from ..errors import InputError, Problem
    from ..files import check_outputs
    from ..scenario.loader import load_scenario
    from ..text import for_terminal

    if args.join or args.token:
        if args.source or args.session or args.automate:
            raise InputError([Problem("--join", 0, 0, "", "the server says the exercise and keeps its session: "
                                                          "give only --join and --token")])
        from .play import join_exercise

        return join_exercise(args.join, args.token, "trainer", args.browser)
    if args.source is None:
        raise InputError([Problem("SESSION|SCENARIO", 0, 0, "", "give a scenario or a session file "
                                                                "(or --join and --token)")])
    if not os.path.exists(args.source):
        raise InputError([Problem(args.source, 0, 0, "", "no such file")])
    if not os.path.isfile(args.source):
        kind = "a folder" if os.path.isdir(args.source) else "not a regular file"
        raise InputError([Problem(args.source, 0, 0, "", f"this is {kind}; expected a session file (.db) "
                                                         "or a scenario (.yaml)")])
    try:
        with open(args.source, "rb") as fh:
            is_session = fh.read(16) == b"SQLite format 3\x00"
    except OSError as e:
        raise InputError([Problem(args.source, 0, 0, "", f"cannot read it: {e.strerror or e}")]) from None
    if is_session:
        from ..sessions.store import SessionStore

        if args.session or args.automate:
            raise InputError([Problem(args.source, 0, 0, "", "--session and --automate go with a SCENARIO; "
                                                             "a session already says how its seats are played")])
        # The console records decisions and notes in it: a clear error now rather than in the screen.
        check_outputs([("SESSION", args.source)])
        SessionStore.open(args.source).close()
        scenario, session = None, args.source
    else:
        loaded = load_scenario(args.source)
        scenario, session = args.source, args.session
        if session:
            check_outputs([("--session", session)], inputs=loaded.located.files)
        if session and os.path.exists(session):
            raise InputError([Problem(session, 0, 0, "", "a session file already exists here; open it with "
                                                         f"ncbsim trainer {session}")])
    app = importlib.import_module("tui.app").make_app(scenario, None, session, trainer=True, automate=args.automate)
    app.run()
    if app.session_note:
        print(for_terminal(app.session_note, newlines=True))
    return app.return_code or 0
