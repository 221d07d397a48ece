"""Antidepressants an older adult's label doses by plasma level (session 25 FN item 1):
data/older_adult_level_doses.csv.

Nortriptyline at 78 on 75 mg/day read "raise nortriptyline from 75 toward 150 mg/day" while its
label gives "Elderly Patients 30 to 50 mg/day" and optimal responses at plasma levels of 50-150
ng/mL. The elderly range cannot be an older-adult maximum (data/older_adult_doses.csv): it lies
below the drug's minimum adequate dose (75 mg/day, CANMAT 2023 Table 3.3), so a trial at the
label's older-adult dose would read "below the adequate range" and be raised toward it. In an
older adult the level, not the mg/day, says whether the dose is enough: geriatric levels at a
fixed dose vary widely (the row's source). So here a raise is never proposed on the mg/day alone
(`hold_sentence`: a level first), and a dose within the label's older-adult range is not called
short of the adequate range (`within_label_range`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from services import cards, lab_safety
from services.drug_rule_rows import data_rows


@dataclass(frozen=True, slots=True)
class LevelDosed:
    ingredient: str
    min_age: int  # from this age (inclusive)
    label_low: float  # the label's older-adult daily range, mg/day
    label_high: float
    level_low: float  # the label's optimal plasma level range (data/lab_safety.csv level-above)
    level_high: float
    level_unit: str
    cite: str  # what a card prints
    source: str  # the provenance, never printed
    status: str

    def label_range(self) -> str:
        """ "30-50 mg/day"."""
        return f"{cards.fmt_mg(self.label_low)}-{cards.fmt_mg(self.label_high)} mg/day"

    def level_range(self) -> str:
        """ "50-150 ng/mL"."""
        return f"{cards.fmt_mg(self.level_low)}-{cards.fmt_mg(self.level_high)} {self.level_unit}"

    def label_words(self, age: int) -> str:
        """ "at 78 its label gives 30-50 mg/day for elderly patients and optimal responses at
        plasma levels of 50-150 ng/mL (Pamelor ... label, ...)"."""
        flag = " (UNVERIFIED)" if self.status == "UNVERIFIED" else ""
        return (
            f"at {age} its label gives {self.label_range()} for elderly patients and optimal "
            f"responses at plasma levels of {self.level_range()} ({self.cite}{flag})"
        )

    def check_words(self, *, at_order: bool = False) -> str:
        """ "check a nortriptyline level (and an ECG) before any raise, ..."; `at_order`: said
        on the prescriber's own order (order_checks/older_adult_level_dose.py), which is no
        ready-to-accept proposal."""
        tail = "." if at_order else "; not offered as a ready-to-accept order."
        return (
            f"check a {self.ingredient} level (and an ECG) before any raise, and raise it only "
            f"while the level is below {cards.fmt_mg(self.level_low)} {self.level_unit}{tail}"
        )

    def hold_sentence(self, age: int) -> str:
        """Why a raise waits for a level (Room.hold: "At 78 its label gives ...: check ...")."""
        words = self.label_words(age)
        return f"{words[0].upper()}{words[1:]}: {self.check_words()}"

    def step(self) -> str:
        """The summary's step: "check a nortriptyline level before any raise"."""
        return f"check a {self.ingredient} level before any raise"


def level_range(ingredient: str) -> lab_safety.LabRule:
    """The drug's optimal level range, the level-above row of data/lab_safety.csv: one range at
    every age (the age-free level card, rules/tca_level.py, reads the same row; review s26 RQ
    finding 1). A row of this table without one is a data error, caught on load."""
    row = lab_safety.rule_for("level-above", ingredient, "")
    if row is None or row.low is None or row.high is None:
        raise ValueError(f"older_adult_level_doses.csv: no level-above range for {ingredient}")
    return row


@cache
def _rows() -> dict[str, LevelDosed]:
    return {
        (name := row["ingredient"].strip().lower()): LevelDosed(
            ingredient=name,
            min_age=int(row["min_age"]),
            label_low=float(row["label_low_mg_day"]),
            label_high=float(row["label_high_mg_day"]),
            level_low=level_range(name).low or 0.0,
            level_high=level_range(name).high or 0.0,
            level_unit=level_range(name).unit,
            cite=row["cite"].strip(),
            source=row["source"].strip(),
            status=row["status"].strip(),
        )
        for row in data_rows("older_adult_level_doses.csv")
    }


def rows() -> tuple[LevelDosed, ...]:
    return tuple(_rows().values())


def for_patient(ingredient: str, age: int | None) -> LevelDosed | None:
    """The row that applies to this patient, or None (no row, or the age unknown or below it:
    an unknown age is not assumed old, as age_limits.limit_for)."""
    if age is None:
        return None
    row = _rows().get(ingredient.lower())
    return row if row is not None and age >= row.min_age else None


def within_label_range(ingredient: str, age: int | None, mg_per_day: float | None) -> bool:
    """Whether a daily dose lies within (or above the bottom of) the label's older-adult range
    for this patient: such a dose is judged by its level, never called below the adequate range."""
    row = for_patient(ingredient, age)
    return row is not None and mg_per_day is not None and mg_per_day >= row.label_low
