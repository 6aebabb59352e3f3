"""The after-action report, end to end: HTML a trainer can hand out, Markdown, journals, what-ifs."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import FLAGSHIP, SCENARIOS, ncbsim, recorded_once

from sim.api import load_scenario


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.h2: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.svgs = 0
        self.urls: list[str] = []
        self._in, self._text, self._row = None, "", None

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("src", "href") and v:
                self.urls.append(v)
        if tag == "svg":
            self.svgs += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th", "h2"):
            self._in, self._text = tag, ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None:
            self._row.append(self._text.strip())
        elif tag == "h2":
            self.h2.append(self._text.strip())
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._text += data


@pytest.fixture(scope="module")
def flagship_session(tmp_path_factory) -> Path:
    """The flagship recorded once for every test here (and every worker); read it, never write it."""
    def make(folder: Path) -> None:
        r = ncbsim("run", str(FLAGSHIP), "--session", str(folder / "s.db"))
        assert r.returncode == 0, r.stderr

    return recorded_once(tmp_path_factory, "flagship-session", make) / "s.db"


@pytest.fixture(scope="module")
def noted_what_if_report(tmp_path_factory, flagship_session) -> Path:
    """A copy of the session with an evaluator's note (and a refused one), reported with what-ifs.

    Each what-if replication is a whole run per option and key decision, so the note and the
    what-if tests share this one report: ``note.out``/``bad_note.out`` hold the note commands'
    exit code and stderr, ``report.md`` the report.
    """
    def make(folder: Path) -> None:
        db = folder / "s.db"
        shutil.copyfile(flagship_session, db)
        for name, args in (("note", ["Complete, quick request", "--objective", "O5", "--rating", "P",
                                     "--by", "A. Trainer"]),
                           ("bad_note", ["x", "--objective", "O99"])):
            r = ncbsim("note", str(db), *args)
            (folder / f"{name}.out").write_text(f"{r.returncode}\n{r.stderr}")
        r = ncbsim("report", str(db), "--md", str(folder / "report.md"), "--what-if", "1", timeout=600)
        (folder / "report.out").write_text(f"{r.returncode}\n{r.stderr}")

    return recorded_once(tmp_path_factory, "flagship-noted-what-if", make)


def _outcome(folder: Path, name: str) -> tuple[int, str]:
    code, err = (folder / f"{name}.out").read_text().split("\n", 1)
    return int(code), err


def test_flagship_html_report_has_timeline_verdicts_and_charts(flagship_session, tmp_path):
    out = tmp_path / "report.html"
    r = ncbsim("report", str(flagship_session), "--html", str(out))
    assert r.returncode == 0, r.stderr
    page = Page()
    page.feed(out.read_text())
    assert {"Strengths", "Areas for improvement", "Objectives", "Timeline", "Decisions",
            "Who knew what, when", "Bottlenecks"} <= set(page.h2)
    objectives = next(t for t in page.tables if t and t[0][:2] == ["objective", "verdict"])
    verdicts = {row[0].split()[0]: row[1] for row in objectives[1:]}
    assert verdicts["O1"] == "met" and set(verdicts.values()) <= {"met", "failed", "not decided"}
    assert len(verdicts) == len(load_scenario(FLAGSHIP).scenario.objectives)
    timeline = next(t for t in page.tables if t and t[0][:2] == ["#", "UTC"])
    assert len(timeline) > 10 and any("provisionally arrested" in row[-1] for row in timeline)
    assert page.svgs >= 2
    assert not [u for u in page.urls if re.match(r"https?:|//", u)], "the report must be self-contained"
    assert "<script" not in out.read_text() and "<link" not in out.read_text()


def test_report_with_what_if_alternatives(noted_what_if_report):
    code, err = _outcome(noted_what_if_report, "report")
    assert code == 0, err
    text = (noted_what_if_report / "report.md").read_text()
    assert "### What if Q5 had gone otherwise?" in text and "| decline | 1 |" in text


def test_evaluator_notes_reach_the_report(noted_what_if_report):
    code, err = _outcome(noted_what_if_report, "note")
    assert code == 0, err
    code, err = _outcome(noted_what_if_report, "bad_note")
    assert code == 2 and "no objective 'O99'" in err
    code, err = _outcome(noted_what_if_report, "report")
    assert code == 0, err
    md = (noted_what_if_report / "report.md").read_text()
    assert "Performed without challenges (P) Complete, quick request (A. Trainer)" in md


def test_report_from_a_journal_prints_markdown(tmp_path):
    journal = tmp_path / "j.jsonl"
    assert ncbsim("run", str(SCENARIOS / "pharma-ring-operation.yaml"), "--journal", str(journal)).returncode == 0
    r = ncbsim("report", str(journal))
    assert r.returncode == 0, r.stderr
    assert "## Objectives" in r.stdout and "Operation PANACEA week of action ends" in r.stdout


@pytest.mark.parametrize("content, words", [("{not json\n", "j.jsonl:1:2: not a journal line"),
                                            ('{"seq": 1}\n', "needs seq, t, kind, actor"), ("", "empty")])
def test_bad_journals_are_located(tmp_path, content, words):
    p = tmp_path / "j.jsonl"
    p.write_text(content)
    r = ncbsim("report", str(p))
    assert r.returncode == 2 and words in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("n", ["51", "1000000000", "-1"])
def test_what_if_replications_are_bounded(flagship_session, tmp_path, n):
    """Each replication is a whole run per option: a huge N only looks like a hang, so it is refused at once."""
    out = tmp_path / "r.md"
    r = ncbsim("report", str(flagship_session), "--md", str(out), "--what-if", n, timeout=20)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith("--what-if: ") and "from 1 to 50" in line, line
    assert not out.exists()
