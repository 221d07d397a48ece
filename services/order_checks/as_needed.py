"""An antidepressant drafted "as needed" (review s28 RG finding 3): a warning, not silence.

Bupropion XL 150 mg drafted with asNeededBoolean passed with no card: its dose is within the range,
so no dose card spoke, and the "taken only as needed: it will not count as a trial" words live on
the below-the-minimum card alone (doses.py). Antidepressants are dosed daily by their labels
(services/data/as_needed_orders.csv, with its source): an as-needed order is most likely an entry
slip, or a use the order should name. One warning per such draft, worded from the table's row.

Left out: a drug of another role (an antipsychotic or hypnotic as needed for agitation or sleep is
a use of its own; fhir_mapping/agitation_doses.py reads those), and an antidepressant with a
low-dose use of its own (antidepressants.csv `low_dose_use`: trazodone or doxepin for sleep,
amitriptyline for pain), whose as-needed order is that use. A draft the below-the-minimum card
already speaks of as taken only as needed says it there: no second card.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from fhir_mapping.record import DraftOrder
from services import cards, drugs, tables
from services.order_checks.model import BELOW, OrderCheck
from services.order_doses import draft_named
from services.recommendation import Indicator

TOPIC = "order-as-needed-antidepressant"


@dataclass(frozen=True, slots=True)
class AsNeededRow:
    role: str
    line: str
    cite: str


@cache
def _rows() -> dict[str, AsNeededRow]:
    return {
        row["role"]: AsNeededRow(row["role"], row["line"], row["cite"])
        for row in tables._rows("as_needed_orders.csv")
    }


def as_needed_check(draft: DraftOrder, found: Sequence[OrderCheck | None]) -> OrderCheck | None:
    """The warning for `draft` when it is an antidepressant taken only as needed (module
    docstring); `found`: the draft's other findings so far (the below-the-minimum card may
    already say it)."""
    if not draft.as_needed:
        return None
    row = _rows().get(draft.role.value)
    if row is None:
        return None
    info = drugs.info(draft.ingredient)
    if info is not None and info.low_dose_use:
        return None
    if any(
        c is not None and c.topic == BELOW and c.draft.ingredient == draft.ingredient for c in found
    ):
        return None
    named = draft_named(draft)  # "Bupropion 150 mg as needed" when the dose was read
    lead = named if "as needed" in named else f"{named} as needed"
    summary = cards.fit_summary(
        f"{lead}: antidepressants are taken daily; check the directions",
        f"{draft.ingredient.capitalize()} as needed: antidepressants are taken daily",
    )
    detail = f"**{lead} ordered:** {row.line}."
    return OrderCheck(TOPIC, draft, summary, detail, indicator=Indicator.WARNING, basis=(row.cite,))
