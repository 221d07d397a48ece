"""C-SSRS screens, documented risk levels, catatonia, risk-assessment procedures and deceased
patients, read from FHIR as EHRs and form tools write them (issue 11 items 8, 9, 10, 14).

Shapes: the C-SSRS screener as an LHC-Forms QuestionnaireResponse (linkId "/<LOINC>", answers as
LOINC Yes/No codings, sometimes without a system: ../shared/fhir/vendor/README.md trap 9); as a
93373-9 panel Observation with components; as one Observation per question with valueBoolean (an
SDC extraction); and a suicide risk level (93374-7) as text. Every builder's output validates
against fhir.resources R4B.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, time, timedelta
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.context import condition_findings, procedure_facts
from fhir_mapping.record import DataDomain, FindingKind, ProcedureKind, SourceRef
from fhir_mapping.suicide_screen import read_screens, wants, wants_questionnaire_response
from services import catalog
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b

AS_OF = date(2025, 6, 2)
PID = b.make_id("suicide-screen", "patient")
Resource = dict[str, Any]

# C-SSRS screener questions (LOINC; clinical/code_verification.csv, the public screener form).
WISH_DEAD = "93246-7"
THOUGHTS = "93247-5"
METHOD = "93248-3"
INTENT = "93249-1"
PLAN = "93250-9"
BEHAVIOUR = "93267-3"
BEHAVIOUR_3M = "93269-9"
TEXT = {
    WISH_DEAD: "Have you wished you were dead or wished you could go to sleep and not wake up?",
    THOUGHTS: "Have you actually had any thoughts of killing yourself?",
    METHOD: "Have you been thinking about how you might do this?",
    INTENT: "Have you had these thoughts and had some intention of acting on them?",
    PLAN: "Have you started to work out or worked out the details of how to kill yourself?",
    BEHAVIOUR: "Have you ever done anything, started to do anything, or prepared to do anything "
    "to end your life?",
    BEHAVIOUR_3M: "Was this within the past 3 months?",
}
YES = ("LA33-6", "Yes")
NO = ("LA32-8", "No")


def _answer(yes: bool, *, with_system: bool) -> dict[str, Any]:
    code, display = YES if yes else NO
    found: dict[str, Any] = {"code": code, "display": display}
    if with_system:
        found = {"system": b.LOINC, **found}
    return {"valueCoding": found}


def cssrs_response(
    when: date,
    answers: Mapping[str, bool],
    *,
    patient: str = PID,
    status: str = "completed",
    with_system: bool = False,
    rid: str | None = None,
) -> Resource:
    """The C-SSRS screener as the LHC-Forms SMART app posts it: linkIds "/<LOINC>", answers as
    codings (without a system by default, as that app sends them)."""
    items = [
        {
            "linkId": f"/{code}",
            "text": TEXT[code],
            "answer": [_answer(yes, with_system=with_system)],
        }
        for code, yes in answers.items()
    ]
    body = {
        "meta": {"lastUpdated": b.fhir_datetime(when)},
        "questionnaire": "http://loinc.org/q/93373-9",
        "status": status,
        "subject": b.reference("Patient", patient),
        "authored": b.fhir_datetime(when, time(11, 0)),
        "item": items,
    }
    return {
        "resourceType": "QuestionnaireResponse",
        "id": rid or b.make_id("qr", str(when)),
        **body,
    }


def _survey(code: str, display: str, when: date, patient: str, status: str) -> Resource:
    return {
        "status": status,
        "category": [
            {
                "coding": [
                    b.coding(
                        "http://terminology.hl7.org/CodeSystem/observation-category",
                        "survey",
                        "Survey",
                    )
                ]
            }
        ],
        "code": b.concept(b.LOINC, code, display),
        "subject": b.reference("Patient", patient),
        "effectiveDateTime": b.fhir_datetime(when, time(11, 0)),
    }


def cssrs_panel(
    when: date,
    answers: Mapping[str, bool],
    *,
    patient: str = PID,
    status: str = "final",
    rid: str | None = None,
) -> Resource:
    """A 93373-9 panel Observation with one component per question (LOINC answers)."""
    body = _survey(
        "93373-9",
        "Columbia - suicide severity rating scale screener - recent [C-SSRS]",
        when,
        patient,
        status,
    )
    body["component"] = [
        {
            "code": b.concept(b.LOINC, code, TEXT[code]),
            "valueCodeableConcept": b.concept(b.LOINC, *(YES if yes else NO)),
        }
        for code, yes in answers.items()
    ]
    return {"resourceType": "Observation", "id": rid or b.make_id("panel", str(when)), **body}


def cssrs_item(when: date, code: str, yes: bool, *, patient: str = PID) -> Resource:
    """One question as its own Observation, valueBoolean (an SDC extraction)."""
    body = _survey(code, TEXT[code], when, patient, "final")
    body["valueBoolean"] = yes
    return {"resourceType": "Observation", "id": b.make_id("item", str(when), code), **body}


def risk_level(when: date, text: str, *, patient: str = PID) -> Resource:
    """A documented suicide risk level (93374-7), the level as text."""
    body = _survey("93374-7", "Suicide risk level", when, patient, "final")
    body["valueCodeableConcept"] = {"text": text}
    return {"resourceType": "Observation", "id": b.make_id("level", str(when)), **body}


def _read(*resources: Resource) -> tuple[Any, Any]:
    assert_valid(resources)
    observations = [r for r in resources if r["resourceType"] == "Observation"]
    responses = [r for r in resources if r["resourceType"] == "QuestionnaireResponse"]
    return read_screens(observations, responses, as_of=AS_OF)


# --- screens ---------------------------------------------------------------------------------------


def test_lhc_forms_response_without_answer_systems_is_a_positive_screen() -> None:
    day = AS_OF - timedelta(days=2)
    response = cssrs_response(
        day, {WISH_DEAD: True, THOUGHTS: False, BEHAVIOUR: False}, rid="qr-cssrs"
    )
    assert wants_questionnaire_response(response)
    (screen,), gaps = _read(response)
    assert gaps == ()
    assert screen.date == day and screen.complete and screen.asked_ideation
    assert screen.positive == ("Wish to be dead (past month)",)
    assert screen.negative == (
        "Non-specific active suicidal thoughts (past month)",
        "Suicidal behaviour or preparatory acts (lifetime)",
    )
    assert screen.is_positive and screen.assesses and not screen.escalate
    assert screen.source == SourceRef("QuestionnaireResponse", "qr-cssrs")


def test_panel_of_noes_is_a_negative_assessment() -> None:
    panel = cssrs_panel(AS_OF, {WISH_DEAD: False, THOUGHTS: False, BEHAVIOUR: False})
    assert wants(panel)
    (screen,), gaps = _read(panel)
    assert gaps == ()
    assert not screen.is_positive and screen.assesses
    assert screen.positive == () and len(screen.negative) == 3


@pytest.mark.parametrize("code", [INTENT, PLAN])
def test_intent_or_plan_escalates(code: str) -> None:
    response = cssrs_response(
        AS_OF, {WISH_DEAD: True, THOUGHTS: True, code: True}, with_system=True
    )
    (screen,), _ = _read(response)
    assert screen.escalate and screen.is_positive


def test_method_without_intent_does_not_escalate() -> None:
    (screen,), _ = _read(cssrs_response(AS_OF, {WISH_DEAD: True, THOUGHTS: True, METHOD: True}))
    assert screen.is_positive and not screen.escalate


def test_past_behaviour_is_history_recent_behaviour_is_current_and_high() -> None:
    past = cssrs_response(
        AS_OF - timedelta(days=20),
        {WISH_DEAD: False, THOUGHTS: False, BEHAVIOUR: True, BEHAVIOUR_3M: False},
    )
    recent = cssrs_response(
        AS_OF, {WISH_DEAD: False, THOUGHTS: False, BEHAVIOUR: True, BEHAVIOUR_3M: True}
    )
    (old, new), _ = _read(past, recent)
    assert old.history == ("Suicidal behaviour or preparatory acts (lifetime)",)
    assert not old.is_positive and old.assesses
    assert new.positive == ("Suicidal behaviour or preparatory acts in the past 3 months",)
    assert new.escalate


def test_lifetime_behaviour_with_recency_not_recorded_counts_as_current() -> None:
    # SDC extractions emit no 93269-9 Observation: recency unknown is read as current (safer).
    items = [cssrs_item(AS_OF, WISH_DEAD, False), cssrs_item(AS_OF, BEHAVIOUR, True)]
    (screen,), _ = _read(*items)
    assert screen.positive == (
        "Suicidal behaviour or preparatory acts (lifetime); whether in the past 3 months not "
        "recorded",
    )
    assert screen.is_positive and not screen.escalate


def test_items_and_level_of_one_day_are_one_screen_and_yes_wins() -> None:
    day = AS_OF - timedelta(days=1)
    resources = [
        cssrs_item(day, WISH_DEAD, True),
        cssrs_item(day, THOUGHTS, False),
        risk_level(day, "High risk"),
        cssrs_panel(day, {WISH_DEAD: False, THOUGHTS: False}),  # the same visit, disagreeing
    ]
    (screen,), gaps = _read(*resources)
    assert gaps == ()
    assert screen.risk_level == "high" and screen.escalate
    assert screen.positive == ("Wish to be dead (past month)",)
    assert screen.source == SourceRef("Observation", resources[3]["id"])  # the panel


def test_unfinished_form_counts_its_yes_but_never_assesses() -> None:
    response = cssrs_response(AS_OF, {WISH_DEAD: True, THOUGHTS: False}, status="in-progress")
    (screen,), _ = _read(response)
    assert screen.positive == ("Wish to be dead (past month)",)
    assert screen.negative == () and not screen.complete and not screen.assesses
    unfinished_no = cssrs_response(AS_OF, {WISH_DEAD: False}, status="stopped")
    assert _read(unfinished_no)[0] == ()


def test_ignored_statuses_and_future_dates() -> None:
    wrong = cssrs_panel(AS_OF, {WISH_DEAD: True}, status="entered-in-error")
    later = cssrs_panel(AS_OF + timedelta(days=1), {WISH_DEAD: True}, rid="later")
    assert _read(wrong, later) == ((), ())


def test_what_cannot_be_read_is_a_gap_never_a_silent_drop() -> None:
    odd = cssrs_item(AS_OF, WISH_DEAD, True)
    del odd["valueBoolean"]
    odd["valueString"] = "maybe"
    undated = cssrs_panel(AS_OF, {WISH_DEAD: True}, rid="undated")
    del undated["effectiveDateTime"]
    level = risk_level(AS_OF, "see note")
    screens, gaps = _read(odd, undated, level)
    assert screens == ()  # an unreadable level is not taken as an assessment (it could say high)
    assert {(g.domain, str(g.source), g.reason) for g in gaps} == {
        (
            DataDomain.SCORES,
            f"Observation/{odd['id']}",
            "C-SSRS answer to 'Wish to be dead (past month)' could not be read",
        ),
        (DataDomain.SCORES, "Observation/undated", "C-SSRS / suicide risk level without a date"),
        (DataDomain.SCORES, f"Observation/{level['id']}", "suicide risk level could not be read"),
    }


def test_a_phq9_response_is_not_a_cssrs_screen() -> None:
    phq9 = cssrs_response(AS_OF, {})
    phq9["item"] = [{"linkId": "/44260-8", "answer": [{"valueCoding": {"code": "LA6570-1"}}]}]
    assert not wants_questionnaire_response(phq9)


# --- through the whole mapping ----------------------------------------------------------------------


def _patient(**extra: Any) -> Resource:
    found = b.patient(
        id=PID, given="Rosa", family="Mendel", gender="female", birth_date=date(1971, 2, 9)
    )
    found.update(extra)
    return found


def _record(resources: Sequence[Resource]) -> Any:
    assert_valid(resources)
    return build_record(resources, as_of=AS_OF, patient_id=PID)


def test_build_record_reads_screens_from_observations_and_responses() -> None:
    record = _record(
        [
            _patient(),
            cssrs_panel(AS_OF - timedelta(days=10), {WISH_DEAD: False, THOUGHTS: False}),
            cssrs_response(AS_OF - timedelta(days=2), {WISH_DEAD: True, THOUGHTS: True}),
        ]
    )
    assert [(s.date, s.is_positive) for s in record.suicide_screens] == [
        (AS_OF - timedelta(days=10), False),
        (AS_OF - timedelta(days=2), True),
    ]


def test_the_observation_prefetch_asks_for_the_cssrs_codes() -> None:
    query = dict(catalog.services()[0].prefetch)["observations"]
    for code in ("93373-9", WISH_DEAD, THOUGHTS, PLAN, BEHAVIOUR_3M, "93374-7"):
        assert f"http://loinc.org|{code}" in query


def test_risk_assessment_procedure_is_recorded() -> None:
    proc = b.procedure(
        b.SNOMED, "225337009", "Suicide risk assessment (procedure)", AS_OF, patient=PID
    )
    assert_valid([proc])
    records, _ = procedure_facts(proc, as_of=AS_OF)
    assert [(r.kind, r.date) for r in records] == [(ProcedureKind.SUICIDE_RISK_ASSESSMENT, AS_OF)]


@pytest.mark.parametrize(
    ("system", "code", "display", "kinds"),
    [
        (
            b.ICD10CM,
            "F06.1",
            "Catatonic disorder due to known physiological condition",
            {FindingKind.CATATONIA},
        ),
        (
            b.SNOMED,
            "69392006",
            "Major depressive disorder, single episode with catatonic features (disorder)",
            {FindingKind.CATATONIA, FindingKind.DEPRESSION},
        ),
    ],
)
def test_catatonia_is_recognised(
    system: str, code: str, display: str, kinds: set[FindingKind]
) -> None:
    condition = b.condition(system, code, display, AS_OF - timedelta(days=5), patient=PID)
    assert_valid([condition])
    assert {f.kind for f in condition_findings(condition, as_of=AS_OF)} == kinds


@pytest.mark.parametrize(
    ("extra", "deceased"),
    [
        ({}, False),
        ({"deceasedBoolean": False}, False),
        ({"deceasedBoolean": True}, True),
        ({"deceasedDateTime": b.fhir_datetime(AS_OF - timedelta(days=3))}, True),
        # A replay as of a day before the death saw a living patient.
        ({"deceasedDateTime": b.fhir_datetime(AS_OF + timedelta(days=3))}, False),
    ],
)
def test_patient_deceased(extra: dict[str, Any], deceased: bool) -> None:
    assert _record([_patient(**extra)]).patient.deceased is deceased
