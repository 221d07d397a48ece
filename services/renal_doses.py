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
eGFR made up from it. A kidney transplant coded after every dialysis code, with an eGFR since
it, ends the dialysis reading: the eGFR decides, and the card says the dialysis code is read as
past (review 11 recheck 2 finding 5). An eGFR reported as "< 60" is placed in the worst band it
could fall in, said as "may be below 30" (`Egfr.row`, `Egfr.may_be`). Used by the order check
(order_checks/renal.py), the running-drug card (rules/running_renal.py) and the switch and
augment lists (`caveat_line`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from fhir_mapping.record import Finding, FindingKind, LabResult, PatientRecord
from services import cards, lab_safety, tables
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
    # The band's daily maximum: a "max" row's; a "reduce" row's ceiling above the reduced dose
    # (milnacipran below 30: 50 mg/day maintenance, up to 100 by response).
    max_mg: float | None
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
            on_lists=tables._flag(row["on_lists"]),
            at_order=tables._flag(row["at_order"]),
            source=row["source"].strip(),
            status=row["status"].strip(),
        )
        for row in tables._rows("renal_doses.csv")
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


def _lowest_below(ingredient: str, bound: float, inclusive: bool) -> RenalRow | None:
    """The lowest band of the drug's label that an eGFR below `bound` (at most `bound` when
    `inclusive`) could fall in: in every label of the table the lowest band is the most severe
    (`esrd_row`)."""
    found = [
        r
        for r in rows()
        if r.ingredient == ingredient
        and (r.egfr_from < bound or (inclusive and r.egfr_from <= bound))
    ]
    return min(found, key=lambda r: r.egfr_from) if found else None


@dataclass(frozen=True, slots=True)
class Egfr:
    """The eGFR a renal check compares: its result, value and whether it is recent."""

    lab: LabResult
    value: float
    recent: bool
    later_unread: LabResult | None  # a later eGFR whose value could not be read
    # "Kidney transplant (Z94.0, 2022-03-15): the dialysis code of 2018-03-01 (Z99.2) is read as
    # past." when this eGFR is read although dialysis is coded (`reading`), else None.
    dialysis_past: str | None = None

    def row(self, ingredient: str) -> RenalRow | None:
        """The band of the drug's label this eGFR falls in. A bound is read as what it says:
        "< 60" says only that the value is below 60 (it may be 20), so it is placed in the most
        severe band it could fall in, the lowest (review 11 recheck 2 finding 2: read as 59.99,
        duloxetine and desvenlafaxine 100 mg/day passed an 80-year-old with no card); `may_be`
        says so on the card. "< 15" and "< 30" fall in the band just below them, which is that
        band for every drug whose lowest band reaches 15 or 30. "> 60" (how labs report any eGFR
        above their reporting cut, KDIGO G1-G2) falls in no band: the true value may be 61 or
        120, and the labels' bands from 60 up are mild-impairment cautions a bound cannot place
        (no card rather than "mild renal impairment" the record does not show)."""
        comparator = self.lab.comparator
        if comparator in (">", ">="):
            return None
        if comparator in ("<", "<="):
            return _lowest_below(ingredient, self.value, comparator == "<=")
        return row_for(ingredient, self.value)

    def may_be(self, row: RenalRow) -> str | None:
        """ "below 30" when this eGFR is a bound ("< 60") that does not settle it is in `row`
        (the band `row()` placed it in, the worst it could be in): the card says it "may be
        below 30"; else None."""
        comparator = self.lab.comparator
        if comparator not in ("<", "<="):
            return None
        settled = self.value <= row.egfr_below if comparator == "<" else self.value < row.egfr_below
        return None if settled else f"below {cards.fmt_mg(row.egfr_below)}"

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
        """The detail's first sentence: which eGFR, and the band of the label it falls in (or may
        fall in, for a bound that does not settle it)."""
        ref = f" ({self.lab.source})" if self.lab.source is not None else ""
        past = f"{self.dialysis_past} " if self.dialysis_past is not None else ""
        bound = self.may_be(row)
        if bound is not None:
            return (
                f"{past}The latest {self.text(policy)}{ref} is reported only as a bound: it may "
                f"be {bound} mL/min, in the {row.band} band of the {ingredient} label "
                f"({cite(row)}): {row.says}. Get a measured eGFR, or estimate the creatinine "
                "clearance, before dosing."
            )
        return (
            f"{past}The latest {self.text(policy)}{ref} is in the {row.band} band of the "
            f"{ingredient} label ({cite(row)}): {row.says}."
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
    # A kidney transplant coded after the dialysis code but no eGFR since it: named, and the
    # dialysis reading kept (nothing measures the kidney since; the safer reading).
    transplant: Finding | None = None

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
        t = self.transplant
        transplant = (
            f" A kidney transplant ({t.code}, {t.onset_text}) is coded after it, but no eGFR since:"
            " confirm whether dialysis is current."
            if t is not None
            else ""
        )
        return (
            f"{text[0].upper()}{text[1:]}. {beside}: read as the {row.band} band of the {ingredient} "
            f"label ({cite(row)}), without an eGFR: {row.says}.{transplant}"
        )

    def old(self, policy: Policy) -> str:
        return ""

    def later(self) -> str:
        return ""

    def key(self) -> str:
        return f"{self.finding.kind.value}|{self.finding.code}"


Kidney = Egfr | KidneyFailure


def reading(record: PatientRecord, policy: Policy) -> Kidney | None:
    """What a renal check compares: dialysis coded (unless a kidney transplant coded after it,
    with an eGFR since, ends it: `_after_transplant`), else the latest comparable eGFR when
    recent, else kidney failure coded, else the latest eGFR however old (compared, named as old),
    else None."""
    egfr = latest(record, policy)
    context = record.context
    dialysis = context.of(FindingKind.DIALYSIS)
    if dialysis:
        coded = _latest_coded(dialysis)
        transplant = _after_transplant(dialysis, context.of(FindingKind.KIDNEY_TRANSPLANT))
        if transplant is None:
            return KidneyFailure(coded, True, egfr)
        if egfr is None or egfr.lab.date < (transplant.onset_latest or date.max):
            return KidneyFailure(coded, True, egfr, transplant)
        past = (
            f"Kidney transplant ({transplant.code}, {transplant.onset_text}): the dialysis code "
            f"of {coded.onset_text} ({coded.code}) is read as past."
        )
        egfr = replace(egfr, dialysis_past=past)
    if egfr is not None and egfr.recent:
        return egfr
    failure = context.of(FindingKind.KIDNEY_FAILURE)
    if failure:
        return KidneyFailure(_latest_coded(failure), False, egfr)
    return egfr


def _after_transplant(
    dialysis: tuple[Finding, ...], transplants: tuple[Finding, ...]
) -> Finding | None:
    """The latest kidney transplant coded after every dialysis code, or None (review 11 recheck 2
    finding 5: Z99.2 of 2018 left active on the problem list after a transplant in 2022 made a
    current eGFR of 58 read as dialysis). A dialysis code or transplant without a date, or a
    transplant before the dialysis code (the graft failed, dialysis again), keeps the dialysis
    reading: the order cannot be told, and dialysis is the safer reading for the drug."""
    if any(f.onset is None for f in dialysis):
        return None
    last = max(f.onset_latest or date.max for f in dialysis)
    after = [t for t in transplants if t.onset is not None and t.onset > last]
    return max(after, key=lambda t: t.onset or date.min) if after else None


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

    def said(r: RenalRow) -> str:
        bound = egfr.may_be(r) if isinstance(egfr, Egfr) else None
        return f"{r.ingredient}: {r.short}" + (f" (if {bound})" if bound is not None else "")

    parts = "; ".join(said(r) for r in found)
    past = egfr.dialysis_past if isinstance(egfr, Egfr) else None
    read = f" ({past[0].lower()}{past[1:].rstrip('.')})" if past else ""
    return f"Kidney function: {egfr.text(policy)}{read}; labelled renal limits: {parts}."
