"""Review 15 W1, on the Trial itself: an adequate trial from a baseline below the moderate band
that stays below it on treatment is residual mild symptoms (Trial.mild_residual), never a failed
trial; the band is the PHQ-9's (MappingPolicy.failure_min_baseline_phq9, 10) or the other scale's
own (data/scale_outcomes.csv moderate_from). Before, `failed` compared only the 50 % drop, so
PHQ-9 9 -> 6 was a failure counted toward TRD, TMS and the Maudsley staging.

Also the fixed course of brexanolone (one 60-hour infusion) and how its length is worded.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from fhir_mapping.drug_table import all_drugs, drug_info, fixed_course_words
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Role, Score, SourceRef, Trial, Verdict
from fhir_mapping.scale_outcomes import moderate_from
from tests.services import factories as f

START = date(2025, 1, 6)
LATER = date(2025, 4, 14)


def _trial(before: int, after: int, instrument: str = "PHQ-9", **kw: object) -> Trial:
    trial = f.trial(start=START, weeks=14, baseline=before, after=after)
    if instrument != "PHQ-9":
        trial = dataclasses.replace(
            trial,
            baseline=Score(instrument, before, START, None, SourceRef("Observation", "b")),
            on_treatment=Score(instrument, after, LATER, None, SourceRef("Observation", "a")),
        )
    return dataclasses.replace(trial, **kw) if kw else trial


@pytest.mark.parametrize(
    ("before", "after", "failed", "mild"),
    [
        (9, 6, False, True),  # the review's chart: before, failed
        (9, 9, False, True),  # unchanged, still mild
        (6, 8, False, True),  # a little worse, still mild
        (9, 12, True, False),  # worse than the moderate floor on treatment: failed
        (9, 4, False, False),  # remission
        (10, 6, True, False),  # a moderate baseline: judged by the 50 % drop, as before
        (18, 10, True, False),
        (18, 9, False, False),  # response
    ],
)
def test_failed_and_mild_residual_on_the_phq9(
    before: int, after: int, failed: bool, mild: bool
) -> None:
    trial = _trial(before, after)
    assert trial.verdict is Verdict.ADEQUATE
    assert (trial.failed, trial.mild_residual) == (failed, mild)


def test_the_policy_value_is_carried_on_the_trial() -> None:
    assert MappingPolicy().failure_min_baseline_phq9 == 10
    # 0: no baseline is mild, the 50 % drop alone decides (the reading before review 15 W1).
    assert _trial(9, 6, failure_min_baseline=0).failed is True
    assert _trial(12, 8, failure_min_baseline=13).failed is False


@pytest.mark.parametrize(
    ("instrument", "before", "after", "failed"),
    [
        ("HAM-D17", 14, 12, False),  # mild (8-16) to mild: residual symptoms
        ("HAM-D17", 20, 12, True),  # moderate, 40 % better: no response
        ("MADRS", 18, 14, False),  # mild (7-19)
        ("MADRS", 18, 22, True),  # worse than the moderate floor (20)
        ("QIDS-SR16", 9, 7, False),  # mild (6-10)
        ("BDI-II", 19, 15, False),  # mild (14-19)
    ],
)
def test_another_scale_uses_its_own_moderate_floor(
    instrument: str, before: int, after: int, failed: bool
) -> None:
    assert moderate_from(instrument) is not None
    trial = _trial(before, after, instrument)
    assert trial.outcome_scale == instrument
    assert trial.failed is failed
    assert trial.mild_residual is not failed


def test_brexanolone_is_a_fixed_60_hour_course() -> None:
    info = drug_info("brexanolone")
    assert info is not None
    assert (info.role, info.drug_class, info.min_adequate_mg, info.max_mg, info.canmat_line) == (
        Role.ANTIDEPRESSANT,
        "neuroactive steroid",
        None,
        None,
        None,
    )
    assert info.rxcui is None  # not confirmed here: recognised by name
    assert {d.ingredient: d.fixed_course_days for d in all_drugs() if d.fixed_course_days} == {
        "zuranolone": 14,
        "brexanolone": 2.5,
    }
    assert fixed_course_words(14) == "14-day course"
    assert fixed_course_words(2.5) == "60-hour course"
