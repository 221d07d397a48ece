"""Code-table look-ups made cheaper in speed round 6 (issue 14) read as the plain readings.

- A psychotherapy session's kind is looked up by its system as written before the canonical one:
  it must be the kind the canonical look-up alone gives, for every code of the table written
  under each alias of its system, for unknown codes and systems, and for an empty system.
- is_maoi asks a set of the MAOI rows' names: it must answer what the table's row says, for every
  ingredient of the table in any case, and for names the table does not hold.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from fhir_mapping.clinical_codes import procedure_codes
from fhir_mapping.code_systems import canonical_system, known_systems
from fhir_mapping.record import ProcedureKind, ProcedureRecord
from services.policy import Policy
from services.psychotherapy_sessions import (
    UNCODED_KIND,
    PsychotherapySessions,
    psychotherapy_sessions,
    session_kind,
)
from services.washout_table import is_maoi, table
from tests.services import factories as f


def _plain_kind(procedure: ProcedureRecord) -> str:
    row = procedure_codes().get((canonical_system(procedure.system), procedure.code))
    return (row.psychotherapy_kind if row is not None else "") or UNCODED_KIND


def _session(system: str, code: str, day: int = 1) -> ProcedureRecord:
    return ProcedureRecord(
        kind=ProcedureKind.PSYCHOTHERAPY, code=code, system=system, date=date(2024, 6, day)
    )


def test_session_kind_by_the_system_as_written_is_the_canonical_reading() -> None:
    aliases = known_systems()
    sessions = []
    for table_system, code in procedure_codes():
        # The table is keyed by canonical systems: read as written, each is itself.
        assert canonical_system(table_system) == table_system
        spellings = [alias for alias, canonical in aliases.items() if canonical == table_system]
        for system in {table_system, *spellings}:
            sessions.append(_session(system, code))
        sessions.append(_session(table_system, code + "0"))  # not in the table
    sessions += [_session("", "90837"), _session("http://example.org/local", "90837")]
    kinds: Counter[str] = Counter()
    for session in sessions:
        assert session_kind(session) == _plain_kind(session), session
        kinds[session_kind(session)] += 1
    assert {"standalone", "group", "add-on", "crisis"} <= set(kinds), kinds
    assert any(s.system.startswith("urn:oid:") and _plain_kind(s) != UNCODED_KIND for s in sessions)


def test_sessions_split_by_kind_as_each_session_reads_alone() -> None:
    cpt, oid = "http://www.ama-assn.org/go/cpt", "urn:oid:2.16.840.1.113883.6.12"
    sessions = (
        _session(cpt, "90837", 3),
        _session(oid, "90839", 2),  # crisis, under the CPT OID
        _session(cpt, "90833", 5),  # add-on
        _session(oid, "90853", 4),  # group
        _session("", "90834", 1),
    )
    policy = Policy()
    found = psychotherapy_sessions(f.record(procedures=sessions), policy)
    ordered = sorted(sessions, key=lambda p: p.date or date.min)
    wanted = policy.psychotherapy_course_kinds
    kinds = [_plain_kind(p) for p in ordered]
    assert found == PsychotherapySessions(
        course=tuple(p for p, k in zip(ordered, kinds, strict=True) if k in wanted),
        other=tuple(p for p, k in zip(ordered, kinds, strict=True) if k not in wanted),
        other_kinds=tuple(dict.fromkeys(k for k in kinds if k not in wanted)),
    )
    assert found.other_kinds == ("crisis", "add-on")


def test_is_maoi_is_the_table_rows_answer() -> None:
    names = list(table()) + ["sertraline", "unknown drug", "", "maoi", "Phenelzine Sulfate"]
    answered: Counter[bool] = Counter()
    for name in names:
        for spelled in (name, name.upper(), name.title()):
            row = table().get(spelled.lower())
            assert is_maoi(spelled) is (row is not None and row.is_maoi), spelled
            answered[is_maoi(spelled)] += 1
    assert answered[True] >= 3 * 5 and answered[False] >= 3 * 5, answered
