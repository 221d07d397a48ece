"""Recheck 13: harm that the fixes for review 13 added.

- n21: sertraline written as two unsequenced daily lines on one order, no times, no bounds
  ("2 tablets (100 mg) daily" + "1 tablet (50 mg) daily") was "dose to confirm" since L2, and a
  responder got an adequacy warning. Lines on the same schedule are one day's dose again
  (fhir_mapping/dose_steps.unsequenced_shape); different frequencies and identical lines stay to
  confirm (tests/fhir_mapping/test_multi_line_sigs.py, test_draft_taper_ceiling.py).
- n13: apixaban with venlafaxine (a warning-level bleeding pair) held the aripiprazole and
  brexpiprazole one-clicks, which add no bleeding risk. A warning pair holds the raise of its
  drugs and adjuncts that share its risk; a critical pair (p3) still holds everything onto its
  drug (services/rules/interactions.py).
- n26: cocaine dependence in remission (F14.21) with methylphenidate drafted: no card. Now an
  info line at the order (condition_drug_rules.csv, substance-use-in-remission).
- n09: quetiapine XR alone was told to "augment (a non-antipsychotic adjunct)"; now "switch to
  an antidepressant of another class or add one" (services/rules/optimize_switch_augment.py).

Charts are US Core / Epic shaped (tests/fixtures/builders.py), each resource validated with
fhir.resources R4B, mapped by build_record with the real tables.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.episodes import build_trials
from fhir_mapping.medications import medication_events
from fhir_mapping.record import PatientRecord
from services.interaction_table import Pair, Taking, rows_for
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Action, Indicator, Recommendation, Suggestion
from services.rules.interactions import _keeps_in_pair
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
PATIENT = "p-recheck13-g2"
OPTIMISE = "optimize-switch-augment"
CHART_INTERACTION = "drug-interaction"
Resource = dict[str, Any]

SERTRALINE_50 = ("312941", "sertraline 50 MG Oral Tablet")
VENLAFAXINE_150 = ("313581", "24 HR venlafaxine 150 MG Extended Release Oral Capsule")
FLUVOXAMINE_100 = ("903884", "fluvoxamine maleate 100 MG Oral Tablet")
THEOPHYLLINE = ("10438", "theophylline")
APIXABAN_5 = (None, "apixaban 5 MG Oral Tablet")
METHYLPHENIDATE_10 = (None, "methylphenidate hydrochloride 10 MG Oral Tablet")
# Display only, as Epic sends a product its RxNorm map lacks; the drug table reads the name.
QUETIAPINE_XR_300 = (None, "24 HR quetiapine 300 MG Extended Release Oral Tablet")


def _patient() -> Resource:
    return b.patient(
        id=PATIENT, given="Test", family="Recheck", gender="female", birth_date=date(1975, 5, 5)
    )


def _mdd() -> Resource:
    return b.condition(
        b.ICD10CM,
        "F33.2",
        "Major depressive disorder, recurrent severe without psychotic features",
        date(2024, 10, 1),
        category="problem-list-item",
        patient=PATIENT,
        id="mdd",
    )


def _running(product: tuple[str | None, str], rid: str, start: date, per_day: int = 1) -> Resource:
    """A community order, 30 days with 5 refills: running on AS_OF."""
    return b.medication_request(
        *product,
        start,
        dose_value=1,
        frequency=per_day,
        expected_supply_days=30,
        repeats=5,
        patient=PATIENT,
        id=rid,
    )


def _record(*resources: Resource) -> PatientRecord:
    assert_valid(list(resources))
    return build_record(list(resources), as_of=AS_OF, patient_id=PATIENT)


def _chart_cards(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in patient_view(record, Policy())}


def _medication_orders(card: Recommendation) -> list[str]:
    return [
        s.label
        for s in card.suggestions
        if any((a.resource or {}).get("resourceType") == "MedicationRequest" for a in s.actions)
    ]


# --- 1. n21: two daily lines on one order are one day's dose -------------------------------------


def _two_line_sertraline() -> Resource:
    """n21's order: Epic's two dosage lines, no sequence, no bounds, no times of day."""
    order = b.medication_request(
        *SERTRALINE_50,
        date(2025, 1, 6),
        expected_supply_days=30,
        repeats=5,
        patient=PATIENT,
        id="mr-two-lines",
    )
    order["dosageInstruction"] = [
        b.dosage(
            2, "tablet", 1, 1, "d", text="Take 2 tablets (100 mg) by mouth daily", sequence=None
        ),
        b.dosage(
            1, "tablet", 1, 1, "d", text="Take 1 tablet (50 mg) by mouth daily", sequence=None
        ),
    ]
    return order


def test_two_daily_lines_on_one_order_are_summed() -> None:
    # Before (L2): [(None, 150.0)], "dose to confirm", no week at an adequate dose.
    order = _two_line_sertraline()
    assert_valid([order])
    events, _ = medication_events([order], as_of=AS_OF)
    assert [(e.mg_per_day, e.mg_per_day_high) for e in events] == [(150.0, None)]
    (trial,) = build_trials(events, as_of=AS_OF)
    assert [s.mg_per_day for s in trial.segments] == [150.0]
    assert trial.weeks_at_adequate_dose > 0
    assert not any("dose to confirm" in n for n in trial.notes)


def test_a_responder_on_two_daily_lines_gets_no_adequacy_warning() -> None:
    # n21: PHQ-9 18 -> 9 on 150 mg/day. Before: "1 trial not adequate (sertraline dose not
    # recorded): review dose and adherence before counting failures" (warning).
    record = _record(
        _patient(),
        _mdd(),
        _two_line_sertraline(),
        *b.phq9(date(2025, 1, 6), 18, 0, patient=PATIENT),
        *b.phq9(date(2025, 5, 12), 9, 0, patient=PATIENT),
    )
    found = patient_view(record, Policy())
    assert not any("not adequate" in r.summary for r in found)
    assert not any("dose not recorded" in r.summary for r in found)


# --- 2. n13: a warning pair holds raises, not unrelated adjuncts ---------------------------------


def _failed_venlafaxine(*extra: Resource) -> PatientRecord:
    """Venlafaxine 150 mg/day since 2025-03-03, PHQ-9 18 then 17: one adequate failed trial."""
    start = date(2025, 3, 3)
    return _record(
        _patient(),
        _mdd(),
        _running(VENLAFAXINE_150, "venla", start),
        *b.phq9(start, 18, 0, patient=PATIENT),
        *b.phq9(date(2025, 5, 12), 17, 0, patient=PATIENT),
        *extra,
    )


def test_apixaban_with_venlafaxine_leaves_the_antipsychotic_adjuncts_one_click() -> None:
    # Before: "Not one click beside a drug interaction: Propose adjunctive aripiprazole ...;
    # Propose adjunctive brexpiprazole ... Each raises or keeps running venlafaxine".
    baseline = _chart_cards(_failed_venlafaxine())
    cards = _chart_cards(
        _failed_venlafaxine(_running(APIXABAN_5, "apix", date(2024, 1, 1), per_day=2))
    )
    assert cards[CHART_INTERACTION].indicator is Indicator.WARNING
    assert "bleeding" in cards[CHART_INTERACTION].summary
    adjuncts = [s for s in _medication_orders(baseline[OPTIMISE]) if "adjunctive" in s]
    assert adjuncts, "the chart must propose an adjunct for this test to mean anything"
    # The adjuncts stay one click; only more venlafaxine (the dose-first raise, review s19 item 3)
    # is held, as more of a drug of a warning pair raises the pair's risk (rules/interactions.py).
    raise_venlafaxine = "Raise venlafaxine to 225 mg/day (dose first, CANMAT 2023 para 187)"
    assert _medication_orders(baseline[OPTIMISE]) == [raise_venlafaxine, *adjuncts]
    assert _medication_orders(cards[OPTIMISE]) == adjuncts
    first = cards[OPTIMISE].detail.split("\n\n")[0]
    assert first.startswith(f"**Not one click beside a drug interaction:** {raise_venlafaxine}.")
    assert "adjunctive" not in first


def test_a_critical_pair_still_holds_the_raise_and_the_adjuncts_onto_its_drug() -> None:
    # p3 (audit 13 UNSAFE 1): fluvoxamine with theophylline, critical.
    start = date(2025, 3, 3)
    record = _record(
        _patient(),
        _mdd(),
        _running(FLUVOXAMINE_100, "fluv", start),
        _running(THEOPHYLLINE, "theo", date(2020, 1, 1)),
        *b.phq9(start, 18, 0, patient=PATIENT),
        *b.phq9(date(2025, 5, 12), 17, 0, patient=PATIENT),
    )
    optimise = _chart_cards(record)[OPTIMISE]
    assert _medication_orders(optimise) == []
    first = optimise.detail.split("\n\n")[0]
    assert first.startswith("**Not one click beside a drug interaction:** Raise fluvoxamine")
    assert "fluvoxamine with theophylline (critical)" in first


def test_a_warning_pair_holds_an_adjunct_that_shares_its_risk() -> None:
    # Tramadol with venlafaxine (serotonergic, warning): mirtazapine added to venlafaxine is in
    # the tramadol-serotonergic row too, aripiprazole is not (services/rules/interactions.py).
    pair = Pair(
        Taking("tramadol", 200.0, date(2024, 1, 1), False, None),
        Taking("venlafaxine", 150.0, date(2025, 3, 3), False, None),
        rows_for("tramadol", "venlafaxine"),
    )
    assert pair.severity is Indicator.WARNING

    def adding(ingredient: str) -> Suggestion:
        resource = {
            "resourceType": "MedicationRequest",
            "medicationCodeableConcept": {"text": ingredient},
        }
        return Suggestion(f"Propose adjunctive {ingredient}", (Action("create", "", resource),))

    running = frozenset({"venlafaxine"})
    assert _keeps_in_pair(adding("mirtazapine"), "venlafaxine", [pair], running)
    assert not _keeps_in_pair(adding("aripiprazole"), "venlafaxine", [pair], running)
    assert _keeps_in_pair(adding("venlafaxine"), "venlafaxine", [pair], running)


# --- 3. n26: a stimulant use disorder in remission is an info line at the order -------------------


def _stimulant_history(code: str, display: str) -> PatientRecord:
    start = date(2025, 3, 3)
    resources = [
        _patient(),
        _mdd(),
        b.condition(
            b.ICD10CM,
            code,
            display,
            date(2019, 1, 1),
            category="problem-list-item",
            patient=PATIENT,
            id="sud",
        ),
        _running(VENLAFAXINE_150, "venla", start),
        *b.phq9(start, 18, 0, patient=PATIENT),
        *b.phq9(date(2025, 5, 12), 17, 0, patient=PATIENT),
    ]
    draft = b.medication_request(
        *METHYLPHENIDATE_10,
        AS_OF,
        dose_value=1,
        frequency=2,
        status="draft",
        expected_supply_days=30,
        patient=PATIENT,
        id="draft-mph",
    )
    assert_valid([*resources, draft])
    return build_record(resources, as_of=AS_OF, patient_id=PATIENT, draft_orders=(draft,))


def _order_cards(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in order_hook(record, Policy(), hook="order-select", selections=())}


def test_cocaine_dependence_in_remission_with_methylphenidate_is_an_info_line() -> None:
    # Before: no card at all.
    card = _order_cards(_stimulant_history("F14.21", "Cocaine dependence, in remission"))[
        "order-drug-caution"
    ]
    assert card.indicator is Indicator.INFO
    assert "history of stimulant use disorder (in remission): weigh misuse risk" in card.summary
    assert "Cocaine dependence, in remission" in card.summary
    assert "F14.21" in card.detail
    assert "not to be used" not in card.summary


def test_active_stimulant_use_disorder_stays_a_warning() -> None:
    card = _order_cards(_stimulant_history("F15.20", "Other stimulant dependence, uncomplicated"))[
        "order-drug-contraindicated"
    ]
    assert card.indicator is Indicator.WARNING
    assert "boxed warning" in card.summary


def test_alcohol_use_in_remission_says_nothing_of_methylphenidate() -> None:
    record = _stimulant_history("F10.21", "Alcohol dependence, in remission")
    assert "order-drug-contraindicated" not in _order_cards(record)


# --- 4. n09: quetiapine alone is not told to augment ----------------------------------------------


def test_quetiapine_monotherapy_is_told_to_switch_to_or_add_an_antidepressant() -> None:
    # Before: "1 adequate trial failed (quetiapine): switch to a non-atypical antipsychotic
    # mechanism or augment (a non-antipsychotic adjunct)".
    start = date(2024, 10, 7)
    quetiapine = b.medication_request(
        *QUETIAPINE_XR_300,
        start,
        expected_supply_days=30,
        repeats=11,
        patient=PATIENT,
        id="quet",
    )
    record = _record(
        _patient(),
        _mdd(),
        quetiapine,
        *b.phq9(start, 19, 0, patient=PATIENT),
        *b.phq9(date(2025, 5, 12), 17, 0, patient=PATIENT),
    )
    summary = _chart_cards(record)[OPTIMISE].summary
    assert "augment" not in summary
    assert "switch to an antidepressant of another class or add one to quetiapine" in summary
    assert "CANMAT 2023" in summary
