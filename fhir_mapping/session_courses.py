"""A drug given in clinic as sessions with no medication record of it: its course read from the
sessions (fix 20 L6 item 2).

Esketamine is given only in a certified clinic (its REMS); its sessions (the MAR's doses,
administrations.py; HCPCS G2082/G2083 Procedures) are the record of it being taken. A clinic
that charts the sessions and writes no MedicationRequest (a nasal spray kept in the clinic, no
fill) left no course: the optimise card named "esketamine ... running since 2025-05-05 (8
sessions so far)" from the sessions, yet recommended "augment or switch class" and scored
augmentation 0, while the same chart with an order read the augmentation as under way. The
sessions now make medication events as an order would (kind STATEMENT: the record says the drug
was given, it is no order and no fill), so the course is built, scored and shown as any other:

- sessions more than MappingPolicy.new_trial_gap_weeks apart start a new course (the episode
  rule for any drug);
- an earlier run is a course that ended on its last session;
- the latest run is `active` with no end: whether it still runs is services/clinic_courses.py's
  one rule (a session within the policy's window), which ends it on its last session otherwise;
- the dose per session is not read from a session (none is judged: esketamine has no mg/day
  range): the course says its dose is not known.

A drug with any order, statement or fill of its own is left to those records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from fhir_mapping.administrations import session_drugs
from fhir_mapping.clinical_records import ProcedureRecord
from fhir_mapping.drug_table import drug_info
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.trial_parts import DoseBasis


def _runs(sessions: Sequence[ProcedureRecord], gap_days: float) -> list[list[ProcedureRecord]]:
    """The dated sessions, oldest first, cut where two are more than `gap_days` apart."""
    runs: list[list[ProcedureRecord]] = []
    for session in sorted(sessions, key=lambda p: p.date or date.min):
        assert session.date is not None
        last = runs[-1][-1].date if runs else None
        if last is None or (session.date - last).days > gap_days:
            runs.append([session])
        else:
            runs[-1].append(session)
    return runs


def session_events(
    procedures: Iterable[ProcedureRecord],
    events: Sequence[MedicationEvent],
    *,
    as_of: date,
    policy: MappingPolicy,
) -> list[MedicationEvent]:
    """The events of the clinic drugs given as sessions up to `as_of` with no medication event
    of their own: one a run of sessions, the latest `active` (see the module's rules)."""
    recorded = {e.ingredient for e in events}
    sessions = [p for p in procedures if p.date is not None and p.date <= as_of]
    found: list[MedicationEvent] = []
    for drug in session_drugs().values():
        info = drug_info(drug.ingredient)
        own = [p for p in sessions if p.kind is drug.kind]
        if drug.ingredient in recorded or info is None or not own:
            continue
        runs = _runs(own, policy.new_trial_gap_weeks * 7)
        for i, run in enumerate(runs):
            latest = i == len(runs) - 1
            first, last = run[0], run[-1]
            assert first.date is not None
            source = last.source or first.source
            if source is None:
                continue
            found.append(
                MedicationEvent(
                    kind=EventKind.STATEMENT,
                    ingredient=info.ingredient,
                    drug_class=info.drug_class,
                    role=info.role,
                    start=first.date,
                    end=None if latest else last.date,
                    mg_per_day=None,  # per session, not read from a session
                    days_supply=None,
                    status="active" if latest else "completed",
                    source=source,
                    dose_basis=DoseBasis.SESSION,
                )
            )
    return found
