"""Review s25 rk3 (second recheck), the order-hook findings 1, 2, 5, 6, 8, 9, 11.

- 1: I44.0 and I44.2 on record at a nortriptyline order: the card led with the first-degree
  block's warning row under a critical indicator. The high-grade block's row replaces the
  first-degree row (drug_cautions.csv `supersedes`) and the card leads with its most severe row.
- 2: paroxetine CR 75 mg/day at 80: the folded age card said "the 50 mg/day maximum" (the IR
  one) and dropped "CR". It names the CR maximum, 62.5, and the form.
- 5: a pacemaker on record (Z95.0, or a pacemaker Device) beside I44.2: a warning naming the
  pacemaker ("ECG (QRS) and cardiology before starting"), not the unpaced block's critical
  contraindication; an "other cardiac implants" code (Z95.818) does not say pacing and keeps it.
- 6: a resolved I44.2 gave no card: a "history of heart block" warning.
- 8: a venlafaxine reduction mid-TMS was told "order it after the response check": now told to
  inform the TMS team (information), no delay advice.
- 9: a 30-session course whose last session was yesterday: "its response check is due now".
- 11: the paroxetine CR renal card quoted the IR label (10/40): the CR label's 12.5/50.

Charts: tests/services/rk3_order_hooks_charts/ (from the review's charts, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
_chart = chart_files.loader(Path(__file__).parent / "rk3_order_hooks_charts")


def _cards(name: str) -> list[dict[str, Any]]:
    doc = _chart(name)
    out = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    return [c.model_dump(mode="json", exclude_none=True) for c in out.response.cards]


def _one(name: str, word: str) -> dict[str, Any]:
    found = [c for c in _cards(name) if word in c["summary"] or word in c.get("detail", "")]
    assert len(found) == 1, [c["summary"] for c in found]
    return found[0]


# --- heart block (findings 1, 5, 6) -----------------------------------------------------------


def test_complete_block_beside_first_degree_leads_and_replaces_it() -> None:
    card = _one("first_degree_and_complete_av_block_draft_nortriptyline_sign", "heart block")
    assert card["indicator"] == "critical"
    assert "contraindicated" in card["summary"] and "Complete heart block" in card["summary"]
    assert "second-degree AV block in 9 %" not in card["detail"]  # the first-degree row
    assert "I44.0" not in card["detail"]


@pytest.mark.parametrize(
    ("name", "pacemaker"),
    [
        ("pacemaker_z950_complete_av_block_draft_nortriptyline_sign", "ICD-10-CM Z95.0"),
        ("pacemaker_device_complete_av_block_draft_nortriptyline_sign", "SNOMED CT 706004007"),
    ],
)
def test_paced_complete_block_is_a_warning_naming_the_pacemaker(name: str, pacemaker: str) -> None:
    card = _one(name, "heart block")
    assert card["indicator"] == "warning"
    assert card["summary"].startswith(
        "Nortriptyline: heart block with a pacemaker on record: ECG (QRS) and cardiology"
    )
    assert "contraindicated" not in card["summary"].lower()
    assert "pacemaker: " in card["detail"] and pacemaker in card["detail"]
    assert "not the tricyclics' QRS widening" in card["detail"]
    assert "Choose an antidepressant without" not in card["detail"]


def test_other_cardiac_implant_code_does_not_say_pacing() -> None:
    card = _one(
        "other_cardiac_implant_z95818_complete_av_block_draft_nortriptyline_sign", "heart block"
    )
    assert card["indicator"] == "critical"
    assert "contraindicated" in card["summary"]


def test_resolved_complete_block_is_a_history_warning() -> None:
    card = _one("resolved_complete_av_block_draft_nortriptyline_sign", "heart block")
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Nortriptyline: history of heart block")
    assert "now resolved" in card["summary"] and "ECG and cardiology" in card["summary"]
    assert "contraindicated" not in card["summary"].lower()


# --- paroxetine CR (findings 2, 11) -----------------------------------------------------------


def test_cr_fold_names_the_cr_maximum_and_form() -> None:
    card = _one("age80_paroxetine_cr75_select", "from age 65")
    assert card["summary"] == (
        "Paroxetine CR 75 mg/day at age 80: above the labelled 50 mg/day maximum from age 65 "
        "and the 62.5 mg/day CR maximum"
    )


@pytest.mark.parametrize("name", ["age80_paroxetine_cr75_select", "age80_paroxetine_cr62_5_select"])
def test_cr_renal_card_quotes_the_cr_label(name: str) -> None:
    card = _one(name, "eGFR")
    assert "at most 50 mg/day below 30 mL/min" in card["summary"]
    assert card["summary"].startswith("Paroxetine CR ")
    assert "The paroxetine CR label (Paxil CR label 2)" in card["detail"]
    assert "start at 12.5 mg/day" in card["detail"]
    assert "10 mg/day" not in card["detail"] and "40 mg/day" not in card["detail"]


# --- during a TMS course (findings 8, 9) ------------------------------------------------------


def test_reduction_mid_tms_is_told_to_the_team_without_delay_advice() -> None:
    card = _one("tms_running_venlafaxine_reduced_225_to_150_select", "TMS course")
    assert (
        card["summary"]
        == "Venlafaxine dose reduction ordered during a TMS course: tell the TMS team"
    )
    assert card["indicator"] == "info"
    assert "after the response check" not in card["detail"]
    assert "tell the TMS team of it" in card["detail"]


def test_course_past_its_check_week_says_the_check_is_due_now() -> None:
    card = _one("tms_30_sessions_last_yesterday_draft_bupropion_select", "TMS course")
    assert "its response check is due now" in card["detail"]
    assert "order it after the response check" not in card["detail"]
    assert "within 42 days of the last session" in card["detail"]
    # A new drug: the seizure line's own words.
    assert "If it is started, tell the TMS team" in card["detail"]


@pytest.mark.parametrize(
    ("running_mg", "words"),
    [(100.0, "If the dose changes, tell the TMS team"), (450.0, "As the dose changes, tell")],
)
def test_seizure_line_follows_the_change_kind(
    monkeypatch: pytest.MonkeyPatch, running_mg: float, words: str
) -> None:
    """Bupropion running at `running_mg` and drafted at 150: a raise or a reduction, never "If
    it is started" (finding 8)."""
    from services.order_checks import device_course

    monkeypatch.setattr(device_course, "_running_mg", lambda ctx, draft: (True, running_mg))
    card = _one("tms_30_sessions_last_yesterday_draft_bupropion_select", "TMS course")
    assert words in card["detail"]
    assert "If it is started" not in card["detail"]
