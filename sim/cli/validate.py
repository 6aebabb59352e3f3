"""``ncbsim validate``: check scenario files, reporting every problem with its place."""

from __future__ import annotations

import sys

from ..errors import InputError
from ..text import for_terminal


def register(sub) -> None:
    p = sub.add_parser("validate", help="check scenario files and report every problem",
                       description="Check scenarios: YAML syntax, fields and types, references, and lint "
                                   "warnings. One line per problem: file:line:col: field: message. "
                                   "Exit 0 when every file is valid (warnings allowed), 2 otherwise.")
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    p.set_defaults(handler=validate_command)


def validate_command(args) -> int:
    from ..scenario.loader import load_scenario, locate

    failed = 0
    for f in args.files:
        try:
            if isinstance(locate(f).data.get("scenario"), str):  # an experiment names its scenario
                from ..batch.sweep import plan

                pl = plan(f)
                if not args.quiet:
                    print(for_terminal(f"{f}: ok — experiment {pl.experiment.title} ({len(pl.points)} "
                                       f"design point(s), {len(pl.tasks)} runs)"))
                continue
            loaded = load_scenario(f)
        except InputError as e:
            failed += 1
            for p in e.problems:
                print(for_terminal(p), file=sys.stderr)
            continue
        for w in loaded.warnings:
            print(for_terminal(w), file=sys.stderr)
        if not args.quiet:
            sc = loaded.scenario
            note = f", {_n(len(loaded.warnings), 'warning')}" if loaded.warnings else ""
            print(for_terminal(f"{f}: ok — {sc.title} ({_n(len(sc.injects), 'inject')}, "
                               f"{_n(len(sc.objectives), 'objective')}{note})"))
    return 2 if failed else 0


def _n(k: int, word: str) -> str:
    return f"{k} {word}{'' if k == 1 else 's'}"
