"""``ncbsim note``: an evaluator's note and HSEEP rating, recorded in a session."""

from __future__ import annotations

# HSEEP's four ratings, in the order of sessions.store.RATINGS (imported when a note is written,
# so that every ncbsim command does not pay for the engine's imports to build its --help).
SHORT = ("P", "S", "M", "U")


def register(sub) -> None:
    p = sub.add_parser("note", help="record an evaluator's note or rating in a session",
                       description="Add an evaluator's note to a session, optionally about one objective and with "
                                   "an HSEEP rating: P (performed without challenges), S (with some challenges), "
                                   "M (with major challenges), U (unable to be performed). Notes appear in the "
                                   "after-action report.")
    p.add_argument("session", metavar="SESSION", help="session file (.db)")
    p.add_argument("text", metavar="TEXT", help="the note")
    p.add_argument("--objective", metavar="ID", help="the objective it is about, e.g. O2")
    p.add_argument("--rating", choices=sorted(SHORT), help="HSEEP rating of that objective")
    p.add_argument("--by", default="evaluator", metavar="NAME", help="who writes it (default: evaluator)")
    p.set_defaults(handler=note_command)


def note_command(args) -> int:
    from ..errors import InputError, Problem
    from ..sessions.runner import stored_scenario
    from ..sessions.store import SessionStore
    from ..text import for_terminal

    if args.rating and not args.objective:
        raise InputError([Problem("--rating", 0, 0, "", "a rating is given to an objective: add --objective ID")])
    store = SessionStore.open(args.session)
    try:
        if args.objective:
            known = [o.id for o in stored_scenario(store).objectives]
            if args.objective not in known:
                raise InputError([Problem("--objective", 0, 0, "", f"the scenario has no objective "
                                                                    f"'{args.objective}'; it has "
                                                                    f"{', '.join(known) or 'none'}")])
        store.add_note(args.text, args.by, args.objective, rating(args.rating),
                       store.reached())
    finally:
        store.close()
    print(for_terminal(f"note recorded in {args.session}" + (f" for {args.objective}" if args.objective else "")))
    return 0


def rating(letter: str | None) -> str | None:
    from ..sessions.store import RATINGS

    return RATINGS[SHORT.index(letter)] if letter else None
