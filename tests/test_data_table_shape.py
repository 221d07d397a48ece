"""Every data table parses to its header's columns: a row with more cells than the header holds an
unquoted comma, which spills the rest of a source note into `status` (11 rows of
fhir_mapping/data/diagnosis_terms.csv did, read as status " where a use disorder written only in
text was not read at all"). Fewer cells are allowed: trailing optional columns left off."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TABLES = sorted(
    p for folder in ("fhir_mapping/data", "services/data") for p in (ROOT / folder).rglob("*.csv")
)


def test_the_tables_are_found() -> None:
    assert len(TABLES) > 80


@pytest.mark.parametrize("path", TABLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_row_has_more_cells_than_the_header(path: Path) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    wide = [n for n, row in enumerate(rows[1:], start=2) if len(row) > len(header)]
    assert not wide, f"{path.name}: lines {wide[:10]} have more cells than the header"
