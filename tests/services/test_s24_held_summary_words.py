"""Review s24 RN finding 10 and the paroxetine part of finding 12 (session 24 FH).

- A held optimise summary leads with the check and says the held step after it, through one
  place (services/rules/hold_words.first_then, called by one_click_hold.held_summary for every
  hold): "check the sodium first, then add an adjunct to escitalopram", never "add an adjunct to
  escitalopram first (adjuncts held: the sodium is low)". A hold about the whole plan (`whole`,
  said by each hold) holds the switch too; a hold about one running drug lets the switch lead.
- "Scores may be incomplete" names the cause and what it may hide (recheck15 x02).
- A paroxetine draft at 71 with no eGFR, within every renal band's maximum, gets no renal card
  (a kidney measurement could not change it); above the cap the card stays.
Charts: the repository's probe charts (Epic / Oracle / US Core shaped, every prefetch key).
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services import cards, screen
from services.policy import Policy
from services.recommendation import Action, Recommendation, Suggestion
from services.rules import hold_words, one_click_hold
from tests.services import chart_files

Doc = dict[str, Any]
HERE = Path(__file__).parent
OPTIMISE = "optimize-switch-augment"
RENAL = "order-renal-dose"
DEC_1 = date(2026, 12, 1)


def _cards(folder: str, name: str) -> dict[str, Doc]:
    return _evaluate(chart_files.loader(HERE / folder)(name))


def _evaluate(doc: Doc) -> dict[str, Doc]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=DEC_1, policy=Policy())
    return {c["source"]["topic"]["code"]: c for c in result.response.to_json()["cards"]}


# --- the two shapes, in words --------------------------------------------------------------------


def test_a_hold_on_the_whole_plan_says_the_check_first_and_the_plan_after_it() -> None:
    said = hold_words.first_then(
        "1 adequate trial with partial response only (escitalopram, 42 %): add an adjunct to "
        "escitalopram first (CANMAT para 190)",
        "the sodium is low",
        whole=True,
    )
    assert said == (
        "1 adequate trial with partial response only (escitalopram, 42 %): check the sodium "
        "first, then add an adjunct to escitalopram"
    )


def test_a_hold_on_the_whole_plan_holds_the_switch_too() -> None:
    said = hold_words.first_then(
        "2 adequate trials failed (sertraline, escitalopram): augment (aripiprazole or "
        "brexpiprazole) or switch class",
        "PHQ-9 item 9 not recorded, ask it first",
        whole=True,
    )
    assert said == (
        "2 adequate trials failed (sertraline, escitalopram): ask PHQ-9 item 9 (not recorded) "
        "first, then augment or switch class"
    )


def test_a_hold_about_one_drug_lets_the_switch_lead() -> None:
    said = hold_words.first_then(
        "1 adequate trial failed (amitriptyline): switch to a non-TCA mechanism or augment "
        "(aripiprazole or brexpiprazole)",
        "a dose above its label maximum",
        whole=False,
    )
    assert said == (
        "1 adequate trial failed (amitriptyline): switch to a non-TCA mechanism; review the dose "
        "above its label maximum before augmenting"
    )


@pytest.mark.parametrize(
    ("held_by", "step"),
    [
        # An answer that could not be read is checked in the chart, not asked again.
        ("PHQ-9 item 9 could not be read, ask it first", "check PHQ-9 item 9 (could not be read)"),
        ("PHQ-9 item 9 not read, check it first", "check PHQ-9 item 9 (not read)"),
        ("PHQ-9 item 9 not recorded, ask it first", "ask PHQ-9 item 9 (not recorded)"),
        ("strongly anticholinergic at 70", "review the strongly anticholinergic drug at 70"),
        ("inpatient stay in progress", "ask the inpatient team (stay in progress)"),
        (
            "sertraline: no supply since 2025-06-01",
            "confirm sertraline is still taken (no supply since 2025-06-01)",
        ),
        ("lithium beyond its renal limit", "review lithium (renal limit)"),
        (
            "duloxetine with AUDIT-C 9 on 2026-11-02",
            "review duloxetine with AUDIT-C 9 on 2026-11-02",
        ),
        ("judge the TMS course at week 4-6 first", "judge the TMS course at week 4-6"),
        ("something new", "settle this (something new)"),
    ],
)
def test_each_reason_is_said_as_the_step_that_settles_it(held_by: str, step: str) -> None:
    assert hold_words.step(held_by) == step


def test_a_cut_head_keeps_its_drug_names() -> None:
    said = hold_words.first_then(
        "1 adequate trial with partial response only (sertraline, 35 %); lithium added 2026-05-04 "
        "(30 wk): optimise its dose or the next step",
        "lithium beyond its renal limit",
        whole=True,
    )
    assert said == (
        "1 adequate trial with partial response only (sertraline, 35 %): review lithium (renal limit) "
        "first, then optimise its dose or the next step"
    )


def test_a_head_with_no_shorter_form_is_kept_and_the_step_gives_its_bracket() -> None:
    said = hold_words.first_then(
        "Psychotic features: antidepressant plus antipsychotic at antipsychotic-range dose, or ECT",
        "sertraline: no supply since 2025-06-01",
        whole=True,
    )
    assert said == (
        "Psychotic features: confirm sertraline is still taken first, then antidepressant plus "
        "antipsychotic at antipsychotic-range dose, or ECT"
    )


def test_a_response_that_holds_keeps_the_treatment_and_names_the_plan_for_later() -> None:
    said = hold_words.first_then(
        "2 adequate trials failed (sertraline, venlafaxine): augment (aripiprazole or "
        "brexpiprazole) or switch class",
        "TMS response still holding",
        whole=True,
    )
    assert said == (
        "2 adequate trials failed (sertraline, venlafaxine): keep the treatment while TMS response "
        "holds; augment or switch class if it fades"
    )


@pytest.mark.parametrize("whole", [True, False])
def test_nothing_fits_still_says_the_step_and_stays_within_the_limit(whole: bool) -> None:
    head = "2 adequate trials failed (" + ", ".join(["sertraline"] * 12) + ")"
    reason = " ".join(["an unknown finding"] * 8)  # no row of the table words it
    said = hold_words.first_then(f"{head}: augment or switch class", reason, whole=whole)
    assert len(said) <= cards.SUMMARY_MAX
    assert said.endswith("…")  # cut between words, the head gone first
    start = "Settle this (an unknown finding" if whole else "Switch class; settle this (an unknown"
    assert said.startswith(start)


# --- `whole` is said by the hold, not read off its predicate --------------------------------------


def _optimise(summary: str) -> Recommendation:
    """An optimise card with one adjunct one-click (a MedicationRequest to create)."""
    order = {"resourceType": "MedicationRequest", "medicationCodeableConcept": {"text": "x"}}
    adjunct = Suggestion(
        label="Propose adjunctive aripiprazole 2 mg/day",
        actions=(Action(type="create", description="aripiprazole", resource=order),),
    )
    card = cards.make(OPTIMISE, summary=summary, detail="d")
    return screen.with_fields(card, suggestions=(adjunct,))


@pytest.mark.parametrize(
    ("whole", "expected"),
    [
        (True, "ask the inpatient team (stay in progress) first, then augment or switch class"),
        (False, "switch class; ask the inpatient team (stay in progress) before augmenting"),
    ],
)
def test_a_hold_with_its_own_predicate_says_whole_or_not_itself(whole: bool, expected: str) -> None:
    rec = _optimise("2 adequate trials failed (sertraline, venlafaxine): augment or switch class")
    (held,) = one_click_hold.hold_drug_orders(
        [rec],
        lambda held: "line",
        lambda _s: True,
        held_by="inpatient stay in progress",
        whole=whole,
    )
    assert held.summary == f"2 adequate trials failed (sertraline, venlafaxine): {expected}"
    assert held.suggestions == ()


# --- the charts the review named -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "name", "summary"),
    [
        (
            "wording20_charts",
            "w02_escitalopram_10_to_20_sodium_128",
            "1 adequate trial with partial response only (escitalopram, 42 %): check the sodium "
            "first, then add an adjunct to escitalopram",
        ),
        (
            "wording20_charts",
            "w04_bupropion_sr_300_to_450",
            "1 adequate trial with partial response only (bupropion): review the dose above its "
            "label maximum first, then add an adjunct to bupropion",
        ),
        (
            "oracle23_charts",
            "depression_health_concern_text_only",
            "2 adequate trials failed (sertraline, escitalopram): ask PHQ-9 item 9 (not recorded) "
            "first, then augment or switch class",
        ),
        (
            "wording20_charts",
            "w01_lithium_600_to_900_egfr45_lisinopril",
            # eGFR 45: lithium's caution band, not a limit (renal49, K55a finding 5).
            "1 adequate trial with partial response only (sertraline): review lithium (renal "
            "caution) first, then optimise its dose or the next step",
        ),
        (
            "minors20_charts",
            "l4_imipramine250_age70_us_epic",
            "1 adequate trial failed (imipramine): review the strongly anticholinergic drug at 70 "
            "first, then switch to a non-TCA mechanism or augment",
        ),
        (
            "diagnosis_review22_charts",
            "alcohol_f1020_problem_active_auditc0",
            "2 adequate trials failed (fluoxetine, duloxetine), self-reported: switch class; review "
            "duloxetine with alcohol dependence before augmenting",
        ),
    ],
)
def test_the_reviewed_summaries_lead_with_the_check(folder: str, name: str, summary: str) -> None:
    card = _cards(folder, name)[OPTIMISE]
    assert card["summary"] == summary
    assert not any(s["label"].startswith("Propose adjunctive") for s in card.get("suggestions", []))


# --- recheck15 x02: what may be incomplete, why, and what it may hide ---------------------------


def test_the_incomplete_scores_summary_names_its_cause_and_what_to_check() -> None:
    found = _cards("recheck15_charts", "x02_obs_outcome_incomplete")
    (card,) = [c for c in found.values() if c["summary"].startswith("Scores may be incomplete")]
    assert card["summary"] == (
        "Scores may be incomplete: the server said its answer is incomplete; check the chart "
        "for a suicide-risk answer"
    )
    assert "this chart was judged without the missing part" not in card["summary"]


# --- paroxetine at 71, no eGFR: within the renal cap, no card ------------------------------------


def _paroxetine(tablets: int) -> Doc:
    doc = copy.deepcopy(
        chart_files.loader(HERE / "pregnancy_visit_charts")("paroxetine_age71_o09_2008")
    )
    draft = doc["context"]["draftOrders"]["entry"][0]["resource"]
    (dosage,) = draft["dosageInstruction"]
    dosage["doseAndRate"][0]["doseQuantity"]["value"] = tablets
    dosage["text"] = f"Take {tablets} tablet by mouth daily"
    return doc


def test_a_paroxetine_draft_within_the_renal_cap_gets_no_renal_card() -> None:
    found = _evaluate(_paroxetine(1))  # 20 mg/day: at most 40 below 30 mL/min
    assert RENAL not in found
    # The other order checks of the draft stay (Beers, a failed class).
    assert "order-older-adult-anticholinergic" in found


def test_a_paroxetine_draft_above_the_renal_cap_keeps_the_card() -> None:
    found = _evaluate(_paroxetine(3))  # 60 mg/day
    assert found[RENAL]["summary"].startswith("Paroxetine 60 mg/day at 71: no eGFR on record")
