"""Psychotherapy (type, dates, sessions) and earlier neuromodulation (TMS, ECT), from the
procedures and referrals on record."""

from __future__ import annotations

from datetime import date

from fhir_mapping.clinical_codes import procedure_codes
from fhir_mapping.record import DataDomain, PatientRecord, ProcedureKind, ProcedureRecord
from services.packet.html import bullets, section_open, table, text
from services.packet.wording import code_text, maybe_day, plural, span_text

# The sections' openings, built once (issue 14, speed).
_THERAPY = section_open("psychotherapy", "Psychotherapy")
_NEUROMODULATION = section_open("neuromodulation", "Earlier TMS and ECT")
# Compared per procedure: module constants (issue 14: an Enum member read off its class costs
# about ten globals on Python 3.11).
_PSYCHOTHERAPY = ProcedureKind.PSYCHOTHERAPY
_NEUROMODULATION_KINDS = ((ProcedureKind.TMS, "TMS"), (ProcedureKind.ECT, "ECT"))


def _type_text(procedure: ProcedureRecord) -> str:
    row = procedure_codes().get((procedure.system, procedure.code))
    name = row.display if row is not None else "type not named by the code table"
    code = code_text(procedure.system, procedure.code)
    return f"{name} ({code})" if code else name


def _grouped(procedures: list[ProcedureRecord]) -> list[tuple[str, list[date], int]]:
    """(type, dated sessions oldest first, undated sessions) per code, first session first."""
    groups: dict[str, tuple[list[date], list[ProcedureRecord]]] = {}
    names: dict[tuple[str, str], str] = {}  # _type_text reads the code only: once per code
    for p in procedures:
        code = (p.system, p.code)
        name = names.get(code)
        if name is None:
            name = names[code] = _type_text(p)
        dated, undated = groups.setdefault(name, ([], []))
        if p.date is None:
            undated.append(p)
        else:
            dated.append(p.date)
    out = [(name, sorted(dated), len(undated)) for name, (dated, undated) in groups.items()]
    return sorted(out, key=lambda g: (not g[1], g[1][0] if g[1] else date.max))


def _sessions(dated: list[date], undated: int) -> str:
    count = plural(len(dated) + undated, "session")
    return f"{count} ({undated} undated)" if undated else count


def _referral_lines(record: PatientRecord, kind: str, name: str) -> list[str]:
    return [
        f"{name} referral: {r.status}, {maybe_day(r.authored, 'date not recorded')}"
        + (f" ({r.source})" if r.source else "")
        for r in record.referrals
        if r.kind == kind
    ]


def _absence(record: PatientRecord, what: str) -> str:
    if not record.gaps:  # every list read (most charts): nothing to tell apart (issue 14)
        return f"{what}: none on record."
    if record.unavailable(DataDomain.PROCEDURES):
        return f"{what}: the procedure list was not available, so this could not be checked."
    if record.incomplete(DataDomain.PROCEDURES):
        return f"{what}: none in the procedures that could be read (the list is incomplete)."
    return f"{what}: none on record."


def therapy_section(record: PatientRecord) -> str:
    parts = [_THERAPY]
    sessions = [p for p in record.procedures if p.kind is _PSYCHOTHERAPY]
    if sessions:
        rows = [
            (name, span_text(dated[0], dated[-1]) if dated else "undated", _sessions(dated, n))
            for name, dated, n in _grouped(sessions)
        ]
        parts.append(
            table(
                ("Type", "Dates", "Sessions"),
                rows,
                caption="Psychotherapy sessions by type",
                cls="therapy",
            )
        )
    else:
        parts.append(text("p", _absence(record, "Psychotherapy sessions"), cls="empty"))
    referrals = _referral_lines(record, "psychotherapy", "Psychotherapy")
    if referrals:
        parts.append(bullets(referrals, cls="lines"))
    parts.append("</section>")
    return "".join(parts)


def neuromodulation_section(record: PatientRecord) -> str:
    """Earlier TMS and ECT: a payer asks about a prior TMS course (retreatment) and ECT."""
    lines: list[str] = []
    for kind, name in _NEUROMODULATION_KINDS:
        done = [p for p in record.procedures if p.kind is kind]
        if done:
            dated = sorted(p.date for p in done if p.date is not None)
            undated = len(done) - len(dated)
            when = f", {span_text(dated[0], dated[-1])}" if dated else ""
            lines.append(f"{name}: {_sessions(dated, undated)}{when}")
        else:
            lines.append(_absence(record, name))
        lines += _referral_lines(record, kind, name)  # a StrEnum: equal to its value
    return f"{_NEUROMODULATION}{bullets(lines, cls='lines')}</section>"
