"""The engine is headless: importing and running it never loads a UI library."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from conftest import ROOT

PROBE = """
import sys
import sim, sim.cli, sim.engine.exercise, sim.scenario.loader, sim.world
from sim.cli import main
main(["world", "--json"])
ui = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich", "tui"))
print("UI:" + ",".join(ui), file=sys.stderr)
"""


def test_engine_imports_no_ui_library_in_a_fresh_process():
    r = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip().endswith("UI:"), r.stderr


def test_import_linter_contracts_hold():
    # Beside this interpreter first: a venv's scripts are there even when it is not activated.
    exe = shutil.which("lint-imports", path=os.path.dirname(sys.executable)) or shutil.which("lint-imports")
    assert exe, "import-linter is a dev dependency; install with pip install -e '.[dev]'"
    r = subprocess.run([exe], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "KEPT" in r.stdout and "BROKEN" not in r.stdout
