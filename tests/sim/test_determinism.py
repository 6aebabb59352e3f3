"""Same scenario + seed => byte-identical journal, in one process or two; another seed differs."""

from __future__ import annotations

from conftest import FLAGSHIP, journal_text, ncbsim, scenario


def busy_world():
    return scenario(traffic={"messages_per_ncb_per_day": 40, "forward_share": 0.3, "urgent_share": 0.2},
                    injects=[{"id": "I1", "at": "1h", "from": "ES", "to": "FR", "text": "hello"}])


def test_same_seed_same_journal_in_process():
    a, b = journal_text(busy_world()), journal_text(busy_world())
    assert a and a == b
    assert a.count("\n") > 100


def test_other_seed_other_journal():
    assert journal_text(busy_world(), seed=1) != journal_text(busy_world(), seed=2)


def test_two_processes_same_journal(tmp_path):
    paths = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    for p in paths:
        r = ncbsim("run", str(FLAGSHIP), "--until", "1d", "--journal", str(p))
        assert r.returncode == 0, r.stderr
    a, b = (p.read_bytes() for p in paths)
    assert len(a) > 10_000 and a == b


def test_journal_seq_and_time_are_ordered():
    import json

    events = [json.loads(line) for line in journal_text(busy_world()).splitlines()]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert [e["t"] for e in events] == sorted(e["t"] for e in events)
    for e in events:
        assert list(e)[:4] == ["seq", "t", "kind", "actor"]
        assert e["t"].endswith("Z") and len(e["t"]) == 20
