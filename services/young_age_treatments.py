"""What the guidelines say of ECT, TMS and psychological therapy below an age (review s25 RA
findings 5-7 and 11): data/young_age_treatments.csv, one row per treatment and age band.

- ECT: not for depression under 12, and from 12 to 17 only for very severe depression with
  life-threatening or intractable symptoms (NICE NG134): never a one-click referral under 18;
- TMS: under 15 the patient is below every clearance found, from 15 to 17 the one clearance
  (NeuroStar K231926) is adjunct-only;
- psychotherapy: under 18 NICE NG134 gives an antidepressant only alongside a psychological
  therapy, so the psychotherapy card is a warning on that basis (not the adult CANMAT / Medicare
  basis).

The ages are the table's (its `min_age`, `below_age`), not literals here; the rows are read with
the age the rules below an age read (the youngest a birth year allows: the safer side).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from services.recommendation import Indicator


@dataclass(frozen=True, slots=True)
class YoungAgeRow:
    treatment: str  # "ect", "tms", "psychotherapy"
    min_age: int | None  # applies from this age (None: from birth)
    below_age: int  # ... and below this one
    line: str  # what the card says
    cite: str  # the short citation the card prints
    one_click: bool  # whether the treatment may be a ready-to-accept suggestion at this age
    # Whether a card names it as an option at this age at all ("or ECT" in a summary): not ECT
    # under 12, which NICE NG134 does not recommend.
    named: bool
    indicator: Indicator | None  # the card's indicator at this age, when the row sets one

    def applies(self, age: int) -> bool:
        return (self.min_age is None or age >= self.min_age) and age < self.below_age

    def said(self) -> str:
        """The line with its citation, unless the line already names it."""
        return self.line if self.cite in self.line else f"{self.line} ({self.cite})"


@cache
def rows() -> tuple[YoungAgeRow, ...]:
    text = resources.files("services").joinpath("data/young_age_treatments.csv").read_text("utf-8")
    return tuple(
        YoungAgeRow(
            treatment=row["treatment"].strip(),
            min_age=int(row["min_age"]) if row["min_age"].strip() else None,
            below_age=int(row["below_age"]),
            line=row["line"].strip(),
            cite=row["cite"].strip(),
            one_click=row["one_click"].strip().lower() == "true",
            named=row["named"].strip().lower() == "true",
            indicator=Indicator(row["indicator"].strip()) if row["indicator"].strip() else None,
        )
        for row in csv.DictReader(text.splitlines())
    )


def row_for(treatment: str, age: int | None) -> YoungAgeRow | None:
    """The row of `treatment` for this age, or None (an adult, or no age on record: an unknown
    age is not assumed young, as the other age rules; services/age_note.py says it)."""
    if age is None:
        return None
    return next((r for r in rows() if r.treatment == treatment and r.applies(int(age))), None)


def ect_one_click(age: int | None) -> bool:
    """Whether an ECT referral may be offered as a ready-to-accept suggestion at this age."""
    row = row_for("ect", age)
    return row is None or row.one_click


def tms_uncleared(age: int | None) -> YoungAgeRow | None:
    """The TMS row when the patient is below every TMS clearance found (the row that starts at
    no age: under 15, NeuroStar K231926 being 15-21), else None. Below it no adult payer policy
    or Medicare LCD is the reason TMS is not proposed, and "start TMS" is no step at all (review
    s27 RC finding 7: a 9-year-old read "outside adult payer policy" and LCD L37086)."""
    row = row_for("tms", age)
    return row if row is not None and row.min_age is None else None


def tms_uncleared_words(row: YoungAgeRow) -> str:
    """The few words a summary says below every TMS clearance: "TMS not cleared under 15 (FDA
    K231926)", from the row's age and cite."""
    return f"TMS not cleared under {row.below_age} ({row.cite})"
