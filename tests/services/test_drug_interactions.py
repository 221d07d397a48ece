"""Review 7 finding 5: interactions outside the MAOI table were silent (clozapine + fluvoxamine,
tramadol + bupropion or an SNRI). Now a short, sourced table (services/data/drug_interactions.csv)
is checked at the order hooks (a draft meeting a running drug or another draft) and on the chart
(two running drugs: one card for every pair, at the highest severity).

Charts are US Core FHIR as EHRs send them (the helpers of test_order_safety.py: RxNorm clinical
drugs where the code is in the project's product table, the product name alone otherwise), mapped
by build_record with the real drug table.
"""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources

import pytest

from fhir_mapping import drug_table
from fhir_mapping.record import Role
from services import interaction_table
from services.recommendation import Indicator
from tests.services.test_order_safety import (
    SERTRALINE_100,
    Resource,
    at_order,
    chart,
    depressed,
    drafted,
    everything,
    mdd,
    on_chart,
    phq9,
    taking,
)

pytestmark = pytest.mark.real_drug_table

ORDER = "order-drug-interaction"
CHART = "drug-interaction"
CLOZAPINE_100 = (None, "clozapine 100 MG Oral Tablet")
FLUVOXAMINE_100 = ("903884", "fluvoxamine maleate 100 MG Oral Tablet")
TRAMADOL_50 = ("835603", "tramadol hydrochloride 50 MG Oral Tablet")
BUPROPION_XL_300 = ("993557", "24 HR bupropion hydrochloride 300 MG Extended Release Oral Tablet")
VENLAFAXINE_XR_150 = ("313581", "24 HR venlafaxine 150 MG Extended Release Oral Capsule")
PAROXETINE_20 = ("1738495", "paroxetine hydrochloride 20 MG Oral Tablet")
TAMOXIFEN_20 = (None, "tamoxifen citrate 20 MG Oral Tablet")
TIZANIDINE_4 = (None, "tizanidine 4 MG Oral Tablet")


def on_clozapine() -> list[Resource | list[Resource]]:
    """Clozapine 300 mg at bedtime since 2020, depressed (PHQ-9 17)."""
    return [*depressed(), taking(CLOZAPINE_100, date(2020, 1, 6), tablets=3, rid="mr-clz")]


# --- order hooks ---------------------------------------------------------------------------------


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_fluvoxamine_over_clozapine_is_critical_and_never_fine_for_titration(hook: str) -> None:
    # Before: "Fluvoxamine 100 mg/day is below the minimum adequate dose (150 mg/day); fine for
    # titration" and nothing about clozapine.
    record = chart(*on_clozapine(), drafts=(drafted(FLUVOXAMINE_100),))
    recs = at_order(record, hook)
    card = recs[ORDER]
    assert card.indicator is Indicator.CRITICAL
    assert card.summary.startswith("Fluvoxamine ordered with clozapine running")
    assert "third of the clozapine dose" in card.summary
    # Both drugs with dose and start, the risk, the action and the label it comes from.
    assert "fluvoxamine 100 mg/day on this order" in card.detail
    assert "clozapine 300 mg/day, running since 2020-01-06" in card.detail
    assert "one-third of the clozapine dose" in card.detail and "Clozaril" in card.detail
    assert "are checked here" in card.detail  # the table is short and says so
    # Critical first; no "fine for titration" anywhere beside it.
    assert next(iter(recs)) == ORDER
    assert "fine for titration" not in everything(recs).lower()
    # The below-range line is on this card (review s24 RN finding 8), worded for a critical pair.
    assert "order-dose-below-range" not in recs
    assert "until the critical interaction above is settled" in card.detail
    assert "Plan the titration" not in card.detail


def test_bupropion_over_running_tramadol_warns_of_seizures() -> None:
    # Before: no order card at all (only the TMS card).
    record = chart(
        *depressed(),
        taking(TRAMADOL_50, date(2025, 3, 3), per_day=4, rid="mr-tram"),
        drafts=(drafted(BUPROPION_XL_300),),
    )
    assert [t.role for t in record.trials if t.ingredient == "tramadol"] == [Role.INTERACTING]
    card = at_order(record, "order-sign")[ORDER]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith("Bupropion ordered with tramadol running: seizure risk")
    assert "tramadol 200 mg/day, running since 2025-03-03" in card.detail
    assert "CYP2D6" in card.detail


def test_tizanidine_ordered_while_fluvoxamine_runs_is_contraindicated() -> None:
    # A draft that is not an antidepressant is checked too (role interacting).
    record = chart(
        *depressed(),
        taking(FLUVOXAMINE_100, date(2025, 1, 6), rid="mr-fvx"),
        drafts=(drafted(TIZANIDINE_4, per_day=3),),
    )
    assert [d.role for d in record.draft_orders] == [Role.INTERACTING]
    card = at_order(record)[ORDER]
    assert card.indicator is Indicator.CRITICAL
    assert "contraindicated" in card.summary and "do not combine" in card.summary


def test_two_drafts_on_one_order_are_checked_against_each_other() -> None:
    record = chart(
        *depressed(),
        drafts=(drafted(TAMOXIFEN_20, rid="d-tam"), drafted(PAROXETINE_20, rid="d-par")),
    )
    card = at_order(record)[ORDER]
    assert card.indicator is Indicator.WARNING
    assert "on one order" in card.summary
    assert "venlafaxine, desvenlafaxine, mirtazapine" in card.detail
    assert card.dedupe_key is not None and "d-tam" in card.dedupe_key


def test_an_info_pair_is_said_at_the_order_and_not_on_the_chart() -> None:
    # Sertraline with clozapine: the label asks to monitor, no dose change up front.
    record = chart(
        *on_clozapine(),
        taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-ser"),
        drafts=(drafted(SERTRALINE_100, rid="d-ser"),),
    )
    assert at_order(record)[ORDER].indicator is Indicator.INFO
    assert CHART not in on_chart(record)


def test_a_stopped_partner_or_an_unlisted_pair_gives_no_card() -> None:
    stopped = chart(
        *depressed(),
        taking(TRAMADOL_50, date(2025, 1, 6), per_day=4, stopped=date(2025, 2, 1), rid="mr-t"),
        drafts=(drafted(BUPROPION_XL_300),),
    )
    assert ORDER not in at_order(stopped)
    unlisted = chart(*on_clozapine(), drafts=(drafted(VENLAFAXINE_XR_150),))
    assert ORDER not in at_order(unlisted)


# --- patient-view ------------------------------------------------------------------------------


def test_tramadol_and_venlafaxine_running_give_one_chart_card() -> None:
    # Before: no card mentioned the combination.
    record = chart(
        *depressed(),
        taking(VENLAFAXINE_XR_150, date(2024, 9, 30), rid="mr-ven"),
        taking(TRAMADOL_50, date(2025, 3, 3), per_day=4, rid="mr-tram"),
    )
    card = on_chart(record)[CHART]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith("Tramadol and venlafaxine both running")
    assert "serotonin syndrome" in card.summary
    assert "venlafaxine 150 mg/day, running since 2024-09-30" in card.detail
    assert "Source: tramadol labels 5 and 7." in card.detail  # its cite (H14)


def test_several_pairs_make_one_card_at_the_highest_severity_even_in_remission() -> None:
    record = chart(
        mdd(),
        phq9(date(2025, 5, 20), 3),  # remission: the pathway cards are quiet, this one is not
        taking(CLOZAPINE_100, date(2020, 1, 6), tablets=3, rid="mr-clz"),
        taking(FLUVOXAMINE_100, date(2025, 1, 6), rid="mr-fvx"),
        taking(TRAMADOL_50, date(2025, 3, 3), per_day=4, rid="mr-tram"),
    )
    recs = on_chart(record)
    cards = [r for r in recs.values() if r.topic == CHART]
    assert len(cards) == 1
    (card,) = cards
    assert card.indicator is Indicator.CRITICAL
    # The other pair by name, not "(+1 more)" (review 20 RB finding 7).
    assert "clozapine" in card.summary.lower() and "also tramadol + fluvoxamine" in card.summary
    assert "**Clozapine with fluvoxamine** (critical)" in card.detail
    assert "**Tramadol with fluvoxamine** (warning)" in card.detail


# --- the table -----------------------------------------------------------------------------------


def _rows() -> list[dict[str, str]]:
    text = resources.files("services").joinpath("data/drug_interactions.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_every_row_is_sourced_and_names_drugs_the_table_recognises() -> None:
    classes = {d.drug_class for d in drug_table.all_drugs()}
    rows = _rows()
    assert {r["id"] for r in rows} >= {
        "clozapine-fluvoxamine",
        "tramadol-serotonergic",
        "tramadol-bupropion",
        "tamoxifen-cyp2d6",
        "fluvoxamine-tizanidine",
        "fluvoxamine-ramelteon",
    }
    for row in rows:
        assert row["source"].strip() and row["status"] in {
            "corroborated",
            "confirmed",
            "UNVERIFIED",
        }
        assert row["severity"] in {"critical", "warning", "info"}, row["id"]
        # A row's own drug is a drug, or a class (class:anticoagulant: review 12 finding 6).
        own = row["drug"]
        if own.startswith("class:"):
            assert own.removeprefix("class:") in classes, own
        else:
            assert drug_table.drug_info(own) is not None, own
        for partner in row["partners"].split(";"):
            if partner.startswith("class:"):
                assert partner.removeprefix("class:") in classes, partner
            else:
                assert drug_table.drug_info(partner) is not None, partner
    # Every summary candidate fits the card budget with both names and a "(+n more)".
    for entry in interaction_table.table():
        longest = (
            f"Dextromethorphan-bupropion ordered with {entry.drug} running: {entry.short} (+9 more)"
        )
        assert len(longest) <= 140, entry.id
