"""The labelled start dose and titration step of a drug a one-click order starts from nothing
(data/start_doses.csv): a regimen's doses are targets reached by titration, never the first
day's dose (review 18a W2: "Start sertraline 150 and olanzapine 15 mg/day" signed as written is
day 1 at the STOP-PD targets). The optimise card's dose-first raise of a running antidepressant
is one such step too (review s19 item 3: rules/optimize/dose_first.py), never a jump to the top.

Apart from psychotic_regimens.py because a start dose is the drug's label's, not the trial's."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from services.drug_rule_rows import data_rows


@dataclass(frozen=True, slots=True)
class StartDose:
    """Start at `start_mg` a day; raise by `step_mg` no sooner than every `step_min_days`."""

    ingredient: str
    start_mg: float
    step_mg: float
    step_min_days: int
    cite: str  # short, for an order's note: "sertraline label (MDD)"

    def next_step(self, current_mg: float, target_mg: float) -> float:
        """One labelled step up from `current_mg`, never past `target_mg`."""
        return min(current_mg + self.step_mg, target_mg)


@cache
def _table() -> dict[str, StartDose]:
    out = {}
    for row in data_rows("start_doses.csv"):
        ingredient = row["ingredient"].strip().lower()
        out[ingredient] = StartDose(
            ingredient=ingredient,
            start_mg=float(row["start_mg_day"]),
            step_mg=float(row["step_mg_day"]),
            step_min_days=int(row["step_min_days"]),
            cite=row["cite"].strip(),
        )
    return out


def start_dose(ingredient: str) -> StartDose | None:
    """The drug's labelled start; None for a drug the table does not hold."""
    return _table().get(ingredient.lower())
