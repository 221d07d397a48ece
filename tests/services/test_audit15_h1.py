"""Audit 15 (a clinician's read of the cards, --as-of 2025-06-02) W1, W3, W4, M7, M9, M11, each on
the recheck chart it was found on (tests/services/recheck15_charts):

- W1 (x01): the suicide-risk card said "the TMS criteria are otherwise met" on a chart with two
  SSRIs of one class and no psychotherapy, where the TMS payer criteria are not met.
- W3 (x01, x02): the PHQ-9 whose item 9 the suicide-risk card acts on was also listed as "could
  not be read (dated after today)", and the same "Data not read" block stood on several cards.
- W4 (x02): only the `observations` Bundle is incomplete, yet the TMS card said "part of the
  condition, procedure or device list not available" and "TMS history not available", and
  named the criteria in lower case ("contraindications, earlier tms").
- M7 (m03): a course judged on the MADRS alone was told to "repeat the PHQ-9".
- M9 (e01): "(UNVERIFIED)" and nested brackets in the IV ketamine lines.
- M11 (h02): low vitamin D "alongside" made a warning; the missing TSH alone is information.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services.policy import Policy
from services.rules import suicide_risk
from tests.services import chart_files

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "recheck15_charts"
Doc = dict[str, Any]
GAP_BLOCK = "**Data not read** (the conclusion may change once it is):\n"

_chart = chart_files.loader(CHARTS)


def _cards(name: str) -> dict[str, Doc]:
    doc = _chart(name)
    # The charts predate the `labsSI` key (review 17 W3): sent empty, as the discovery now asks.
    doc["prefetch"].setdefault("labsSI", {"resourceType": "Bundle", "type": "searchset"})
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    return {c["source"]["topic"]["code"]: c for c in result.response.to_json()["cards"]}


# --- W1 ---------------------------------------------------------------------------------------


def test_not_tms_line_claims_no_criteria_met_when_the_payer_criteria_are_not() -> None:
    detail = _cards("x01_future_phq9_item9_3")["suicide-risk"]["detail"]
    assert "otherwise met" not in detail
    # Not yet assessed (review 19, b03): the treatments named as what follows if it finds acute risk.
    assert (
        "**Not TMS now:** The risk assessment comes first; if it finds acute risk: TMS is not "
        "the next step while the risk is acute"
    ) in detail


def test_not_tms_line_says_otherwise_met_when_the_payer_criteria_are(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class _Met:
        met = True

    monkeypatch.setattr(suicide_risk, "evaluate_payer_criteria", lambda *_: _Met())
    detail = _cards("x01_future_phq9_item9_3")["suicide-risk"]["detail"]
    assert (
        "**Not TMS now:** the TMS criteria are otherwise met. The risk assessment comes first; "
        "if it finds acute risk: TMS is not the next"
    ) in detail


# --- W3 ---------------------------------------------------------------------------------------


def test_acted_on_after_today_phq9_is_not_listed_as_not_read() -> None:
    cards = _cards("x01_future_phq9_item9_3")
    suicide = cards["suicide-risk"]["detail"]
    # The Found line names the score by its date, not its id (cards.record_cite, session 20).
    assert "PHQ-9 item 9 = 3 dated 2025-06-10, after today" in suicide
    assert "Observation/39649aef-e30c-5246-ad37-6e8e4e6fb8a0" not in suicide
    assert "counted in no outcome" in suicide
    for card in cards.values():
        assert "could not be read (dated after today)" not in card["detail"]


def test_gap_block_once_per_screen() -> None:
    cards = _cards("x02_obs_outcome_incomplete")
    full = [t for t, c in cards.items() if GAP_BLOCK in c["detail"]]
    assert full == ["optimize-switch-augment"]
    pointer = (
        "(the conclusion may change once it is): listed on the Optimise, switch or augment card."
    )
    for topic in ("tms-referral", "diagnosis-review"):
        assert pointer in cards[topic]["detail"]


# --- W4 ---------------------------------------------------------------------------------------


def test_tms_card_names_the_incomplete_domain_and_display_names() -> None:
    detail = _cards("x02_obs_outcome_incomplete")["tms-referral"]["detail"]
    assert "part of the condition, procedure or device list" not in detail
    assert "pregnancy status, read from Observations, not available" in detail
    assert "TMS history not available" not in detail
    assert "could not be checked (data not available): Contraindications." in detail
    assert "earlier tms" not in detail


# --- M7 ---------------------------------------------------------------------------------------


def test_madrs_only_course_is_told_to_repeat_the_madrs() -> None:
    detail = _cards("m03_mild_baseline_madrs_only")["optimize-switch-augment"]["detail"]
    assert "repeat the MADRS or a PHQ-9 after the change" in detail
    assert "repeat the PHQ-9 after the change" not in detail


# --- M9 ---------------------------------------------------------------------------------------


def test_ketamine_lines_carry_no_status_mark_or_nested_brackets() -> None:
    details = " ".join(c["detail"] for c in _cards("e01_aneurysm_resolved_clipped").values())
    assert "IV ketamine" in details
    assert "(UNVERIFIED)" not in details
    assert "(Ketalar label, contraindications)" in details
    assert "Ketalar label (contraindications)" not in details


# --- M11 --------------------------------------------------------------------------------------


def test_vitamin_d_alongside_card_is_information() -> None:
    card = _cards("h02_vitd_low_severe_no_risk")["diagnosis-review"]
    assert card["summary"].startswith("Review alongside escalation: low vitamin D")
    assert card["indicator"] == "info"
