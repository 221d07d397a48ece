"""A QTc sent with its unit outside what a QTc can be ("4950 ms": a slipped decimal of 495), named
as sent by the QTc check of an order (order_checks/qtc.py) and the age-limit card's QTc clause:
a decisive gap at an order of a QT-caution drug, as an implausible sodium is at an SSRI order
(services/unread_lab_gaps.py; session 30 labs35 item 2). The bound is data/lab_ranges.csv's
`unit_bounds` (fhir_mapping/lab_text.implausible); the gap carries the value as sent
(fhir_mapping/lab_unread.unread_value_gap)."""

from __future__ import annotations

from fhir_mapping.lab_unread import implausible_reason
from fhir_mapping.record import DataDomain, LabResult
from services.rules.context import RuleContext


def implausible_sent(ctx: RuleContext, lab: LabResult) -> str | None:
    """ "4950 ms on 2026-11-10": the QTc `lab` as sent when its gap says it is outside what a QTc
    can be, else None (a QTc not read for another reason)."""
    reason = implausible_reason("qtc")
    found = ctx.record.gaps_in(DataDomain.QTC, DataDomain.LABS)
    return next((g.stated for g in found if g.reason == reason and g.source == lab.source), None)
