"""The ``ncbsim`` command. Exit codes: 0 ok, 1 the run failed, 2 bad input (design.md contract)."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from .. import __version__
from ..errors import InputError, RunError
from ..text import for_terminal
from .streams import StdoutFailed, guarded_streams, silence_stdout

EXIT_OK, EXIT_RUN_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line and exit 2, as for any bad input
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
    from . import analyze  # issue 16: sensitivity analysis of a sweep's results
    analyze.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    with guarded_streams():
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    command = "ncbsim"
    try:
        try:
            parser = build_parser()
            args = parser.parse_args(argv)  # --help and usage errors exit from here
            if not getattr(args, "handler", None):
                parser.print_help()
                return EXIT_BAD_INPUT
            command = f"ncbsim {args.command}"
            return args.handler(args)
        finally:
            sys.stdout.flush()  # a full device shows here, while the failure can still be named
    except InputError as e:
        for p in e.problems:
            print(for_terminal(p), file=sys.stderr)
        return EXIT_BAD_INPUT
    except RunError as e:
        print(f"{command}: run failed: {for_terminal(e)}", file=sys.stderr)
        return EXIT_RUN_FAILED
    except KeyboardInterrupt:
        print(f"{command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader has all it wanted (``| head``): not an error
        silence_stdout()
        return EXIT_OK
    except StdoutFailed as e:
        silence_stdout()
        print(f"{command}: cannot write to standard output: {e}", file=sys.stderr)
        return EXIT_RUN_FAILED


if __name__ == "__main__":
    sys.exit(main())
