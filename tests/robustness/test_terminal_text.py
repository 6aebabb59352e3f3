"""Terminal escape codes in a scenario's text are shown, never obeyed (issue 11, cause 10).

A title, an objective's title or a value echoed in an error line can carry ESC and CSI
sequences (clear the screen, retitle the window), BEL, a carriage return, or bidi overrides
that make a line read differently from what it is. Whatever ncbsim prints from data shows them
as visible escapes; JSON output stays the same JSON value.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from conftest import FLAGSHIP

from sim.text import for_terminal, json_for_terminal

# Anything a terminal would act on rather than print.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

HOSTILE = {
    "clear screen": ("\x1b[2J", "\\x1b[2J"),
    "window title and bell": ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
    "C1 CSI": ("\x9b31m", "\\x9b31m"),
    "carriage return": ("safe\rEVIL", "safe\\rEVIL"),
    "right-to-left override": ("\u202egnp.exe", "\\u202egnp.exe"),
    "bidi isolate": ("a\u2066b\u2069", "a\\u2066b\\u2069"),
    "NUL and DEL": ("a\x00b\x7f", "a\\x00b\\x7f"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_control_characters_are_shown_not_sent(case):
    raw, shown = HOSTILE[case]
    out = for_terminal(f"title {raw} end")
    assert out == f"title {shown} end" and not RAW_CONTROL.search(out)
    doc = {"title": raw, "nested": [raw]}
    text = json_for_terminal(doc, indent=2)
    assert json.loads(text) == doc and not RAW_CONTROL.search(text)


def test_newlines_kept_only_where_the_layout_needs_them():
    assert for_terminal("a\nb\tc") == "a\\nb\\tc"
    assert for_terminal("a\nb\tc\x1b", newlines=True) == "a\nb\tc\\x1b"
    assert for_terminal("plain – ünïcode ✓") == "plain – ünïcode ✓"


TITLE = "Evil \\e]0;pwned\\a\\e[2J\\x9b31m \\u202egnp.exe"
OBJECTIVE = "Obj \\e[31mred\\nsecond line"


@pytest.fixture
def hostile_scenario(tmp_path):
    text = FLAGSHIP.read_text(encoding="utf-8")
    text = text.replace("title: Murder suspect on the run across three borders", f'title: "{TITLE}"', 1)
    head, objectives = text.split("\nobjectives:\n", 1)  # the first objective's title, whatever it says
    objectives = re.sub(r"(?m)^(\s+)title: .*$", lambda m: f'{m.group(1)}title: "{OBJECTIVE}"', objectives, count=1)
    text = head + "\nobjectives:\n" + objectives
    assert TITLE in text and OBJECTIVE in text
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text('id: t\ntitle: test\nstart: 2026-03-02T06:00:00Z\nduration: 2d\nseed: 7\n'
                                       'world:\n  members: [FR, "\\e[2J\\u202eX"]\n', encoding="utf-8")
    return tmp_path


# (command, exit code, the stream the data reaches, what must be visible there)
COMMANDS = {
    "run summary": (["run", "s.yaml", "--until", "2h"], 0, "stdout", ["Evil \\x1b]0;pwned", "Obj \\x1b[31mred\\nsecond"]),
    "run json": (["run", "s.yaml", "--until", "2h", "--json"], 0, "stdout", ["\\u001b]0;pwned", "\\u009b31m"]),
    "validate": (["validate", "s.yaml"], 0, "stdout", ["Evil \\x1b]0;pwned\\x07\\x1b[2J\\x9b31m \\u202egnp.exe"]),
    "error line": (["validate", "bad.yaml"], 2, "stderr", ["'\\x1b[2J\\u202eX'"]),
    "error line from run": (["run", "bad.yaml"], 2, "stderr", ["'\\x1b[2J\\u202eX'"]),
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_scenario_text_reaches_the_terminal_escaped(hostile_scenario, command):
    args, code, stream, visible = COMMANDS[command]
    r = subprocess.run([sys.executable, "-m", "sim", *args], cwd=hostile_scenario, capture_output=True,
                       text=True, timeout=10, env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    assert r.returncode == code, r.stderr
    assert "Traceback" not in r.stderr
    for out in (r.stdout, r.stderr):
        assert not RAW_CONTROL.search(out), repr(out[:300])
    shown = getattr(r, stream)
    for v in visible:
        assert v in shown, shown[:600]
    if stream == "stderr":
        assert len(r.stderr.splitlines()) == 1
