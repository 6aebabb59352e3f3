"""The metrics, declared once in sim/metrics.py: each reads what its name says (checked against the
journal of a real run), the what-if compares the same numbers, and docs/research.md lists them all."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from conftest import SCENARIOS

from sim.api import METRICS, load_scenario
from sim.batch.runs import MetricProbe
from sim.metrics import counted, markdown_table
from sim.play.host import PlayHost
from sim.sessions.runner import OUTCOME, outcome

DOCS = Path(__file__).resolve().parents[2] / "docs" / "research.md"


@pytest.fixture(scope="module")
def refugee_run():
    """refugee-rule: an arrest, a deletion, a refusal and a purge within its run, in half a second."""
    host = PlayHost.headless(load_scenario(SCENARIOS / "refugee-rule.yaml").scenario, seed=3, base_key=(0,),
                             keep_events=True)
    probe = MetricProbe(host)
    host.run(None)
    return host, probe.values(list(METRICS))


def test_every_metric_reads_what_its_name_says_in_the_runs_journal(refugee_run):
    host, got = refugee_run
    events = host.events()
    kinds = Counter(e["kind"] for e in events)
    assert kinds["arrest.provisional"] >= 1 and kinds["diffusion.purged"] >= 1  # the run shows what is checked
    for name, metric in METRICS.items():
        if metric.counts is not None:
            assert got[name] == kinds[metric.counts], name
    assert got["notices_published"] == kinds["notice.published"]
    assert got["notices_refused"] == kinds["notice.refused"]
    assert got["diffusions_purged"] == kinds["diffusion.purged"]
    # Every NDTF decision: a notice published or refused, a diffusion found compliant (on review, or
    # on file before the start) or purged; a diffusion found compliant and purged later is two.
    compliant = sum(1 for e in events if e["kind"] in ("diffusion.sent", "diffusion.reviewed")
                    and e.get("state") == "compliant")
    decided = kinds["notice.published"] + kinds["notice.refused"] + compliant + kinds["diffusion.purged"]
    assert got["refusal_share"] == pytest.approx((kinds["notice.refused"] + kinds["diffusion.purged"]) / decided,
                                                 abs=1e-4)
    first = next(e for e in events if e["kind"] == "arrest.provisional")
    start = datetime.fromisoformat(events[0]["t"])
    # The journal's timestamps are to the second; the metric keeps the sim's own minutes.
    assert got["hours_to_first_arrest"] == pytest.approx(
        (datetime.fromisoformat(first["t"]) - start).total_seconds() / 3600, abs=1 / 3600)
    assert got["messages_handled"] == host.state().handled and got["messages_queued"] == host.state().queued
    assert all(v is None or isinstance(v, float) for v in got.values())


def test_a_what_if_compares_the_same_counts_a_batch_measures(refugee_run):
    host, got = refugee_run
    compared = outcome(host.state().counts)
    assert tuple(compared) == OUTCOME
    assert all(compared[name] == got[name] for name in OUTCOME)


def test_only_a_count_of_one_kind_can_be_read_from_counts_alone():
    with pytest.raises(ValueError, match="refusal_share is not a count of one kind of event"):
        counted(("refusal_share",), {})


def test_docs_list_every_metric_as_declared():
    text = DOCS.read_text(encoding="utf-8")
    listed = re.search(r"<!-- metrics: .*? -->\n(.*?)<!-- end of metrics -->", text, re.S)
    assert listed, "docs/research.md has lost its list of metrics"
    assert listed.group(1) == markdown_table(), "regenerate the list from sim.metrics.markdown_table()"
