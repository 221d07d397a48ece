"""Session 29 fix net32: the forms safety net (fhir_mapping/form_self_harm.py,
form_self_harm_answers.py, data/self_harm_form_words.csv) on review s29 RQ4's probes as
patient-view requests (tests/services/s29_net32_charts/: RQ4's lithium chart, all 19 prefetch
keys, with one form "Nursing Admission Assessment"):

1. a yes to a question worded as PAST or LIFETIME ideation or self-harm ("History of suicidal
   ideation", "Prior suicidal ideation", "Wish to be dead (lifetime)", "Self-harm ever") raised
   the critical "complete a suicide risk assessment today" beside the same form's current item
   answered no. Project decision: a warning that asks about current thoughts then; with no
   current item (or one answered yes or not read) it stays critical, and a past suicide ATTEMPT
   answered yes stays critical (ASQ question 4);
2. "Not at this time", "WNL", "None reported", "No (pt denies)" and "N/A" answers warned "could
   not be read": the lowest answer or none, quiet;
3. "Passive", "Passive, no plan" warned "could not be read": passive suicidal ideation is a
   positive answer (critical, as a yes), "no plan" negates no ideation.
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
_chart = chart_files.loader(Path(__file__).parent / "s29_net32_charts")
_evaluate = Evaluator(AS_OF)
_ASSESS = "on 2026-11-25: complete a suicide risk assessment today (e.g. C-SSRS)"
_ASK = "recorded on the form: ask about current thoughts"


def _card(doc: dict[str, Any]) -> tuple[str, str] | None:
    chart_files.check_chart(doc)
    card = _evaluate.by_topic(doc).get(RISK)
    return None if card is None else (card["indicator"], card["summary"])


def _cards(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return list(_evaluate.by_topic(doc).values())


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        (
            "si_yes_past_denies_now",
            f'Self-harm question "History of suicidal ideation" = yes: past suicidal ideation {_ASK}',
        ),
        (
            "prior_si_yes_current_no",
            'Self-harm question "Prior suicidal ideation" = yes on 2026-11-25: past suicidal '
            f"ideation {_ASK}",
        ),
        (
            "cssrs_lifetime_wish_dead_yes_pastmonth_no",
            f'Self-harm question "Wish to be dead (lifetime)" = yes: past suicidal ideation {_ASK}',
        ),
        (
            "selfharm_past_year_no",
            'Self-harm question "Self-harm ever" = yes, as a teenager on 2026-11-25: past '
            f"self-harm {_ASK}",
        ),
    ],
)
def test_a_past_yes_beside_a_current_no_asks_about_now(name: str, summary: str) -> None:
    """Item 1: was critical ("... = yes on 2026-11-25: complete a suicide risk assessment
    today"), or for "Yes, as a teenager" "could not be read"; now a warning worded as read."""
    doc = _chart(name)
    assert _card(doc) == ("warning", summary)
    said = " ".join(c["summary"] + c.get("detail", "") for c in _cards(doc))
    assert "could not be read" not in said and "(not read)" not in said
    assert "ask about current suicidal thoughts first" in said  # the optimise card's hold


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        # No current item on the form: the decision keeps it critical.
        ("asq_hist_only", f'Self-harm question "History of suicidal ideation" = yes {_ASSESS}'),
        # A lifetime attempt stays critical (ASQ question 4, a positive screen).
        (
            "lifetime_attempt_yes_asq",
            f'Self-harm question "Have you ever tried to kill yourself?" = yes {_ASSESS}',
        ),
        # A past attempt answered "Yes (2015)" beside a current ideation "No": read as a yes
        # now (was "could not be read"), and an attempt stays critical.
        (
            "si_current_no_hx_yes_2015",
            f'Self-harm question "Previous suicide attempt" = yes (2015) {_ASSESS}',
        ),
    ],
)
def test_a_past_yes_stays_critical_without_a_current_no_or_for_an_attempt(
    name: str, summary: str
) -> None:
    assert _card(_chart(name)) == ("critical", summary)


def test_a_lifetime_ideation_yes_alone_stays_critical() -> None:
    """Item 1's decision: "Have you ever had thoughts of suicide?" = "Yes, in high school" with
    no current item (was "could not be read")."""
    indicator, summary = _card(_chart("ever_si_yes_high_school")) or ("", "")
    assert indicator == "critical"
    assert summary.startswith(
        'Self-harm question "Have you ever had thoughts of suicide?" = yes, in high school'
    )


@pytest.mark.parametrize(
    "name",
    [
        "self_harm_na",
        "thoughts_suicide_not_at_this_time",
        "suicidal_thoughts_not_at_this_time",
        "si_answer_wnl",
        "thoughts_of_death_none_reported",
        "suicidal_thoughts_no_pt_denies",
    ],
)
def test_a_denial_or_no_answer_is_quiet(name: str) -> None:
    """Item 2: each was "Self-harm question answer on 2026-11-25 could not be read"."""
    assert _card(_chart(name)) is None


@pytest.mark.parametrize(
    ("name", "question", "answer"),
    [
        ("si_passive_no_plan", "Suicidal ideation", "passive, no plan"),
        ("suicidal_thoughts_passive", "Suicidal thoughts", "passive, no plan"),
        ("si_passive_word", "Suicidal ideation", "passive"),
    ],
)
def test_passive_ideation_is_a_positive_answer(name: str, question: str, answer: str) -> None:
    """Item 3: was "could not be read"; now critical as a yes is."""
    assert _card(_chart(name)) == (
        "critical",
        f'Self-harm question "{question}" = {answer} {_ASSESS}',
    )
