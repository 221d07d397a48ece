"""When the diagnosis-review card asks to settle a low lab: before escalating, or alongside it.

CANMAT 2023 para 184 asks, on poor response, to rule out medical contributors; a B12 or folate
deficiency is corrected and the response rechecked before an adjunct is added (the card holds
the optimise card's one-click drugs for it: rules/diagnosis_review.hold_one_click). A low vitamin
D is not such a contributor: no CANMAT 2023 recommendation treats depression with vitamin D
(Table 3.7), so holding escalation of a severe depression for it only delays treatment (review 15
recheck h02: PHQ-9 23 with vitamin D 17 held every adjunct). It is corrected alongside.
The table is data/contributor_timing.csv; a test not in it is settled before escalating (the
card's behaviour for every lab before this table)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.frozen_init import quick_frozen_init


@dataclass(frozen=True, slots=True)
class Timing:
    alongside: bool
    why: str  # what the card says of the timing; "" for a contributor settled before escalating


quick_frozen_init(Timing)


@cache
def _table() -> dict[str, Timing]:
    text = resources.files("services").joinpath("data/contributor_timing.csv").read_text("utf-8")
    return {
        row["test"]: Timing(row["timing"].strip() == "alongside", row["why"].strip())
        for row in csv.DictReader(text.splitlines())
    }


def timing(test: str) -> Timing:
    """How the card treats a low `test` (a lab key: "b12", "folate", "vitamin-d")."""
    return _table().get(test, Timing(alongside=False, why=""))
