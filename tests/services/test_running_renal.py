"""A drug already running beyond its label's renal band gets one warning card on chart open, and
dialysis or end-stage kidney disease coded is read as the labels' ESRD band (review 11 finding 1,
follow-up G1; services/rules/running_renal.py, services/renal_doses.py).

Before, the labelled renal bands were compared only with a drafted drug at the order hooks:
duloxetine 60 mg/day already running at eGFR 24 (Cymbalta: avoid below 30), desvenlafaxine
100 mg/day at eGFR 22 (Pristiq: 25 mg/day below 30) or lithium at eGFR 25 (not recommended in
severe renal impairment) got no card at all; and a patient on dialysis with no eGFR on record
got, at 80, "no eGFR on record" as information, under 65 nothing.

Charts are US Core shaped (tests/fixtures/builders.py: eGFR lab Observations with their LOINC
codes, 62238-1 CKD-EPI, 33914-3 MDRD, 98979-8 CKD-EPI 2021, and UCUM mL/min/{1.73_m2}; RxNorm
community MedicationRequests with refills; ICD-10-CM problem-list Conditions with a SNOMED coding
beside), plus Epic's lab component shape (the site's local code beside LOINC, "eGFR" as text, a
comparator on a bound), validated against fhir.resources R4B and mapped by build_record.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.codes import observation_codes
from fhir_mapping.record import FindingKind, PatientRecord
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b
from tests.fixtures import vendor_charts as V

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
P = "pt-running-renal"
TOPIC = "running-drug-renal"
RENAL_ORDER = "order-renal-dose"
Resource = dict[str, Any]

DULOXETINE_60 = ("596934", "duloxetine 60 MG Delayed Release Oral Capsule")
DESVENLAFAXINE_50 = ("790288", "24 HR desvenlafaxine 50 MG Extended Release Oral Tablet")
DESVENLAFAXINE_25 = ("1607617", "24 HR desvenlafaxine succinate 25 MG Extended Release Oral Tablet")
LITHIUM_300 = ("197889", "lithium carbonate 300 MG Oral Capsule")
MIRTAZAPINE_15 = ("311725", "mirtazapine 15 MG Oral Tablet")

DISPLAY = {row.code: row.display for row in observation_codes()}
EGFR_DAY = date(2025, 5, 20)
DIALYSIS_SINCE = date(2023, 2, 1)


def egfr(value: float, day: date = EGFR_DAY, loinc: str = "62238-1", rid: str = "egfr") -> Resource:
    """An eGFR as a US Core lab Observation (UCUM mL/min/{1.73_m2})."""
    lab = b.lab(loinc, value, "mL/min/{1.73_m2}", day, patient=P, display=DISPLAY[loinc])
    lab["id"] = rid
    return lab


def epic_egfr(value: float, comparator: str | None = None, day: date = EGFR_DAY) -> Resource:
    """Epic's lab component: the site's local code beside LOINC, "eGFR" as its text, a UCUM
    quantity in Epic's unit spelling, and a comparator when the lab reports a bound."""
    quantity: dict[str, Any] = {
        "value": value,
        "unit": "mL/min/1.73m2",
        "system": V.UCUM,
        "code": "mL/min/{1.73_m2}",
    }
    if comparator is not None:
        quantity["comparator"] = comparator
    return {
        "resourceType": "Observation",
        "id": "epic-egfr",
        "status": "final",
        "category": V._category("laboratory", V._OBS_CATEGORY, "Laboratory"),
        "code": {
            "coding": [
                {"system": V.EPIC_LAB, "code": "1556", "display": "EGFR"},
                {"system": V.LOINC, "code": "62238-1"},
            ],
            "text": "eGFR",
        },
        "subject": {"reference": f"Patient/{P}"},
        "effectiveDateTime": V._at(day),
        "issued": V._at(day, "18:40:00Z"),
        "valueQuantity": quantity,
    }


def running(
    drug: tuple[str, str],
    *,
    tablets: float = 1,
    per_day: int = 1,
    start: date = date(2024, 11, 4),
    rid: str = "mr-run",
) -> Resource:
    """A community order with 11 refills of 30 days: running on AS_OF."""
    return b.medication_request(
        *drug,
        start,
        dose_value=tablets,
        frequency=per_day,
        expected_supply_days=30,
        repeats=11,
        patient=P,
        id=rid,
    )


def drafted(drug: tuple[str, str], *, tablets: float = 1) -> Resource:
    return b.medication_request(
        drug[0],
        drug[1],
        AS_OF,
        dose_value=tablets,
        frequency=1,
        status="draft",
        expected_supply_days=30,
        patient=P,
        id="draft-1",
    )


def dialysis(onset: date = DIALYSIS_SINCE, patient: str = P) -> Resource:
    """Z99.2 on the problem list, SNOMED 105502003 beside it (Epic and Oracle code both)."""
    return b.condition(
        b.ICD10CM,
        "Z99.2",
        "Dependence on renal dialysis",
        onset,
        category="problem-list-item",
        patient=patient,
        extra_codings=[(b.SNOMED, "105502003", "Dependence on renal dialysis (finding)")],
        id="dialysis",
    )


def esrd(onset: date = date(2022, 3, 1)) -> Resource:
    return b.condition(
        b.ICD10CM,
        "N18.6",
        "End stage renal disease",
        onset,
        category="problem-list-item",
        patient=P,
        extra_codings=[(b.SNOMED, "46177005", "End-stage renal disease (disorder)")],
        id="esrd",
    )


def chart(
    *extra: Resource, drafts: tuple[Resource, ...] = (), born: date = date(1945, 1, 1)
) -> PatientRecord:
    """MDD (F33.1) since 2024-11-04; PHQ-9 19 -> 17: the running drugs, eGFRs and kidney codes
    come in `extra`. Born 1945: 80 on AS_OF."""
    resources: list[Resource] = [
        b.patient(id=P, given="Ada", family="Moss", gender="female", birth_date=born),
        b.condition(
            b.ICD10CM,
            "F33.1",
            "Major depressive disorder, recurrent, moderate",
            date(2024, 11, 4),
            category="problem-list-item",
            patient=P,
            id="mdd",
        ),
        *b.phq9(date(2024, 11, 4), 19, item9=0, patient=P),
        *b.phq9(date(2025, 5, 19), 17, item9=0, patient=P),
        *extra,
    ]
    assert_valid([*resources, *drafts])
    return build_record(resources, as_of=AS_OF, patient_id=P, draft_orders=drafts)


def cards(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in patient_view(record, Policy())}


def renal_card(record: PatientRecord) -> Recommendation:
    card = cards(record).get(TOPIC)
    assert card is not None, "no running-renal card"
    return card


def at_order(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in order_hook(record, Policy(), hook="order-sign")}


# --- a running drug beyond its band: one warning card, text only ----------------------------------


def test_duloxetine_60_running_at_egfr_24_gets_one_warning_naming_dose_egfr_date_and_label() -> (
    None
):
    card = renal_card(chart(running(DULOXETINE_60), egfr(24)))
    assert card.indicator is Indicator.WARNING and card.snoozable is True
    assert card.summary == (
        "Duloxetine 60 mg/day running with eGFR 24 on 2025-05-20: label says avoid below "
        "30 mL/min (severe renal impairment)"
    )
    assert len(card.summary) <= 140
    assert "eGFR 24 mL/min/1.73 m2 on 2025-05-20" in card.detail
    assert "Cymbalta label 2 and 8.10" in card.detail
    assert "avoid it below 30 mL/min" in card.detail  # the label's line
    assert "running since 2024-11-04" in card.detail
    assert not card.suggestions  # never one click: "review", as text
    assert "Review whether it should continue" in card.detail


def test_desvenlafaxine_100_running_at_egfr_22_mdrd_is_above_the_labelled_25_mg() -> None:
    card = renal_card(chart(running(DESVENLAFAXINE_50, tablets=2), egfr(22, loinc="33914-3")))
    assert card.summary.startswith(
        "Desvenlafaxine 100 mg/day running with eGFR 22 on 2025-05-20: above the labelled 25 mg/day"
    )
    assert "Pristiq label 2 and 8.6" in card.detail
    assert "Review the dose: 25 mg/day or less in this band" in card.detail
    assert not card.suggestions


def test_desvenlafaxine_25_at_egfr_22_is_within_the_band_and_gets_no_card() -> None:
    assert TOPIC not in cards(chart(running(DESVENLAFAXINE_25), egfr(22)))


def test_lithium_running_at_egfr_25_ckd_epi_2021_names_the_level_and_not_recommended() -> None:
    card = renal_card(chart(running(LITHIUM_300, per_day=3), egfr(25, loinc="98979-8")))
    assert card.summary.startswith(
        "Lithium 900 mg/day running with eGFR 25 on 2025-05-20: label says not recommended"
    )
    assert "not recommended in severe renal impairment" in card.detail
    # Lithium is dosed by its level: the card says none is on record.
    assert "Lithium: no lithium level on record" in card.detail


def test_all_such_drugs_make_one_card_naming_each() -> None:
    card = renal_card(
        chart(running(DULOXETINE_60), running(LITHIUM_300, per_day=2, rid="mr-li"), egfr(24))
    )
    assert card.summary == (
        "Running beyond the labelled renal limit with eGFR 24 on 2025-05-20: duloxetine "
        "60 mg/day (avoid) and lithium 600 mg/day (not recommended)"
    )
    assert "**Duloxetine:**" in card.detail and "**Lithium:**" in card.detail
    assert [r.topic for r in patient_view(chart(running(DULOXETINE_60), egfr(24)), Policy())].count(
        TOPIC
    ) == 1


def test_an_old_egfr_is_compared_and_named_old() -> None:
    card = renal_card(chart(running(DULOXETINE_60), egfr(24, date(2023, 3, 1))))
    assert "eGFR 24 on 2023-03-01, old" in card.summary
    assert "(over 365 days old)" in card.detail and "repeat it before dosing" in card.detail


def test_a_normal_egfr_a_caution_only_drug_and_a_stopped_course_give_no_card() -> None:
    assert TOPIC not in cards(chart(running(DULOXETINE_60), egfr(75)))
    # Mirtazapine's label only asks for caution: information at the order, noise on chart open.
    assert TOPIC not in cards(chart(running(MIRTAZAPINE_15), egfr(24)))
    stopped = b.medication_request(
        *DULOXETINE_60,
        date(2024, 6, 3),
        status="stopped",
        bounds_end=date(2024, 10, 1),
        expected_supply_days=30,
        repeats=3,
        patient=P,
        id="mr-old",
    )
    assert TOPIC not in cards(chart(stopped, egfr(24)))


def test_epic_egfr_component_is_read_and_a_bound_above_60_places_no_band() -> None:
    card = renal_card(chart(running(DULOXETINE_60), epic_egfr(24)))
    assert "eGFR 24 on 2025-05-20" in card.summary
    # "> 60": the true value may be 61 or 120: no band, no card, never "mild impairment".
    assert TOPIC not in cards(chart(running(LITHIUM_300, per_day=2), epic_egfr(60, ">")))


def test_an_egfr_sent_as_below_15_is_named_as_the_bound() -> None:
    card = renal_card(chart(running(DULOXETINE_60), epic_egfr(15, "<")))
    assert "eGFR < 15 on 2025-05-20" in card.summary


# --- dialysis and end-stage kidney disease coded ---------------------------------------------------


def test_dialysis_codes_are_read_as_their_own_finding_kinds() -> None:
    record = chart(dialysis(), esrd())
    assert [f.code for f in record.context.of(FindingKind.DIALYSIS)] == ["Z99.2"]
    assert [f.code for f in record.context.of(FindingKind.KIDNEY_FAILURE)] == ["N18.6"]


def test_on_dialysis_with_no_egfr_reads_the_esrd_band_and_invents_no_egfr() -> None:
    card = renal_card(chart(running(DULOXETINE_60), dialysis()))
    assert card.summary == (
        "Duloxetine 60 mg/day running on dialysis (Z99.2 since 2023-02-01): label says avoid "
        "(severe renal impairment)"
    )
    assert "eGFR" not in card.summary
    assert "No eGFR is on record: read as the severe renal impairment band" in card.detail
    assert "Dependence on renal dialysis" in card.detail


def test_on_dialysis_a_recent_egfr_does_not_lift_the_esrd_band() -> None:
    """A post-dialysis eGFR of 35 would place duloxetine in no band: on dialysis, creatinine is
    removed by the machine and the eGFR does not measure kidney function (the safer reading)."""
    card = renal_card(chart(running(DULOXETINE_60), dialysis(), egfr(35)))
    assert "on dialysis (Z99.2 since 2023-02-01)" in card.summary
    assert "does not measure kidney function on dialysis" in card.detail


def test_esrd_coded_with_only_an_old_egfr_reads_the_esrd_band() -> None:
    card = renal_card(chart(running(DESVENLAFAXINE_50), esrd(), egfr(40, date(2022, 1, 10))))
    assert card.summary.startswith(
        "Desvenlafaxine 50 mg/day running with end-stage kidney disease coded (N18.6 since "
        "2022-03-01): above the labelled 25 mg/day"
    )
    assert (
        "The latest eGFR 40 mL/min/1.73 m2 on 2022-01-10 (over 365 days old) is not current"
        in card.detail
    )


def test_esrd_coded_beside_a_recent_egfr_lets_the_egfr_decide() -> None:
    assert TOPIC not in cards(chart(running(DULOXETINE_60), esrd(), egfr(45)))


@pytest.mark.parametrize("born", [date(1945, 1, 1), date(1975, 3, 1)])
def test_order_on_dialysis_with_no_egfr_warns_with_the_esrd_band(born: date) -> None:
    """At 80 the old check said only "no eGFR on record" (information); at 50, nothing."""
    card = at_order(chart(dialysis(), drafts=(drafted(DULOXETINE_60),), born=born))[RENAL_ORDER]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Duloxetine 60 mg/day on dialysis (Z99.2 since 2023-02-01): avoid in severe renal "
        "impairment (label)"
    )
    assert "no eGFR on record" not in card.summary


def test_order_with_esrd_coded_and_no_egfr_caps_desvenlafaxine_at_25() -> None:
    card = at_order(chart(esrd(), drafts=(drafted(DESVENLAFAXINE_50, tablets=2),)))[RENAL_ORDER]
    assert card.indicator is Indicator.WARNING
    assert "above the labelled 25 mg/day" in card.summary
    assert "N18.6" in card.summary


def test_switch_and_augment_lists_on_dialysis_name_the_esrd_limits() -> None:
    """Two SSRIs failed (tests/services/test_renal_doses.py's chart), on dialysis, no eGFR: the
    lists name the labels' ESRD limits of the options they offer, from the code."""
    from tests.services import test_renal_doses as renal

    record = renal.chart(dialysis(patient=renal.P))
    detail = renal.optimise(record).detail
    switch = detail.split("**Switch:**")[1]
    assert (
        "Kidney function: on dialysis: Dependence on renal dialysis "
        "(ICD-10-CM Z99.2, since 2023-02-01; Condition/dialysis); "
        "labelled renal limits: desvenlafaxine: at most 25 mg/day" in switch
    )
    # The ESRD "avoid" bands leave their drugs out, said so (opt62, K63b finding 7).
    assert "duloxetine not listed: avoid" in switch
    assert "levomilnacipran not listed: not recommended in end-stage renal disease" in switch


def test_while_the_card_shows_the_optimise_cards_drug_proposals_are_text() -> None:
    """Two SSRIs failed, duloxetine running at eGFR 24: an adjunct "to the current
    antidepressant" builds on the drug the label says to avoid, so it is not one click; a snooze
    of the renal card brings it back."""
    from tests.services import test_renal_doses as renal

    record = renal.chart(
        renal.egfr(24),
        b.medication_request(
            *DULOXETINE_60,
            date(2025, 2, 3),
            expected_supply_days=30,
            repeats=11,
            patient=renal.P,
            id="mr-dul",
        ),
    )
    shown = {r.topic: r for r in patient_view(record, Policy())}
    assert TOPIC in shown
    optimise = shown["optimize-switch-augment"]
    assert not [s for s in optimise.suggestions if "aripiprazole" in s.label]
    assert "running beyond the labelled renal limit" in optimise.detail
    assert "Not one click: Propose adjunctive aripiprazole" in optimise.detail
    snoozed = {r.topic: r for r in patient_view(record, Policy(), hidden=frozenset({TOPIC}))}
    assert [s for s in snoozed["optimize-switch-augment"].suggestions if "aripiprazole" in s.label]
