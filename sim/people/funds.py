"""Stop-payment requests: INTERPOL's Global Rapid Intervention of Payments (I-GRIP).

A fraud (a business e-mail compromise, an investment scam) moves the victims' money to an account
abroad, where money mules withdraw it within hours or days. The victims' NCB can ask the NCB of
the account's country to have the bank freeze it (HAECHI IV, 2023: 82,112 accounts blocked
through I-GRIP). The race is the point:

* the victims' NCB learns of the transfer when its desk reads the report (the scenario's inject
  ``reported_in``); a played seat is then asked whether to send a stop-payment request now (the
  book) or to leave the recall to the victims' bank — or the person sends one on their own with
  the ``request_stop_payment`` command, naming the country they believe holds the account;
* the request is an urgent I-24/7 message: a closed desk is woken by the CCC at night; once that
  NCB has read it, its bank freezes the account after ``bank_time`` — if the money is still there;
* at ``withdrawn_at`` the money is gone unless the account was frozen first.

A request to an NCB whose country does not hold the account finds nothing there
(``funds.not_found``); the person may send another to the right one while the money is there.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from ..decisions.port import Option
from ..scenario.chance import settled_minutes

if TYPE_CHECKING:
    from ..engine.exercise import Exercise
    from ..engine.messages import Message
    from ..scenario.cases import Funds

OPEN, STOPPED, WITHDRAWN = "open", "stopped", "withdrawn"


def usd(amount: float) -> str:
    return f"USD {amount:,.0f}"


class StopPayments:
    """The scenario's fraudulent transfers, and the stop-payment requests sent about them."""

    def __init__(self, ex: Exercise) -> None:
        # What the requests use, taken once: the clock, the journal, I-24/7, the decision port and
        # the members; the injects, whose report may sit unread in an inbox, are built after, so
        # whether one has fired is looked up late.
        self.env, self.journal, self.send, self.port, self.after = ex.env, ex.journal, ex.send, ex.port, ex.after
        self.members = ex.world.members
        self.fired: Callable[[str], bool] = lambda inject: inject in ex.injects.fired_at
        self.funds: dict[str, Funds] = {f.id: f for f in ex.scenario.funds}
        self.state: dict[str, str] = dict.fromkeys(self.funds, OPEN)
        self.reported: set[str] = set()  # funds whose report the requester's desk has read
        self.asked: dict[str, list[str]] = {f: [] for f in self.funds}  # countries asked, in order
        self.prompts: dict[str, str] = {}  # fund -> the open decision asking to request a stop
        self._by_inject: dict[tuple[str, str], list[Funds]] = {}
        for f in self.funds.values():
            self._by_inject.setdefault((f.reported_in, f.requester), []).append(f)
            ex.after(settled_minutes(f.withdrawn_at), partial(self._withdraw, f))

    # --- what the requester learns, and decides ---------------------------------------------------
    def inject_read(self, inject: str, ncb: str) -> None:
        """The requester's desk has read the report of a transfer: its officer decides."""
        for f in self._by_inject.get((inject, ncb), ()):
            self.reported.add(f.id)
            if self.state[f.id] != OPEN or self.asked[f.id] or f.id in self.prompts:
                continue
            window = max(1.0, settled_minutes(f.withdrawn_at) - self.env.now)
            options = [Option("request", f"Send a stop-payment request to NCB {f.held_in} now", recommended=True),
                       Option("wait", "Leave the recall to the victims' bank")]
            prompt = (f"{usd(f.amount_usd)} of the victims' money went to an account in {f.held_in}"
                      + (f" ({f.account})" if f.account else "") + ". Ask for a stop payment (I-GRIP)?")
            self.prompts[f.id] = self.port.raise_(
                f"ncb:{f.requester}", "stop_payment", prompt, options, "wait", window,
                partial(self._decided, f), funds=f.id, country=f.held_in).id

    def _decided(self, f: Funds, key: str) -> None:
        self.prompts.pop(f.id, None)
        if key == "request":
            self.request(f.requester, f.id, f.held_in)

    def known_to(self, requester: str) -> list[tuple[Funds, tuple[str, ...], str]]:
        """The transfers reported to ``requester``'s desk so far: each with the NCBs asked to stop
        it and its state (what reaches the requester: its own requests, the freeze or the loss)."""
        return [(f, tuple(self.asked[f.id]), self.state[f.id])
                for f in self.funds.values() if f.requester == requester and self._known(f)]

    def _known(self, f: Funds) -> bool:
        """The report has reached the requester: its desk read it, or it is in the inbox (a person
        at the seat may act on a message before the desk's routine handling of it)."""
        return f.id in self.reported or self.fired(f.reported_in)

    # --- the request and the bank ----------------------------------------------------------------
    def refusal(self, requester: str, fund: str, to: str) -> str | None:
        """Why ``requester`` cannot ask ``to`` to stop ``fund`` now, in words; None when it can."""
        f = self.funds.get(fund)
        if f is None or f.requester != requester:
            known = [k for k, v in self.funds.items() if v.requester == requester]
            return f"{requester} has no reported transfer '{fund}'" + (f"; it has {', '.join(known)}" if known else "")
        if not self._known(f):
            return f"no report of transfer {f.id} has reached NCB {requester} yet"
        if to == requester:
            return "the account is abroad: ask the NCB of the country that holds it"
        if to not in self.members:
            return f"'{to}' is not an NCB of this exercise"
        if self.state[f.id] == STOPPED:
            return f"transfer {f.id} is already frozen"
        if self.state[f.id] == WITHDRAWN:
            return f"the money of transfer {f.id} was already withdrawn"
        if to in self.asked[f.id]:
            return f"NCB {to} was already asked to stop transfer {f.id}"
        return None

    def request(self, requester: str, fund: str, to: str, text: str = "") -> None:
        """Send the stop-payment request (checked by ``refusal`` first), as whoever is the cause now."""
        f = self.funds[fund]
        self.asked[f.id].append(to)
        if f.id in self.prompts:  # a person who sends it themselves answers the prompt
            self.port.settle(self.prompts.pop(f.id), "request")
        self.journal.emit(self.env.now, "funds.stop_requested", requester, funds=f.id, requester=requester, to=to,
                          amount_usd=f.amount_usd)
        extra = {"text": text or f"Stop-payment request (I-GRIP): freeze the account that received "
                                 f"{usd(f.amount_usd)} on transfer {f.id}" + (f", {f.account}" if f.account else "")}
        self.send(requester, to, kind="stop_payment", priority="urgent", extra=extra,
                  then=partial(self._read, f, to))

    def _read(self, f: Funds, country: str, _msg: Message) -> None:
        if country != f.held_in:
            self.journal.emit(self.env.now, "funds.not_found", country, funds=f.id, country=country,
                              requester=f.requester)
            return
        self.after(settled_minutes(f.bank_time), partial(self._freeze, f))

    def _freeze(self, f: Funds) -> None:
        if self.state[f.id] != OPEN:
            return
        self.state[f.id] = STOPPED
        self.journal.emit(self.env.now, "funds.stopped", f.held_in, funds=f.id, country=f.held_in,
                          requester=f.requester, amount_usd=f.amount_usd)

    def _withdraw(self, f: Funds) -> None:
        if self.state[f.id] != OPEN:
            return
        self.state[f.id] = WITHDRAWN
        self.journal.emit(self.env.now, "funds.withdrawn", f.held_in, funds=f.id, country=f.held_in,
                          requester=f.requester, amount_usd=f.amount_usd)
