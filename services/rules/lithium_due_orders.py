"""The open lab orders the lithium monitoring card names (lithium_due.py): the level's
(`level_ordered`, session 35 lith52/lith53) and those of its other monitoring tests
(`test_ordered`, session 36 lab57 item 2).

Apart from lithium_due.py, which is at its length limit. An open ServiceRequest for a test is one
fhir_mapping/referrals.py reads as kind "lab:<test>", by its LOINC code or by its text on a lab
request (lab_orders.py: "TSH", "thyroid stimulating hormone" with no coding), with a status of
open_referrals.OPEN_REQUEST_STATUSES. The card said "no TSH in 365 days" and "TSH: none on
record" beside a TSH ordered (coded or by text alike): true of the results, but it asked again for
a test already ordered and named nothing of the order. Named as the level's order is ("ordered
2026-11-25"), so the card asks for the draw, never a second order.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from fhir_mapping.record import LabResult
from services.open_referrals import OPEN_REQUEST_STATUSES
from services.rules.context import RuleContext

_DRUG = "lithium"


def _said(days: Iterable[date | None]) -> str:
    """ "ordered 2026-11-25" (the latest authored), "ordered (date not recorded)" when no order
    has a date."""
    dated = [d for d in days if d is not None]
    return f"ordered {max(dated).isoformat()}" if dated else "ordered (date not recorded)"


def test_ordered(ctx: RuleContext, group: tuple[str, ...]) -> str:
    """An open order for any test of `group` ("tsh"; "creatinine", "egfr"), in the card's words,
    "" when none. Whatever its date, as the diagnosis review card reads an open TSH order
    (diagnosis_medical.tsh_missing): the two cards agree on what is ordered."""
    kinds = {f"lab:{test}" for test in group}
    orders = [
        r for r in ctx.record.referrals if r.kind in kinds and r.status in OPEN_REQUEST_STATUSES
    ]
    return _said(r.authored for r in orders) if orders else ""


def level_ordered(ctx: RuleContext, level: LabResult | None, due_days: int) -> tuple[str, str]:
    """A lithium level already ordered, in the card's words: "ordered 2026-11-25" (an open
    ServiceRequest), "registered 2026-11-28, no result yet" (a level registered with no value,
    later than the last level); "" when none (lithium_due's module docstring). With it, the open
    orders authored more than `due_days` (the level's interval) before as-of: "an order of
    2023-02-01 is still open" (K47b s35 finding 4: an order left active since 2023 held the
    one-click for good). Such an order is no level now ordered: a level drawn for it would
    itself be overdue by now, so the card names it, to check or cancel, and proposes the level.
    An order with no date is not judged stale (its age is not known): it still counts."""
    as_of = ctx.record.as_of
    orders = [
        r
        for r in ctx.record.referrals
        if r.kind == f"lab:{_DRUG}" and r.status in OPEN_REQUEST_STATUSES
    ]
    old = [
        r.authored
        for r in orders
        if r.authored is not None and (as_of - r.authored).days > due_days
    ]
    stale = f"an order of {max(old).isoformat()} is still open" if old else ""
    orders = [r for r in orders if r.authored is None or r.authored not in old]
    if orders:
        return _said(r.authored for r in orders), stale
    pending = [
        p
        for p in ctx.record.context.pending_labs
        if p.test == _DRUG and (level is None or p.date > level.date)
    ]
    if pending:
        return f"registered {max(p.date for p in pending).isoformat()}, no result yet", stale
    return "", stale
