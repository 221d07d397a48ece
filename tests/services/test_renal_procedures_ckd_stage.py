"""The renal checks read dialysis documented only as Procedures, and CKD stage 4
or 3 coded with no eGFR on record (services/renal_doses.py, order_checks/renal.py,
rules/running_renal.py; fhir_mapping/data/procedure_codes.csv kind `dialysis`,
condition_codes.csv kinds `ckd-stage-*`, services/data/ckd_stages.csv).

Before: a patient on haemodialysis three times a week (Synthea's SNOMED 302497006 Procedures,
Epic's CPT 90935) with no Z99.2 got no renal band at all, and CKD stage 4 coded (N18.4) with no
eGFR got no renal reading: duloxetine 60 mg/day (Cymbalta: avoid below 30) passed with no card.

Charts as in test_running_renal.py (US Core shaped, validated against fhir.resources R4B): the
haemodialysis sessions are Synthea-shaped Procedures (SNOMED 302497006 with a 4-hour
performedPeriod) or Epic-shaped ones (CPT 90935 with performedDateTime).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from fhir_mapping.record import FindingKind, ProcedureKind
from services import renal_doses
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fixtures import builders as b
from tests.services import test_renal_doses as renal
from tests.services.test_running_renal import (
    AS_OF,
    DESVENLAFAXINE_50,
    DULOXETINE_60,
    LITHIUM_300,
    RENAL_ORDER,
    TOPIC,
    P,
    cards,
    chart,
    drafted,
    egfr,
    renal_card,
    running,
)

pytestmark = pytest.mark.real_drug_table

Resource = dict[str, Any]
LAST_SESSION = date(2025, 5, 30)  # a Friday: Mon/Wed/Fri haemodialysis


def synthea_hd(day: date, rid: str) -> Resource:
    """Haemodialysis as Synthea writes it: SNOMED 302497006 with a 4-hour performedPeriod."""
    return b.procedure(
        b.SNOMED, "302497006", "Hemodialysis (procedure)", day, patient=P, minutes=240, id=rid
    )


def epic_hd(day: date, rid: str = "hd-epic", status: str = "completed") -> Resource:
    """Haemodialysis as Epic and Oracle send it: CPT 90935 on Procedure.code."""
    return b.procedure(
        b.CPT,
        "90935",
        "Hemodialysis procedure with single evaluation by a physician or other qualified health "
        "care professional",
        day,
        patient=P,
        status=status,
        id=rid,
    )


def three_a_week(last: date = LAST_SESSION, weeks: int = 2) -> list[Resource]:
    """Mon/Wed/Fri sessions for `weeks` weeks ending on `last` (a Friday)."""
    days = [last - timedelta(weeks=w, days=d) for w in range(weeks) for d in (0, 2, 4)]
    return [synthea_hd(day, f"hd-{i}") for i, day in enumerate(sorted(days))]


def transplant(onset: date, rid: str = "transplant") -> Resource:
    return b.condition(
        b.ICD10CM,
        "Z94.0",
        "Kidney transplant status",
        onset,
        category="problem-list-item",
        patient=P,
        extra_codings=[(b.SNOMED, "737295003", "Transplanted kidney present (finding)")],
        id=rid,
    )


def ckd(
    icd: str, display: str, snomed: tuple[str, str] | None = None, *, patient: str = P
) -> Resource:
    """CKD staged on the problem list, ICD-10-CM with the SNOMED code beside (Epic, Oracle)."""
    return b.condition(
        b.ICD10CM,
        icd,
        display,
        date(2024, 3, 1),
        category="problem-list-item",
        patient=patient,
        extra_codings=[(b.SNOMED, *snomed)] if snomed else (),
        id="ckd",
    )


def stage_4(patient: str = P) -> Resource:
    return ckd(
        "N18.4",
        "Chronic kidney disease, stage 4 (severe)",
        ("431857002", "Chronic kidney disease stage 4 (disorder)"),
        patient=patient,
    )


def stage_3() -> Resource:
    return ckd(
        "N18.30",
        "Chronic kidney disease, stage 3 unspecified",
        ("433144002", "Chronic kidney disease stage 3 (disorder)"),
    )


def stage_3b() -> Resource:
    return ckd(
        "N18.32",
        "Chronic kidney disease, stage 3b",
        ("700379002", "Chronic kidney disease stage 3B (disorder)"),
    )


def order_cards(record: Any, policy: Policy | None = None) -> dict[str, Recommendation]:
    return {r.topic: r for r in order_hook(record, policy or Policy(), hook="order-sign")}


# --- 1. dialysis documented as Procedures ----------------------------------------------------------


def test_dialysis_procedures_are_mapped_as_their_own_procedure_kind() -> None:
    record = chart(*three_a_week(), epic_hd(date(2025, 5, 28)))
    kinds = {(p.kind, p.code) for p in record.procedures}
    assert kinds == {(ProcedureKind.DIALYSIS, "302497006"), (ProcedureKind.DIALYSIS, "90935")}
    assert not record.context.of(FindingKind.DIALYSIS)  # no code: read from the Procedures


def test_synthea_haemodialysis_with_no_z99_reads_the_esrd_band_for_a_running_drug() -> None:
    card = renal_card(chart(running(DULOXETINE_60), *three_a_week()))
    assert card.summary == (
        "Duloxetine 60 mg/day running on dialysis (haemodialysis, SNOMED CT 302497006, last "
        "2025-05-30): label says avoid (severe renal impairment)"
    )
    assert "Hemodialysis (procedure)" in card.detail
    assert "6 dialysis procedures in the last 90 days" in card.detail
    assert "No eGFR is on record: read as the severe renal impairment band" in card.detail


@pytest.mark.parametrize("born", [date(1945, 1, 1), date(1975, 3, 1)])
def test_epic_cpt_90935_at_order_warns_as_a_coded_dialysis(born: date) -> None:
    """At 50 the old check said nothing; at 80 only "no eGFR on record" (information)."""
    record = chart(epic_hd(date(2025, 5, 28)), drafts=(drafted(DULOXETINE_60),), born=born)
    card = order_cards(record)[RENAL_ORDER]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Duloxetine 60 mg/day on dialysis (haemodialysis, CPT 90935, last 2025-05-28): avoid in "
        "severe renal impairment (label)"
    )


def test_on_dialysis_by_procedure_a_recent_egfr_does_not_lift_the_esrd_band() -> None:
    card = renal_card(chart(running(DULOXETINE_60), *three_a_week(), egfr(35)))
    assert "on dialysis (haemodialysis, SNOMED CT 302497006, last 2025-05-30)" in card.summary
    assert "does not measure kidney function on dialysis" in card.detail


def test_a_session_older_than_the_window_is_not_on_dialysis_now() -> None:
    old = AS_OF - timedelta(days=91)
    record = chart(running(DULOXETINE_60), epic_hd(old), born=date(1975, 3, 1))
    assert renal_doses.reading(record, Policy()) is None
    assert TOPIC not in cards(record)
    drafted_record = chart(epic_hd(old), drafts=(drafted(DULOXETINE_60),), born=date(1975, 3, 1))
    assert RENAL_ORDER not in order_cards(drafted_record)
    # The window is policy: a clinic that keeps sessions longer reads it.
    longer = replace(Policy(), dialysis_procedure_recent_days=120)
    kidney = renal_doses.reading(record, longer)
    assert isinstance(kidney, renal_doses.KidneyFailure) and kidney.dialysis


def test_a_dialysis_procedure_not_done_or_entered_in_error_is_not_read() -> None:
    for status in ("not-done", "entered-in-error"):
        record = chart(epic_hd(date(2025, 5, 28), status=status), running(DULOXETINE_60))
        assert TOPIC not in cards(record), status


def test_a_later_transplant_with_an_egfr_since_ends_the_procedure_dialysis() -> None:
    """Sessions to 2025-03-14 (within the 90 days), Z94.0 on 2025-04-01, eGFR 24 on 2025-05-20:
    the eGFR decides, and the card says the sessions are read as past."""
    record = chart(
        running(DULOXETINE_60),
        *three_a_week(date(2025, 3, 14)),
        transplant(date(2025, 4, 1)),
        egfr(24),
    )
    kidney = renal_doses.reading(record, Policy())
    assert isinstance(kidney, renal_doses.Egfr)
    card = renal_card(record)
    assert "with eGFR 24 on 2025-05-20" in card.summary
    assert (
        "the dialysis session of 2025-03-14 (haemodialysis, SNOMED CT 302497006) is read as past"
        in card.detail
    )


def test_a_later_transplant_with_no_egfr_since_keeps_the_dialysis_reading() -> None:
    record = chart(
        running(DULOXETINE_60), *three_a_week(date(2025, 3, 14)), transplant(date(2025, 4, 1))
    )
    card = renal_card(record)
    assert "on dialysis (haemodialysis, SNOMED CT 302497006, last 2025-03-14)" in card.summary
    assert "A kidney transplant (Z94.0, 2025-04-01) is coded after it" in card.detail


def test_a_session_after_the_transplant_keeps_dialysis_the_graft_failed() -> None:
    record = chart(
        running(DULOXETINE_60),
        transplant(date(2024, 6, 1)),
        egfr(45, date(2024, 9, 1)),
        epic_hd(date(2025, 5, 28)),
    )
    kidney = renal_doses.reading(record, Policy())
    assert isinstance(kidney, renal_doses.KidneyFailure) and kidney.transplant is None
    assert "on dialysis (haemodialysis, CPT 90935, last 2025-05-28)" in renal_card(record).summary


def test_a_dialysis_code_is_still_named_before_sessions() -> None:
    from tests.services.test_running_renal import dialysis

    card = renal_card(chart(running(DULOXETINE_60), dialysis(), *three_a_week()))
    assert "on dialysis (Z99.2 since 2023-02-01)" in card.summary


# --- 2. CKD stage 4 or 3 coded with no eGFR ----------------------------------------------------


def test_ckd_stage_codes_are_read_as_their_own_finding_kinds() -> None:
    assert [f.code for f in chart(stage_4()).context.of(FindingKind.CKD_STAGE_4)] == ["N18.4"]
    record = chart(stage_3())
    assert {f.code for f in record.context.of(FindingKind.CKD_STAGE_3)} >= {"N18.30"}
    assert [f.code for f in chart(stage_3b()).context.of(FindingKind.CKD_STAGE_3B)] == ["N18.32"]
    # Synthea writes CKD stage 3 as SNOMED 433144002 alone (../shared/fhir/synthea).
    synthea = b.condition(
        b.SNOMED,
        "433144002",
        "Chronic kidney disease stage 3 (disorder)",
        date(2020, 1, 1),
        patient=P,
        id="ckd-synthea",
    )
    assert [f.code for f in chart(synthea).context.of(FindingKind.CKD_STAGE_3)] == ["433144002"]


@pytest.mark.parametrize("born", [date(1945, 1, 1), date(1975, 3, 1)])
def test_ckd_stage_4_and_no_egfr_warns_on_a_duloxetine_order(born: date) -> None:
    record = chart(stage_4(), drafts=(drafted(DULOXETINE_60),), born=born)
    card = order_cards(record)[RENAL_ORDER]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Duloxetine 60 mg/day with CKD stage 4 coded (eGFR 15-29 by definition, KDIGO) and no "
        "eGFR: avoid in severe renal impairment (label)"
    )
    assert (
        "CKD stage 4 coded (eGFR 15-29 by definition, KDIGO); no eGFR on record: measure one "
        "before dosing duloxetine." in card.detail
    )
    assert "N18.4" in card.detail and "Cymbalta label" in card.detail


def test_ckd_stage_4_and_no_egfr_makes_the_running_card() -> None:
    card = renal_card(chart(running(DULOXETINE_60), stage_4()))
    assert card.summary.startswith(
        "Duloxetine 60 mg/day running with CKD stage 4 coded (eGFR 15-29 by definition, KDIGO) "
        "and no eGFR: label says avoid"
    )
    assert "measure one before dosing duloxetine" in card.detail


def test_ckd_stage_4_holds_the_optimise_cards_one_click_proposals() -> None:
    """Two SSRIs failed, duloxetine running, N18.4 and no eGFR: an adjunct to the current
    antidepressant builds on the drug the label says to avoid, so it is text, not one click."""
    record = renal.chart(
        stage_4(patient=renal.P),
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
    assert "Not one click: Propose adjunctive aripiprazole" in optimise.detail


def test_with_an_egfr_on_record_the_egfr_decides_and_the_stage_adds_nothing() -> None:
    record = chart(running(DULOXETINE_60), stage_4(), egfr(45))
    assert isinstance(renal_doses.reading(record, Policy()), renal_doses.Egfr)
    assert TOPIC not in cards(record)
    drafted_record = chart(stage_4(), egfr(45), drafts=(drafted(DULOXETINE_60),))
    assert RENAL_ORDER not in order_cards(drafted_record)


def test_ckd_stage_3_makes_no_card_for_a_drug_whose_bands_are_all_below_30() -> None:
    """Duloxetine's only band is below 30: stage 3 (30-59) meets none. At 50, nothing; at 80,
    the no-eGFR information line as before (not a stage card)."""
    young = chart(stage_3(), drafts=(drafted(DULOXETINE_60),), born=date(1975, 3, 1))
    assert RENAL_ORDER not in order_cards(young)
    assert TOPIC not in cards(chart(running(DULOXETINE_60), stage_3()))
    old = order_cards(chart(stage_3(), drafts=(drafted(DULOXETINE_60),)))[RENAL_ORDER]
    assert old.indicator is Indicator.INFO and "no eGFR on record" in old.summary


def test_ckd_stage_3_reads_lithiums_band_below_60() -> None:
    """Lithium's moderate band is 30-59 (a warning): stage 3 falls in it whole."""
    card = renal_card(chart(running(LITHIUM_300, per_day=2), stage_3()))
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith(
        "Lithium running with CKD stage 3 coded (eGFR 30-59 by definition, KDIGO) and no eGFR"
    )
    assert "moderate renal impairment band of the lithium label" in card.detail


def test_ckd_stage_3_says_may_be_where_the_band_covers_part_of_the_range() -> None:
    """Desvenlafaxine's 50 mg/day band is 30-50: stage 3 (30-59) may be in it, never said as
    settled; stage 3b (30-44) is in it."""
    draft = (drafted(DESVENLAFAXINE_50, tablets=2),)
    card = order_cards(chart(stage_3(), drafts=draft))[RENAL_ORDER]
    assert card.indicator is Indicator.WARNING
    assert "may be 30-50" in card.summary and "50 mg/day" in card.summary
    settled = order_cards(chart(stage_3b(), drafts=draft))[RENAL_ORDER]
    assert "may be" not in settled.summary
    assert "(eGFR 30-44 by definition, KDIGO)" in settled.summary
    assert "above the labelled 50 mg/day" in settled.summary
    # 50 mg/day is within the band's maximum: no card.
    within = (drafted(DESVENLAFAXINE_50),)
    assert RENAL_ORDER not in order_cards(chart(stage_3b(), drafts=within, born=date(1975, 3, 1)))


def test_ckd_stage_ranges_come_from_the_kdigo_table() -> None:
    stages = renal_doses.ckd_stages()
    got = {k.value: (s.egfr_from, s.egfr_below) for k, s in stages.items()}
    assert got == {
        "ckd-stage-4": (15, 30),
        "ckd-stage-3": (30, 60),
        "ckd-stage-3a": (45, 60),
        "ckd-stage-3b": (30, 45),
    }


def test_an_old_egfr_before_a_newer_stage_4_code_reads_the_stage() -> None:
    """An eGFR of 70 from 2019 and N18.4 coded in 2024 (lead's change on H1): the code is the
    newer word on the kidney; the old eGFR is named, never compared as if it were current."""
    old = egfr(70, date(2019, 6, 3), rid="egfr-2019")
    record = chart(stage_4(), old, drafts=(drafted(DULOXETINE_60),))
    assert isinstance(renal_doses.reading(record, Policy()), renal_doses.CkdStage)
    card = order_cards(record)[RENAL_ORDER]
    assert card.indicator is Indicator.WARNING
    assert (
        "CKD stage 4 coded (eGFR 15-29 by definition, KDIGO); the latest eGFR, 70 on 2019-06-03, "
        "is older than the code and not recent: measure one before "
        "dosing duloxetine." in card.detail
    )
    # Control: an old eGFR dated after the code decides as before (named as old).
    later = egfr(70, date(2024, 6, 3), rid="egfr-2024")
    assert isinstance(renal_doses.reading(chart(stage_4(), later), Policy()), renal_doses.Egfr)
