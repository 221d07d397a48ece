"""Recheck R1 (review 10): lithium is dosed to a serum level, never raised by one click on mg/day.

Before: lithium 300 mg at night added to a failed SSRI read as an adjunct below the 600-1200
mg/day CANMAT 2023 Table 7.2 range, and the optimise card offered "Raise lithium to 600 mg/day"
as a ready-to-accept order, for a 78-year-old with eGFR 45 and a level of 0.7 mmol/L, and for a
patient with no level on record and lisinopril running. Now the drug table marks lithium
`dose_by_level` (augmentation_agents.csv), and the card says to adjust it to its level as text,
naming the latest level, creatinine/eGFR and the running drugs that raise the level.

Charts are Synthea/US-Core shaped (tests/fixtures/builders.py): lithium carbonate 300 MG Oral
Capsule (RxNorm 197889) at bedtime with monthly dispenses, a serum lithium (LOINC 14334-7) and
an eGFR (LOINC 33914-3) as US Core lab Observations, over the scenario background (lisinopril
10 mg daily for hypertension, a creatinine).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.drug_table import drug_info
from fhir_mapping.record import PatientRecord, Role, Trial
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules.context import RuleContext
from services.rules.optimize.orders import raise_dose_suggestion
from tests.fixtures import builders as b
from tests.fixtures.scenarios import MDD_RECURRENT_SEVERE, PSYCH_INTAKE, Chart, Step, add_course
from tests.services.helpers import ctx

# The real drug table: the dose_by_level column is what is tested (tests/services/conftest.py).
pytestmark = pytest.mark.real_drug_table

POLICY = Policy()
TOPIC = "optimize-switch-augment"
AS_OF = date(2025, 6, 2)
LITHIUM_300 = ("197889", "lithium carbonate 300 MG Oral Capsule")
AT_BEDTIME = "Take 1 capsule by mouth at bedtime"
LITHIUM_START = date(2025, 1, 6)
LITHIUM_LEVEL = ("14334-7", "Lithium [Moles/volume] in Serum or Plasma")
EGFR = (
    "33914-3",
    "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum or Plasma by "
    "Creatinine-based formula (MDRD)",
)


def _monthly(c: Chart, key: str, product: tuple[str, str], start: date, sig: str) -> None:
    """One tablet or capsule a day, ordered on `start` and dispensed every 30 days since."""
    order_id = c.id(key, "order")
    when = ("HS",) if "bedtime" in sig else ()
    c.add(
        b.medication_request(
            *product, start, 1, "{tbl}", text=sig, when=when, patient=c.pid, id=order_id
        )
    )
    fill, n = start, 0
    while fill < c.as_of:
        c.add(
            b.medication_dispense(
                *product,
                fill,
                30,
                30,
                patient=c.pid,
                prescription=order_id,
                dose_value=1,
                text=sig,
                id=c.id(key, f"fill-{n}"),
            )
        )
        fill += timedelta(days=30)
        n += 1


def lithium_chart(*, birth: date, level: float | None, egfr: float | None) -> Chart:
    """F33.2 from 2024-05-20; sertraline 150 mg daily since 2024-06-03 (PHQ-9 23 -> 21 on
    2024-09-30: an adequate trial without response, still running); lithium carbonate 300 mg at
    bedtime added 2025-01-06; PHQ-9 21 on 2025-05-19; a lithium level and an eGFR on 2025-05-20
    when given."""
    c = Chart(
        "lithium_raise",
        given="Ruth",
        family="Okafor",
        gender="female",
        birth_date=birth,
        as_of=AS_OF,
    )
    intake = c.visit(date(2024, 5, 20), PSYCH_INTAKE, 60)
    mdd = c.diagnosis(MDD_RECURRENT_SEVERE, date(2024, 5, 20), key="mdd", encounter=intake)
    c.phq9(date(2024, 6, 3), 23, 0, encounter=c.visit(date(2024, 6, 3)))
    add_course(c, "sertraline", [Step("410584", date(2024, 6, 3), None)], reason=mdd, style="mg")
    c.phq9(date(2024, 9, 30), 21, 0, encounter=c.visit(date(2024, 9, 30)))
    _monthly(c, "lithium", LITHIUM_300, LITHIUM_START, AT_BEDTIME)
    c.phq9(date(2025, 5, 19), 21, 0, encounter=c.visit(date(2025, 5, 19)))
    labs = c.visit(date(2025, 5, 20))
    if level is not None:
        code, name = LITHIUM_LEVEL
        c.add(
            b.lab(
                code,
                level,
                "mmol/L",
                date(2025, 5, 20),
                patient=c.pid,
                encounter=labs,
                display=name,
            )
        )
    if egfr is not None:
        c.add(
            b.lab(
                EGFR[0],
                egfr,
                "mL/min/{1.73_m2}",
                date(2025, 5, 20),
                patient=c.pid,
                encounter=labs,
                display=EGFR[1],
            )
        )
    # Synthea-style background: lisinopril 10 mg daily (hypertension) and a creatinine.
    c.background(date(2015, 3, 2))
    return c


def mapped(c: Chart) -> PatientRecord:
    return build_record(c.resources, as_of=c.as_of, patient_id=c.pid, policy=POLICY.mapping)


def optimise_card(record: PatientRecord) -> Recommendation:
    return {r.topic: r for r in patient_view(record, POLICY)}[TOPIC]


def lithium_of(record: PatientRecord) -> Trial:
    return next(t for t in record.trials if t.ingredient == "lithium")


def test_the_drug_table_marks_lithium_and_only_lithium_as_dosed_by_level() -> None:
    lithium = drug_info("lithium carbonate", Role.AUGMENTATION)
    assert lithium is not None and lithium.dose_by_level
    assert "dose_by_level" in lithium.source
    for other in ("mirtazapine", "aripiprazole", "liothyronine", "bupropion"):
        row = drug_info(other, Role.AUGMENTATION)
        assert row is not None and not row.dose_by_level, other


def test_age_78_egfr_45_level_in_target_gets_no_one_click_raise() -> None:
    c = lithium_chart(birth=date(1947, 2, 2), level=0.7, egfr=45)
    record = mapped(c)
    lithium = lithium_of(record)
    assert lithium.role is Role.AUGMENTATION
    assert lithium.current_mg_per_day == 300
    card = optimise_card(record)  # still named, not silent (review 10 finding 6)
    # Before: ['Raise lithium to 600 mg/day'].
    assert [s.label for s in card.suggestions] == []
    assert not any("lithium" in s.label.lower() for s in card.suggestions)
    # Review s21 RR2 finding 3: at 65 and over the target is NICE NG222's 0.4-0.6 mmol/L
    # (lab_safety.csv lithium-target-older), so 0.7 at 78 is above it (was "in the 0.5-0.8").
    assert card.summary == (
        "Lithium 300 mg/day added 2025-01-06 (21 weeks), level 0.7 mmol/L above the 0.4-0.6 "
        "target; PHQ-9 21: adjust by level or change strategy"
    )
    assert len(card.summary) <= 140
    assert "raise it" not in card.summary
    assert (
        "**Adjunct dosed by its level:** lithium 300 mg/day added 2025-01-06 (21 weeks); "
        "PHQ-9 21 on 2025-05-19 (no baseline): adjust lithium to a level of 0.4-0.6 mmol/L, the "
        "target at 65 and over (check level, renal function, interacting drugs); last level 0.7 "
        "mmol/L on 2025-05-20: **above the 0.4-0.6 mmol/L target** at 65 and over (NICE NG222 "
        "(lithium augmentation in older people)); creatinine 0.9 mg/dL on 2024-11-14; eGFR 45 mL/min/1.73 m2 on 2025-05-20; lisinopril "
        "running, which raises the level." in card.detail
    )
    assert "no dose change is offered as a ready-to-accept order" in card.detail
    assert (
        "Adjust it to the level, or change strategy (below: replace it or switch)." in card.detail
    )
    assert "**Adjunct below its range:**" not in card.detail
    # The contradiction of the old card: "PHQ-9 21" in the summary, "not measured" below.
    assert "PHQ-9 not measured" not in card.detail


def test_no_level_and_lisinopril_running_asks_for_the_level_first() -> None:
    c = lithium_chart(birth=date(1970, 4, 9), level=None, egfr=None)
    record = mapped(c)
    card = optimise_card(record)
    assert [s.label for s in card.suggestions] == []  # before: "Raise lithium to 600 mg/day"
    assert card.summary == (
        "Lithium 300 mg/day added 2025-01-06 (21 weeks), no level on record; PHQ-9 21: check "
        "level and eGFR before any dose change"
    )
    assert (
        "no lithium level on record; creatinine 0.9 mg/dL on 2024-11-14; lisinopril running, "
        "which raises the level." in card.detail
    )
    assert (
        "Check the level and creatinine/eGFR before any dose change, or change strategy"
        in card.detail
    )


def test_the_raise_suggestion_itself_never_raises_lithium() -> None:
    # Every caller (the dose section of an antidepressant, the below-range adjunct) goes through
    # raise_dose_suggestion: it returns None for a drug dosed by level, whatever the role.
    record = mapped(lithium_chart(birth=date(1970, 4, 9), level=0.3, egfr=90))
    context: RuleContext = ctx(record, POLICY)
    lithium = lithium_of(record)
    assert raise_dose_suggestion(context, lithium, adjunct=True) is None
    assert raise_dose_suggestion(context, lithium) is None
    # A level below the target is named; the way on is to raise it toward the target first
    # (review s21 RF finding 3), still as text.
    card = optimise_card(record)
    assert "raise lithium toward 0.5-0.8 mmol/L first (level 0.3 on 2025-05-20)" in card.summary
    assert "last level 0.3 mmol/L on 2025-05-20: below the 0.5-0.8 mmol/L target" in card.detail
    assert [s.label for s in card.suggestions] == []


def test_a_drug_dosed_by_mg_per_day_is_still_raised_by_one_click() -> None:
    # The mg/day path is unchanged for every other drug (review 10 finding 6).
    c = lithium_chart(birth=date(1970, 4, 9), level=None, egfr=None)
    record = mapped(c)
    sertraline = next(t for t in record.trials if t.ingredient == "sertraline")
    context = ctx(record, POLICY)
    suggestion = raise_dose_suggestion(context, sertraline)
    assert suggestion is not None and suggestion.label.startswith("Raise sertraline to ")


def test_an_old_level_below_the_target_is_no_reason_to_adjust_now() -> None:
    # Read of the diff: an old level was checked against the target before its date, so a
    # level below the target read as current. A clinic reading an adjunct's level as today's
    # for 7 days (policy.adjunct_level_current_days, review s21 RF finding 3; lab_recent_days
    # before) makes the level of 2025-05-20 old on 2025-06-02.
    from dataclasses import replace

    policy = replace(POLICY, adjunct_level_current_days=7)
    record = mapped(lithium_chart(birth=date(1970, 4, 9), level=0.4, egfr=80))
    card = {r.topic: r for r in patient_view(record, policy)}[TOPIC]
    assert [s.label for s in card.suggestions] == []
    assert "check a lithium level first (last 0.4 on 2025-05-20)" in card.summary
    assert "below the 0.5-0.8 target" not in card.summary
    assert "(old) is not today's: check the level and creatinine/eGFR before any dose change" in (
        card.detail
    )
