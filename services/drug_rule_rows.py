"""Reading the drug-rule tables of services/data (drug_rules.py, finding_code_sets.py,
psychotic_regimens.py): a table's rows, and its optional number and age cells (empty: None).

Apart from drug_rules.py so that the modules split from it read their tables the same way
without importing it back (drug_rules.py imports them).
"""

from __future__ import annotations

import csv
from importlib import resources


def data_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("services").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def optional_number(text: str) -> float | None:
    return float(text) if text.strip() else None


def optional_age(text: str) -> int | None:
    return int(text) if text.strip() else None
