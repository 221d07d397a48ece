"""The psychotic-depression regimens (data/psychotic_depression_regimens.csv): antidepressant
plus antipsychotic at antipsychotic-range doses (STOP-PD: sertraline 150-200 mg/day with
olanzapine 15-20 mg/day), each with its source and status; a row without a full dose range
fails loudly.

Apart from drug_rules.py because it says which combination to propose, not which drug a rule
allows for whom; the optimise card's psychotic-features section reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from services.drug_rule_rows import data_rows, optional_age, optional_number


@dataclass(frozen=True, slots=True)
class Regimen:
    """Antidepressant plus antipsychotic at antipsychotic-range doses for psychotic depression."""

    name: str
    antidepressant: str
    antidepressant_min_mg: float
    antidepressant_max_mg: float
    antipsychotic: str
    antipsychotic_min_mg: float
    antipsychotic_max_mg: float
    min_age: int | None
    source: str
    status: str

    def text(self) -> str:
        return (
            f"{self.antipsychotic} {_mg(self.antipsychotic_min_mg)}-"
            f"{_mg(self.antipsychotic_max_mg)} mg/day with {self.antidepressant} "
            f"{_mg(self.antidepressant_min_mg)}-{_mg(self.antidepressant_max_mg)} mg/day "
            f"({self.name})"
        )


def _mg(value: float) -> str:
    return f"{value:g}"


@cache
def psychotic_depression_regimens() -> tuple[Regimen, ...]:
    out = []
    for row in data_rows("psychotic_depression_regimens.csv"):
        numbers = [
            optional_number(row[k])
            for k in (
                "antidepressant_min_mg_day",
                "antidepressant_max_mg_day",
                "antipsychotic_min_mg_day",
                "antipsychotic_max_mg_day",
            )
        ]
        if any(n is None for n in numbers):
            raise ValueError(f"psychotic-depression regimen without a dose range: {row}")
        ad_lo, ad_hi, ap_lo, ap_hi = (float(n or 0) for n in numbers)
        out.append(
            Regimen(
                name=row["regimen"].strip(),
                antidepressant=row["antidepressant"].strip().lower(),
                antidepressant_min_mg=ad_lo,
                antidepressant_max_mg=ad_hi,
                antipsychotic=row["antipsychotic"].strip().lower(),
                antipsychotic_min_mg=ap_lo,
                antipsychotic_max_mg=ap_hi,
                min_age=optional_age(row["min_age"]),
                source=row["source"].strip(),
                status=row["status"].strip(),
            )
        )
    return tuple(out)
