"""care66 leftovers (care67): long-acting aripiprazole read by its dose; the TMS card beside a
PHQ-9 whose total and items disagree.

- An injection named only "aripiprazole" with its dose (no product) was read with Abilify
  Maintena's month (data/injection_intervals.csv's any-product row): 720 or 960 mg (Abilify
  Asimtufii, every 2 months) and 1064 mg (Aristada, every 2 months) given 52 days before read as
  a missed dose. A dose only one product has is read as it and said so ("read as Abilify
  Asimtufii by its dose"); a dose no product has (500 mg), or one the named product does not
  have (Abilify Maintena 720 mg), is "dose not matched to a product: confirm"
  (fhir_mapping/injection_products.py, data/injection_dose_products.csv).
- The TMS card beside care65's QR (total 13, items 10; item 9 = 0 and a second failed trial so
  the card shows) names the form to check, never "not measured yet": a control (already so).

LAI charts: lai62's Epic-shaped Maintena MAR chart, the product and dose changed, as of
2025-06-01. QR charts: care65's m_qr_total13_items10 with bupropion XL 300 mg added between
sertraline and citalopram, as of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "care67_charts"
_lai = chart_files.topic_reader(_FOLDER, date(2025, 6, 1))
_qr = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

OPTIMIZE = "optimize-switch-augment"
TMS = "tms-referral"
MISSED = "still acting for weeks after a missed dose"
NOT_MATCHED = "dose not matched to a product: confirm"

FIXED = {
    "l_aripiprazole_720_given_52_days_ago": "fixed",
    "l_aripiprazole_960_given_52_days_ago": "fixed",
    "l_aripiprazole_1064_given_52_days_ago": "fixed",
    "l_aripiprazole_441_given_52_days_ago": "fixed",  # product said; still past its month
    "l_aripiprazole_500_given_52_days_ago": "fixed",
    "l_maintena_720_given_52_days_ago": "fixed",
}
CONTROLS = {
    "c_maintena_400_given_52_days_ago": "control",
    "c_asimtufii_960_given_52_days_ago": "control",
    "c_aripiprazole_9_75_im_given_52_days_ago": "control",  # short-acting: no course (k64fix)
    "t_qr_total13_items10_item9_0": "control",
    "t_qr_total10_items10_control": "control",
}


def _augment(name: str) -> str:
    detail: str = _lai(name)[OPTIMIZE]["detail"]
    return next(p for p in detail.split("\n\n") if p.startswith("**Augment:**"))


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


@pytest.mark.parametrize(
    ("name", "product"),
    [
        ("l_aripiprazole_720_given_52_days_ago", "Abilify Asimtufii"),
        ("l_aripiprazole_960_given_52_days_ago", "Abilify Asimtufii"),
        ("l_aripiprazole_1064_given_52_days_ago", "Aristada"),
    ],
)
def test_two_monthly_dose_read_as_its_product(name: str, product: str) -> None:
    text = _augment(name)
    assert MISSED not in text
    assert "An antipsychotic is already running (aripiprazole" in text
    assert f"(long-acting injection; read as {product} by its dose)" in text


def test_monthly_aristada_dose_said_and_past_its_month() -> None:
    text = _augment("l_aripiprazole_441_given_52_days_ago")
    assert "(long-acting injection; read as Aristada by its dose)" in text
    assert MISSED in text


@pytest.mark.parametrize(
    "name", ["l_aripiprazole_500_given_52_days_ago", "l_maintena_720_given_52_days_ago"]
)
def test_dose_of_no_product_is_to_confirm(name: str) -> None:
    text = _augment(name)
    assert f"(long-acting injection; {NOT_MATCHED})" in text
    assert "read as" not in text


def test_named_products_as_before() -> None:
    maintena = _augment("c_maintena_400_given_52_days_ago")
    assert "Aripiprazole (long-acting injection): last injection 2025-04-10" in maintena
    asimtufii = _augment("c_asimtufii_960_given_52_days_ago")
    assert "(aripiprazole 960 mg per injection (long-acting injection))" in asimtufii
    assert "long-acting injection" not in _augment("c_aripiprazole_9_75_im_given_52_days_ago")


def test_tms_card_names_the_conflicting_form() -> None:
    cards = _qr("t_qr_total13_items10_item9_0")
    detail = cards[TMS]["detail"]
    assert "not measured yet" not in f"{cards[TMS]['summary']}\n{detail}"
    assert "until the PHQ-9 form is checked:** total filed 13, items sum to 10 on 2026-11-15" in (
        detail
    )
    assert "PHQ-9 13 or 10: check the PHQ-9 form first" in cards[TMS]["summary"]


def test_agreeing_form_control() -> None:
    cards = _qr("t_qr_total10_items10_control")
    assert TMS not in cards  # a partial response: an adjunct first, no TMS card (as before)
    assert "check the form" not in cards[OPTIMIZE]["summary"]
