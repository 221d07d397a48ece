"""Fix allergy36 (s31): allergy leftovers, charts as of 2026-12-01.

1. UNSAFE: an undated severe AllergyIntolerance (no recordedDate, onset or lastOccurrence:
   serotonin syndrome with criticality high written as an Epic legacy import, anaphylaxis as
   Oracle Health writes an entry "per patient, years ago") of sertraline, which has run monthly
   since 2023: order-sign held the drug back as critical (allergy35), chart open said nothing.
   A severe entry of a drug being taken is named at chart open (running_reactions.
   undated_severe_running): critical, since an undated entry cannot be settled by the dosing.
   Controls: an undated rash on the same course, an undated anaphylaxis with no course of it.
2. WRONG: an ended course bridged over a supply gap (30 days of sertraline from 2025-01-06, 75
   days without, 30 days from 2025-04-21: one course 2025-01-06 – 2025-05-21) settled a 2023
   allergy entry as 135 days tolerated. Only its longest run without a break counts
   (course_runs.longest_run): 30 days settle nothing, at order-sign and at chart open, and for
   the relative of an allergen (citalopram after an escitalopram allergy). Controls: 90 days
   taken without a break, and two bridged runs of 60 days each, still settle it.

Charts: tests/services/allergy36_charts/ (all 19 prefetch keys; u*/h* patient-view, g*/c1
order-sign).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from services import course_runs, tolerability
from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "allergy36_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))
NOT_TOLERATED = "order-not-tolerated"
RUNNING = "running-drug-allergy"


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _card(name: str, topic: str) -> Doc | None:
    return _at.by_topic(_chart(name)).get(topic)


# --- 1: an undated severe entry of a running drug, at chart open --------------------------------


@pytest.mark.parametrize(
    ("name", "reaction"),
    [
        ("u1_epic_undated_serotonin_high_running", "serotonin syndrome"),
        ("u2_oracle_undated_anaphylaxis_running", "anaphylaxis"),
        ("u3_undated_anaph_restarted_2026-11-14", "anaphylaxis"),
        ("u4_undated_anaph_running_as_is", "anaphylaxis"),
    ],
)
def test_an_undated_severe_entry_of_a_running_drug_is_critical_at_chart_open(
    name: str, reaction: str
) -> None:
    card = _card(name, RUNNING)
    assert card is not None and card["indicator"] == "critical"
    assert card["summary"].startswith("Sertraline 100 mg/day running: ")
    assert f"{reaction} on record, date not recorded" in card["summary"]
    assert "no length of dosing settles it" in card["detail"]
    assert "while running" not in card["detail"]


def test_the_card_names_the_entry_it_read() -> None:
    card = _card("u2_oracle_undated_anaphylaxis_running", RUNNING)
    assert card is not None
    assert "AllergyIntolerance/M-" in card["detail"] and "since 2023-01-15" in card["detail"]


@pytest.mark.parametrize(
    "name", ["u0_control_undated_rash_running", "u0_control_undated_anaph_never_dosed"]
)
def test_controls_an_undated_rash_or_no_course_give_no_running_card(name: str) -> None:
    assert _card(name, RUNNING) is None


# --- 2: an ended course bridged over a supply gap -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "indicator"),
    [("g1_rash_bridged_30d_gap_30d", "warning"), ("g2_anaph_bridged_30d_gap_30d", "critical")],
)
def test_two_30_day_runs_bridged_settle_nothing_at_order_sign(name: str, indicator: str) -> None:
    card = _card(name, NOT_TOLERATED)
    assert card is not None and card["indicator"] == indicator
    said = "2025-01-06 – 2025-05-21, taken at most 30 days without a break in supply"
    assert said in card["detail"]


@pytest.mark.parametrize("name", ["h1_rash_bridged_30d_gap_30d", "h2_anaph_bridged_30d_gap_30d"])
def test_chart_open_holds_the_drug_back(name: str) -> None:
    cards, record = _at.cards_and_record(_chart(name))
    assert "sertraline" in tolerability.held_back(record)
    switch = [c for c in cards if "Not tolerated, never proposed:** sertraline" in c["detail"]]
    assert switch, [c["summary"] for c in cards]


def test_the_longest_run_is_counted_not_the_span() -> None:
    _, record = _at.cards_and_record(_chart("h1_rash_bridged_30d_gap_30d"))
    (course,) = [t for t in record.trials if t.ingredient == "sertraline"]
    assert (course.end - course.start).days == 135
    assert course_runs.broken(course) and course_runs.longest_run(course) == 30
    assert not tolerability.rechallenge_settles(course)


def test_a_bridged_course_of_the_relative_does_not_release_it() -> None:
    card = _card("c1_escitalopram_allergy_citalopram_bridged_30d_gap_30d", NOT_TOLERATED)
    assert card is not None and "Escitalopram not tolerated" in card["summary"]
    assert "taken at most 30 days without a break in supply" in card["detail"]


@pytest.mark.parametrize(
    "name", ["g3_control_rash_continuous_90d", "g4_control_rash_bridged_60d_gap_60d"]
)
def test_controls_a_continuous_course_or_long_runs_still_settle_it(name: str) -> None:
    assert _card(name, NOT_TOLERATED) is None
    _, record = _at.cards_and_record(_chart(name.replace("g", "h", 1)))
    assert "sertraline" not in tolerability.held_back(record)
