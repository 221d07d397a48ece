"""Labelled renal limits of antidepressants and lithium (review 11 finding 1): data/renal_doses.csv.

The service read eGFR and never compared it, so an 80-year-old with eGFR 24 was signed duloxetine
60 mg/day (label: avoid below 30) and desvenlafaxine 100 mg/day (label: 25 mg/day below 30) with
no card. Each row of the table is one band of one drug's label: where the eGFR falls (`egfr_from`
inclusive, `egfr_below` exclusive), what the label says there ("avoid", "at most 50 mg/day",
"reduce by 50 % or more", "use with caution") and where it says it.

The labels give their bands as creatinine clearance (Cockcroft-Gault); the record has eGFR, which
is read here as its estimate. In an older or low-weight patient the clearance is often lower than
the eGFR, so a value near a band's edge is said with that caveat (`CRCL_NOTE`), never as settled.

Which eGFR is read (`latest`): the latest one with a value this service can compare (a unit the
lab table knows); a later one that could not be read is named beside it. One older than
policy.lab_recent_days is still compared (kidney function that was low rarely recovers: the
safer reading) but is named as old, never as current.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.record import LabResult, PatientRecord
from services import cards, lab_safety
from services.policy import Policy
from services.recommendation import Indicator

# Said once on every card that compares an eGFR with a label's band (the labels' bands are
# creatinine clearance; eGFR is indexed to 1.73 m2 and overestimates clearance in a small or
# frail older adult).
CRCL_NOTE = (
    "The labels' bands are creatinine clearance (Cockcroft-Gault); the eGFR is read as its "
    "estimate here, and in an older or low-weight patient the clearance may be lower: estimate "
    "it when the eGFR is near a band's edge."
)


@dataclass(frozen=True, slots=True)
class RenalRow:
    ingredient: str
    band: str  # the label's words: "severe renal impairment"
    egfr_from: float  # inclusive (0 when the table leaves it blank)
    egfr_below: float  # exclusive
    action: str  # "avoid" | "max" | "reduce" | "caution"
    max_mg: float | None  # the band's daily maximum ("max" rows)
    says: str  # the label's line, as a card quotes it
    short: str  # the same in a few words, for the switch and augment lists
    cite: str  # "Pristiq label 2 and 8.6"
    indicator: Indicator
    on_lists: bool  # named beside the drug where the patient-view lists offer it
    source: str
    status: str

    def holds(self, egfr: float) -> bool:
        return self.egfr_from <= egfr < self.egfr_below


@cache
def rows() -> tuple[RenalRow, ...]:
    text = resources.files("services").joinpath("data/renal_doses.csv").read_text("utf-8")
    return tuple(
        RenalRow(
            ingredient=row["ingredient"].strip().lower(),
            band=row["band"].strip(),
            egfr_from=float(row["egfr_from"]) if row["egfr_from"].strip() else 0.0,
            egfr_below=float(row["egfr_below"]),
            action=row["action"].strip(),
            max_mg=float(row["max_mg_day"]) if row["max_mg_day"].strip() else None,
            says=row["says"].strip(),
            short=row["short"].strip(),
            cite=row["cite"].strip(),
            indicator=Indicator(row["indicator"].strip()),
            on_lists=row["on_lists"].strip().lower() == "true",
            source=row["source"].strip(),
            status=row["status"].strip(),
        )
        for row in csv.DictReader(text.splitlines())
    )


@cache
def drugs() -> frozenset[str]:
    """The ingredients whose labels set a renal limit (the table's)."""
    return frozenset(r.ingredient for r in rows())


def row_for(ingredient: str, egfr: float) -> RenalRow | None:
    """The band of `ingredient`'s label that `egfr` falls in, or None (no limit at this eGFR)."""
    return next((r for r in rows() if r.ingredient == ingredient and r.holds(egfr)), None)


def limits_dose(ingredient: str) -> bool:
    """Whether the drug's label avoids it or limits or reduces its dose in some band: only then
    is a missing eGFR worth a card at the order (a label that only asks for caution, mirtazapine
    or bupropion, would make one on every order of an older adult: noise)."""
    return any(r.ingredient == ingredient and r.action != "caution" for r in rows())


def top_band(ingredient: str) -> float | None:
    """The eGFR below which the drug's label sets any limit ("below 60"), or None."""
    found = [r.egfr_below for r in rows() if r.ingredient == ingredient]
    return max(found) if found else None


@dataclass(frozen=True, slots=True)
class Egfr:
    """The eGFR a renal check compares: its result, value and whether it is recent."""

    lab: LabResult
    value: float
    recent: bool
    later_unread: LabResult | None  # a later eGFR whose value could not be read

    def row(self, ingredient: str) -> RenalRow | None:
        """The band of the drug's label this eGFR falls in. A bound is read as what it says:
        "< 15" falls in the band just below 15; "> 60" (how labs report any eGFR above their
        reporting cut, KDIGO G1-G2) falls in no band: the true value may be 61 or 120, and the
        labels' bands from 60 up are mild-impairment cautions a bound cannot place (no card
        rather than "mild renal impairment" the record does not show)."""
        comparator = self.lab.comparator
        if comparator in (">", ">="):
            return None
        if comparator in ("<", "<="):
            return row_for(ingredient, self.value - 1e-6)
        return row_for(ingredient, self.value)

    def text(self, policy: Policy) -> str:
        """ "eGFR 24 mL/min/1.73 m2 on 2025-05-20", "... (over 365 days old)"."""
        old = "" if self.recent else f" (over {policy.lab_recent_days} days old)"
        return f"eGFR {lab_safety.text(self.lab)}{old}"

    def short(self) -> str:
        """ "eGFR 24 on 2025-05-20" (", old" when past the window), for a summary."""
        old = "" if self.recent else ", old"
        return f"eGFR {cards.fmt_mg(self.value)} on {self.lab.date.isoformat()}{old}"

    def later(self) -> str:
        """ " A later eGFR, of 2025-06-01, could not be read." or ""."""
        if self.later_unread is None:
            return ""
        ref = f" ({self.later_unread.source})" if self.later_unread.source is not None else ""
        return (
            f" A later eGFR, of {self.later_unread.date.isoformat()}{ref}, could not be read: "
            "check it in the chart."
        )


def latest(record: PatientRecord, policy: Policy) -> Egfr | None:
    """The latest eGFR with a value in a unit the lab table knows, or None."""
    found = [
        (lab, number)
        for lab in record.context.labs
        if lab.test == "egfr" and (number := lab_safety.value(lab)) is not None
    ]
    if not found:
        return None
    lab, number = max(found, key=lambda pair: pair[0].date)
    return Egfr(
        lab=lab,
        value=number,
        recent=lab_safety.is_recent(record, policy, lab),
        later_unread=lab_safety.unread_after(record, lab),
    )


def unread(record: PatientRecord) -> LabResult | None:
    """The latest eGFR on record when none has a value that can be compared (an eGFR sent as
    "> 60" text, or in a unit the table does not know), else None."""
    found = [lab for lab in record.context.labs if lab.test == "egfr"]
    if not found or any(lab_safety.value(lab) is not None for lab in found):
        return None
    return max(found, key=lambda lab: lab.date)


_WORD = re.compile(r"[a-z][a-z-]*")


def caveat_line(record: PatientRecord, policy: Policy, offered: Iterable[str]) -> str | None:
    """One line for a switch or augment list that names drugs whose label limits them at the
    patient's latest eGFR: "Kidney function: eGFR 25 mL/min/1.73 m2 on 2025-05-01; labelled
    renal limits: duloxetine: avoid; desvenlafaxine: at most 25 mg/day (...)." None when no drug named
    in `offered` (the list's entries, "SNRI: venlafaxine, duloxetine") has a row at that eGFR
    marked for the lists (rows on_lists: the mild bands are left to the order check)."""
    words = set(_WORD.findall(" ".join(offered).lower()))
    named = words & drugs()
    if not named:
        return None
    egfr = latest(record, policy)
    if egfr is None:
        return None
    found = [
        r
        for name in dict.fromkeys(r.ingredient for r in rows())  # in the table's order
        if name in named and (r := egfr.row(name)) is not None and r.on_lists
    ]
    if not found:
        return None
    parts = "; ".join(f"{r.ingredient}: {r.short}" for r in found)
    return f"Kidney function: {egfr.text(policy)}; labelled renal limits: {parts}."
