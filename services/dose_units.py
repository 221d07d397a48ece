"""The unit a daily dose is written in (session 22 F4 item 3): "mg/day", and "mg/24 h" for a drug
given as a transdermal system.

A patch's dose is the amount it delivers over 24 hours of wear (the selegiline patch, Emsam: 6, 9
and 12 mg/24 h), and its label, CANMAT 2023 Table 3.3 and this service's own MAOI-diet line write
it so; the optimise card wrote "raise selegiline from 6 toward 12 mg/day" beside "Selegiline patch
from 9 mg/24 h needs the MAOI diet", two units for one dose. The record's arithmetic is unchanged
(mg per patch-day is mg per day: fhir_mapping/product_text.py): only the written unit differs.
data/dose_units.csv (with sources) names the drugs; every other drug is "mg/day". Micrograms
(liothyronine) are microgram_doses.py's, which also rescales the number.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

MG_PER_DAY = "mg/day"


@cache
def _table() -> dict[str, str]:
    text = resources.files("services").joinpath("data/dose_units.csv").read_text("utf-8")
    return {r["ingredient"]: r["per_day"] for r in csv.DictReader(text.splitlines())}


def per_day(ingredient: str | None) -> str:
    """ "mg/day", or the drug's own unit ("mg/24 h" for the selegiline patch)."""
    if ingredient is None:
        return MG_PER_DAY
    return _table().get(ingredient.lower(), MG_PER_DAY)
