"""Review 10 recheck R4, R5 and R11: the lists of the optimise / switch / augment card.

- R4: venlafaxine being tapered to a stop ("Decrease to 75 mg daily for 2 weeks then
  discontinue") is no base for an adjunct: the card names the taper and offers no one-click
  adjunct; the switch list stays.
- R5: quetiapine 25 mg at bedtime as needed (asNeededCodeableConcept) is not a running
  antipsychotic adjunct: aripiprazole and brexpiprazole stay on the card, and the augment list
  names "quetiapine taken as needed" in its caution.
- R11: the switch list says when a listed drug was tried before ("fluoxetine (tried 2023–2024
  (year only), adequacy to confirm)"), and a course ordered only as needed says so beside its
  "0 weeks at an adequate dose".

Charts are FHIR as a US EHR writes them (tests/fixtures/builders.py: US Core MedicationRequests
with RxNorm clinical drugs and monthly MedicationDispenses, a free-text taper sig, PHQ-9
Observations, an ICD-10-CM problem-list Condition, a MedicationStatement dated to the year as a
C-CDA conversion writes one), each resource validated with fhir.resources R4B.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-adjunct-lists"
POLICY = Policy()
TOPIC = "optimize-switch-augment"
Resource = dict[str, Any]
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
VENLAFAXINE_150 = ("313581", "24 HR venlafaxine 150 MG Extended Release Oral Capsule")
QUETIAPINE_25 = ("312743", "quetiapine 25 MG Oral Tablet")
FLUOXETINE_20 = ("310385", "fluoxetine 20 MG Oral Capsule")
TAPER_DAY = date(2025, 5, 26)
ADJUNCTS = [
    "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)",
    "Propose adjunctive brexpiprazole 0.5 mg/day (CANMAT first line)",
]
# Venlafaxine 150 of its 75-225 mg/day failed: one labelled step up comes first (review s19
# item 3, CANMAT 2023 para 187), the adjuncts after it.
RAISE_VENLAFAXINE = "Raise venlafaxine to 225 mg/day (dose first, CANMAT 2023 para 187)"


def course(
    drug: tuple[str, str],
    start: date,
    rid: str,
    *,
    end: date | None = None,
    sig: str = "Take 1 by mouth daily",
    as_needed: bool = False,
) -> list[Resource]:
    """An order of 1 a day and its monthly fills up to `end` (None: an open `active` order
    filled up to as-of; else `completed` with that boundsPeriod end). Each fill carries the
    order's sig, as a pharmacy system copies it onto the label."""
    request = fb.medication_request(
        drug[0],
        drug[1],
        start,
        dose_value=1,
        status="completed" if end is not None else "active",
        text=sig,
        expected_supply_days=30,
        repeats=11,
        bounds_end=end,
        as_needed=as_needed,
        patient=P,
        id=rid,
    )
    last = end or AS_OF
    fills = []
    day, n = start, 0
    while day < last:
        fills.append(
            fb.medication_dispense(
                drug[0],
                drug[1],
                day,
                30,
                30,
                prescription=rid,
                refill=n > 0,
                patient=P,
                id=f"{rid}-fill-{n}",
            )
        )
        day += timedelta(days=30)
        n += 1
    for fill in fills:
        fill["dosageInstruction"] = copy.deepcopy(request["dosageInstruction"])
    return [request, *fills]


def chart(*extra: Resource, sertraline: list[Resource] | None = None) -> PatientRecord:
    """Recurrent severe MDD; sertraline 100 mg daily 2024-06-03 to 2024-09-30 (PHQ-9 23 -> 21:
    failed), then venlafaxine XR 150 mg as `extra` says (PHQ-9 22 -> 21)."""
    out: list[Resource] = [
        fb.patient(
            id=P, given="Dana", family="Reyes", gender="female", birth_date=date(1978, 3, 9)
        ),
        fb.condition(
            fb.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 5, 20),
            category="problem-list-item",
            patient=P,
            id="cond-mdd",
        ),
        *(
            sertraline
            if sertraline is not None
            else course(SERTRALINE_100, date(2024, 6, 3), "mr-sert", end=date(2024, 9, 30))
        ),
        *extra,
    ]
    for day, total in [
        (date(2024, 6, 3), 23),
        (date(2024, 9, 23), 21),
        (date(2025, 1, 27), 22),
        (date(2025, 5, 19), 21),
    ]:
        out += fb.phq9(day, total, item9=0, patient=P)
    for resource in out:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(out, as_of=AS_OF, patient_id=P, policy=POLICY.mapping)


def venlafaxine(*, end: date | None = None) -> list[Resource]:
    return course(VENLAFAXINE_150, date(2024, 9, 30), "mr-ven", end=end)


def taper_order() -> Resource:
    return fb.medication_request(
        VENLAFAXINE_150[0],
        VENLAFAXINE_150[1],
        TAPER_DAY,
        dose_value=75,
        dose_unit="mg",
        status="active",
        text="Decrease to 75 mg daily for 2 weeks then discontinue",
        patient=P,
        id="mr-ven-taper",
    )


def quetiapine_as_needed() -> list[Resource]:
    """Quetiapine 25 mg at bedtime as needed for agitation, asNeededCodeableConcept as Epic
    writes a PRN reason, filled monthly since 2025-01-06."""
    resources = course(
        QUETIAPINE_25,
        date(2025, 1, 6),
        "mr-quet",
        sig="Take 1 tablet by mouth at bedtime as needed for agitation",
    )
    for resource in resources:
        for line in resource["dosageInstruction"]:
            line.pop("asNeededBoolean", None)
            line["asNeededCodeableConcept"] = {"text": "agitation"}
    return resources


def cards(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in patient_view(record, POLICY)}


def labels(card: Recommendation) -> list[str]:
    return [s.label for s in card.suggestions]


# --- R4 -------------------------------------------------------------------------------------------
def test_an_antidepressant_tapered_to_a_stop_gets_no_one_click_adjunct() -> None:
    card = cards(chart(*venlafaxine(end=TAPER_DAY), taper_order()))[TOPIC]
    assert card.summary == (
        "2 adequate trials failed (sertraline, venlafaxine); venlafaxine being tapered to a "
        "stop: choose the next antidepressant"
    )
    assert len(card.summary) <= 140
    assert (
        "**Tapering:** venlafaxine is being tapered to a stop (75 mg/day for 14 days). An "
        "adjunct needs an antidepressant that continues, so none is offered: choose the next "
        "antidepressant from the switch options" in card.detail
    )
    assert not [s for s in labels(card) if s.startswith("Propose adjunctive")]
    assert "**Augment:**" not in card.detail
    # What fits a switch stays: other mechanisms, the failed ones not proposed.
    assert "Failed, not proposed: SSRI (sertraline), SNRI (venlafaxine)." in card.detail
    assert "NDRI: bupropion" in card.detail


def test_control_venlafaxine_that_runs_on_gets_the_adjuncts() -> None:
    card = cards(chart(*venlafaxine()))[TOPIC]
    assert labels(card) == [RAISE_VENLAFAXINE, *ADJUNCTS]
    assert "Tapering" not in card.detail and "tapered" not in card.summary


# --- R5 -------------------------------------------------------------------------------------------
def test_quetiapine_as_needed_does_not_block_the_first_line_antipsychotic_adjuncts() -> None:
    record = chart(*venlafaxine(), *quetiapine_as_needed())
    quetiapine = next(t for t in record.trials if t.ingredient == "quetiapine")
    assert quetiapine.ongoing and quetiapine.segments[-1].as_needed
    card = cards(record)[TOPIC]
    assert card.summary == (
        "2 adequate trials failed (sertraline, venlafaxine): raise venlafaxine 150 → 225 mg/day "
        "first, then augment or switch class"
    )
    assert labels(card) == [RAISE_VENLAFAXINE, *ADJUNCTS]
    assert "An antipsychotic is already running" not in card.detail
    assert (
        "Quetiapine taken as needed (quetiapine 25 mg as needed): not counted as antipsychotic "
        "augmentation; stop it if aripiprazole or brexpiprazole is started, so two "
        "antipsychotics do not run together." in card.detail
    )


def test_control_scheduled_quetiapine_still_blocks_a_second_antipsychotic() -> None:
    scheduled = course(
        QUETIAPINE_25, date(2025, 1, 6), "mr-quet", sig="Take 1 tablet by mouth at bedtime"
    )
    card = cards(chart(*venlafaxine(), *scheduled))[TOPIC]
    assert not [s for s in labels(card) if s.startswith("Propose adjunctive")]
    assert "An antipsychotic is already running (quetiapine 25 mg/day)" in card.detail
    assert "taken as needed" not in card.detail


# --- R11 ------------------------------------------------------------------------------------------
def test_the_switch_list_says_fluoxetine_was_tried_to_the_year_only() -> None:
    statement = fb.medication_statement(
        *FLUOXETINE_20,
        date(2023, 1, 1),
        status="completed",
        dose_value=20,
        dose_unit="mg",
        text="20 mg daily",
        patient=P,
        id="ms-fluoxetine-year",
    )
    statement["effectivePeriod"] = {"start": "2023", "end": "2024"}
    statement.pop("dateAsserted", None)
    # Sertraline never ran here: venlafaxine alone failed, so the SSRIs are switch options.
    card = cards(chart(*venlafaxine(), statement, sertraline=[]))[TOPIC]
    assert "fluoxetine (tried 2023–2024 (year only), adequacy to confirm)" in card.detail
    # The other SSRIs were not tried: nothing is said beside them.
    assert "escitalopram, fluoxetine (tried" in card.detail
    assert "escitalopram (tried" not in card.detail and "sertraline (tried" not in card.detail


def test_an_as_needed_course_says_so_beside_its_zero_weeks() -> None:
    sertraline = course(
        SERTRALINE_100,
        date(2024, 6, 3),
        "mr-sert",
        end=date(2024, 9, 30),
        sig="Take 1 tablet by mouth daily as needed",
        as_needed=True,
    )
    found = cards(chart(*venlafaxine(), sertraline=sertraline))
    adherence = found["adherence-review"]
    assert "(sertraline 0 wk, ordered as needed)" in adherence.summary
    assert len(adherence.summary) <= 140
    assert (
        "0 weeks at an adequate dose (needs 6): ordered as needed, and as-needed days are not "
        "counted" in adherence.detail
    )
    # The switch list says the as-needed sertraline was tried, and not as an adequate trial.
    assert "sertraline (tried 2024-06-03 – 2024-09-30, not an adequate trial)" in (
        found[TOPIC].detail
    )
