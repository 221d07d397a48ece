"""Review RN s29 (fix allergy30): an allergy a short later course does not settle, class words
narrower than "antidepressants", and an adverse-effect code with no course of its class.

1. UNSAFE: an active, confirmed, high-criticality sertraline allergy (serotonin syndrome,
   recorded 2025-05-20) was dropped because a 3-week sertraline course after it (stopped, no
   reason) read as a tolerated re-challenge: the switch card offered sertraline and an
   order-sign draft of it named no allergy. A later course settles the entry only when it
   reached the adequacy weeks at an adequate dose, ran that long, carries its own reaction or
   runs now; otherwise the entry holds the drug back and the cards name the course to reconcile.
2. UNSAFE/WRONG: "SSRI antidepressants", "Antidepressants - SSRIs", "Tetracyclic
   antidepressants", "Phenylpiperazine antidepressants" were widened to every antidepressant
   (bupropion withheld, "bupropion belongs to it"). A narrower class word read beside
   "antidepressants" is that part only; a qualifier the table cannot place ("Miscellaneous
   antidepressants") is reported as not placed, never widened.
3. WRONG (silent): an ICD-10-CM T43.225A Condition with no SSRI course on the chart was ignored:
   the switch card now names it.

Charts: tests/services/allergy30_charts/ (all 19 prefetch keys), review RN's probes: r*/c01 as
of 2026-12-01, b*/m* as of 2025-06-01, o* (order-select) as of 2025-06-02; r7 (r5 with an
8-week course) and m5 ("Antidepressants") are controls.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fhir_mapping import allergy_classes
from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "allergy30_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_late = Evaluator(date(2026, 12, 1))
_early = Evaluator(date(2025, 6, 1))
_order = Evaluator(date(2025, 6, 2))
SWITCH = "optimize-switch-augment"
NOT_TOLERATED = "order-not-tolerated"


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _switch_options(card: Doc) -> str:
    """The switch options the card offers ("Switch options ...: SSRI: ..., sertraline; ...")."""
    detail = str(card["detail"])
    start = detail.find("Switch options")
    return detail[start : detail.find("\n\n", start)] if start >= 0 else ""


# --- 1: a short course after an allergy entry does not settle it ------------------------------


def test_a_short_course_after_a_serotonin_syndrome_allergy_keeps_it() -> None:
    card = _late.by_topic(_chart("r5_serotonin_syndrome_high_recorded_before_course"))[SWITCH]
    assert "sertraline" not in _switch_options(card)
    assert (
        "sertraline (documented allergy: Serotonin syndrome, 2025-05-20; a course 2025-06-01 – "
        "2025-06-21 ended with no reason: reconcile before proposing)"
    ) in card["detail"]


def test_an_order_for_the_drug_names_the_allergy_and_the_course() -> None:
    cards = _late.cards(_chart("r6_order_sign_draft_sertraline_after_r5"))
    found = [c for c in cards if "documented as not tolerated" in c["summary"]]
    assert len(found) == 1 and found[0]["indicator"] == "critical"
    assert "Serotonin syndrome, 2025-05-20" in found[0]["summary"]
    assert "A course 2025-06-01 – 2025-06-21 ended with no reason" in found[0]["detail"]
    assert "No course of it is on this chart" not in found[0]["detail"]


def test_a_course_of_the_adequacy_weeks_settles_the_entry() -> None:
    card = _late.by_topic(_chart("r7_control_course_8wk_after_allergy"))[SWITCH]
    assert "Not tolerated, never proposed" not in card["detail"]
    assert "Failed, not proposed: SSRI (sertraline)" in card["detail"]


# --- 2: a class word narrower than "antidepressants" ------------------------------------------


@pytest.mark.parametrize(
    ("text", "members"),
    [
        ("SSRI antidepressants", {"citalopram", "escitalopram", "sertraline", "vilazodone"}),
        ("Antidepressants - SSRIs", {"citalopram", "fluoxetine", "paroxetine", "vilazodone"}),
        ("Tetracyclic antidepressants", {"mirtazapine", "mianserin", "maprotiline"}),
        ("Phenylpiperazine antidepressants", {"trazodone", "nefazodone"}),
    ],
)
def test_a_narrower_class_word_is_that_class_only(text: str, members: set[str]) -> None:
    found = set(allergy_classes.class_ingredients({"text": text}))
    assert members <= found and "bupropion" not in found
    if "SSRI" in text:
        assert {"venlafaxine", "mirtazapine", "trazodone"}.isdisjoint(found)
    else:
        assert found == members


def test_an_unplaced_qualifier_is_never_widened() -> None:
    assert allergy_classes.class_ingredients({"text": "Miscellaneous antidepressants"}) == ()
    everyone = allergy_classes.class_ingredients({"text": "Antidepressants"})
    assert "bupropion" in everyone and "sertraline" in everyone  # the group entry still is


@pytest.mark.parametrize(
    "name",
    [
        "b14_ssri_coded_no_words",
        "b15_multum_class_coded_text_ssri",
        "b18_nasa_tetracyclic_text",
        "m1_phenylpiperazine_antidepressants",
        "m3_antidepressants_dash_ssris",
        "m4_misc_antidepressants",
    ],
)
def test_bupropion_stays_a_switch_option(name: str) -> None:
    assert "bupropion" in _switch_options(_early.by_topic(_chart(name))[SWITCH])


def test_the_antidepressants_group_entry_still_holds_bupropion_back() -> None:
    card = _early.by_topic(_chart("m5_control_antidepressants"))[SWITCH]
    assert "bupropion" not in _switch_options(card)


def test_miscellaneous_antidepressants_is_reported_as_not_placed() -> None:
    _, record = _early.by_topic_and_record(_chart("m4_misc_antidepressants"))
    assert not record.intolerances
    assert any("Miscellaneous antidepressants" in (g.stated or "") for g in record.gaps)


@pytest.mark.parametrize(
    "name",
    ["o01_ssri_antidepressants_text_draft_bupropion", "o05_tetracyclic_text_draft_bupropion"],
)
def test_a_bupropion_draft_is_not_held_to_a_narrower_class(name: str) -> None:
    cards = _order.by_topic(_chart(name))
    assert NOT_TOLERATED not in cards
    assert "belongs to it" not in json.dumps(cards)


# --- 3: an adverse-effect code with no course of its class -----------------------------------


def test_an_ssri_adverse_effect_code_with_no_ssri_course_is_named() -> None:
    card = _late.by_topic(_chart("c01_T43225A_problem_no_ssri_course"))[SWITCH]
    assert (
        "adverse effect of an SSRI coded 2025-06-21 (ICD-10-CM T43.225A); drug not on this "
        "chart: check before choosing an SSRI"
    ) in card["detail"]
