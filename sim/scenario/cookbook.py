"""The authoring guide's cookbook: short, complete scenarios in docs/cookbook/, each headed by
comments that say what it shows and what a run by the book gives. The guide prints them and a
test runs every one and checks its ``# Outcome:`` line, so a recipe cannot claim what it does not do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "docs" / "cookbook"
_OUTCOME = re.compile(r"^# Outcome:\s*(.*)$")
_VERDICT = re.compile(r"^([A-Za-z0-9_.-]+)\s+(met|failed)$")


@dataclass(frozen=True)
class Recipe:
    path: Path
    title: str
    prose: str
    outcome: dict[str, str]  # objective id -> met | failed
    text: str

    @property
    def slug(self) -> str:
        return self.path.stem


def read(path: Path) -> Recipe:
    """A recipe's header: '# Recipe: title', prose comment lines, '# Outcome: O1 met, O2 failed'."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if not lines or not lines[0].startswith("# Recipe:"):
        raise ValueError(f"{path}: the first line must be '# Recipe: <title>'")
    title = lines[0][len("# Recipe:"):].strip()
    prose: list[str] = []
    outcome: dict[str, str] | None = None
    for line in lines[1:]:
        if not line.startswith("#"):
            break
        m = _OUTCOME.match(line)
        if m:
            outcome = {}
            for part in filter(None, (p.strip() for p in m.group(1).split(","))):
                v = _VERDICT.match(part)
                if v is None:
                    raise ValueError(f"{path}: the outcome '{part}' is not '<objective id> met|failed'")
                outcome[v.group(1)] = v.group(2)
        else:
            prose.append(line[1:].strip())
    if outcome is None:
        raise ValueError(f"{path}: the header needs a '# Outcome: O1 met, O2 failed' line")
    return Recipe(path, title, " ".join(p for p in prose if p), outcome, text)


def recipes() -> list[Recipe]:
    return [read(p) for p in sorted(FOLDER.glob("*.yaml"))]


def render() -> str:
    """The guide's cookbook section."""
    out = ["## Cookbook", "",
           ("Short, complete scenarios, one per capability. Each is in `docs/cookbook/`; "
            "`ncbsim run docs/cookbook/FILE.yaml` gives the outcome its header states (a test checks it)."), ""]
    for r in recipes():
        verdicts = ", ".join(f"{k} {v}" for k, v in r.outcome.items())
        out += [f"### {r.title}", "", r.prose, "",
                f"`docs/cookbook/{r.path.name}` — by the book: {verdicts}.", "",
                "```yaml", r.text.rstrip("\n"), "```", ""]
    return "\n".join(out)
