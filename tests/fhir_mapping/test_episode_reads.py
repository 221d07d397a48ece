"""Rule 1c's readings made one (review 11 wave 4; fhir_mapping/episode.py).

- After a stated end, the episode starts at the earliest of rule 2's date and the new onset: a
  relapse PHQ-9 before the new diagnosis is written dates it (before, the onset won whenever one
  followed the abatement, although the docstring said "earliest").
- One onset reading: a depression diagnosis that may have begun on or before the abatement day
  (the same day, or a month-only onset whose month holds the abatement) ran through it: a recode,
  no stated end. Before, the end was read, and the episode then started on the partial onset's
  last day.
- The abatement is context.py's reader; a stated end also needs an ended clinicalStatus, so each
  one read is a Condition conditions.py reads as no longer active (an abatement date beside an
  active status, FHIR con-4's contradiction, is no episode break: the trials stay).

Charts are Epic-shaped (tests/fhir_mapping/test_episode_boundaries.py's orders with monthly
dispenses, ICD-10-CM problem-list Conditions, PHQ-9 totals), validated with fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.context import condition_findings
from fhir_mapping.record import FindingKind, PatientRecord
from services.pathway import derive_facts
from services.policy import Policy
from tests.fhir_mapping.test_episode_boundaries import (
    ESCITALOPRAM_20,
    ICD10,
    SERTRALINE_100,
    VENLAFAXINE_150,
    P,
    course,
)
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
FIRST_DAY = date(2021, 2, 1)
ABATED = date(2022, 9, 1)
Resource = dict[str, Any]


def resolved(status: str | None = "resolved", abatement: date = ABATED) -> Resource:
    """The first episode's F32.2 with its abatement date; `status` None: no clinicalStatus."""
    condition = fb.condition(
        ICD10,
        "F32.2",
        "Major depressive disorder, single episode, severe without psychotic features",
        FIRST_DAY,
        clinical_status=status or "resolved",
        category="encounter-diagnosis",
        abatement=abatement,
        patient=P,
        id="cond-first-episode",
    )
    if status is None:  # an encounter diagnosis may omit it (FHIR con-3 asks it of problem lists)
        del condition["clinicalStatus"]
    return condition


def new_diagnosis(onset: date, written: str | None = None) -> Resource:
    """F33.1 active since `onset`; `written`: the onset as a partial date ("2022-09")."""
    condition = fb.condition(
        ICD10,
        "F33.1",
        "Major depressive disorder, recurrent, moderate",
        onset,
        category="problem-list-item",
        recorded=date(2025, 3, 10),
        patient=P,
        id="cond-new-episode",
    )
    if written is not None:
        condition["onsetDateTime"] = written
    return condition


def chart(
    *conditions: Resource, escitalopram: bool = True, relapse: date | None = None
) -> PatientRecord:
    """Sertraline and venlafaxine in 2021-22, then (by default) escitalopram since 2025-03-17;
    PHQ-9 22 -> 20 -> 17 in the first episode, 22 on 2025-03-10 and 21 on 2025-05-19, plus 22 on
    `relapse`."""
    resources: list[Resource] = [
        fb.patient(
            id=P, given="Lena", family="Ortiz", gender="female", birth_date=date(1980, 2, 3)
        ),
        *conditions,
        *course(SERTRALINE_100, FIRST_DAY, 6, "completed"),
        *course(VENLAFAXINE_150, date(2021, 8, 9), 9, "completed"),
        *fb.phq9(FIRST_DAY, 22, 0, patient=P),
        *fb.phq9(date(2021, 8, 2), 20, 0, patient=P),
        *fb.phq9(date(2022, 3, 7), 17, 0, patient=P),
        *fb.phq9(date(2025, 3, 10), 22, 0, patient=P),
        *fb.phq9(date(2025, 5, 19), 21, 0, patient=P),
    ]
    if escitalopram:
        resources.extend(course(ESCITALOPRAM_20, date(2025, 3, 17), 3, "active"))
    if relapse is not None:
        resources.extend(fb.phq9(relapse, 22, 0, patient=P))
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P)


def episode_ingredients(record: PatientRecord) -> list[str]:
    return [t.ingredient for t in derive_facts(record, Policy()).episode_trials]


# --- item 2: the start after a stated end ----------------------------------------------------------


def test_a_relapse_phq9_before_the_new_diagnosis_starts_the_episode() -> None:
    # No trial since the abatement; PHQ-9 22 on 2025-01-13, F33.1 written with onset 2025-03-10:
    # the scores show the episode two months before the diagnosis dates it.
    record = chart(
        resolved(), new_diagnosis(date(2025, 3, 10)), escitalopram=False, relapse=date(2025, 1, 13)
    )
    assert record.episode_start == date(2025, 1, 13)
    assert episode_ingredients(record) == []


def test_a_new_onset_before_the_relapse_phq9_still_starts_the_episode() -> None:
    record = chart(resolved(), new_diagnosis(date(2025, 2, 3)), escitalopram=False)
    assert record.episode_start == date(2025, 2, 3)


def test_with_a_trial_after_the_end_the_earlier_of_trial_and_onset_starts_it() -> None:
    # Rule 2's date is the first trial (2025-03-17); the new onset 2025-03-03 is earlier.
    record = chart(resolved(), new_diagnosis(date(2025, 3, 3)))
    assert record.episode_start == date(2025, 3, 3)
    assert episode_ingredients(record) == ["escitalopram"]


# --- item 2: one onset reading ----------------------------------------------------------------------


def test_a_diagnosis_dated_the_day_of_the_abatement_is_a_recode() -> None:
    # F33.1 added the day F32.2 was resolved (a problem-list recode): the illness ran through it.
    record = chart(resolved(), new_diagnosis(ABATED))
    assert record.episode_start == FIRST_DAY
    assert episode_ingredients(record) == ["sertraline", "venlafaxine", "escitalopram"]


def test_a_month_only_onset_that_may_predate_the_abatement_is_a_recode() -> None:
    # Onset "2022-09", abatement 2022-09-01: the diagnosis may have begun that day. Before, the
    # end was read and the episode started on 2022-09-30, the partial onset's last day.
    record = chart(resolved(), new_diagnosis(date(2022, 9, 1), written="2022-09"))
    onset = next(f for f in record.context.findings if f.kind is FindingKind.DEPRESSION)
    assert (onset.onset, onset.onset_latest) == (date(2022, 9, 1), date(2022, 9, 30))
    assert record.episode_start == FIRST_DAY
    assert episode_ingredients(record) == ["sertraline", "venlafaxine", "escitalopram"]


def test_a_month_only_new_onset_after_the_abatement_dates_the_episode_at_its_last_day() -> None:
    # Onset "2025-02" wholly after the abatement: a new onset; no trial and no relapse PHQ-9
    # before its last day (the 2025-03-10 PHQ-9 is later): the episode starts 2025-02-28.
    record = chart(
        resolved(), new_diagnosis(date(2025, 2, 1), written="2025-02"), escitalopram=False
    )
    assert record.episode_start == date(2025, 2, 28)


# --- item 1: context.py's abatement reader, and the stricter status the episode asks ---------------


@pytest.mark.parametrize(
    ("status", "stated_end"),
    [("resolved", True), ("inactive", True), ("remission", True), ("active", False), (None, False)],
)
def test_a_stated_end_needs_an_ended_status_and_is_one_context_reads_as_ended(
    status: str | None, stated_end: bool
) -> None:
    first = resolved(status)
    record = chart(first, new_diagnosis(date(2025, 3, 10)))
    assert record.episode_start == (date(2025, 3, 10) if stated_end else FIRST_DAY)
    # conditions.py reads an abatement date on or before as-of as no longer active, whatever the
    # status says: every stated end is a Condition with no active depression finding.
    kinds = {f.kind for f in condition_findings(first, as_of=AS_OF)}
    assert FindingKind.DEPRESSION not in kinds


def test_an_abatement_period_is_read_as_context_reads_it() -> None:
    first = resolved()
    del first["abatementDateTime"]
    first["abatementPeriod"] = {"start": "2022-08-01", "end": "2022-09-01"}
    record = chart(first, new_diagnosis(date(2025, 3, 10)))
    assert record.episode_start == date(2025, 3, 10)


def test_an_entered_in_error_resolution_is_no_end() -> None:
    first = resolved()
    first["verificationStatus"]["coding"][0]["code"] = "entered-in-error"
    # The clinicalStatus "resolved" kept, as some feeds still send it (FHIR con-5 forbids it).
    record = chart(first, new_diagnosis(date(2025, 3, 10)))
    assert record.episode_start == FIRST_DAY
