"""Session 43 review K74a findings 1-4 (fix score75): PHQ-9 shapes.

- Finding 1 (UNSAFE): an Epic PHQ-9 response under an opaque canonical, text-only items and a
  "PHQ-9 Total Score" item gave its item 9 only and no "named PHQ-9 ... total not known" line,
  so the cards rested on an older 18 and said "not measured" (q09, q12, q13, g01; control q14,
  named by its canonical). phq9_named_form.py.
- Finding 3: a flowsheet row "PHQ-9 Question 9" = valueInteger 2 was "could not be read" (a
  warning); read as 2, critical (e05; control e06, 4 is off the scale). item9_number.py.
- Findings 2 and 4: a "Z" time beside a chart written at -05:00 fell a day late (t01 vs t02;
  z03 "after today"). chart_zone.py.
- Fix score76: a form named as another instrument (canonical ".../gad-7-local") and worded like
  the PHQ-9 is not the PHQ-9 gap, with no total item (q15) or a "PHQ-9 Total Score" item (q16):
  the form's own name wins over its items' words (test_unrecognised_phq9's gad-7-local form).
- Finding 5 (part): a total "4 - minimal" was "not a number"; read as 4 when the band is the
  number's own (n13; control n14 "4 - severe" stays unread). total_band.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "score75_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_NOT_KNOWN = "a questionnaire named PHQ-9 that this service does not know"

CRITICAL = {
    "e05_flowsheet_item9_textonly_int2": "fixed",
    "z03_item9_2_tomorrow_utc_but_today_local": "control (wording fixed)",
    "q03_epic_text_item9_1_total4": "control",
    "q10_epic_text_item9_short_text_1": "control",
    "q11_epic_text_item9_2_total20": "control",
}

QUIET = {
    "q09_epic_text_item9_0_total4": "fixed",
    "q12_epic_canon_display_ext_item9_0_total4": "fixed",
    "q13_epic_notitle_item9_0_total4": "fixed",
    "q14_epic_canon_named_phq9_item9_0_total4": "control",
    "q15_gad7_canon_worded_no_total_item9_0": "fixed (score76)",
    "q16_gad7_canon_with_phq9_total_item_item9_0": "fixed (score76)",
    "t01_base0731_as_0801Z": "fixed",
    "t02_base0731_as_0731_2330local": "control",
    "n14_str_band_disagrees": "control",
}

OTHER = {
    "g01_epic_text_qrs_only": "fixed",
    "e06_flowsheet_item9_textonly_int4": "control",
    "n13_str_band": "fixed",
}


def _text(cards: dict[str, object]) -> str:
    return " ".join(f"{c['summary']} {c.get('detail', '')}" for c in cards.values())  # type: ignore[index,union-attr]


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


@pytest.mark.parametrize(
    "name", [n for n in sorted(QUIET) if n.startswith("q") and n[1:3] not in ("15", "16")]
)
def test_epic_phq9_form_is_named_total_not_known(name: str) -> None:
    assert _NOT_KNOWN in _text(_cards(name)), name


def test_forms_only_chart_names_its_forms() -> None:
    cards = _cards("g01_epic_text_qrs_only")
    assert "3 PHQ-9 forms of an unmapped site questionnaire" in _text(cards)
    assert "no PHQ-9 total on record" not in _text(cards)
    assert "no PHQ-9 on record" not in _text(cards)


def test_utc_score_counts_on_its_local_day() -> None:
    for name in ("t01_base0731_as_0801Z", "t02_base0731_as_0731_2330local"):
        cards = _cards(name)
        assert "2 adequate trials failed" in cards[chart_files.TMS]["summary"], name
        assert "1 day into it" not in _text(cards), name


def test_item9_today_at_the_patients_offset() -> None:
    card = _cards("z03_item9_2_tomorrow_utc_but_today_local")[chart_files.RISK]
    assert "on 2026-12-01" in card["summary"] and "after today" not in _text({"r": card})


def test_integer_off_the_scale_stays_unread() -> None:
    card = _cards("e06_flowsheet_item9_textonly_int4").get(chart_files.RISK)
    assert card is not None and card["indicator"] == "warning", card
    assert "could not be read" in card["summary"] + card.get("detail", "")


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET, OTHER)


def test_total_with_its_band_is_read() -> None:
    cards = _cards("n13_str_band")
    assert chart_files.TMS not in cards and "optimize-switch-augment" not in cards, cards.keys()
    assert "not a number" not in _text(_cards("n13_str_band"))
    assert "not a number" in _text(_cards("n14_str_band_disagrees"))


def test_form_named_as_another_instrument_is_no_phq9_gap() -> None:
    """A canonical naming the GAD-7 wins over the items' words (phq9_named_form.py, score76)."""
    for name in (
        "q15_gad7_canon_worded_no_total_item9_0",
        "q16_gad7_canon_with_phq9_total_item_item9_0",
    ):
        assert _NOT_KNOWN not in _text(_cards(name)), name
