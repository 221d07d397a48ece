"""Review s26 RK3 findings 1-4 on the nortriptyline level card (services/rules/tca_level.py,
tca_level_text.py; data/lab_safety.csv level-above and level-toxic rows).

1. UNSAFE: a level of 600 ng/mL drawn after the course's recorded end gave no card (only a
   running course was read). With a half-life of about 30 hours, a level that high after the
   end means the drug is still taken or was taken in overdose: critical, "still taking it or
   overdosed? assess for toxicity now (ECG)". A level above the range (not toxic) after the end
   is a warning, "still taking it? ask, and repeat the level" (the safer reading: nothing should
   be left a week after a stop). A level drawn on or before the end (the stop acted on it) and a
   level older than policy.lab_recent_days stay quiet.
2. A level of 300 two days after the dose was lowered from 75 to 25 mg/day read "check for
   toxicity and lower the dose ... may still rise": the level is still falling. Now "2 days after
   lowering from 75 mg/day: still falling; repeat the level (ECG if symptomatic)"; a toxic level
   after a decrease stays critical with its assess-now advice.
3. 2000 nmol/L (about 527 ng/mL) gave no card: nmol/L is now converted (data/lab_unit_factors.csv,
   263.38 g/mol), also under the molar LOINC 14856-9 (asked for under `labsSI`); a level in a unit
   no table converts is named; 600 ug/L is said in ng/mL, the unit of its lines.
4. steady_days 5 -> 7 (UNVERIFIED: half-life 14-51 h): a level 5 days after a change is not steady.

Charts: tests/services/tca_level_rk3_charts/ (the review's charts, renamed; Epic-shaped requests
with every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services import catalog, lab_safety
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

LEVEL = "running-drug-level"
FOLDER = Path(__file__).parent / "tca_level_rk3_charts"
_chart = chart_files.loader(FOLDER)
_at = Evaluator(date(2026, 12, 1))
Doc = dict[str, Any]


def _cards(doc: Doc, policy: Policy | None = None) -> dict[str, Doc]:
    return by_topic(_at.cards(doc, policy=policy))


def _level(doc: Doc) -> Doc:
    """The chart's one nortriptyline level (under `labsSI`), latest first."""
    found = [
        e["resource"]
        for e in doc["prefetch"]["labsSI"]["entry"]
        if e["resource"]["resourceType"] == "Observation"
    ]
    return sorted(found, key=lambda r: r["effectiveDateTime"])[-1]


def _set(doc: Doc, *, value: float | None = None, day: str | None = None) -> Doc:
    level = _level(doc)
    if value is not None:
        level["valueQuantity"]["value"] = value
    if day is not None:
        for key in ("effectiveDateTime", "issued"):
            if key in level:
                level[key] = f"{day}T09:30:00-05:00"
    return doc


@pytest.mark.parametrize("name", sorted(p.stem for p in FOLDER.glob("*.json")))
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


# --- finding 1: a level drawn after the course's recorded end ------------------------------


def test_toxic_level_after_the_recorded_end_is_critical() -> None:
    card = _cards(_chart("level600_nov28_after_stop_oct1"))[LEVEL]
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Nortriptyline level 600 ng/mL on 2026-11-28, 29 days after its recorded end: still "
        "taking it or overdosed? assess for toxicity now (ECG)"
    )
    assert (
        "to its recorded end on 2026-10-30; the level was drawn 29 days after it"
        in (card["detail"])
    )
    assert "or was taken in overdose" in card["detail"]
    assert "how far to lower the dose" not in card["detail"]


def test_toxic_level_months_after_the_end_is_critical_too() -> None:
    card = _cards(_chart("level600_sep14_after_course_ended_jul"))[LEVEL]
    assert card["indicator"] == "critical"
    assert "after its recorded end" in card["summary"]


def test_above_range_level_after_the_end_asks_whether_it_is_still_taken() -> None:
    card = _cards(_set(_chart("level600_nov28_after_stop_oct1"), value=300))[LEVEL]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Nortriptyline level 300 ng/mL on 2026-11-28, after its recorded end on 2026-10-30: "
        "still taking it? ask, and repeat the level"
    )


def test_level_drawn_before_the_stop_stays_quiet() -> None:
    """Level on 09-14, course stopped on 09-15: the stop acted on it."""
    assert LEVEL not in _cards(_chart("level600_sep14_then_stopped_next_day"))


def test_level_after_the_end_older_than_the_recent_window_stays_quiet() -> None:
    doc = _chart("level600_sep14_after_course_ended_jul")  # 78 days before as-of
    assert LEVEL in _cards(doc, Policy(lab_recent_days=90))
    assert LEVEL not in _cards(doc, Policy(lab_recent_days=60))


def test_in_range_level_after_the_end_stays_quiet() -> None:
    assert LEVEL not in _cards(_set(_chart("level600_nov28_after_stop_oct1"), value=40))


# --- finding 2: a level just after a decrease is still falling -----------------------------


def test_level_two_days_after_a_decrease_is_still_falling_repeat_it() -> None:
    card = _cards(_chart("lowered_75_to_25_level300_two_days_later"))[LEVEL]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Nortriptyline level 300 ng/mL on 2026-09-18, 2 days after lowering from 75 mg/day: "
        "still falling; repeat the level (ECG if symptomatic)"
    )
    assert (
        "drawn 2 days after the dose was lowered from 75 mg/day on 2026-09-16: still falling"
        in card["detail"]
    )
    assert "repeat it 7 days or more after the change" in card["detail"]
    assert "may still rise" not in card["detail"]
    assert "lower the dose" not in card["detail"]


def test_toxic_level_after_a_decrease_stays_critical_with_assess_now() -> None:
    card = _cards(_set(_chart("lowered_75_to_25_level300_two_days_later"), value=600))[LEVEL]
    assert card["indicator"] == "critical"
    assert "assess for toxicity now" in card["summary"]
    assert "still falling" in card["detail"]


def test_in_range_level_after_a_decrease_stays_quiet() -> None:
    assert LEVEL not in _cards(_chart("lowered_75_to_25_level90_in_range_nov"))


# --- finding 4: steady state after 7 days (UNVERIFIED) ---------------------------------------


def test_steady_state_is_seven_days() -> None:
    for check in ("level-above", "level-toxic"):
        row = lab_safety.rule_for(check, "nortriptyline", "TCA")
        assert row is not None and row.steady_days == 7
        assert "UNVERIFIED" in row.source


def test_level_five_days_after_a_decrease_is_still_not_steady() -> None:
    doc = _set(_chart("lowered_75_to_25_level300_two_days_later"), day="2026-09-21")
    card = _cards(doc)[LEVEL]
    assert "5 days after lowering from 75 mg/day: still falling" in card["summary"]


# --- finding 3: units -----------------------------------------------------------------------


def test_toxic_level_in_nmol_per_l_is_converted_and_critical() -> None:
    card = _cards(_chart("level2000_nmol_per_l_mass_code_toxic"))[LEVEL]
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Nortriptyline level 2000 nmol/L (about 527 ng/mL): above the 500 ng/mL toxic line; "
        "assess for toxicity now (ECG for QRS and QTc)"
    )
    # The lab's value first, the molar conversion beside it, rounded (session 30 labs33 item 2).
    assert "2000 nmol/L (about 527 ng/mL) on 2026-09-14" in card["detail"]


@pytest.mark.parametrize(
    "name", ["level600_nmol_per_l_mass_code", "level600_nmol_per_l_molar_code"]
)
def test_600_nmol_per_l_is_158_ng_per_ml_above_the_range_not_toxic(name: str) -> None:
    card = _cards(_chart(name))[LEVEL]
    assert card["indicator"] == "warning"
    # The lab's value first, the molar conversion beside it (session 30 labs33 item 2).
    assert card["summary"].startswith("Nortriptyline level 600 nmol/L (about 158 ng/mL)")
    assert "600 nmol/L (about 158 ng/mL) on 2026-09-14" in card["detail"]


def test_the_molar_code_is_asked_for_under_labs_si() -> None:
    templates = {key: t for s in catalog.services() for key, t in s.prefetch}
    assert "http://loinc.org|14856-9" in templates["labsSI"]


def test_level_in_ug_per_l_is_said_in_ng_per_ml() -> None:
    card = _cards(_chart("level600_ug_per_l"))[LEVEL]
    assert card["summary"].startswith(
        "Nortriptyline level 600 ng/mL on 2026-09-14: above the 500 ng/mL toxic line"
    )
    assert "600 ng/mL (sent as 600 ug/L)" in card["detail"]


def test_level_in_a_unit_no_table_reads_is_named() -> None:
    doc = _chart("level2000_nmol_per_l_mass_code_toxic")
    _level(doc)["valueQuantity"].update(unit="ng/dL", code="ng/dL")
    card = _cards(doc)[LEVEL]
    assert card["indicator"] == "warning"
    assert "sent in a unit this service does not convert" in card["detail"]
    assert card["summary"] == (
        "Nortriptyline level 2000 ng/dL on 2026-09-14: unit not read, not compared with 50-150 "
        "ng/mL; read the lab's report"
    )
