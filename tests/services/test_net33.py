"""Session 29 fix net33 (review K18 recheck of the forms safety net; net33_charts/, all 19
prefetch keys, from K18's probe n13_Y: a form with the one question "Have you ever attempted
suicide?"):

1. "Y" read "Self-harm question answer ... could not be read" (a warning), while "N" was
   already a no (suicide_screen_answers.csv no-risk row "n"): a one-letter Y is now a yes
   (self_harm_form_words.csv `positive` row "y"), critical as "Yes" to an attempt question is;
   "y - see note" is a yes with its qualifier. Controls: "N" and "No, never" stay quiet.
2. An ED visit's reason "History of SI, denies current SI", "Past SI, denies SI now" or "Hx of
   SI, denies" (rq4fix chart si_hx_2010_now_denies with the reason changed) was the critical
   "complete a suicide risk assessment today" of a current ED visit for SI, while a form's past
   yes beside a current no is a warning. Now the same warning, worded as the visit's ("past
   suicidal ideation, denied now: ask about current thoughts"; stated_history.history_denied,
   visit_risk.PAST_DENIED, services/past_answers.visit_event). Controls stay critical: a
   history of a suicide ATTEMPT with the same denial, "History of SI" with no denial, "History
   of SI, SI today".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping import stated_history, visit_risk
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"

_chart = chart_files.loader(Path(__file__).parent / "net33_charts")
_at = Evaluator(AS_OF)


def _doc(name: str) -> dict[str, object]:
    doc = _chart(name)
    chart_files.check_chart(doc)
    return doc


@pytest.mark.parametrize("name", ["ever_attempted_Y", "ever_attempted_y_see_note"])
def test_a_one_letter_yes_is_a_yes(name: str) -> None:
    card = _at.by_topic(_doc(name))[RISK]
    assert card["indicator"] == "critical"
    assert 'Self-harm question "Have you ever attempted suicide?" = y' in card["summary"]
    assert "could not be read" not in card["summary"] + card["detail"]


@pytest.mark.parametrize("name", ["ever_attempted_N", "ever_attempted_no_never"])
def test_a_one_letter_no_stays_quiet(name: str) -> None:
    assert RISK not in _at.by_topic(_doc(name))


@pytest.mark.parametrize(
    "name", ["ed_hx_si_denies_current", "ed_past_si_denies_now", "ed_hx_si_denies"]
)
def test_a_visit_history_of_si_denied_now_is_a_warning(name: str) -> None:
    cards = _at.by_topic(_doc(name))
    card = cards[RISK]
    assert card["indicator"] == "warning"
    assert card["summary"].endswith(
        "past suicidal ideation, denied now: ask about current thoughts"
    )
    assert "visit reason records past suicidal ideation and denies it now" in card["detail"]
    assert "complete a suicide risk assessment today" not in card["summary"]


@pytest.mark.parametrize("name", ["ed_hx_attempt_denies_current", "ed_hx_si", "ed_hx_si_si_today"])
def test_an_attempt_or_no_denial_stays_critical(name: str) -> None:
    assert _at.by_topic(_doc(name))[RISK]["indicator"] == "critical"


@pytest.mark.parametrize(
    ("text", "denied"),
    [
        ("History of SI, denies current SI", True),
        ("Hx of SI, now denies", True),
        ("History of SI. Denies SI/HI.", True),
        ("History of SI", False),
        ("History of SI, denies SI but has a plan", False),
        ("History of SI, endorses SI", False),
        ("SI, denies HI", False),
        ("Suicidal ideation history, denies current", False),
        ("History of SI, denies current SI, presents with worsening depression", False),
    ],
)
def test_history_denied(text: str, denied: bool) -> None:
    assert stated_history.history_denied(text, visit_risk._names_any) is denied


def test_a_visit_history_denied_now_keeps_the_window_of_its_critical_reading() -> None:
    """The warning lasts policy.suicide_condition_recent_days (90) after the visit of
    2026-11-20, as the critical reading did, never the form's 365 days: no louder for longer."""
    card = _at.by_topic(_doc("ed_hx_si_denies_current"))[RISK]
    assert "or 90 days after the visit." in card["detail"]
    assert RISK in _at.by_topic(_doc("ed_hx_si_denies_current"), as_of=date(2027, 2, 17))
    assert RISK not in _at.by_topic(_doc("ed_hx_si_denies_current"), as_of=date(2027, 2, 19))
