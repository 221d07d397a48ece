"""Card wording that disagreed with itself (audit 14 leftovers): each card says one coherent,
true thing.

1. An optimise summary whose one-click raise a holding card takes off names that card's reason
   ("raise held (duloxetine with unspecified cirrhosis of liver on record)": the finding named since review s24 RN finding 7), never "see the first line": an EHR
   that shows summaries only does not show that line.
2. A diagnosis review that asks to settle a lab finding before escalating (a high TSH, a low B12)
   holds the optimise card's drug proposals as text (CANMAT 2023 para 184: medical contributors
   first), instead of sitting beside one-click adjuncts; a snooze of it with a reason, or a
   contributor said "alongside", holds nothing.
3. A drug drafted beside a running one of its class or ingredient whose stop is dated (today: a
   planned switch, information; within a cross-taper's weeks: the date said, still a warning) is
   said as a switch or cross-taper, never "if both are meant to continue, say why"; an open
   order keeps the warning and the question.
7. The measurement card of a drug on hold says what the record shows, as the hold card does: "not
   taken since ... at the latest" (the end of its last supply), never "on hold since" that day
   (review 14 chart r10b, copied to audit14_charts/).

Charts are US Core shaped as Epic sends them (tests/fixtures/builders.py): RxNorm
MedicationRequests, ICD-10-CM problem-list Conditions, PHQ-9 panels.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.build import build_record
from services.order_hooks import order_hook
from services.patient_view import patient_view, run_rules
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from services.rules.context import build_context
from tests.fixtures import builders as b
from tests.services import chart_files
from tests.services import test_f1_restart as f1

pytestmark = pytest.mark.real_drug_table

OPTIMISE = "optimize-switch-augment"
DULOXETINE_20 = ("596926", "duloxetine 20 MG Delayed Release Oral Capsule")


def _on_open(
    *extra: b.Resource,
    current: tuple[str | None, str] = f1.CITALOPRAM_20,
    hidden: frozenset[str] = frozenset(),
) -> dict[str, Recommendation]:
    record = f1._chart(*extra, current=current)
    return {r.topic: r for r in patient_view(record, Policy(), hidden=hidden)}


# --- 1. a held raise names its reason --------------------------------------------------------


def test_a_raise_held_by_a_running_drug_caution_names_the_reason_not_a_line() -> None:
    cirrhosis = b.condition(
        b.ICD10CM,
        "K74.60",
        "Unspecified cirrhosis of liver",
        date(2024, 1, 1),
        category="problem-list-item",
        patient=f1.P,
        id="cirrhosis",
    )
    cards = _on_open(cirrhosis, current=DULOXETINE_20)
    assert "running-drug-caution" in cards
    summary = cards[OPTIMISE].summary
    assert summary == (
        "Duloxetine 20 mg/day is below the adequate range (60-120): raise held (duloxetine with "
        "unspecified cirrhosis of liver on record)"
    )
    assert "first line" not in summary


# --- 2. a lab finding to settle before escalating holds the one-click adjuncts ---------------

DIAGNOSIS = "diagnosis-review"
# orders32: f1's citalopram order of 2022-10-03 (30 days x 12) authorises supply to 2023-09-28,
# and nothing renews or fills it: listed past that ("a card never claims more than the record
# shows"), so only sertraline failed and no "Raise citalopram to 40 mg/day" step comes first (it
# did while the order ran to as-of: 2 adequate trials failed). The first-line adjuncts remain,
# and they are what a lab finding holds.
ADJUNCTS = [
    "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)",
    "Propose adjunctive brexpiprazole 0.5 mg/day (CANMAT first line)",
]


def _lab(loinc: str, value: float, unit: str, flag: str, low: float, high: float) -> b.Resource:
    return b.lab(loinc, value, unit, date(2025, 5, 12), flag, (low, high), patient=f1.P)


def _tsh_high() -> b.Resource:
    # 12: a TSH of 10 or more holds with or without a free T4; under 10 with no free T4 the card
    # asks for one and holds nothing (review 17 second recheck M6).
    return _lab("3016-3", 12, "m[IU]/L", "H", 0.4, 4.5)  # LOINC Thyrotropin


def _labels(card: Recommendation) -> list[str]:
    return [s.label for s in card.suggestions]


def test_without_a_lab_finding_the_adjuncts_are_one_click() -> None:
    assert _labels(_on_open()[OPTIMISE]) == ADJUNCTS


def test_a_high_tsh_holds_the_adjuncts_under_a_line_that_says_why() -> None:
    cards = _on_open(_tsh_high())
    assert cards[DIAGNOSIS].summary == "Confirm the diagnosis before escalating: TSH high 12"
    optimise = cards[OPTIMISE]
    assert _labels(optimise) == []
    # The hold takes the adjuncts off too: the summary names no next step (fix19l item 2: it
    # read "raise held (...), then augment or switch class", the augment held as well).
    assert optimise.summary == (
        "1 adequate trial failed (sertraline): review TSH high 12 first, then switch to a "
        "non-SSRI mechanism or augment"
    )
    assert optimise.detail.startswith(
        "**Not one click before the diagnosis review** (TSH high 12; Diagnosis review card): "
        + "; ".join(ADJUNCTS)
        + ". Assess these first"
    )
    assert "CANMAT 2023 para 184" in optimise.detail.split("\n\n")[0]


def test_a_low_b12_holds_the_raise_and_the_summary_names_it() -> None:
    b12 = _lab("2132-9", 150, "pg/mL", "L", 232, 1245)  # LOINC Cobalamin (Vitamin B12)
    cards = _on_open(b12, current=f1.CITALOPRAM_10)
    assert cards[DIAGNOSIS].summary == (
        "Confirm the diagnosis before escalating: low B12 150 on 2025-05-12"  # labs71 finding 5
    )
    optimise = cards[OPTIMISE]
    assert optimise.summary == f"{f1.LOW}: raise held (review low B12 first)"
    assert _labels(optimise) == []


def test_a_snoozed_diagnosis_review_gives_the_one_click_adjuncts_back() -> None:
    cards = _on_open(_tsh_high(), hidden=frozenset({DIAGNOSIS}))
    assert DIAGNOSIS not in cards
    assert _labels(cards[OPTIMISE]) == ADJUNCTS


def test_a_contributor_reviewed_alongside_escalation_holds_nothing() -> None:
    alcohol = b.condition(
        b.ICD10CM,
        "F10.20",
        "Alcohol dependence, uncomplicated",
        date(2024, 1, 1),
        category="problem-list-item",
        patient=f1.P,
        id="aud",
    )
    cards = _on_open(alcohol)
    # orders32: one failed trial now (ADJUNCTS), so no "no TSH in 365 days" item (asked after 2
    # adequate trials failed) beside it; the one item names its subject.
    assert cards[DIAGNOSIS].summary.startswith(
        "Review alcohol use disorder alongside escalation: alcohol dependence"
    )
    assert _labels(cards[OPTIMISE]) == ADJUNCTS


# --- 3. a running order with a dated stop beside a draft of its class or ingredient ----------

SAY_WHY = "if both are meant to continue, say why"
CITALOPRAM = ("200371", "citalopram 20 MG Oral Tablet")
SERTRALINE = ("312938", "sertraline 100 MG Oral Tablet")
AUVELITY = (
    "2611260",
    "bupropion hydrochloride 105 MG / dextromethorphan hydrobromide 45 MG Extended Release Oral "
    "Tablet",
)
BUPROPION_XL_150 = ("993541", "24 HR bupropion hydrochloride 150 MG Extended Release Oral Tablet")


def _at_sign(
    running: tuple[str, str], per_day: int, ends: date | None, draft: tuple[str, str]
) -> dict[str, Recommendation]:
    """F33.1; `running` since 2025-04-20 (no failure yet: no repeat card), its order ending on
    `ends` (boundsPeriod.end; None: open); `draft` signed today."""
    resources = [
        b.patient(
            id=f1.P, given="Ana", family="Reyes", gender="female", birth_date=date(1975, 5, 5)
        ),
        b.condition(
            b.ICD10CM,
            "F33.1",
            "Major depressive disorder, recurrent, moderate",
            date(2024, 6, 6),
            category="problem-list-item",
            patient=f1.P,
            id="mdd",
        ),
        b.medication_request(
            *running,
            date(2025, 4, 20),
            dose_value=1,
            frequency=per_day,
            status="active",
            bounds_end=ends,
            expected_supply_days=30,
            repeats=11,
            patient=f1.P,
            id="mr-running",
        ),
        *b.phq9(date(2025, 4, 20), 20, item9=0, patient=f1.P),
        *b.phq9(date(2025, 5, 19), 19, item9=0, patient=f1.P),
    ]
    drafted = f1._draft(draft, 1)
    record = build_record(resources, as_of=f1.AS_OF, patient_id=f1.P, draft_orders=(drafted,))
    return {r.topic: r for r in order_hook(record, Policy(), hook="order-sign")}


SAME_CLASS = "order-same-class-running"


def test_an_open_running_order_of_the_class_keeps_the_warning_and_the_question() -> None:
    card = _at_sign(CITALOPRAM, 1, None, SERTRALINE)[SAME_CLASS]
    assert card.indicator is Indicator.WARNING
    assert SAY_WHY in card.detail


def test_a_running_order_of_the_class_stopped_today_is_a_planned_switch() -> None:
    card = _at_sign(CITALOPRAM, 1, f1.AS_OF, SERTRALINE)[SAME_CLASS]
    assert card.indicator is Indicator.INFO
    assert card.summary == (
        "Sertraline replacing citalopram (SSRI; stop dated 2025-06-02): plan the switch"
    )
    assert SAY_WHY not in card.detail


def test_a_running_order_of_the_class_ending_in_days_is_said_as_a_cross_taper() -> None:
    card = _at_sign(CITALOPRAM, 1, f1.AS_OF + timedelta(days=4), SERTRALINE)[SAME_CLASS]
    assert card.indicator is Indicator.WARNING  # they do overlap until then
    assert card.summary.startswith(
        "Sertraline ordered while citalopram (SSRI) runs until 2025-06-06"
    )
    assert "this is a cross-taper until 2025-06-06" in card.detail
    assert "renewing citalopram would keep both running" in card.detail
    assert SAY_WHY not in card.detail


def test_an_order_ending_beyond_a_cross_taper_is_said_as_running() -> None:
    card = _at_sign(CITALOPRAM, 1, f1.AS_OF + timedelta(days=60), SERTRALINE)[SAME_CLASS]
    assert card.indicator is Indicator.WARNING
    assert SAY_WHY in card.detail


def _shared(ends: date | None) -> Recommendation:
    found = _at_sign(AUVELITY, 2, ends, BUPROPION_XL_150)
    cards = [c for c in found.values() if "both contain bupropion" in c.summary]
    assert len(cards) == 1, {t: c.summary for t, c in found.items()}
    return cards[0]


def test_a_shared_ingredient_beside_an_open_order_keeps_the_warning_and_the_question() -> None:
    card = _shared(None)
    assert card.indicator is Indicator.WARNING
    assert SAY_WHY in card.detail


def test_a_shared_ingredient_whose_running_product_stops_today_is_a_switch() -> None:
    card = _shared(f1.AS_OF)
    assert card.indicator is Indicator.INFO
    assert card.summary.startswith("Bupropion replacing ")
    assert "(stop dated 2025-06-02): both contain bupropion" in card.summary
    assert "stop is dated 2025-06-02; start bupropion after its last dose" in card.detail
    assert SAY_WHY not in card.detail


def test_a_shared_ingredient_whose_running_order_ends_in_days_says_the_date() -> None:
    card = _shared(f1.AS_OF + timedelta(days=4))
    assert card.indicator is Indicator.WARNING
    assert "order ends 2025-06-06" in card.detail
    assert SAY_WHY not in card.detail


# --- 7. a drug on hold on the measurement card ------------------------------------------------

_audit = chart_files.loader(Path(__file__).parent / "audit14_charts")


def test_the_measurement_card_of_a_held_drug_says_what_the_record_shows() -> None:
    doc = _audit("r10b_on_hold_after_fills")
    result = evaluate_document(doc, hook=doc["hook"], as_of=f1.AS_OF, policy=Policy())
    found = {c["source"]["topic"]["code"]: c for c in result.response.to_json()["cards"]}
    # The optimise card asks for the same repeat ("last PHQ-9 ... repeat before switching"):
    # one request (review s23 RT finding 8). With that card snoozed this one says it.
    assert "measurement-based-care" not in found
    assert "repeat before switching" in found["optimize-switch-augment"]["summary"]
    ctx = build_context(result.evaluation.record, Policy())
    shown = {r.topic: r for r in run_rules(ctx, hidden=frozenset({"optimize-switch-augment"}))}
    summary = shown["measurement-based-care"].summary
    assert summary == (
        "escitalopram on hold (not taken since 2025-03-02 at the latest); no PHQ-9 total in 91 "
        "days: repeat the PHQ-9"
    )
    assert "on hold since" not in summary
