"""Session 27 review RC: drafts for children, adolescents and young adults that got no card.

1. Esketamine drafted under 18 got no card at all: now a warning naming the SPRAVATO row of
   data/young_age_treatments.csv (approved for adults only). From 18 to 24 it carried no
   boxed warning: SPRAVATO's own boxed warning names suicidal thoughts and behaviors, now an
   age row of data/age_restricted_antidepressants.csv, so the order gets the warning.
2. An ECT referral drafted at 9 or 15 got no card: now a warning (order-ect-young) with the
   NICE NG134 row of young_age_treatments.csv for the age, the counterpart of the TMS card.
3. Aripiprazole drafted at 9 to 23 got no card: under 18 the antipsychotic "not one click" age
   row (adult doses: decide with child and adolescent psychiatry) is said at the order as a
   caution; under 25 the boxed warning its own label carries (as quetiapine's did).

Charts: tests/services/s27_young_drafts_charts/ (built from
tests/services/age_extremes_charts/age16_fluoxetine_failed_escitalopram_partial.json, every
prefetch key), evaluated as of 2026-12-01 at order-sign.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services import drug_rules
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

FOLDER = Path(__file__).parent / "s27_young_drafts_charts"
_chart = chart_files.loader(FOLDER)
_at = Evaluator(date(2026, 12, 1))
Doc = dict[str, Any]

CAUTION = "order-drug-caution"
ECT_YOUNG = "order-ect-young"


def _born(doc: Doc, birth: str) -> Doc:
    doc["prefetch"]["patient"]["birthDate"] = birth
    return doc


def _topics(doc: Doc) -> dict[str, Doc]:
    return _at.by_topic(doc)


@pytest.mark.parametrize("name", sorted(p.stem for p in FOLDER.glob("*.json")))
def test_each_chart_carries_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


@pytest.mark.parametrize("name", ["age9_esketamine_draft", "age16_esketamine_draft"])
def test_esketamine_under_18_is_a_warning_naming_the_spravato_row(name: str) -> None:
    card = _topics(_chart(name))[CAUTION]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Esketamine at age ")
    assert "approved for adults only" in card["summary"]
    assert "SPRAVATO label" in card["summary"]
    assert "its safety and effectiveness below 18 are not established" in card["detail"]
    # The under-25 boxed warning rides on it, with the label's own line.
    assert "**Boxed warning (age" in card["detail"]
    assert "its own label carries this suicidality boxed warning (SPRAVATO label)" in card["detail"]


def test_esketamine_at_19_gets_the_boxed_warning_of_its_own_label() -> None:
    cards = _at.cards(_chart("age19_esketamine_draft"))
    assert len(cards) == 1
    card = cards[0]
    assert card["indicator"] == "info"
    assert card["summary"].startswith("Esketamine at age 19: antidepressants raise the risk")
    assert "its own label carries this suicidality boxed warning (SPRAVATO label)" in card["detail"]
    # Not the under-18 line.
    assert "approved for adults only" not in card["detail"]


def test_esketamine_at_25_gets_neither_line() -> None:
    doc = _born(_chart("age19_esketamine_draft"), "2001-06-01")
    for card in _at.cards(doc):
        assert "Boxed warning" not in card["detail"]
        assert "approved for adults only" not in card["detail"]


def test_ect_referral_at_9_is_not_recommended_under_12() -> None:
    card = _topics(_chart("age9_ect_referral_draft"))[ECT_YOUNG]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "ECT ordered at age 9: ECT is not recommended for depression in children under 12 "
        "(NICE NG134)"
    )
    assert "ServiceRequest/sr-ect-9" in card["detail"]


def test_ect_referral_at_15_names_the_nice_criteria_and_child_psychiatry() -> None:
    card = _topics(_chart("age15_ect_referral_draft"))[ECT_YOUNG]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("ECT ordered at age 15: NICE NG134")
    for words in (
        "very severe depression with life-threatening symptoms",
        "intractable severe symptoms",
        "child and adolescent psychiatry (an independent second opinion)",
        # The consent the source names for a minor (review s27 RC finding 9).
        "written informed consent (the parent's or guardian's, and the young person's)",
        "not a one-click referral",
    ):
        assert words in card["detail"], words


def test_ect_referral_at_18_gets_no_age_card() -> None:
    doc = _born(_chart("age15_ect_referral_draft"), "2008-11-01")
    assert ECT_YOUNG not in _topics(doc)


@pytest.mark.parametrize("birth", ["2017-06-10", "2010-04-04"])
def test_aripiprazole_under_18_says_adult_doses_at_the_order(birth: str) -> None:
    card = _topics(_born(_chart("age16_aripiprazole_draft"), birth))[CAUTION]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Aripiprazole: adult doses")
    assert "decide with child and adolescent psychiatry" in card["summary"]
    assert "not to be used" not in card["summary"]  # a caution, not a bar
    assert "**Boxed warning (age" in card["detail"]
    assert (
        "its own label carries this suicidality boxed warning (aripiprazole label)"
        in (card["detail"])
    )


def test_aripiprazole_at_23_gets_the_boxed_warning_of_its_own_label() -> None:
    cards = _at.cards(_chart("age23_aripiprazole_draft"))
    assert [c["indicator"] for c in cards] == ["info"]
    assert cards[0]["summary"].startswith("Aripiprazole at age 23: antidepressants raise the risk")
    assert "aripiprazole 5 mg/day: not taken in the last" in cards[0]["detail"]


def test_aripiprazole_at_25_gets_no_card() -> None:
    doc = _born(_chart("age23_aripiprazole_draft"), "2001-06-01")
    assert _at.cards(doc) == []


def test_quetiapine_under_18_says_adult_doses_and_keeps_its_boxed_warning() -> None:
    topics = _topics(_chart("age16_quetiapine_draft"))
    card = topics[CAUTION]
    assert card["summary"].startswith("Quetiapine: adult doses")
    assert "**Boxed warning (age 16)" in card["detail"]
    # Quetiapine is an antidepressant-table row: no own-label line is added for it.
    assert "its own label carries" not in card["detail"]


def test_the_own_label_rows_name_the_adjuncts_found_and_not_the_antidepressants() -> None:
    named = {
        r.ingredient
        for r in drug_rules.age_rules()
        if r.choice is drug_rules.Choice.BOXED_WARNING and r.ingredient
    }
    assert named == {"aripiprazole", "brexpiprazole", "cariprazine", "esketamine"}
    assert drug_rules.own_boxed_warning("aripiprazole", 24) is not None
    assert drug_rules.own_boxed_warning("aripiprazole", 25) is None
    assert drug_rules.own_boxed_warning("sertraline", 16) is None
