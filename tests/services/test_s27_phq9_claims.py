"""Review s27 K3 (recheck) findings 2 and 5: a PHQ-9 whose total and items disagree.

- 2: venlafaxine from PHQ-9 17, then a form filed with a total of 4 whose answers sum to 5: both
  readings are a response, only one a remission. The whole outcome was compared, so the score
  was set aside and the course judged on the older 18: "no response, no remission" and "2
  adequate trials failed", which both readings rule out. Now the outcome is compared claim by
  claim (fhir_mapping/phq9_conflict_readings.judge): the response both give stands, remission is
  not claimed ("remission to confirm", Trial.unsettled). And a course whose readings differ on
  the failure no longer falls back to an earlier score both readings contradict (24 -> 3, then a
  form of 22 or 12: the earlier remission is not the outcome).
- 5: the optimise card's "PHQ-9 total and answers disagree" paragraph said "severity reads the
  higher (22)" beside a payer row and a Maudsley stage on the lower (12), and the TMS summary
  said "PHQ-9 22". The paragraph now says what the cards do and the summary names both readings.

Charts: tests/services/s27_phq9_claims_charts/ (the recheck's probes j3-j6 and one variant; every
prefetch key), as of 2025-06-15.
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.phq9_conflict_readings import Judged, judge
from fhir_mapping.record import PatientRecord, Trial
from fhir_mapping.trial_parts import TotalConflict
from fhir_mapping.trial_scores import with_scores
from services.packet import render_packet
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "s27_phq9_claims_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
AS_OF = date(2025, 6, 15)
OPTIMISE, TMS = "optimize-switch-augment", "tms-referral"

_chart = chart_files.loader(DIR)
_at = Evaluator(AS_OF)


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _record(name: str) -> PatientRecord:
    return _at.result(_chart(name), as_of=AS_OF).evaluation.record


def _venlafaxine(record: PatientRecord) -> Trial:
    return next(t for t in record.trials if t.ingredient == "venlafaxine")


def _packet(record: PatientRecord) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", render_packet(record, Policy())))
    return " ".join(text.split())


# --- 2: both readings a response, remission on one: the response stands ------------------------

REMISSION_DIFFERS = "venlafaxine_17_to_qr_filed4_sum5"
NOT_CLAIMED = (
    "remission to confirm (PHQ-9 5 on 2025-06-10, total filed 4, items sum to 5: the readings "
    "differ on it, check the form)"
)


def test_the_response_both_readings_give_stands_and_remission_is_not_claimed() -> None:
    trial = _venlafaxine(_record(REMISSION_DIFFERS))
    on_treatment = trial.on_treatment
    # Judged on the form, never on the older 18 both its readings contradict.
    assert on_treatment is not None and on_treatment.date == date(2025, 6, 10)
    assert on_treatment.total_conflict == TotalConflict(4, 5)
    assert trial.response is True and trial.remission is None
    assert not trial.failed and not trial.outcome_unmeasured and trial.conflicted == ()
    assert trial.unsettled == ("remission",)
    assert trial.unsettled_text == NOT_CLAIMED
    # Each reading alone: a response on both, remission on 4 only.
    assert judge(trial, with_scores) == Judged(unsettled=("remission",))


def test_the_cards_count_one_failed_trial_and_say_remission_is_to_confirm() -> None:
    cards = _at.cards(_chart(REMISSION_DIFFERS), as_of=AS_OF)
    summaries = " ".join(c["summary"] for c in cards)
    details = " ".join(c.get("detail", "") for c in cards)
    assert "2 adequate trials failed" not in summaries
    assert OPTIMISE not in by_topic(cards)  # one failed trial, the current one responding
    assert "17 → 5 (total filed 4, items sum to 5: remission to confirm)" in details
    assert f"adequate: response; {NOT_CLAIMED}" in details
    assert "no response" not in details
    packet = _packet(_record(REMISSION_DIFFERS))
    assert f"adequate: response; {NOT_CLAIMED}" in packet


# --- 2: readings that differ on the failure never fall back to a score both contradict ----------

FALLBACK_CONTRADICTED = "venlafaxine_24_remission3_then_qr_filed22_sum12"


def test_an_earlier_remission_both_readings_contradict_is_not_the_outcome() -> None:
    trial = _venlafaxine(_record(FALLBACK_CONTRADICTED))
    # 24 -> 22 is a failure, 24 -> 12 a response: set aside (s27 RB 1); the earlier 3 of
    # 2025-05-12 was a remission neither reading of the newer form shows: not claimed.
    assert trial.on_treatment is None and trial.outcome_unmeasured
    assert [(s.value, s.date) for s in trial.conflicted] == [(22, date(2025, 6, 10))]
    assert trial.remission is None and not trial.failed
    cards = _at.cards(_chart(FALLBACK_CONTRADICTED), as_of=AS_OF)
    details = " ".join(c.get("detail", "") for c in cards)
    assert "adequate: remission" not in details
    assert "each reading gives a different outcome, check the form" in details


# --- 5: the disagreement paragraph and the TMS summary say what the cards do --------------------

SEVERITY = [
    "venlafaxine_17_to_qr_filed22_sum12",
    "venlafaxine_17_to_qr_filed12_sum22",
    "venlafaxine_17_to_obs_filed22_items12",
]


@pytest.mark.parametrize("name", SEVERITY)
def test_the_severity_words_match_the_payer_row_and_the_stage(name: str) -> None:
    cards = by_topic(_at.cards(_chart(name), as_of=AS_OF))
    optimise, tms = cards[OPTIMISE], cards[TMS]
    assert "severity reads the higher" not in optimise["detail"]
    assert (
        "its severity is to check: the scores show the higher (22) so a severe depression is not "
        "missed, while a criterion that needs a severity (payer criteria, the Maudsley stage) "
        "reads the lower (12)"
    ) in optimise["detail"]
    assert "the lower reading (12) is below PHQ-9 >= 20" in tms["detail"]
    assert "Severity 3 (moderate; PHQ-9 total filed" in tms["detail"]
    # Never the higher alone as the severity in the headline.
    assert "PHQ-9 22 or 12: check the PHQ-9 form first" in tms["summary"]
    assert len(tms["summary"]) <= 140
