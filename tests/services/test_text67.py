"""Session 35 leftovers (fix text67): self-harm text quiet with TMS offered, or a plan read as an
overdose that happened.

- UNSAFE quiet: a plan's step that leads to dying ("plan to write a note, take her pills, and
  die", "pt will follow up with PCP and take all her pills and die"): `ideation_end` rows read
  only after a qualifier and a step (self_harm_plan_step.ended); "afraid she will die", "afraid
  she will fall and die" stay a fear. A named drug's whole supply at once in a "will" clause ("pt
  will take all her lithium at once"): `<named>` rows; "meds" stay the day's doses.
- WRONG: "plan to write a note, overdose", "denied plan to, but now intends to, overdose" (a
  comma before a term closing its clause is the plan's step), "wants to end it early by
  overdosing" ("by" a step link) said "Overdose, intent not recorded"; now the plan.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text67_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_plan_to_write_a_note_take_her_pills_and_die": "fixed (quiet before)",
    "e_pt_will_follow_up_with_PCP_and_take_all_her_pills_and_die": "fixed (quiet before)",
    "e_plan_to_go_home_and_die": "fixed (quiet before)",
    "e_pt_will_take_all_her_lithium_at_once": "fixed (quiet before)",
    "e_pt_will_take_all_of_her_seroquel_in_one_go": "fixed (quiet before)",
    "e_plan_to_write_a_note_overdose": "fixed (an overdose before)",
    "e_wants_to_end_it_early_by_overdosing": "fixed (an overdose before)",
    "e_wants_to_end_it_with_her_boyfriend_by_overdosing": "fixed (an overdose before)",
    "e_denied_plan_to_but_now_intends_to_overdose": "fixed (an overdose before)",
    "e_Plan_to_admit_overdose_of_sertraline_2_days_ago": "control: the overdose",
    "e_Plan_to_admit_overdose": "control: ';' closes the step, the overdose",
}

QUIET = {
    "e_afraid_she_will_die": "control: a fear",
    "e_afraid_she_will_fall_and_die": "control: a fear, no method in the step",
    "e_plan_to_take_all_her_meds_at_once_as_prescribed": "control: the day's doses",
    "e_pt_will_take_all_her_meds_at_once": "control: the day's doses (text66)",
    "e_denies_plan_to_take_her_pills_and_die": "control: denied",
    "e_plan_to_cope_by_going_for_a_run": "control: no method after 'by'",
}

PLANS = sorted(name for name, why in CRITICAL.items() if why.startswith("fixed"))
OVERDOSES = ["e_Plan_to_admit_overdose_of_sertraline_2_days_ago", "e_Plan_to_admit_overdose"]


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


@pytest.mark.parametrize("name", PLANS)
def test_a_plan_is_no_overdose_that_happened(name: str) -> None:
    assert not _cards(name)["suicide-risk"]["summary"].startswith("Overdose")


@pytest.mark.parametrize("name", OVERDOSES)
def test_an_overdose_stated_stays_the_overdose(name: str) -> None:
    assert _cards(name)["suicide-risk"]["summary"].startswith("Overdose, intent not recorded")


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
