"""The formulation an order names is remembered by the JSON of what is read (issue 14): the
remembered reading is the reading, and what cannot be written as JSON is still read."""

from __future__ import annotations

import math
from typing import Any

from fhir_mapping import formulations

SR = {
    "coding": [
        {
            "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
            "code": "993518",
            "display": "bupropion hydrochloride 150 MG 12HR Extended Release Oral Tablet",
        }
    ],
    "text": "buPROPion SR 150 mg tablet",
}
XL_TEXT = {"text": "Wellbutrin XL 300 mg tablet"}
PLAIN = {"text": "bupropion 100 mg tablet"}


def _order(concept: Any) -> dict[str, Any]:
    return {"resourceType": "MedicationRequest", "medicationCodeableConcept": concept}


def _key(found: formulations.Formulation | None) -> str | None:
    return None if found is None else found.key


def test_the_remembered_reading_is_the_fresh_one() -> None:
    formulations._remembered.clear()
    cases = [(SR, "bupropion-sr"), (XL_TEXT, "bupropion-xl"), (PLAIN, None)]
    fresh = [_key(formulations.formulation_of("bupropion", _order(c), None)) for c, _ in cases]
    assert fresh == [want for _, want in cases]
    again = [_key(formulations.formulation_of("bupropion", _order(c), None)) for c, _ in cases]
    assert again == fresh
    assert len(formulations._remembered) == 3


def test_a_medication_and_a_reference_display_are_part_of_what_is_remembered() -> None:
    formulations._remembered.clear()
    order = {"resourceType": "MedicationRequest", "medicationReference": {"reference": "#m"}}
    plain = formulations.formulation_of("bupropion", order, {"code": PLAIN})
    sr = formulations.formulation_of("bupropion", order, {"code": SR})
    named = {**order, "medicationReference": {"reference": "#m", "display": "bupropion XL"}}
    xl = formulations.formulation_of("bupropion", named, {"code": PLAIN})
    assert (_key(plain), _key(sr), _key(xl)) == (None, "bupropion-sr", "bupropion-xl")


def test_what_orjson_cannot_write_is_read_every_time() -> None:
    formulations._remembered.clear()
    odd = {**SR, "extension": [{"valueInteger": 2**70}], "nan": math.nan}
    assert _key(formulations.formulation_of("bupropion", _order(odd), None)) == "bupropion-sr"
    assert len(formulations._remembered) == 0
