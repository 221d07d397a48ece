"""The latest raise of a running course's daily dose, and the day it can first be judged.

One rule for every card that judges a raise (review s20 RA finding 5): the relapse card (a raise
made at a relapse: rules/relapse_dose_history.py) and the optimise card (a raise made after a
failed or partial trial: rules/optimize/reassess.py). Response to a dose is judged after
policy.mapping.on_treatment_from_week on it (4 weeks; CANMAT 2023 para 191: early improvement,
a >= 20 % drop, is seen within 4 weeks and predicts response; ../shared/clinical/REFERENCE.md
1.7), the same weeks a new trial waits before its on-treatment PHQ-9 counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import DoseSegment, Score, Trial
from services import trial_dates
from services.card_format import fmt_mg


@dataclass(frozen=True, slots=True)
class DoseRaise:
    segment: DoseSegment  # the first segment at the raised dose
    before: DoseSegment  # the segment it was raised from

    def judged_from(self, policy: MappingPolicy) -> date:
        """The first day a PHQ-9 can judge the raised dose."""
        return self.segment.start + timedelta(weeks=policy.on_treatment_from_week)


def latest_raise(trial: Trial) -> DoseRaise | None:
    """The latest raise of a course's daily dose when the running dose is it, else None.
    Segments at the same dose in a row are one dose (a course split by a gap keeps its dose); an
    as-needed or unknown dose is no raise the record can show; a range raised to a dose above
    its upper end is a raise, 50-200 -> 150 is none."""
    segments = trial.segments
    i = len(segments) - 1
    if i < 1 or segments[i].as_needed or segments[i].mg_per_day is None:
        return None
    while i > 0 and segments[i - 1].mg_per_day == segments[i].mg_per_day:
        i -= 1
    if i == 0:
        return None
    raised, before = segments[i], segments[i - 1]
    upper = before.mg_per_day_upper
    if before.as_needed or upper is None or raised.mg_per_day is None:
        return None
    if raised.mg_per_day <= upper:
        return None
    return DoseRaise(raised, before)


def unjudged_raise(
    trial: Trial, scores: Sequence[Score], policy: MappingPolicy
) -> DoseRaise | None:
    """The latest raise of the running dose while no PHQ-9 total (`scores`) judges it yet: none
    on or after its `judged_from` day. The optimise card holds its proposals for it
    (rules/optimize/reassess.py) and the referral packet names it beside the course's verdict
    (packet/trials.py; review s20 R4 finding 9), one rule for both."""
    found = latest_raise(trial)
    if found is None:
        return None
    judge = found.judged_from(policy)
    if any(s.value is not None and s.date >= judge for s in scores):
        return None
    return found


def change_from(trial: Trial) -> str | None:
    """How the running dose came to be, for a line that dates it from its own start
    (trial_dates.dose_began): "raised from 600", "lowered from 1200" (the dose of the run
    before it, in the present dose's unit as the line says it); None when the course has had
    one dose, or the dose before is not a daily one the record states (as needed, not read)."""
    run = trial_dates.present_dose_run(trial)
    if not run or trial_dates.dose_began(trial) is None:
        return None
    before = trial.segments[len(trial.segments) - len(run) - 1]
    now = run[0].mg_per_day
    if before.as_needed or before.mg_per_day is None or now is None:
        return None
    if before.mg_per_day_high is not None:  # a range: neither raised nor lowered as a whole
        return f"changed from {fmt_mg(before.mg_per_day)}-{fmt_mg(before.mg_per_day_high)}"
    return f"{'raised' if now > before.mg_per_day else 'lowered'} from {fmt_mg(before.mg_per_day)}"
