"""The columns every labelled-limit table shares (data/renal_doses.csv, data/hepatic_doses.csv).

Both tables hold one label line per row: what the label says (`action` avoid / max / reduce /
caution, `max_mg_day`, `says`, `short`), where (`cite`, `status`), how the card speaks
(`indicator`) and where it is said (`on_lists`, `at_order`). The renal table adds its eGFR band
(services/renal_table.py), the hepatic one the severity the label names (services/hepatic_doses.py);
each reads its own columns and these through `label_columns`, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, TypedDict

from services import tables
from services.pathway_options import unverified_mark
from services.recommendation import Indicator


class LabelColumns(TypedDict):
    """The shared columns as the row dataclasses name them (`RenalRow(**label_columns(row), ...)`)."""

    ingredient: str
    action: str  # "avoid" | "max" | "reduce" | "caution"
    max_mg: float | None  # the labelled daily maximum (max_mg_day), None when blank
    says: str  # the label's line, as a card quotes it
    short: str  # the same in a few words, for the switch and augment lists
    cite: str  # "Pristiq label 2 and 8.6"
    indicator: Indicator
    on_lists: bool  # named beside the drug where the patient-view lists offer it
    at_order: bool  # makes an order card
    source: str
    status: str


def label_columns(row: Mapping[str, str]) -> LabelColumns:
    """The shared columns of one CSV row, read as both tables read them."""
    return LabelColumns(
        ingredient=row["ingredient"].strip().lower(),
        action=row["action"].strip(),
        max_mg=float(row["max_mg_day"]) if row["max_mg_day"].strip() else None,
        says=row["says"].strip(),
        short=row["short"].strip(),
        cite=row["cite"].strip(),
        indicator=Indicator(row["indicator"].strip()),
        on_lists=tables._flag(row["on_lists"]),
        at_order=tables._flag(row["at_order"]),
        source=row["source"].strip(),
        status=row["status"].strip(),
    )


class Cited(Protocol):
    """A table row a card cites (RenalRow, HepaticRow)."""

    @property
    def cite(self) -> str: ...

    @property
    def status(self) -> str: ...


def cite(row: Cited) -> str:
    """ "Cymbalta label 2 and 8.10", with " (UNVERIFIED)" for a row not read in the label: the
    shared mark every card writes (pathway_options.unverified_mark), not wording of its own."""
    return f"{row.cite}{unverified_mark(row.status)}"
