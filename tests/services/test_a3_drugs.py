"""Liothyronine (T3) with a cardiac history coded before it, levothyroxine
beside T3, Nuedexta (dextromethorphan/quinidine) beside antidepressants, and St John's wort before
an MAOI.

Charts: Epic-shaped resources from tests/fixtures/builders.py (ICD-10-CM problem-list Conditions,
RxNorm or text-only MedicationRequests, a patient-reported OTC MedicationStatement) through the
order-safety helpers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from fhir_mapping.record import Role
from services.recommendation import Indicator
from tests.fixtures import builders as fb
from tests.services.test_order_safety import (
    PAROXETINE_20,
    PHENELZINE_15,
    SERTRALINE_100,
    P,
    at_order,
    chart,
    depressed,
    drafted,
    on_chart,
    taking,
)

pytestmark = pytest.mark.real_drug_table

CAUTION = "order-drug-caution"  # a caution, not a label contraindication
INTERACTION = "order-drug-interaction"
MAOI = "order-maoi-interaction"
OPTIMISE = "optimize-switch-augment"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
# Text-only, as Epic sends a product it has no RxNorm code for on the order.
LIOTHYRONINE_25 = (None, "liothyronine sodium 25 MCG Oral Tablet")
LIOTHYRONINE_5 = (None, "liothyronine sodium 5 MCG Oral Tablet")
LEVOTHYROXINE_100 = ("10582", "levothyroxine sodium 100 MCG Oral Tablet")
NUEDEXTA = (None, "dextromethorphan hydrobromide 20 MG / quinidine sulfate 10 MG Oral Capsule")
NUEDEXTA_BRAND = (None, "Nuedexta 20 mg-10 mg capsule")
AMITRIPTYLINE_25 = ("856845", "amitriptyline hydrochloride 25 MG Oral Tablet")


def _af(onset: date = date(2019, 3, 1)) -> dict[str, object]:
    return fb.condition(
        ICD10, "I48.91", "Unspecified atrial fibrillation", onset, patient=P, id="cond-af"
    )


def _cad(onset: date = date(2018, 5, 1)) -> dict[str, object]:
    return fb.condition(
        ICD10,
        "I25.10",
        "Atherosclerotic heart disease of native coronary artery without angina pectoris",
        onset,
        category="problem-list-item",
        patient=P,
        id="cond-cad",
    )


def _hypothyroid() -> dict[str, object]:
    return fb.condition(
        ICD10, "E03.9", "Hypothyroidism, unspecified", date(2015, 2, 1), patient=P, id="cond-hypo"
    )


def _sertraline_failed() -> list[dict[str, object]]:
    """Sertraline 200 mg since 2024-09 with no response, PHQ-9 17 on 2025-05-20: the optimise
    card's augment section names the second-line adjuncts."""
    return [
        taking(SERTRALINE_100, date(2024, 9, 2), tablets=2, rid="mr-s"),
        fb.phq9(date(2024, 9, 2), 19, item9=0, patient=P),
        fb.phq9(date(2025, 1, 6), 18, item9=0, patient=P),
    ]


# --- 1: T3 with atrial fibrillation or coronary disease coded before it ----------------------------


@pytest.mark.parametrize("condition", [_af, _cad], ids=["af", "cad"])
def test_liothyronine_drafted_with_a_cardiac_history_is_a_warning_naming_it(
    condition: Callable[[], dict[str, object]],
) -> None:
    record = chart(
        *depressed(),
        condition(),
        taking(SERTRALINE_100, date(2024, 9, 2), rid="mr-s"),
        drafts=(drafted(LIOTHYRONINE_25),),
    )
    # Before: no card at all (only an arrhythmia coded after T3 started was read, on the chart).
    card = at_order(record)[CAUTION]
    assert card.indicator is Indicator.WARNING
    code = "I48.91" if condition is _af else "I25.10"
    assert code in card.detail
    assert "Cytomel label 5.1" in card.detail
    assert "lower" in card.detail  # start low
    assert ("atrial fibrillation" if condition is _af else "coronary") in card.summary.lower()


def test_liothyronine_drafted_without_a_cardiac_history_has_no_caution() -> None:
    record = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2024, 9, 2), rid="mr-s"),
        drafts=(drafted(LIOTHYRONINE_25),),
    )
    assert CAUTION not in at_order(record)


def test_running_t3_below_range_with_af_coded_before_it_is_not_raised_in_one_click() -> None:
    # Liothyronine 5 µg since 2025-02 (below its 25-50 µg range), AF coded in 2019: the
    # adverse-effect card does not read an arrhythmia from before T3 as its effect, so before
    # the fix the optimise card offered "Raise liothyronine ..." as one click.
    record = chart(
        *depressed(),
        *_sertraline_failed(),
        _af(),
        taking(LIOTHYRONINE_5, date(2025, 2, 3), rid="mr-t3"),
    )
    card = on_chart(record)[OPTIMISE]
    labels = [s.label for s in card.suggestions]
    assert not any("liothyronine" in label.lower() for label in labels), labels
    assert "I48.91" in card.detail and "Cytomel label 5.1" in card.detail


def test_t3_named_as_a_second_line_adjunct_carries_the_cardiac_caution() -> None:
    record = chart(*depressed(), *_sertraline_failed(), _cad())
    card = on_chart(record)[OPTIMISE]
    assert "liothyronine" in card.detail
    # Before: "liothyronine (25-50 µg/day ...)" with no word of the coronary disease.
    assert "I25.10" in card.detail and "Cytomel label 5.1" in card.detail


# --- 2: levothyroxine ----------------------------------------------------------------------------


def test_levothyroxine_is_recognised_and_never_an_antidepressant_trial() -> None:
    record = chart(
        *depressed(), _hypothyroid(), taking(LEVOTHYROXINE_100, date(2016, 1, 4), rid="mr-levo")
    )
    levo = [t for t in record.trials if t.ingredient == "levothyroxine"]
    # Before: not in the drug table, so not read at all.
    assert levo and all(t.role is Role.INTERACTING for t in levo)
    assert not any(
        t.role in (Role.ANTIDEPRESSANT, Role.AUGMENTATION) and t.ingredient == "levothyroxine"
        for t in record.trials
    )


def test_liothyronine_drafted_beside_levothyroxine_says_tsh_and_endocrine_input() -> None:
    record = chart(
        *depressed(),
        _hypothyroid(),
        taking(LEVOTHYROXINE_100, date(2016, 1, 4), rid="mr-levo"),
        taking(SERTRALINE_100, date(2024, 9, 2), rid="mr-s"),
        drafts=(drafted(LIOTHYRONINE_25),),
    )
    card = at_order(record)[CAUTION]
    assert "levothyroxine" in card.detail
    assert "TSH" in card.detail and "endocrin" in card.detail


def test_t3_named_beside_levothyroxine_on_the_optimise_card_says_tsh() -> None:
    record = chart(
        *depressed(),
        *_sertraline_failed(),
        _hypothyroid(),
        taking(LEVOTHYROXINE_100, date(2016, 1, 4), rid="mr-levo"),
    )
    card = on_chart(record)[OPTIMISE]
    assert "levothyroxine" in card.detail and "endocrin" in card.detail


# --- 3: Nuedexta ---------------------------------------------------------------------------------


@pytest.mark.parametrize("product", [NUEDEXTA, NUEDEXTA_BRAND], ids=["scd-text", "brand"])
def test_nuedexta_drafted_on_a_running_maoi_is_critical(product: tuple[str | None, str]) -> None:
    record = chart(
        *depressed(),
        taking(PHENELZINE_15, date(2025, 1, 6), per_day=3, rid="mr-phenelzine"),
        drafts=(drafted(product),),
    )
    # Before: not recognised (no card).
    card = at_order(record)[MAOI]
    assert card.indicator is Indicator.CRITICAL


@pytest.mark.parametrize(
    "running", [PAROXETINE_20, AMITRIPTYLINE_25, SERTRALINE_100], ids=["parox", "tca", "ssri"]
)
def test_nuedexta_drafted_beside_a_serotonergic_antidepressant_is_a_warning(
    running: tuple[str | None, str],
) -> None:
    record = chart(
        *depressed(), taking(running, date(2025, 1, 6), rid="mr-ad"), drafts=(drafted(NUEDEXTA),)
    )
    card = at_order(record)[INTERACTION]
    assert card.indicator is Indicator.WARNING
    assert "Nuedexta label" in card.detail
    assert "serotonin" in card.detail


# --- 4: St John's wort before an MAOI ------------------------------------------------------------


def test_an_maoi_drafted_while_st_johns_wort_is_taken_waits_for_a_washout() -> None:
    statement = fb.medication_statement(
        None, "St. John's Wort 300 mg capsule (OTC)", date(2025, 3, 1), patient=P, id="ms-otc"
    )
    record = chart(*depressed(), statement, drafts=(drafted(PHENELZINE_15, per_day=3),))
    # Before: no card (St John's wort had no washout row).
    card = at_order(record)[MAOI]
    assert "st john's wort" in card.summary.lower()
    assert "14" in card.summary
