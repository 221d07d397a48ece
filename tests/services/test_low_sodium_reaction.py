"""Before the fix, a drug stopped for a low sodium (a stop reason naming hyponatraemia or SIADH) was
read as stopped for no stated reason: an adequate course counted as a failed trial, and once the
sodium result left the lab window (policy.lab_recent_days) the switch list offered SSRIs and
SNRIs with no word of it. Now the stop reason is an intolerance (intolerance_reasons.csv, rows
with reaction low-sodium) and the switch list names it whatever its date
(services/sodium_history.reaction_line).

The chart is test_cautions_alcohol_postpartum.py's (a woman of 34, sertraline 150 mg/day failed,
PHQ-9 21, escitalopram running) with a paroxetine course of 2021 that an Epic order records as
discontinued for hyponatremia (statusReason coded SNOMED 89627008 with Epic's text).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.intolerance import says_low_sodium
from fhir_mapping.record import Verdict
from tests.fixtures import builders as b
from tests.services.test_cautions_alcohol_postpartum import (
    ESCITALOPRAM_20,
    OPTIMISE,
    PATIENT,
    _cards,
    _chart,
    _running,
)

pytestmark = pytest.mark.real_drug_table

Resource = dict[str, Any]
PAROXETINE_40 = ("1738511", "paroxetine hydrochloride 40 MG Oral Tablet")


def _paroxetine(reason: dict[str, Any] | None) -> Resource:
    order = b.medication_request(
        *PAROXETINE_40,
        date(2021, 2, 1),
        dose_value=1,
        status="stopped",
        expected_supply_days=30,
        repeats=5,
        bounds_end=date(2021, 5, 10),
        patient=PATIENT,
        id="mr-par",
    )
    if reason is not None:
        order["statusReason"] = reason
    return order


HYPONATREMIA = {
    "coding": [
        {
            "system": "http://snomed.info/sct",
            "code": "89627008",
            "display": "Hyponatremia (disorder)",
        }
    ],
    "text": "Hyponatremia",
}


def _switch(detail: str) -> str:
    return detail.split("**Switch:**")[1].split("\n\n")[0]


def test_a_drug_stopped_for_hyponatremia_is_not_tolerated_and_the_switch_list_says_so() -> None:
    record = _chart(
        _paroxetine(HYPONATREMIA), _running(ESCITALOPRAM_20, date(2024, 10, 7), "mr-esc")
    )
    paroxetine = next(t for t in record.trials if t.ingredient == "paroxetine")
    assert paroxetine.intolerance is not None
    assert says_low_sodium(paroxetine.intolerance)
    switch = _switch(_cards(record)[OPTIMISE].detail)
    assert "SNRI: venlafaxine" in switch
    assert (
        "Low sodium on record as a reaction: paroxetine (Hyponatremia, 2021-05-10): SSRIs and "
        "SNRIs can lower it again." in switch
    )


def test_a_bare_code_and_an_icd_siadh_read_the_same() -> None:
    bare = {"coding": [{"system": "http://snomed.info/sct", "code": "89627008"}]}
    siadh = {
        "coding": [
            {
                "system": "http://hl7.org/fhir/sid/icd-10-cm",
                "code": "E22.2",
                "display": "Syndrome of inappropriate secretion of antidiuretic hormone",
            }
        ]
    }
    for reason in (bare, siadh):
        record = _chart(_paroxetine(reason))
        paroxetine = next(t for t in record.trials if t.ingredient == "paroxetine")
        assert paroxetine.intolerance is not None and says_low_sodium(paroxetine.intolerance)


def test_control_no_stop_reason_no_line_and_the_course_counts() -> None:
    record = _chart(_paroxetine(None), _running(ESCITALOPRAM_20, date(2024, 10, 7), "mr-esc"))
    paroxetine = next(t for t in record.trials if t.ingredient == "paroxetine")
    assert paroxetine.intolerance is None and paroxetine.verdict is Verdict.ADEQUATE
    assert "Low sodium on record" not in _cards(record)[OPTIMISE].detail


def test_a_negated_low_sodium_in_the_stop_reason_is_no_reaction() -> None:
    # Recheck of review 12 (q34): "no hyponatremia" was read as a low-sodium reaction.
    reason = {"text": "Nausea. Sodium rechecked: no hyponatremia."}
    record = _chart(_paroxetine(reason), _running(ESCITALOPRAM_20, date(2024, 10, 7), "mr-esc"))
    paroxetine = next(t for t in record.trials if t.ingredient == "paroxetine")
    assert paroxetine.intolerance is None or not says_low_sodium(paroxetine.intolerance)
    assert "Low sodium on record" not in _cards(record)[OPTIMISE].detail


@pytest.mark.parametrize("words", ["Serotonin syndrome", "Sexual dysfunction", "Nausea"])
def test_a_named_adverse_reaction_as_the_stop_reason_is_an_intolerance(words: str) -> None:
    # Before the fix, a stop reason naming the reaction itself (not "side effect") was read as a stop
    # with no reason: the drug could be proposed again after a serotonin syndrome.
    record = _chart(_paroxetine({"text": words}))
    paroxetine = next(t for t in record.trials if t.ingredient == "paroxetine")
    assert paroxetine.intolerance is not None and paroxetine.intolerance.reason == words


def test_control_a_negated_reaction_and_a_preference_are_no_intolerance() -> None:
    record = _chart(_paroxetine({"text": "Patient preference; no nausea"}))
    paroxetine = next(t for t in record.trials if t.ingredient == "paroxetine")
    assert paroxetine.intolerance is None
