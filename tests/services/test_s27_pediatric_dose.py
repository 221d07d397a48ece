"""Session 27 review RC findings 4 and 5: adult doses and unlisted antidepressants drafted for
children and adolescents.

4. Fluoxetine 60 mg/day drafted at 9 to 17 got no dose line (60 is the top of the adult range),
   though the Prozac label gives 10-20 mg/day in pediatric depression: now the age-limit card
   names the label's pediatric dose (data/pediatric_doses.csv). Escitalopram 40 mg/day at 13,
   above both the adolescent dose (Lexapro label 2.1) and the adult maximum, is one card.
5. Bupropion (and mirtazapine ...) drafted under 18 got only the boxed-warning information card,
   while sertraline at 9 got a warning: now the not-labelled default row of
   data/age_restricted_antidepressants.csv is a warning naming the agents FDA-approved at the age.

Charts: tests/services/s27_pediatric_dose_charts/ (built from
tests/services/age_extremes_charts/age16_fluoxetine_failed_escitalopram_partial.json, every
prefetch key), evaluated as of 2026-12-01 at order-sign.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services import drug_rules, pediatric_doses
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

FOLDER = Path(__file__).parent / "s27_pediatric_dose_charts"
_chart = chart_files.loader(FOLDER)
_at = Evaluator(date(2026, 12, 1))
Doc = dict[str, Any]

AGE_LIMIT = "order-dose-above-age-limit"
ABOVE = "order-dose-above-range"
CAUTION = "order-drug-caution"


def _topics(doc: Doc) -> dict[str, Doc]:
    return _at.by_topic(doc)


@pytest.mark.parametrize("name", sorted(p.stem for p in FOLDER.glob("*.json")))
def test_each_chart_carries_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


@pytest.mark.parametrize(
    ("name", "age"), [("age9_fluoxetine60_draft", 9), ("age17_fluoxetine60_draft", 17)]
)
def test_fluoxetine_60_under_18_is_above_the_pediatric_dose(name: str, age: int) -> None:
    card = _topics(_chart(name))[AGE_LIMIT]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith(
        f"Fluoxetine 60 mg/day at age {age}: above the 20 mg/day its label gives for depression "
        "under 18 (Prozac label 2.2)"
    )
    assert (
        "10-20 mg/day (start 10 mg/day; lower-weight children may stay at 10 mg/day)"
        in (card["detail"])
    )
    assert card["source"]["label"] == "Prozac label 2.2"  # not the citalopram letter


def test_fluoxetine_60_at_19_gets_no_pediatric_line() -> None:
    topics = _topics(_chart("age19_fluoxetine60_draft"))
    assert AGE_LIMIT not in topics
    assert not any("pediatric" in c["detail"] for c in topics.values())


def test_fluoxetine_20_at_13_is_within_the_pediatric_dose() -> None:
    assert AGE_LIMIT not in _topics(_chart("age13_fluoxetine20_draft"))


def test_escitalopram_40_at_13_is_one_card_for_both_maxima() -> None:
    topics = _topics(_chart("age13_escitalopram40_draft"))
    assert ABOVE not in topics  # folded into the age card
    card = topics[AGE_LIMIT]
    assert card["summary"].startswith(
        "Escitalopram 40 mg/day at age 13: above the 20 mg/day its label gives for depression "
        "under 18 (Lexapro label 2.1)"
    )
    assert "**Also above the maximum at any age:** escitalopram 40 mg/day exceeds" in card["detail"]


def test_the_table_holds_only_the_two_agents_labelled_under_18() -> None:
    # The agents the FDA labels approve for pediatric depression (drug_rules.labelled_at) are
    # the ones with a pediatric dose row, from the same age.
    labelled = {(r.ingredient, r.min_age) for r in drug_rules.labelled_at(17)}
    assert {(r.ingredient, r.min_age) for r in pediatric_doses.rows()} == labelled
    assert pediatric_doses.row_for("fluoxetine", 7) is None  # below 8: the under-age line
    assert pediatric_doses.row_for("escitalopram", 11) is None
    assert pediatric_doses.row_for("fluoxetine", 18) is None
    assert pediatric_doses.row_for("fluoxetine", None) is None


@pytest.mark.parametrize(
    ("name", "drug", "age", "approved"),
    [
        ("age9_bupropion_draft", "Bupropion", 9, "fluoxetine (8+)"),
        ("age13_bupropion_draft", "Bupropion", 13, "fluoxetine (8+), escitalopram (12+)"),
        ("age15_mirtazapine_draft", "Mirtazapine", 15, "fluoxetine (8+), escitalopram (12+)"),
    ],
)
def test_an_unlisted_antidepressant_under_18_is_a_warning(
    name: str, drug: str, age: int, approved: str
) -> None:
    card = _topics(_chart(name))[CAUTION]
    assert card["indicator"] == "warning"
    # The boxed warning rides on the summary where it fits (review s27 RC finding 10): "; boxed
    # warning" when the full "(under 25)" does not.
    assert card["summary"].removesuffix("; boxed warning") == (
        f"{drug}: not labelled for depression under 18 (age {age}; FDA labels, NICE NG134); "
        f"FDA-approved at {age}: {approved}"
    )
    assert "Fluoxetine is the first choice" in card["detail"]
    assert "**Boxed warning (age" in card["detail"]  # the under-25 line rides on it


def test_bupropion_at_19_keeps_the_boxed_warning_card_only() -> None:
    cards = _at.cards(_chart("age19_bupropion_draft"))
    assert [c["indicator"] for c in cards] == ["info"]
    assert "not labelled" not in cards[0]["detail"]


def test_a_listed_agent_gets_no_not_labelled_line() -> None:
    # Sertraline at 13 is NICE NG134's second line: its row names it.
    assert not any(
        "not labelled for depression" in c["detail"]
        for c in _at.cards(_chart("age13_sertraline_draft"))
    )


def test_the_default_row_is_no_age_rule_of_an_order_with_no_age() -> None:
    cites = {r.choice for r in drug_rules.age_rows_naming("bupropion", "NDRI")}
    assert drug_rules.Choice.NOT_LABELLED not in cites


# Review s27 RQ2 findings 1 and 6 (charts age17_fluoxetine20_responding_pv, patient-view, and
# age17_fluoxetine_raise20to40_draft, order-sign: the RQ2 review's c02 and d3): one range in both
# places, the label's pediatric dose; up to the dose TADS 2004 used (fluoxetine 40 mg/day at
# 12-17) an information line, the dose-change line kept.

OPTIMISE = "optimize-switch-augment"


def test_fluoxetine_raise_to_40_at_17_is_information_within_the_trial_dose() -> None:
    topics = _topics(_chart("age17_fluoxetine_raise20to40_draft"))
    card = topics[AGE_LIMIT]
    assert card["indicator"] == "info"
    assert card["summary"].startswith(
        "Fluoxetine 40 mg/day at age 17: above the 20 mg/day label dose under 18; trials used up "
        "to 40 mg/day (TADS 2004)"
    )
    assert "trials in adolescents used up to 40 mg/day (TADS 2004)" in card["detail"]
    assert "consider 20 mg/day or less" not in card["detail"]
    # The dose change is said beside the boxed warning, as on its own card (finding 1).
    assert "This order raises fluoxetine from 20 mg/day to 40 mg/day" in card["detail"]
    assert not [c for c in topics.values() if c["indicator"] != "info"]


def test_the_trial_dose_is_only_fluoxetine_s() -> None:
    rows = {r.ingredient: r for r in pediatric_doses.rows()}
    assert rows["fluoxetine"].trial_max_mg == 40
    assert rows["escitalopram"].trial_max_mg is None  # its label's 20 is the adult maximum
    assert not pediatric_doses.within_trials(rows["fluoxetine"], 60, 17)  # still the warning
    assert pediatric_doses.within_trials(rows["fluoxetine"], 40, 12)
    # TADS enrolled 12-17: below 12 the label's 20 mg/day is all the evidence (a warning).
    assert not pediatric_doses.within_trials(rows["fluoxetine"], 40, 11)
    assert not pediatric_doses.within_trials(rows["fluoxetine"], 40, None)


def test_the_optimise_range_under_18_is_the_label_s() -> None:
    card = _topics(_chart("age17_fluoxetine20_responding_pv"))[OPTIMISE]
    assert "optimise fluoxetine within 10-20 mg/day (Prozac label 2.2)" in card["summary"]
    assert "20-60" not in card["summary"] + card["detail"]
    assert (
        "consider raising fluoxetine within 10-20 mg/day, the dose Prozac label 2.2 gives under 18 "
        "(now 20 mg/day) and repeat the PHQ-9 after the change; trials in adolescents used up to "
        "40 mg/day (TADS 2004)." in card["detail"]
    )


def test_the_age_line_says_label_doses_and_no_adjunct() -> None:
    card = _topics(_chart("age17_fluoxetine20_responding_pv"))[OPTIMISE]
    assert "doses and adjuncts come from adult guidelines" not in card["detail"]
    assert (
        "doses of fluoxetine and escitalopram from their labels for this age (Prozac label 2.2, "
        "Lexapro label 2.1), other doses from adult guidelines (CANMAT 2023); no adjunct is "
        "proposed under 18" in card["detail"]
    )
