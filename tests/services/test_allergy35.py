"""Fix allergy35 (s30): recheck K25a of the allergy cards (allergy34), charts as of 2026-12-01.

1. Anaphylaxis 2023-03-20, sertraline stopped in 2023, one 30-day dispense from 2026-06-28 (or
   60 days from 2026-05-29), no supply for months, taken again from 2026-11-14: the trial builder
   bridges the gap into one course, so order-sign read a course of 156 (186) days that settled the
   entry (a warning) while chart open said 17 days (critical). A running course settles an entry
   only by the days since it was last taken up again (tolerability.rechallenge_settles,
   taken_up): critical at both, and the chart-open summary names the restart.
2. An undated anaphylaxis entry (no recordedDate, onset or lastOccurrence) with sertraline taken
   before: no card at order-sign. No dosing can be shown to come after it, so nothing settles it
   (tolerability.settled_by): critical, as with no course at all.
3. allergy_classes.severe_reaction: "mild" grades only serotonin syndrome (the `mild-form` rows);
   "not mild", "non-mild" is no qualifier; "? yes" answers the doubt.

Charts: tests/services/allergy35_charts/ (K25a, all 19 prefetch keys).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "allergy35_charts"
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


# --- 1: a restart after a supply gap ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "topic"),
    [
        ("a17_rechal_30d_2026_then_restart17", NOT_TOLERATED),
        ("a17_rechal_60d_2026_then_restart17", NOT_TOLERATED),
        ("a18_rechal_30d_2026_then_restart17", RUNNING),
        ("a18_rechal_60d_2026_then_restart17", RUNNING),
        # Controls (allergy34): one restart after the 2023 course.
        ("a17_base", NOT_TOLERATED),
        ("a18_base", RUNNING),
    ],
)
def test_a_restart_after_a_gap_is_critical_at_both_hooks(name: str, topic: str) -> None:
    card = _card(name, topic)
    assert card is not None and card["indicator"] == "critical"


@pytest.mark.parametrize("name", ["a17_rechal_30d_2026_then_restart17", "a17_base"])
def test_order_sign_counts_days_from_the_restart(name: str) -> None:
    card = _card(name, NOT_TOLERATED)
    assert card is not None
    assert "156 days" not in card["detail"]
    assert "since 2026-11-14" in card["detail"] and "17 days so far" in card["detail"]


@pytest.mark.parametrize(
    "name", ["a18_rechal_30d_2026_then_restart17", "a18_rechal_60d_2026_then_restart17"]
)
def test_chart_open_summary_names_the_restart(name: str) -> None:
    card = _card(name, RUNNING)
    assert card is not None
    assert "taken again since 2026-11-14" in card["summary"]
    assert "186 days" not in card["detail"]


# --- 2: an undated severe entry -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "a17_undated_anaph_control",
        "a17_undated_anaph_stopped2023_restarted_2026-11-14",
        # Control: no course of sertraline at all (critical before too).
        "a17_undated_never_dosed_anaph_control",
    ],
)
def test_an_undated_anaphylaxis_is_never_settled(name: str) -> None:
    card = _card(name, NOT_TOLERATED)
    assert card is not None and card["indicator"] == "critical"
    assert "date not recorded" in card["summary"]


def test_control_an_undated_rash_on_a_running_course_is_a_renewal() -> None:
    assert _card("a17_undated_rash_control", NOT_TOLERATED) is None


# --- 3: qualifiers --------------------------------------------------------------------------------


def _manifestation(text: str) -> dict[str, object]:
    return {"resourceType": "AllergyIntolerance", "reaction": [{"manifestation": [{"text": text}]}]}


@pytest.mark.parametrize(
    ("text", "severe"),
    [
        ("not mild - anaphylaxis", True),
        ("not mild anaphylaxis", True),
        ("non-mild anaphylaxis", True),
        ("Severe, not mild: anaphylaxis", True),
        ("anaphylaxis? yes", True),
        ("mild anaphylaxis", True),
        ("mild angioedema", True),
        ("mild DRESS", True),
        ("mild NMS", True),
        ("mild SJS", True),
        ("non-mild serotonin syndrome", True),
        # Controls: doubts, negations, and serotonin syndrome's mild form.
        ("mild serotonin syndrome", False),
        ("Mild serotonin toxicity", False),
        ("Anaphylaxis?", False),
        ("Anaphylaxis? no", False),
        ("possible anaphylaxis", False),
        ("not anaphylaxis", False),
        ("no anaphylaxis", False),
        ("Mild hives", False),
        ("anaphylaxis", True),
    ],
)
def test_mild_and_negated_qualifiers(text: str, severe: bool) -> None:
    from fhir_mapping.allergy_classes import severe_reaction

    assert severe_reaction(_manifestation(text)) is severe
