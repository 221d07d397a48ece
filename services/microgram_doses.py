"""Drugs whose doses are written in micrograms (recheck 2 m25): their daily dose is shown as
"25 µg/day", not the mg the record is normalised to ("0.025 mg/day" reads as an unusual dose and
invites a decimal slip). data/microgram_doses.csv; the mg arithmetic is unchanged, only the
text. "µg", as the cards already print liothyronine's range (data/augmentation_monitoring.csv).
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

# card_format, not cards: trial_dose_text.py (which cards re-exports) reads this module.
from services.card_format import fmt_mg

UNIT = "µg"


@cache
def microgram_drugs() -> frozenset[str]:
    text = resources.files("services").joinpath("data/microgram_doses.csv").read_text("utf-8")
    return frozenset(row["ingredient"] for row in csv.DictReader(text.splitlines()))


def in_micrograms(ingredient: str | None) -> bool:
    """Whether the drug's doses are written in micrograms (data/microgram_doses.csv)."""
    return ingredient is not None and ingredient in microgram_drugs()


def ug_text(mg: float) -> str:
    """A dose the record holds in mg, in micrograms: 0.025 -> "25"."""
    return fmt_mg(mg * 1000)


def microgram_dose_text(ingredient: str, mg: float | None, high: float | None) -> str | None:
    """ "25 µg/day", "25-50 µg/day", "up to 50 µg/day" for a drug dosed in micrograms; None for
    any other drug or an unread dose (the caller writes it as usual)."""
    if ingredient not in microgram_drugs() or (mg is None and high is None):
        return None

    ug = ug_text
    if high is None:
        assert mg is not None
        return f"{ug(mg)} {UNIT}/day"
    if mg is None:
        return f"up to {ug(high)} {UNIT}/day"
    return f"{ug(mg)}-{ug(high)} {UNIT}/day"
