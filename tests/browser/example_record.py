"""A realistic treatment history, built by hand, for the browser test and docs/timeline.png.

A 46-year-old woman with recurrent major depression, as of 14 March 2025: sertraline titrated to
150 mg (adequate, no response), venlafaxine started low and pushed to 150 mg with a long refill gap
(inadequate: poor adherence), escitalopram 10 -> 20 mg (adequate, current) with aripiprazole added
then stopped, twelve weekly CBT sessions, and monthly PHQ-9 scores with one positive item 9.
Doses and ranges follow CANMAT 2023 Table 3.3 / 7.2 as carried in the project's drug table.
"""

from __future__ import annotations

from datetime import date

from fhir_mapping.record import (
    Adherence,
    AdherenceStatus,
    DoseSegment,
    InadequacyReason,
    Patient,
    PatientRecord,
    ProcedureKind,
    ProcedureRecord,
    RefillGap,
    Role,
    Score,
    Trial,
    Verdict,
)

PHQ9 = (
    (date(2023, 5, 30), 19, 1),
    (date(2023, 7, 3), 18, 0),
    (date(2023, 8, 28), 16, 0),
    (date(2023, 10, 23), 15, 0),
    (date(2023, 12, 11), 16, 0),
    (date(2024, 1, 22), 17, 0),
    (date(2024, 3, 18), 21, 2),
    (date(2024, 5, 13), 18, 0),
    (date(2024, 6, 17), 17, 0),
    (date(2024, 8, 12), 15, 0),
    (date(2024, 10, 1), 14, 0),
    (date(2024, 11, 18), 15, 0),
    (date(2025, 1, 13), 14, 0),
    (date(2025, 3, 3), 16, 0),
)


def _score(day: date, value: int, item9: int) -> Score:
    return Score(instrument="PHQ-9", value=value, date=day, item9=item9)


def example_record() -> PatientRecord:
    scores = tuple(_score(*row) for row in PHQ9)
    by_date = {s.date: s for s in scores}
    sertraline = Trial(
        ingredient="sertraline",
        drug_class="SSRI",
        role=Role.ANTIDEPRESSANT,
        start=date(2023, 6, 5),
        end=date(2023, 10, 30),
        ongoing=False,
        segments=(
            DoseSegment(date(2023, 6, 5), date(2023, 7, 3), 50.0),
            DoseSegment(date(2023, 7, 3), date(2023, 8, 28), 100.0),
            DoseSegment(date(2023, 8, 28), date(2023, 10, 30), 150.0),
        ),
        min_adequate_mg=50.0,
        max_mg=200.0,
        weeks_at_adequate_dose=21.0,
        adherence=Adherence(status=AdherenceStatus.VERIFIED, pdc=0.94),
        verdict=Verdict.ADEQUATE,
        baseline=by_date[date(2023, 5, 30)],
        on_treatment=by_date[date(2023, 10, 23)],
    )
    venlafaxine = Trial(
        ingredient="venlafaxine",
        drug_class="SNRI",
        role=Role.ANTIDEPRESSANT,
        start=date(2023, 10, 30),
        end=date(2024, 6, 24),
        ongoing=False,
        segments=(
            DoseSegment(date(2023, 10, 30), date(2023, 11, 27), 37.5),
            DoseSegment(date(2023, 11, 27), date(2023, 12, 26), 75.0),
            DoseSegment(date(2023, 12, 26), date(2024, 6, 24), 150.0),
        ),
        min_adequate_mg=75.0,
        max_mg=225.0,
        weeks_at_adequate_dose=12.0,
        adherence=Adherence(
            status=AdherenceStatus.POOR,
            pdc=0.58,
            refill_gaps=(RefillGap(date(2024, 1, 29), date(2024, 5, 13)),),
        ),
        verdict=Verdict.INADEQUATE,
        reasons=(InadequacyReason.POOR_ADHERENCE,),
        baseline=by_date[date(2023, 10, 23)],
        on_treatment=by_date[date(2024, 6, 17)],
    )
    escitalopram = Trial(
        ingredient="escitalopram",
        drug_class="SSRI",
        role=Role.ANTIDEPRESSANT,
        start=date(2024, 6, 24),
        end=date(2025, 3, 14),
        ongoing=True,
        segments=(
            DoseSegment(date(2024, 6, 24), date(2024, 7, 22), 10.0),
            DoseSegment(date(2024, 7, 22), date(2025, 3, 14), 20.0),
        ),
        min_adequate_mg=10.0,
        max_mg=20.0,
        weeks_at_adequate_dose=37.6,
        adherence=Adherence(status=AdherenceStatus.VERIFIED, pdc=0.91),
        verdict=Verdict.ADEQUATE,
        baseline=by_date[date(2024, 6, 17)],
        on_treatment=by_date[date(2025, 3, 3)],
    )
    aripiprazole = Trial(
        ingredient="aripiprazole",
        drug_class="antipsychotic",
        role=Role.AUGMENTATION,
        start=date(2024, 10, 7),
        end=date(2024, 12, 16),
        ongoing=False,
        segments=(
            DoseSegment(date(2024, 10, 7), date(2024, 10, 28), 2.0),
            DoseSegment(date(2024, 10, 28), date(2024, 12, 16), 5.0),
        ),
        min_adequate_mg=2.0,
        max_mg=15.0,
        weeks_at_adequate_dose=10.0,
        adherence=Adherence(status=AdherenceStatus.UNVERIFIED),
        verdict=Verdict.ADEQUATE,
        baseline=by_date[date(2024, 10, 1)],
        on_treatment=by_date[date(2025, 1, 13)],
        notes=("stopped for akathisia",),
    )
    cbt = tuple(
        ProcedureRecord(
            kind=ProcedureKind.PSYCHOTHERAPY,
            code="90837",
            system="http://www.ama-assn.org/go/cpt",
            date=date.fromordinal(date(2023, 7, 10).toordinal() + 7 * week),
        )
        for week in range(12)
    )
    return PatientRecord(
        patient=Patient(id="example", age=46, sex="female"),
        as_of=date(2025, 3, 14),
        trials=(sertraline, venlafaxine, escitalopram, aripiprazole),
        scores=scores,
        procedures=cbt,
        episode_start=date(2023, 4, 1),
    )
