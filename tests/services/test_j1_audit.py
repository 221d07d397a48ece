"""Audit 14 findings at the order:

1. W1 (k03): lithium raised 900 -> 1200 mg/day at 64 with the last level 0.85 mmol/L (above the
   0.5-0.8 target, within the 1.0 upper line) got an information card "within the usual range"
   while telling the prescriber to repeat the level "before raising the dose". A raise of a
   running dose there is a warning; a start, information as before; the same dose, no card.
2. W2 (c02): sertraline at 11 got only the boxed warning, escitalopram at 11 a warning naming
   fluoxetine. NICE NG134 makes sertraline and citalopram the second line after fluoxetine, no
   choice under 12 (data/age_restricted_antidepressants.csv): the minimum-age warning covers
   them, citing NICE NG134, never an FDA label they do not have.
3. k04: the no-eGFR card said the lithium label "limits it below 60 mL/min", while
   data/renal_doses.csv reads the label as caution from 90 and not recommended below 30: the
   card now says the table's bands.

Charts are FHIR R4 as US EHRs send them (tests/services/test_order_safety.py helpers: a US Core
Patient with birthDate, an ICD-10-CM problem-list MDD, PHQ-9 Observations, MedicationRequests
with RxNorm clinical drugs, drafts with status "draft"; LOINC lab Observations in UCUM units from
tests/fixtures/builders.py), validated with fhir.resources R4B and mapped with the real tables.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.codes import observation_codes
from fhir_mapping.record import PatientRecord
from services import drug_rules, order_hooks
from services.order_checks.renal import label_bands
from services.recommendation import Indicator
from tests.fixtures import builders as fb
from tests.services.test_order_safety import (
    FLUOXETINE_20,
    SERTRALINE_100,
    P,
    at_order,
    chart,
    depressed,
    drafted,
    everything,
    on_chart,
    taking,
)

pytestmark = pytest.mark.real_drug_table

Resource = dict[str, Any]
LITHIUM_300 = ("197889", "lithium carbonate 300 MG Oral Capsule")
SERTRALINE_50 = ("312941", "sertraline 50 MG Oral Tablet")
CITALOPRAM_20 = ("200371", "citalopram 20 MG Oral Tablet")
LITHIUM_ORDER = "order-lithium-level"
LITHIUM_CARD = "running-lithium-level"
RENAL = "order-renal-dose"
AGED_64 = date(1960, 6, 3)  # 64 on 2025-06-02 (k03)
AGED_65 = date(1960, 6, 2)  # 65 on 2025-06-02 (k04)
AGED_11 = date(2013, 9, 1)
AGED_12 = date(2013, 1, 1)
DISPLAY = {row.code: row.display for row in observation_codes()}


def _level(value: float) -> Resource:
    flag = "H" if value > 0.8 else None
    return fb.lab(
        "14334-7", value, "mmol/L", date(2025, 5, 20), flag, patient=P, display=DISPLAY["14334-7"]
    )


def _lithium_chart(level: float, per_day_drafted: int, *, running: bool = True) -> PatientRecord:
    """Sertraline 100 mg since December; lithium 900 mg/day added in January as augmentation
    (`running`), a level in May; a draft of lithium 300 mg `per_day_drafted` times a day."""
    lithium = [taking(LITHIUM_300, date(2025, 1, 6), per_day=3, rid="mr-li")] if running else []
    return chart(
        *depressed(),
        taking(SERTRALINE_100, date(2024, 12, 2), rid="mr-ser"),
        *lithium,
        _level(level),
        drafts=(drafted(LITHIUM_300, per_day=per_day_drafted, rid="draft-li"),),
        birth=AGED_64,
    )


# --- 1. W1: a raise of a running lithium dose on a level above the target ------------------------


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_lithium_raised_on_a_level_above_target_within_the_upper_line_is_a_warning(
    hook: str,
) -> None:
    card = at_order(_lithium_chart(0.85, 4), hook)[LITHIUM_ORDER]
    assert card.indicator is Indicator.WARNING  # before: information, "within the usual range"
    assert card.summary == (
        "Lithium raised to 1200 mg/day, last level 0.85 mmol/L on 2025-05-20 above the 0.5-0.8 "
        "mmol/L target: repeat the level before raising"
    )
    assert "within the usual range" not in card.summary
    assert "This order raises the running dose from 900 to 1200 mg/day." in card.detail
    assert "the level rises with the dose" in card.detail
    assert "information, not a warning" not in card.detail


def test_the_chart_open_card_stays_silent_at_085_under_65() -> None:
    # Nothing raises the level on chart open: the stable dose is not a card (recheck 13 n01).
    found = on_chart(_lithium_chart(0.85, 4))  # a monitoring-due info card may speak (lith49)
    assert LITHIUM_CARD not in found or found[LITHIUM_CARD].indicator == "info"


def test_lithium_started_on_a_recent_level_above_target_stays_information() -> None:
    card = at_order(_lithium_chart(0.85, 3, running=False))[LITHIUM_ORDER]
    assert card.indicator is Indicator.INFO
    assert card.summary == (
        "Lithium 900 mg/day ordered: last level 0.85 mmol/L on 2025-05-20, above the "
        "0.5-0.8 mmol/L target, within the usual range"
    )


def test_lithium_renewed_at_the_same_dose_gets_no_level_card() -> None:
    assert LITHIUM_ORDER not in at_order(_lithium_chart(0.85, 3))


# --- 2. W2: sertraline and citalopram under 12 ----------------------------------------------------


@pytest.mark.parametrize(
    ("drug", "name"), [(SERTRALINE_50, "Sertraline"), (CITALOPRAM_20, "Citalopram")]
)
def test_a_second_line_agent_at_11_gets_the_minimum_age_warning_citing_nice(
    drug: tuple[str, str], name: str
) -> None:
    recs = at_order(chart(*depressed(), drafts=(drafted(drug),), birth=AGED_11))
    rec = recs[order_hooks.CAUTION]
    assert rec.indicator is Indicator.WARNING  # before: the boxed warning alone, information
    # The under-25 boxed warning rides on this card, and its summary names it (audit 14 y03).
    assert rec.summary == (
        f"{name}: not a choice for depression under 12 (age 11; NICE NG134); FDA-approved at "
        "11: fluoxetine (8+); boxed warning (under 25)"
    )
    assert (
        "- not a choice for depression under 12: second line from 12, after fluoxetine (age 11; "
        "NICE NG134). FDA-approved for depression at age 11: fluoxetine (8+). Fluoxetine is the "
        "first choice (NICE NG134; FDA)."
    ) in rec.detail
    # Its own source: NICE, never an FDA label it does not have.
    assert rec.source.label == "NICE NG134"
    assert "label 8.4" not in rec.summary + rec.detail
    assert order_hooks.CONTRAINDICATED not in recs
    assert "**Boxed warning (age 11)" in rec.detail  # one card on the screen


def test_sertraline_from_12_gets_no_minimum_age_line() -> None:
    recs = at_order(chart(*depressed(), drafts=(drafted(SERTRALINE_50),), birth=AGED_12))
    assert "not a choice for depression" not in everything(recs)


def test_a_guideline_age_is_never_called_an_fda_approval() -> None:
    # At 14 the FDA-approved agents are fluoxetine and escitalopram; sertraline is NICE's second
    # line from 12, not approved by any label for pediatric depression.
    assert [r.ingredient for r in drug_rules.labelled_at(14)] == ["fluoxetine", "escitalopram"]
    # Under 12 the age list proposes fluoxetine only, never sertraline or citalopram.
    proposed = {r.ingredient for r in drug_rules.rules_for_age(11) if r.rank is not None}
    assert proposed == {"fluoxetine"}


def test_fluoxetine_at_11_gets_no_minimum_age_line() -> None:
    recs = at_order(chart(*depressed(), drafts=(drafted(FLUOXETINE_20),), birth=AGED_11))
    assert "not a choice" not in everything(recs) and "not established" not in everything(recs)


# --- 3. k04: the no-eGFR card says the renal table's bands ---------------------------------------


def test_lithium_at_65_with_no_egfr_names_the_tables_bands_not_60() -> None:
    card = at_order(_k04())[RENAL]
    assert card.indicator is Indicator.INFO
    assert card.summary == (
        "Lithium 1200 mg/day at 65: no eGFR on record; label: not recommended below 30, caution "
        "below 90 mL/min"
    )
    assert (
        "The lithium label (lithium label 2 and 8.6) in renal impairment: below 30 mL/min, not "
        "recommended; 30-89 mL/min, start lower, titrate slowly, check levels often."
    ) in card.detail
    assert "below 60" not in card.summary + card.detail


def _k04() -> PatientRecord:
    return chart(
        *depressed(),
        taking(SERTRALINE_100, date(2024, 12, 2), rid="mr-ser"),
        taking(LITHIUM_300, date(2025, 1, 6), per_day=3, rid="mr-li"),
        _level(0.85),
        drafts=(drafted(LITHIUM_300, per_day=4, rid="draft-li"),),
        birth=AGED_65,
    )


@pytest.mark.parametrize(
    ("drug", "summary"),
    [
        ("duloxetine", "label: avoid below 30 mL/min"),
        (
            "desvenlafaxine",
            "label: at most 25 mg/day below 30, at most 50 mg/day at or below 50 mL/min",
        ),
        ("bupropion", "label: caution below 90 mL/min"),
    ],
)
def test_the_label_words_come_from_the_table_for_every_drug(drug: str, summary: str) -> None:
    assert label_bands(drug)[0] == summary
