"""The chart's blood pressures and pharmacogenomic results, each read with its gaps: moved out of
build.py whole (fix trial74 needed a line there, and build.py was at the 400-line limit)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from fhir_mapping.blood_pressure import read_blood_pressures
from fhir_mapping.pgx import read_pgx
from fhir_mapping.record import BloodPressure, DataGap, PgxResult


def read_vitals_pgx(
    vitals: Sequence[Mapping[str, Any]], pgx: Sequence[Mapping[str, Any]], *, as_of: date
) -> tuple[tuple[BloodPressure, ...], tuple[PgxResult, ...], list[DataGap]]:
    """(blood pressures, pharmacogenomic results, their gaps); none read where none was sent."""
    gaps: list[DataGap] = []
    blood_pressures: tuple[BloodPressure, ...] = ()
    if vitals:
        blood_pressures, vital_gaps = read_blood_pressures(vitals, as_of=as_of)
        gaps.extend(vital_gaps)
    pgx_results: tuple[PgxResult, ...] = ()
    if pgx:
        pgx_results, pgx_gaps = read_pgx(pgx, as_of=as_of)
        gaps.extend(pgx_gaps)
    return blood_pressures, pgx_results, gaps
