"""A suicide risk assessment already ordered: the card keeps its level and drops its one-click.

The suicide-risk card (suicide_risk.py) proposes one ServiceRequest, a structured suicide risk
assessment (SNOMED 225337009, services/data/order_codes.csv `suicide-risk-assessment`). Once that
request is open (FHIR RequestStatus draft / active; not on-hold, a paused request nobody carries
out: read as revoked is, recheck K16 s29 finding 11) on the record, or is on this order's
draftOrders (accepted at order-select, signed now), a second one-click ordered it twice and said
nothing of the first (review s28 RG finding: charts 24_item9_cssrs_ordered_select,
24_item9_cssrs_draft_sign). What is owed then is to complete it: the card stays critical (ordering
is not assessing; only a documented assessment closes the signal, acute_risk.py) and says
"assessment already ordered <date>: complete it". An assessment accepted at patient-view reaches
the record as such a request, and is read here the same way.

Which request counts: a draft of this order whatever its date (a draft often carries none); one on
the record written on or after the latest dated finding the assessment is for. An older open
request was for an earlier finding: EHRs leave ServiceRequests active long after the visit (see
open_referrals.py), so it does not stand for an assessment of today's finding, and an undated one
on the record cannot be told apart from it; the one-click stays for both (the safer reading: a
duplicate order costs a cancellation, a missing one an assessment nobody arranged).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from fhir_mapping.record import Referral, SourceRef
from services import cards
from services.open_referrals import OPEN_REQUEST_STATUSES
from services.risk_signal import RiskEvent, SignalKind, SuicideLevel, SuicideSignal
from services.rules.context import RuleContext

# The Referral kind fhir_mapping/referrals.py reads a suicide risk assessment request as (the
# concept the card proposes: services/data/order_codes.csv).
_KIND = "suicide-risk-assessment"
# The open statuses that stand for an assessment arranged: not on-hold, a request paused (FHIR
# RequestStatus: "actions implied by the request are to be temporarily halted"), which nobody is
# carrying out; read as revoked is, so the one-click stays (recheck K16 s29 finding 11).
_ORDERED = OPEN_REQUEST_STATUSES - {"on-hold"}


@dataclass(frozen=True, slots=True)
class OrderedAssessment:
    """An open suicide risk assessment request: its day (None: a draft with no authoredOn), the
    resource, and whether it is on this order's draftOrders."""

    day: date | None
    source: SourceRef | None
    drafted: bool

    def words(self) -> str:
        """ "assessment already ordered 2025-06-02", or "assessment on this order" for an undated
        draft (the order being signed: it has no date of its own yet)."""
        if self.day is None:
            return "assessment on this order"
        return f"assessment already ordered {self.day.isoformat()}"


def card_events(signal: SuicideSignal) -> tuple[RiskEvent, ...]:
    """The findings the card's proposed assessment is for, as its summary picks them
    (suicide_risk_text.card_summary): those nobody assessed while unassessed, the high ones when
    an assessment found high risk, the re-screened older ones at RESCREENED."""
    if signal.level is SuicideLevel.RESCREENED:
        return signal.lowered
    if signal.level is SuicideLevel.HIGH:
        return tuple(e for e in signal.open if e.escalate) or signal.open
    unassessed = tuple(
        e for e in signal.urgent if e.kind is not SignalKind.SCREEN or not e.assessed
    )
    return unassessed or signal.urgent or signal.open


def _latest_day(events: Iterable[RiskEvent]) -> date | None:
    days = [e.day for e in events if e.day is not None]
    return max(days) if days else None


def ordered(ctx: RuleContext, events: Iterable[RiskEvent]) -> OrderedAssessment | None:
    """The open assessment request that answers `events`, the latest first: a draft of this order
    before one on the record (it is the one being signed), or None (module docstring)."""
    drafts = [r for r in ctx.record.draft_referrals if _open(r)]
    if drafts:
        found = max(drafts, key=lambda r: r.authored or date.min)
        return OrderedAssessment(found.authored, found.source, drafted=True)
    since = _latest_day(events)
    on_record = [
        r
        for r in ctx.record.referrals
        if _open(r)
        and (
            (r.authored is not None and (since is None or r.authored >= since))
            or (r.authored is None and since is None)
        )
    ]
    if not on_record:
        return None
    found = max(on_record, key=lambda r: r.authored or date.min)
    return OrderedAssessment(found.authored, found.source, drafted=False)


def _open(referral: Referral) -> bool:
    """An open request coded as the assessment (Referral.coded: SNOMED 225337009 or another
    code data/procedure_codes.csv lists for it). One read from its text alone does not count
    (recheck K8 s28 finding 5: "Suicide risk assessment not needed", an open request with only
    that text, dropped the one-click as "assessment already ordered"). Coded only rather than
    text not negated: a free-text request's words say too little of what was ordered (a
    screen, a declined or deferred assessment, a note in an order's name) to stand for an
    assessment nobody might have arranged, and a misread costs the urgent one-click, while a
    duplicate costs a cancellation (module docstring); the card's own proposal is coded, so an
    accepted one-click still counts."""
    return referral.kind == _KIND and referral.coded and referral.status in _ORDERED


def summary(event: RiskEvent, found: OrderedAssessment, *, today: bool) -> str:
    """The card's summary once the assessment is ordered: the finding it leads with, then what
    is owed. `today`: the level asks for the assessment today (unassessed or found high); a
    re-screened older answer asks for it at routine priority."""
    head = f"{event.short}{event.at()}"
    act = f"{found.words()}: complete it" + (" today" if today else "")
    risk = "higher suicide risk, " if event.escalate else "suicide risk "
    return cards.fit_summary(
        f"{head}: {risk}{act}",
        f"{head}: {act}",
        f"{event.short}: {act}",
    )


def line(found: OrderedAssessment) -> str:
    """The detail's line naming the request, first on the card."""
    where = "on this order" if found.drafted else "on record"
    cite = f" ({found.source})" if found.source is not None and found.source.id else ""
    day = f" on {found.day.isoformat()}" if found.day is not None else ""
    return (
        f"**Assessment already ordered:** a suicide risk assessment request {where}{cite}{day}. "
        "Complete it and record the result (e.g. the C-SSRS answers); ordering it does not "
        "assess the risk, so the card stays until an assessment is on record. No second order "
        "is proposed."
    )
