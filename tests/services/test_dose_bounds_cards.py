"""Each check reads the end of a ranged dose that is safe for its question, and the cards write
the dose as the record states it (DOSE6 review).

- "above the maximum" and the older-adult limit: the UPPER end (the patient may take that much);
- "below the minimum adequate dose" and adequacy: the LOWER end (the record proves no more);
- antimanic cover: the LOWER end (cover that may not be taken is no cover);
- Aplenzin is judged at its hydrochloride equivalent, Prozac Weekly at its daily equivalent, and
  the card shows both the dose as written and the equivalent.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import (
    DoseSegment,
    DraftOrder,
    FindingKind,
    PatientRecord,
    Role,
    Trial,
    Verdict,
)
from services import cards, order_doses
from services.order_hooks import order_hook
from services.policy import Policy
from services.recommendation import Recommendation
from tests.services import factories as f
from tests.services import test_order_safety as safety
from tests.services.helpers import screen_by_topic

BIPOLAR = f.finding(FindingKind.BIPOLAR, code="F31.81", display="Bipolar II disorder")


def _orders(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in order_hook(record, Policy(), hook="order-select", selections=())}


_chart = screen_by_topic


def _ranged(draft: DraftOrder, high: float | None, equivalence: str | None = None) -> DraftOrder:
    return dataclasses.replace(draft, mg_per_day_high=high, dose_equivalence=equivalence)


def _aged(record: PatientRecord, age: int) -> PatientRecord:
    return dataclasses.replace(record, patient=dataclasses.replace(record.patient, age=age))


def _ranged_trial(trial: Trial, high: float, equivalence: str | None = None) -> Trial:
    segments = tuple(dataclasses.replace(s, mg_per_day_high=high) for s in trial.segments)
    return dataclasses.replace(trial, segments=segments, dose_equivalence=equivalence)


# --- order hooks ---------------------------------------------------------------------------------


def test_a_range_reaching_above_the_maximum_gets_the_above_card_with_the_range() -> None:
    # 150-250 mg/day of sertraline (max 200): the patient may take 250. Read at 150 alone, the
    # card would be silent.
    draft = _ranged(f.draft("sertraline", mg=150, min_mg=50, max_mg=200), 250)
    rec = _orders(f.trd_record(draft_orders=(draft,)))["order-dose-above-range"]
    assert rec.summary == (
        "Sertraline 150-250 mg/day reaches above the usual maximum of 200 mg/day"
    )


def test_a_range_starting_below_the_minimum_gets_the_below_card() -> None:
    # 25-100 mg/day (minimum 50): the record proves only 25, so the order is not yet an adequate
    # dose. Read at 100, no card said so.
    # Sertraline 25 running (a first start gets no below-range card: review s25 RO finding 5).
    draft = _ranged(f.draft("sertraline", mg=25, min_mg=50, max_mg=200), 100)
    running = f.trial(
        "sertraline", start=date(2024, 5, 20), mg=25, ongoing=True, verdict=Verdict.ONGOING
    )
    recs = _orders(f.trd_record(trials=(f.venlafaxine_failed(), running), draft_orders=(draft,)))
    rec = recs["order-dose-below-range"]
    assert rec.summary == (
        "Sertraline 25-100 mg/day starts below the minimum adequate dose (50 mg/day); counted at "
        "its lower end"
    )
    assert "order-dose-above-range" not in recs


def test_a_plain_dose_keeps_its_wording() -> None:
    draft = f.draft("bupropion", "NDRI", mg=600, min_mg=150, max_mg=450)
    rec = _orders(f.trd_record(draft_orders=(draft,)))["order-dose-above-range"]
    assert rec.summary == "Bupropion 600 mg/day is above the usual maximum of 450 mg/day"


def test_the_age_limit_reads_the_upper_end_of_a_ranged_order() -> None:
    # Citalopram 10-40 mg/day at 72: up to 40 may be taken, above the 20 mg/day maximum over 60.
    draft = _ranged(f.draft("citalopram", mg=10, min_mg=20, max_mg=40), 40)
    recs = _orders(_aged(f.trd_record(draft_orders=(draft,)), 72))
    rec = next(r for r in recs.values() if "at age 72" in r.summary)
    assert rec.summary.startswith("Citalopram 10-40 mg/day at age 72: above the ")


def test_two_ranged_drafts_are_judged_together_at_both_ends() -> None:
    first = _ranged(f.draft("sertraline", mg=100, min_mg=50, max_mg=200), 150)
    second = _ranged(f.draft("sertraline", mg=50, min_mg=50, max_mg=200, rid="draft-2"), 100)
    found = order_doses.together([first, second])["sertraline"]
    assert (found.total, found.total_high) == (150, 250)
    assert found.note() == (
        "**2 orders of sertraline together:** 100-150 + 50-100 = 150-250 mg/day, judged as one "
        "dose."
    )
    one = order_doses.as_one(first, found)
    assert (one.mg_per_day, one.mg_per_day_upper) == (150, 250)


def test_antimanic_cover_reads_the_lower_end_of_a_ranged_order() -> None:
    # Quetiapine 25-400 mg/day: protective only at 400 (data/mood_stabilisers.csv), which may
    # never be taken; at 25 it is a sleep dose. Not counted as cover: the bipolar card fires.
    quetiapine = _ranged(
        f.draft(
            "quetiapine",
            "atypical antipsychotic",
            mg=25,
            min_mg=150,
            max_mg=300,
            rid="draft-2",
            role=Role.AUGMENTATION,
        ),
        400,
    )
    bupropion = f.draft("bupropion", "NDRI", mg=150, min_mg=150, max_mg=450)
    record = f.trd_record(findings=(f.mdd(), BIPOLAR), draft_orders=(bupropion, quetiapine))
    card = _orders(record)["order-bipolar-no-mood-stabiliser"]
    assert "Quetiapine 25-400 mg/day (on this order) is below the dose at which it treats" in (
        card.detail
    )
    covered = dataclasses.replace(quetiapine, mg_per_day=400, mg_per_day_high=None)
    record = f.trd_record(findings=(f.mdd(), BIPOLAR), draft_orders=(bupropion, covered))
    assert "order-bipolar-no-mood-stabiliser" not in _orders(record)


def test_aplenzin_522_is_not_above_the_bupropion_maximum() -> None:
    # 522 mg of the hydrobromide is 450 mg of the hydrochloride the 450 mg/day maximum is in.
    aplenzin = _ranged(
        f.draft("bupropion", "NDRI", mg=450, min_mg=150, max_mg=450), None, "bupropion-hbr"
    )
    assert "order-dose-above-range" not in _orders(f.trd_record(draft_orders=(aplenzin,)))


def test_aplenzin_above_the_maximum_shows_the_dose_as_written_and_its_equivalent() -> None:
    # Two 348 mg tablets: 696 mg HBr = 600 mg HCl.
    aplenzin = _ranged(
        f.draft("bupropion", "NDRI", mg=600, min_mg=150, max_mg=450), None, "bupropion-hbr"
    )
    rec = _orders(f.trd_record(draft_orders=(aplenzin,)))["order-dose-above-range"]
    assert rec.summary == (
        "Bupropion HBr 696 mg/day (= 600 mg bupropion HCl) is above the usual maximum of 450 mg/day"
    )


def test_prozac_weekly_is_not_below_the_minimum() -> None:
    weekly = _ranged(f.draft("fluoxetine", mg=20, min_mg=20, max_mg=80), None, "fluoxetine-weekly")
    assert "order-dose-below-range" not in _orders(f.trd_record(draft_orders=(weekly,)))
    assert order_doses.draft_dose(weekly) == "90 mg weekly (= 20 mg/day)"


# --- patient-view --------------------------------------------------------------------------------


def _citalopram(mg: float, high: float | None) -> Trial:
    trial = f.trial(
        "citalopram", "SSRI", start=date(2024, 1, 8), mg=mg, min_mg=20, max_mg=40, ongoing=True
    )
    return _ranged_trial(trial, high) if high is not None else trial


def test_a_running_range_reaching_above_the_older_adult_limit_gets_the_age_card() -> None:
    record = _aged(f.record(trials=(_citalopram(20, 40),), findings=(f.mdd(),)), 72)
    rec = _chart(record)["dose-above-age-limit"]
    assert rec.summary.startswith("Citalopram 20-40 mg/day at age 72: above the ")
    # Without the range, 20 mg/day is at the limit: no card.
    plain = _aged(f.record(trials=(_citalopram(20, None),), findings=(f.mdd(),)), 72)
    assert "dose-above-age-limit" not in _chart(plain)


def test_the_trial_table_writes_a_range_and_an_equivalent_dose_as_the_record_does() -> None:
    ranged = _ranged_trial(f.trial("sertraline", mg=50), 200)
    assert cards.dose_path(ranged) == "50-200"
    weekly = dataclasses.replace(
        f.trial("fluoxetine", mg=20, min_mg=20, max_mg=80), dose_equivalence="fluoxetine-weekly"
    )
    assert cards.dose_path(weekly) == "90 mg weekly (= 20 mg/day)"
    plain = f.trial("sertraline", doses=(50, 100))
    assert cards.dose_path(plain) == "50 → 100"


def test_a_segment_without_a_range_reads_the_same_at_both_ends() -> None:
    segment = DoseSegment(date(2024, 1, 1), date(2024, 2, 1), 100)
    assert (segment.mg_per_day, segment.mg_per_day_high, segment.mg_per_day_upper) == (
        100,
        None,
        100,
    )


# --- from the FHIR draft to the card -------------------------------------------------------------


def test_an_aplenzin_522_draft_from_fhir_gets_no_above_maximum_card() -> None:
    # The whole path: RxNorm 993681 on a draft MedicationRequest, read by fhir_mapping, judged by
    # the order checks. Before, 522 mg/day was compared with the 450 mg/day HCl maximum.
    def record_of(tablets: float) -> PatientRecord:
        draft = safety.drafted(
            ("993681", "24 HR bupropion hydrobromide 522 MG Extended Release Oral Tablet"),
            tablets=tablets,
        )
        patient = safety.person(date(1978, 3, 1))
        for resource in (patient, draft):
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        return build_record(
            [patient], as_of=safety.AS_OF, patient_id=safety.P, draft_orders=[draft]
        )

    one = record_of(1)
    (order,) = one.draft_orders
    assert (order.mg_per_day, order.dose_equivalence) == (450, "bupropion-hbr")
    assert "order-dose-above-range" not in _orders(one)
    two = _orders(record_of(2))["order-dose-above-range"]
    assert two.summary.startswith(
        "Bupropion HBr 1044 mg/day (= 900 mg bupropion HCl) is above the usual maximum"
    )
