"""Session 29 fix k19a1: the forms safety net (fhir_mapping/form_self_harm.py,
form_self_harm_notes.py, data/self_harm_form_words.csv) on review s29 recheck K19a's charts as
patient-view requests (tests/services/s29_k19a1_charts/: the lithium chart of
s29_net32_charts, all 19 prefetch keys, with one form "Nursing Admission Assessment"):

1. "History of suicidal ideation" = yes, "Current suicidal ideation" = no and "Thoughts of hurting
   yourself" = yes (read as PHQ-9 item 9 and not read there) was the past warning: the past
   downgrade now needs EVERY current item of the form answered no; a current yes or an answer not
   read keeps the past yes critical;
2. plan and intent items ("Suicide plan", "Suicidal intent") were read by no one: a yes raised
   nothing alone, and the past warning beside a history yes; now current self-harm questions;
3. a note or family item whose answer names the patient's own attempt or a positive, high-risk
   result was silent; now critical (a part about the patient that names other self-harm words:
   the warning to check it);
4. "Passive wish to be dead" and, on a question of harm to self or others, "Denies others;
   endorses self" were "could not be read": yes.
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
_chart = chart_files.loader(Path(__file__).parent / "s29_k19a1_charts")
_evaluate = Evaluator(AS_OF)
_ASSESS = "on 2026-11-25: complete a suicide risk assessment today (e.g. C-SSRS)"
_ASSESS_SHORT = "on 2026-11-25: assess suicide risk today"
_UNREAD = "could not be read"


def _card(doc: dict[str, Any]) -> tuple[str, str] | None:
    chart_files.check_chart(doc)
    card = _evaluate.by_topic(doc).get(RISK)
    return None if card is None else (card["indicator"], card["summary"])


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        # 1: was the past warning (a current item read by another reader, answered yes). Since
        # session 30 fix forms31 the net reads that current yes itself and quotes it.
        (
            "hx_si_yes_current_no_hurting_self_yes",
            f'Self-harm question "Thoughts of hurting yourself" = yes {_ASSESS}',
        ),
        # 1: was "could not be read" (a current item not read beside the past yes).
        (
            "hx_si_yes_current_no_death_often",
            f'Self-harm question "History of suicidal ideation" = yes {_ASSESS}',
        ),
        # 2: were the past warning, or nothing.
        ("hx_si_yes_current_no_plan_yes", f'Self-harm question "Suicide plan" = yes {_ASSESS}'),
        (
            "hx_si_yes_current_no_intent_yes",
            f'Self-harm question "Suicidal intent" = yes {_ASSESS}',
        ),
        ("plan_yes_alone", f'Self-harm question "Suicide plan" = yes {_ASSESS}'),
        ("current_no_plan_yes", f'Self-harm question "Suicide plan" = yes {_ASSESS}'),
        # 4: was "could not be read".
        (
            "passive_wish_dead",
            f'Self-harm question "Suicidal thoughts" = passive wish to be dead {_ASSESS}',
        ),
    ],
)
def test_a_current_yes_is_critical(name: str, summary: str) -> None:
    assert _card(_chart(name)) == ("critical", summary)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        # 3: were silent (a note or family item).
        ("family_attempt_yes_pt_too", "= yes - mother; pt also attempted last..."),
        ("cssrs_completed_positive_high", "= yes - positive, high risk"),
        # 4: was "could not be read".
        ("harm_others_denies_others_endorses_self", "= denies others; endorses self"),
    ],
)
def test_an_answer_of_the_patients_own_risk_is_critical(name: str, words: str) -> None:
    card = _card(_chart(name))
    assert card is not None and card[0] == "critical"
    assert words in card[1] and card[1].endswith(_ASSESS_SHORT)


def test_every_current_item_no_keeps_the_past_warning() -> None:
    """Plan and intent answered no are current items answered no: the past warning stays."""
    card = _card(_chart("hx_si_yes_current_no_plan_no_intent_no"))
    assert card is not None and card[0] == "warning"
    assert "past suicidal ideation recorded on the form: ask about current thoughts" in card[1]


def test_a_note_naming_the_patients_ideation_is_critical() -> None:
    """ "Yes - brother; pt endorses SI": the patient's own SI, critical (was the warning to
    check; session 30 fix forms32)."""
    card = _card(_chart("family_attempt_yes_pt_endorses_si"))
    assert card is not None and card[0] == "critical" and _UNREAD not in card[1]


@pytest.mark.parametrize(
    "name", ["family_attempt_yes_mother_pt_denies", "cssrs_completed_negative"]
)
def test_a_note_of_nothing_the_patients_stays_quiet(name: str) -> None:
    assert _card(_chart(name)) is None


def test_a_yes_of_others_alone_is_not_read_as_self() -> None:
    """ "Endorses others; denies self" stays the answer to check (as before)."""
    card = _card(_chart("harm_others_endorses_others_denies_self"))
    assert card is not None and card[0] == "warning" and _UNREAD in card[1]
