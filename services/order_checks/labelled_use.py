"""A drug labelled for one indication only, drafted when the record holds none of it (review s26
RG finding 3): zuranolone, labelled for postpartum depression, drafted for a major depression with
nothing postpartum on record got no card. The fact is data/labelled_indications.csv (the drug,
the indication its label names, the card's words and source); which findings stand for each
indication is `_ON_RECORD`, one reading per indication. Information, not a bar: off-label use is
the prescriber's call, but the order should not pass as if it were the labelled use.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.record import DraftOrder
from services.order_checks.model import CAUTION, OrderCheck
from services.order_doses import draft_named
from services.pathway_options import unverified_mark
from services.recommendation import Indicator
from services.rules.context import RuleContext
from services.rules.populations import Population

# What on record stands for an indication of the table's `labelled_for` column. Postpartum
# depression: a coded postpartum depression (Population.ppd), or any postpartum-onset finding
# (Population.postpartum: one with psychotic features is the puerperal psychosis card's, and
# saying "none on record" beside it would be wrong).
_ON_RECORD: dict[str, Callable[[Population], bool]] = {
    "postpartum-depression": lambda p: p.ppd is not None or p.postpartum is not None,
}


@dataclass(frozen=True, slots=True)
class LabelledUse:
    ingredient: str
    labelled_for: str
    note: str
    detail: str
    cite: str
    status: str


@cache
def labelled_uses() -> dict[str, LabelledUse]:
    """data/labelled_indications.csv by ingredient."""
    text = resources.files("services").joinpath("data/labelled_indications.csv")
    rows = csv.DictReader(text.read_text("utf-8").splitlines())
    found = {
        r["ingredient"].strip(): LabelledUse(
            r["ingredient"].strip(),
            r["labelled_for"].strip(),
            r["note"].strip(),
            r["detail"].strip(),
            r["cite"].strip(),
            r["status"].strip(),
        )
        for r in rows
    }
    unknown = {u.labelled_for for u in found.values()} - _ON_RECORD.keys()
    if unknown:  # a row the code cannot read would never speak: fail at load, not in silence
        raise ValueError(f"labelled_indications.csv: no reading for {sorted(unknown)}")
    return found


def outside_label(ingredient: str, population: Population) -> bool:
    """Whether the drug's one labelled indication is not on record for this patient (False for
    a drug the table does not hold). The optimise card never proposes such a drug, so its
    population caveats ("Zuranolone, if considered": review s26 GB item 4) are not said there
    either; a clinician's own order of it still gets them (order_checks/cautions.py)."""
    use = labelled_uses().get(ingredient)
    return use is not None and not _ON_RECORD[use.labelled_for](population)


def labelled_use_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """The information card of a drug drafted outside the one indication its label names."""
    use = labelled_uses().get(draft.ingredient)
    if use is None or not outside_label(draft.ingredient, ctx.population):
        return None
    name = draft.ingredient.capitalize()
    return OrderCheck(
        CAUTION,
        draft,
        f"{name}: {use.note} ({use.cite})",
        f"{draft_named(draft)}: {use.detail} (Source: {use.cite}{unverified_mark(use.status)}.)",
        indicator=Indicator.INFO,
        basis=(use.cite,),
    )
