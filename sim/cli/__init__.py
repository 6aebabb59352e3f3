"""The ``ncbsim`` command. Exit codes: 0 ok, 1 the run failed, 2 bad input (design.md contract)."""

from __future__ import annotations

import argparse
import sys

from .. import __version__
from ..errors import InputError, RunError

EXIT_OK, EXIT_RUN_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line and exit 2, as for any bad input
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    from . import batch, note, play, replay, report, run, schema, trainer, validate, world

    parser = _Parser(prog="ncbsim", description="Exercises for international police cooperation "
                                                "(INTERPOL-style NCB network) on a discrete-event engine.")
    parser.add_argument("--version", action="version", version=f"ncbsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in (play, trainer, run, replay, report, note, batch, validate, schema, world):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return args.handler(args)
    except InputError as e:
        for p in e.problems:
            print(str(p), file=sys.stderr)
        return EXIT_BAD_INPUT
    except RunError as e:
        print(f"ncbsim {args.command}: run failed: {e}", file=sys.stderr)
        return EXIT_RUN_FAILED
    except KeyboardInterrupt:
        print(f"ncbsim {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
