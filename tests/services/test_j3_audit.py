"""Card wording and sources the review 14 audit found (MINOR list).

- q07: a summary was cut mid-word ("... not yet reviewed: repeat the P…"): fit_summary never
  cuts inside a word, and the measurement card has a shorter wording that keeps the action.
- r03b/r04: critical item-9 summaries said "higher risk" without "suicide" with room for it.
- i11/i17: "fine for titration" beside a clopidogrel or warfarin interaction warning: the same
  words as beside a critical one (since review s24 RN finding 8 a line of the interaction card:
  "do not raise the dose until the interaction above is settled").
- k05: the critical lithium card rests on the label's 1.5 mmol/L line: its source is that cite.
- i16, t04: the methylene blue and St John's wort MAOI cards carried the Keks 2016 source: each
  names its own (the FDA 2011 communication, the Emsam label).
- t01, b05: the Cytomel and bupropion label cards had no URL.

Charts: the review's probe requests (project builders; US Core / Epic-shaped prefetch: ICD-10-CM
problem-list Conditions, RxNorm MedicationRequests and MedicationDispenses, LOINC PHQ-9 panels
and lithium levels), copied to audit14_charts/ (t01 and t04 are in recheck14_charts/).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services import card_format, cards
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
Doc = dict[str, Any]

_audit = chart_files.loader(Path(__file__).parent / "audit14_charts")
_recheck = chart_files.loader(Path(__file__).parent / "recheck14_charts")
_at = Evaluator(AS_OF)
_cards = _at.by_topic


# --- q07: never a word cut in two -------------------------------------------------------------


def test_fit_summary_cuts_between_words() -> None:
    long = "repeat the PHQ-9 " * 12
    summary = cards.fit_summary(long)
    assert len(summary) <= card_format.SUMMARY_MAX
    assert summary.endswith("PHQ-9…")  # a whole word before the ellipsis, no "P…"
    assert long.startswith(summary.removesuffix("…"))


def test_fit_summary_keeps_a_word_that_ends_at_the_limit() -> None:
    exact = "a" * (card_format.SUMMARY_MAX - 1) + " tail"
    assert cards.fit_summary(exact) == "a" * (card_format.SUMMARY_MAX - 1) + "…"


def test_fit_summary_drops_trailing_punctuation_before_the_ellipsis() -> None:
    text = "x" * 130 + ": " + "y" * 20
    assert cards.fit_summary(text) == "x" * 130 + "…"


def test_the_preliminary_measurement_summary_keeps_its_action_whole() -> None:
    card = _cards(_audit("q07_prelim_total_only_newest_on_new_start"))
    summary = next(c["summary"] for c in card.values() if "PHQ-9" in c["summary"])
    assert "…" not in summary
    # Taken the day before sertraline's 6 weeks (2025-06-02), it answers the adequacy check once
    # reviewed (review s23 RT finding 6: policy.mbc_adequacy_grace_days): "review it", no repeat.
    assert summary.endswith("not yet reviewed: review it to measure response")
    assert "latest PHQ-9 (preliminary, 2025-06-01): 9" in summary


# --- r03b / r04: "suicide" in every critical item-9 summary that has room ---------------------


@pytest.mark.parametrize(
    "name", ["r03b_phq9_preliminary_item9_positive", "r04_phq9_item9_cancelled"]
)
def test_a_critical_item9_summary_says_suicide(name: str) -> None:
    critical = [c for c in _cards(_audit(name)).values() if c["indicator"] == "critical"]
    assert critical
    assert all("higher suicide risk, assess today" in c["summary"] for c in critical)


# --- i11 / i17: no "fine for titration" beside an interaction ---------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "i11_clopidogrel_running_draft_fluvoxamine",
        "i17_warfarin_running_draft_fluvoxamine",
        "i01_tizanidine_running_draft_fluvoxamine",
    ],
)
def test_below_range_beside_an_interaction_says_settle_it_first(name: str) -> None:
    # Its line is on the interaction card since review s24 RN finding 8 (a card of its own only
    # pointed there): the same words, one card.
    shown = _cards(_audit(name))
    assert "order-dose-below-range" not in shown
    card = shown["order-drug-interaction"]
    assert "is below the minimum adequate dose" in card["detail"]
    assert "fine for titration" not in card["summary"] + card["detail"]
    assert "Plan the titration" not in card["detail"]
    assert "interaction above is settled" in card["detail"]


def test_a_warning_interaction_is_not_called_critical_on_the_dose_line() -> None:
    card = _cards(_audit("i11_clopidogrel_running_draft_fluvoxamine"))["order-drug-interaction"]
    assert "Do not raise the dose until the interaction above is settled." in card["detail"]
    assert "critical" not in card["detail"]


# --- cites ------------------------------------------------------------------------------------


def test_the_critical_lithium_card_cites_the_label_line_it_acts_on() -> None:
    card = _cards(_audit("k05_lithium_150_age40"))["order-lithium-level"]
    assert card["indicator"] == "critical"
    assert card["source"]["label"] == "lithium labels (toxicity)"
    assert "CANMAT" not in card["source"]["label"]


def test_the_methylene_blue_card_cites_the_fda_communication() -> None:
    card = _cards(_audit("i16_sertraline_running_draft_methylene_blue"))["order-maoi-interaction"]
    assert card["source"]["label"] == "FDA Drug Safety Communication 2011 (methylene blue)"
    assert card["source"]["url"] == "https://www.fda.gov/Drugs/DrugSafety/ucm276119.htm"


def test_the_st_johns_wort_card_cites_the_emsam_label() -> None:
    card = _cards(_recheck("t04_stjohnswort_running_draft_phenelzine"))["order-maoi-interaction"]
    assert card["source"]["label"].startswith("Emsam label contraindications (St John's wort)")
    assert "Keks" not in card["source"]["label"]


def test_the_cytomel_caution_links_its_label() -> None:
    card = _cards(_recheck("t01_t3_heart_failure_resolved_2015"))["order-drug-caution"]
    assert card["source"]["label"] == "Cytomel label 5.1"
    assert card["source"]["url"] == (
        "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?"
        "setid=51452b31-ff68-4e0c-b982-c15502ebf1d3"
    )


def test_the_bupropion_caveat_links_a_bupropion_label() -> None:
    card = _cards(_audit("b05_auditc_positive_no_aud_dx_draft_bupropion"))["order-drug-caution"]
    assert card["source"]["label"] == "bupropion labels 4 and 5.3"
    assert card["source"]["url"].startswith("https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?")
