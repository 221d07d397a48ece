"""Review s25 RA, findings 4-7, 10 and 11: what the cards say at the age extremes.

- 4: an older adult's ECT line said "first choice at age 91 (CANMAT 2023 para 215)"; para 215
  says ECT "may be especially effective in older patients" (REFERENCE.md 3.5), and so do the
  card and the age banner now.
- 5: an 11-year-old was told to "Discuss ECT or other options": NICE NG134 does not recommend ECT
  under 12, and from 12 keeps it for very severe, life-threatening or intractable depression
  (data/young_age_treatments.csv).
- 6: a 13-year-old got the 16-year-old's TMS line; under 15 no clearance applies.
- 7: the psychotherapy card under 18 rests on NICE NG134 (an antidepressant only alongside a
  psychological therapy), as a warning, without CANMAT's or Medicare's TMS sentence.
- 10: citalopram drafted at 11 after fluoxetine failed: "not a choice for depression under 12",
  not "not on the under-18 list" (it is on it, from 12).
- 11: under 18 no "or augment", no adult adjunct doses, and no one-click ECT referral.

Charts: tests/services/age_extremes_charts/ (the RA charts, every prefetch key, as of 2026-12-01).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
OPTIMISE = "optimize-switch-augment"
PSYCHOTHERAPY = "psychotherapy"

_chart = chart_files.loader(Path(__file__).parent / "age_extremes_charts")
_cards = Evaluator(AS_OF).cards


def _optimise(name: str) -> dict:
    return by_topic(_cards(_chart(name)))[OPTIMISE]


def test_older_adult_ect_said_as_para_215_says_it() -> None:
    detail = _optimise("age91_two_failed")["detail"]
    assert "first choice" not in detail
    assert "at age 91: may be especially effective in older patients (CANMAT 2023 para 215)" in (
        detail
    )


def test_age_banner_says_ect_listed_first_not_first_choice() -> None:
    text = " ".join(c["detail"] for c in _cards(_chart("no_birth_date_citalopram40")))
    assert "the older-adult rules from 65 (ECT listed first: may be especially effective" in text
    assert "ECT first, CANMAT" not in text


def test_no_ect_discussed_under_12() -> None:
    detail = _optimise("age11_fluoxetine_failed_sertraline_partial")["detail"]
    assert "Discuss ECT" not in detail
    assert "ECT is not recommended for depression in children under 12 (NICE NG134)." in detail


def test_ect_restriction_said_from_12() -> None:
    detail = _optimise("age13_fluoxetine_failed_escitalopram_partial")["detail"]
    assert "Discuss ECT" not in detail
    assert "NICE NG134 keeps ECT under 18 for very severe depression with life-threatening" in (
        detail
    )


def test_tms_line_under_15_says_no_clearance_applies() -> None:
    young = _optimise("age13_fluoxetine_failed_escitalopram_partial")["detail"]
    assert "below the ages of every TMS clearance found (NeuroStar K231926" in young
    assert "is as an adjunct only" not in young
    older = _optimise("age16_fluoxetine_failed_escitalopram_partial")["detail"]
    assert "the adolescent clearance found (NeuroStar, ages 15-21) is as an adjunct only" in older


def test_psychotherapy_under_18_rests_on_nice_as_a_warning() -> None:
    card = by_topic(_cards(_chart("age13_no_psychotherapy")))[PSYCHOTHERAPY]
    assert card["indicator"] == "warning"
    assert "an antidepressant only alongside a concurrent psychological therapy" in card["detail"]
    assert "LCD L37086" not in card["detail"]
    assert "CANMAT" not in card["detail"]
    assert card["source"]["label"].startswith("NICE")
    assert [s["label"] for s in card["suggestions"]] == ["Refer for CBT", "Refer for IPT"]


def test_repeat_summary_says_citalopram_is_not_a_choice_under_12() -> None:
    summaries = [c["summary"] for c in _cards(_chart("age11_citalopram_draft_after_fluoxetine"))]
    repeat = [s for s in summaries if "class of fluoxetine" in s]
    assert repeat, summaries
    assert repeat[0].endswith("not a choice for depression under 12 (NICE NG134)")
    assert not any("not on the under-18 list" in s for s in summaries)


def test_no_augment_or_adult_adjunct_doses_under_18() -> None:
    card = _optimise("age11_fluoxetine_failed_sertraline_partial")
    assert "or augment" not in card["summary"]
    assert "adjuncts: child psychiatry" in card["summary"]
    assert "0.5-0.8 mmol/L" not in card["detail"]
    assert "25-50 µg/day" not in card["detail"]
    assert "aripiprazole 2-10 mg/day" not in card["detail"]
    # No adult adjunct list at all under 18 (review s27 RC finding 6): the child's next step.
    assert "First-line adjuncts" not in card["detail"]
    assert (
        "**Augment:** Under 18 no adjunct is proposed (CANMAT 2023 Table 7.2 is adult guidance): "
        "continue the psychological therapy and decide the next step with child and adolescent "
        "psychiatry (NICE NG134)."
    ) in card["detail"]
    assert "para 190" not in card["detail"] and "Maudsley staging" not in card["detail"]


def test_no_one_click_ect_at_16_and_nice_restriction_said() -> None:
    card = _optimise("age16_psychotic_features")
    labels = [s["label"] for s in card.get("suggestions") or []]
    assert "Refer for ECT evaluation" not in labels
    assert "**ECT at age 16:** NICE NG134 keeps ECT under 18" in card["detail"]


def test_no_ect_named_for_psychotic_features_at_11() -> None:
    card = _optimise("age11_psychotic_features")
    assert card["summary"].endswith("no ECT under 12 (NICE NG134)")
    assert "or ECT" not in card["summary"]
    assert "Refer for ECT evaluation" not in [s["label"] for s in card.get("suggestions") or []]
    assert card["detail"].count("ECT is not recommended for depression in children under 12") == 1


def test_adult_psychotic_features_keep_one_click_ect() -> None:
    doc = _chart("age16_psychotic_features")
    doc["prefetch"]["patient"]["birthDate"] = "1990-03-15"
    card = by_topic(_cards(doc))[OPTIMISE]
    assert "Refer for ECT evaluation" in [s["label"] for s in card.get("suggestions") or []]
    assert "ECT at age" not in card["detail"]
