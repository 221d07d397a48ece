"""A treatment head does not make a method word after it a treatment plan (lead's follow-up to fix
hist35 s30: its treatment heads won over any method word, so "Plan: start cutting again" beside a
denied SI history read as the treatment plan, the past-SI warning). A `plan_treatment_any` phrase
("as prescribed", "education", "safety", "course") still wins over the whole answer, and a head
whose own words hold a method word ("cut dose") is the head, not the method."""

from __future__ import annotations

import pytest

from fhir_mapping import stated_heading
from fhir_mapping.text_negation import normalise_text


def _risk(answer: str) -> bool:
    return stated_heading.answer_is_risk("plan", normalise_text(answer), "", lambda _: False)


@pytest.mark.parametrize(
    "answer", ["start cutting again", "continue sertraline, stockpiling pills", "crash car"]
)
def test_a_method_after_a_treatment_head_is_a_risk(answer: str) -> None:
    assert _risk(answer)


@pytest.mark.parametrize(
    "answer",
    [
        "cut dose in half",
        "check lithium level",
        "take all meds as prescribed",
        "start TMS",
        "overdose education, naloxone",
        "increase sertraline",
        "rope course",
        "RTC 4 weeks",
        "taper off venlafaxine",
    ],
)
def test_a_treatment_plan_is_no_risk(answer: str) -> None:
    assert not _risk(answer)


@pytest.mark.parametrize(
    "answer",
    [
        # recheck K26 s30 finding 3: a later clause naming a method is a risk
        "gun safety - has loaded gun, wants to use it",
        "education course on overdose then jump off bridge",
        "overdose education - plans to overdose tonight",
        "continue sertraline as prescribed; will hang self",
        # fix hist36: a method word beside a drug name keeps the risk
        "take all her lithium",
        "overdose on lithium",
        "take lithium and crash car",
    ],
)
def test_a_method_in_a_later_clause_is_a_risk(answer: str) -> None:
    assert _risk(answer)


@pytest.mark.parametrize(
    "answer",
    [
        # recheck K26 s30 finding 9: ordinary plans are the treatment plan
        "drive home with wife",
        "see therapist weekly",
        "go back to school",
        "stop sertraline, start venlafaxine",
        "sleep hygiene",
        "deferred",
        "gun safety counseling",
        # fix hist36: a drug of the drug tables and how it is taken (was a risk: no head)
        "take lithium nightly",
        "lithium 300mg qhs",
        "sertraline 50 mg daily",
        "take her quetiapine at bedtime",
    ],
)
def test_an_ordinary_plan_is_no_risk(answer: str) -> None:
    assert not _risk(answer)
