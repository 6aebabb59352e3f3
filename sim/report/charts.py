"""Charts for the report: matplotlib, rendered to SVG text for inlining (no files, no URLs)."""

from __future__ import annotations

import io
import warnings
from statistics import fmean
from typing import Any

from ..metrics import METRICS
from ..text import for_terminal
from .scoring import dt

CATEGORY = {"inject": ("Injects", "#6b7280"), "notice": ("Notices", "#2563eb"), "diffusion": ("Diffusions", "#0891b2"),
            "decision": ("Decisions", "#7c3aed"), "database": ("Hits", "#d97706"), "arrest": ("Arrests", "#dc2626"),
            "extradition": ("Extradition", "#16a34a"), "subject": ("Releases, moves", "#9ca3af"),
            "objective": ("Objectives", "#111827"), "message": ("CCC escalations", "#374151"),
            "operation": ("Operations", "#be185d"), "irt": ("IRT", "#be185d"), "imest": ("IMEST", "#be185d")}


def _label(text: object) -> str:
    """A label from the journal or session, drawn as written: control characters shown as escapes
    (the SVG is XML, and matplotlib would echo them raw to stderr in a missing-glyph warning) and
    ``$`` escaped, since a pair of them would be parsed as mathtext and could fail the report."""
    return for_terminal(text).replace("$", r"\$")


def _svg(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    with warnings.catch_warnings():
        # A name in a script the bundled font lacks is drawn as boxes; that is not worth a warning
        # on the trainer's terminal (the HTML shows the name in full beside the chart).
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from", category=UserWarning)
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _setup():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "ncbsim", "svg.fonttype": "none", "font.size": 9,
                         "axes.spines.top": False, "axes.spines.right": False})
    return plt


def timeline_svg(timeline: list[dict[str, Any]], start: str) -> str | None:
    if not timeline:
        return None
    plt = _setup()
    t0 = dt(start)
    actors = [a for a, _ in sorted({e["actor"]: 0 for e in timeline}.items())]
    weight = {a: sum(1 for e in timeline if e["actor"] == a) for a in actors}
    lanes = sorted(actors, key=lambda a: (-weight[a], a))[:12]
    fig, ax = plt.subplots(figsize=(10, 0.38 * len(lanes) + 1.4))
    seen = set()
    for e in timeline:
        if e["actor"] not in lanes:
            continue
        cat = e["kind"].split(".")[0]
        label, colour = CATEGORY.get(cat, (_label(cat), "#374151"))
        x = (dt(e["t"]) - t0).total_seconds() / 86400
        ax.scatter(x, lanes.index(e["actor"]), color=colour, s=28, label=None if label in seen else label,
                   marker="D" if cat in ("arrest", "objective") else "o", zorder=3)
        seen.add(label)
    ax.set_yticks(range(len(lanes)), [_label(a) for a in lanes])
    ax.invert_yaxis()
    ax.set_xlabel("days since the start")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=5, frameon=False)
    ax.set_title("Key events by actor")
    return _svg(fig)


def waits_svg(bottlenecks: dict[str, Any] | None) -> str | None:
    if not bottlenecks or not bottlenecks["longest_waits"]:
        return None
    plt = _setup()
    rows = bottlenecks["longest_waits"][::-1]
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(rows) + 1.2), layout="constrained")
    # Minutes, as in the table beside it.
    ax.barh([_label(r["node"]) for r in rows], [r["mean_wait_min"] for r in rows], color="#d97706")
    ax.set_xlabel("mean wait before an officer read the case's messages (minutes)")
    ax.set_title("Where the case's messages waited longest")
    return _svg(fig)


CHOSEN_COLOUR, OTHER_COLOUR = "#7c3aed", "#c4b5fd"


def what_if_svg(decision: str, results: dict[str, list[dict[str, Any]]], chosen: str | None = None) -> str | None:
    fig = what_if_figure(decision, results, chosen)
    return None if fig is None else _svg(fig)


def what_if_figure(decision: str, results: dict[str, list[dict[str, Any]]], chosen: str | None = None):
    """One panel per outcome, options down the side (long option names stay readable), the
    option taken in the session in a darker colour; whole-number axes, as the counts are."""
    if not results:
        return None
    plt = _setup()
    from matplotlib.ticker import MaxNLocator

    options = list(results)
    metrics = [(m, METRICS[m].label) for m in ("objectives_met", "arrests", "released")]
    fig, axes = plt.subplots(1, len(metrics), figsize=(9, 0.45 * len(options) + 1.6), sharey=True,
                             layout="constrained")
    names = [_label(o) + (" (chosen)" if o == chosen else "") for o in options]
    colours = [CHOSEN_COLOUR if o == chosen else OTHER_COLOUR for o in options]
    for ax, (key, label) in zip(axes, metrics, strict=True):
        values = [[r[key] for r in results[o]] for o in options]
        means = [fmean(v) if v else 0 for v in values]
        lo = [m - min(v) if v else 0 for m, v in zip(means, values, strict=True)]
        hi = [max(v) - m if v else 0 for m, v in zip(means, values, strict=True)]
        ax.barh(names, means, xerr=[lo, hi], capsize=3, color=colours)
        ax.set_title(label)
        ax.set_xlabel("per run (mean, min–max)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(0, max([1.0] + [max(v) for v in values if v]) * 1.1)
        ax.grid(axis="x", alpha=0.3)
    axes[0].invert_yaxis()
    fig.suptitle(f"What if {_label(decision)} had gone otherwise?")
    return fig
