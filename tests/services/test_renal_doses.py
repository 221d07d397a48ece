"""Review 11 finding 1 (renal): the latest eGFR is compared with the drug's labelled renal bands
(services/data/renal_doses.csv). At the order hooks a drug the label says to avoid, or a daily
dose above the band's maximum, gets a warning naming the eGFR, its date, the draft dose and the
label line; an old eGFR is named as old; at 65 or more, no eGFR on record is said, never silence.
On chart open the switch and augment lists name the renal limit of each option they offer.

Charts are US Core shaped (tests/fixtures/builders.py: a CKD-EPI eGFR Observation with its LOINC
code and UCUM unit, RxNorm MedicationRequests with a draft status at the order hooks, ICD-10-CM
problems), validated against fhir.resources R4B and mapped by build_record with the real drug
table."""

from __future__ import annotations

import csv
import dataclasses
from datetime import date
from importlib import resources
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.codes import observation_codes
from fhir_mapping.record import DataDomain, DataGap, GapCause, PatientRecord
from services import renal_doses
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fixtures import builders as fb

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
P = "pt-renal-1"
Resource = dict[str, Any]
RENAL = "order-renal-dose"

SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
ESCITALOPRAM_10 = ("349332", "escitalopram 10 MG Oral Tablet")
DULOXETINE_60 = ("596934", "duloxetine 60 MG Delayed Release Oral Capsule")
DESVENLAFAXINE_50 = ("790288", "24 HR desvenlafaxine 50 MG Extended Release Oral Tablet")
VENLAFAXINE_150 = ("313581", "24 HR venlafaxine 150 MG Extended Release Oral Capsule")
LITHIUM_300 = ("197889", "lithium carbonate 300 MG Oral Capsule")

DISPLAY = {row.code: row.display for row in observation_codes()}
EGFR_DAY = date(2025, 5, 20)


def egfr(value: float, day: date = EGFR_DAY) -> Resource:
    """A CKD-EPI eGFR as a US Core lab Observation (LOINC 62238-1, UCUM mL/min/{1.73_m2})."""
    return fb.lab("62238-1", value, "mL/min/{1.73_m2}", day, patient=P, display=DISPLAY["62238-1"])


def drafted(
    drug: tuple[str, str], *, tablets: float = 1, per_day: int = 1, rid: str = "draft-1"
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
    *extra: Resource, drafts: tuple[Resource, ...] = (), birth: date = date(1945, 1, 1)
) -> PatientRecord:
    """MDD; sertraline 100 mg then escitalopram 10 mg, each 16 weeks with no response (two
    SSRIs failed); PHQ-9 22 -> 21 -> 21 -> 22. Born 1945: 80 on 2025-06-02."""
    resources: list[Resource] = [
        fb.patient(id=P, given="Rosa", family="Lind", gender="female", birth_date=birth),
        fb.condition(
            fb.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 1, 10),
            category="problem-list-item",
            patient=P,
            id="cond-mdd",
        ),
        fb.medication_request(
            *SERTRALINE_100,
            date(2024, 6, 3),
            status="stopped",
            bounds_end=date(2024, 9, 23),
            expected_supply_days=30,
            repeats=3,
            patient=P,
            id="mr-sert",
        ),
        fb.medication_request(
            *ESCITALOPRAM_10,
            date(2024, 9, 30),
            status="stopped",
            bounds_end=date(2025, 1, 20),
            expected_supply_days=30,
            repeats=3,
            patient=P,
            id="mr-esc",
        ),
        *fb.phq9(date(2024, 6, 3), 22, item9=0, patient=P),
        *fb.phq9(date(2024, 9, 23), 21, item9=0, patient=P),
        *fb.phq9(date(2025, 1, 20), 21, item9=0, patient=P),
        *fb.phq9(date(2025, 5, 19), 22, item9=0, patient=P),
        *extra,
    ]
    for resource in [*resources, *drafts]:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P, draft_orders=drafts)


def at_order(record: PatientRecord, hook: str = "order-sign") -> dict[str, Recommendation]:
    return {r.topic: r for r in order_hook(record, Policy(), hook=hook)}


def optimise(record: PatientRecord) -> Recommendation:
    (card,) = [r for r in patient_view(record, Policy()) if r.topic == "optimize-switch-augment"]
    return card


# --- order hooks: a drug to avoid, a dose above the band's maximum -----------------------------


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_duloxetine_at_egfr_24_gets_a_warning_naming_egfr_date_dose_and_label(hook: str) -> None:
    card = at_order(chart(egfr(24), drafts=(drafted(DULOXETINE_60),)), hook)[RENAL]
    assert card.indicator is Indicator.WARNING and card.snoozable is False
    assert card.summary == (
        "Duloxetine 60 mg/day with eGFR 24 on 2025-05-20: avoid below 30 mL/min (label)"
    )
    assert "eGFR 24 mL/min/1.73 m2 on 2025-05-20" in card.detail
    assert "Cymbalta label" in card.detail and "creatinine clearance" in card.detail


def test_desvenlafaxine_100_at_egfr_22_is_four_times_the_labelled_25_mg() -> None:
    card = at_order(chart(egfr(22), drafts=(drafted(DESVENLAFAXINE_50, tablets=2),)))[RENAL]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith(
        "Desvenlafaxine 100 mg/day with eGFR 22 on 2025-05-20: above the labelled 25 mg/day"
    )
    assert len(card.summary) <= 140
    assert "25 mg daily or 50 mg every other day" in card.detail
    assert "Pristiq label" in card.detail


def test_desvenlafaxine_within_the_band_maximum_gets_no_renal_card() -> None:
    # 50 mg every other day = 25 mg/day: the labelled dose at eGFR < 30.
    every_other = fb.medication_request(
        *DESVENLAFAXINE_50,
        AS_OF,
        dose_value=1,
        frequency=1,
        period=2,
        status="draft",
        expected_supply_days=30,
        patient=P,
        id="draft-1",
    )
    assert RENAL not in at_order(chart(egfr(22), drafts=(every_other,)))


def test_desvenlafaxine_moderate_band_and_two_drafts_judged_as_one_dose() -> None:
    two = (
        drafted(DESVENLAFAXINE_50, rid="draft-1"),
        drafted(DESVENLAFAXINE_50, rid="draft-2"),
    )
    card = at_order(chart(egfr(45), drafts=two))[RENAL]
    assert card.summary.startswith(
        "Desvenlafaxine 100 mg/day with eGFR 45 on 2025-05-20: above the labelled 50 mg/day"
    )
    assert "2 orders of desvenlafaxine together" in card.detail


def test_venlafaxine_at_egfr_25_says_reduce_and_marks_the_row_unverified() -> None:
    card = at_order(chart(egfr(25), drafts=(drafted(VENLAFAXINE_150),)))[RENAL]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Venlafaxine 150 mg/day with eGFR 25 on 2025-05-20: label says reduce the daily dose "
        "by 50 % or more"
    )
    assert (
        "UNVERIFIED" in card.detail and "Check that 150 mg/day is the reduced dose" in card.detail
    )


@pytest.mark.parametrize(
    ("value", "says", "indicator"),
    [
        (38, "label says start lower, titrate slowly, check levels often", Indicator.WARNING),
        (24, "not recommended below 30 mL/min (label)", Indicator.WARNING),
    ],
)
def test_lithium_draft_is_weighed_against_the_egfr(
    value: float, says: str, indicator: Indicator
) -> None:
    card = at_order(chart(egfr(value), drafts=(drafted(LITHIUM_300, per_day=2),)))[RENAL]
    assert card.indicator is indicator
    assert card.summary == f"Lithium 600 mg/day with eGFR {value} on 2025-05-20: {says}"


def test_lithium_moderate_band_says_it_is_dosed_by_its_level() -> None:
    card = at_order(chart(egfr(38), drafts=(drafted(LITHIUM_300, per_day=2),)))[RENAL]
    assert "check the level and eGFR before each change" in card.detail


def test_an_egfr_above_every_band_gets_no_renal_card() -> None:
    assert RENAL not in at_order(chart(egfr(75), drafts=(drafted(DULOXETINE_60),)))


# --- an old eGFR, none, one that cannot be read --------------------------------------------------


def test_an_old_egfr_is_compared_but_named_as_old_never_as_current() -> None:
    card = at_order(chart(egfr(24, date(2023, 3, 1)), drafts=(drafted(DULOXETINE_60),)))[RENAL]
    assert card.summary == (
        "Duloxetine 60 mg/day with eGFR 24 on 2023-03-01, old: avoid below 30 mL/min (label)"
    )
    assert "(over 365 days old)" in card.detail and "repeat it before dosing" in card.detail


def test_an_old_normal_egfr_at_80_is_named_as_old() -> None:
    card = at_order(chart(egfr(80, date(2023, 3, 1)), drafts=(drafted(DULOXETINE_60),)))[RENAL]
    assert card.indicator is Indicator.INFO
    assert "last eGFR 80 on 2023-03-01, old" in card.summary


def test_no_egfr_on_record_at_80_is_said_as_information() -> None:
    card = at_order(chart(drafts=(drafted(DULOXETINE_60),)))[RENAL]
    assert card.indicator is Indicator.INFO
    assert card.summary == (
        "Duloxetine 60 mg/day at 80: no eGFR on record; label: avoid below 30 mL/min"
    )


def test_no_egfr_under_the_older_adult_age_raises_no_renal_card() -> None:
    record = chart(drafts=(drafted(DULOXETINE_60),), birth=date(1975, 3, 1))
    assert RENAL not in at_order(record)


def test_labs_not_obtained_say_the_egfr_was_not_checked() -> None:
    record = chart(drafts=(drafted(DULOXETINE_60),))
    gaps = tuple(
        DataGap(d, "Observation: next pages not read", cause=GapCause.PARTIAL)
        for d in (DataDomain.SCORES, DataDomain.LABS)
    )
    card = at_order(dataclasses.replace(record, gaps=gaps))[RENAL]
    assert card.indicator is Indicator.INFO
    assert "eGFR not checked" in card.summary and "no eGFR on record" not in card.detail


# --- patient-view: the switch and augment lists --------------------------------------------------


def test_switch_and_augment_lists_name_the_renal_limits_at_egfr_25() -> None:
    detail = optimise(chart(egfr(25))).detail
    switch = detail.split("**Switch:**")[1]
    assert (
        "Kidney function: eGFR 25 mL/min/1.73 m2 on 2025-05-20; labelled renal limits: "
        "desvenlafaxine: at most 25 mg/day" in switch
    )
    assert "levomilnacipran: at most 40 mg/day" in switch
    # A label's "avoid" leaves the drug out, said so (opt62, K63b finding 7).
    assert "duloxetine not listed: avoid it below 30 mL/min" in switch
    augment = detail.split("**Augment:**")[1].split("**Switch:**")[0]
    assert "lithium not listed: not recommended in severe renal impairment" in augment


def test_lists_say_nothing_renal_with_a_normal_egfr() -> None:
    assert "Kidney function:" not in optimise(chart(egfr(92))).detail


def test_lists_name_an_old_egfr_as_old() -> None:
    detail = optimise(chart(egfr(25, date(2023, 3, 1)))).detail
    assert "eGFR 25 mL/min/1.73 m2 on 2023-03-01 (over 365 days old)" in detail


# --- the table ----------------------------------------------------------------------------------


def test_table_rows_have_sources_statuses_and_bands_that_do_not_overlap() -> None:
    text = resources.files("services").joinpath("data/renal_doses.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        assert row["source"].strip() and row["cite"].strip(), row["ingredient"]
        assert row["status"] in ("confirmed", "corroborated", "UNVERIFIED"), row["ingredient"]
    # By lookup key: a release form's own rows (paroxetine CR) are its label's bands, beside
    # the drug's (rk3 finding 11).
    for drug in {r.key for r in renal_doses.rows()}:
        bands = sorted((r.egfr_from, r.egfr_below) for r in renal_doses.rows() if r.key == drug)
        for (_, below), (start, _) in zip(bands, bands[1:], strict=False):
            assert below <= start, drug
    assert {
        "duloxetine",
        "desvenlafaxine",
        "venlafaxine",
        "levomilnacipran",
        "milnacipran",
        "paroxetine",
        "mirtazapine",
        "bupropion",
        "lithium",
    } <= renal_doses.drugs()


def egfr_bound(comparator: str, value: float) -> Resource:
    """An eGFR reported as a bound, as labs send any result above their reporting cut: the
    valueQuantity carries a comparator ("> 60 mL/min/1.73 m2")."""
    resource = egfr(value)
    resource["valueQuantity"]["comparator"] = comparator
    return resource


def test_an_egfr_reported_as_above_60_is_no_mild_renal_impairment() -> None:
    """ "> 60" may be 61 or 120: no label band is placed, so a lithium or bupropion order gets no
    "mild renal impairment" card, and the bound is not mistaken for "no eGFR on record"."""
    record = chart(egfr_bound(">", 60), drafts=(drafted(LITHIUM_300, per_day=2),))
    (lab,) = [lab for lab in record.context.labs if lab.test == "egfr"]
    assert lab.comparator == ">"
    assert RENAL not in at_order(record)


def test_an_egfr_reported_as_below_15_falls_in_the_band_below_and_is_shown_as_a_bound() -> None:
    record = chart(egfr_bound("<", 15), drafts=(drafted(DULOXETINE_60),))
    card = at_order(record)[RENAL]
    assert card.indicator is Indicator.WARNING
    assert "eGFR < 15" in card.summary or "< 15" in card.detail


def test_no_egfr_at_80_is_said_only_for_a_drug_whose_label_limits_its_dose() -> None:
    """Mirtazapine's and bupropion's labels only ask for caution: no card on every order of an
    older adult without an eGFR; duloxetine's avoids it: the missing eGFR is said."""
    mirtazapine = ("311725", "mirtazapine 15 MG Oral Tablet")
    assert RENAL not in at_order(chart(drafts=(drafted(mirtazapine),)))
    card = at_order(chart(drafts=(drafted(DULOXETINE_60),)))[RENAL]
    assert "no eGFR on record" in card.summary and ".csv" not in card.detail
