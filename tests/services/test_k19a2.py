"""Recheck K19a s29 (fix k19a2): readings of rq4fix and wd31 made quieter where the patient's own
current risk stood in the words (k19a2_charts/, all 19 prefetch keys; each chart fails on
69f8a542 and passes here, the controls pass both):

1. "Alcohol detox 2015, sober since, relapsed, now in withdrawal": read as a past episode and a
   remission ("sober since"), no diagnosis card, no TMS safety screen, bupropion offered. A
   `current_after` word ("relapsed", "now in", "currently") after it ends the past reading
   (withdrawal_context.current_after).
2. "Father with alcohol withdrawal; in withdrawal": the relative governed past the ";". A
   relative governs only its own clause; a withdrawal in a later clause is the patient's.
3. "Father with SI - pt reports same": the father's alone, no card. A `relative_same` word
   ("pt reports same", "pt also", "as does pt", "pt too") makes it the patient's too.
4. ED reason "Hx of SI 2010, now denies intent": "now denies" dated the SI to 2010, no card
   (was critical). A denial keeps the history only when it denies the finding itself ("now
   denies", "now denies SI"), not intent, plan or HI.
5. wd31 gaps (as of 2025-06-01): "Alcohol use disorder, severe, not in remission, in withdrawal"
   (the "not" of "not in remission" negated the withdrawal), "Alcohol and opioid use disorder, in
   withdrawal" and "Polysubstance use disorder (alcohol, opioids), in withdrawal" (the opioid
   nearest): now read as alcohol withdrawal, bupropion barred (the safer reading).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.diagnosis_text import says_in_remission, text_kinds
from fhir_mapping.record import FindingKind
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
BARRED = "contraindicated during abrupt discontinuation"
_chart = chart_files.loader(Path(__file__).parent / "k19a2_charts")
_at = Evaluator(date(2026, 12, 1))
# The wd31 charts' day (their F10 problem and PHQ-9 are of 2025).
_early = Evaluator(date(2025, 6, 1))


def _doc(name: str) -> dict[str, object]:
    doc = _chart(name)
    chart_files.check_chart(doc)
    return doc


def _withdrawal_read(cards: dict[str, dict[str, object]]) -> bool:
    return (
        "diagnosis-review" in cards
        and "safety screen first" in str(cards["tms-referral"]["summary"])
        and BARRED in json.dumps(cards)
    )


def test_a_relapse_after_a_dated_detox_is_a_current_withdrawal() -> None:
    assert _withdrawal_read(_at.by_topic(_doc("detox_2015_sober_since_relapsed_now_in_withdrawal")))
    assert _withdrawal_read(_early.by_topic(_doc("aud_detox_2015_relapsed_now_in_withdrawal")))
    assert not says_in_remission("Alcohol detox 2015, sober since, relapsed, now in withdrawal")
    assert says_in_remission("Alcohol detox 2015, sober since")


def test_a_relative_governs_only_its_own_clause() -> None:
    assert _withdrawal_read(_at.by_topic(_doc("father_with_withdrawal_then_in_withdrawal")))
    control = _at.by_topic(_doc("father_with_alcohol_withdrawal_control"))
    assert "diagnosis-review" not in control
    assert BARRED not in json.dumps(control)


def test_the_patient_sharing_a_relatives_si_is_the_patients() -> None:
    assert _at.by_topic(_doc("father_with_si_pt_reports_same"))[RISK]["indicator"] == "critical"
    assert RISK not in _at.by_topic(_doc("father_with_si_control"))


@pytest.mark.parametrize(
    "text",
    ["Father with SI; pt also", "Sister with SI, as does pt", "Mother with SI, pt too"],
)
def test_relative_same_words(text: str) -> None:
    assert FindingKind.SUICIDAL_IDEATION in text_kinds(text)


@pytest.mark.parametrize(
    "name",
    [
        "ed_hx_si_2010_now_denies_intent",
        "ed_hx_si_2010_now_denies_plan",
        "ed_hx_overdose_2019_now_denies_intent",
    ],
)
def test_a_denial_of_something_else_keeps_the_visits_date(name: str) -> None:
    assert _at.by_topic(_doc(name))[RISK]["indicator"] == "critical"


def test_a_denial_of_the_finding_keeps_the_history_quiet() -> None:
    assert RISK not in _at.by_topic(_doc("ed_hx_si_2010_now_denies_si_control"))


@pytest.mark.parametrize(
    "name",
    [
        "aud_not_in_remission_in_withdrawal",
        "alcohol_and_opioid_ud_in_withdrawal",
        "polysubstance_alcohol_opioids_in_withdrawal",
    ],
)
def test_an_alcohol_use_disorder_in_withdrawal_is_read(name: str) -> None:
    assert _withdrawal_read(_early.by_topic(_doc(name)))


@pytest.mark.parametrize(
    "name", ["aud_not_in_withdrawal_control", "alcohol_ud_opioid_ud_in_withdrawal_control"]
)
def test_a_negated_or_other_substances_withdrawal_is_not(name: str) -> None:
    cards = _early.by_topic(_doc(name))
    assert BARRED not in json.dumps(cards)
