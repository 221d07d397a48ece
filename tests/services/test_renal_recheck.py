"""Review 11 recheck, renal findings 2, 7, 8 and 9 (services/order_checks/renal.py,
services/renal_doses.py, fhir_mapping/lab_text.py):

- 2: several drugs drafted together make one renal card whose summary names each drug with what
  its label says, the most severe first (lithium at eGFR 25 was hidden in a card titled for
  duloxetine);
- 7: the mild bands (eGFR 60-89) make no order card: most adults over 50 are there;
- 8: an eGFR sent as valueString ">60", "> 60 mL/min/1.73m2" or "<15" (Epic-style) is read as the
  bound valueQuantity.comparator would carry, never a data gap; one in mL/s/1.73 m2 is compared
  converted (x 60);
- 9: no eGFR but a creatinine at 65 or more: the summary names the creatinine, its date and
  "estimate CrCl".

Charts as in test_renal_doses.py (US Core shaped, validated against fhir.resources R4B)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.record import DataDomain
from services.recommendation import Indicator
from services.renal_doses import CRCL_NOTE
from tests.fixtures import builders as fb
from tests.services.test_renal_doses import (
    DESVENLAFAXINE_50,
    DISPLAY,
    DULOXETINE_60,
    EGFR_DAY,
    LITHIUM_300,
    RENAL,
    VENLAFAXINE_150,
    P,
    at_order,
    chart,
    drafted,
    egfr,
)

pytestmark = pytest.mark.real_drug_table

Resource = dict[str, Any]
BUPROPION_XL_150 = ("993541", "24 HR bupropion hydrochloride 150 MG Extended Release Oral Tablet")
MIRTAZAPINE_15 = ("311725", "mirtazapine 15 MG Oral Tablet")


def egfr_text(text: str) -> Resource:
    """An eGFR as Epic-style labs send one beyond their reporting cut: valueString ">60"."""
    resource = egfr(60)
    del resource["valueQuantity"]
    resource["valueString"] = text
    get_fhir_model_class("Observation").model_validate(resource)
    return resource


def egfr_si(value: float) -> Resource:
    """An eGFR in SI units (mL/s/1.73 m2), as some labs outside the US report it."""
    return fb.lab(
        "62238-1", value, "mL/s/{1.73_m2}", EGFR_DAY, patient=P, display=DISPLAY["62238-1"]
    )


# --- finding 2: several drafts, one card naming each -------------------------------------------


def test_duloxetine_and_lithium_at_egfr_25_both_named_in_the_summary() -> None:
    drafts = (
        drafted(DULOXETINE_60, rid="draft-1"),
        drafted(LITHIUM_300, per_day=2, rid="draft-2"),
    )
    card = at_order(chart(egfr(25), drafts=drafts))[RENAL]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Duloxetine and lithium with eGFR 25 on 2025-05-20: duloxetine 60 mg/day avoid; "
        "lithium 600 mg/day not recommended (labels)"
    )
    assert "**Lithium 600 mg/day:**" in card.detail and "lithium label" in card.detail
    assert "**Duloxetine 60 mg/day:**" in card.detail
    assert card.detail.count(CRCL_NOTE) == 1


def test_the_warning_drug_leads_a_card_whose_first_draft_only_informs() -> None:
    """Mirtazapine (a caution, information) drafted first and desvenlafaxine 100 mg/day (four
    times the labelled 25 mg/day) second: the summary leads with desvenlafaxine."""
    drafts = (
        drafted(MIRTAZAPINE_15, rid="draft-1"),
        drafted(DESVENLAFAXINE_50, tablets=2, rid="draft-2"),
    )
    card = at_order(chart(egfr(22), drafts=drafts))[RENAL]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith("Desvenlafaxine and mirtazapine with eGFR 22 on 2025-05-20: ")
    assert "desvenlafaxine above the labelled 25 mg/day; mirtazapine" in card.summary
    assert "**Desvenlafaxine 100 mg/day:**" in card.detail and "**Mirtazapine" in card.detail
    assert len(card.summary) <= 140


# --- finding 7: the mild bands make no order card ----------------------------------------------


@pytest.mark.parametrize(
    ("drug", "per_day", "birth"),
    [
        (BUPROPION_XL_150, 1, date(1985, 1, 1)),
        (LITHIUM_300, 2, date(1945, 1, 1)),
        (VENLAFAXINE_150, 1, date(1945, 1, 1)),
    ],
)
def test_an_egfr_of_60_to_89_makes_no_renal_order_card(
    drug: tuple[str, str], per_day: int, birth: date
) -> None:
    for value in (85, 60):
        record = chart(egfr(value), drafts=(drafted(drug, per_day=per_day),), birth=birth)
        assert RENAL not in at_order(record), (drug, value)


def test_an_old_mild_egfr_at_80_is_named_old_against_the_bands_that_card() -> None:
    record = chart(egfr(75, date(2023, 3, 1)), drafts=(drafted(LITHIUM_300, per_day=2),))
    card = at_order(record)[RENAL]
    assert card.indicator is Indicator.INFO
    assert card.summary == (
        "Lithium 600 mg/day at 80: last eGFR 75 on 2023-03-01, old; label: not recommended below "
        "30, caution below 90 mL/min"
    )


def test_the_moderate_band_still_warns_for_lithium() -> None:
    card = at_order(chart(egfr(59), drafts=(drafted(LITHIUM_300, per_day=2),)))[RENAL]
    assert card.indicator is Indicator.WARNING


# --- finding 8: an eGFR sent as text, or in mL/s -----------------------------------------------


@pytest.mark.parametrize("text", [">60", "> 60", "> 60 mL/min/1.73m2", ">=90"])
def test_an_egfr_sent_as_text_above_60_is_read_as_the_bound_and_is_no_gap(text: str) -> None:
    record = chart(egfr_text(text), drafts=(drafted(DULOXETINE_60),))
    (lab,) = [lab for lab in record.context.labs if lab.test == "egfr"]
    assert lab.comparator in (">", ">=") and lab.value in (60, 90)
    assert not record.gaps_in(DataDomain.LABS)
    assert RENAL not in at_order(record)


def test_an_egfr_sent_as_text_below_15_falls_in_the_band_below() -> None:
    record = chart(egfr_text("<15"), drafts=(drafted(DESVENLAFAXINE_50),))
    card = at_order(record)[RENAL]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith(
        "Desvenlafaxine 50 mg/day with eGFR < 15 on 2025-05-20: above the labelled 25 mg/day"
    )


@pytest.mark.parametrize("text", [">60 (see note)", "60-90", "> 1 mL/s", "pending"])
def test_other_egfr_text_stays_unread_and_is_named(text: str) -> None:
    """Only the bound itself is read: words, a range or another unit stay a gap, and at 80 the
    order says the eGFR was not compared (never silent)."""
    record = chart(egfr_text(text), drafts=(drafted(DULOXETINE_60),))
    assert record.gaps_in(DataDomain.LABS)
    card = at_order(record)[RENAL]
    assert card.indicator is Indicator.INFO and "not compared" in card.summary


def test_an_egfr_in_ml_per_s_is_converted_and_compared() -> None:
    """0.40 mL/s/1.73 m2 = 24 mL/min/1.73 m2: severe impairment, a warning (was information
    saying "not compared")."""
    card = at_order(chart(egfr_si(0.40), drafts=(drafted(DULOXETINE_60),)))[RENAL]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Duloxetine 60 mg/day with eGFR 24 on 2025-05-20: avoid below 30 mL/min (label)"
    )
    assert "sent as 0.4 mL/s/1.73 m2" in card.detail


# --- finding 9: creatinine only ---------------------------------------------------------------


def test_creatinine_without_egfr_at_80_names_the_creatinine_and_asks_for_crcl() -> None:
    creatinine = fb.lab("2160-0", 2.6, "mg/dL", EGFR_DAY, patient=P, display=DISPLAY.get("2160-0"))
    card = at_order(chart(creatinine, drafts=(drafted(DULOXETINE_60),)))[RENAL]
    assert card.indicator is Indicator.INFO
    assert "creatinine 2.6 mg/dL on 2025-05-20: estimate CrCl" in card.summary
    assert len(card.summary) <= 140
