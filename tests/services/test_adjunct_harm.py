"""Review 13 U2, U3, W9: an adverse effect of a running augmenting agent is
named on its own card (services/rules/adjunct_harm.py), and the optimise and diagnosis-review
cards stop reading it as "it may be working", "optimise" or a thyroid cause of the depression.

Charts: review 13's a7, a4 and a3 (CDS Hooks patient-view requests with Epic-shaped prefetch:
ICD-10-CM + SNOMED problem-list Conditions, RxNorm MedicationRequests/Dispenses, a TSH
Observation), copied to tests/services/adjunct_harm_charts/; the controls edit them in place.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.record import FindingKind
from services.rules import adjunct_harm
from tests.services import chart_files
from tests.services.helpers import Evaluator
from tests.services.item9_answers import answered

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
TOPIC = "adjunct-harm"
CHARTS = Path(__file__).parent / "adjunct_harm_charts"
T3 = "a7_liothyronine_afib_hyperthyroid"
TD = "a4_tardive_dyskinesia_cariprazine"
AKATHISIA = "a3_akathisia_on_aripiprazole"
ICD = "http://hl7.org/fhir/sid/icd-10-cm"
Doc = dict[str, Any]


_chart = chart_files.loader(CHARTS)
_resources = chart_files.prefetch_resources


def _codes(resource: Doc) -> set[str]:
    return {c.get("code", "") for c in resource.get("code", {}).get("coding", [])}


def _drop(doc: Doc, keep: Callable[[Doc], bool]) -> Doc:
    """`doc` without the prefetch Bundle entries whose resource fails `keep`."""
    out = copy.deepcopy(doc)
    for bundle in out["prefetch"].values():
        if isinstance(bundle, dict) and bundle.get("resourceType") == "Bundle":
            bundle["entry"] = [e for e in bundle.get("entry", []) if keep(e.get("resource", {}))]
            if "total" in bundle:
                bundle["total"] = len(bundle["entry"])
    return out


def _condition(code: str) -> Callable[[Doc], bool]:
    return lambda r: not (r.get("resourceType") == "Condition" and code in _codes(r))


_at = Evaluator(AS_OF, hook="patient-view")
_cards = _at.by_topic


def _orders(card: Doc) -> list[str]:
    return [
        s["label"]
        for s in card.get("suggestions", [])
        if any(
            (a.get("resource") or {}).get("resourceType") == "MedicationRequest"
            for a in s.get("actions", [])
        )
    ]


# --- U2: liothyronine with atrial fibrillation, thyrotoxicosis and a TSH of 0.02 ---------------


def test_t3_with_af_thyrotoxicosis_and_low_tsh_is_a_warning_naming_t3_as_the_cause() -> None:
    card = _cards(_chart(T3))[TOPIC]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Liothyronine 25 µg/day (since 2025-04-01) with thyrotoxicosis, atrial fibrillation "
        "and a suppressed TSH: review, reduce or stop it"
    )
    detail = card["detail"]
    assert "Unspecified atrial fibrillation (I48.91), coded 2025-05-20" in detail
    assert "(E05.90), coded 2025-05-20" in detail
    assert "TSH 0.02 m[IU]/L on 2025-05-20, low" in detail
    assert "Reduce or withhold liothyronine" in detail
    assert "coordinate with the medical team (cardiology for an arrhythmia)" in detail
    assert "(Cytomel label 5.1)" in detail
    assert "At 67 the label asks for lower doses" in detail
    assert card.get("suggestions", []) == []


def test_t3_harm_the_optimise_card_neither_waits_on_it_nor_offers_one_click_drugs() -> None:
    card = _cards(answered(_chart(T3)))["optimize-switch-augment"]
    assert "it may be working" not in card["detail"]
    assert "not measured yet" not in card["summary"]
    assert (
        "Liothyronine (25-50 µg/day; monitor TSH, free T4, heart rate) (UNVERIFIED): running"
        not in card["detail"]
    )
    assert (
        "Liothyronine running with thyrotoxicosis, atrial fibrillation and a suppressed TSH on "
        "record: review, reduce or stop it (adverse-effect card)"
    ) in card["detail"]
    assert _orders(card) == []
    assert card["detail"].startswith(
        "**Not one click while an adjunct's adverse effect is on record**"
    )
    assert "Propose adjunctive aripiprazole" in card["detail"]


def test_t3_low_tsh_is_not_a_reason_to_confirm_the_diagnosis() -> None:
    cards = _cards(_chart(T3))
    review = cards.get("diagnosis-review")
    # The low TSH was its only finding: said on the adverse-effect card, no review card left.
    assert review is None or "Confirm the diagnosis" not in review["summary"]


def test_t3_low_tsh_alone_still_names_t3_and_the_review_says_on_liothyronine() -> None:
    doc = _drop(_drop(_chart(T3), _condition("I48.91")), _condition("E05.90"))
    cards = _cards(doc)
    assert cards[TOPIC]["summary"].startswith(
        "Liothyronine 25 µg/day (since 2025-04-01) with a suppressed TSH"
    )
    assert "Check free T4, heart rate" in cards[TOPIC]["detail"]
    assert "diagnosis-review" not in cards


def test_control_t3_with_nothing_on_record_keeps_the_old_wait_for_a_phq9() -> None:
    doc = _drop(_drop(_chart(T3), _condition("I48.91")), _condition("E05.90"))
    doc = _drop(
        doc,
        lambda r: (
            not (
                r.get("resourceType") == "Observation"
                and "3016-3" in _codes(r)
                and str(r.get("effectiveDateTime", "")).startswith("2025-05-20")
            )
        ),
    )
    cards = _cards(doc)
    assert TOPIC not in cards
    assert "liothyronine not measured yet" in cards["optimize-switch-augment"]["summary"]


def test_control_af_coded_before_t3_started_alone_is_not_its_effect() -> None:
    doc = _drop(_chart(T3), _condition("E05.90"))
    doc = _drop(
        doc,
        lambda r: (
            not (
                r.get("resourceType") == "Observation"
                and "3016-3" in _codes(r)
                and str(r.get("effectiveDateTime", "")).startswith("2025-05-20")
            )
        ),
    )
    for r in _resources(doc):
        if r.get("resourceType") == "Condition" and "I48.91" in _codes(r):
            r["onsetDateTime"] = "2023-02-01T09:30:00-05:00"
            r["recordedDate"] = "2023-02-01T09:30:00-05:00"
    assert TOPIC not in _cards(doc)


# --- U3: tardive dyskinesia on cariprazine ------------------------------------------------------


def test_tardive_dyskinesia_on_cariprazine_is_named_with_no_dose_increase() -> None:
    cards = _cards(answered(_chart(TD)))
    card = cards[TOPIC]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Tardive dyskinesia with cariprazine 1.5 mg/day running (since 2024-12-30): no dose "
        "increase; consider reducing or stopping it"
    )
    assert "Drug induced subacute dyskinesia (G24.01), coded 2025-05-12" in card["detail"]
    assert "no second antipsychotic" in card["detail"]
    assert "non-antipsychotic adjunct or the options beyond medication" in card["detail"]
    optimise = cards["optimize-switch-augment"]
    assert "optimise or replace" not in optimise["detail"]
    assert "Cariprazine running: monitor" not in optimise["detail"]
    assert (
        "An antipsychotic is already running with tardive dyskinesia on record (cariprazine "
        "1.5 mg/day): consider reducing or stopping it; no dose increase and no second "
        "antipsychotic"
    ) in optimise["detail"]
    assert _orders(optimise) == []


def test_control_cariprazine_without_tardive_dyskinesia_keeps_the_optimise_line() -> None:
    cards = _cards(_drop(_chart(TD), _condition("G24.01")))
    assert TOPIC not in cards
    assert "optimise or replace the one running" in cards["optimize-switch-augment"]["detail"]


# --- W9: akathisia on aripiprazole ---------------------------------------------------------------


def test_akathisia_on_aripiprazole_is_named_lower_dose_or_switch() -> None:
    cards = _cards(_chart(AKATHISIA))
    card = cards[TOPIC]
    assert card["summary"] == (
        "Akathisia with aripiprazole 10 mg/day running (since 2025-03-24): no dose increase; "
        "consider a lower dose or a switch"
    )
    assert "Drug induced akathisia (G25.71), coded 2025-05-12" in card["detail"]
    assert "(Abilify label 6.1)" in card["detail"]
    optimise = cards["optimize-switch-augment"]
    assert "optimise or replace" not in optimise["detail"]
    assert "consider a lower dose or a switch" in optimise["detail"]


# --- the data ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("system", "code", "kind"),
    [
        (ICD, "I48.91", FindingKind.ARRHYTHMIA),
        (ICD, "I48.3", FindingKind.ARRHYTHMIA),
        ("http://snomed.info/sct", "49436004", FindingKind.ARRHYTHMIA),
        (ICD, "E05.90", FindingKind.THYROTOXICOSIS),
        (ICD, "G24.01", FindingKind.TARDIVE_DYSKINESIA),
        (ICD, "G25.71", FindingKind.AKATHISIA),
        ("http://snomed.info/sct", "230333002", FindingKind.AKATHISIA),
    ],
)
def test_condition_codes_read_the_adverse_effects(
    system: str, code: str, kind: FindingKind
) -> None:
    assert kind in {row.kind for row in condition_matches(system, code)}


def test_control_other_movement_and_thyroid_codes_are_not_read_as_them() -> None:
    assert not condition_matches(ICD, "G24.02")  # drug-induced acute dystonia
    assert not condition_matches(ICD, "E03.9")[0].kind.value.startswith("thyro")


def test_every_table_row_names_a_known_harm_and_cites_a_source() -> None:
    for row in adjunct_harm.rows():
        # A "-history" row reads its kind coded resolved.
        assert row.harm == "tsh-low" or FindingKind(row.harm.removesuffix("-history"))
        assert row.cite and row.advice and row.cause
