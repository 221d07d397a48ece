"""Ketamine doses on the MAR with no course of their own, named beside the options beyond
medication (review s21 RF finding 2).

Six IV ketamine doses (35 mg, 2026-08-03 to 08-23, no ECT those days) were dropped in silence
(ketamine is also an anaesthetic, so the MAR's doses are never a trial: fhir_mapping/
administrations.py) and the optimise card listed "IV ketamine (off-label)" as untried. The doses
are still no trial, and their response is not judged, but ketamine given on at least
policy.ketamine_dose_min_days separate days in this episode, none of them a day with an ECT
session (ketamine is an ECT anaesthetic), may have been a depression series (CANMAT 2023 Table
7.2: racemic ketamine IV 0.5-1.0 mg/kg, second line; ../shared/clinical/REFERENCE.md 1.7): the
card names the days, asks for its response to be recorded if it was one, and does not offer IV
ketamine as untried (the safer reading: a clinician asks before repeating a series, rather than
being offered one already given). A single dose, or doses only on ECT days, stay unnamed: an
anaesthetic or sedative use is far likelier. Doses whose words name an anaesthetic, sedative or
pain use never reach here (fhir_mapping/data/named_doses.csv).

A ketamine order, statement or fill makes a Trial, named by drug_course_lines.py; these lines are
for doses with no such course in this episode.
"""

from __future__ import annotations

from datetime import date

from fhir_mapping.record import PatientRecord, ProcedureKind
from services.ect_course_lines import EctHistory
from services.policy import Policy

_DOSE = ProcedureKind.KETAMINE_DOSE
_ECT = ProcedureKind.ECT
_NONE = EctHistory()
_TRIED = frozenset({"ketamine"})


def dose_days(record: PatientRecord, episode_start: date | None) -> tuple[date, ...]:
    """The days of a ketamine dose in this episode (all, with no episode start) up to as-of,
    without the days of an ECT session."""
    ect_days = {p.date for p in record.procedures if p.kind is _ECT and p.date is not None}
    return tuple(
        sorted(
            {
                p.date
                for p in record.procedures
                if p.kind is _DOSE
                and p.date is not None
                and p.date <= record.as_of
                and (episode_start is None or p.date >= episode_start)
                and p.date not in ect_days
            }
        )
    )


def history(record: PatientRecord, policy: Policy, episode_start: date | None) -> EctHistory:
    """The line on ketamine doses of this episode, and IV ketamine off the untried list; nothing
    with a ketamine course of this episode on record (drug_course_lines.py names that one) or
    with fewer than policy.ketamine_dose_min_days dose days."""
    if any(
        t.ingredient == "ketamine" and (episode_start is None or t.end >= episode_start)
        for t in record.trials
    ):
        return _NONE
    days = dose_days(record, episode_start)
    if len(days) < policy.ketamine_dose_min_days:
        return _NONE
    span = f"{days[0].isoformat()} to {days[-1].isoformat()}"
    return EctHistory(
        f"**IV ketamine on the MAR in this episode:** given on {len(days)} days, {span}, no ECT "
        "those days: not counted as a trial (ketamine is also an anaesthetic and a sedative); if "
        "it was a depression series, record its response; not offered again as untried.",
        _TRIED,
    )
