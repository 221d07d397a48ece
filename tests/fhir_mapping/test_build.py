"""build_record end to end from FHIR R4 resources, and over every shared Synthea bundle (build.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping import MappingPolicy, PatientRecord, build_record
from fhir_mapping.explain import explain
from fhir_mapping.record import (
    AdherenceStatus,
    DoseSegment,
    FindingKind,
    InadequacyReason,
    Patient,
    Role,
    Score,
    SourceRef,
    Verdict,
)
from tests.fhir_mapping.fhir_resources import (
    ICD10CM,
    assert_valid,
    condition,
    lab,
    medication_dispense,
    medication_request,
    medication_statement,
    patient,
    phq9_panel,
    phq9_total,
)

SYNTHEA = Path(__file__).resolve().parents[2] / ".." / "shared" / "fhir" / "synthea"
AS_OF = date(2025, 3, 1)
VENLAFAXINE_75 = ("313585", "24 HR venlafaxine 75 MG Extended Release Oral Capsule")
VENLAFAXINE_150 = ("313581", "24 HR venlafaxine 150 MG Extended Release Oral Capsule")


def chart() -> list[dict[str, Any]]:
    """Two failed adequate trials (sertraline, venlafaxine) and low-dose trazodone for sleep."""
    resources = [
        patient(),
        condition(
            "mdd",
            ICD10CM,
            "F33.1",
            "Major depressive disorder, recurrent, moderate",
            date(2023, 9, 1),
        ),
        phq9_total("phq-1", date(2023, 9, 20), 19),
        medication_request(
            "sert-1",
            "312941",
            "sertraline 50 MG Oral Tablet",
            date(2023, 10, 1),
            status="completed",
            supply_days=30,
            repeats=1,
        ),
        medication_request(
            "sert-2",
            "312941",
            "sertraline 50 MG Oral Tablet",
            date(2023, 11, 28),
            status="completed",
            dose=2,
            supply_days=30,
            repeats=2,
        ),
        phq9_total("phq-2", date(2024, 2, 10), 17),
        medication_request("venla-1", *VENLAFAXINE_75, date(2024, 2, 20), status="stopped"),
        medication_request(
            "venla-2",
            *VENLAFAXINE_150,
            date(2024, 3, 19),
            status="completed",
            supply_days=30,
            repeats=2,
        ),
        medication_dispense("disp-1", *VENLAFAXINE_150, date(2024, 3, 19), 30, 30),
        medication_dispense("disp-2", *VENLAFAXINE_150, date(2024, 4, 18), 30, 30),
        medication_dispense("disp-3", *VENLAFAXINE_150, date(2024, 5, 18), 30, 30),
        phq9_panel("phq-3", date(2024, 6, 1), total=16, item9_score=1, answer=True),
        medication_statement(
            "traz",
            "856377",
            "trazodone hydrochloride 50 MG Oral Tablet",
            date(2024, 1, 1),
            dose_mg=50,
            sig="50 mg at bedtime for sleep",
        ),
    ]
    wrong = medication_request(
        "fluox-error",
        "310385",
        "fluoxetine 20 MG Oral Capsule",
        date(2024, 1, 5),
        status="entered-in-error",
    )
    later = phq9_total("phq-future", date(2025, 4, 1), 25)
    glucose = lab(
        "glucose",
        "718-7",  # haemoglobin: not read (glucose is, since review 7 finding 4)
        "Hemoglobin [Mass/volume] in Blood",
        date(2024, 5, 1),
        13.5,
        "g/dL",
    )
    other = [
        patient("p-002", birth="1990-01-01", gender="male"),
        condition(
            "other-bipolar",
            ICD10CM,
            "F31.9",
            "Bipolar disorder, unspecified",
            date(2020, 1, 1),
            patient="p-002",
        ),
        medication_request("other-mr", *VENLAFAXINE_150, date(2024, 1, 1), patient="p-002"),
    ]
    everything = [*resources, wrong, later, glucose, *other]
    assert_valid(everything)
    return everything


def build(resources: list[dict[str, Any]], **kw: Any) -> PatientRecord:
    return build_record(resources, as_of=AS_OF, patient_id="p-001", **kw)


def test_end_to_end_trials_scores_and_context() -> None:
    record = build(chart())
    assert record.patient == Patient("p-001", 44, "female")
    sertraline, trazodone, venlafaxine = record.trials

    assert (sertraline.ingredient, sertraline.start, sertraline.end, sertraline.ongoing) == (
        "sertraline",
        date(2023, 10, 1),
        date(2024, 2, 20),
        False,
    )
    # The 100 mg re-order (2 x 50 mg) is a dose change; the switch to venlafaxine cuts its supply.
    assert sertraline.segments == (
        DoseSegment(date(2023, 10, 1), date(2023, 11, 28), 50.0),
        DoseSegment(date(2023, 11, 28), date(2024, 2, 20), 100.0),
    )
    assert sertraline.weeks_at_adequate_dose == pytest.approx(142 / 7)
    assert sertraline.adherence.status is AdherenceStatus.UNVERIFIED
    # The sertraline orders come before the feed's first fill (venlafaxine's): the feed does not
    # show it was carrying fills then, so they count as on an orders-only chart (span73, undoing
    # span70's reading here: feed_coverage.py), the cards naming the feed's first fill.
    assert sertraline.verdict is Verdict.ADEQUATE
    assert sertraline.fills_from.startswith("the fills on record start ")
    assert sertraline.baseline == Score(
        "PHQ-9", 19, date(2023, 9, 20), None, SourceRef("Observation", "phq-1")
    )
    assert sertraline.on_treatment == Score(
        "PHQ-9", 17, date(2024, 2, 10), None, SourceRef("Observation", "phq-2")
    )
    assert (sertraline.response, sertraline.failed) == (False, True)

    assert (trazodone.ingredient, trazodone.verdict, trazodone.ongoing) == (
        "trazodone",
        Verdict.NOT_A_TRIAL,
        True,
    )
    assert trazodone.reasons == (InadequacyReason.LOW_DOSE_OTHER_INDICATION,)

    assert venlafaxine.segments == (
        DoseSegment(date(2024, 2, 20), date(2024, 3, 19), 75.0),
        DoseSegment(date(2024, 3, 19), date(2024, 6, 17), 150.0),
    )
    assert venlafaxine.weeks_at_adequate_dose == pytest.approx(118 / 7)
    assert (venlafaxine.adherence.status, venlafaxine.adherence.pdc) == (
        AdherenceStatus.VERIFIED,
        1.0,
    )
    assert venlafaxine.verdict is Verdict.ADEQUATE
    assert venlafaxine.baseline is not None and venlafaxine.baseline.value == 17
    assert venlafaxine.on_treatment == Score(
        "PHQ-9", 16, date(2024, 6, 1), 1, SourceRef("Observation", "phq-3")
    )
    assert [str(s) for s in venlafaxine.sources] == [
        "MedicationDispense/disp-1",
        "MedicationDispense/disp-2",
        "MedicationDispense/disp-3",
        "MedicationRequest/venla-1",
        "MedicationRequest/venla-2",
    ]
    assert [t.role for t in record.trials] == [Role.ANTIDEPRESSANT] * 3

    assert [s.value for s in record.phq9()] == [19, 17, 16]
    assert record.latest_phq9() == venlafaxine.on_treatment
    assert [(f.kind, f.severity) for f in record.context.findings] == [
        (FindingKind.DEPRESSION, "moderate")
    ]
    assert not record.context.has(FindingKind.BIPOLAR)  # the other patient's diagnosis
    assert record.episode_start == date(2023, 9, 1)
    # 19 resources in; skipped: p-002's three and the glucose. The PHQ-9 dated after as-of and the
    # entered-in-error order are read, then left out by date and status.
    assert record.resources_read == 19
    assert record.resources_skipped == 4


def test_duplicates_count_once_and_latest_version_wins() -> None:
    resources = chart()
    old = phq9_total("phq-2", date(2024, 2, 10), 12)
    old["meta"] = {"versionId": "1", "lastUpdated": "2024-02-10T10:00:00Z"}
    new = phq9_total("phq-2", date(2024, 2, 10), 17)
    new["meta"] = {"versionId": "2", "lastUpdated": "2024-02-11T10:00:00Z"}
    resources = [r for r in resources if r["id"] != "phq-2"]
    record = build([new, *resources, old, *resources])
    assert [s.value for s in record.phq9()] == [19, 17, 16]
    assert record.resources_read == 19
    assert record.trials == build(chart()).trials


def test_as_of_replay_sees_the_chart_as_it_was() -> None:
    resources = chart()
    # The 75 mg order was stopped when the 150 mg re-order replaced it: the server stored the
    # stopped version then (meta.lastUpdated). A stop recorded after the replay date says nothing
    # of that date (episodes.py rule 2g); with no day at all the order would end at as-of.
    (venla_1,) = [r for r in resources if r["id"] == "venla-1"]
    venla_1["meta"] = {"versionId": "2", "lastUpdated": "2024-03-19T09:00:00Z"}
    record = build_record(resources, as_of=date(2024, 3, 1), patient_id="p-001")
    sertraline, trazodone, venlafaxine = record.trials
    # The 150 mg re-order is not yet written: the undated 75 mg order counts its assumed 30 days,
    # which run past the replay date, so the course is still running then.
    assert (venlafaxine.start, venlafaxine.end, venlafaxine.ongoing) == (
        date(2024, 2, 20),
        date(2024, 3, 1),
        True,
    )
    assert venlafaxine.segments == (DoseSegment(date(2024, 2, 20), date(2024, 3, 1), 75.0),)
    assert (venlafaxine.verdict, venlafaxine.reasons) == (Verdict.ONGOING, ())
    assert [s.value for s in record.phq9()] == [19, 17]
    assert (trazodone.end, trazodone.ongoing) == (date(2024, 3, 1), True)


def test_without_patient_id_every_resource_counts_and_policy_applies() -> None:
    mine = [r for r in chart() if "p-002" not in json.dumps(r)]
    record = build_record(mine, as_of=AS_OF, policy=MappingPolicy(min_adequate_weeks=18))
    assert record.patient == Patient("p-001", 44, "female")
    assert [t.verdict for t in record.trials] == [
        Verdict.ADEQUATE,  # before the feed's first fill (span73), as above
        Verdict.NOT_A_TRIAL,
        Verdict.INADEQUATE,
    ]


def test_urn_uuid_references_and_non_resources() -> None:
    pid = "1e557b32-2239-dc72-1a82-316d22d17508"
    cond = condition(
        "c", ICD10CM, "F32.2", "MDD single episode severe", date(2024, 1, 1), patient=pid
    )
    cond["subject"] = {"reference": f"urn:uuid:{pid}"}
    mixed: list[Any] = [patient(pid), cond, "not a resource", {"no": "type"}]
    record = build_record(mixed, as_of=AS_OF, patient_id=pid)
    assert [f.severity for f in record.context.findings] == ["severe"]
    assert (record.resources_read, record.resources_skipped) == (4, 2)


def test_explain_reports_trials_and_why() -> None:
    text = explain(build(chart()))
    assert "   2023-11-28 -> 2024-02-20: 100 mg/day (84 days)" in text
    assert "   weeks at adequate dose: 20.3" in text  # span73, as above
    assert "   adherence: verified, PDC 100%" in text
    assert "   PHQ-9 baseline: 17 on 2024-02-10; on treatment: 16 on 2024-06-01, item 9 = 1" in text
    assert "   verdict: not-a-trial (low-dose-other-indication)" in text
    assert "Current episode start: 2023-09-01" in text


# --- the shared Synthea bundles ----------------------------------------------------------------------


def _bundles() -> list[Path]:
    return sorted(SYNTHEA.glob("**/*.json")) if SYNTHEA.is_dir() else []


def _entries(path: Path) -> list[dict[str, Any]]:
    bundle = json.loads(path.read_text("utf-8"))
    return [
        e["resource"] for e in bundle.get("entry", []) if isinstance(e, dict) and "resource" in e
    ]


@pytest.mark.skipif(not _bundles(), reason="../shared/fhir/synthea is not available")
def test_every_synthea_bundle_builds_a_record() -> None:
    built = 0
    for path in _bundles():
        resources = _entries(path)
        patients = [r["id"] for r in resources if r["resourceType"] == "Patient"]
        record = build_record(
            resources, as_of=date(2025, 8, 1), patient_id=patients[0] if patients else None
        )
        assert record.resources_read == len({(r["resourceType"], r["id"]) for r in resources}), (
            path.name
        )
        explain(record)
        built += 1
    assert built == 34


def _record_of(name: str) -> PatientRecord:
    (path,) = [p for p in _bundles() if p.name.startswith(name)]
    resources = _entries(path)
    pid = next(r["id"] for r in resources if r["resourceType"] == "Patient")
    return build_record(resources, as_of=date(2025, 8, 1), patient_id=pid)


@pytest.mark.skipif(not _bundles(), reason="../shared/fhir/synthea is not available")
@pytest.mark.parametrize(
    ("name", "ingredient", "mg", "start", "ongoing"),
    [
        # FLUoxetine 20 MG Oral Capsule x 1 daily (2025 set, SCD 310385).
        ("1e557b32", "fluoxetine", 20.0, date(1986, 7, 25), True),
        # Synthea 2019 legacy codes: 406022 "Fluoxetine 25MG", 328670 "Sertraline 100MG".
        ("Milan_Beatty", "fluoxetine", 25.0, date(1993, 1, 9), True),
        # Recorded deceased 2012-07-31, nothing after it: the course ends there (s21 RN 2).
        ("Sherman_McGlynn", "fluoxetine", 25.0, date(1955, 11, 22), False),
        ("Eliseo_Cummings", "sertraline", 100.0, date(2015, 7, 3), True),
    ],
)
def test_synthea_courses_have_the_dose_their_product_names_say(
    name: str, ingredient: str, mg: float, start: date, ongoing: bool
) -> None:
    record = _record_of(name)
    (trial,) = record.antidepressant_trials()
    assert (trial.ingredient, trial.start, trial.ongoing) == (ingredient, start, ongoing)
    if not ongoing:
        assert trial.end == date(2012, 7, 31) and record.patient.death_doubted_by is None
    assert {s.mg_per_day for s in trial.segments} == {mg}
    assert trial.verdict is Verdict.ADEQUATE
    assert trial.adherence.status is AdherenceStatus.UNVERIFIED


@pytest.mark.skipif(not _bundles(), reason="../shared/fhir/synthea is not available")
def test_synthea_sertraline_without_dosage_is_dose_unknown() -> None:
    # 9a9d35d9: "Sertraline 100 MG Oral Tablet" ordered for PTSD with no dosageInstruction at all.
    record = _record_of("9a9d35d9")
    # The chart's clopidogrel and ibuprofen are read too (bleeding beside an SSRI: review 12
    # finding 6), as interacting drugs, never pathway trials.
    (trial,) = record.antidepressant_trials()
    assert {s.mg_per_day for s in trial.segments} == {None}
    assert (trial.verdict, trial.reasons) == (Verdict.ONGOING, (InadequacyReason.DOSE_UNKNOWN,))


def test_the_mapping_runs_no_model_validation() -> None:
    from fhir_mapping import conformance

    unrelated = [
        lab(
            "never-glucose",
            "718-7",  # haemoglobin: not read (glucose is, since review 7 finding 4)
            "Hemoglobin [Mass/volume] in Blood",
            date(2024, 5, 1),
            13.5,
            "g/dL",
        ),
        condition(
            "never-htn", "http://snomed.info/sct", "38341003", "Hypertension", date(2019, 3, 1)
        ),
        {"resourceType": "Encounter", "id": "never-enc", "status": "finished"},
    ]
    before = conformance.validations
    record = build_record(unrelated, as_of=AS_OF, patient_id="p-001")
    assert conformance.validations == before
    assert (record.resources_read, record.resources_skipped) == (3, 3)


def test_draft_orders_reach_the_record() -> None:
    draft = medication_request("draft-1", *VENLAFAXINE_150, AS_OF, status="draft")
    record = build(chart(), draft_orders=[draft])
    assert [(d.id, d.ingredient, d.mg_per_day) for d in record.draft_orders] == [
        ("draft-1", "venlafaxine", 150.0)
    ]
    # A draft is no part of the history: the trials are those of the chart alone.
    assert record.trials == build(chart()).trials
