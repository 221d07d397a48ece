"""How far the eGFR fell before the latest one (data/egfr_fall.csv: a fall of 25 % or more from
the highest comparable eGFR of the table's window, KDIGO 2012 2.1.3), said on the running-drug
renal card beside the band the latest falls in.

Session 34 lith51: lithium 900 mg/day with eGFR 78 on 2025-11-20 and 52 on 2026-11-20 got a card
naming the 52 only; a fall of a third in a year on lithium is itself what to act on (KDIGO 2.1.4:
review the management, look for a reversible cause), and lithium is one. Both values and their
dates are named; a smaller change is left unsaid (KDIGO 2.1.2: small fluctuations are common).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from importlib import resources

from fhir_mapping.record import LabResult, PatientRecord
from services import cards, lab_safety


@dataclass(frozen=True, slots=True)
class FallRule:
    drop_percent: float  # a fall of at least this share of the earlier value is said
    within_days: int  # the earlier value is taken within these days before the latest
    cite: str


@dataclass(frozen=True, slots=True)
class Fall:
    before: LabResult
    before_value: float
    latest: LabResult
    latest_value: float
    rule: FallRule

    @property
    def percent(self) -> int:
        return round(100 * (self.before_value - self.latest_value) / self.before_value)

    def short(self) -> str:
        """ "down from 78 on 2025-11-20" (a summary's words)."""
        return f"down from {cards.fmt_mg(self.before_value)} on {self.before.date.isoformat()}"

    def both(self) -> str:
        """ "eGFR 78 (2025-11-20) to 52 (2026-11-20)": both values and days, for a summary."""
        return (
            f"eGFR {cards.fmt_mg(self.before_value)} ({self.before.date.isoformat()}) to "
            f"{cards.fmt_mg(self.latest_value)} ({self.latest.date.isoformat()})"
        )

    def line(self) -> str:
        """ "The eGFR fell from 78 mL/min/1.73 m2 on 2025-11-20 to 52 mL/min/1.73 m2 on
        2026-11-20 (33 % lower; a fall of 25 % or more, KDIGO 2012 2.1.3): look for a reversible
        cause and review the drugs the kidney clears." """
        return (
            f"The eGFR fell from {lab_safety.text(self.before)} to {lab_safety.text(self.latest)} "
            f"({self.percent} % lower; a fall of {cards.fmt_mg(self.rule.drop_percent)} % or "
            f"more, {self.rule.cite}): look for a reversible cause and review the drugs the "
            "kidney clears."
        )


@cache
def rule() -> FallRule | None:
    text = resources.files("services").joinpath("data/egfr_fall.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        if row["name"] == "egfr-fall":
            return FallRule(float(row["drop_percent"]), int(row["within_days"]), row["cite"])
    return None


def _measured(lab: LabResult) -> float | None:
    """The value of an eGFR reported as a number (a bound, "> 60", says no value to compare)."""
    return None if lab.comparator else lab_safety.value(lab)


def fall(record: PatientRecord, latest: LabResult) -> Fall | None:
    """The fall from the highest measured eGFR of the rule's window before `latest` (the eGFR the
    card reads) when it is at least the rule's share; None otherwise (nearly every chart)."""
    found = rule()
    now = _measured(latest)
    if found is None or now is None:
        return None
    since = latest.date - timedelta(days=found.within_days)
    earlier = [
        (value, lab)
        for lab in lab_safety.newest_first(record, "egfr")
        if since <= lab.date < latest.date and (value := _measured(lab)) is not None
    ]
    if not earlier:
        return None
    value, lab = max(earlier, key=lambda pair: (pair[0], pair[1].date))
    if value <= 0 or (value - now) * 100 < found.drop_percent * value:
        return None
    return Fall(lab, value, latest, now, found)
