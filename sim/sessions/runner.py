"""Exercises bound to a session file: record as you go, resume, replay, branch, ask "what if".

Resuming and replaying are the same thing: rebuild the exercise from the stored scenario and
seed, put the people's recorded answers back at their sim times (policies reproduce their own),
and run. SimPy generators cannot be pickled; replay is how state is restored.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, as_completed
from typing import IO, Any, cast

from pydantic import ValidationError

from ..decisions.script import Script
from ..decisions.seats import SeatConfig
from ..engine.exercise import Exercise
from ..errors import InputError, Problem, RunError
from ..metrics import counted
from ..scenario.model import Scenario
from .store import SessionStore


class HashingSink:
    """Passes journal text through to a file (or nowhere) and keeps its SHA-256."""

    def __init__(self, inner: IO[str] | None = None) -> None:
        self.inner = inner
        self.sha = hashlib.sha256()

    def write(self, text: str) -> int:
        self.sha.update(text.encode("utf-8"))
        if self.inner is not None:
            self.inner.write(text)
        return len(text)

    def hexdigest(self) -> str:
        return self.sha.hexdigest()


class ReplayDiverged(RunError):
    """The recorded decisions no longer fit the run they rebuild: the journal differs from the recording."""


def stored_scenario(store: SessionStore) -> Scenario:
    try:
        return Scenario.model_validate(store.scenario_data())
    except ValidationError as e:  # written by another engine version whose language has changed
        raise InputError([Problem(str(store.path), 0, 0, "session meta 'scenario_data'",
                                  f"the stored scenario no longer validates: {e.error_count()} problem(s); replay "
                                  f"it with ncbsim {store.meta('engine_version')}")]) from None
    except RecursionError:
        raise InputError([Problem(str(store.path), 0, 0, "session meta 'scenario_data'",
                                  "the stored scenario is nested too deeply")]) from None


def stored_script(store: SessionStore) -> Script | None:
    text = store.meta("script")
    if not text:
        return None
    try:
        return Script.model_validate(json.loads(text))
    except (ValidationError, RecursionError):
        raise InputError([Problem(str(store.path), 0, 0, "session meta 'script'",
                                  "the stored script is not a valid decision script")]) from None


class SessionRun:
    def __init__(self, store: SessionStore, *, journal: IO[str] | None = None, keep_events: bool = True,
                 branch: tuple[str, str] | None = None, record: bool = True) -> None:
        self.store = store
        self.sink = HashingSink(journal)
        self.recording = record and branch is None and store.writable
        config = SeatConfig(policy=store.meta("policy") or None, script=stored_script(store),
                            people=frozenset(store.people), replay=tuple(store.decisions()), branch=branch)
        try:
            self.exercise = Exercise(stored_scenario(store), seed=store.seed,
                                     journal_sink=cast(IO[str], self.sink),  # the journal only calls write()
                                     keep_events=keep_events, seats=config)
        except ValueError as e:  # a policy the stored scenario cannot build, a branch with no decision
            raise InputError([Problem(str(store.path), 0, 0, "", f"the session cannot be rebuilt: {e}")]) from None
        self._known = store.recorded_ids()
        self._controls = sum(1 for k in self._known if k.startswith("C"))
        self._commands = sum(1 for k in self._known if k.startswith("P"))
        self._people = frozenset(store.people)
        self._shown: dict[str, float] = {}  # decision -> monotonic seconds when a person's seat got it
        # Rows go on disk in time order: a lapse met while catching up before the last recorded row
        # (a session from before lapses were recorded) is the past, not something to record now.
        self._recorded_to = max((r.sim_time for r in config.replay), default=0.0)
        if self.recording:
            self.exercise.port.recorder = self._record
            self.exercise.control_recorder = self._record_control
            self.exercise.act_recorder = self._record_act
            self.exercise.port.listeners.append(self._raised)
            self.exercise.journal.listeners.append(self._lapsed)

    def _raised(self, decision) -> None:
        if decision.seat in self._people:  # on a person's screen (or the trainer's, who answers for it) from now
            self._shown[decision.id] = time.monotonic()

    def _lapsed(self, e: dict[str, Any]) -> None:
        """A person's decision left to expire is recorded too: it can be reported and branched from."""
        if e["kind"] != "decision.expired" or e["decision"] in self._known or e["seat"] not in self._people:
            return
        if self.exercise.env.now < self._recorded_to:
            return
        self.store.record_decision(e["decision"], e["seat"], e["applied"], self.exercise.env.now, "expired")
        self._known.add(e["decision"])

    def _record(self, decision, key: str, by: str) -> None:
        if decision.id in self._known:
            return  # a replayed answer: already on disk
        self.store.record_decision(decision.id, decision.seat, key, self.exercise.env.now, by)
        self._known.add(decision.id)
        shown = self._shown.pop(decision.id, None)
        if shown is not None and by in ("seat", "trainer"):
            self.store.record_thinking(decision.id, round(time.monotonic() - shown, 3))

    def _record_control(self, payload: dict[str, Any]) -> None:
        self._controls += 1
        cid = f"C{self._controls}"
        self.store.record_decision(cid, "trainer", json.dumps(payload, sort_keys=True), self.exercise.env.now, "control")
        self._known.add(cid)

    def _record_act(self, seat: str, payload: dict[str, Any]) -> None:
        self._commands += 1
        pid = f"P{self._commands}"
        # Not sorted: a form keeps the order its fields were written in when a resumed seat edits it.
        self.store.record_decision(pid, seat, json.dumps(payload), self.exercise.env.now, "command")
        self._known.add(pid)

    def replay(self, until: float | None = None) -> None:
        """Run on, putting recorded answers back; one that no longer applies is a ReplayDiverged, not a crash."""
        try:
            self.exercise.run(until)
        except ValueError as e:  # DecisionError, or a trainer's control the rebuilt run refuses
            raise ReplayDiverged(f"a recorded decision no longer applies: {e}") from None

    def run(self, until: float | None = None) -> None:
        ex = self.exercise
        self.replay(until)
        if self.recording:
            self.store.progress(ex.env.now, finished=ex.finished,
                                journal_sha256=self.sink.hexdigest() if ex.finished else None)

    def add_note(self, text: str, author: str, objective: str | None = None, rating: str | None = None) -> None:
        self.store.add_note(text, author, objective, rating, self.exercise.env.now)


def offered_options(store: SessionStore, decision: str) -> list[str]:
    """The options a recorded decision offered, as a replay up to it raises it again."""
    recorded = {r.decision: r for r in store.decisions()}
    if decision not in recorded:
        known = sorted(recorded, key=lambda q: (q[0], int(q[1:])))
        raise InputError([Problem(str(store.path), 0, 0, "", f"the session has no decision {decision}; it has "
                                                            f"{', '.join(known) or 'none'}")])
    probe = SessionRun(store, keep_events=False, record=False)
    probe.replay(recorded[decision].sim_time)
    raised = probe.exercise.port.decisions.get(decision)
    if raised is None:
        raise ReplayDiverged(f"decision {decision} is not raised again when the session is replayed")
    return [o.key for o in raised.options]


def new_session(path, loaded, *, seed: int | None, policy: str | None, script: Script | None,
                people: Sequence[str] = ()) -> SessionStore:
    return SessionStore.create(path, scenario_path=str(loaded.located.files[0]), scenario_data=loaded.located.data,
                               digest=loaded.digest, seed=loaded.scenario.seed if seed is None else seed,
                               policy=policy, script=script.model_dump(mode="json") if script else None,
                               people=list(people))


def check_same_scenario(store: SessionStore, loaded, seed: int | None) -> None:
    problems = []
    if loaded is not None and loaded.digest != store.meta("scenario_sha256"):
        problems.append(Problem(str(store.path), 0, 0, "", f"this session was recorded with "
                                                          f"{store.meta('scenario_path')} as it was then, not with "
                                                          f"{loaded.located.files[0]} as it is now; replay it with "
                                                          f"'ncbsim replay {store.path}' or start a new session"))
    if seed is not None and seed != store.seed:
        problems.append(Problem(str(store.path), 0, 0, "", f"this session runs with seed {store.seed}, not {seed}"))
    if problems:
        raise InputError(problems)


OUTCOME = ("objectives_met", "objectives_failed", "arrests", "extraditions_requested", "released")


def outcome(c: Mapping[str, int]) -> dict[str, Any]:
    """The few metrics a what-if compares, from a run's event counts: objectives met and failed,
    arrests, extraditions requested, releases."""
    return counted(OUTCOME, c)


def what_if_run(path: str, decision: str, option: str, replication: int) -> dict[str, Any]:
    """One what-if run, as a task any executor can take (it opens the session itself, read-only):
    the session replayed with ``option`` at ``decision`` and every other recorded choice held.

    Replication 1 keeps the recorded future's random draws, so every option meets the same luck
    and the trainee's own option reproduces what happened; replications 2… re-draw the future
    from the decision's instant (``RandomStreams.fork``)."""
    from ..play.host import PlayHost  # the play layer sits above the sessions: imported when used

    store = SessionStore.open(path, write=False)
    try:
        recorded = {r.decision: r for r in store.decisions()}
        host = PlayHost(SessionRun(store, branch=(decision, option), keep_events=False, record=False))
        if replication > 1:
            host.fork_at(recorded[decision].sim_time, replication)
        host.run()
        return outcome(host.state().counts)
    finally:
        store.close()


def what_if(store: SessionStore, decision: str, replications: int,
            progress: Callable[[str, int, int], None] | None = None,
            executor: Executor | None = None) -> dict[str, list[dict[str, Any]]]:
    """Each option of a recorded decision, run ``replications`` times (see ``what_if_run``), on
    ``executor`` (the batch executors: a process pool runs them in parallel) or here, one by one.

    Every run shares the recorded past up to the decision and holds the people's other choices;
    the spread shows what the choice changes, not what a different past would.
    """
    options = offered_options(store, decision)
    results: dict[str, list[dict[str, Any] | None]] = {o: [None] * replications for o in options}
    done = dict.fromkeys(options, 0)
    path = str(store.path)
    if executor is None:
        for option in options:
            for r in range(replications):
                results[option][r] = what_if_run(path, decision, option, r + 1)
                if progress is not None:
                    progress(option, r + 1, replications)
        return {o: [x for x in rows if x is not None] for o, rows in results.items()}
    futures = {executor.submit(what_if_run, path, decision, option, r + 1): (option, r)
               for option in options for r in range(replications)}
    try:
        for f in as_completed(futures):
            option, r = futures[f]
            results[option][r] = f.result()
            done[option] += 1
            if progress is not None:
                progress(option, done[option], replications)
    except BaseException:
        for f in futures:
            f.cancel()
        raise
    return {o: [x for x in rows if x is not None] for o, rows in results.items()}
