"""The state machines of notices, diffusions and arrests: one explicit table each.

A move not in its table raises IllegalTransition; nothing moves silently. Every move is a journal
event, whose kind the table names next to the target state.
"""

from __future__ import annotations

from dataclasses import dataclass


class IllegalTransition(RuntimeError):
    """A record was asked to move in a way its state machine does not allow (an engine bug)."""


@dataclass(frozen=True)
class Machine:
    name: str
    initial: str
    # (state, action) -> (next state, journal event kind)
    table: dict[tuple[str, str], tuple[str, str]]

    def next(self, state: str, action: str) -> tuple[str, str]:
        try:
            return self.table[(state, action)]
        except KeyError:
            allowed = sorted(a for s, a in self.table if s == state)
            raise IllegalTransition(f"{self.name}: cannot '{action}' from '{state}'; "
                                    f"allowed: {', '.join(allowed) or 'nothing (final state)'}") from None

    def allows(self, state: str, action: str) -> bool:
        return (state, action) in self.table

    @property
    def states(self) -> set[str]:
        return {self.initial} | {s for s, _ in self.table} | {t for t, _ in self.table.values()}

    def final(self, state: str) -> bool:
        return not any(s == state for s, _ in self.table)


NOTICE = Machine("notice", "requested", {
    ("requested", "ask_info"): ("info_requested", "notice.info_requested"),
    ("info_requested", "info_supplied"): ("requested", "notice.info_supplied"),
    ("info_requested", "refuse"): ("refused", "notice.refused"),
    ("requested", "publish"): ("published", "notice.published"),
    ("requested", "refuse"): ("refused", "notice.refused"),
    ("published", "cancel"): ("cancelled", "notice.cancelled"),
    ("published", "challenge"): ("blocked", "notice.blocked"),
    ("blocked", "keep"): ("published", "notice.restored"),
    ("blocked", "delete"): ("deleted", "notice.deleted"),
    ("published", "delete"): ("deleted", "notice.deleted"),
    ("published", "expire"): ("expired", "notice.expired"),
    ("info_requested", "cancel"): ("cancelled", "notice.cancelled"),  # the NCB withdraws a returned request
})

DIFFUSION = Machine("diffusion", "circulated", {
    ("circulated", "ask_info"): ("info_requested", "diffusion.info_requested"),
    ("info_requested", "info_supplied"): ("circulated", "diffusion.info_supplied"),
    ("info_requested", "purge"): ("purged", "diffusion.reviewed"),
    ("info_requested", "cancel"): ("cancelled", "diffusion.cancelled"),
    ("info_requested", "delete"): ("purged", "diffusion.purged"),
    ("circulated", "approve"): ("compliant", "diffusion.reviewed"),
    ("circulated", "purge"): ("purged", "diffusion.reviewed"),
    ("circulated", "cancel"): ("cancelled", "diffusion.cancelled"),
    ("compliant", "cancel"): ("cancelled", "diffusion.cancelled"),
    ("compliant", "delete"): ("purged", "diffusion.purged"),
    ("circulated", "delete"): ("purged", "diffusion.purged"),
})

# One arrest case: from a hit at a border (or a request for provisional arrest) to surrender,
# refusal or release. The requested state decides; the case falls with its legal basis.
ARREST = Machine("arrest", "held", {
    ("held", "confirm"): ("arrested", "arrest.provisional"),
    ("held", "release"): ("released", "subject.released"),
    ("held", "refuse"): ("refused", "extradition.refused"),  # it will not surrender him: no provisional arrest
    ("held", "keep"): ("kept", "arrest.kept"),  # the basis fell, but the state holds him on its own warrant
    ("arrested", "request_extradition"): ("extradition_requested", "extradition.requested"),
    ("arrested", "release"): ("released", "subject.released"),
    ("arrested", "keep"): ("kept", "arrest.kept"),
    ("extradition_requested", "extradite"): ("extradited", "extradition.completed"),
    ("extradition_requested", "refuse"): ("refused", "extradition.refused"),
    ("extradition_requested", "release"): ("released", "subject.released"),
    ("extradition_requested", "keep"): ("kept", "arrest.kept"),
    ("refused", "release"): ("released", "subject.released"),
    ("refused", "keep"): ("kept", "arrest.kept"),
})

# Aut dedere aut judicare: after a refusal to surrender a national, the requesting state asks the
# requested one to prosecute him itself (or to enforce its sentence).
PROCEEDINGS = Machine("proceedings", "transferred", {
    ("transferred", "open"): ("opened", "prosecution.opened"),
    ("transferred", "refuse"): ("declined", "prosecution.refused"),
})

# States in which a request can be found by a database check.
VISIBLE = {"notice": {"published"}, "diffusion": {"circulated", "info_requested", "compliant"}}

# Every journal kind about an arrest case (what the requester and the arresting country see of it).
CASE_EVENT_KINDS = tuple(sorted({ev for _, ev in ARREST.table.values()} | {ev for _, ev in PROCEEDINGS.table.values()}
                                | {"hit.checked", "case.transferred"}))
