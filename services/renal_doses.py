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

Dialysis documented only as Procedures (session 12 H1): Synthea writes haemodialysis as SNOMED
302497006 Procedures, Epic and Oracle send CPT 90935/90937 (haemodialysis), 90945/90947 (other
dialysis) or 90960-90970 (monthly ESRD services); a patient dialysed three times a week with no
Z99.2 got no renal band. A dialysis Procedure (ProcedureKind.DIALYSIS, completed or in-progress)
whose last day is within policy.dialysis_procedure_recent_days reads as on dialysis, worded as
the code is ("on dialysis (haemodialysis, CPT 90935, last 2025-05-28)"); an older one does not
(`dialysis_sessions`). A kidney transplant coded after every dialysis code and session, with an
eGFR since, ends it as it ends a coded dialysis. An undated session is not read (it cannot be
placed in the window). A coded dialysis is named before sessions when both are on record.

CKD stage 4 or 3 coded with no eGFR on record (session 12 H1; `CkdStage`): the stage's eGFR
range (data/ckd_stages.csv, KDIGO) is placed against each label: the lowest band it overlaps
(stage 4, 15-29: duloxetine's "avoid below 30"); a band covering only part of the range (stage 3,
30-59, against desvenlafaxine's 30-50) is said as "may be 30-50", never as settled. A stage
whose range meets no band of the drug (stage 3 against duloxetine) makes no stage card. With an
eGFR on record the eGFR decides and the code adds nothing; kidney failure coded (N18.5/N18.6)
comes first. Several stages coded: the most severe is read (the safer reading).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from fhir_mapping.clinical_codes import procedure_codes
from fhir_mapping.code_systems import CPT, SNOMED
from fhir_mapping.record import (
    Finding,
    FindingKind,
    LabResult,
    PatientRecord,
    ProcedureKind,
    ProcedureRecord,
)
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
    # Dialysis read from Procedures alone (no dialysis code): `finding` is then the latest
    # session, and the card says "last <date>", never "since".
    sessions: DialysisSessions | None = None

    def row(self, ingredient: str) -> RenalRow | None:
        return esrd_row(ingredient)

    def when(self) -> str:
        """ "since 2023-02-01", "since 2023 (year only)", "date not recorded"; "last 2025-05-28"
        for a dialysis session."""
        if self.sessions is not None:
            return f"last {self.sessions.last_day.isoformat()}"
        f = self.finding
        return f"since {f.onset_text}" if f.onset else "date not recorded"

    def coded(self) -> str:
        """ "Z99.2 since 2023-02-01", "N18.6, date not recorded", "haemodialysis, CPT 90935, last
        2025-05-28"."""
        if self.sessions is not None:
            return f"{self.sessions.named()}, {self.when()}"
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
        count = f"; {self.sessions.counted()}" if self.sessions is not None else ""
        return f"{head}: {f.display} ({f.coding}, {self.when()}{count}{ref})"

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


@dataclass(frozen=True, slots=True)
class DialysisSessions:
    """The dialysis Procedures whose last day is within policy.dialysis_procedure_recent_days:
    the latest, and how many (`dialysis_sessions`)."""

    last: ProcedureRecord
    last_day: date
    count: int
    window_days: int

    def named(self) -> str:
        """ "haemodialysis, CPT 90935": the code table's few words (procedure_codes.csv `short`),
        then the code."""
        row = procedure_codes().get((self.last.system, self.last.code))
        system = _SYSTEM_NAMES.get(self.last.system, self.last.system)
        coded = f"{system} {self.last.code}".strip()
        return f"{row.short}, {coded}" if row is not None and row.short else coded

    def display(self) -> str:
        row = procedure_codes().get((self.last.system, self.last.code))
        return row.display if row is not None else "Dialysis procedure"

    def counted(self) -> str:
        """ "12 dialysis procedures in the last 90 days"."""
        plural = "procedure" if self.count == 1 else "procedures"
        return f"{self.count} dialysis {plural} in the last {self.window_days} days"

    def finding(self) -> Finding:
        """The latest session as the finding KidneyFailure names (`sessions` set beside it)."""
        p = self.last
        return Finding(
            FindingKind.DIALYSIS, p.code, p.system, self.display(), self.last_day, p.source
        )


# How a card names a procedure code's system ("CPT 90935"); the URI for any other system.
_SYSTEM_NAMES = {CPT: "CPT", SNOMED: "SNOMED CT"}


def dialysis_sessions(record: PatientRecord, policy: Policy) -> DialysisSessions | None:
    """The dialysis Procedures (ProcedureKind.DIALYSIS; the mapping keeps completed and
    in-progress ones) whose last day (the end of a performedPeriod, else its date) is at most
    policy.dialysis_procedure_recent_days before as-of, or None. An undated one is not read."""
    window = policy.dialysis_procedure_recent_days
    found = [
        (day, p)
        for p in record.procedures
        if p.kind is ProcedureKind.DIALYSIS
        and (day := p.performed_end or p.date) is not None
        and 0 <= (record.as_of - day).days <= window
    ]
    if not found:
        return None
    day, last = max(found, key=lambda pair: pair[0])
    return DialysisSessions(last, day, len(found), window)


@dataclass(frozen=True, slots=True)
class CkdRange:
    """The eGFR range of a CKD stage (data/ckd_stages.csv, KDIGO GFR categories)."""

    kind: FindingKind
    stage: str  # "4", "3", "3a", "3b"
    egfr_from: float  # inclusive
    egfr_below: float  # exclusive
    cite: str  # "KDIGO"

    def text(self) -> str:
        """ "eGFR 15-29 by definition, KDIGO" (eGFR is reported in whole numbers)."""
        top = cards.fmt_mg(self.egfr_below - 1)
        return f"eGFR {cards.fmt_mg(self.egfr_from)}-{top} by definition, {self.cite}"


@cache
def ckd_stages() -> dict[FindingKind, CkdRange]:
    return {
        FindingKind(row["kind"].strip()): CkdRange(
            kind=FindingKind(row["kind"].strip()),
            stage=row["stage"].strip(),
            egfr_from=float(row["egfr_from"]),
            egfr_below=float(row["egfr_below"]),
            cite=row["cite"].strip(),
        )
        for row in tables._rows("ckd_stages.csv")
    }


@dataclass(frozen=True, slots=True)
class CkdStage:
    """CKD stage 4 or 3 coded with no comparable eGFR on record: the stage's eGFR range is read
    against each label's bands (module doc). No eGFR is made up: the card names the code, the
    range by definition, and asks for a measured eGFR."""

    finding: Finding
    stage: CkdRange
    unread: LabResult | None  # an eGFR on record whose value could not be compared
    # The latest eGFR when it is not recent and predates the stage code (`reading`): named as
    # older, never compared.
    older: Egfr | None = None

    def row(self, ingredient: str) -> RenalRow | None:
        """The lowest band of the drug's label that the stage's range overlaps (the most severe
        it could be in), or None when the range meets no band (stage 3 and duloxetine)."""
        s = self.stage
        found = [
            r
            for r in rows()
            if r.ingredient == ingredient
            and r.egfr_from < s.egfr_below
            and r.egfr_below > s.egfr_from
        ]
        return min(found, key=lambda r: r.egfr_from) if found else None

    def may_be(self, row: RenalRow) -> str | None:
        """ "30-50" when `row` covers only part of the stage's range (stage 3, 30-59, against
        desvenlafaxine's 30-50 band): the card says it "may be 30-50"; None when it covers it."""
        s = self.stage
        if row.egfr_from <= s.egfr_from and s.egfr_below <= row.egfr_below:
            return None
        low = max(row.egfr_from, s.egfr_from)
        high = min(row.egfr_below, s.egfr_below) - 1
        return f"{cards.fmt_mg(low)}-{cards.fmt_mg(high)}"

    def missing(self) -> str:
        """ "no eGFR on record", the eGFR on record that could not be compared, or the older
        eGFR the code came after."""
        if self.older is not None:
            lab = self.older.lab
            ref = f" ({lab.source})" if lab.source is not None else ""
            return (
                f"the latest eGFR, {cards.fmt_mg(self.older.value)} on {lab.date.isoformat()}"
                f"{ref}, is older than the code and not recent"
            )
        if self.unread is None:
            return "no eGFR on record"
        ref = f" ({self.unread.source})" if self.unread.source is not None else ""
        return (
            f"the eGFR of {self.unread.date.isoformat()}{ref} has no value this service can compare"
        )

    def coded(self) -> str:
        """ "CKD stage 4 coded (eGFR 15-29 by definition, KDIGO)"."""
        return f"CKD stage {self.stage.stage} coded ({self.stage.text()})"

    def short(self) -> str:
        return f"{self.coded()}, no eGFR"

    def with_(self) -> str:
        """ "with CKD stage 4 coded (eGFR 15-29 by definition, KDIGO) and no eGFR"."""
        return f"with {self.coded()} and no eGFR"

    def text(self, policy: Policy) -> str:
        f = self.finding
        ref = f"; {f.source}" if f.source is not None else ""
        when = f"since {f.onset_text}" if f.onset else "date not recorded"
        return (
            f"CKD stage {self.stage.stage} coded: {f.display} ({f.coding}, {when}{ref}), "
            f"{self.stage.text()}; {self.missing()}"
        )

    def lead(self, policy: Policy, row: RenalRow, ingredient: str) -> str:
        f = self.finding
        ref = f"; {f.source}" if f.source is not None else ""
        when = f"since {f.onset_text}" if f.onset else "date not recorded"
        bound = self.may_be(row)
        where = (
            f"may be {bound} mL/min, in the {row.band} band"
            if bound is not None
            else f"falls in the {row.band} band"
        )
        return (
            f"{self.coded()}; {self.missing()}: measure one before dosing {ingredient}. "
            f"{f.display} ({f.coding}, {when}{ref}): the stage's range {where} of the "
            f"{ingredient} label ({cite(row)}): {row.says}."
        )

    def old(self, policy: Policy) -> str:
        return ""

    def later(self) -> str:
        return ""

    def key(self) -> str:
        return f"{self.finding.kind.value}|{self.finding.code}"


Kidney = Egfr | KidneyFailure | CkdStage


def reading(record: PatientRecord, policy: Policy) -> Kidney | None:
    """What a renal check compares: dialysis coded or a recent dialysis Procedure (unless a kidney
    transplant coded after it, with an eGFR since, ends it: `_after_transplant`), else the latest
    comparable eGFR when recent, else kidney failure coded, else the latest eGFR however old
    (compared, named as old), else CKD stage 4 or 3 coded (`CkdStage`), else None."""
    egfr = latest(record, policy)
    context = record.context
    dialysis = context.of(FindingKind.DIALYSIS)
    sessions = dialysis_sessions(record, policy)
    if dialysis or sessions is not None:
        # A code is named before sessions (its wording and snooze key as before); both count
        # when a transplant is placed after them.
        read_sessions: DialysisSessions | None = None
        if dialysis:
            named = _latest_coded(dialysis)
        else:
            assert sessions is not None  # one of the two, by the condition above
            named, read_sessions = sessions.finding(), sessions
        days: list[date | None] = [f.onset_latest for f in dialysis]
        if sessions is not None:
            days.append(sessions.last_day)
        transplant = _after_transplant(days, context.of(FindingKind.KIDNEY_TRANSPLANT))
        if transplant is None:
            return KidneyFailure(named, True, egfr, sessions=read_sessions)
        if egfr is None or egfr.lab.date < (transplant.onset_latest or date.max):
            return KidneyFailure(named, True, egfr, transplant, sessions=read_sessions)
        what = "session" if read_sessions is not None else "code"
        code = read_sessions.named() if read_sessions is not None else named.code
        past = (
            f"Kidney transplant ({transplant.code}, {transplant.onset_text}): the dialysis {what} "
            f"of {named.onset_text} ({code}) is read as past."
        )
        egfr = replace(egfr, dialysis_past=past)
    if egfr is not None and egfr.recent:
        return egfr
    failure = context.of(FindingKind.KIDNEY_FAILURE)
    if failure:
        return KidneyFailure(_latest_coded(failure), False, egfr)
    if egfr is None:
        return _ckd_stage(record, None)
    # An old eGFR (not recent) with a CKD stage coded after it: the code is the newer word on the
    # kidney, so it is read, the eGFR named as older (the safer reading: a stage 4 code of this
    # year beside an eGFR of 70 from 2019 must not read as normal kidneys).
    stage = _ckd_stage(record, egfr)
    if (
        stage is not None
        and stage.finding.onset is not None
        and stage.finding.onset > egfr.lab.date
    ):
        return stage
    return egfr


def _ckd_stage(record: PatientRecord, older: Egfr | None) -> CkdStage | None:
    """The most severe CKD stage coded (the lowest range; the latest code among equals), or
    None. Read only when no comparable eGFR is on record (`reading`)."""
    stages = ckd_stages()
    found = [(stages[f.kind], f) for kind in stages for f in record.context.of(kind)]
    if not found:
        return None
    stage, finding = min(
        found,
        key=lambda pair: (
            pair[0].egfr_below,
            pair[0].egfr_from,
            -(pair[1].onset or date.min).toordinal(),
        ),
    )
    return CkdStage(finding, stage, unread(record), older)


def _after_transplant(
    dialysis: list[date | None], transplants: tuple[Finding, ...]
) -> Finding | None:
    """The latest kidney transplant coded after every dialysis code and session (`dialysis`:
    their dates, None for an undated code), or None (review 11 recheck 2 finding 5: Z99.2 of
    2018 left active on the problem list after a transplant in 2022 made a current eGFR of 58
    read as dialysis). A dialysis code or transplant without a date, or a transplant before the
    dialysis code or a session (the graft failed, dialysis again), keeps the dialysis reading:
    the order cannot be told, and dialysis is the safer reading for the drug."""
    if any(day is None for day in dialysis):
        return None
    last = max(day or date.max for day in dialysis)
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
        bound = egfr.may_be(r) if isinstance(egfr, Egfr | CkdStage) else None
        return f"{r.ingredient}: {r.short}" + (f" (if {bound})" if bound is not None else "")

    parts = "; ".join(said(r) for r in found)
    past = egfr.dialysis_past if isinstance(egfr, Egfr) else None
    read = f" ({past[0].lower()}{past[1:].rstrip('.')})" if past else ""
    return f"Kidney function: {egfr.text(policy)}{read}; labelled renal limits: {parts}."
