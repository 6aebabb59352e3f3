"""Asset tracing with a Silver Notice: what a published notice finds, and what its NCB does next.

A Silver Notice asks member countries to locate, identify or monitor criminal assets; it is
non-coercive. Once it is published, each country holding one of the scenario's assets reports
it to the requesting NCB (``asset.located``, and an I-24/7 report). The requesting officer then
decides how to follow it up (``act_on_asset``): pass it to the prosecutor for a request for
mutual legal assistance, the judicial route by which the holding state can freeze or seize it
(right); ask the holding NCB to freeze it over I-24/7 (wrong: a notice is no basis for
coercion, and the holding NCB says so); or only note it on the file. Scenarios without assets
listen to nothing, so their journals are unchanged.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from ..decisions.port import Option
from ..scenario.chance import settled_minutes

if TYPE_CHECKING:
    from ..engine.exercise import Exercise
    from ..scenario.cases import AssetHolding, Request

ROUTES = ("mla", "ask_freeze", "note")
DECISION_WINDOW = 1440.0  # a day to decide, then the report is only noted on the file


class AssetTracing:
    def __init__(self, ex: Exercise) -> None:
        # What the tracing uses, taken once: the clock, the journal, the registry, I-24/7, the
        # decision port and the exercise's ``after``.
        self.env, self.journal, self.registry, self.send, self.port = ex.env, ex.journal, ex.registry, ex.send, ex.port
        self.after = ex.after
        self.holdings = {r.id: r for r in ex.scenario.requests if r.kind == "silver" and r.assets}
        if self.holdings:
            ex.journal.listen(self._published, kinds=["notice.published"])

    def _published(self, event: dict) -> None:
        req = self.holdings.get(event.get("notice", ""))
        if req is None:
            return
        for asset in req.assets:
            with self.journal.cause(None):  # the holding country's work, nobody's decision
                self.after(settled_minutes(asset.found_after), partial(self._located, req, asset))

    def _located(self, req: Request, asset: AssetHolding) -> None:
        rec = self.registry.records.get(req.id)
        if rec is None or rec.state != "published":
            return  # cancelled, deleted or expired meanwhile: nobody is looking any more
        fields = {"subject": req.subject} if req.subject else {}
        self.journal.emit(self.env.now, "asset.located", asset.held_in, asset=asset.id, notice=req.id,
                          requester=req.by, country=asset.held_in, description=asset.description, **fields)
        # Written in English, a working language every NCB reads: the report should not wait on translation.
        self.send(asset.held_in, req.by, kind="asset_report", priority="high", language="en", about=req.subject,
                  extra={"request": req.id, "text": f"Silver Notice {req.id}: located {asset.description}."},
                  then=lambda _m: self._decide(req, asset))

    def _decide(self, req: Request, asset: AssetHolding) -> None:
        journal, env, send = self.journal, self.env, self.send
        country = asset.held_in
        options = [Option("mla", "Pass it to the prosecutor for a request for mutual legal assistance "
                                 "(freezing is for the judge)", recommended=True),
                   Option("ask_freeze", f"Ask NCB {country} to freeze it now over I-24/7"),
                   Option("note", "Note it on the file")]

        def act(key: str) -> None:
            journal.emit(env.now, "asset.followed_up", req.by, asset=asset.id, notice=req.id,
                         requester=req.by, country=country, route=key)
            if key == "ask_freeze":
                # The holding NCB cannot act coercively on a notice: it sends the judicial route back.
                send(req.by, country, kind="freeze_request", priority="high", about=req.subject,
                     then=lambda _m: send(country, req.by, kind="reply", priority="high", about=req.subject,
                                          extra={"text": f"We cannot freeze {asset.description} on a Silver "
                                                         "Notice. Send a request for mutual legal assistance."}))

        self.port.raise_(f"ncb:{req.by}", "act_on_asset", f"NCB {country} reports {asset.description} "
                         f"(Silver Notice {req.id}): how do you follow it up?", options, "note", DECISION_WINDOW, act,
                         request=req.id, notice_kind="silver", country=country,
                         **({"subject": req.subject} if req.subject else {}))
