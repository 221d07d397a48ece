"""Review 6 finding 4: a crisis session or psychotherapy added to a medication visit is not "a
prior adequate psychotherapy trial", and does not silence the CBT/IPT card.

Session kinds are data (fhir_mapping/data/procedure_codes.csv `psychotherapy_kind`, APA CPT 2013
guidance); what makes a course and how many sessions make "adequate" where the payer states no
number are policy (psychotherapy_course_kinds, psychotherapy_min_sessions). A met criterion says
what the chart cannot show (L37086 "without improvement") as "Met, to confirm". Records are
hand-built (tests/services/factories.py) except the end-to-end chart at the bottom, written as an
EHR writes it (tests/fixtures/scenarios.py, builders.py) and read by the real mapping.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.clinical_codes import procedure_codes
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.record import PatientRecord, ProcedureKind, ProcedureRecord
from services.pathway import derive_facts
from services.patient_view import patient_view
from services.payer_criteria import (
    CriterionResult,
    CriterionStatus,
    PayerCriteriaError,
    evaluate_payer_criteria,
    parse_rule_set,
)
from services.policy import Policy, load_policy
from services.recommendation import Recommendation
from services.rules import psychotherapy, tms_referral
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b
from tests.fixtures import scenarios
from tests.services import factories as f
from tests.services.helpers import ctx
from tests.services.test_payer_criteria import meets_all

CPT = "http://www.ama-assn.org/go/cpt"
L37086 = Path(__file__).resolve().parents[2] / "services/data/payer_criteria/l37086.toml"


def sessions(code: str, n: int, first: date = date(2023, 5, 1)) -> tuple[ProcedureRecord, ...]:
    """`n` weekly psychotherapy Procedures of CPT `code`."""
    return tuple(
        f.procedure(ProcedureKind.PSYCHOTHERAPY, first + timedelta(weeks=k), code) for k in range(n)
    )


def psychotherapy_result(record: PatientRecord, policy: Policy | None = None) -> CriterionResult:
    policy = policy or Policy()
    ev = evaluate_payer_criteria(record, derive_facts(record, policy), policy)
    (found,) = [r for r in ev.results if r.id == "psychotherapy"]
    return found


# --- the code table -----------------------------------------------------------------------------


def test_every_psychotherapy_code_names_its_kind_with_a_source() -> None:
    rows = [r for r in procedure_codes().values() if r.kind == "psychotherapy"]
    assert rows and all(
        r.psychotherapy_kind in {"standalone", "group", "family", "add-on", "crisis"} for r in rows
    )
    kinds = {r.code: r.psychotherapy_kind for r in rows if canonical_system(r.system) == CPT}
    assert kinds == {
        "90832": "standalone",
        "90834": "standalone",
        "90837": "standalone",
        "90833": "add-on",
        "90836": "add-on",
        "90838": "add-on",
        "90839": "crisis",
        "90840": "crisis",
        "90853": "group",
        "90846": "family",  # VSAC Psych Visit - Family Psychotherapy (review 14 M2)
        "90847": "family",
    }
    # Rows of other kinds carry none: the column is read for psychotherapy only.
    assert all(
        not r.psychotherapy_kind for r in procedure_codes().values() if r.kind != "psychotherapy"
    )


def test_the_kind_column_has_a_source_and_status_per_psychotherapy_row() -> None:
    text = resources.files("fhir_mapping").joinpath("data/procedure_codes.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        if row["kind"] == "psychotherapy":
            assert row["kind_source"] and row["kind_status"] in {
                "confirmed",
                "corroborated",
                "UNVERIFIED",
            }, row["code"]


# --- the payer criterion ---------------------------------------------------------------------------


def test_one_crisis_session_is_not_a_psychotherapy_trial() -> None:
    record = meets_all(procedures=sessions("90839", 1, date(2024, 7, 2)))
    result = psychotherapy_result(record)
    assert result.status is CriterionStatus.NOT_ON_RECORD
    assert result.evidence == (
        "crisis psychotherapy, not a course of therapy: 1 session, 2024-07-02: Psychotherapy for "
        "crisis; first 60 minutes (90839)",
    )
    rec = tms_referral.rule(ctx(record))
    assert rec is not None
    assert "**Criteria met**" not in rec.detail
    assert "**Payer criteria not yet met**" in rec.detail


@pytest.mark.parametrize("code", ["90833", "90836", "90838"])
def test_add_on_psychotherapy_to_a_medication_visit_is_not_a_trial(code: str) -> None:
    result = psychotherapy_result(meets_all(procedures=sessions(code, 12)))
    assert result.status is CriterionStatus.NOT_ON_RECORD
    assert result.evidence[0].startswith(
        "psychotherapy added to a medication visit, not a course of therapy: 12 sessions"
    )


def test_fewer_standalone_sessions_than_the_clinic_default_are_to_confirm_not_met() -> None:
    result = psychotherapy_result(meets_all(procedures=sessions("90834", 4)))
    assert result.status is CriterionStatus.NOT_ON_RECORD
    assert result.evidence == (
        "4 sessions, 2023-05-01 - 2023-05-22: Psychotherapy, 45 minutes with patient (90834); "
        "fewer than the clinic's 8: to confirm as adequate",
    )
    assert result.to_document == "an adequate psychotherapy trial (4 sessions on record)"
    # The clinic sets its own number.
    lower = load_policy({"psychotherapy_min_sessions": 4})
    assert psychotherapy_result(meets_all(procedures=sessions("90834", 4)), lower).met


def test_a_met_psychotherapy_criterion_says_without_improvement_is_to_confirm() -> None:
    result = psychotherapy_result(meets_all(procedures=sessions("90834", 8)))
    assert result.status is CriterionStatus.MET
    assert result.to_confirm == "no improvement after it"
    assert result.status_text == "Met, to confirm"
    rec = tms_referral.rule(ctx(meets_all(procedures=sessions("90834", 8))))
    assert rec is not None
    assert "Psychotherapy (to confirm: no improvement after it)" in rec.detail


def test_crisis_sessions_are_listed_beside_a_course_but_not_counted() -> None:
    record = meets_all(procedures=(*sessions("90834", 7), *sessions("90839", 1, date(2024, 7, 2))))
    result = psychotherapy_result(record)
    assert result.status is CriterionStatus.NOT_ON_RECORD  # 7 counted, not 8
    assert result.evidence[0].startswith("7 sessions, 2023-05-01 - 2023-06-12")
    assert result.evidence[1].startswith("crisis psychotherapy, not a course of therapy: 1 session")


def test_group_psychotherapy_counts_unless_the_clinic_says_otherwise() -> None:
    record = meets_all(procedures=sessions("90853", 8))
    assert psychotherapy_result(record).met
    standalone_only = load_policy({"psychotherapy_course_kinds": ["standalone"]})
    assert psychotherapy_result(record, standalone_only).status is CriterionStatus.NOT_ON_RECORD


def test_a_payer_that_states_a_number_is_met_or_not_met_on_it(tmp_path: Path) -> None:
    source = L37086.read_text("utf-8")
    own = source.replace('id = "l37086"', 'id = "clinic-own"').replace(
        'to_confirm = "no improvement after it"\n',
        'to_confirm = "no improvement after it"\nmin_sessions = 12\n',
    )
    path = tmp_path / "own.toml"
    path.write_text(own, "utf-8")
    policy = Policy(payer_criteria_file=str(path))
    assert psychotherapy_result(meets_all(procedures=sessions("90834", 12)), policy).met
    short = psychotherapy_result(meets_all(procedures=sessions("90834", 10)), policy)
    assert short.status is CriterionStatus.NOT_MET
    assert short.evidence[0].endswith("; the policy asks for 12")


def test_to_confirm_is_read_by_the_psychotherapy_kind_only() -> None:
    text = L37086.read_text("utf-8")
    broken = text.replace("min_age = 18\n", 'min_age = 18\nto_confirm = "x"\n')
    with pytest.raises(PayerCriteriaError, match="does not read"):
        parse_rule_set(broken, "test")


# --- the psychotherapy card ---------------------------------------------------------------------


def test_a_crisis_session_keeps_the_cbt_ipt_card_and_names_it() -> None:
    record = f.trd_record(procedures=sessions("90839", 1, date(2024, 3, 4)))
    rec = psychotherapy.rule(ctx(record))
    assert rec is not None
    assert rec.summary.startswith(
        "2 adequate trials failed (sertraline, venlafaxine) and no course of psychotherapy on "
        "record"
    )
    assert "On record: crisis psychotherapy, not a course of therapy: 1 session, 2024-03-04" in (
        rec.detail
    )
    assert "No psychotherapy procedure or referral is on record" not in rec.detail


def test_add_on_sessions_keep_the_card_a_standalone_session_does_not() -> None:
    add_on = f.trd_record(procedures=sessions("90833", 3))
    assert psychotherapy.rule(ctx(add_on)) is not None
    started = f.trd_record(procedures=(*sessions("90833", 3), *sessions("90834", 1)))
    assert psychotherapy.rule(ctx(started)) is None  # a standalone course on record


# --- end to end: a chart as an EHR writes it --------------------------------------------------------


def _chart_with(procedures: list[dict[str, Any]]) -> dict[str, Recommendation]:
    """trd_meets_tms with its eleven 90837 sessions replaced by `procedures`."""
    s = scenarios.trd_meets_tms()
    kept = [
        r
        for r in s.resources
        if not (r["resourceType"] == "Procedure" and r["code"]["coding"][0]["code"] == "90837")
    ]
    assert_valid(procedures)
    record = build_record(
        [*kept, *procedures], as_of=s.as_of, patient_id=s.patient_id, policy=Policy().mapping
    )
    return {r.topic: r for r in patient_view(record, Policy())}


def test_end_to_end_one_crisis_session_neither_meets_the_criterion_nor_hides_the_card() -> None:
    pid = scenarios.trd_meets_tms().patient_id
    crisis = b.procedure(
        b.CPT,
        "90839",
        "Psychotherapy for crisis; first 60 minutes",
        date(2024, 12, 2),
        patient=pid,
        minutes=60,
    )
    found = _chart_with([crisis])
    assert "psychotherapy" in found
    tms = found["tms-referral"].detail
    assert "- **Not on record** · Psychotherapy: crisis psychotherapy, not a course" in tms
    assert "· Psychotherapy (to confirm" not in tms and "· Psychotherapy ·" not in tms
