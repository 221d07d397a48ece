"""Hand-built domain records for the decision-service tests (no FHIR, no mapping).

Defaults describe an adult with MDD whose sertraline trial was adequate and failed; every helper
takes keyword overrides so a test states only what it is about.
"""

from __future__ import annotations

from datetime import date, timedelta

from fhir_mapping.drug_table import DrugInfo
from fhir_mapping.record import (
    Adherence,
    AdherenceStatus,
    ClinicalContext,
    DoseSegment,
    DraftOrder,
    Finding,
    FindingKind,
    InadequacyReason,
    LabResult,
    Patient,
    PatientRecord,
    ProcedureKind,
    ProcedureRecord,
    Referral,
    Role,
    Score,
    SourceRef,
    Trial,
    Verdict,
)

AS_OF = date(2024, 6, 3)
EPISODE_START = date(2023, 1, 2)
SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"

_score_ids = iter(range(1, 10_000))


def score(value: int | None, on: date, *, item9: int | None = None) -> Score:
    return Score(
        instrument="PHQ-9",
        value=value,
        date=on,
        item9=item9,
        source=SourceRef("Observation", f"phq9-{next(_score_ids)}"),
    )


def trial(
    ingredient: str = "sertraline",
    drug_class: str = "SSRI",
    *,
    start: date = date(2023, 1, 9),
    weeks: float = 10,
    mg: float | None = 150,
    doses: tuple[float | None, ...] | None = None,
    min_mg: float | None = 50,
    max_mg: float | None = 200,
    verdict: Verdict = Verdict.ADEQUATE,
    reasons: tuple[InadequacyReason, ...] = (),
    baseline: int | None = 19,
    after: int | None = 17,
    ongoing: bool = False,
    adherence: Adherence | None = None,
    role: Role = Role.ANTIDEPRESSANT,
    weeks_adequate: float | None = None,
) -> Trial:
    end = AS_OF if ongoing else start + timedelta(weeks=weeks)
    dose_list = doses if doses is not None else (mg,)
    step = (end - start) / len(dose_list)
    segments = tuple(
        DoseSegment(start=start + step * i, end=start + step * (i + 1), mg_per_day=d)
        for i, d in enumerate(dose_list)
    )
    return Trial(
        ingredient=ingredient,
        drug_class=drug_class,
        role=role,
        start=start,
        end=end,
        ongoing=ongoing,
        segments=segments,
        min_adequate_mg=min_mg,
        max_mg=max_mg,
        weeks_at_adequate_dose=weeks if weeks_adequate is None else weeks_adequate,
        adherence=adherence or Adherence(AdherenceStatus.VERIFIED, pdc=0.93),
        verdict=verdict,
        reasons=reasons,
        baseline=score(baseline, start - timedelta(days=3)) if baseline is not None else None,
        on_treatment=score(after, end - timedelta(days=2)) if after is not None else None,
        sources=(SourceRef("MedicationRequest", f"mr-{ingredient}-{start.isoformat()}"),),
    )


def sertraline_failed(**kw: object) -> Trial:
    args: dict[str, object] = {"start": date(2023, 1, 9)}
    args.update(kw)
    return trial("sertraline", "SSRI", **args)  # type: ignore[arg-type]


def venlafaxine_failed(**kw: object) -> Trial:
    args: dict[str, object] = {
        "start": date(2023, 4, 3),
        "mg": 225,
        "min_mg": 75,
        "max_mg": 225,
        "baseline": 18,
        "after": 17,
    }
    args.update(kw)
    return trial("venlafaxine", "SNRI", **args)  # type: ignore[arg-type]


def finding(
    kind: FindingKind,
    *,
    code: str = "370143000",
    display: str | None = None,
    onset: date | None = date(2022, 12, 1),
    rid: str | None = None,
    system: str = SNOMED,
) -> Finding:
    return Finding(
        kind=kind,
        code=code,
        system=system,
        display=display or kind.value.replace("-", " ").capitalize(),
        onset=onset,
        source=SourceRef("Condition", rid or f"cond-{kind.value}"),
    )


def mdd(**kw: object) -> Finding:
    args: dict[str, object] = {
        "code": "370143000",
        "display": "Major depressive disorder",
        "rid": "mdd-1",
    }
    args.update(kw)
    return finding(FindingKind.DEPRESSION, **args)  # type: ignore[arg-type]


def lab(
    test: str, value: float, on: date, *, flag: str | None = "normal", unit: str = "mIU/L"
) -> LabResult:
    return LabResult(
        test=test,
        value=value,
        unit=unit,
        date=on,
        flag=flag,
        source=SourceRef("Observation", f"lab-{test}"),
    )


def procedure(kind: ProcedureKind, on: date | None, code: str = "90870") -> ProcedureRecord:
    return ProcedureRecord(kind=kind, code=code, system="http://www.ama-assn.org/go/cpt", date=on)


def referral(
    kind: str, status: str = "active", authored: date | None = date(2024, 5, 1)
) -> Referral:
    return Referral(
        kind=kind,
        status=status,
        authored=authored,
        source=SourceRef("ServiceRequest", f"sr-{kind}"),
    )


def draft(
    ingredient: str = "escitalopram",
    drug_class: str = "SSRI",
    *,
    mg: float | None = 10,
    min_mg: float | None = 10,
    max_mg: float | None = 20,
    rid: str = "draft-1",
    role: Role = Role.ANTIDEPRESSANT,
) -> DraftOrder:
    return DraftOrder(
        id=rid,
        ingredient=ingredient,
        drug_class=drug_class,
        role=role,
        mg_per_day=mg,
        min_adequate_mg=min_mg,
        max_mg=max_mg,
        source=SourceRef("MedicationRequest", rid),
    )


def record(
    *,
    trials: tuple[Trial, ...] = (),
    scores: tuple[Score, ...] = (),
    findings: tuple[Finding, ...] = (),
    labs: tuple[LabResult, ...] = (),
    procedures: tuple[ProcedureRecord, ...] = (),
    referrals: tuple[Referral, ...] = (),
    draft_orders: tuple[DraftOrder, ...] = (),
    episode_start: date | None = EPISODE_START,
    patient_id: str | None = "p1",
    as_of: date = AS_OF,
) -> PatientRecord:
    return PatientRecord(
        patient=Patient(id=patient_id, age=45, sex="female"),
        as_of=as_of,
        trials=trials,
        scores=scores,
        context=ClinicalContext(findings=findings, labs=labs),
        procedures=procedures,
        referrals=referrals,
        draft_orders=draft_orders,
        episode_start=episode_start,
    )


def trd_record(**overrides: object) -> PatientRecord:
    """MDD, sertraline then venlafaxine failed adequately, now on nothing new; PHQ-9 17."""
    args: dict[str, object] = {
        "trials": (sertraline_failed(), venlafaxine_failed()),
        "scores": (score(17, date(2024, 5, 20)),),
        "findings": (mdd(),),
        "labs": (lab("tsh", 2.1, date(2024, 1, 10)),),
        "procedures": (procedure(ProcedureKind.PSYCHOTHERAPY, date(2023, 6, 1), code="90834"),),
    }
    args.update(overrides)
    return record(**args)  # type: ignore[arg-type]


# A small drug table in the shape of fhir_mapping.drug_table (values from
# ../shared/clinical/antidepressants.csv and augmentation_agents.csv / code_verification.csv).
FAKE_DRUGS: tuple[DrugInfo, ...] = tuple(
    DrugInfo(
        ingredient=name,
        drug_class=cls,
        role=role,
        rxcui=rxcui,
        atc=None,
        min_adequate_mg=lo,
        max_mg=hi,
        canmat_line=line,
        low_dose_use=low,
        source="test table",
        status="confirmed",
    )
    for name, cls, role, rxcui, lo, hi, line, low in (
        ("sertraline", "SSRI", Role.ANTIDEPRESSANT, "36437", 50, 200, "1st", None),
        ("escitalopram", "SSRI", Role.ANTIDEPRESSANT, "321988", 10, 20, "1st", None),
        ("fluoxetine", "SSRI", Role.ANTIDEPRESSANT, "4493", 20, 60, "1st", None),
        ("venlafaxine", "SNRI", Role.ANTIDEPRESSANT, "39786", 75, 225, "1st", None),
        ("duloxetine", "SNRI", Role.ANTIDEPRESSANT, "72625", 60, 120, "1st", None),
        ("bupropion", "NDRI", Role.ANTIDEPRESSANT, "42347", 150, 450, "1st", None),
        ("mirtazapine", "NaSSA", Role.ANTIDEPRESSANT, "15996", 30, 60, "1st", None),
        ("trazodone", "SARI", Role.ANTIDEPRESSANT, "10737", 150, 400, "2nd", "insomnia"),
        ("nortriptyline", "TCA", Role.ANTIDEPRESSANT, "7531", 75, 150, "2nd", None),
        ("aripiprazole", "SDAM", Role.AUGMENTATION, "89013", 2, 10, "1st", None),
        ("brexpiprazole", "SDAM", Role.AUGMENTATION, "1658314", 0.5, 2, "1st", None),
        ("quetiapine", "atypical antipsychotic", Role.AUGMENTATION, "51272", 150, 300, "2nd", None),
        ("lithium", "mood stabiliser", Role.AUGMENTATION, "42351", 600, 1200, "2nd", None),
    )
)


def fake_drug_info(ingredient: str) -> DrugInfo | None:
    return next((d for d in FAKE_DRUGS if d.ingredient == ingredient.lower()), None)


def fake_all_drugs() -> tuple[DrugInfo, ...]:
    return FAKE_DRUGS
