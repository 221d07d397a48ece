"""Every data table is documented where its folder says it is.

services/data and fhir_mapping/data hold the clinical facts as CSV/TOML/JSON tables; each folder's
README.md has a table (file | holds | used by) with one row per file. Thirteen tables had been
added to services/data without a row and fhir_mapping/data had no README at all, so a reader could
not tell what a table held or who read it. This test keeps the docs from falling behind: a table
without a row, a row naming a table that is gone, or a subfolder without its own README fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA_ROOTS = (ROOT / "services" / "data", ROOT / "fhir_mapping" / "data")
TABLE_SUFFIXES = (".csv", ".toml", ".json")

# A row of a README table whose first cell is one backticked name: "| `topics.csv` | ...".
_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|", re.MULTILINE)


def _folders() -> list[Path]:
    """Each data root and every folder under it (payer_criteria/ ...)."""
    return [
        folder
        for root in DATA_ROOTS
        for folder in (root, *sorted(p for p in root.rglob("*") if p.is_dir()))
        if folder.name != "__pycache__"
    ]


def documented(readme_text: str) -> set[str]:
    """The names a README gives a row of their own (first cell of a table row)."""
    return set(_ROW.findall(readme_text))


def undocumented(folder: Path, readme_text: str) -> list[str]:
    """The folder's tables and subfolders that have no row in its README."""
    rows = documented(readme_text)
    expected = [p.name for p in folder.iterdir() if p.suffix in TABLE_SUFFIXES] + [
        f"{p.name}/" for p in folder.iterdir() if p.is_dir() and p.name != "__pycache__"
    ]
    return sorted(name for name in expected if name not in rows)


def stale(folder: Path, readme_text: str) -> list[str]:
    """Rows naming a table or subfolder the folder no longer holds (rows of other tables, such as
    payer_criteria's `kind | parameters`, name no file and are not checked)."""
    files = (n for n in documented(readme_text) if n.endswith(TABLE_SUFFIXES) or n.endswith("/"))
    return sorted(name for name in files if not (folder / name).exists())


@pytest.mark.parametrize("folder", _folders(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_table_has_a_row_in_its_folders_readme(folder: Path) -> None:
    readme = folder / "README.md"
    assert readme.is_file(), f"{folder.relative_to(ROOT)} has no README.md"
    text = readme.read_text("utf-8")
    assert undocumented(folder, text) == [], f"no row in {readme.relative_to(ROOT)}"
    assert stale(folder, text) == [], f"rows for files gone from {folder.relative_to(ROOT)}"


def test_a_removed_row_is_caught() -> None:
    """The check itself: dropping one table's row from a README makes that table undocumented."""
    folder = ROOT / "services" / "data"
    text = (folder / "README.md").read_text("utf-8")
    assert undocumented(folder, text) == []
    without = re.sub(r"^\| `drug_cautions\.csv` \|.*\n", "", text, flags=re.MULTILINE)
    assert without != text
    assert undocumented(folder, without) == ["drug_cautions.csv"]
    # A mention elsewhere in the README (another row's text) is not a row of its own.
    assert "drug_cautions.csv" in without
    assert "drug_cautions.csv" not in documented(without)
