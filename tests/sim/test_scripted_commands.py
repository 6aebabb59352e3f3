"""A scripted policy gives the same commands a person gives at a seat, checked by the same rules;
its runs are deterministic, replay identically, and bad scripts get located errors."""

from __future__ import annotations

import io
import json

import pytest
from conftest import FLAGSHIP, ncbsim

from sim.decisions.script import load_script
from sim.decisions.seats import SeatConfig
from sim.engine.exercise import Exercise
from sim.errors import InputError
from sim.scenario.loader import load_scenario

SCRIPT = """\
# Headless NCB France: writes to Spain, circulates its own diffusion, answers nothing it has not got.
answers:
  - {type: file_request, option: hold, after: 5m}
commands:
  - at: 1h
    seat: ncb:FR
    command: {kind: send_message, to: [ES, MA], text: "Marc DUVAL may be heading south.", priority: urgent}
  - at: 1h
    seat: ncb:FR
    command:
      kind: draft_request
      request: D7
      notice_kind: diffusion
      subject: S1
      purpose: arrest
      offence: homicide
      max_penalty_years: 30
      to: [ES, MA]
      form: {name: DUVAL Marc, born: "1986-04-11", nationality: FR, charge: homicide}
  - {at: 2h, seat: "ncb:FR", command: {kind: submit_request, request: D7}}
  - {at: 2h, seat: "ncb:FR", command: {kind: send_message, to: [ES], text: "re", reply_to: 99999}}
  - {at: 3h, seat: trainer, command: {kind: fire_inject, inject: I4}}
"""


@pytest.fixture(scope="module")
def script(tmp_path_factory):
    path = tmp_path_factory.mktemp("script") / "headless-fr.yaml"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def run(script_path, keep=True):
    sink = io.StringIO()
    ex = Exercise(load_scenario(FLAGSHIP).scenario, journal_sink=sink, keep_events=keep,
                  seats=SeatConfig(policy="scripted", script=load_script(script_path)))
    ex.run(2 * 1440)
    return ex, sink.getvalue()


def test_scripted_commands_act_through_the_seat_rules(script):
    ex, _ = run(script)
    ev = ex.journal.events
    sent = [e for e in ev if e["kind"] == "message.sent" and e.get("text") == "Marc DUVAL may be heading south."]
    assert [(e["to"], e["by"], e["priority"]) for e in sent] == [("ES", "policy", "urgent"), ("MA", "policy", "urgent")]
    diffusion = [e for e in ev if e["kind"] == "diffusion.sent" and e["diffusion"] == "D7"]
    assert [(e["to"], e["by"]) for e in diffusion] == [(["ES", "MA"], "policy")]
    refused = [e for e in ev if e["kind"] == "command.refused"]
    assert [(e["seat"], e["command"], e["by"]) for e in refused] == [("ncb:FR", "send_message", "policy")]
    assert "not in ncb:FR's inbox" in refused[0]["reason"]
    assert any(e["kind"] == "inject.fired" and e["inject"] == "I4" for e in ev)


def test_scripted_runs_are_deterministic_whether_events_are_kept_or_not(script):
    _, kept = run(script)
    _, streamed = run(script, keep=False)
    assert kept == streamed


@pytest.mark.parametrize(("entry", "words"), [
    ("{at: 1h, seat: 'ncb:FR', command: {kind: launch, to: [ES]}}", "unknown command kind 'launch'"),
    ("{at: 1h, seat: 'ncb:FR', command: {kind: send_message, to: ES, text: hi}}", "must be a list of texts"),
    ("{at: 1h, seat: 'ncb:FR', command: {kind: fire_inject, inject: I2}}", "give it with seat: trainer"),
    ("{at: 1h, seat: trainer, command: {kind: send_message, to: [ES], text: hi}}", "seat's own work"),
    ("{at: 1h, seat: trainer, command: {kind: add_note, text: hi}}", "belongs to a session"),
    ("{at: soon, seat: 'ncb:FR', command: {kind: read_message, msg: 1}}", "at"),
])
def test_a_bad_scripted_command_is_a_located_error(tmp_path, entry, words):
    path = tmp_path / "bad.yaml"
    path.write_text(f"commands:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_script(path)
    problems = info.value.problems
    assert problems and problems[0].line == 2 and words in str(problems[0].message) + problems[0].field


def test_the_cli_runs_a_scripted_policy_and_replays_it_identically(tmp_path, script):
    session, journal, rebuilt = tmp_path / "s.db", tmp_path / "j.jsonl", tmp_path / "again.jsonl"
    done = ncbsim("run", str(FLAGSHIP), "--until", "1d", "--policy", f"scripted:{script}", "--session", str(session),
                  "--journal", str(journal), timeout=300)
    assert done.returncode == 0, done.stderr
    kinds = [json.loads(line)["kind"] for line in journal.read_text(encoding="utf-8").splitlines()]
    assert "command.refused" in kinds and "diffusion.sent" in kinds
    again = ncbsim("replay", str(session), "--journal", str(rebuilt), timeout=300)
    assert again.returncode == 0, again.stderr + again.stdout
    assert rebuilt.read_bytes() == journal.read_bytes()


def test_the_committed_script_schema_is_up_to_date_and_valid():
    from jsonschema import Draft202012Validator

    from sim.cli.schema import script_schema

    committed = json.loads((FLAGSHIP.parents[1] / "docs" / "script.schema.json").read_text(encoding="utf-8"))
    assert committed == script_schema(), "run `python -m sim.scenario.guide --write` and commit the result"
    Draft202012Validator.check_schema(committed)
    import yaml

    data = yaml.safe_load(SCRIPT)
    assert not list(Draft202012Validator(committed).iter_errors(json.loads(json.dumps(data, default=str))))


def test_a_scripted_command_from_no_seat_of_the_exercise_is_refused(tmp_path):
    path = tmp_path / "zz.yaml"
    path.write_text("commands:\n"
                    "  - {at: 1h, seat: 'ncb:ZZ', command: {kind: send_message, to: [ES], text: hi}}\n"
                    "  - {at: 1h, seat: 'ncb:ES', command: {kind: answer_decision, seat: 'ncb:FR', decision: Q1,"
                    " option: file}}\n", encoding="utf-8")
    ex, _ = run(path)
    refused = [(e["seat"], e["command"]) for e in ex.journal.events if e["kind"] == "command.refused"]
    assert refused == [("ncb:ZZ", "send_message"), ("ncb:ES", "answer_decision")]
    assert not any(e["kind"] == "message.sent" and e["from"] == "ZZ" for e in ex.journal.events)
