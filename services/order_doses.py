"""Daily doses of one drug ordered on several drafts, judged together (order-hook review).

Prescribers make a dose from two strengths (sertraline 100 mg + 25 mg = 125 mg/day) or order the
same drug twice by mistake (citalopram 20 mg twice = 40 mg/day, above the 20 mg/day limit over 60).
Judged one draft at a time, the first reads as "25 mg/day, below the minimum" and the second is
never tested against the limit. So the dose and age checks read the total per ingredient of the
drafts the hook is about; the card names the parts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from fhir_mapping.record import DoseBasis, DraftOrder
from services import cards


@dataclass(frozen=True, slots=True)
class Together:
    """Two or more daily drafts of one ingredient with readable doses."""

    ingredient: str
    parts: tuple[float, ...]  # mg/day of each draft, in draft order

    @property
    def total(self) -> float:
        return sum(self.parts)

    def note(self) -> str:
        parts = " + ".join(f"{cards.fmt_mg(mg)}" for mg in self.parts)
        return (
            f"**{len(self.parts)} orders of {self.ingredient} together:** {parts} = "
            f"{cards.fmt_mg(self.total)} mg/day, judged as one dose."
        )


def together(drafts: Sequence[DraftOrder]) -> dict[str, Together]:
    """Ingredient -> its drafts' doses, for ingredients drafted more than once at a daily dose
    that can be read. A draft dosed per session or injection, or whose dose cannot be read, is
    judged alone (its checks say so)."""
    doses: dict[str, list[float]] = {}
    for d in drafts:
        if d.dose_basis is DoseBasis.DAILY and d.mg_per_day is not None:
            doses.setdefault(d.ingredient, []).append(d.mg_per_day)
    return {name: Together(name, tuple(mg)) for name, mg in doses.items() if len(mg) > 1}


def as_one(draft: DraftOrder, found: Together) -> DraftOrder:
    """The first draft of the ingredient carrying the total daily dose, for the dose checks."""
    return dataclasses.replace(draft, mg_per_day=found.total)
