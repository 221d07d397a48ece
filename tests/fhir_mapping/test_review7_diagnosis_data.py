"""Review 7 findings 2, 3, 8 and 9 at the mapping: which finding kinds a Condition supports.

Conditions are built as US EHRs send them (tests/fixtures/builders.py: ICD-10-CM or SNOMED CT
problem-list items, codes without display, text-only health concerns) and validated as R4B.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.context import condition_findings
from fhir_mapping.diagnosis_text import says_in_remission, text_kinds
from fhir_mapping.record import FindingKind
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-r7-dx"

K = FindingKind


def _kinds(resource: dict[str, Any]) -> set[FindingKind]:
    get_fhir_model_class("Condition").model_validate(resource)
    return {f.kind for f in condition_findings(resource, as_of=AS_OF)}


def _code_only(system: str, code: str, status: str = "active") -> dict[str, Any]:
    """A coding with no display and no text (vendor README trap 2: real)."""
    resource = fb.condition(system, code, "x", date(2019, 1, 1), status, patient=P, id="c1")
    resource["code"] = {"coding": [{"system": system, "code": code}]}
    return resource


def _text_only(text: str, status: str = "active") -> dict[str, Any]:
    resource = fb.condition(fb.SNOMED, "1", "x", date(2019, 1, 1), status, patient=P, id="c1")
    resource["code"] = {"text": text}
    return resource


# --- finding 2: bipolar spectrum ----------------------------------------------------------------


def test_cyclothymic_disorder_coded_f34_0_without_display_is_bipolar_spectrum() -> None:
    # Before: no row for F34.0 (its sibling F34.1 is dysthymia), so no finding at all.
    assert K.BIPOLAR in _kinds(_code_only(fb.ICD10CM, "F34.0"))
    assert K.BIPOLAR in _kinds(_code_only(fb.ICD10CM, "F34.0", status="inactive"))  # lifelong
    assert K.BIPOLAR not in _kinds(_code_only(fb.ICD10CM, "F34.1"))  # dysthymia is not


@pytest.mark.parametrize(
    "text",
    [
        "Hx of hypomanic episodes on SSRI (2019)",
        "Hypomanic episode",
        "Antidepressant-induced (hypo)mania",
        "Antidepressant-induced hypomania 2018",
        "Manic episode 2012",
        "Manic symptoms on venlafaxine",
        "Mania",
    ],
)
def test_hypomanic_and_manic_wording_reads_as_bipolar(text: str) -> None:
    assert K.BIPOLAR in text_kinds(text)
    # An inactive "Hx of" problem still counts: bipolar history is lifelong.
    assert K.BIPOLAR in _kinds(_text_only(text, status="inactive"))


@pytest.mark.parametrize(
    "text",
    [
        "No history of mania",
        "No history of mania or hypomania",
        "Denies hypomanic episodes",
        "Screened negative for manic symptoms",
        "Family history of mania",
    ],
)
def test_negated_or_family_mania_is_not_the_patients(text: str) -> None:
    assert K.BIPOLAR not in text_kinds(text)
    assert K.BIPOLAR not in _kinds(_text_only(text))


# --- finding 3: liver disease -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("system", "code"),
    [
        (fb.ICD10CM, "K70.30"),  # alcoholic cirrhosis without ascites
        (fb.ICD10CM, "K70.31"),
        (fb.ICD10CM, "K74.60"),
        (fb.ICD10CM, "K74.69"),
        (fb.ICD10CM, "K72.10"),
        (fb.ICD10CM, "K73.9"),
        (fb.SNOMED, "19943007"),  # cirrhosis of liver
        (fb.SNOMED, "328383001"),  # chronic liver disease
    ],
)
def test_chronic_liver_disease_and_cirrhosis_codes(system: str, code: str) -> None:
    assert K.LIVER_DISEASE in _kinds(_code_only(system, code))


def test_cirrhosis_still_counts_when_the_problem_is_marked_inactive() -> None:
    assert K.LIVER_DISEASE in _kinds(_code_only(fb.ICD10CM, "K70.30", status="inactive"))
    assert K.LIVER_DISEASE not in _kinds(_code_only(fb.ICD10CM, "K76.0"))  # fatty liver: not listed


# --- finding 8: substance use in remission --------------------------------------------------------


@pytest.mark.parametrize("code", ["F10.21", "F10.11", "F10.91", "F11.21", "F12.91"])
def test_remission_codes_are_not_active_substance_use(code: str) -> None:
    kinds = _kinds(_code_only(fb.ICD10CM, code))
    assert K.SUBSTANCE_USE not in kinds  # before: F10.21 read as active use via the F10 family
    assert K.SUBSTANCE_USE_IN_REMISSION in kinds


@pytest.mark.parametrize("code", ["F10.20", "F10.10", "F11.20", "F14.10"])
def test_active_codes_stay_active(code: str) -> None:
    kinds = _kinds(_code_only(fb.ICD10CM, code))
    assert K.SUBSTANCE_USE in kinds
    assert K.SUBSTANCE_USE_IN_REMISSION not in kinds


def test_a_family_code_with_remission_text_is_in_remission() -> None:
    # Epic-style: "Alcohol dependence, uncomplicated" picked, the clinician's text says remission.
    aud = fb.condition(
        fb.ICD10CM,
        "F10.20",
        "Alcohol dependence, uncomplicated",
        date(2019, 1, 1),
        category="problem-list-item",
        text="Alcohol use disorder, severe, in sustained remission",
        patient=P,
        id="c1",
    )
    kinds = _kinds(aud)
    assert K.SUBSTANCE_USE not in kinds
    assert K.SUBSTANCE_USE_IN_REMISSION in kinds


def test_not_in_remission_text_stays_active() -> None:
    aud = fb.condition(
        fb.ICD10CM,
        "F10.20",
        "Alcohol dependence, uncomplicated",
        date(2019, 1, 1),
        text="Alcohol use disorder, not in remission",
        patient=P,
        id="c1",
    )
    assert K.SUBSTANCE_USE in _kinds(aud)
    assert not says_in_remission("alcohol use disorder, not in remission")
    assert says_in_remission("AUD, moderate, in early remission")


def test_remission_clinical_status_on_an_active_code_is_in_remission() -> None:
    kinds = _kinds(_code_only(fb.ICD10CM, "F10.20", status="remission"))
    assert kinds == {K.SUBSTANCE_USE_IN_REMISSION}


def test_remission_text_alone_names_no_diagnosis() -> None:
    # "in remission" is a qualifier of a coded substance use disorder, never a diagnosis itself.
    # Its depression word is only DEPRESSION_WORDS (review s23 RO finding 4): named by the cards
    # as an entry in words, never a diagnosis.
    assert text_kinds("Depression in remission") == (K.DEPRESSION_WORDS,)
    # The disorder it qualifies is read (context.py then makes it the remission finding:
    # tests/services/test_substance_use_text.py); "in remission" adds no kind of its own.
    assert text_kinds("Alcohol use disorder in sustained remission") == (K.SUBSTANCE_USE,)


# --- finding 9: primary psychotic disorders ---------------------------------------------------


@pytest.mark.parametrize(
    ("system", "code"),
    [
        (fb.ICD10CM, "F25.1"),  # schizoaffective disorder, depressive type
        (fb.ICD10CM, "F20.9"),
        (fb.ICD10CM, "F22"),
        (fb.SNOMED, "68890003"),  # schizoaffective disorder
        (fb.SNOMED, "58214004"),  # schizophrenia
    ],
)
def test_primary_psychotic_disorders_are_told_apart(system: str, code: str) -> None:
    kinds = _kinds(_code_only(system, code))
    assert {K.PSYCHOTIC, K.PSYCHOTIC_DISORDER} <= kinds  # still excluded wherever psychosis is


@pytest.mark.parametrize(
    ("system", "code"),
    [
        (fb.ICD10CM, "F32.3"),
        (fb.ICD10CM, "F33.3"),
        (fb.SNOMED, "73867007"),  # severe major depression with psychotic features
    ],
)
def test_psychotic_features_of_depression_are_not_a_psychotic_disorder(
    system: str, code: str
) -> None:
    kinds = _kinds(_code_only(system, code))
    assert K.PSYCHOTIC in kinds
    assert K.PSYCHOTIC_DISORDER not in kinds


def test_schizoaffective_in_text_is_a_psychotic_disorder_psychotic_depression_is_not() -> None:
    assert set(text_kinds("Schizoaffective d/o")) == {K.PSYCHOTIC, K.PSYCHOTIC_DISORDER}
    # The MDD words are read as depression recorded but not coded (review 16 W3), never as a
    # psychotic disorder.
    assert text_kinds("MDD with psychotic features") == (K.PSYCHOTIC, K.DEPRESSION_TEXT)
