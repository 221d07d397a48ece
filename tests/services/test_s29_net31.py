"""Session 29 fix net31: noise and one gap of the forms safety net (fhir_mapping/
form_self_harm.py, form_self_harm_answers.py, phq9_form_item9.py), review s29 RQ3's probes
q_* and recheck K16's chart f11 as patient-view requests (tests/services/s29_net31_charts/,
built from K16's f11 request: all 19 prefetch keys, one QuestionnaireResponse swapped in):

1. "Thoughts of hurting yourself or others" on a "Safety screen" form was read as PHQ-9 item 9
   (its "thoughts of hurting yourself" opening) and a plain "No", false, "Denies", "None" or "No
   thoughts" was "PHQ-9 item 9 answer ... could not be read": a question that asks of others
   too is no PHQ-9 item, so the net reads it by its own words (a no is its lowest answer, a yes
   its positive one), and a clear no to the PHQ-9's own words on a form not read as a PHQ-9 is
   nothing;
2. a review of systems' "Suicidal thoughts" = "Absent", "Denied", "Not present", "N/A", and items
   about a task, education or the family's history ("C-SSRS screen completed" = yes, "Patient
   educated on what to do if having suicidal thoughts" = yes, "has anyone in your family made a
   suicide attempt?" = yes) warned or raised the critical card: no answer about the patient's own
   self-harm. A refusal on the same forms still warns, a C-SSRS level is read (a high level
   critical since session 31 fix forms37);
3. "Thoughts of death or dying" = yes (K16 f11) raised nothing: a net wording now.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"
_chart = chart_files.loader(Path(__file__).parent / "s29_net31_charts")
_evaluate = Evaluator(AS_OF)
_ASSESS = "on 2026-11-25: complete a suicide risk assessment today (e.g. C-SSRS)"
_UNREAD = (
    "Self-harm question answer on 2026-11-25 could not be read: check it in the chart; if it is "
    "above the lowest, assess suicide risk today"
)
_PHQ9_UNREAD = (
    "PHQ-9 item 9 answer on 2026-11-25 could not be read: check it in the chart; if it is above "
    "0, assess suicide risk today"
)


def _card(doc: dict[str, Any]) -> tuple[str, str] | None:
    chart_files.check_chart(doc)
    card = _evaluate.by_topic(doc).get(RISK)
    return None if card is None else (card["indicator"], card["summary"])


def _item(doc: dict[str, Any]) -> dict[str, Any]:
    """The chart's form's last item (the question each chart is about)."""
    entry = doc["prefetch"]["questionnaireResponses"]["entry"][0]
    item: dict[str, Any] = entry["resource"]["item"][-1]
    return item


@pytest.mark.parametrize(
    "name",
    [
        "harm_others_no",
        "harm_others_false",
        "harm_others_denies",
        "harm_others_none",
        "harm_others_no_thoughts",
        "harm_self_no",
    ],
)
def test_a_clear_no_on_a_safety_screen_is_quiet(name: str) -> None:
    """Item 1: was the PHQ-9 item 9 "could not be read" warning."""
    assert _card(_chart(name)) is None


def test_harm_to_self_or_others_answered_yes_is_named_as_asked() -> None:
    """Item 1: a yes was "PHQ-9 item 9 answer ... could not be read" on a form that is no
    PHQ-9; now the net's positive answer, named by the question's own words."""
    assert _card(_chart("harm_others_yes")) == (
        "critical",
        f'Self-harm question "Thoughts of hurting yourself or others" = yes {_ASSESS}',
    )


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        # A yes is the net's since session 30 fix forms31 (was "could not be read", false).
        (
            {"valueString": "Yes"},
            ("critical", f'Self-harm question "Thoughts of hurting yourself" = yes {_ASSESS}'),
        ),
        ({"valueString": "1"}, ("warning", _PHQ9_UNREAD)),
        (
            {"valueString": "Several days"},
            ("critical", f"PHQ-9 item 9 = 1 (several days) {_ASSESS}"),
        ),
        ({"valueString": "No"}, None),
    ],
)
def test_the_phq9_words_alone_stay_the_phq9_readers(
    answer: dict[str, Any], expected: tuple[str, str] | None
) -> None:
    """The PHQ-9's own words ("Thoughts of hurting yourself") on any form stay its item 9, as
    session 28 fix fx-forms2 reads them: an answer not of its list stays unread, but a no, and a
    yes, which the forms safety net reads on a form not worded as the PHQ-9 (fix forms31)."""
    doc = _chart("harm_self_no")
    _item(doc)["answer"] = [answer]
    assert _card(doc) == expected


@pytest.mark.parametrize(
    "name",
    [
        "ros_absent",
        "ros_denied",
        "ros_not_present",
        "ros_patient_denies",
        "ros_na",
        "cssrs_completed",
        "cssrs_date",
        "cssrs_by",
        "crisis_line",
        "fam_hx",
    ],
)
def test_absent_denied_and_process_items_are_quiet(name: str) -> None:
    """Item 2: each warned (or, answered yes, raised the critical card) before, but the
    patient-denies control."""
    assert _card(_chart(name)) is None


def test_a_refusal_still_warns() -> None:
    """Control beside item 2: a refusal may hide a yes."""
    assert _card(_chart("ros_declined")) == ("warning", _UNREAD)


def test_a_cssrs_level_is_read() -> None:
    """Control beside item 2: a C-SSRS level on a nursing form is no task. Session 31 fix
    forms37 (recheck K27a): a high level is a positive screen, no longer the warning to check
    (fhir_mapping/form_injury_intent.py)."""
    assert _card(_chart("cssrs_level_high")) == (
        "critical",
        f'Self-harm question "C-SSRS risk level" = high risk {_ASSESS}',
    )


def test_own_attempt_on_an_intake_form_stays_critical() -> None:
    """Control beside the family-history item: the patient's own attempt."""
    assert _card(_chart("own_attempt_in_intake")) == (
        "critical",
        f'Self-harm question "Have you ever made a suicide attempt?" = yes {_ASSESS}',
    )


def test_thoughts_of_death_are_a_net_wording() -> None:
    """Item 3 (K16 f11): nothing before."""
    assert _card(_chart("death_yes")) == (
        "critical",
        f'Self-harm question "Thoughts of death or dying" = yes {_ASSESS}',
    )
    assert _card(_chart("dying_daily")) == (
        "critical",
        'Self-harm question "Thoughts of dying" = nearly every day on 2026-11-25: higher suicide '
        "risk, assess today (C-SSRS) and plan safety",
    )
    assert _card(_chart("death_no")) is None
