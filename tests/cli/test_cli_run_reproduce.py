"""``ncbsim run --replication R --set PATH=VALUE --metrics …``: a batch run, one command.

Rules: without ``--replication`` a run keeps the scenario's own streams, so journals of ``run --seed N``
made before these flags existed do not change; ``--replication R`` keys every stream as a batch's
replication R is keyed (``base_key=(R,)``); ``--set`` takes experiment paths and is checked as an
experiment's parameters are, each problem on one line naming the ``--set`` argument it is about;
none of the three goes with ``--session``.
"""

from __future__ import annotations

import io
import json

from conftest import FLAGSHIP, SCENARIOS, journal_text, ncbsim

from sim.cli import main
from sim.play.host import PlayHost
from sim.scenario.loader import load_scenario

EXAMPLE = SCENARIOS / "annotated-example.yaml"


def run_journal(tmp_path, *args: str) -> str:
    journal = tmp_path / "j.jsonl"
    assert main(["run", str(FLAGSHIP), "--until", "2d", "--journal", str(journal), *args]) == 0
    return journal.read_text()


def test_replication_keys_the_streams_as_the_batch_does_and_its_absence_changes_nothing(tmp_path, capsys):
    scenario = load_scenario(FLAGSHIP).scenario
    plain = run_journal(tmp_path, "--seed", "7")
    assert plain == journal_text(scenario, seed=7, until=2 * 1440)  # the journal of run --seed 7 as before
    buf = io.StringIO()
    host = PlayHost.headless(scenario, seed=7, journal_sink=buf, keep_events=False, base_key=(0,))
    host.run(2 * 1440)
    replicated = run_journal(tmp_path, "--seed", "7", "--replication", "0")
    assert replicated == buf.getvalue()
    assert replicated != plain


def test_set_changes_the_scenario_and_the_summary_says_so(capsys):
    assert main(["run", str(EXAMPLE), "--until", "12h", "--json", "--replication", "2",
                 "--set", "traffic.messages_per_ncb_per_day=0", "--set", "parameters.desk.handling_time=1h30m",
                 "--metrics", "messages_handled,hours_to_first_arrest"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["set"] == {"traffic.messages_per_ncb_per_day": 0, "parameters.desk.handling_time": "1h30m"}
    assert s["replication"] == 2
    assert s["metrics"] == {"messages_handled": float(s["messages"]["handled"]), "hours_to_first_arrest": None}


def test_bad_flags_are_one_line_each_naming_the_argument_and_nothing_runs(tmp_path):
    journal = tmp_path / "j.jsonl"
    r = ncbsim("run", str(EXAMPLE), "--journal", str(journal), "--set", "ndtf.reviwers=3",
               "--set", "traffic.messages_per_ncb_per_day=-4", "--set", "oops", "--set", "traffic.urgent_share=[1",
               "--metrics", "arests")
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr
    lines = sorted(r.stderr.strip().splitlines())
    assert lines == [
        ("--metrics: 'arests' is not a metric (did you mean 'arrests'?); known: objectives_met, objectives_failed, "
        "arrests, released, extraditions_requested, hours_to_first_arrest, notices_published, notices_refused, "
        "diffusions_purged, refusal_share, messages_handled, messages_queued, decisions_expired"),
        "--set ndtf.reviwers=3: ndtf.reviwers: 'ndtf' has no field 'reviwers' (did you mean 'reviewers'?)",
        "--set oops: expected PATH=VALUE, e.g. ndtf.reviewers=3 or parameters.mind.refresh_interval=36h",
        ("--set traffic.urgent_share=[1: traffic.urgent_share: the value is not YAML: YAML syntax error: unclosed "
        "bracket or brace opened here (PyYAML: did not find expected ',' or ']')"),
    ]
    assert not journal.exists()
    # a value the scenario refuses, once the paths are sound
    r = ncbsim("run", str(EXAMPLE), "--set", "traffic.messages_per_ncb_per_day=-4", "--set", "traffic.urgent_share=7")
    assert r.returncode == 2 and sorted(r.stderr.strip().splitlines()) == [
        ("--set traffic.messages_per_ncb_per_day=-4: traffic.messages_per_ncb_per_day: must be between 0 and "
        "1,000, got -4"),
        "--set traffic.urgent_share=7: traffic.urgent_share: must be between 0 and 1, got 7"]


def test_batch_flags_do_not_go_with_a_session(tmp_path, capsys):
    for flags in (["--replication", "1"], ["--set", "ndtf.reviewers=3"], ["--metrics", "arrests"]):
        assert main(["run", str(EXAMPLE), "--session", str(tmp_path / "s.db"), *flags]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"{flags[0]}: goes without --session") and err.count("\n") == 1, err
        assert not (tmp_path / "s.db").exists()
