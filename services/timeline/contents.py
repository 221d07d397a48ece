"""What of a PatientRecord is drawn: which trials in which order, which procedures, which dates."""

from __future__ import annotations

from datetime import date

from fhir_mapping.record import PatientRecord, ProcedureKind, ProcedureRecord, Role, Score, Trial

# Depression treatments get a row; CPAP is on the record for the sleep-apnoea review, not here.
PROCEDURE_ROWS: tuple[tuple[ProcedureKind, str], ...] = (
    (ProcedureKind.TMS, "TMS"),
    (ProcedureKind.ECT, "ECT"),
    (ProcedureKind.PSYCHOTHERAPY, "Psychotherapy"),
)


def item9_positive(score: Score) -> bool:
    # Any answer above "not at all" (0) on item 9 is a positive screen for thoughts of self-harm.
    return score.item9 is not None and score.item9 >= 1


def drawn_trials(record: PatientRecord) -> tuple[Trial, ...]:
    """The pathway's courses: a drug read only for its interactions (Role.INTERACTING: lisinopril,
    linezolid) is never a trial, so it gets no lane, verdict or dates on the axis, as `explain`
    lists it apart (review s20 R4 item 7: lisinopril was drawn "Ongoing, not yet adequate")."""
    return tuple(t for t in record.trials if t.role is not Role.INTERACTING)


def ordered_trials(record: PatientRecord) -> tuple[Trial, ...]:
    """Antidepressants first, then augmentation, each by start date."""
    rank = {Role.ANTIDEPRESSANT: 0, Role.AUGMENTATION: 1}
    return tuple(sorted(drawn_trials(record), key=lambda t: (rank.get(t.role, 2), t.start, t.end)))


def treatment_procedures(record: PatientRecord) -> tuple[ProcedureRecord, ...]:
    kinds = {kind for kind, _ in PROCEDURE_ROWS}
    return tuple(p for p in record.procedures if p.kind in kinds)


def event_dates(record: PatientRecord) -> list[date]:
    dates: list[date] = []
    for trial in drawn_trials(record):
        dates.extend((trial.start, trial.end))
    dates.extend(s.date for s in record.phq9())
    dates.extend(p.date for p in treatment_procedures(record) if p.date is not None)
    return dates
