"""Text that ncbsim prints to a terminal, from data it did not write itself.

A scenario's title, an inject's text or a value echoed in an error line can hold bytes a
terminal obeys rather than shows: ESC and CSI sequences (move the cursor, retitle the window,
rewrite what was printed before), BEL, a carriage return that overwrites a line, and the
Unicode bidi overrides that make text read differently from what it is. Everything printed from
data goes through ``for_terminal``, which shows such characters as visible escapes (``\\x1b``,
``\\u202e``) instead of sending them; ``json_for_terminal`` does the same for JSON output, where
json.dumps already escapes C0 controls but passes C1 controls and bidi overrides raw.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

__all__ = ["for_terminal", "json_for_terminal"]

# C0 controls but tab and newline, DEL, C1 controls (incl. CSI 0x9b), the bidi embeddings and
# overrides U+202A–U+202E and isolates U+2066–U+2069.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE_KEEP_NEWLINES = re.compile(f"[{_CONTROLS}]")
_UNSAFE_ONE_LINE = re.compile(f"[{_CONTROLS}\t\n]")
# In JSON text only C0 controls are escaped by json.dumps; these remain, always inside strings.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(m: re.Match[str]) -> str:
    c = m.group()
    return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(c) or (
        f"\\x{ord(c):02x}" if ord(c) <= 0xFF else f"\\u{ord(c):04x}")


def for_terminal(text: object, *, newlines: bool = False) -> str:
    """``text`` with every control character shown as an escape, never sent to the terminal.

    ``newlines=True`` keeps newlines (and tabs) for text whose layout is made of lines; a
    single field (a title, an id, one error line) keeps them escaped so it stays on its line.
    """
    s = text if isinstance(text, str) else str(text)
    pattern = _UNSAFE_KEEP_NEWLINES if newlines else _UNSAFE_ONE_LINE
    return pattern.sub(_visible, s) if pattern.search(s) else s


def json_for_terminal(doc: Any, **dumps: Any) -> str:
    """``json.dumps(doc, ensure_ascii=False, **dumps)`` with C1 controls and bidi overrides as
    ``\\uXXXX`` escapes: the same JSON value, safe to print."""
    text = json.dumps(doc, ensure_ascii=False, **dumps)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def standalone(words: Iterable[str]) -> re.Pattern[str]:
    """Any of ``words`` standing alone, as the engine writes a country's code in a sentence
    ("ES holds …", "in TJ"), not inside a reference such as N-FR-1."""
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, words)) + r")(?![\w-])")


def whole_words(words: Iterable[str]) -> re.Pattern[str]:
    """Any of ``words`` as a whole word, the longest first (ids such as S1 and S12)."""
    return re.compile(r"\b(" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + r")\b")


def sentence_start(text: str) -> str:
    """``text`` with its first letter made upper case and the rest left alone: unlike
    ``str.capitalize``, "answer to the NDTF" and "UN special" keep their acronyms."""
    return text[:1].upper() + text[1:]
