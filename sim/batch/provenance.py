"""The software a sweep ran on, for its manifest: Python, the dependencies' versions, the commit.

A result can be reproduced exactly only on the same model and the same numerical libraries, so
the manifest records both. The commit is looked up only where the project is a git checkout (an
installed wheel has none, and says so by leaving ``git`` out); ``dirty`` says whether tracked files
differed from that commit, so a run made from uncommitted code is not taken for the commit's.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

# What the model and its result tables depend on (pyproject's dependencies and research extra).
DEPENDENCIES = ("simpy", "networkx", "pydantic", "pydantic-core", "pyyaml", "numpy", "scipy", "pandas", "pyarrow",
                "dask", "distributed", "matplotlib", "textual", "salib")
_GIT_TIMEOUT_S = 5


def versions(names: tuple[str, ...] = DEPENDENCIES) -> dict[str, str | None]:
    """Each distribution's installed version; None for one that is not installed."""
    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def _git(root: Path, *args: str) -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        r = subprocess.run([git, "-C", str(root), *args], capture_output=True, text=True, timeout=_GIT_TIMEOUT_S,
                           env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"}, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return r.stdout.strip() if r.returncode == 0 else None


def git_state(root: Path | None = None) -> dict[str, Any] | None:
    """``{"commit": sha, "dirty": bool}`` of the checkout the engine runs from, or None when it is not one.

    Untracked files do not count as dirty: a results folder inside the checkout is not a change
    to the model.
    """
    root = root or Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        return None
    commit = _git(root, "rev-parse", "HEAD")
    if not commit:
        return None
    status = _git(root, "status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": None if status is None else bool(status)}


def provenance() -> dict[str, Any]:
    """The manifest's ``python``, ``platform``, ``dependencies`` and (in a checkout) ``git`` keys."""
    out: dict[str, Any] = {"python": platform.python_version(), "python_implementation": platform.python_implementation(),
                           "platform": platform.platform(), "dependencies": versions()}
    git = git_state()
    if git is not None:
        out["git"] = git
    return out
