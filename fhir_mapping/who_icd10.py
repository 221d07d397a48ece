"""Which WHO ICD-10 codes are read as ICD-10-CM ones (data/who_icd10_categories.csv, fix who75).

ICD-10-CM is the US modification of WHO ICD-10: the two share most 3-character categories, and in
some chapters the 4th character too, but not everywhere (WHO F10.3 "withdrawal state" has no CM
code; WHO F10.20 "currently abstinent" is CM F10.20 "uncomplicated"; the O, T, V-Y and Z chapters
were rebuilt). A WHO code with no display used to be read only where a table had a WHO row, so a
WHO-coded epilepsy (G40.9) held no TMS. The rule: a WHO code whose category is listed is read as
the ICD-10-CM code of its first `level` characters (4: the 4th character means the same in both;
3: only the category does), so WHO G40.9 is CM G40 (epilepsy) and WHO F33.1 is CM F33.1. A code
outside the listed categories stays unread and is named as such (never-silent), and a WHO 5th
character is never read (it means something else in CM).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class WhoCategories:
    pattern: re.Pattern[str]  # the 3-character categories, as a regular expression
    level: int  # 3 or 4: how many leading characters mean the same in ICD-10-CM
    source: str
    status: str


@cache
def who_categories() -> tuple[WhoCategories, ...]:
    text = (
        resources.files("fhir_mapping").joinpath("data/who_icd10_categories.csv").read_text("utf-8")
    )
    return tuple(
        WhoCategories(
            pattern=re.compile(f"(?:{row['categories'].strip()})"),
            level=int(row["level"]),
            source=row["source"],
            status=row["status"],
        )
        for row in csv.DictReader(text.splitlines())
    )


def cm_code_for_who(code: str) -> str | None:
    """The ICD-10-CM code (dot-less, upper case) a WHO ICD-10 code (normalised the same way) is
    read as, or None when its category is not one where the two classifications agree."""
    category = code[:3]
    for row in who_categories():
        if len(category) == 3 and row.pattern.fullmatch(category):
            return code[: row.level]
    return None
