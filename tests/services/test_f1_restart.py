"""A lithium restart after a toxic level on an earlier course; a brand's text that lists several
strengths; an optimise summary whose one-click raise a safety card holds.

1. A lithium level at or above the lithium-toxic line (data/lab_safety.csv, 1.5 mmol/L) taken on
   an earlier course (1.8 mmol/L in 2023, lithium stopped, restarted 2025) is said at a lithium
   start or raise, and on the chart-open lithium-level card when it is shown: the level cards read
   the running course only, so a raise on a new course with no level yet had no lithium card.
2. "Auvelity 45 mg-105 mg tablet" sent as text only was read as 45 mg (its first number) and
   gave a false "below the 105 mg/day minimum" card: the strength read is the bupropion's, the
   one the dose rules judge, or none.
3. A summary whose one-click raise the suicide-risk, postpartum-psychosis or lithium-level hold
   takes off says the raise is held instead of "raise the dose".

Charts are US Core shaped as Epic sends them (tests/fixtures/builders.py): LOINC 14334-7 lithium
levels in mmol/L with the lab's H flag, RxNorm MedicationRequests, ICD-10-CM problem-list
Conditions, PHQ-9 panels; a draft named by medicationCodeableConcept text only, as Epic's
order-select draft orders can be (../shared/fhir/vendor/README.md trap 1).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fixtures import builders as b

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
P = "pt-f1-restart"
Resource = dict[str, Any]

LITHIUM_300 = ("197889", "lithium carbonate 300 MG Oral Capsule")
CITALOPRAM_20 = ("200371", "citalopram 20 MG Oral Tablet")
CITALOPRAM_10 = ("283672", "citalopram 10 MG Oral Tablet")
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
LITHIUM_LEVEL = "14334-7"  # LOINC Lithium [Moles/volume] in Serum or Plasma
LEVEL_CARD = "running-lithium-level"
ORDER_LEVEL = "order-lithium-level"
HISTORY = (
    "Lithium level 1.8 mmol/L on 2023-03-14 (earlier course): toxicity history; check a level "
    "5-7 days after any change"
)


def _order(
    drug: tuple[str | None, str],
    start: date,
    per_day: int,
    rid: str,
    *,
    stopped: date | None = None,
) -> Resource:
    return b.medication_request(
        *drug,
        start,
        dose_value=1,
        frequency=per_day,
        status="stopped" if stopped else "active",
        bounds_end=stopped,
        expected_supply_days=30,
        repeats=11,
        patient=P,
        id=rid,
    )


def _draft(drug: tuple[str | None, str], per_day: int) -> Resource:
    return b.medication_request(
        *drug,
        AS_OF,
        dose_value=1,
        frequency=per_day,
        status="draft",
        expected_supply_days=30,
        patient=P,
        id="draft-1",
    )


def _level(when: date, value: float, rid: str) -> Resource:
    lab = b.lab(
        LITHIUM_LEVEL,
        value,
        "mmol/L",
        when,
        "H" if value > 1.2 else "N",
        (0.6, 1.2),
        patient=P,
        display="Lithium [Moles/volume] in Serum or Plasma",
    )
    lab["id"] = rid
    return lab


def _chart(
    *extra: Resource,
    drafts: tuple[Resource, ...] = (),
    current: tuple[str | None, str] = CITALOPRAM_20,
    item9: int = 0,
) -> PatientRecord:
    """F33.2; sertraline 100 mg/day failed (2022-06-06 to 2022-10-03); `current` (citalopram 20
    mg/day) since 2022-10-03; PHQ-9 22, 21, 21 (the last with item 9 `item9`); lithium and the
    rest in `extra`."""
    resources = [
        b.patient(id=P, given="Ana", family="Reyes", gender="female", birth_date=date(1975, 5, 5)),
        b.condition(
            b.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2022, 6, 6),
            category="problem-list-item",
            patient=P,
            id="mdd",
        ),
        _order(SERTRALINE_100, date(2022, 6, 6), 1, "mr-ser", stopped=date(2022, 10, 3)),
        _order(current, date(2022, 10, 3), 1, "mr-cit"),
        *b.phq9(date(2022, 6, 6), 22, item9=0, patient=P),
        *b.phq9(date(2022, 10, 3), 21, item9=0, patient=P),
        *b.phq9(date(2025, 5, 19), 21, item9=item9, patient=P),
        *extra,
    ]
    for resource in [*resources, *drafts]:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P, draft_orders=drafts)


def _first_course() -> tuple[Resource, ...]:
    """Lithium 900 mg/day 2022-11-07 to 2023-03-14, stopped on a 1.8 mmol/L level (a toxicity
    admission)."""
    return (
        _order(LITHIUM_300, date(2022, 11, 7), 3, "mr-li-1", stopped=date(2023, 3, 14)),
        _level(date(2023, 3, 14), 1.8, "li-toxic"),
    )


def _restarted() -> Resource:
    return _order(LITHIUM_300, date(2025, 3, 24), 2, "mr-li-2")  # 600 mg/day since 2025-03-24


def _at_order(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in order_hook(record, Policy(), hook="order-sign")}


def _on_open(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in patient_view(record, Policy())}


# --- 1. a toxic level of an earlier course -----------------------------------------------------


def test_a_raise_on_a_restarted_course_with_no_level_yet_says_the_toxic_history() -> None:
    record = _chart(*_first_course(), _restarted(), drafts=(_draft(LITHIUM_300, 3),))
    card = _at_order(record)[ORDER_LEVEL]
    assert card.indicator is Indicator.WARNING
    assert card.summary == HISTORY
    assert "No level of the running course is on record yet." in card.detail
    assert "at or above 1.5 mmol/L, where the lithium label puts a greater risk" in card.detail
    assert "Check a level 5-7 days after any change" in card.detail


def test_a_start_after_a_toxic_level_long_ago_says_it() -> None:
    record = _chart(*_first_course(), drafts=(_draft(LITHIUM_300, 2),))
    assert _at_order(record)[ORDER_LEVEL].summary == HISTORY


def test_a_lowered_dose_is_no_start_or_raise_and_gets_no_history_card() -> None:
    record = _chart(*_first_course(), _restarted(), drafts=(_draft(LITHIUM_300, 1),))
    assert ORDER_LEVEL not in _at_order(record)


def test_an_earlier_level_below_the_toxic_line_is_no_history() -> None:
    record = _chart(
        _order(LITHIUM_300, date(2022, 11, 7), 3, "mr-li-1", stopped=date(2023, 3, 14)),
        _level(date(2023, 3, 14), 1.3, "li-high"),
        _restarted(),
        drafts=(_draft(LITHIUM_300, 3),),
    )
    assert ORDER_LEVEL not in _at_order(record)


def test_the_level_card_of_the_new_course_carries_the_history_and_stays_a_warning() -> None:
    # 0.9 on the new course: above the target, within the usual range (a warning on its own
    # too: the order raises 600 to 900 mg/day, review 14 W1).
    record = _chart(
        *_first_course(),
        _restarted(),
        _level(date(2025, 5, 12), 0.9, "li-now"),
        drafts=(_draft(LITHIUM_300, 3),),
    )
    card = _at_order(record)[ORDER_LEVEL]
    assert card.summary.startswith("Lithium raised to 900 mg/day, last level 0.9 mmol/L")
    assert card.indicator is Indicator.WARNING
    assert f"**Toxicity history:** {HISTORY}." in card.detail


def test_the_chart_open_level_card_says_the_history() -> None:
    record = _chart(*_first_course(), _restarted(), _level(date(2025, 5, 12), 1.3, "li-now"))
    card = _on_open(record)[LEVEL_CARD]
    assert f"**Toxicity history:** {HISTORY}." in card.detail


def test_the_chart_open_level_card_without_an_earlier_toxic_level_says_none() -> None:
    record = _chart(_restarted(), _level(date(2025, 5, 12), 1.3, "li-now"))
    assert "Toxicity history" not in _on_open(record)[LEVEL_CARD].detail


# --- 2. a brand's text that lists several strengths ----------------------------------------------

BELOW = "order-dose-below-range"


def _text_draft(text: str, per_day: int = 2) -> Resource:
    """A draft named by medicationCodeableConcept.text only (no coding), one tablet `per_day`
    times a day, as an Epic order-select draft can name a drug by its display only."""
    return b.medication_request(
        None,
        text,
        AS_OF,
        dose_value=1,
        dose_unit="{tbl}",
        frequency=per_day,
        status="draft",
        expected_supply_days=30,
        patient=P,
        id="draft-1",
    )


@pytest.mark.parametrize(
    "text",
    [
        "Auvelity 45 mg-105 mg tablet",
        "AUVELITY 45-105 MG PO TBCR",
        "Auvelity 45 mg/105 mg extended-release tablet",
    ],
)
def test_auvelity_text_reads_the_bupropion_strength_not_the_first_number(text: str) -> None:
    record = _chart(drafts=(_text_draft(text),))
    [draft] = record.draft_orders
    assert draft.ingredient == "dextromethorphan-bupropion"
    assert draft.mg_per_day == 210  # 2 x 105 mg of bupropion, the dose rules' unit
    assert BELOW not in _at_order(record)


def test_auvelity_text_with_only_a_number_the_table_does_not_know_gives_no_dose() -> None:
    # 45 mg is the dextromethorphan: read as the drug's it is a false "below the minimum".
    record = _chart(drafts=(_text_draft("Auvelity 45 mg tablet"),))
    [draft] = record.draft_orders
    assert draft.mg_per_day is None
    assert BELOW not in _at_order(record)


@pytest.mark.parametrize("text", ["Contrave 8 mg-90 mg tablet", "CONTRAVE 8-90 MG PO TB12"])
def test_contrave_text_is_90_mg_of_bupropion_a_tablet(text: str) -> None:
    [draft] = _chart(drafts=(_text_draft(text),)).draft_orders
    assert (draft.ingredient, draft.mg_per_day) == ("bupropion", 180)


# meds45 (review K51a finding 4): a pair that is one RxNorm SCD's strengths is read as that SCD
# reads it (combination_strengths.py), as the coded product is; any other pair gives no strength.
@pytest.mark.parametrize(
    ("text", "doses"),
    [
        ("Symbyax 6 mg-25 mg capsule", {"fluoxetine": 25, "olanzapine": 6}),
        ("SYMBYAX 12-50 MG PO CAPS", {"fluoxetine": 50, "olanzapine": 12}),
        ("Symbyax 6-30 mg capsule", {"fluoxetine": None, "olanzapine": None}),
    ],
)
def test_symbyax_text_reads_a_pair_only_as_one_product_strength(
    text: str, doses: dict[str, float | None]
) -> None:
    drafts = _chart(drafts=(_text_draft(text, per_day=1),)).draft_orders
    assert {d.ingredient: d.mg_per_day for d in drafts} == doses


# --- 3. a summary beside a hold -------------------------------------------------------------------

OPTIMISE = "optimize-switch-augment"
LOW = "Citalopram 10 mg/day is below the adequate range (20-40)"


def _orders(card: Recommendation) -> list[str]:
    return [s.label for s in card.suggestions]


def test_without_a_hold_the_summary_proposes_the_raise_it_offers() -> None:
    card = _on_open(_chart(current=CITALOPRAM_10))[OPTIMISE]
    assert card.summary == f"{LOW}: raise the dose before judging response"
    assert _orders(card) == ["Raise citalopram to 20 mg/day"]


def test_with_an_acute_suicide_risk_the_summary_says_the_raise_is_held() -> None:
    card = _on_open(_chart(current=CITALOPRAM_10, item9=2))[OPTIMISE]
    assert card.summary == f"{LOW}: raise held (suicide risk assessment first)"
    assert _orders(card) == []
    assert card.detail.startswith("**Suicide risk card open:**")


def test_with_the_lithium_level_card_open_the_summary_says_the_raise_is_held() -> None:
    record = _chart(_restarted(), _level(date(2025, 5, 12), 1.4, "li-now"), current=CITALOPRAM_10)
    cards = _on_open(record)
    assert LEVEL_CARD in cards
    card = cards[OPTIMISE]
    assert card.summary == f"{LOW}: raise held (the lithium level is above its target)"
    assert _orders(card) == []
    snoozed = {r.topic: r for r in patient_view(record, Policy(), hidden=frozenset({LEVEL_CARD}))}[
        OPTIMISE
    ]
    assert snoozed.summary == f"{LOW}: raise the dose before judging response"


def test_a_below_range_adjunct_beside_an_acute_risk_is_not_told_to_raise() -> None:
    mirtazapine = _order(("311725", "mirtazapine 15 MG Oral Tablet"), date(2025, 1, 27), 1, "mr-m")
    open_ = _on_open(_chart(mirtazapine))[OPTIMISE]
    assert open_.summary.endswith("PHQ-9 21: raise it or change strategy")
    card = _on_open(_chart(mirtazapine, item9=2))[OPTIMISE]
    assert card.summary == (
        "Mirtazapine 15 mg/day added 2025-01-27, below the 30 mg/day adjunct dose; PHQ-9 21: "
        "raise held (suicide risk assessment first)"
    )
    assert _orders(card) == []


def test_the_angle_closure_hold_words_the_summary_the_same_way() -> None:
    from tests.services import test_glaucoma_retention as glaucoma

    running = glaucoma._running_nortriptyline()
    plain = {r.topic: r for r in patient_view(glaucoma.chart(running), Policy())}[OPTIMISE]
    assert "raise the dose" in plain.summary
    record = glaucoma.chart(running, glaucoma.problem(glaucoma.ANGLE_CLOSURE, id="glaucoma"))
    card = {r.topic: r for r in patient_view(record, Policy())}[OPTIMISE]
    assert card.summary.startswith("Nortriptyline 50 mg/day is below")
    assert card.summary.endswith(": raise held (angle-closure glaucoma on record)")
