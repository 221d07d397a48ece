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

Dialysis and kidney failure coded (`reading`, review 11 G1): on dialysis the label's ESRD band
applies whatever the eGFR; kidney failure coded (N18.6) applies it when no recent eGFR is on
record. The card names the code and its date ("on dialysis (Z99.2 since 2023-02-01)"), never an
eGFR made up from it. Used by the order check (order_checks/renal.py), the running-drug card
(rules/running_renal.py) and the switch and augment lists (`caveat_line`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from fhir_mapping.record import Finding, FindingKind, LabResult, PatientRecord
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
    # Makes an order card: false for the mild bands (eGFR 60-89, where most adults over 50 are;
    # review 11 recheck finding 7), kept in the table for reference.
    at_order: bool
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
            at_order=row["at_order"].strip().lower() == "true",
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
    """The eGFR below which the drug's label sets a limit an order card names ("below 60"), or
    None: the mild bands (at_order false) are left out, so an old eGFR of 75 is never called
    "above the bands" of lithium's label (below 90) while 75 is in its mild band."""
    found = [r.egfr_below for r in rows() if r.ingredient == ingredient and r.at_order]
    return max(found) if found else None


def cite(row: RenalRow) -> str:
    """ "Cymbalta label 2 and 8.10", with ", UNVERIFIED: ..." for a row not read in the label."""
    unverified = ", UNVERIFIED: not read in the current label" if row.status == "UNVERIFIED" else ""
    return f"{row.cite}{unverified}"


def esrd_row(ingredient: str) -> RenalRow | None:
    """The band of the drug's label for end-stage renal disease or dialysis: its lowest band (the
    one from 0). In every label of the table the lowest band is the one naming severe renal
    impairment with ESRD or dialysis (duloxetine, desvenlafaxine, venlafaxine, paroxetine,
    lithium), ESRD itself (levomilnacipran, milnacipran), or the only band (mirtazapine,
    bupropion)."""
    return row_for(ingredient, 0.0)


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
        """ "eGFR 24 on 2025-05-20" (", old" when past the window; "eGFR < 15 on ..." for a
        bound), for a summary."""
        old = "" if self.recent else ", old"
        sign = f"{self.lab.comparator} " if self.lab.comparator else ""
        return f"eGFR {sign}{cards.fmt_mg(self.value)} on {self.lab.date.isoformat()}{old}"

    def with_(self) -> str:
        """ "with eGFR 24 on 2025-05-20", as a summary joins it to the drug."""
        return f"with {self.short()}"

    def lead(self, policy: Policy, row: RenalRow, ingredient: str) -> str:
        """The detail's first sentence: which eGFR, and the band of the label it falls in."""
        ref = f" ({self.lab.source})" if self.lab.source is not None else ""
        return (
            f"The latest {self.text(policy)}{ref} is in the {row.band} band of the {ingredient} "
            f"label ({cite(row)}): {row.says}."
        )

    def old(self, policy: Policy) -> str:
        """ " This eGFR is over 365 days old: repeat it before dosing." or ""."""
        if self.recent:
            return ""
        return f" This eGFR is over {policy.lab_recent_days} days old: repeat it before dosing."

    def key(self) -> str:
        """What a snooze of a card resting on this reading is tied to: the result."""
        return f"egfr|{self.lab.date.isoformat()}|{self.lab.comparator or ''}{self.value}"

    def later(self) -> str:
        """ " A later eGFR, of 2025-06-01, could not be read." or ""."""
        if self.later_unread is None:
            return ""
        ref = f" ({self.later_unread.source})" if self.later_unread.source is not None else ""
        return (
            f" A later eGFR, of {self.later_unread.date.isoformat()}{ref}, could not be read: "
            "check it in the chart."
        )


@dataclass(frozen=True, slots=True)
class KidneyFailure:
    """Dialysis or end-stage kidney disease coded, read as the labels' ESRD band (`esrd_row`)
    where no eGFR can be relied on (review 11 G1): on dialysis whatever the eGFR (an eGFR
    computed from a creatinine that dialysis removes does not measure kidney function); kidney
    failure coded (N18.6, N18.5) when no eGFR of the last policy.lab_recent_days is on record.
    No eGFR is ever made up from the code: the card names the code and its date."""

    finding: Finding
    dialysis: bool
    egfr: Egfr | None  # the latest comparable eGFR on record, named beside the code

    def row(self, ingredient: str) -> RenalRow | None:
        return esrd_row(ingredient)

    def when(self) -> str:
        """ "since 2023-02-01", "since 2023 (year only)", "date not recorded"."""
        f = self.finding
        return f"since {f.onset_text}" if f.onset else "date not recorded"

    def coded(self) -> str:
        """ "Z99.2 since 2023-02-01", "N18.6, date not recorded"."""
        f = self.finding
        return f"{f.code} {self.when()}" if f.onset else f"{f.code}, {self.when()}"

    def short(self) -> str:
        """ "on dialysis (Z99.2 since 2023-02-01)", "end-stage kidney disease coded (N18.6 since
        2022-03-01)": for a summary."""
        what = "on dialysis" if self.dialysis else "end-stage kidney disease coded"
        return f"{what} ({self.coded()})"

    def with_(self) -> str:
        return self.short() if self.dialysis else f"with {self.short()}"

    def text(self, policy: Policy) -> str:
        f = self.finding
        ref = f"; {f.source}" if f.source is not None else ""
        head = "on dialysis" if self.dialysis else "end-stage kidney disease coded"
        return f"{head}: {f.display} ({f.coding}, {self.when()}{ref})"

    def lead(self, policy: Policy, row: RenalRow, ingredient: str) -> str:
        egfr = self.egfr
        if egfr is None:
            beside = "No eGFR is on record"
        elif self.dialysis:
            beside = f"The latest {egfr.text(policy)} does not measure kidney function on dialysis"
        else:
            beside = f"The latest {egfr.text(policy)} is not current"
        text = self.text(policy)
        return (
            f"{text[0].upper()}{text[1:]}. {beside}: read as the {row.band} band of the {ingredient} "
            f"label ({cite(row)}), without an eGFR: {row.says}."
        )

    def old(self, policy: Policy) -> str:
        return ""

    def later(self) -> str:
        return ""

    def key(self) -> str:
        return f"{self.finding.kind.value}|{self.finding.code}"


Kidney = Egfr | KidneyFailure


def reading(record: PatientRecord, policy: Policy) -> Kidney | None:
    """What a renal check compares: dialysis coded, else the latest comparable eGFR when recent,
    else kidney failure coded, else the latest eGFR however old (compared, named as old), else
    None."""
    egfr = latest(record, policy)
    context = record.context
    dialysis = context.of(FindingKind.DIALYSIS)
    if dialysis:
        return KidneyFailure(_latest_coded(dialysis), True, egfr)
    if egfr is not None and egfr.recent:
        return egfr
    failure = context.of(FindingKind.KIDNEY_FAILURE)
    if failure:
        return KidneyFailure(_latest_coded(failure), False, egfr)
    return egfr


def _latest_coded(found: tuple[Finding, ...]) -> Finding:
    """The finding with the latest onset (an undated one counts as oldest)."""
    return max(found, key=lambda f: f.onset or date.min)


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
    text other than a bound, "see note", or in a unit neither table knows), else None."""
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
    egfr = reading(record, policy)
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
