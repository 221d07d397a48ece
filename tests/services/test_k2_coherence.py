"""A card's words agree with what its one-click actions do (review 14 audit minors m02, s01, y03,
y05).

- m02: an open suicide-risk card that is not acute holds nothing, so the optimise card's adjuncts
  stay one click; its line asks for the assessment "today, alongside any change in treatment",
  never "before changing treatment". Only the acute line, which holds the drug proposals, says
  "before".
- s01: active substance use on the diagnosis-review card is a contributor to review alongside
  escalation (CANMAT 2023 para 181), not a contraindication to an adjunct, so the adjuncts stay one
  click and the summary says "alongside escalation", naming what is on record (alcohol dependence,
  F10.20, AUDIT-C 9). Beside a finding that does gate escalation (bipolar disorder) the summary
  keeps "before escalating".
- y03 / y05: the under-25 boxed warning riding on a card about something else adds
  "; boxed warning (under 25)" to that card's summary when it fits the CDS Hooks limit.

Charts: review 14's CDS Hooks requests (US Core / Epic-shaped prefetch), copied beside
tests/services/test_b5_minor.py's; rule-level variants use hand-built records
(tests/services/factories.py).
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import FindingKind, ProcedureKind
from services import cards, order_hooks
from services.acute_risk import SuicideLevel
from services.recommendation import Indicator
from services.rules import diagnosis_review, one_click_hold, optimize_switch_augment
from services.rules.optimize import card as optimise_card
from tests.services import chart_files
from tests.services import factories as f
from tests.services.helpers import Evaluator, ctx

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
REVIEW = chart_files.loader(Path(__file__).parent / "review14_charts")
RECHECK = chart_files.loader(Path(__file__).parent / "recheck14_charts")
OPTIMISE = "optimize-switch-augment"
DIAGNOSIS = "diagnosis-review"
BOXED = "**Boxed warning (age "
Doc = dict[str, Any]

NOT_HELD = "assess suicide risk today, alongside any change in treatment"
HELD = "assess risk before changing treatment"


_at = Evaluator(AS_OF)
_cards = _at.by_topic


def _one_click_drugs(card: Doc) -> list[str]:
    return [
        s["label"]
        for s in card.get("suggestions", [])
        if any(
            (a.get("resource") or {}).get("resourceType") == "MedicationRequest"
            for a in s.get("actions", [])
        )
    ]


# --- m02: a non-acute suicide-risk signal holds nothing, and the line says so ------------------


def test_m02_rescreened_signal_asks_for_the_assessment_alongside_one_click_adjuncts() -> None:
    found = _cards(REVIEW("m02_inpatient_then_discharge"))
    assert found["suicide-risk"]["indicator"] == "warning"  # re-screened, not acute
    optimise = found[OPTIMISE]
    # Sertraline 100 of its 50-200 mg/day: one step up first (review s19 item 3), one click too.
    assert _one_click_drugs(optimise) == [
        "Raise sertraline to 150 mg/day (dose first, CANMAT 2023 para 187)",
        "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)",
        "Propose adjunctive brexpiprazole 0.5 mg/day (CANMAT first line)",
    ]
    assert optimise["detail"].startswith(f"**Suicide risk card open:** {NOT_HELD}.")
    assert "before changing treatment" not in optimise["detail"]


def test_rescreened_signal_on_a_hand_built_record_keeps_the_adjuncts_one_click() -> None:
    old, zero = f.AS_OF - timedelta(days=60), f.AS_OF - timedelta(days=20)
    record = f.trd_record(scores=(f.score(18, old, item9=3), f.score(12, zero, item9=0)))
    context = ctx(record)
    assert context.facts.suicide is not None
    assert context.facts.suicide.level is SuicideLevel.RESCREENED
    rec = optimize_switch_augment.rule(context)
    assert rec is not None
    assert any(one_click_hold.orders_a_drug(s) for s in rec.suggestions)
    assert f"**Suicide risk card open:** {NOT_HELD}." in rec.detail
    assert HELD not in rec.detail


def test_acute_signal_holds_the_adjuncts_and_only_then_says_before() -> None:
    recent = f.AS_OF - timedelta(days=5)
    record = f.trd_record(scores=(f.score(18, recent, item9=2),))
    context = ctx(record)
    assert context.facts.suicide is not None and context.facts.suicide.acute
    rec = optimize_switch_augment.rule(context)
    assert rec is not None
    assert not any(one_click_hold.orders_a_drug(s) for s in rec.suggestions)
    assert f"**Suicide risk card open:** {HELD}; not one click until then:" in rec.detail
    assert NOT_HELD not in rec.detail


def test_an_assessed_signal_is_not_asked_to_be_assessed_again() -> None:
    answer = f.score(19, date(2024, 5, 28), item9=2)
    assessed = f.procedure(ProcedureKind.SUICIDE_RISK_ASSESSMENT, date(2024, 5, 29))
    context = ctx(f.trd_record(scores=(answer,), procedures=(assessed,)))
    assert context.facts.suicide is not None
    assert context.facts.suicide.level is SuicideLevel.ASSESSED
    rec = optimize_switch_augment.rule(context)
    assert rec is not None
    assert (
        "**Suicide risk:** a recent positive finding has been assessed (see that card)."
        in rec.detail
    )
    assert "assess risk" not in rec.detail and NOT_HELD not in rec.detail


# --- s01: substance use is reviewed alongside escalation ---------------------------------------


def test_s01_summary_names_the_alcohol_and_says_alongside_beside_one_click_adjuncts() -> None:
    found = _cards(REVIEW("s01_aud_auditc_9"))
    review = found[DIAGNOSIS]
    assert review["summary"] == (
        "Review alcohol use disorder alongside escalation: alcohol dependence, uncomplicated "
        "(ICD-10-CM F10.20); AUDIT-C 9 on 2025-05-12"
    )
    assert review["indicator"] == "warning"
    assert "before escalating" not in review["summary"] + review["detail"]
    # The card's content stays: the finding, its date, the score and the guideline.
    assert (
        "**Alcohol use disorder:** Alcohol dependence, uncomplicated (ICD-10-CM F10.20, since "
        "2024-06-01); AUDIT-C 9 on 2025-05-12. Substance use disorders are associated with poor "
        "response (CANMAT 2023 para 181): ask about current use and offer treatment or referral, "
        "alongside any escalation."
    ) in review["detail"]
    # Not held: the adjuncts beside it stay one click, as the summary now says.
    assert len(_one_click_drugs(found[OPTIMISE])) == 2


def test_substance_use_alone_on_a_hand_built_record() -> None:
    alcoholism = f.finding(FindingKind.SUBSTANCE_USE, code="7200002", display="Alcoholism")
    rec = diagnosis_review.rule(ctx(f.trd_record(findings=(f.mdd(), alcoholism))))
    assert rec is not None
    assert rec.summary.startswith("Review alcohol use disorder alongside escalation: alcoholism (")
    assert rec.indicator is Indicator.WARNING


def test_with_no_tsh_too_both_are_named_alongside() -> None:
    alcoholism = f.finding(FindingKind.SUBSTANCE_USE, code="7200002", display="Alcoholism")
    rec = diagnosis_review.rule(ctx(f.trd_record(findings=(f.mdd(), alcoholism), labs=())))
    assert rec is not None
    assert rec.summary == (
        "Review alongside escalation: alcoholism (SNOMED CT 7200002); no TSH in 365 days"
    )
    assert rec.indicator is Indicator.WARNING


def test_beside_a_finding_that_gates_escalation_the_summary_keeps_before() -> None:
    bipolar = f.finding(
        FindingKind.BIPOLAR, code="F31.81", display="Bipolar II disorder", system=f.ICD10
    )
    alcoholism = f.finding(FindingKind.SUBSTANCE_USE, code="7200002", display="Alcoholism")
    rec = diagnosis_review.rule(ctx(f.trd_record(findings=(f.mdd(), bipolar, alcoholism))))
    assert rec is not None
    assert rec.summary == (
        "Confirm the diagnosis before escalating: bipolar disorder on record; "
        "active alcohol use disorder"
    )


def test_a_long_name_falls_back_to_a_shorter_form_never_cut() -> None:
    long_display = "Alcohol dependence with alcohol-induced persisting amnestic disorder " * 2
    finding = f.finding(
        FindingKind.SUBSTANCE_USE, code="F10.26", display=long_display.strip(), system=f.ICD10
    )
    rec = diagnosis_review.rule(ctx(f.trd_record(findings=(f.mdd(), finding))))
    assert rec is not None
    assert rec.summary == (
        "Review alcohol use disorder alongside escalation: active alcohol use disorder"
    )


# --- y03 / y05: the boxed warning named in the summary of the card it rides on -----------------


def test_y05_same_class_card_summary_names_the_boxed_warning() -> None:
    found = _cards(RECHECK("y05_age20_prior_course_ended_120d"))
    (card,) = found.values()
    assert card["summary"] == (
        "Fluoxetine is in the class of sertraline (SSRI), stopped after 21.9 weeks; failure "
        "inferred (no PHQ-9 on it); boxed warning (under 25)"
    )
    assert BOXED + "20):**" in card["detail"]


def test_y03_summary_with_no_room_is_left_whole_and_the_detail_keeps_the_line() -> None:
    found = _cards(RECHECK("y03_age22_boxed_beside_tamoxifen"))
    (card,) = found.values()
    assert card["summary"] == (
        "Paroxetine ordered with tamoxifen running: may weaken tamoxifen (less endoxifen); "
        "prefer venlafaxine, desvenlafaxine or mirtazapine"
    )
    assert BOXED + "22):**" in card["detail"]


def test_the_suffix_only_where_it_fits_and_is_not_said_already() -> None:
    base = cards.make(OPTIMISE, summary="Short summary", detail="Detail.")
    line = "**Boxed warning (age 20):** ..."
    added = order_hooks._with_boxed_warning(base, line)
    assert added.summary == "Short summary; boxed warning (under 25)"
    assert added.detail.endswith(line)
    room = cards.SUMMARY_MAX - len(order_hooks.BOXED_SUFFIX)
    exact = dataclasses.replace(base, summary="x" * room)
    assert order_hooks._with_boxed_warning(exact, line).summary.endswith("(under 25)")
    # No room for the whole suffix: the short one (review s27 RC finding 10), then a dose or
    # date bracket the detail repeats left out, then nothing.
    over = dataclasses.replace(base, summary="x" * (room + 1))
    assert order_hooks._with_boxed_warning(over, line).summary == "x" * (room + 1) + (
        "; boxed warning"
    )
    asked = dataclasses.replace(base, summary="x" * (room + 1) + "?")
    assert order_hooks._with_boxed_warning(asked, line).summary == asked.summary + (
        " Boxed warning"
    )
    dated = "x" * (room - 5) + " (40 mg/day, ended 2026-03-22): act"
    bracket = dataclasses.replace(base, summary=dated)
    assert order_hooks._with_boxed_warning(bracket, line).summary == (
        "x" * (room - 5) + ": act; boxed warning (under 25)"
    )
    full = dataclasses.replace(base, summary="x" * (cards.SUMMARY_MAX - 5))
    assert order_hooks._with_boxed_warning(full, line).summary == full.summary
    cut = dataclasses.replace(base, summary="Cut short…")
    assert order_hooks._with_boxed_warning(cut, line).summary == "Cut short…"
    said = dataclasses.replace(base, summary="Suicidality under 25: monitor closely")
    assert order_hooks._with_boxed_warning(said, line).summary == said.summary


@pytest.mark.parametrize(
    ("level", "line"),
    [
        (
            SuicideLevel.FOUND,
            "**Suicide risk card open (current suicidal thoughts found on assessment):** confirm "
            "the safety plan today, alongside any change in treatment.",
        ),
        (SuicideLevel.RESCREENED, f"**Suicide risk card open:** {NOT_HELD}."),
    ],
)
def test_each_non_acute_level_asks_for_its_step_alongside(level: SuicideLevel, line: str) -> None:
    old, zero = f.AS_OF - timedelta(days=60), f.AS_OF - timedelta(days=20)
    record = f.trd_record(scores=(f.score(18, old, item9=3), f.score(12, zero, item9=0)))
    signal = ctx(record).facts.suicide
    assert signal is not None
    at_level = dataclasses.replace(signal, level=level)
    assert not at_level.acute
    assert optimise_card.non_acute_risk_line(at_level) == line
