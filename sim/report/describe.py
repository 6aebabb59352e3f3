"""Journal events in words, for the timeline of the report and the TUI's event log."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from ..events.registry import INJECT_SKIPPED_WHY as SKIP_WHY
from ..events.registry import KINDS
from ..notices.kinds import kind_name
from ..text import sentence_start, standalone
from ..world import LANGUAGES, all_members

Event = Mapping[str, Any]

BACKGROUND_TYPES = {"traffic", "forward"}  # the load nobody plays: never a key event

KEY_KINDS = frozenset(name for name, k in KINDS.items() if k.key)
WHO = {"person": "by a person", "policy": "by the automation", "default": "by default at the deadline",
       "trainer": "by the trainer"}


def country(code: str | None) -> str:
    m = all_members().get(code or "")
    return m.name if m else (code or "?")


@lru_cache(maxsize=1)
def _member_codes() -> re.Pattern[str]:
    return standalone(sorted(all_members()))


def countries_named(text: str) -> str:
    """One of the engine's sentences (a decision's question) with member countries by name, as
    the terminal shows it: "ES holds …" reads "Spain holds …"."""
    return _member_codes().sub(lambda m: country(m.group(1)), text)


def local_time(e: Event) -> str | None:
    """The event's time on the acting NCB's wall clock, when the actor is an NCB."""
    from ..engine.clock import zone
    from .scoring import dt

    actor = e.get("actor", "")
    m = all_members().get(actor[4:] if actor.startswith("ncb:") else actor)
    if m is None:
        return None
    return dt(e["t"]).astimezone(zone(m.timezone)).strftime("%a %H:%M")


def _ref(e: Event) -> str:
    return e.get("notice") or e.get("diffusion") or ""


def _named(e: Event) -> str:
    """The record an event is about, by kind and reference: "Red Notice N1", "diffusion D1"."""
    ref = _ref(e)
    kind = kind_name(e.get("notice_kind", "")) if ref else ""
    return f"{kind} {ref}" if kind else ref


def _minute(iso: str) -> str:
    return str(iso)[:16].replace("T", " ")


def _a(what: str) -> str:
    return f"sends {'an' if what[:1] in 'aeiou' else 'a'} {what}"


def describe(e: Event) -> str:
    k = e["kind"]
    kind = kind_name(e.get("notice_kind", ""))
    if k == "message.sent":
        what = {"reply": "replies", "forwarded": "forwards a message", "rfi_reply": "answers the request for information"
                }.get(e.get("type", ""), _a(e.get("type", "message").replace("_", " ")))
        about = f" “{e['subject']}”" if e.get("subject") else ""
        how = ", ".join(x for x in (e.get("priority"), e.get("language")) if x)
        return f"{country(e['from'])} {what}{about} to {country(e['to'])}" + (f" ({how})" if how else "")
    if k == "message.read":
        return f"{e['seat']} opens message {e['msg']}"
    if k == "command.refused":
        return f"{e['seat']}: {e['command'].replace('_', ' ')} refused — {e['reason']}"
    if k == "request.drafted":
        gaps = ", ".join(e.get("missing", ()))
        return f"{country(e['requester'])} drafts {kind} request {e['request']}" + (f" (missing: {gaps})" if gaps else "")
    if k == "request.resubmitted":
        gaps = ", ".join(e.get("missing", ()))
        return f"{country(e['requester'])} resubmits {kind} request {e['request']}" + (
            f", still missing {gaps}" if gaps else ", completed")
    if k == "message.handled":
        what = f"inject {e['inject']}" if e.get("inject") else f"message {e['msg']} ({e.get('type', '')})"
        return f"NCB {country(e['actor'])} reads {what}" + (" after translation" if e.get("translated") else "")
    if k == "inject.fired":
        return (f"Inject {e['inject']}: {e['from']} → {country(e['to'])} ({e['channel']}, {e['priority']})"
                + (f", in place of {e['instead_of']}" if e.get("instead_of") else "")
                + (" — fired by the trainer" if e.get("by") == "trainer" else ""))
    if k in ("inject.held", "inject.released"):
        return f"The trainer {k.split('.')[1]} inject {e['inject']}"
    if k == "inject.skipped":
        return (f"Inject {e['inject']} skipped: {SKIP_WHY.get(e['why'], e['why'])}"
                + (f"; {e['contingency']} is due in its place" if e.get("contingency") else ""))
    if k == "inject.rescheduled":
        return f"The trainer moves inject {e['inject']} to {e['due'][:16].replace('T', ' ')} UTC"
    if k == "inject.added":
        return (f"The trainer adds inject {e['inject']}: {e['from']} → {country(e['to'])} ({e['priority']}), "
                f"due {e['due'][:16].replace('T', ' ')} UTC")
    if k == "notice.requested":
        return f"{country(e['requester'])} requests {kind} {e['notice']}" + (f" on {e['subject']}" if e.get("subject") else "")
    if k == "notice.info_requested":
        return f"NDTF asks {country(e['requester'])} for more on {e['notice']}: {e.get('detail', '')}"
    if k == "diffusion.info_requested":
        return f"NDTF asks {country(e['requester'])} for more on diffusion {e['diffusion']}: {e.get('detail', '')}"
    if k in ("notice.info_supplied", "diffusion.info_supplied"):
        return f"{country(e.get('requester'))} supplies what the NDTF asked for on {_ref(e)}"
    if k == "notice.expired":
        return f"{sentence_start(kind) or 'Notice'} {e['notice']} expires"
    if k in ("notice.published", "diffusion.sent", "arrest.provisional", "extradition.requested") and e.get("since"):
        return _before_start(k, e, kind)
    if k in ("notice.updated", "diffusion.updated"):
        return (f"{country(e['requester'])} adds {', '.join(e.get('added', ())) or 'nothing new'} to "
                f"{_named(e)} as names {e.get('subject', 'the subject')} uses")
    if k == "notice.published":
        return f"{sentence_start(kind)} {e['notice']} published" + (" with a public extract" if e.get("public") else "")
    if k == "notice.refused":
        return f"{sentence_start(kind)} {e['notice']} refused: {e['reason'].replace('_', ' ')}"
    if k in ("notice.cancelled", "notice.deleted", "notice.blocked", "notice.restored"):
        return f"{sentence_start(kind) or 'Notice'} {e['notice']} {k.split('.')[1]}" + (f" ({e['reason'].replace('_', ' ')})" if e.get("reason") else "")
    if k == "diffusion.sent":
        to = ", ".join(country(c) for c in e.get("to", []))
        return f"{country(e['requester'])} circulates diffusion {e['diffusion']} ({e.get('purpose', '')}) to {to}"
    if k == "diffusion.reviewed":
        return f"NDTF finds diffusion {e['diffusion']} {e['outcome']}" + (f": {e['reason'].replace('_', ' ')}" if e.get("reason") else "")
    if k in ("diffusion.cancelled", "diffusion.purged"):
        return f"Diffusion {e['diffusion']} {k.split('.')[1]}" + (f" ({e['reason'].replace('_', ' ')})" if e.get("reason") else "")
    if k == "decision.made":
        who = WHO.get(e.get("by", ""), e.get("by", ""))
        policy = f", {e['policy'].replace('_', ' ')}" if e.get("policy") else ""
        return (f"{_seat(e['seat'])} decides {e['type'].replace('_', ' ')} ({e['decision']}): "
                f"{e['option'].replace('_', ' ')} ({who}{policy})")
    if k == "decision.expired":
        return (f"{_seat(e['seat'])} lets {e['type'].replace('_', ' ')} ({e['decision']}) lapse: the default, "
                f"{e['applied'].replace('_', ' ')}, applies")
    if k == "database.hit":
        what = e["database"] if e["database"] == "SLTD" else _named(e)
        return f"Hit at a {country(e['country'])} border post ({e['system'].upper()}): {e['subject']} on {what}"
    if k == "arrest.provisional":
        on = _named(e) or (f"{country(e['requester'])}'s warrant" if e.get("requester") else "a warrant")  # no notice
        return f"{e['subject']} provisionally arrested in {country(e['country'])} on {on} (basis: {e.get('basis')})"
    if k == "extradition.requested":
        return f"{country(e['requester'])} sends the formal extradition request for {e['subject']}"
    if k == "extradition.preparing":
        return (f"{country(e['requester'])} starts preparing the formal extradition request for {e['subject']} to "
                f"{country(e['country'])}: ready about {_minute(e['ready'])}, due by {_minute(e['deadline'])}")
    if k == "extradition.prepared":
        return (f"{country(e['requester'])}'s formal extradition request for {e['subject']} is ready and leaves for "
                f"{country(e['country'])}, due by {_minute(e['deadline'])}")
    if k == "extradition.completed":
        return f"{e['subject']} extradited from {country(e['country'])} to {country(e['requester'])}"
    if k == "subject.released":
        return f"{e['subject']} released in {country(e['country'])}: {e.get('detail') or e['reason']}"
    if k == "subject.located":
        if e.get("transit"):
            return f"{e['subject']} seen in transit in {country(e['country'])} on {_named(e)}; not held"
        how = ", under protective measures" if e.get("measures") else ("" if e.get("notice_kind") in (None, "yellow")
                                                                         else "; not held")
        on = f" on {_named(e)}" if _ref(e) else ""
        return f"{e['subject']} located in {country(e['country'])}{on}{how}"
    if k == "arrest.national":
        return f"{e['subject']} arrested on entering {country(e['country'])}, on its national warrant ({_ref(e)})"
    if k == "whereabouts.reported":
        where = "in transit in" if e.get("transit") else "in"
        return f"{country(e['requester'])} learns that {e['subject']} was {where} {country(e['country'])} ({_named(e)})"
    if k == "warning.issued":
        return (f"{country(e['country'])} is warned: {e['subject']} crossed its border "
                f"({_named(e)} of {country(e.get('requester'))})")
    if k == "border.prescreened":
        found = ", ".join(e["hits"]) if e["hits"] else "no hit"
        return (f"{country(e['country'])} screens {e['subject']}'s flight from {country(e['from'])} before arrival "
                f"(API/PNR): {found}")
    if k == "dvi.matched":
        return (f"Disaster victim identification: body {e['subject']} ({e['black']}) is {e['identified_as']} "
                f"({e['yellow']}), found in {country(e['country'])}")
    if k == "subject.alarmed":
        return f"{e['subject']} takes fright ({e['cause'].replace('_', ' ')}) and moves on"
    if k == "refugee.source_disclosed":
        return (f"The General Secretariat tells {country(e['fearing'])} that {country(e['granted_by'])} granted "
                f"{e['subject']} refugee status")
    if k == "detention.without_basis":
        return (f"{country(e['country'])} keeps holding {e['subject']} although the request that held him has "
                "fallen, with no ground of its own")
    if k == "asset.located":
        found = f": {e['description']}" if e.get("description") else ""
        return f"{country(e['country'])} reports asset {e['asset']} on Silver Notice {e['notice']}{found}"
    if k == "asset.followed_up":
        routes = {"mla": "passes it to the prosecutor for a request for mutual legal assistance",
                  "ask_freeze": f"asks {country(e['country'])} to freeze it over I-24/7",
                  "note": "notes it on the file"}
        return f"{country(e['requester'])} {routes.get(str(e['route']), str(e['route']))} (asset {e['asset']}, Silver Notice {e['notice']})"
    if k == "refugee.confirmed":
        return f"{country(e['actor'])} confirms refugee status of {e['subject']} (fearing {country(e['fearing'])})"
    if k in ("objective.met", "objective.failed"):
        return f"Objective {e['objective']} {'met' if k.endswith('met') else 'failed'}: {e['title']}"
    if k == "expectation.validated":
        about = f"inject {e['inject']}'s expected action" if e.get("inject") else f"objective {e.get('objective')}"
        return (f"Evaluator's verdict ({e['author']}): {about} {e['verdict'].replace('_', ' ')}"
                + (f": {e['note']}" if e.get("note") else ""))
    if k == "operation.started":
        return f"Operation {e['name']} starts its action days (intelligence {e['intelligence']:.0%})"
    if k == "operation.ended":
        return f"Operation {e['name']} ends: {e['arrests']} arrests, {e['checks']:,} checks, {e['hits']} hits"
    if k == "irt.deployed":
        return f"IRT on the ground in {country(e['country'])} after {e['hours_to_deploy']} h"
    if k == "imest.deployed":
        return f"IMEST deployed for {e['name']} in {country(e['country'])}"
    if k == "message.escalated":
        return (f"{e['ccc']} wakes NCB {country(e['to'])}'s on-call officer for an urgent {e.get('type', 'message')}"
                + (f", translated into {LANGUAGES.get(e['translated_to'], e['translated_to'])}" if e.get("translated_to") else ""))
    if k == "scenario.drawn":
        return f"Drawn at the start from the seed: {e['path']} is {e['value']}"
    if k == "mind.refreshed":
        return f"{country(e['country'])}'s border posts get a fresh MIND copy"
    return _law(e) or _movement(e) or _funds(e) or k


def _movement(e: Event) -> str | None:
    """The kinds a timeline rarely keeps (ground truth, upkeep), in words for the logs that show them."""
    k = e["kind"]
    if k == "subject.moved":
        how = f" by {e['mode']}" if e.get("mode") else ""
        checked = ", checked at the border" if e.get("checked") else ", no border check"
        return f"{e.get('subject', '?')} travels from {country(e.get('from'))} to {country(e.get('to'))}{how}{checked}"
    if k == "border.checked":
        doc = f" on a {e['document']} document" if e.get("document") and e["document"] != "genuine" else ""
        return f"{country(e.get('country'))}'s border post checks {e.get('subject', '?')}{doc} ({str(e.get('system', '')).upper()})"
    if k == "decision.requested":
        return f"{_seat(e.get('seat', '?'))} is asked to decide: {str(e.get('type', '')).replace('_', ' ')}"
    if k == "message.undeliverable":
        return f"A message to {country(e.get('to'))} finds no route" + (f" ({e['reason']})" if e.get("reason") else "")
    if k == "operation.planned":
        return f"Operation {e.get('name', '?')} is planned with {len(e.get('participants') or [])} countries"
    if k == "operation.checks":
        return f"Operation {e.get('operation', '?')}: {country(e.get('country'))} runs {e.get('checks', 0)} checks, {e.get('hits', 0)} hits"
    if k == "operation.arrests":
        return f"Operation {e.get('operation', '?')}: {country(e.get('country'))} makes {e.get('arrests', 0)} arrests"
    if k == "incident.reported":
        return f"{country(e.get('country'))} reports an incident" + (f" ({str(e['type']).replace('_', ' ')})" if e.get("type") else "")
    if k == "irt.requested":
        return f"{country(e.get('country'))} asks for an Incident Response Team"
    if k == "imest.ended":
        return f"The IMEST for {e.get('name', '?')} in {country(e.get('country'))} ends"
    if k == "operation.hit":
        return (f"Operation {e.get('operation', '?')}: a check in {country(e.get('country'))} finds "
                f"{HIT_WORDS.get(str(e.get('type')), 'someone')} ({e.get('hit', '?')})")
    if k == "operation.hit_resolved":
        return (f"Operation {e.get('operation', '?')}, hit {e.get('hit', '?')} in {country(e.get('country'))}: "
                f"{OUTCOME_WORDS.get(str(e.get('outcome')), str(e.get('outcome')))}"
                + (" (the report was read too late)" if e.get("unread") else ""))
    if k == "desk.backlog":
        return f"NCB {country(e.get('country'))}'s desk is past capacity: {e.get('queued')} messages wait unread"
    if k == "desk.caught_up":
        return f"NCB {country(e.get('country'))}'s desk catches up: {e.get('queued')} messages wait"
    if k == "imest.requested":
        return f"{country(e.get('country'))} asks for a Major Event Support Team ({e.get('event', '?')})"
    if k in ("entry.refused", "entry.admitted"):
        done = "refuses entry to" if k == "entry.refused" else "lets in"
        back = f", sent back to {country(e['returned_to'])}" if e.get("returned_to") else ""
        return (f"{country(e.get('country'))} {done} {e.get('subject', '?')} under the UN travel ban of "
                f"{e.get('notice', '?')}{back}")
    return None


def _law(e: Event) -> str | None:
    """What happens after a hit, as the law has it: checks, requests, refusals, prosecutions."""
    k = e["kind"]
    if k == "hit.checked":
        verdict = "still valid" if e["valid"] else f"no longer valid ({e.get('state', '?')})"
        return f"{country(e['country'])} checks the hit on {e['subject']} with the General Secretariat: {verdict}"
    if k == "arrest.requested":
        on = f" on {_named(e)}" if e.get("notice") or e.get("diffusion") else " on its warrant"
        return f"{country(e['requester'])} asks {country(e['to'])} to arrest {e['subject']} provisionally{on}"
    if k == "arrest.not_found":
        return f"{country(e['country'])} cannot arrest {e['subject']}: {e['reason'].replace('_', ' ')}"
    if k == "arrest.kept":
        return (f"{country(e['country'])} keeps {e['subject']} in custody on its own warrant "
                f"({e.get('detail') or e.get('reason', '')})")
    if k == "extradition.refused":
        return f"{country(e['country'])} refuses to extradite {e['subject']} to {country(e['requester'])}: {e['detail']}"
    if k == "case.transferred":
        what = "prosecute" if e["mode"] == "prosecute" else "enforce the sentence against"
        return f"{country(e['requester'])} asks {country(e['country'])} to {what} {e['subject']}; the file is passed on"
    if k == "prosecution.opened":
        custody = ", and takes him into custody" if e.get("in_custody") else ""
        return f"{country(e['country'])} opens proceedings against {e['subject']}{custody}"
    if k == "prosecution.refused":
        return f"{country(e['country'])} declines to prosecute {e['subject']}: {e['reason'].replace('_', ' ')}"
    return None


def is_key(e: Event) -> bool:
    if e.get("by") == "person" and e["kind"] != "message.read":
        return True  # what people did is always part of the story
    return e["kind"] in KEY_KINDS and not (e["kind"] == "message.escalated" and e.get("type") in BACKGROUND_TYPES)


def _before_start(k: str, e: Event, kind: str) -> str:
    """What was already so at the start (``since``: when it really happened, before it)."""
    when = str(e["since"])[:16].replace("T", " ")
    if k == "notice.published":
        what = f"{sentence_start(kind)} {e['notice']} live at the start (published {when})"
        return what + (" with a public extract" if e.get("public") else "")
    if k == "diffusion.sent":
        to = ", ".join(country(c) for c in e.get("to", []))
        return f"Diffusion {e['diffusion']} of {country(e['requester'])} to {to} live at the start (circulated {when})"
    if k == "arrest.provisional":
        return (f"{e['subject']} held in {country(e['country'])} at the start, provisionally arrested {when} on "
                f"{_named(e)} (basis: {e.get('basis')}; formal request due {str(e.get('deadline', ''))[:16].replace('T', ' ')})")
    return f"{country(e['requester'])}'s formal extradition request for {e['subject']} was received {when}, before the start"


def _seat(seat: str) -> str:
    """A seat as people say it: NCB France for ``ncb:FR``, the NDTF or the CCC for their desks."""
    role, _, where = str(seat).partition(":")
    return f"NCB {country(where)}" if where else role.upper()


def _funds(e: Event) -> str | None:
    """Stop-payment requests (I-GRIP) and the money they race (package D)."""
    k = e["kind"]
    amount = f"USD {e['amount_usd']:,.0f}" if isinstance(e.get("amount_usd"), int | float) else "the money"
    if k == "funds.stop_requested":
        return f"{country(e['requester'])} asks {country(e['to'])} to stop payment on transfer {e['funds']} ({amount})"
    if k == "funds.stopped":
        return f"A bank in {country(e['country'])} freezes the account of transfer {e['funds']}: {amount} stopped"
    if k == "funds.withdrawn":
        return f"The money mules withdraw {amount} of transfer {e['funds']} in {country(e['country'])}"
    if k == "funds.not_found":
        return f"{country(e['country'])} finds no account of transfer {e['funds']} in its country"
    return None


# package C: an operation's reported hits
HIT_WORDS = {"wanted": "a wanted person", "victim": "a possible victim", "not_the_person": "a name match"}
OUTCOME_WORDS = {"arrested": "the wanted person is arrested", "victim_protected": "the victim is protected",
                 "lost": "the person is lost", "cleared": "a false positive, cleared",
                 "wasted": "a unit sent for a false positive"}
