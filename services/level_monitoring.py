"""How often a running adjunct dosed by its serum level needs that level (data/level_monitoring.csv:
lithium every 6-12 months, CANMAT 2023 para 164), and whether the last one is due (review 13 W8:
a lithium level 14 months old was named without saying it was due)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from services.card_format import plural


@dataclass(frozen=True, slots=True)
class LevelInterval:
    agent: str
    test: str
    due_days: int  # a level older than this is due
    interval: str  # as the guideline says it ("every 6-12 months")
    cite: str
    # Days after a start or dose change before a level is the dose's steady state (5-7 days for
    # lithium: the csv's steady_source); 0 when the table gives none.
    steady_from_days: int = 0
    steady_to_days: int = 0
    # When the level is drawn ("12 h trough" for lithium: the csv's sample_timing_source); "":
    # not said.
    sample_timing: str = ""

    def steady_days(self) -> str:
        """ "5-7 days": when to draw the level after a change."""
        return f"{self.steady_from_days}-{self.steady_to_days} days"

    def is_due(self, taken: date, as_of: date) -> bool:
        return (as_of - taken).days > self.due_days

    def due_text(self, taken: date, as_of: date) -> str:
        """ "14 months ago: due; every 6-12 months, CANMAT 2023 para 164"."""
        return f"{age_text(taken, as_of)} ago: due; {self.interval}, {self.cite}"


@cache
def intervals() -> dict[str, LevelInterval]:
    text = resources.files("services").joinpath("data/level_monitoring.csv").read_text("utf-8")
    return {
        row["agent"]: LevelInterval(
            agent=row["agent"],
            test=row["test"],
            due_days=int(row["due_days"]),
            interval=row["interval"].strip(),
            cite=row["cite"].strip(),
            steady_from_days=int(row.get("steady_from_days") or 0),
            steady_to_days=int(row.get("steady_to_days") or 0),
            sample_timing=(row.get("sample_timing") or "").strip(),
        )
        for row in csv.DictReader(text.splitlines())
    }


def interval_for(agent: str) -> LevelInterval | None:
    return intervals().get(agent)


def age_text(taken: date, as_of: date) -> str:
    """ "14 months", "9 weeks", "5 days": how long ago a result was taken, in the unit a reader
    counts it in."""
    days = (as_of - taken).days
    if days >= 61:
        months = (as_of.year - taken.year) * 12 + as_of.month - taken.month
        months -= as_of.day < taken.day
        return plural(months, "month")
    if days >= 14:
        return plural(days // 7, "week")
    return plural(days, "day")
