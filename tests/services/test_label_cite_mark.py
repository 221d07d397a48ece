"""A renal or hepatic label row not read in the current label is cited with the shared
UNVERIFIED mark every card writes (pathway_options.unverified_mark: " (UNVERIFIED)"), not with a
wording of its own (", UNVERIFIED: not read in the current label")."""

from __future__ import annotations

from services import hepatic_doses, label_columns, renal_table
from services.pathway_options import unverified_mark


def test_unverified_renal_row_cites_with_the_shared_mark() -> None:
    row = next(r for r in renal_table.rows() if r.status == "UNVERIFIED")
    assert label_columns.cite(row) == f"{row.cite}{unverified_mark('UNVERIFIED')}"
    assert label_columns.cite(row).endswith(" (UNVERIFIED)")
    assert "not read in the current label" not in label_columns.cite(row)


def test_unverified_hepatic_row_cites_with_the_shared_mark() -> None:
    row = next(r for r in hepatic_doses.rows() if r.status == "UNVERIFIED")
    assert hepatic_doses.cite(row) == f"{row.cite} (UNVERIFIED)"


def test_read_row_cites_bare() -> None:
    row = next(r for r in renal_table.rows() if r.status != "UNVERIFIED")
    assert label_columns.cite(row) == row.cite
