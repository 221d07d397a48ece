"""A running course whose dose was just raised: the lane says what the optimise card says
("Dose raised, not judged yet ... reassess from 2025-03-31"), never "no response" on the PHQ-9
taken before the raise could show (review s20 R4 item 9: sertraline raised 100 -> 150 on
3 Mar 2025 read "PHQ-9 21 → 18: no response" three weeks in).

The raise and its reassessment day come from optimize/reassess.reassessment, the card's own
reading; a PHQ-9 worse since the raise is the worsening card's matter (it names no verdict to
hold), so the lane keeps its scores then."""

from __future__ import annotations

from fhir_mapping.record import PatientRecord, Trial
from services.order_doses import segment_dose
from services.policy import Policy
from services.rules.optimize.reassess import reassessment
from services.timeline.wording import day_text


def raise_not_judged(record: PatientRecord, trial: Trial, policy: Policy) -> str | None:
    """ "raised to 150 mg/day on 3 Mar 2025, not judged yet: reassess from 31 Mar 2025" (or
    "reassess today", or "no PHQ-9 since 31 Mar 2025: repeat it to judge the raise"), else
    None."""
    if not trial.ongoing:
        return None
    found = reassessment(record, policy.mapping, trial)
    if found is None or found.worse is not None:
        return None
    segment = found.raised.segment
    head = f"raised to {segment_dose(trial, segment)} on {day_text(segment.start)}, not judged yet"
    if record.as_of > found.judge:
        return f"{head}: no PHQ-9 since {day_text(found.judge)}, repeat it to judge the raise"
    if record.as_of == found.judge:
        return f"{head}: reassess today with a PHQ-9"
    return f"{head}: reassess from {day_text(found.judge)}"
