"""Session 41 review K65b leftovers: measurement and older-adult card wording (care65).

- K65b 5: a PHQ-9 QuestionnaireResponse filed with a total of 13 whose answers sum to 10 (the
  readings give different outcomes, so the course is judged on neither): the optimise card said
  "citalopram not measured yet: repeat the PHQ-9" beside the measurement card's "check the form".
  Now it names the score and asks the same check (optimize/unscored.py); the outcome stays
  unclaimed (the safer reading: no switch or adjunct as an order on an unsettled outcome).
- The falls record appeared twice on a 78-year-old's optimise card (the raise and the adjunct
  lines): said once per card, each later line keeping only what its own Beers row adds.
- No falls line beside SNRI switch options at 70 with a fall coded: the Beers row that names
  TCAs, SSRIs and SNRIs is said beside the options of those classes.
- A psychotherapy Procedure CPT 90837 recorded `not-done` read "no psychotherapy ... on record":
  named with its day, "recorded as not done" (fhir_mapping/procedure_not_done.py).
- "PHQ-15" / "Mood Disorder Questionnaire" / "GAD-7" under a local code were named an unread
  depression score: the names of those instruments are set aside (unknown_score_terms.csv).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.unknown_surveys import UNKNOWN_DEPRESSION_SCORE
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "care65_charts"
_AS_OF = date(2026, 12, 1)
_cards = chart_files.topic_reader(_FOLDER, _AS_OF)

RISK = "suicide-risk"
OPTIMIZE = "optimize-switch-augment"
MEASURE = "measurement-based-care"
THERAPY = "psychotherapy"
TMS = "tms-referral"

CRITICAL = {
    "m_qr_total13_items10": "fixed",  # item 9 = 1: the critical card, as before
}

OTHER = {
    "m_qr_agree_control": "control",
    "f_dul60_partial_falls_at_78": "fixed",
    "f_dul_age70_Z9181_switch": "fixed",
    "f_cit_age70_no_falls_control": "control",
    "p_cpt90837_notdone": "fixed",
    "p_none_control": "control",
    "p_cpt90837_completed_control": "control",
    "s_local_PHQ_15_total": "fixed",
    "s_local_Mood_Disorder_Questionnaire": "control",  # not named before either
    "s_local_GAD_7_total": "control",  # not named before either
    "s_local_PHQ_score_control": "control",
}

FALLS = "**Falls on record:** "


def _detail(card: dict[str, Any]) -> str:
    return f"{card['summary']}\n{card.get('detail') or ''}"


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, OTHER)


def test_conflicting_score_is_named_not_unmeasured() -> None:
    cards = _cards("m_qr_total13_items10")
    chart_files.assert_critical_without_tms(cards, "m_qr_total13_items10")
    summary = cards[OPTIMIZE]["summary"]
    assert "not measured yet" not in summary
    assert "citalopram's PHQ-9 of 2026-11-15: total filed 13, items sum to 10: check the form" in (
        summary
    )
    detail = cards[OPTIMIZE]["detail"]
    assert "**Current trial's PHQ-9 to check:**" in detail
    assert "Current trial not measured" not in detail
    assert "if it cannot be checked, repeat the PHQ-9" in detail
    # The outcome stays unclaimed: no option offered as an order yet.
    assert "the options below are not offered as orders yet" in detail
    assert "check the form" in cards[MEASURE]["summary"]


def test_agreeing_score_control() -> None:
    summary = _cards("m_qr_agree_control")[OPTIMIZE]["summary"]
    assert "partial response (citalopram, 40 %)" in summary
    assert "check the form" not in summary


def test_falls_record_said_once_per_card() -> None:
    text = _detail(_cards("f_dul60_partial_falls_at_78")[OPTIMIZE])
    assert text.count(FALLS) == 1, text
    assert text.count("History of falling (ICD-10-CM Z91.81") == 1
    # Each line keeps what its own Beers row adds.
    assert "avoid antidepressants (TCAs, SSRIs, SNRIs)" in text
    assert "**Falls on record** (named above). AGS Beers 2023: with a history of falls" in text
    assert "avoid antipsychotics unless safer alternatives are not available" in text


def test_falls_beside_snri_switch_options() -> None:
    text = _detail(_cards("f_dul_age70_Z9181_switch")[OPTIMIZE])
    switch = next(p for p in text.split("\n\n") if p.startswith("**Switch:**"))
    assert "avoid antidepressants (TCAs, SSRIs, SNRIs)" in switch
    assert "Among the options: venlafaxine, desvenlafaxine, levomilnacipran, milnacipran" in switch
    assert "bupropion;" not in switch.split("Among the options:")[1]
    assert text.count(FALLS) == 1


def test_no_falls_no_switch_line() -> None:
    text = _detail(_cards("f_cit_age70_no_falls_control")[OPTIMIZE])
    assert "Falls on record" not in text and "Among the options" not in text


def test_not_done_psychotherapy_named() -> None:
    cards = _cards("p_cpt90837_notdone")
    summary = cards[THERAPY]["summary"]
    assert "psychotherapy CPT 90837 on 2026-09-10 recorded as not done" in summary
    assert "no psychotherapy procedure, visit or referral on record" not in _detail(cards[THERAPY])
    assert "90837 on 2026-09-10 recorded as not done: no session documented" in _detail(cards[TMS])


def test_not_done_controls() -> None:
    assert (
        "no psychotherapy procedure, visit or referral on record"
        in (_cards("p_none_control")[THERAPY]["summary"])
    )
    # A completed 90837 is a session on record: no psychotherapy card.
    assert THERAPY not in _cards("p_cpt90837_completed_control")


def _depression_gaps(name: str) -> list[object]:
    _, record = Evaluator(_AS_OF).by_topic_and_record(chart_files.loader(_FOLDER)(name))
    return [g for g in record.gaps if g.reason == UNKNOWN_DEPRESSION_SCORE]


@pytest.mark.parametrize(
    "name", ["s_local_PHQ_15_total", "s_local_Mood_Disorder_Questionnaire", "s_local_GAD_7_total"]
)
def test_other_instruments_not_a_depression_score(name: str) -> None:
    assert not _depression_gaps(name)
    assert "depression score could not be read" not in _detail(_cards(name)[OPTIMIZE])


def test_phq_score_still_named() -> None:
    assert len(_depression_gaps("s_local_PHQ_score_control")) == 1
