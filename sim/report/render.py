"""Render a debrief as one self-contained HTML file (charts inlined as SVG) or as Markdown."""

from __future__ import annotations

import re
from html import escape
from statistics import fmean
from typing import Any

from ..sessions.store import RATING_LABELS
from ..text import for_terminal
from . import charts

CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#111827}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{margin-top:2.2rem;border-bottom:2px solid #e5e7eb;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.9rem} th,td{border:1px solid #e5e7eb;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f4f6} .met{color:#166534;font-weight:600} .failed,.missed{color:#991b1b;font-weight:600} .late{color:#92400e;font-weight:600}
.muted{color:#6b7280} .pending{color:#1d4ed8;font-weight:600} .chosen{font-weight:700}
.banner{border:2px solid #92400e;background:#fef3c7;color:#78350f;padding:.6rem 1rem;border-radius:6px;font-weight:600} .chart{margin:1rem 0} .chart svg{max-width:100%;height:auto} ul{padding-left:1.2rem}
.cards{display:flex;gap:1rem;flex-wrap:wrap} .card{border:1px solid #e5e7eb;border-radius:6px;padding:.6rem 1rem;min-width:9rem}
.card b{font-size:1.4rem;display:block}
@media (prefers-color-scheme: dark){body{background:#111827;color:#e5e7eb} th{background:#1f2937} th,td{border-color:#374151}
 .chart svg{background:#f9fafb;border-radius:4px}}
"""


def _h(text: Any) -> str:
    # Control characters from a journal or session are shown as escapes, as in the Markdown:
    # the page is often read with cat or less too, and HTML has no use for them.
    return escape(for_terminal("" if text is None else str(text), newlines=True))


def _table(head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{_h(c)}</th>" for c in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _cls(verdict: Any) -> str:
    text = "" if verdict is None else str(verdict)
    return f'<span class="{_h((text.split() or [""])[0])}">{_h(text)}</span>'


def _summary(d: dict[str, Any]) -> list[tuple[str, str]]:
    met = sum(1 for o in d["objectives"] if o["verdict"] == "met")
    exp_met = sum(1 for x in d["expectations"] if x["verdict"] == "met")
    expired = sum(1 for x in d["decisions"] if x["expired"])
    c = d["counts"]
    return [("objectives met", f"{met} / {len(d['objectives'])}"),
            ("expectations met in time", f"{exp_met} / {len(d['expectations'])}"),
            ("decisions taken", f"{len(d['decisions']) - expired}"), ("decisions left to expire", f"{expired}"),
            ("provisional arrests", f"{c.get('arrest.provisional', 0)}"), ("people released", f"{c.get('subject.released', 0)}")]


def html(d: dict[str, Any]) -> str:
    owner = f"<meta name='{OWNER_TAG}' content='{_owner_mark(d['report_of'])}'>" if d.get("report_of") else ""
    out = [(f"<!doctype html><html lang='en'><head><meta charset='utf-8'>{owner}<title>After-action report — "
            f"{_h(d['title'])}</title><style>{CSS}</style></head><body>"),
           f"<h1>After-action report — {_h(d['title'])}</h1>",
           f"<p class='muted'>Scenario {_h(d['scenario'])} · {_h(d['start'])} → {_h(d['end'])}"
           + (f" · players: {_h(', '.join(d['players']))}" if d["players"] else "") + f" · {_h(d['source'])}</p>"]
    if d.get("unfinished_at"):
        out.append(f"<p class='banner'>{_h(_unfinished(d))}</p>")
    out.append("<div class='cards'>" + "".join(f"<div class='card'><b>{_h(v)}</b>{_h(k)}</div>" for k, v in _summary(d))
               + "</div>")

    out.append("<h2>Strengths</h2>" + ("<ul>" + "".join(f"<li>{_h(s)}</li>" for s in d["strengths"]) + "</ul>"
                                       if d["strengths"] else "<p class='muted'>None recorded.</p>"))
    out.append("<h2>Areas for improvement</h2>" + ("<ul>" + "".join(f"<li>{_h(s)}</li>" for s in d["improvements"])
                                                   + "</ul>" if d["improvements"] else "<p class='muted'>None.</p>"))
    if d["corrective_actions"]:
        out.append("<h3>Corrective actions</h3><ul>" + "".join(f"<li>{_h(c)}</li>" for c in d["corrective_actions"]) + "</ul>")

    out.append("<h2 id='objectives'>Objectives</h2>")
    out.append(_table(["objective", "verdict", "when", "evidence from the journal", "evaluators"], [
        [f"<b>{_h(o['id'])}</b> {_h(o['title'])}", _cls(o["verdict"]), _h(o["when"] or "—"),
         (f"#{o['evidence_seq']}: {_h(o['evidence'])}" if o["evidence"] else "—"),
         "<br>".join(f"{_h(RATING_LABELS.get(n['rating'], ''))} {_h(n['text'])} <span class='muted'>({_h(n['author'])})</span>"
                     for n in o["notes"]) or "—"] for o in d["objectives"]]))
    if d["expectations"]:
        out.append("<h2>Expected actions (MSEL)</h2>")
        out.append(_table(["inject", "to", "expected", "deadline", "result", "when"], [
            [_h(x["inject"]), _h(x["to"]), _h(x["action"].replace("_", " ")), _h(x["deadline"]), _cls(x["verdict"]),
             _h(x["when"] or "—")] for x in d["expectations"]]))

    if d.get("validations"):
        out.append("<h2 id='validations'>Evaluators' validation</h2><p class='muted'>An evaluator's own verdict "
                   "on an expected action, beside the journal's.</p>")
        out.append(_table(["expected action", "journal", "evaluator", "note", "by", "when"], [
            [_h(v["what"]), _cls(v["automatic"]), _h(v["verdict"]), _h(v["note"] or "—"), _h(v["author"]), _h(v["t"])]
            for v in d["validations"]]))
    svg = charts.timeline_svg(d["timeline"], d["start"]) if d["start"] else None
    out.append("<h2 id='timeline'>Timeline</h2>")
    if svg:
        out.append(f"<div class='chart'>{svg}</div>")
    more = f" (first {len(d['timeline'])} of {d['timeline_total']})" if d["timeline_total"] > len(d["timeline"]) else ""
    out.append(f"<p class='muted'>Key events{more}; local time is the acting NCB's.</p>")
    out.append(_table(["#", "UTC", "local", "actor", "what happened"], [
        [_h(e["seq"]), _h(e["t"]), _h(e["local"] or ""), _h(e["actor"]), _h(e["text"])] for e in d["timeline"]]))

    out.append("<h2>What people did</h2>")
    if d["actions"]:
        out.append("<p class='muted'>Every action a person (or the trainer) took, in order; the automation's "
                   "work is in the timeline.</p>")
        out.append(_table(["#", "UTC", "local", "who", "what they did"], [
            [_h(a["seq"]), _h(a["t"]), _h(a["local"] or ""), _h(a["who"]), _h(a["text"])] for a in d["actions"]]))
    else:
        out.append("<p class='muted'>No person acted: every action in this run was the automation's.</p>")
    out.append("<h2>Decisions</h2>")
    if d["decisions"]:
        out.append(_table(["id", "seat", "question", "raised", "answered", "thinking (real time)", "chosen",
                           "recommended", "by"], [
            [_h(x["id"]), _h(x["seat"]), _h(x["prompt"]), _h(x["raised"]), _h(x["when"]), _h(_thinking(x)),
             _cls(x["chosen"]) if x["recommended"] and x["chosen"] != x["recommended"] else _h(x["chosen"]),
             _h(x["recommended"]), _h("deadline passed" if x["expired"] else x["by"])] for x in d["decisions"]]))
        out.append("<p class='muted'>Answered: simulated time. Thinking: the real seconds between the question "
                   "appearing and the answer, as the session recorded them (— : not a person's answer).</p>")
    else:
        out.append("<p class='muted'>No decisions were raised.</p>")
    for decision, results in d["what_if"].items():
        out.append(f"<h3>What if {_h(decision)} had gone otherwise?</h3>")
        chosen = d.get("what_if_chosen", {}).get(decision)
        svg = charts.what_if_svg(decision, results, chosen)
        if svg:
            out.append(f"<div class='chart'>{svg}</div>")
        out.append(_table(["option", "runs", "objectives met (mean)", "provisional arrests (mean)",
                           "people released (mean)"], [
            [f"<span class='chosen'>{_h(o)} ← chosen in the session</span>" if o == chosen else _h(o), _h(len(r)),
             _h(_mean(r, "objectives_met")), _h(_mean(r, "arrests")), _h(_mean(r, "released"))]
            for o, r in results.items()]))
        out.append(f"<p class='muted'>{_h(WHAT_IF_NOTE)}</p>")

    if d["who_knew"]:
        seats = list(d["who_knew"][0]["knew"])
        out.append("<h2>Who knew what, when</h2><p class='muted'>When each seat first learnt of each fact "
                   "(— : never, within the exercise).</p>")
        out.append(_table(["fact", *seats], [[_h(f["fact"])] + [_h(f["knew"][s] or "—") for s in seats]
                                             for f in d["who_knew"]]))

    b = d["bottlenecks"]
    if b:
        out.append("<h2>Bottlenecks</h2>")
        out.append(f"<p class='muted'>{_h(BOTTLENECK_NOTE)}</p>")
        svg = charts.waits_svg(b)
        if svg:
            out.append(f"<div class='chart'>{svg}</div>")
        out.append(_table(["desk", "case messages handled", "mean wait (min)", "longest wait (min)", "betweenness"], [
            [_h(n["node"]), _h(n["handled"]), _h(n["mean_wait_min"]), _h(n["max_wait_min"]), _h(n["betweenness"])]
            for n in b["longest_waits"]]))
    if d["notes"]:
        out.append("<h2>Evaluator notes</h2>" + _table(["objective", "rating", "note", "by"], [
            [_h(n["objective"] or "—"), _h(RATING_LABELS.get(n["rating"], "—")), _h(n["text"]), _h(n["author"])]
            for n in d["notes"]]))
    out.append("<p class='muted'>Generated by ncbsim from the exercise journal.</p></body></html>")
    return "\n".join(out)


WHAT_IF_NOTE = ("Every other choice is held as it was made in the session. Run 1 of each option keeps its own "
                "luck (so the choice made reproduces what happened); further runs re-draw the future.")
BOTTLENECK_NOTE = ("The desks the case's own messages went through (not the background traffic): how long those "
                   "messages waited before an officer read them.")


def _unfinished(d: dict[str, Any]) -> str:
    return (f"Unfinished at {d['unfinished_at']}: the run stopped before the exercise's end. Objectives and "
            f"expected actions still to come are marked pending, not failed.")


def _thinking(x: dict[str, Any]) -> str:
    s = x.get("thinking_s")
    if s is None:
        return "—"
    return f"{s:.0f} s" if s < 90 else f"{s / 60:.1f} min"


def _mean(rows: list[dict[str, Any]], key: str) -> str:
    return f"{fmean(r[key] for r in rows):.2f}" if rows else "—"


class Raw(str):
    """Markdown already made safe (escaped data around our own markup); ``md`` leaves it alone."""


_MD_SPECIAL = re.compile(r"([\\`*\[\]<>&|~])")
_MD_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")  # by_the_book is not emphasis
_MD_BLOCK_START = re.compile(r"^(\s*\d{1,9})([.)])(?=\s|$)|^(\s*)([#+\-=])(?=\s|$|\4)")


def md(value: Any) -> Raw:
    """Data as Markdown text that stays text: no HTML, links, emphasis, headings or new lines.

    Backslash-escapes what Markdown would act on anywhere in a line (raw HTML, entities,
    brackets, emphasis, code, tables), what would start a block at the start of the text (a
    heading, a list, a quote), and the ``://`` and ``www.`` that GitHub turns into links; every
    line break becomes a space, so a value cannot open a new line of its own, and control
    characters are written as visible escapes.
    """
    if isinstance(value, Raw):
        return value
    text = "—" if value is None else str(value)
    if text.splitlines() != [text]:  # any line break Python knows, \r and U+2028 included
        text = " ".join(text.splitlines())
    text = for_terminal(text)  # ESC, BEL and bidi overrides shown, so `cat report.md` cannot obey them
    text = _MD_UNDERSCORE.sub(r"\\_", _MD_SPECIAL.sub(r"\\\1", text))
    text = _MD_BLOCK_START.sub(lambda m: (m[1] + "\\" + m[2]) if m[1] is not None else (m[3] + "\\" + m[4]), text)
    return Raw(text.replace("://", ":\\/\\/").replace("www.", "www\\."))


def markdown(d: dict[str, Any]) -> str:
    def table(head: list[str], rows: list[list[Any]]) -> str:
        return "\n".join(["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
                         + ["| " + " | ".join(md(c) for c in r) + " |" for r in rows]) + "\n"

    def items(values: list[Any]) -> list[str]:
        return [f"- {md(s)}" for s in values]

    out = [f"# After-action report — {md(d['title'])}", "",
           f"Scenario {md(d['scenario'])} · {md(d['start'])} → {md(d['end'])}"
           + (f" · players: {md(', '.join(d['players']))}" if d["players"] else "") + f" · {md(d['source'])}", ""]
    if d.get("unfinished_at"):
        out += [f"**{md(_unfinished(d))}**", ""]
    out += [table(["", ""], [[k, v] for k, v in _summary(d)])]
    out += ["## Strengths", ""] + items(d["strengths"] or ["None recorded."]) + [""]
    out += ["## Areas for improvement", ""] + items(d["improvements"] or ["None."]) + [""]
    if d["corrective_actions"]:
        out += ["### Corrective actions", ""] + items(d["corrective_actions"]) + [""]
    out += ["## Objectives", "", table(["objective", "verdict", "when", "evidence", "evaluators"], [
        [Raw(f"**{md(o['id'])}** {md(o['title'])}"), o["verdict"], o["when"], o["evidence"],
         Raw("; ".join(f"{md(RATING_LABELS.get(n['rating'], ''))} {md(n['text'])} ({md(n['author'])})".strip()
                       for n in o["notes"]) or "—")]
        for o in d["objectives"]])]
    if d["expectations"]:
        out += ["## Expected actions (MSEL)", "", table(["inject", "to", "expected", "deadline", "result", "when"], [
            [x["inject"], x["to"], x["action"], x["deadline"], x["verdict"], x["when"]] for x in d["expectations"]])]
    if d.get("validations"):
        out += ["## Evaluators' validation", "", table(["expected action", "journal", "evaluator", "note", "by", "when"], [
            [v["what"], v["automatic"], v["verdict"], v["note"] or "—", v["author"], v["t"]] for v in d["validations"]])]
    out += ["## Timeline", "", table(["#", "UTC", "local", "actor", "what happened"], [
        [e["seq"], e["t"], e["local"], e["actor"], e["text"]] for e in d["timeline"]])]
    out += ["## What people did", "", table(["#", "UTC", "who", "what they did"], [
        [a["seq"], a["t"], a["who"], a["text"]] for a in d["actions"]]) if d["actions"] else
        "No person acted: every action in this run was the automation's.", ""]
    if d["decisions"]:
        out += ["## Decisions", "", table(["id", "seat", "question", "answered", "thinking (real time)", "chosen",
                                           "recommended", "by"], [
            [x["id"], x["seat"], x["prompt"], x["when"], _thinking(x), x["chosen"], x["recommended"],
             "deadline passed" if x["expired"] else x["by"]]
            for x in d["decisions"]])]
    for decision, results in d["what_if"].items():
        chosen = d.get("what_if_chosen", {}).get(decision)
        out += [f"### What if {md(decision)} had gone otherwise?", "", table(
            ["option", "runs", "objectives met (mean)", "provisional arrests (mean)", "people released (mean)"],
            [[f"{o} (chosen in the session)" if o == chosen else o, len(r), _mean(r, "objectives_met"), _mean(r, "arrests"),
              _mean(r, "released")] for o, r in results.items()]), md(WHAT_IF_NOTE), ""]
    if d["who_knew"]:
        seats = list(d["who_knew"][0]["knew"])
        out += ["## Who knew what, when", "", table(["fact", *map(md, seats)], [[f["fact"]] + [f["knew"][s] for s in seats]
                                                                             for f in d["who_knew"]])]
    if d["bottlenecks"]:
        out += ["## Bottlenecks", "", md(BOTTLENECK_NOTE), "",
                table(["desk", "case messages handled", "mean wait (min)", "longest (min)", "betweenness"], [
            [n["node"], n["handled"], n["mean_wait_min"], n["max_wait_min"], n["betweenness"]]
            for n in d["bottlenecks"]["longest_waits"]])]
    if d["notes"]:
        out += ["## Evaluator notes", "", table(["objective", "rating", "note", "by"], [
            [n["objective"], RATING_LABELS.get(n["rating"], "—"), n["text"], n["author"]] for n in d["notes"]])]
    out += ["", "_Charts are in the HTML version of this report (`ncbsim report … --html FILE`)._", ""]
    if d.get("report_of"):  # unseen when rendered: which session this report is of (see ``report_of``)
        out += [f"[//]: # ({OWNER_TAG} {_owner_mark(d['report_of'])})", ""]
    return "\n".join(out)


OWNER_TAG = "ncbsim-report-of"
_OWNER = re.compile(rf"(?:<meta name='{OWNER_TAG}' content='([^']*)'>|\[//\]: # \({OWNER_TAG} ([^)]*)\))")


def _owner_mark(path: str) -> str:
    """The source's path, percent-encoded: a file name may hold anything (a newline, ``<``, ``-->``,
    parentheses), and the mark must stay one inert token in HTML and in Markdown alike."""
    from urllib.parse import quote

    return quote(str(path), safe="/")


def report_of(text: str) -> str | None:
    """The source (a session or journal's real path) a report written by ncbsim was made from.
    Markdown carries it as a link-reference "comment" (``[//]: # (…)``), which renders as nothing."""
    from urllib.parse import unquote

    m = _OWNER.search(text)
    return None if m is None else unquote(m.group(1) if m.group(1) is not None else m.group(2))
