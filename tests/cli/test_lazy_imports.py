"""``ncbsim --help`` starts fast because it imports no engine: each command module registers its
parser with light imports only and imports what it runs inside its handler (sim/cli/__init__.py)."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT

from sim.cli import COMMANDS

# What makes a start slow: the engine and its libraries, the UI, the research stack.
HEAVY = ("simpy", "textual", "rich", "pydantic", "networkx", "yaml", "numpy", "scipy", "pandas", "pyarrow",
         "matplotlib", "distributed", "dask", "sim.engine", "sim.scenario", "sim.play", "sim.batch.runs")

PROBE = """
import contextlib, io, json, sys
from sim.cli import COMMANDS, main
heavy = tuple(sys.argv[1].split(","))
found = {}
for argv in [["--help"]] + [[c, "--help"] for c in COMMANDS]:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        main(argv)
    now = sorted(m for m in sys.modules if m.split(".")[0] in heavy or any(m.startswith(h + ".") or m == h for h in heavy))
    if now:
        found[" ".join(argv)] = now
        break
print(json.dumps(found))
"""


def test_help_of_ncbsim_and_of_every_command_imports_no_heavy_module():
    r = subprocess.run([sys.executable, "-c", PROBE, ",".join(HEAVY)], capture_output=True, text=True, cwd=ROOT,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    found = json.loads(r.stdout)
    # The first help that imported one names the culprit: move that import into the command's handler.
    assert found == {}, found


def test_every_command_is_listed_in_the_help():
    r = subprocess.run([sys.executable, "-m", "sim", "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0, r.stderr
    listed = r.stdout.split("COMMAND", 1)[1]
    assert all(f"    {name} " in listed or f"    {name}\n" in listed for name in COMMANDS), r.stdout
