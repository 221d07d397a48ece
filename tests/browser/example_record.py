"""A realistic treatment history, built by hand, for the browser test and docs/timeline.png.

A 46-year-old woman with recurrent major depression, as of 14 March 2025: sertraline titrated to
150 mg (adequate, no response), venlafaxine started low and pushed to 150 mg with a long refill gap
(inadequate: poor adherence), escitalopram 10 -> 20 mg (adequate, current) with aripiprazole added
then stopped, twelve weekly CBT sessions, and monthly PHQ-9 scores with one positive item 9.
Doses and ranges follow CANMAT 2023 Table 3.3 / 7.2 as carried in the project's drug table.

Its builders (`trial`, `phq9_scores`) build tests/services/test_timeline.py's records too.
"""

from __future__ import annotations

from collections.abc import Iterable
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


# -- builders, shared with tests/services/test_timeline.py ----------------------------------------


def phq9_scores(rows: Iterable[tuple[date, int | None, int | None]]) -> tuple[Score, ...]:
    """PHQ-9 results from (date, total, item 9) rows."""
    return tuple(Score("PHQ-9", value, day, item9=item9) for day, value, item9 in rows)


def trial(
    ingredient: str,
    drug_class: str,
    role: Role,
    segments: tuple[tuple[date, date, float | None], ...],
    *,
    min_mg: float | None,
    max_mg: float | None,
    verdict: Verdict = Verdict.ADEQUATE,
    reasons: tuple[InadequacyReason, ...] = (),
    adherence: Adherence | None = None,
    ongoing: bool = False,
    weeks: float = 8.0,
    baseline: Score | None = None,
    on_treatment: Score | None = None,
    notes: tuple[str, ...] = (),
) -> Trial:
    """A trial from its dose steps (start, end, mg/day), running from the first step's start to
    the last one's end; adherence verified (PDC 92 %) unless given."""
    return Trial(
        ingredient=ingredient,
        drug_class=drug_class,
        role=role,
        start=segments[0][0],
        end=segments[-1][1],
        ongoing=ongoing,
        segments=tuple(DoseSegment(start, end, mg) for start, end, mg in segments),
        min_adequate_mg=min_mg,
        max_mg=max_mg,
        weeks_at_adequate_dose=weeks,
        adherence=adherence or Adherence(AdherenceStatus.VERIFIED, pdc=0.92),
        verdict=verdict,
        reasons=reasons,
        baseline=baseline,
        on_treatment=on_treatment,
        notes=notes,
    )


# -- the example ----------------------------------------------------------------------------------


def example_record() -> PatientRecord:
    scores = phq9_scores(PHQ9)
    by_date = {s.date: s for s in scores}
    sertraline = trial(
        "sertraline",
        "SSRI",
        Role.ANTIDEPRESSANT,
        (
            (date(2023, 6, 5), date(2023, 7, 3), 50.0),
            (date(2023, 7, 3), date(2023, 8, 28), 100.0),
            (date(2023, 8, 28), date(2023, 10, 30), 150.0),
        ),
        min_mg=50.0,
        max_mg=200.0,
        weeks=21.0,
        adherence=Adherence(status=AdherenceStatus.VERIFIED, pdc=0.94),
        baseline=by_date[date(2023, 5, 30)],
        on_treatment=by_date[date(2023, 10, 23)],
    )
    venlafaxine = trial(
        "venlafaxine",
        "SNRI",
        Role.ANTIDEPRESSANT,
        (
            (date(2023, 10, 30), date(2023, 11, 27), 37.5),
            (date(2023, 11, 27), date(2023, 12, 26), 75.0),
            (date(2023, 12, 26), date(2024, 6, 24), 150.0),
        ),
        min_mg=75.0,
        max_mg=225.0,
        weeks=12.0,
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
    escitalopram = trial(
        "escitalopram",
        "SSRI",
        Role.ANTIDEPRESSANT,
        (
            (date(2024, 6, 24), date(2024, 7, 22), 10.0),
            (date(2024, 7, 22), date(2025, 3, 14), 20.0),
        ),
        min_mg=10.0,
        max_mg=20.0,
        ongoing=True,
        weeks=37.6,
        adherence=Adherence(status=AdherenceStatus.VERIFIED, pdc=0.91),
        baseline=by_date[date(2024, 6, 17)],
        on_treatment=by_date[date(2025, 3, 3)],
    )
    aripiprazole = trial(
        "aripiprazole",
        "antipsychotic",
        Role.AUGMENTATION,
        (
            (date(2024, 10, 7), date(2024, 10, 28), 2.0),
            (date(2024, 10, 28), date(2024, 12, 16), 5.0),
        ),
        min_mg=2.0,
        max_mg=15.0,
        weeks=10.0,
        adherence=Adherence(status=AdherenceStatus.UNVERIFIED),
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
