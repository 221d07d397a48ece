"""The MAOI diet: which MAOI doses need the tyramine diet (review s22 RU finding 3).

An MAOI blocks the gut's breakdown of tyramine, so tyramine-rich foods (aged cheese, cured meats,
tap beer) can bring on a hypertensive crisis. The oral MAOIs (phenelzine, tranylcypromine,
isocarboxazid) need the diet at every dose; the selegiline patch (Emsam) does not at 6 mg/24 h and
does from 9 mg/24 h (data/maoi_diet.csv, with sources). No card said so: "raise selegiline from 6
toward 12" gave no word that the raise brings the diet, and a new 9 mg patch order got no card.

One rule for both places that speak of it, and sparingly (a line every chart open would be
noise to a patient long on the diet):
- a raise a card proposes that crosses a drug's threshold (6 -> 9 or 12 mg/24 h) adds one line
  (`raise_line`: rules/optimize/dose_first.py);
- an order of an MAOI at a diet dose while no MAOI at a diet dose runs adds one information card
  (`new_diet`: order_checks/maoi_diet.py); a renewal, or a raise from 9 to 12, adds nothing.
Review K38b finding 5 asked for a "continue the MAOI diet" line on "raise selegiline from 9 toward
12 mg/24 h". Kept as it is (session 34, fix drug52): at 9 mg/24 h the diet applies already (this
table's row, from 9), so the raise changes nothing the patient must do; the line says what a
raise brings, and a patient held at 9 or 12 without a raise proposed would get no such line
anyway, so a reminder there would not be where the diet is kept (the 9 mg order, `new_diet`).
A dose not read counts as needing the diet (the safer reading: a missed line on a 9 mg patch is
a hypertensive crisis risk, an extra line on a 6 mg patch is a sentence).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from fhir_mapping.record import Trial
from services import tables


@dataclass(frozen=True, slots=True)
class DietRow:
    ingredient: str
    from_mg_day: float | None  # None: at any dose
    line: str  # "selegiline patch from 9 mg/24 h needs the MAOI diet: ..."
    cite: str

    def sentence(self) -> str:
        """ "Selegiline patch from 9 mg/24 h needs the MAOI diet: ... (Emsam US label: ...)." """
        return f"{self.line[:1].upper()}{self.line[1:]} ({self.cite})."


@cache
def _table() -> dict[str, DietRow]:
    found: dict[str, DietRow] = {}
    for row in tables._rows("maoi_diet.csv"):
        threshold = row["from_mg_day"].strip()
        found[row["ingredient"].strip()] = DietRow(
            row["ingredient"].strip(),
            float(threshold) if threshold else None,
            row["line"].strip(),
            row["cite"].strip(),
        )
    return found


def row(ingredient: str) -> DietRow | None:
    return _table().get(ingredient)


def needs_diet(ingredient: str, mg_per_day: float | None) -> bool:
    """True when this drug at this daily dose needs the diet; a dose not read counts as needing
    it for a drug with a threshold (module docstring)."""
    found = row(ingredient)
    if found is None:
        return False
    if found.from_mg_day is None or mg_per_day is None:
        return True
    return mg_per_day >= found.from_mg_day


def raise_line(ingredient: str, now_mg: float | None, to_mg: float) -> str | None:
    """The line of a proposed raise from `now_mg` to `to_mg` that crosses the drug's threshold
    (selegiline 6 -> 9 or 12 mg/24 h); None when it does not (an oral MAOI, already on the diet
    at any dose; a raise from 9 to 12; a drug with no row)."""
    found = row(ingredient)
    if found is None or found.from_mg_day is None or now_mg is None:
        return None
    if now_mg >= found.from_mg_day or to_mg < found.from_mg_day:
        return None
    return found.sentence()


def on_diet_now(trials: tuple[Trial, ...]) -> bool:
    """True when a running course is an MAOI at a dose known to need the diet (the running dose,
    the upper end of a range): the patient is on the diet already. A patch whose dose was not read
    is not known to be on it (the order card then says it: the safer reading)."""
    return any(t.ongoing and _known_on_diet(t) for t in trials)


def _known_on_diet(trial: Trial) -> bool:
    found = row(trial.ingredient)
    if found is None:
        return False
    if found.from_mg_day is None:
        return True
    mg = trial.current_mg_per_day_upper or trial.current_mg_per_day
    return mg is not None and mg >= found.from_mg_day
