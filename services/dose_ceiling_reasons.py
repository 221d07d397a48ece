"""Why a drug's usual maximum is a ceiling (review 13 M3): data/dose_ceiling_reasons.csv.

"Citalopram 60 mg/day is above the usual maximum of 40 mg/day" cited only CANMAT's range, which
reads as a matter of efficacy; the reason that matters is the FDA's: above 40 mg/day citalopram
prolongs the QT interval and adds no benefit (Drug Safety Communication 2011, revised 2012). A
drug with a row here has its reason said on the above-the-maximum order card (order_checks/
doses.py); a drug without one keeps the range alone.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class CeilingReason:
    ingredient: str
    short: str  # the few words the summary prints ("QT prolongation")
    reason: str  # the card's words
    cite: str  # the short citation the card prints
    guideline: str  # the guidelines.csv key
    source: str  # the long provenance: stays in the table (data/README.md)
    status: str

    def line(self) -> str:
        flag = " (UNVERIFIED)" if self.status == "UNVERIFIED" else ""
        return f"{self.ingredient.capitalize()}: {self.reason} ({self.cite}{flag})."


@cache
def reasons() -> dict[str, CeilingReason]:
    text = resources.files("services").joinpath("data/dose_ceiling_reasons.csv").read_text("utf-8")
    return {
        row["ingredient"].strip().lower(): CeilingReason(
            ingredient=row["ingredient"].strip().lower(),
            short=row["short"].strip(),
            reason=row["reason"].strip(),
            cite=row["cite"].strip(),
            guideline=row["guideline"].strip(),
            source=row["source"].strip(),
            status=row["status"].strip(),
        )
        for row in csv.DictReader(text.splitlines())
    }


def reason_for(ingredient: str) -> CeilingReason | None:
    return reasons().get(ingredient.lower())
