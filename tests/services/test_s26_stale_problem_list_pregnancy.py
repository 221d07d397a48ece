"""Review s26 GC item 1: an ACTIVE problem-list pregnancy code past the years limit.

A Z33.1 problem-list entry (category problem-list-item, clinicalStatus active, recorded
2024-06-15, no EDD, no delivery) read on 2026-12-01 is not a pregnancy (no pregnancy lasts 42
weeks) - right - but past policy.stale_pregnancy_ask_years (2, set for a 2022 Z34.82 ENCOUNTER
diagnosis: review s21 RR finding 7) nothing named it: paroxetine drafted got no pregnancy line at
all, and the optimise card no "confirm she is not pregnant". The list still asserts the pregnancy
today, so it is now asked whatever its age (services/pregnancy_now.py), saying it is still active
on the problem list; the years limit stays for an encounter diagnosis. The condition's category
is carried on the finding (Finding.categories, fhir_mapping/condition_category.py).

Charts: tests/services/stale_problem_list_pregnancy_charts/ (from pregnancy_due_passed_charts'
z331_coded_2024 chart: a 44-year-old woman, recurrent MDD, sertraline failed, venlafaxine running;
Epic / US Core shaped, every prefetch key).
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.conditions import condition_findings
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
_load = chart_files.loader(Path(__file__).parent / "stale_problem_list_pregnancy_charts")
_at = Evaluator(as_of=date(2026, 12, 1))
CAUTION = "order-drug-caution"
OPTIMISE = "optimize-switch-augment"
CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"


def _z331(doc: Doc) -> Doc:
    for entry in doc["prefetch"]["conditions"]["entry"]:
        resource: Doc = entry["resource"]
        if any(c["code"] == "Z33.1" for c in resource["code"]["coding"]):
            return resource
    raise AssertionError("no Z33.1 in the chart")


def _as(doc: Doc, category: str | None = None, status: str | None = None) -> Doc:
    doc = copy.deepcopy(doc)
    z331 = _z331(doc)
    if category is not None:
        z331["category"] = [{"coding": [{"system": CATEGORY, "code": category}]}]
    if status is not None:
        z331["clinicalStatus"]["coding"][0]["code"] = status
    return doc


def _topic(cards: list[Doc], topic: str) -> list[Doc]:
    return [c for c in cards if c["source"]["topic"]["code"] == topic]


def test_the_condition_category_is_carried_on_the_finding() -> None:
    doc = _load("z331_problem_list_2024_paroxetine_select")
    (finding,) = condition_findings(_z331(doc), as_of=date(2026, 12, 1))
    assert finding.categories == ("problem-list-item",)
    assert finding.on_problem_list
    (visit,) = condition_findings(_z331(_as(doc, "encounter-diagnosis")), as_of=date(2026, 12, 1))
    assert visit.categories == ("encounter-diagnosis",) and not visit.on_problem_list


def test_paroxetine_drafted_names_the_active_problem_list_entry() -> None:
    # Before: no pregnancy line at all (the code was older than 2 years).
    cards = _at.cards(_load("z331_problem_list_2024_paroxetine_select"))
    [card] = _topic(cards, CAUTION)
    assert card["indicator"] == "info"
    assert card["summary"] == (
        "Paroxetine: pregnancy code from 2024-06-15 still active on the problem list: confirm "
        "she is not pregnant"
    )
    assert (
        "A pregnancy was coded on 2024-06-15 (Pregnant state, incidental, ICD-10-CM Z33.1), "
        "still active on the problem list; no pregnancy lasts more than 42 weeks"
    ) in card["detail"]
    assert "resolve the problem-list entry if she is not" in card["detail"]
    assert "avoid starting it in pregnancy" not in card["detail"]


def test_the_optimise_card_names_it_at_patient_view() -> None:
    cards = _at.cards(_load("z331_problem_list_2024_view"))
    [card] = _topic(cards, OPTIMISE)
    assert (
        "**Pregnancy coded on 2024-06-15:** Pregnant state, incidental (ICD-10-CM Z33.1), still "
        "active on the problem list; no pregnancy lasts more than 42 weeks"
    ) in card["detail"]


def test_an_encounter_diagnosis_of_2024_keeps_the_years_limit() -> None:
    doc = _as(_load("z331_problem_list_2024_paroxetine_select"), "encounter-diagnosis")
    cards = _at.cards(doc)
    assert not _topic(cards, CAUTION)
    assert all("pregnan" not in c["summary"].lower() for c in cards)
    # ... and it is asked within the years, without the problem-list words.
    recent = _at.cards(doc, policy=Policy(stale_pregnancy_ask_years=3))
    [card] = _topic(recent, CAUTION)
    assert card["summary"] == (
        "Paroxetine: a pregnancy coded on 2024-06-15 is not read as current: confirm she is not "
        "pregnant"
    )
    assert "problem list" not in card["detail"]


def test_a_resolved_problem_list_entry_is_not_asked() -> None:
    doc = _as(_load("z331_problem_list_2024_paroxetine_select"), status="resolved")
    assert not _topic(_at.cards(doc), CAUTION)


def test_the_age_limit_still_holds_for_a_problem_list_entry() -> None:
    doc = _load("z331_problem_list_2024_paroxetine_select")
    assert not _topic(_at.cards(doc, policy=Policy(pregnancy_possible_max_age=40)), CAUTION)
