"""The ``ncbsim`` command. Exit codes: 0 ok, 1 the run failed, 2 bad input (design.md contract).

Each command is a module of this package named in ``COMMANDS``, with ``register(sub)`` adding
its parser (``sub.add_parser(NAME, ...)``, its arguments, ``set_defaults(handler=...)``) and a
handler ``NAME_command(args) -> int``. ``ncbsim --help`` imports every command module to list
them, so a command module's top level imports only the standard library's light modules and
the light helpers of ``sim`` (``sim.errors``, ``sim.text``, ``sim.durations``, ``sim.files``,
``sim.cli.*``): whatever the command runs (the engine, the scenario loader, pydantic, yaml,
networkx, the research stack, the UI) is imported inside its handler. A test
(tests/cli/test_lazy_imports.py) runs every ``ncbsim [COMMAND] --help`` in a fresh process and
fails when one of them imports a heavy module. Adding a command: its module, and its name on a
line of its own in ``COMMANDS`` (the order of ``ncbsim --help``).
"""

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


COMMANDS = (
    "play",
    "trainer",
    "serve",
    "run",
    "replay",
    "report",
    "note",
    "batch",
    "analyze",
    "validate",
    "schema",
    "world",
)


def build_parser() -> argparse.ArgumentParser:
    from importlib import import_module

    parser = _Parser(prog="ncbsim", description="Exercises for international police cooperation "
                                                "(INTERPOL-style NCB network) on a discrete-event engine.")
    parser.add_argument("--version", action="version", version=f"ncbsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        import_module(f"{__name__}.{name}").register(sub)
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
    except KeyboardInterrupt as e:  # Ctrl-C, or a signal an executor turned into one (its exit code with it)
        print(f"{command}: interrupted", file=sys.stderr)
        return getattr(e, "exit_code", 130)
    except BrokenPipeError:  # the reader has all it wanted (``| head``): not an error
        silence_stdout()
        return EXIT_OK
    except StdoutFailed as e:
        silence_stdout()
        print(f"{command}: cannot write to standard output: {e}", file=sys.stderr)
        return EXIT_RUN_FAILED


if __name__ == "__main__":
    sys.exit(main())
