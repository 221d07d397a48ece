"""Session 40 fix maoi56: an unknown order's age; the MAOI cards that still said "stopped".

1. (NOISE, review K62a finding 7, from meds54) A clinic order read `unknown` that states no
   supply and that no completed fill names stayed a record to confirm at any age: a phenelzine
   order of 2019 gave the critical MAOI card beside a sertraline draft in 2026. Past
   MappingPolicy.unknown_order_days (70: 35 days it may have been taken plus the longest washout,
   35) after its own day it is read as ended, named in the data-gap line only ("order 2019-03-01,
   status unknown, no supply on record: read as ended"). Controls: one of 47 days (past 35, within
   35 + phenelzine's 14-day washout) keeps the critical card, as does an unknown fluoxetine order
   of 65 days beside a phenelzine draft (fluoxetine's 5 weeks) and a phenelzine order recorded
   stopped 10 days ago.
2. (WRONG) The mixed MAOI order summary (maoi_mixed.py), linezolid / IV methylene blue after a
   stop (maoi_summary.py) and the unidentified draft beside an MAOI (unidentified_drafts.py) said
   "stopped" of a course whose last fill's supply ran out: now "supply ran out", as wash66 made
   the other MAOI cards say (services/washout_state.stop_said).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.policy import MappingPolicy
from services.policy import load_policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "maoi56_charts"
_AS_OF = date(2026, 12, 1)
_cards = chart_files.topic_reader(_FOLDER, _AS_OF)
_chart = chart_files.loader(_FOLDER)
MAOI = "order-maoi-interaction"
_QUALITY = "data-quality"
_ENDED = (
    "phenelzine, not read as running: order {}, status unknown, no supply on record: read as ended"
)

FIXED = {
    "f_phenelzine_order_unknown_2019_no_supply_sertraline_sign": "fixed: was the critical MAOI card",
    "f_phenelzine_order_unknown_77_days_no_supply_sertraline_sign": "fixed: was the MAOI card",
    "f_phenelzine_order_unknown_2019_no_supply_patient_view": "fixed: was 'may be taken now'",
    "f_fluoxetine_fill_ran_out_sertraline_running_phenelzine_select": "fixed: said 'stopped'",
    "f_fluoxetine_fill_ran_out_linezolid_select": "fixed: said 'stopped'",
    "f_phenelzine_fill_ran_out_unidentified_draft_sign": "fixed: said 'was stopped'",
}
CONTROLS = {
    "c_phenelzine_order_unknown_47_days_no_supply_sertraline_sign": "control: still critical",
    "c_fluoxetine_order_unknown_65_days_no_supply_phenelzine_sign": "control: still critical",
    "c_phenelzine_order_stopped_10_days_ago_sertraline_sign": "control: still critical",
}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


@pytest.mark.parametrize(
    ("name", "day"),
    [
        ("f_phenelzine_order_unknown_2019_no_supply_sertraline_sign", "2019-03-01"),
        ("f_phenelzine_order_unknown_77_days_no_supply_sertraline_sign", "2026-09-15"),
    ],
)
def test_old_unknown_order_without_supply_reads_as_ended(name: str, day: str) -> None:
    cards = _cards(name)
    assert MAOI not in cards
    assert _ENDED.format(day) in cards[_QUALITY]["detail"]


def test_old_unknown_order_is_no_course_and_not_running() -> None:
    name = "f_phenelzine_order_unknown_2019_no_supply_patient_view"
    detail = _cards(name)[_QUALITY]["detail"]
    assert _ENDED.format("2019-03-01") in detail
    assert "may be taken now" not in detail
    record = Evaluator(_AS_OF).result(_chart(name)).evaluation.record
    assert not [t for t in record.trials if t.ingredient == "phenelzine"]
    assert not [g for g in record.gaps if "phenelzine" in g.taken_now]


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        (
            "c_phenelzine_order_unknown_47_days_no_supply_sertraline_sign",
            "Sertraline ordered while phenelzine (MAOI) may be running",
        ),
        (
            "c_fluoxetine_order_unknown_65_days_no_supply_phenelzine_sign",
            "Phenelzine (MAOI) ordered while fluoxetine may be running",
        ),
        (
            "c_phenelzine_order_stopped_10_days_ago_sertraline_sign",
            "Sertraline ordered 10 days after phenelzine (MAOI) stopped: not before 2026-12-05",
        ),
    ],
)
def test_maoi_within_its_window_and_washout_stays_critical(name: str, summary: str) -> None:
    maoi = _cards(name)[MAOI]
    assert maoi["indicator"] == "critical"
    assert maoi["summary"].startswith(summary)


def test_the_window_is_the_clinics_policy_never_shorter_than_taken_plus_washout() -> None:
    assert MappingPolicy().unknown_order_days == 70
    policy = load_policy({"mapping": {"unknown_order_days": 3650}})
    doc = _chart("f_phenelzine_order_unknown_2019_no_supply_sertraline_sign")
    assert Evaluator(_AS_OF).by_topic(doc, policy=policy)[MAOI]["indicator"] == "critical"
    with pytest.raises(ValueError, match="at least 70 days"):
        load_policy({"mapping": {"unknown_order_days": 49}})


@pytest.mark.parametrize(
    ("name", "said"),
    [
        (
            "f_fluoxetine_fill_ran_out_sertraline_running_phenelzine_select",
            "fluoxetine supply ran out 2026-10-31, 4 days of washout left",
        ),
        (
            "f_fluoxetine_fill_ran_out_linezolid_select",
            "Linezolid with fluoxetine supply ran out 31 days ago: if urgent give it",
        ),
    ],
)
def test_maoi_order_summaries_say_the_supply_ran_out(name: str, said: str) -> None:
    maoi = _cards(name)[MAOI]
    assert maoi["indicator"] == "critical"
    assert said in maoi["summary"]
    assert "stopped" not in maoi["summary"]


def test_unidentified_draft_beside_an_maoi_whose_supply_ran_out() -> None:
    card = _cards("f_phenelzine_fill_ran_out_unidentified_draft_sign")[_QUALITY]
    assert card["indicator"] == "critical"
    said = "henelzine (MAOI) supply ran out 12 days ago (14-day washout, until 2026-12-03)"
    assert card["summary"].startswith(f"P{said}")
    assert f"- P{said}" in card["detail"]
    assert "stopped" not in card["summary"] + card["detail"]
