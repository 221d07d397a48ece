"""A national label's daily maximum below the drug table's range (review s19 item 4):
data/label_maximums.csv.

The drug table's ranges are CANMAT 2023 Table 3.3's, "taken from product monographs" (Canadian
ones), and a few US labels stop lower: mirtazapine at 45 mg/day (Remeron US label 2.1), where
CANMAT lists 60; clomipramine at 250 (labelled in the US for OCD only); amitriptyline, imipramine
and trimipramine at 150-200 mg/day for outpatients (their labels allow up to 300 in hospital). A
US clinic was offered "raise mirtazapine within 30-60 mg/day" and a drafted 60 mg/day passed with
no card.

Which labels bind follows the clinic's market (policy `drug_market`, the market the switch list
already follows): "US" the US rows, "Canada" none (the ranges are Canada's monographs), "any"
every market's, the lowest binding (a site that names no market is held to the lowest labelled
maximum: the safer reading). A label row binds only where it is below the range's own top (the
drug row's, or the release formulation's): a US label that allows more (fluoxetine 80 mg/day
against CANMAT's 60) never raises the ceiling, as the lower one is the safer. Such a row only
lets a dose between the two be said for what it is (`allowing`, s25 FA item 1): "above CANMAT's
usual range, within the US label's 80 mg/day", information, where a dose above the label stays
a warning. Only the clinic's own market's row allows: under "any" the lowest labelled maximum
is the Canadian monographs' (the range itself), so nothing allows more there.

`binding` is the one rule: the optimise card's ranges and raises (rules/optimize/wording.py,
services/dose_room.py) and the order dose check (order_checks/label_doses.py) all ask it, so the
dose a card proposes and the dose an order is checked against are the same ceiling.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from services.card_format import fmt_mg
from services.drug_rule_rows import data_rows, optional_number
from services.policy import DrugMarket


@dataclass(frozen=True, slots=True)
class LabelMaximum:
    """One row of data/label_maximums.csv: a market's labelled daily maximum for a drug."""

    ingredient: str
    market: str  # "US"
    max_mg: float
    # A higher maximum the label allows in a setting (`higher_when`: "hospitalised patients"):
    # named on the cards, never used as the ceiling (the service does not know the setting).
    higher_max_mg: float | None
    higher_when: str
    cite: str  # the short citation a card prints
    status: str  # confirmed / corroborated / UNVERIFIED (the long `source` stays in the table)

    @property
    def flag(self) -> str:
        return " (UNVERIFIED)" if self.status == "UNVERIFIED" else ""

    def maximum(self, *, cite: bool = True) -> str:
        """ "the US label's maximum of 45 mg/day (Remeron US label 2.1)"; `cite=False` for a
        summary's shorter form, "the US label's maximum of 45 mg/day". The one builder of the
        phrase (session 21 item 3: written out in three places; the order card's summary left
        out the UNVERIFIED flag, its detail said "the US label's maximum (...), 45 mg/day")."""
        said = f"the {self.market} label's maximum of {fmt_mg(self.max_mg)} mg/day"
        return f"{said} ({self.cite}{self.flag})" if cite else said

    def higher_line(self) -> str:
        """ "The label allows up to 300 mg/day for hospitalised patients." or ""."""
        if self.higher_max_mg is None or not self.higher_when:
            return ""
        return f"The label allows up to {fmt_mg(self.higher_max_mg)} mg/day for {self.higher_when}."


@cache
def rows() -> tuple[LabelMaximum, ...]:
    return tuple(
        LabelMaximum(
            ingredient=row["ingredient"].strip().lower(),
            market=row["market"].strip(),
            max_mg=float(row["max_mg_day"]),
            higher_max_mg=optional_number(row["higher_max_mg_day"]),
            higher_when=row["higher_max_when"].strip(),
            cite=row["cite"].strip(),
            status=row["status"].strip(),
        )
        for row in data_rows("label_maximums.csv")
    )


@cache
def _by_ingredient() -> dict[str, tuple[LabelMaximum, ...]]:
    """rows() by ingredient, in table order: binding runs for every dose segment a timeline
    draws (timeline/style.dose_category) and per trial on the cards, and scanned the whole table
    each time (issue 14)."""
    index: dict[str, list[LabelMaximum]] = {}
    for row in rows():
        index.setdefault(row.ingredient, []).append(row)
    return {name: tuple(found) for name, found in index.items()}


def binding(ingredient: str, range_top: float | None, market: DrugMarket) -> LabelMaximum | None:
    """The labelled maximum of the clinic's market that is below `range_top` (the drug row's or
    the formulation's maximum; None: no maximum on record, so any label row binds), else None.
    Under "any", the lowest of every market's rows."""
    found = [r for r in _by_ingredient().get(ingredient.lower(), ()) if market in ("any", r.market)]
    lowest = min(found, key=lambda r: r.max_mg, default=None)
    if lowest is None or (range_top is not None and lowest.max_mg >= range_top):
        return None
    return lowest


def allowing(ingredient: str, range_top: float | None, market: DrugMarket) -> LabelMaximum | None:
    """The clinic market's labelled maximum that is above `range_top` (the drug row's maximum:
    fluoxetine's US label 80 mg/day over CANMAT's 60), or None: no range top, a market of "any"
    (module docstring), no row of the market, or a row at or below the top (that one binds)."""
    if range_top is None or market == "any":
        return None
    found = [r for r in _by_ingredient().get(ingredient.lower(), ()) if r.market == market]
    lowest = min(found, key=lambda r: r.max_mg, default=None)
    return lowest if lowest is not None and lowest.max_mg > range_top else None


def capped(ingredient: str, range_top: float | None, market: DrugMarket) -> float | None:
    """`range_top` lowered to the binding label maximum where one binds (`binding`)."""
    label = binding(ingredient, range_top, market)
    return range_top if label is None else label.max_mg
