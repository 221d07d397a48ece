"""Fix allergy34 (s30): recheck K24b of the allergy cards (allergy31-33), charts as of 2026-12-01.

1. Anaphylaxis recorded during a 2023 sertraline course, sertraline stopped in 2023 and taken
   again from 2026-11-14 (17 days) or 2026-09-26 (66 days): no allergy card at order-sign or
   chart open, and the optimise card proposed "raise sertraline 100 -> 150 mg/day". The course
   the reaction was recorded on no longer settles the entry unless it is the drug's latest
   (tolerability.settled_by): the 17-day re-challenge is critical (order-sign and chart open);
   the 66-day one a warning (running_reactions.severe_rechallenged), and no raise is proposed.
2. The time dosed since an entry is counted from the day the supply was taken up again after a
   gap (tolerability.taken_up): a rash entry, the 2023 request still active, no dispense from
   2023-04 to 2026-11-14, is a warning again (no card before); "ran on 1352 days" is now 66.
3. A doubt or "mild" qualifier is read within one label and right before the reaction
   (fhir_mapping/allergy_classes): "Mild hives" (display) with "Anaphylaxis" (text), "mild rash
   serotonin syndrome" and "Anaphylaxis?? confirmed by allergist" are critical, as the plain
   anaphylaxis control is.

Charts: tests/services/allergy34_charts/ (K24b, all 19 prefetch keys).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "allergy34_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))
NOT_TOLERATED = "order-not-tolerated"
RUNNING = "running-drug-allergy"
RAISE = "raise sertraline 100 → 150"


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _cards(name: str) -> list[Doc]:
    return _at.cards(_chart(name))


def _card(name: str, topic: str) -> Doc | None:
    return _at.by_topic(_chart(name)).get(topic)


# --- 1: a re-challenge after a severe entry ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "topic", "indicator"),
    [
        ("a17_anaph_stopped2023_restarted_2026-11-14", NOT_TOLERATED, "critical"),
        ("a18_anaph_stopped2023_restarted_2026-11-14", RUNNING, "critical"),
        ("a17_anaph_stopped2023_restarted_2026-09-26", NOT_TOLERATED, "warning"),
        ("a18_anaph_stopped2023_restarted_2026-09-26", RUNNING, "warning"),
    ],
)
def test_a_restart_after_anaphylaxis_is_said(name: str, topic: str, indicator: str) -> None:
    card = _card(name, topic)
    assert card is not None
    assert card["indicator"] == indicator
    assert "2023-03-20" in card["summary"]


def test_a_short_restart_says_it_settles_nothing() -> None:
    card = _card("a18_anaph_stopped2023_restarted_2026-11-14", RUNNING)
    assert card is not None
    assert "before this course (taken again since 2026-11-14)" in card["summary"]
    assert "17 days so far (fewer than the 42" in card["detail"]


@pytest.mark.parametrize(
    "name",
    ["a18_anaph_stopped2023_restarted_2026-09-26", "a18_anaph_stopped2023_restarted_2026-11-14"],
)
def test_no_raise_proposed_while_the_severe_entry_is_active(name: str) -> None:
    assert not any(RAISE in c["summary"] for c in _cards(name))


def test_control_the_course_the_reaction_happened_on_running_since() -> None:
    """allergy33: years of dosing since a severe entry stay a warning, not critical."""
    card = _card("a18_anaph_control", RUNNING)
    assert card is not None and card["indicator"] == "warning"
    assert "ran on 1352 days since" in card["detail"]
    assert "before this course" not in card["summary"]


def test_control_a_recent_entry_on_a_running_course_is_critical() -> None:
    card = _card("a17_anaph_lastOccurrence_recent", NOT_TOLERATED)
    assert card is not None and card["indicator"] == "critical"


# --- 2: a dispensing gap is no dosing ---------------------------------------------------------


def test_a_rash_entry_and_a_restart_after_a_gap_is_a_warning() -> None:
    card = _card("a17_rash_gap_mr_active_restarted_2026-11-14", NOT_TOLERATED)
    assert card is not None and card["indicator"] == "warning"
    assert "taken up again on 2026-11-14 after a gap in supply, 17 days so far" in card["detail"]


@pytest.mark.parametrize("name", ["a17_anaph_stopped_restarted", "a18_anaph_stopped_restarted"])
def test_days_since_are_counted_from_the_restart(name: str) -> None:
    card = _card(name, NOT_TOLERATED if name.startswith("a17") else RUNNING)
    assert card is not None and card["indicator"] == "warning"
    assert "1352 days" not in card["detail"]
    assert "ran on 66 days since it was taken up again on 2026-09-26" in card["detail"]


def test_control_continuous_dosing_counts_from_the_entry() -> None:
    card = _card("a17_anaph_control", NOT_TOLERATED)
    assert card is not None and card["indicator"] == "warning"
    assert "ran on 1352 days since (" in card["detail"]


# --- 3: qualifiers within one label, right before the reaction --------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "m0_control_anaphylaxis",
        "m1_display_mild_hives_text_anaphylaxis",
        "m2_text_mild_rash_serotonin_syndrome_nosep",
        "m3_anaphylaxis_double_q_confirmed",
    ],
)
def test_a_qualifier_of_another_label_or_reaction_keeps_it_severe(name: str) -> None:
    card = _card(name, NOT_TOLERATED)
    assert card is not None and card["indicator"] == "critical"


def _manifestation(text: str, display: str | None = None) -> dict[str, object]:
    concept: dict[str, object] = {"text": text}
    if display is not None:
        concept["coding"] = [
            {"system": "http://example.org/local", "code": "x", "display": display}
        ]
    return {"resourceType": "AllergyIntolerance", "reaction": [{"manifestation": [concept]}]}


@pytest.mark.parametrize(
    ("text", "display", "severe"),
    [
        ("Anaphylaxis", "Mild hives", True),
        ("Mild hives", "Anaphylaxis", True),
        ("mild rash serotonin syndrome", None, True),
        ("Anaphylaxis?? confirmed by allergist", None, True),
        ("mild: anaphylaxis", None, True),
        # Controls (allergy33 kept): a doubt or a mild form right before the reaction.
        ("Anaphylaxis?", None, False),
        ("Anaphylaxis? not confirmed", None, False),
        ("possible anaphylaxis", None, False),
        ("mild serotonin syndrome", None, False),
    ],
)
def test_qualifiers_read_within_a_label(text: str, display: str | None, severe: bool) -> None:
    from fhir_mapping.allergy_classes import severe_reaction

    assert severe_reaction(_manifestation(text, display)) is severe
