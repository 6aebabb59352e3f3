"""Standard output and error that work in any locale and fail in one line.

Two things made ncbsim print a traceback after a run had succeeded: a stdout that cannot encode
the summary's characters (``PYTHONIOENCODING=ascii``, an ISO-8859 locale), and a stdout that
cannot be written at all (a full device, a lost terminal). While a command runs, both streams
are wrapped: text that the stream's encoding cannot hold gets ASCII stand-ins for ncbsim's own
punctuation and backslash escapes for the rest, and a failed write on stdout becomes
``StdoutFailed`` so that the CLI can name the stream instead of guessing which file failed.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO, cast

__all__ = ["StdoutFailed", "guarded_streams", "silence_stdout"]

# The typography of ncbsim's own summaries, readable in plain ASCII.
_ASCII = str.maketrans({"→": "->", "←": "<-", "·": "-", "—": "--", "–": "-", "±": "+/-", "…": "...",
                        "≥": ">=", "≤": "<=", "×": "x", "‘": "'", "’": "'", "“": '"', "”": '"', "✓": "ok"})


class StdoutFailed(Exception):
    """Writing standard output failed (not a closed pipe: that one ends the command quietly)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror or str(error))
        self.error = error


class _Guarded:
    """A text stream that fits what is written to its encoding and names its own failures."""

    def __init__(self, inner: TextIO, *, is_stdout: bool) -> None:
        self._inner = inner
        self._is_stdout = is_stdout
        enc = getattr(inner, "encoding", None) or "utf-8"
        try:
            self._utf = codecs.lookup(enc).name.startswith("utf")
        except LookupError:
            self._utf = False

    def write(self, s: str) -> int:
        if not self._utf:
            try:
                s.encode(self._inner.encoding)
            except (UnicodeEncodeError, LookupError):
                s = s.translate(_ASCII)
        return self._guarded(self._inner.write, s)

    def flush(self) -> None:
        self._guarded(self._inner.flush)

    def _guarded(self, call: Any, *args: Any) -> Any:
        try:
            return call(*args)
        except BrokenPipeError:
            raise
        except OSError as e:
            if self._is_stdout:
                raise StdoutFailed(e) from None
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@contextmanager
def guarded_streams() -> Iterator[None]:
    out, err = sys.stdout, sys.stderr
    for stream in (out, err):
        if isinstance(stream, io.TextIOWrapper):
            # The encoding stays what the terminal or locale said; only unencodable text changes.
            stream.reconfigure(errors="backslashreplace")
    sys.stdout = cast(TextIO, _Guarded(out, is_stdout=True))
    sys.stderr = cast(TextIO, _Guarded(err, is_stdout=False))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's final flush of what could not be
    written does not print "Exception ignored" after the command has reported the failure."""
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError, io.UnsupportedOperation):
        return  # not a real file (a test's capture): nothing is flushed at exit
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)
