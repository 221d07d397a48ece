"""Recheck 12 findings 3 and 4, READ12 11: which liver codes are read as hepatic
impairment for the labels' dose limits.

- Chronic hepatitis B or NASH is liver disease (duloxetine and nefazodone keep their cards) but
  not hepatic impairment: no running card, and at the order one information card that says the
  limit applies if there is impairment (before: "Check that 50 mg/day is the reduced dose" and a
  running warning on every chart open).
- A cirrhosis followed by a liver transplant (Z94.4), or recorded resolved, is not read as current
  impairment; the card names the transplant (before: a warning "above the labelled 10 mg/day").
- An active cirrhosis still reads as before (the warning).
Charts: tests/services/test_hepatic_doses.py's US Core shaped chart (fhir.resources R4B).
"""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping.record import FindingKind
from services import hepatic_doses
from services.recommendation import Indicator
from tests.fixtures import builders as fb
from tests.services.test_hepatic_doses import (
    CAUTION,
    CIRRHOSIS,
    CONTRAINDICATED,
    DULOXETINE_60,
    ESCITALOPRAM_10,
    HEPATIC,
    ONSET,
    RUNNING,
    SERTRALINE_100,
    VENLAFAXINE_150,
    P,
    at_order,
    chart,
    drafted,
    liver,
    running,
    screen,
)

pytestmark = pytest.mark.real_drug_table

HBV = (fb.ICD10CM, "B18.1", "Chronic viral hepatitis B without delta-agent")
NASH = (fb.ICD10CM, "K75.81", "Nonalcoholic steatohepatitis (NASH)")
TRANSPLANT = fb.condition(
    fb.ICD10CM,
    "Z94.4",
    "Liver transplant status",
    date(2024, 3, 1),
    category="problem-list-item",
    patient=P,
    id="cond-ltx",
)


def resolved_cirrhosis() -> dict[str, object]:
    return fb.condition(
        *CIRRHOSIS,
        ONSET,
        category="problem-list-item",
        patient=P,
        id="cond-liver",
        clinical_status="resolved",
    )


@pytest.mark.parametrize("code", [HBV, NASH])
def test_chronic_hepatitis_b_or_nash_makes_no_running_hepatic_card(
    code: tuple[str, str, str],
) -> None:
    record = chart(liver(*code), running(VENLAFAXINE_150))
    assert record.context.of(FindingKind.LIVER_DISEASE)
    assert hepatic_doses.reading(record) is None
    assert RUNNING not in screen(record)


def test_chronic_hepatitis_b_gives_an_information_line_at_the_order_not_a_warning() -> None:
    card = at_order(chart(liver(*HBV), drafts=(drafted(SERTRALINE_100),)))[HEPATIC]
    assert card.indicator is Indicator.INFO
    text = f"{card.summary}\n{card.detail}"
    assert "B18.1" in text and "applies in hepatic impairment" in text
    assert "no cirrhosis or hepatic failure coded" in card.detail
    assert "is the reduced dose" not in text


def test_escitalopram_10_with_hepatitis_b_still_gets_no_card() -> None:
    assert HEPATIC not in at_order(chart(liver(*HBV), drafts=(drafted(ESCITALOPRAM_10),)))


def test_duloxetine_with_hepatitis_b_keeps_its_avoid_card() -> None:
    """Cymbalta: avoid in chronic liver disease, which hepatitis B is (the whole set)."""
    cards = at_order(chart(liver(*HBV), drafts=(drafted(DULOXETINE_60),)))
    assert CAUTION in cards and CONTRAINDICATED not in cards
    assert "chronic liver disease" in cards[CAUTION].summary


def test_active_cirrhosis_still_gets_the_running_warning() -> None:
    record = chart(liver(*CIRRHOSIS), running(VENLAFAXINE_150))
    assert hepatic_doses.reading(record) is not None
    assert RUNNING in screen(record)


def test_cirrhosis_before_a_liver_transplant_is_not_current_impairment_and_the_card_names_it() -> (
    None
):
    record = chart(liver(*CIRRHOSIS), TRANSPLANT, drafts=(drafted(ESCITALOPRAM_10, tablets=2),))
    assert hepatic_doses.reading(record) is None
    card = at_order(record)[HEPATIC]
    assert card.indicator is Indicator.INFO
    assert "Liver transplant status (Z94.4, 2024-03-01) is dated after" in card.detail
    assert "Z94.4" in card.summary


def test_cirrhosis_after_the_transplant_is_read_as_impairment() -> None:
    """A cirrhosis dated after the transplant is the graft's: the limit applies (warning)."""
    late = fb.condition(
        *CIRRHOSIS, date(2025, 1, 6), category="problem-list-item", patient=P, id="cond-liver"
    )
    record = chart(late, TRANSPLANT, drafts=(drafted(ESCITALOPRAM_10, tablets=2),))
    assert hepatic_doses.reading(record) is not None
    assert at_order(record)[HEPATIC].indicator is Indicator.WARNING


def test_resolved_cirrhosis_is_said_as_resolved_not_read_as_impairment() -> None:
    record = chart(resolved_cirrhosis(), running(VENLAFAXINE_150))
    assert hepatic_doses.reading(record) is None
    assert RUNNING not in screen(record)
    assert record.context.of(FindingKind.LIVER_DISEASE)  # still liver disease (duloxetine)
    card = at_order(chart(resolved_cirrhosis(), drafts=(drafted(ESCITALOPRAM_10, tablets=2),)))
    assert "recorded as resolved or inactive" in card[HEPATIC].detail


def test_switch_caveat_reads_the_liver_code_before_the_offered_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """READ12 11: most charts have no liver code, so the names are never read there."""
    record = chart()

    def boom(_text: str) -> list[str]:
        raise AssertionError("offered names read without a liver code")

    monkeypatch.setattr(hepatic_doses, "_WORD", type("W", (), {"findall": staticmethod(boom)}))
    assert hepatic_doses.caveat_line(record, ["venlafaxine"]) is None
