"""Review 12 findings 6 and 7: SSRI/SNRI bleeding pairs, fluvoxamine with
theophylline, and SIADH coded beside a drafted SSRI."""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping.gaps import describe
from fhir_mapping.record import Role
from services.recommendation import Indicator
from tests.fixtures import builders as fb
from tests.services.test_optimise_beside_interacting_drugs import (
    _chart,
    _optimise,
    _section,
    _taking,
)
from tests.services.test_order_safety import (
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

ORDER = "order-drug-interaction"
CHART = "drug-interaction"
SODIUM = "order-low-sodium"

# Display only, as the reviewer's charts send them, and with the RxNorm ingredient code.
WARFARIN_TEXT = (None, "warfarin sodium 5 MG Oral Tablet")
WARFARIN_CODED = ("11289", "warfarin")
APIXABAN_5 = (None, "apixaban 5 MG Oral Tablet")
CLOPIDOGREL_CODED = ("32968", "clopidogrel")
IBUPROFEN_400 = ("206905", "Ibuprofen 400 MG Oral Tablet [Ibu]")
ASPIRIN_81 = ("243670", "aspirin 81 MG Oral Tablet")
THEOPHYLLINE_300 = (None, "theophylline 300 MG Extended Release Oral Tablet")
FLUVOXAMINE_100 = (None, "fluvoxamine maleate 100 MG Oral Tablet")


@pytest.mark.parametrize("warfarin", [WARFARIN_TEXT, WARFARIN_CODED])
@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_sertraline_drafted_beside_warfarin_is_a_bleeding_warning(
    warfarin: tuple[str | None, str], hook: str
) -> None:
    record = chart(
        *depressed(),
        taking(warfarin, date(2022, 1, 3), rid="mr-w"),
        drafts=(drafted(SERTRALINE_100),),
    )
    card = at_order(record, hook)[ORDER]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith("Sertraline ordered with warfarin running: bleeding risk")
    assert "check the INR" in card.detail
    assert "running since 2022-01-03" in card.detail
    assert "abnormal bleeding" in card.detail


def test_warfarin_drafted_beside_running_sertraline_is_warned() -> None:
    record = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-s"),
        drafts=(drafted(WARFARIN_TEXT),),
    )
    assert [d.role for d in record.draft_orders] == [Role.INTERACTING]
    card = at_order(record, "order-sign")[ORDER]
    assert card.summary.startswith("Warfarin ordered with sertraline running: bleeding risk")


def test_an_ssri_with_apixaban_clopidogrel_and_ibuprofen_running_is_one_chart_card() -> None:
    record = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-s"),
        taking(APIXABAN_5, date(2024, 1, 1), per_day=2, rid="mr-a"),
        taking(CLOPIDOGREL_CODED, date(2024, 1, 1), rid="mr-c"),
        taking(IBUPROFEN_400, date(2025, 5, 1), per_day=3, rid="mr-i"),
    )
    card = on_chart(record)[CHART]
    assert card.indicator is Indicator.WARNING
    assert card.summary.endswith("; also clopidogrel + sertraline, ibuprofen + sertraline")
    for name in ("Apixaban with sertraline", "Clopidogrel with sertraline", "Ibuprofen with"):
        assert name in card.detail
    # A DOAC is not told to check an INR.
    assert "check the INR" not in card.detail
    assert "Only the interactions in this service's short interaction table" in card.detail


def test_aspirin_beside_an_ssri_is_info_at_the_order_and_no_chart_card() -> None:
    running = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-s"),
        taking(ASPIRIN_81, date(2020, 1, 6), rid="mr-asa"),
    )
    assert CHART not in on_chart(running)
    ordered = chart(
        *depressed(),
        taking(ASPIRIN_81, date(2020, 1, 6), rid="mr-asa"),
        drafts=(drafted(SERTRALINE_100),),
    )
    assert at_order(ordered, "order-select")[ORDER].indicator is Indicator.INFO


def test_warfarin_without_a_serotonergic_antidepressant_gives_no_card() -> None:
    mirtazapine = (None, "mirtazapine 15 MG Oral Tablet")
    record = chart(
        *depressed(),
        taking(WARFARIN_TEXT, date(2022, 1, 3), rid="mr-w"),
        drafts=(drafted(mirtazapine),),
    )
    assert ORDER not in at_order(record, "order-select")
    assert all(t.ingredient != "warfarin" for t in record.trials)


def test_fluvoxamine_with_theophylline_running_is_critical_on_the_chart() -> None:
    record = chart(
        *depressed(),
        taking(FLUVOXAMINE_100, date(2025, 3, 3), rid="mr-f"),
        taking(THEOPHYLLINE_300, date(2020, 1, 1), per_day=2, rid="mr-t"),
    )
    card = on_chart(record)[CHART]
    assert card.indicator is Indicator.CRITICAL
    assert "one third of the usual maintenance dose" in card.detail
    assert "theophylline 600 mg/day" in card.detail


# --- SIADH at the order hooks (review 12 finding 7) -----------------------------------------------


def _siadh() -> fb.Resource:
    return fb.condition(
        "http://hl7.org/fhir/sid/icd-10-cm",
        "E22.2",
        "Syndrome of inappropriate secretion of antidiuretic hormone",
        date(2024, 6, 1),
        category="problem-list-item",
        patient=P,
        id="c-siadh",
    )


def test_siadh_coded_with_sodium_131_and_sertraline_drafted_is_a_warning() -> None:
    record = chart(
        *depressed(),
        _siadh(),
        fb.lab("2951-2", 131, "mmol/L", date(2025, 5, 25), patient=P),
        drafts=(drafted(SERTRALINE_100),),
    )
    card = at_order(record, "order-select")[SODIUM]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith("Sertraline ordered with SIADH on record")
    assert "131 mmol/L" in card.summary
    assert "E22.2" in card.detail


def test_no_siadh_and_sodium_131_gives_no_sodium_card() -> None:
    record = chart(
        *depressed(),
        fb.lab("2951-2", 131, "mmol/L", date(2025, 5, 25), patient=P),
        drafts=(drafted(SERTRALINE_100),),
    )
    assert SODIUM not in at_order(record, "order-select")


# --- the optimise card's switch list beside several blood thinners (review 12 b2) ----------------


def test_the_switch_list_names_the_bleeding_caution_once_for_every_blood_thinner() -> None:
    card = _optimise(
        _chart(
            _taking(APIXABAN_5, date(2024, 1, 1), per_day=2, rid="mr-a"),
            _taking(CLOPIDOGREL_CODED, date(2024, 1, 1), rid="mr-c"),
            _taking(IBUPROFEN_400, date(2025, 5, 1), per_day=3, rid="mr-i"),
            failed="ssri",
        )
    )
    switch = _section(card, "Switch")
    # Before: one "listed with a caution: bleeding risk ..." clause per drug, three times.
    assert switch.count("with a caution: bleeding risk") == 1
    assert (
        "with a caution: bleeding risk with apixaban (running since 2024-01-01), clopidogrel "
        "(running since 2024-01-01) and ibuprofen (running since 2025-05-01) (SSRI/SNRI labels 5 "
        "(abnormal bleeding)): watch for bleeding; consider gastroprotection."
    ) in switch


def test_an_undated_ibuprofen_beside_an_ssri_says_the_classes_it_is_read_with() -> None:
    ibuprofen = fb.medication_statement(
        None, "ibuprofen 200 MG Oral Tablet", date(2025, 5, 1), patient=P, id="ms-ibu"
    )
    for name in ("effectivePeriod", "effectiveDateTime", "dateAsserted"):
        ibuprofen.pop(name, None)
    record = chart(*depressed(), taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-s"), ibuprofen)
    (line,) = describe(record.gaps)
    # Before: all thirteen SSRIs and SNRIs named one by one.
    assert line.endswith(
        "(ibuprofen, taken now; read for its interaction with lithium or vilazodone or "
        "vortioxetine or an SNRI or an SSRI)"
    )
