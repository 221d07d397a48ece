"""Issue 11 safety items at the order hooks and on the chart: MAOIs (1), age limits (5), label
contraindications (5a), doses that are not mg/day (5b), lamotrigine in bipolar disorder (13) and
referrals coded as referrals (16). Item 15 (cards not hidden because they were sent) is tested
through the HTTP app in tests/cds_hooks/test_order_card_repeat.py.

Charts are FHIR R4 as US EHRs send them (tests/fixtures/builders.py: US Core MedicationRequests
with RxNorm clinical drugs, ICD-10-CM problem-list Conditions with SNOMED CT alongside, PHQ-9
Observations), mapped by fhir_mapping.build_record and run through the real drug table; the
draft orders come as the hook's draftOrders. A few rule-level checks use hand-built records
(tests/services/factories.py).
"""

from __future__ import annotations

import csv
import dataclasses
from datetime import date
from importlib import resources
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping import drug_table
from fhir_mapping.build import build_record
from fhir_mapping.record import DoseBasis, PatientRecord, Role
from services import age_limits, cards, order_hooks, tables, washout_switch, washout_table
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fixtures import builders as fb
from tests.fixtures.renewals import renewed
from tests.services import factories as f
from tests.services.helpers import assert_valid_proposals, codes
from tests.services.helpers import resources as proposals

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
P = "pt-safety-1"
Resource = dict[str, Any]

# RxNorm clinical drugs (data/rxnorm_products.csv) as EHR order screens send them.
CITALOPRAM_20 = ("200371", "citalopram 20 MG Oral Tablet")
CITALOPRAM_40 = ("309314", "citalopram 40 MG Oral Tablet")
ESCITALOPRAM_10 = ("349332", "escitalopram 10 MG Oral Tablet")
FLUOXETINE_20 = ("310385", "fluoxetine 20 MG Oral Capsule")
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
PAROXETINE_20 = ("1738495", "paroxetine hydrochloride 20 MG Oral Tablet")
PHENELZINE_15 = ("312347", "phenelzine 15 MG Oral Tablet")
TRANYLCYPROMINE_10 = ("313447", "tranylcypromine 10 MG Oral Tablet")
CLOMIPRAMINE_50 = ("857301", "clomipramine hydrochloride 50 MG Oral Capsule")
BUPROPION_XL_150 = (None, "bupropion hydrochloride 150 MG 24 HR Extended Release Oral Tablet")
LAMOTRIGINE_100 = ("198427", "lamotrigine 100 MG Oral Tablet")


# --- chart builders --------------------------------------------------------------------------------


def person(birth: date = date(1978, 3, 1)) -> Resource:
    return fb.patient(id=P, given="Maria", family="Lopez", gender="female", birth_date=birth)


def mdd() -> Resource:
    return fb.condition(
        fb.ICD10CM,
        "F33.1",
        "Major depressive disorder, recurrent, moderate",
        date(2024, 1, 10),
        category="problem-list-item",
        patient=P,
        extra_codings=[(fb.SNOMED, "370143000", "Major depressive disorder")],
        id="cond-mdd",
    )


def phq9(day: date, total: int) -> list[Resource]:
    return fb.phq9(day, total, item9=0, patient=P)


def taking(
    drug: tuple[str | None, str],
    start: date,
    *,
    tablets: float = 1,
    per_day: int = 1,
    stopped: date | None = None,
    rid: str,
) -> Resource | list[Resource]:
    """An outpatient order; a discontinued one carries status "stopped" and boundsPeriod.end, as
    EHRs send discontinued orders. A running drug older than one order's supply comes with its
    yearly renewals up to AS_OF (tests/fixtures/renewals.py, orders33): the record shows it
    taken now."""
    order = fb.medication_request(
        drug[0],
        drug[1],
        start,
        dose_value=tablets,
        frequency=per_day,
        status="stopped" if stopped else "active",
        bounds_end=stopped,
        expected_supply_days=30,
        repeats=11,
        patient=P,
        id=rid,
    )
    chain = renewed(order, AS_OF)
    return chain[0] if len(chain) == 1 else chain


def drafted(
    drug: tuple[str | None, str], *, tablets: float = 1, per_day: int = 1, rid: str = "draft-1"
) -> Resource:
    return fb.medication_request(
        drug[0],
        drug[1],
        AS_OF,
        dose_value=tablets,
        frequency=per_day,
        status="draft",
        expected_supply_days=30,
        patient=P,
        id=rid,
    )


def chart(
    *items: Resource | list[Resource],
    drafts: tuple[Resource, ...] = (),
    birth: date = date(1978, 3, 1),
    as_of: date = AS_OF,
) -> PatientRecord:
    flat: list[Resource] = [person(birth)]
    for item in items:
        flat.extend(item if isinstance(item, list) else [item])
    for resource in [*flat, *drafts]:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(flat, as_of=as_of, patient_id=P, draft_orders=drafts)


def at_order(record: PatientRecord, hook: str = "order-select") -> dict[str, Recommendation]:
    recs = order_hook(record, Policy(), hook=hook)
    assert len({r.topic for r in recs}) == len(recs)
    return {r.topic: r for r in recs}


def on_chart(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in patient_view(record, Policy())}


def everything(recs: dict[str, Recommendation]) -> str:
    return "\n".join(r.summary + "\n" + r.detail for r in recs.values())


def depressed() -> list[Resource | list[Resource]]:
    return [mdd(), phq9(date(2025, 5, 20), 17)]


# --- item 1: MAOIs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_citalopram_ordered_on_running_phenelzine_is_a_critical_card_first(hook: str) -> None:
    # Sertraline failed last year, phenelzine 45 mg/day since January: the clinician orders
    # citalopram. Before, the only card was "same class failed: consider another class".
    record = chart(
        *depressed(),
        taking(
            SERTRALINE_100, date(2024, 1, 15), tablets=1.5, stopped=date(2024, 9, 30), rid="mr-s"
        ),
        taking(PHENELZINE_15, date(2025, 1, 6), per_day=3, rid="mr-phenelzine"),
        drafts=(drafted(CITALOPRAM_20),),
    )
    recs = order_hook(record, Policy(), hook=hook)
    first = recs[0]
    assert first.topic == "order-maoi-interaction"
    assert first.indicator is Indicator.CRITICAL and first.snoozable is False
    assert first.summary == (
        "Citalopram ordered while phenelzine (MAOI) is running: serotonin syndrome risk; 14 days "
        "off phenelzine first"
    )
    assert "phenelzine is running (since 2025-01-06)" in (first.detail)
    assert "stop phenelzine, then allow at least 14 days (2 weeks)" in first.detail
    assert "CPS 2023 Table 5" in first.detail and "Keks" in first.detail
    assert str(first.dedupe_key).partition("#")[0] == "draft-1:citalopram:order-maoi-interaction:20"


def test_phenelzine_20_days_after_fluoxetine_waits_5_weeks() -> None:
    record = chart(
        *depressed(),
        taking(FLUOXETINE_20, date(2024, 9, 2), stopped=date(2025, 5, 13), rid="mr-fluoxetine"),
        drafts=(drafted(PHENELZINE_15, per_day=3),),
    )
    rec = at_order(record, "order-sign")["order-maoi-interaction"]
    assert rec.summary == (
        "Phenelzine (MAOI) ordered 20 days after fluoxetine stopped: not before 2025-06-17 "
        "(35-day washout)"
    )
    assert "fluoxetine was last taken on 2025-05-13 as recorded (20 days ago)" in rec.detail
    assert "5 half-lives of fluoxetine, t½ about 168 h with its active metabolite" in rec.detail


def test_an_mao_inhibitor_after_a_short_half_life_drug_waits_two_weeks_not_five() -> None:
    record = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2024, 9, 2), stopped=date(2025, 5, 26), rid="mr-sertraline"),
        drafts=(drafted(PHENELZINE_15, per_day=3),),
    )
    rec = at_order(record)["order-maoi-interaction"]
    assert "not before 2025-06-09 (14-day washout)" in rec.summary
    assert "35" not in rec.summary


def test_after_the_washout_there_is_no_maoi_card() -> None:
    # Fluoxetine stopped 6 weeks ago, sertraline 3 weeks ago: phenelzine may start.
    record = chart(
        *depressed(),
        taking(FLUOXETINE_20, date(2024, 1, 8), stopped=date(2025, 4, 21), rid="mr-fluoxetine"),
        taking(SERTRALINE_100, date(2025, 4, 21), stopped=date(2025, 5, 12), rid="mr-sertraline"),
        drafts=(drafted(PHENELZINE_15, per_day=3),),
    )
    recs = at_order(record)
    assert "order-maoi-interaction" not in recs
    assert "serotonin syndrome" not in everything(recs)


def test_sertraline_ten_days_after_tranylcypromine_stopped() -> None:
    record = chart(
        *depressed(),
        taking(
            TRANYLCYPROMINE_10, date(2025, 1, 6), per_day=3, stopped=date(2025, 5, 23), rid="mr-t"
        ),
        drafts=(drafted(SERTRALINE_100),),
    )
    rec = at_order(record)["order-maoi-interaction"]
    assert rec.summary == (
        "Sertraline ordered 10 days after tranylcypromine (MAOI) stopped: not before 2025-06-06 "
        "(14-day washout)"
    )
    later = chart(
        *depressed(),
        taking(
            TRANYLCYPROMINE_10, date(2025, 1, 6), per_day=3, stopped=date(2025, 5, 16), rid="mr-t"
        ),
        drafts=(drafted(SERTRALINE_100),),
    )
    assert "order-maoi-interaction" not in at_order(later)


def test_clomipramine_after_an_maoi_needs_three_weeks() -> None:
    record = chart(
        *depressed(),
        taking(PHENELZINE_15, date(2025, 1, 6), per_day=3, stopped=date(2025, 5, 16), rid="mr-p"),
        drafts=(drafted(CLOMIPRAMINE_50),),
    )
    rec = at_order(record)["order-maoi-interaction"]
    assert "not before 2025-06-06 (21-day washout)" in rec.summary
    assert "after an MAOI 3 weeks (CPS 2023 Table 5" in rec.detail


def test_linezolid_ordered_while_sertraline_runs_and_sertraline_a_day_after_linezolid() -> None:
    linezolid = fb.medication_request(
        None,
        "linezolid 600 MG Oral Tablet",
        AS_OF,
        frequency=2,
        status="draft",
        patient=P,
        id="d-lzd",
    )
    record = chart(
        *depressed(), taking(SERTRALINE_100, date(2025, 3, 3), rid="mr-s"), drafts=(linezolid,)
    )
    rec = at_order(record)["order-maoi-interaction"]
    assert rec.indicator is Indicator.CRITICAL
    # Not an elective MAOI start: the FDA urgent-use advice, never weeks of waiting (review
    # finding 6; tests/services/test_maoi_review.py).
    assert rec.summary.startswith(
        "Linezolid with sertraline running: if urgent stop sertraline, give linezolid, monitor"
    )
    # A linezolid course that ended 3 days ago: the labels allow restarting after 24 hours.
    course = fb.medication_request(
        None,
        "linezolid 600 MG Oral Tablet",
        date(2025, 5, 20),
        frequency=2,
        status="completed",
        bounds_end=date(2025, 5, 30),
        patient=P,
        id="mr-lzd",
    )
    after = chart(*depressed(), course, drafts=(drafted(SERTRALINE_100),))
    assert [t.role for t in after.trials] == [Role.INTERACTING]  # never a pathway trial
    assert "order-maoi-interaction" not in at_order(after)
    within = chart(*depressed(), course, drafts=(drafted(SERTRALINE_100),), as_of=date(2025, 5, 30))
    assert "order-maoi-interaction" in at_order(within)


def test_an_maoi_and_an_ssri_on_the_same_order_is_one_finding() -> None:
    record = chart(
        *depressed(),
        drafts=(drafted(PHENELZINE_15, per_day=3, rid="d-p"), drafted(ESCITALOPRAM_10, rid="d-e")),
    )
    rec = at_order(record, "order-sign")["order-maoi-interaction"]
    # Phenelzine vs escitalopram and escitalopram vs phenelzine are one finding, said once.
    assert rec.detail.count("cannot start together") == 1
    assert "is on this same order" in rec.detail


def test_renewing_the_running_maoi_alone_is_not_an_interaction() -> None:
    record = chart(
        *depressed(),
        taking(PHENELZINE_15, date(2025, 1, 6), per_day=3, rid="mr-p"),
        drafts=(drafted(PHENELZINE_15, per_day=4),),
    )
    assert "order-maoi-interaction" not in at_order(record)


def test_switch_suggestions_out_of_an_maoi_state_the_washout() -> None:
    # Hand-built: sertraline and phenelzine both failed adequately, phenelzine still running.
    phenelzine = f.trial(
        "phenelzine",
        "MAOI",
        start=date(2023, 6, 5),
        mg=60,
        min_mg=45,
        max_mg=90,
        ongoing=True,
        baseline=19,
        after=18,
    )
    record = f.trd_record(trials=(f.sertraline_failed(), phenelzine))
    card = {r.topic: r for r in patient_view(record, Policy())}["optimize-switch-augment"]
    assert "**Washout (MAOI):** phenelzine (an MAOI) is running (since 2023-06-05): at least " in (
        card.detail
    )
    assert "14 days off it before" in card.detail
    # Without an MAOI there is no washout line.
    plain = {r.topic: r for r in patient_view(f.trd_record(), Policy())}["optimize-switch-augment"]
    assert "Washout" not in plain.detail


def test_switch_line_into_an_maoi_names_the_running_drug() -> None:
    record = f.record(trials=(f.trial("fluoxetine", start=date(2024, 1, 8), mg=40, ongoing=True),))
    assert washout_switch.switch_lines(record, ["MAOI: phenelzine, tranylcypromine"]) == [
        "**Washout (MAOI):** fluoxetine is running (since 2024-01-08): stop it at least 35 days "
        "before phenelzine, tranylcypromine. Serotonin syndrome or a hypertensive crisis "
        "otherwise (CPS 2023 Table 5; Keks et al. Aust Prescr 2016)."
    ]
    assert washout_switch.switch_lines(record, ["SNRI: venlafaxine, duloxetine"]) == []


def test_every_antidepressant_has_a_washout_row_and_half_lives_agree() -> None:
    rows = washout_table.table()
    for drug in drug_table.all_drugs():
        if drug.role is Role.ANTIDEPRESSANT:
            assert drug.ingredient in rows, drug.ingredient
    for row in rows.values():
        assert row.source and row.status in {"confirmed", "corroborated", "UNVERIFIED"}, row
        if row.interacts:
            assert row.days_before_maoi is not None and row.days_after_maoi is not None, row
            # 5 half-lives, never under the 2 weeks of CPS 2023 Table 5 (REFERENCE.md 1.7).
            five = 5 * (row.half_life_hours or 0) / 24
            assert row.days_before_maoi >= max(14, five) - 0.001, row
        if row.is_maoi:
            assert row.days_after_maoi is not None, row
    assert rows["fluoxetine"].days_before_maoi == 35


# --- item 5: age limits ----------------------------------------------------------------------------


def test_citalopram_40_at_72_is_warned_at_the_order_and_20_is_not() -> None:
    record = chart(*depressed(), drafts=(drafted(CITALOPRAM_40),), birth=date(1952, 11, 3))
    recs = at_order(record)
    rec = recs["order-dose-above-age-limit"]
    assert rec.indicator is Indicator.WARNING and rec.snoozable is False
    assert rec.summary == (
        "Citalopram 40 mg/day at age 72: above the labelled 20 mg/day maximum from age 60"
    )
    assert "QT prolongation" in rec.detail and "FDA Drug Safety Communication" in rec.detail
    assert "order-dose-above-range" not in recs  # 40 is inside the CANMAT adult range
    fine = chart(*depressed(), drafts=(drafted(CITALOPRAM_20),), birth=date(1952, 11, 3))
    assert "order-dose-above-age-limit" not in at_order(fine)
    younger = chart(*depressed(), drafts=(drafted(CITALOPRAM_40),), birth=date(1980, 11, 3))
    assert "order-dose-above-age-limit" not in at_order(younger)


def test_running_citalopram_40_at_72_is_said_on_the_chart_even_in_remission() -> None:
    record = chart(
        mdd(),
        phq9(date(2025, 5, 20), 3),  # remission: no pathway cards
        taking(CITALOPRAM_40, date(2024, 6, 3), rid="mr-citalopram"),
        birth=date(1952, 11, 3),
    )
    recs = on_chart(record)
    assert list(recs) == ["dose-above-age-limit"]
    rec = recs["dose-above-age-limit"]
    assert rec.summary == (
        "Citalopram 40 mg/day at age 72: above the labelled 20 mg/day maximum from age 60"
    )
    assert "| citalopram (SSRI) | 40 |" in rec.detail
    assert_valid_proposals(rec, patient_id=P)
    (proposal,) = proposals(rec)
    assert proposal["dosageInstruction"][0]["text"].startswith("citalopram 20 mg/day")
    assert rec.suggestions[0].label == "Reduce citalopram to 20 mg/day"


def test_dose_suggestions_stay_within_the_older_adult_maximum() -> None:
    # 72, citalopram 10 mg for 8 weeks, PHQ-9 18 -> 16: the raise proposed is to 20, never 40.
    record = chart(
        mdd(),
        phq9(date(2025, 3, 31), 18),
        phq9(date(2025, 5, 26), 16),
        taking(CITALOPRAM_20, date(2025, 4, 1), tablets=0.5, rid="mr-c"),
        birth=date(1952, 11, 3),
    )
    recs = on_chart(record)
    labels = [s.label for rec in recs.values() for s in rec.suggestions]
    assert "Raise citalopram to 20 mg/day" in labels
    doses = [
        r["dosageInstruction"][0]["text"]
        for rec in recs.values()
        for r in proposals(rec)
        if r["resourceType"] == "MedicationRequest"
    ]
    assert doses and all(d.startswith("citalopram 20 mg/day") for d in doses), doses


def _responding_on_citalopram_20(age: int) -> PatientRecord:
    good = f.trial(
        "citalopram",
        "SSRI",
        start=date(2024, 1, 8),
        mg=20,
        min_mg=20,
        max_mg=40,
        ongoing=True,
        baseline=18,
        after=8,
    )
    record = f.record(trials=(good,), findings=(f.mdd(),), scores=(f.score(8, date(2024, 5, 27)),))
    return dataclasses.replace(record, patient=dataclasses.replace(record.patient, age=age))


def test_a_responding_older_patient_is_not_told_to_raise_citalopram_past_20() -> None:
    # Responding (18 -> 8) on citalopram 20 mg, not in remission. At 50 the card offers to
    # optimise within 20-40 mg/day; at 72 the FDA maximum over 60 is 20, so there is no room and
    # nothing proposes more citalopram.
    younger = {r.topic: r for r in patient_view(_responding_on_citalopram_20(50), Policy())}
    assert "within 20-40 mg/day" in younger["optimize-switch-augment"].summary
    older = {r.topic: r for r in patient_view(_responding_on_citalopram_20(72), Policy())}
    assert "20-40" not in everything(older)
    assert "optimize-switch-augment" not in older


def test_older_adult_limits_never_fall_below_the_minimum_adequate_dose() -> None:
    """So "raise to the minimum adequate dose" can never cross an age limit."""
    for limit in age_limits.limits().values():
        info = drug_table.drug_info(limit.ingredient)
        assert info is not None and info.min_adequate_mg is not None, limit
        assert limit.max_mg >= info.min_adequate_mg, limit
        assert limit.source and limit.status in {"confirmed", "corroborated", "UNVERIFIED"}
    assert age_limits.capped("citalopram", 72, 40) == 20
    assert age_limits.capped("citalopram", 59, 40) == 40
    assert age_limits.capped("citalopram", None, 40) == 40


# --- item 5a: label contraindications --------------------------------------------------------------


def test_bupropion_with_past_anorexia_nervosa() -> None:
    anorexia = fb.condition(
        fb.ICD10CM,
        "F50.01",
        "Anorexia nervosa, restricting type",
        date(2009, 4, 1),
        clinical_status="resolved",
        abatement=date(2012, 6, 1),
        category="problem-list-item",
        patient=P,
        id="cond-an",
    )
    record = chart(*depressed(), anorexia, drafts=(drafted(BUPROPION_XL_150),))
    rec = at_order(record)["order-drug-contraindicated"]
    assert rec.summary.startswith(
        "Bupropion: contraindicated with a current or prior diagnosis of bulimia or anorexia "
        "nervosa"
    )
    assert "Anorexia nervosa, restricting type" in rec.detail
    assert "Source: bupropion labels, Contraindications." in rec.detail  # the label is the source


def test_bupropion_with_bulimia_coded_in_snomed_only() -> None:
    bulimia = fb.condition(
        fb.SNOMED, "78004001", "Bulimia nervosa", date(2018, 2, 1), patient=P, id="cond-bn"
    )
    record = chart(*depressed(), bulimia, drafts=(drafted(BUPROPION_XL_150),))
    assert "Bulimia nervosa" in at_order(record)["order-drug-contraindicated"].detail


def test_bupropion_during_alcohol_withdrawal_but_not_after_it() -> None:
    withdrawal = fb.condition(
        fb.ICD10CM,
        "F10.230",
        "Alcohol dependence with withdrawal, uncomplicated",
        date(2025, 5, 29),
        patient=P,
        id="cond-aw",
    )
    record = chart(*depressed(), withdrawal, drafts=(drafted(BUPROPION_XL_150),))
    rec = at_order(record)["order-drug-contraindicated"]
    assert "abrupt discontinuation of alcohol" in rec.summary + rec.detail
    past = fb.condition(
        fb.ICD10CM,
        "F10.230",
        "Alcohol dependence with withdrawal, uncomplicated",
        date(2021, 3, 1),
        clinical_status="resolved",
        abatement=date(2021, 3, 9),
        patient=P,
        id="cond-aw",
    )
    recs = at_order(chart(*depressed(), past, drafts=(drafted(BUPROPION_XL_150),)))
    assert "order-drug-contraindicated" not in recs


def test_paroxetine_in_pregnancy_but_sertraline_is_not_flagged() -> None:
    pregnant = fb.condition(
        fb.ICD10CM,
        "Z34.01",
        "Encounter for supervision of normal first pregnancy, first trimester",
        date(2025, 5, 5),
        patient=P,
        id="cond-preg",
    )
    rec = at_order(chart(*depressed(), pregnant, drafts=(drafted(PAROXETINE_20),)))[
        "order-drug-contraindicated"
    ]
    assert rec.summary == (
        "Paroxetine: first-trimester exposure is linked to cardiac malformations: avoid starting "
        "it in pregnancy"
    )
    assert "Paxil" in rec.detail
    recs = at_order(chart(*depressed(), pregnant, drafts=(drafted(SERTRALINE_100),)))
    assert "order-drug-contraindicated" not in recs


# --- item 5b: doses that are not mg/day ------------------------------------------------------------


def _esketamine(rid: str, start: date, *, status: str = "active") -> Resource:
    return fb.medication_request(
        None,
        "esketamine 28 MG/DEVICE Nasal Spray [Spravato]",
        start,
        dose_value=56,
        dose_unit="mg",
        frequency=2,
        period=1,
        period_unit="wk",
        status=status,
        text="56 mg intranasally twice weekly in clinic",
        expected_supply_days=28,
        patient=P,
        id=rid,
    )


def test_esketamine_is_shown_per_session_never_as_mg_per_day() -> None:
    record = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2024, 10, 7), rid="mr-s"),
        _esketamine("mr-esk", date(2025, 4, 7)),
    )
    (esk,) = [t for t in record.trials if t.ingredient == "esketamine"]
    assert (esk.dose_basis, esk.mg_per_administration) == (DoseBasis.SESSION, 56)
    assert (esk.min_adequate_mg, esk.max_mg) == (None, None)
    table = cards.trial_table(record.trials, Policy().mapping)
    assert "| esketamine (NMDA antagonist) | 56 mg per session |" in table
    assert "| 16 |" not in table  # 56 mg x 2 / 7 days: an average, not a dose
    text = everything(on_chart(record))
    assert "esketamine" in text and "16 mg/day" not in text and "esketamine 16" not in text


def test_an_esketamine_draft_and_a_long_acting_injection_carry_no_mg_per_day_range() -> None:
    aripiprazole_lai = fb.medication_request(
        None,
        "aripiprazole 400 MG Extended-Release Injectable Suspension [Abilify Maintena]",
        AS_OF,
        dose_value=400,
        dose_unit="mg",
        frequency=1,
        period=4,
        period_unit="wk",
        status="draft",
        patient=P,
        id="d-lai",
    )
    record = chart(
        *depressed(), drafts=(_esketamine("d-esk", AS_OF, status="draft"), aripiprazole_lai)
    )
    by_drug = {d.ingredient: d for d in record.draft_orders}
    esk, lai = by_drug["esketamine"], by_drug["aripiprazole"]
    assert (esk.dose_basis, esk.mg_per_administration, esk.max_mg) == (DoseBasis.SESSION, 56, None)
    assert (lai.dose_basis, lai.mg_per_administration, lai.max_mg) == (
        DoseBasis.INTERVAL,
        400,
        None,
    )
    # An oral aripiprazole draft stays daily, with its CANMAT range.
    oral = chart(
        *depressed(),
        drafts=(
            fb.medication_request(
                "402131",
                "aripiprazole 5 MG Oral Tablet",
                AS_OF,
                status="draft",
                patient=P,
                id="d-o",
            ),
        ),
    )
    assert [d.dose_basis for d in oral.draft_orders] == [DoseBasis.DAILY]


def test_a_per_session_antidepressant_draft_is_never_judged_in_mg_per_day() -> None:
    # Rule level: whatever the mg/day average says, no below/above card on a per-session dose.
    session = dataclasses.replace(
        f.draft("sertraline", mg=5, min_mg=50, max_mg=200), dose_basis=DoseBasis.SESSION
    )
    interval = dataclasses.replace(
        f.draft("sertraline", mg=900, min_mg=50, max_mg=200, rid="d-2"),
        dose_basis=DoseBasis.INTERVAL,
    )
    recs = at_order(f.trd_record(draft_orders=(session, interval)))
    assert not {"order-dose-below-range", "order-dose-above-range"} & set(recs)


# --- item 13: bipolar disorder ---------------------------------------------------------------------


def _bipolar() -> Resource:
    return fb.condition(
        fb.ICD10CM,
        "F31.81",
        "Bipolar II disorder",
        date(2019, 3, 4),
        category="problem-list-item",
        patient=P,
        id="cond-bp",
    )


def test_lamotrigine_alone_is_not_antimanic_cover_for_an_antidepressant() -> None:
    record = chart(
        *depressed(),
        _bipolar(),
        taking(LAMOTRIGINE_100, date(2024, 2, 5), tablets=2, rid="mr-lam"),
        drafts=(drafted(SERTRALINE_100),),
    )
    rec = at_order(record)["order-bipolar-no-mood-stabiliser"]
    # Bipolar II (F31.81): the switch named is to hypomania (review s21 RD finding 10).
    assert rec.summary == (
        "Sertraline ordered with bipolar disorder and only lamotrigine (not antimanic): risk of a "
        "switch to hypomania"
    )
    assert "Lamotrigine is on record or on this order, but it has no antimanic efficacy" in (
        rec.detail
    )
    assert "CANMAT/ISBD 2018" in rec.detail and "10.1111/bdi.12609" in rec.detail
    # Lithium added: cover.
    lithium = fb.medication_request(
        "197889",
        "lithium carbonate 300 MG Oral Capsule",
        date(2025, 2, 3),
        frequency=3,
        expected_supply_days=30,
        repeats=5,
        patient=P,
        id="mr-li",
    )
    covered = chart(
        *depressed(),
        _bipolar(),
        taking(LAMOTRIGINE_100, date(2024, 2, 5), tablets=2, rid="mr-lam"),
        lithium,
        drafts=(drafted(SERTRALINE_100),),
    )
    assert "order-bipolar-no-mood-stabiliser" not in at_order(covered)


# --- item 16: referrals are referrals --------------------------------------------------------------


# Item 9 answered (0): with none on record the TMS card puts "ask item 9" first and its referral
# is not one click (review s26 RN finding 6), so there would be no proposal to read here.
def _trd_item9_answered() -> PatientRecord:
    return f.trd_record(scores=(f.score(17, date(2024, 5, 20), item9=0),))


def test_tms_and_ect_proposals_are_referrals_not_treatment_cpt_codes() -> None:
    tms = {r.topic: r for r in patient_view(_trd_item9_answered(), Policy())}["tms-referral"]
    resource, order_only = proposals(tms)  # with its summary attached, and alone
    assert codes(resource) == codes(order_only) == [("http://snomed.info/sct", "183524004")]
    assert resource["code"]["coding"][0]["display"] == "Referral to psychiatry service"
    assert "transcranial magnetic stimulation (TMS) evaluation" in resource["code"]["text"]
    everything_proposed = [
        c
        for rec in patient_view(_trd_item9_answered(), Policy())
        for r in proposals(rec)
        for c in codes(r)
    ]
    assert not {
        ("http://www.ama-assn.org/go/cpt", "90867"),
        ("http://www.ama-assn.org/go/cpt", "90870"),
    } & set(everything_proposed)
    for concept in ("tms-evaluation", "ect-evaluation"):
        row = tables.order_code(concept)
        assert (row.system, row.code) == ("http://snomed.info/sct", "183524004")


def test_an_accepted_tms_referral_read_back_stops_the_next_proposal() -> None:
    """The accepted proposal comes back coded as a psychiatry referral with TMS in its text: it is
    read as a TMS referral, so the TMS card is not proposed again."""
    tms = {r.topic: r for r in patient_view(_trd_item9_answered(), Policy())}["tms-referral"]
    proposal, _order_only = proposals(tms)
    signed = {
        **proposal,
        "id": "sr-tms",
        "status": "active",
        "intent": "order",
        "authoredOn": "2025-05-28T10:00:00-05:00",
    }
    from fhir_mapping.referrals import referrals

    found = referrals(signed, as_of=AS_OF)
    assert {(r.kind, r.status) for r in found} == {("psychiatry", "active"), ("tms", "active")}
    kinds = {
        r.kind
        for r in referrals(
            {**signed, "code": {**signed["code"], "text": "Psychiatry consult"}}, as_of=AS_OF
        )
    }
    assert kinds == {"psychiatry"}


def test_new_tables_name_a_source_and_a_status() -> None:
    for name in (
        "maoi_washout.csv",
        "older_adult_doses.csv",
        "drug_cautions.csv",
        "mood_stabilisers.csv",
    ):
        text = resources.files("services").joinpath(f"data/{name}").read_text("utf-8")
        for row in csv.DictReader(text.splitlines()):
            assert row["source"].strip(), (name, row)
            assert row["status"] in {"confirmed", "corroborated", "UNVERIFIED"}, (name, row)
    assert order_hooks.MAOI in tables.topics() and order_hooks.AGE_LIMIT in tables.topics()
