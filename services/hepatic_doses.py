"""Labelled hepatic limits of antidepressants (review 12 findings 4 and 9): data/hepatic_doses.csv.

A patient with cirrhosis was drafted citalopram 40 mg/day (label: at most 20 mg/day in hepatic
impairment), escitalopram 20 (label: 10) and kept on venlafaxine 225 (label: halve it) with no card.
Each row of the table is one drug's label line for hepatic impairment: the severity it names, what
it says there ("at most 20 mg/day", "reduce by 50 %", "not recommended if severe") and where.

How the liver is read (`reading`): a code on the problem list that means hepatic impairment is
likely (fhir_mapping/data/condition_codes.csv kind liver-disease with severity "impairment":
cirrhosis, alcoholic cirrhosis, hepatic failure, portal hypertension, hepatorenal syndrome),
active, and not followed by a liver transplant (`Transplant`: the codes before it are the native
liver's). Chronic liver disease without such a code (chronic hepatitis B or C, NASH, alcoholic
fatty liver or hepatitis, hepatic fibrosis) or a cirrhosis recorded resolved is NOT read as
impairment (recheck 12 findings 3 and 4): the labels' limits are for hepatic impairment
(Child-Pugh), and a chronic hepatitis B carrier is not impaired by default, so a dose-limit card
there would be noise on every chart open. The order hook says it once, as information, for a
drafted dose the limit would reach (`Unread`, order_checks/hepatic.py); nothing on chart open.
Duloxetine's and nefazodone's labels speak of chronic or active liver disease, so their cards
(data/drug_cautions.csv) still read every liver-disease code. The Child-Pugh class is rarely
coded, so an impairment code is read as hepatic impairment of UNKNOWN severity: each card names the code and its date, says the label's limit for
the severity the label names ("in moderate to severe hepatic impairment") and asks for the
severity to be assessed. It never claims a Child-Pugh class the record does not show; a row for
severe impairment is still said (the code may mean it: the safer reading), as "if severe".

Duloxetine and nefazodone are not in this table: their labels rule them out in chronic liver
disease, which data/drug_cautions.csv says (the contraindication and running-drug caution cards).
Transaminases (ALT, AST; the `liverTests` prefetch key) count for nefazodone and duloxetine only
(services/transaminases.py, review 12 H10), whose labels speak of them: a raised ALT is not read
here as hepatic impairment of any severity, and makes no dose-limit card for the drugs below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from fhir_mapping.record import Finding, FindingKind, PatientRecord
from services import tables
from services.label_columns import cite as cite
from services.label_columns import label_columns
from services.recommendation import Indicator

# Said once on every card resting on a liver code: why no Child-Pugh class is named.
ASSESS_NOTE = (
    "The Child-Pugh class is not on record: the code is read as hepatic impairment of unknown "
    "severity. Assess it (bilirubin, albumin, INR, ascites, encephalopathy) before dosing."
)


@dataclass(frozen=True, slots=True)
class HepaticRow:
    ingredient: str
    severity: str  # the label's words: "moderate to severe hepatic impairment"
    action: str  # "avoid" | "max" | "reduce" | "caution"
    max_mg: float | None  # a "max" row's labelled daily maximum
    says: str  # the label's line, as a card quotes it
    short: str  # the same in a few words, for the switch and augment lists
    cite: str  # "Celexa label 2.2 and 8.6"
    indicator: Indicator
    on_lists: bool  # named beside the drug where the patient-view lists offer it
    at_order: bool  # makes an order card
    source: str
    status: str


@cache
def rows() -> tuple[HepaticRow, ...]:
    return tuple(
        HepaticRow(**label_columns(row), severity=row["severity"].strip())
        for row in tables._rows("hepatic_doses.csv")
    )


@cache
def drugs() -> frozenset[str]:
    """The ingredients whose labels set a hepatic limit (the table's)."""
    return frozenset(r.ingredient for r in rows())


def row_for(ingredient: str) -> HepaticRow | None:
    return next((r for r in rows() if r.ingredient == ingredient), None)


def if_severity(row: HepaticRow) -> str:
    """ "in hepatic impairment", or "if it is severe" for a row the label limits to some
    severities: the record shows none (see the module docstring)."""
    if row.severity == "hepatic impairment":
        return "in hepatic impairment"
    words = row.severity.removesuffix(" hepatic impairment")
    return f"if the impairment is {words}"


@dataclass(frozen=True, slots=True)
class Liver:
    """The liver finding a hepatic check rests on: a current cirrhosis or hepatic failure code."""

    finding: Finding

    def text(self) -> str:
        """ "Unspecified cirrhosis of liver (http://hl7.org/fhir/sid/icd-10-cm K74.60, since
        2023-01-10)"."""
        since = f", {self.finding.onset_phrase}" if self.finding.onset_phrase else ""
        return f"{self.finding.display} ({self.finding.coding}{since})"

    def short(self) -> str:
        """ "Unspecified cirrhosis of liver (K74.60)", for a summary."""
        return f"{self.finding.display} ({self.finding.code})"

    def with_(self) -> str:
        return f"with {self.short()} on record"

    def lead(self, row: HepaticRow) -> str:
        """The detail's first sentence: the code and what the label says for the severity."""
        return (
            f"{self.text()} is on record. The {row.ingredient} label ({cite(row)}), "
            f"{if_severity(row)}: {row.says}."
        )

    def key(self) -> str:
        """What a snooze of a card resting on this code is tied to."""
        onset = self.finding.onset.isoformat() if self.finding.onset else ""
        return f"liver|{self.finding.code}|{onset}"


# condition_codes.csv severity of the liver rows whose code means hepatic impairment is likely
# (fhir_mapping/conditions.py keeps it only while the condition is active).
IMPAIRMENT = "impairment"


def _latest(found: Iterable[Finding]) -> Finding:
    """The latest dated finding (an undated one counts as oldest)."""
    return max(found, key=lambda f: f.onset or date.min)


def _transplant_after(impaired: Sequence[Finding], record: PatientRecord) -> Finding | None:
    """The latest liver transplant dated after every impairment code, or None. An undated code
    or transplant keeps the impairment reading (the order cannot be told; the limit is the safer
    reading for the drug), as a kidney transplant ends dialysis in renal_doses.py."""
    if not impaired or any(f.onset is None for f in impaired):
        return None
    last = max(f.onset or date.max for f in impaired)
    after = [
        t
        for t in record.context.of(FindingKind.LIVER_TRANSPLANT)
        if t.onset is not None and t.onset > last
    ]
    return _latest(after) if after else None


def reading(record: PatientRecord) -> Liver | None:
    """The impairment finding the dose-limit checks name (the latest active cirrhosis or hepatic
    failure code, not followed by a liver transplant), or None (nearly every chart)."""
    found = record.context.of(FindingKind.LIVER_DISEASE)
    if not found:
        return None
    impaired = [f for f in found if f.severity == IMPAIRMENT]
    if not impaired or _transplant_after(impaired, record) is not None:
        return None
    return Liver(_latest(impaired))


@dataclass(frozen=True, slots=True)
class Unread:
    """Liver disease on record that is not read as hepatic impairment: a chronic liver disease
    without an impairment code, a cirrhosis recorded resolved, or one followed by a transplant.
    The order hook names it once, as information (`line`)."""

    finding: Finding
    transplant: Finding | None

    def named(self) -> str:
        """ "Liver transplant status (Z94.4)" or "Chronic viral hepatitis B without delta-agent
        (B18.1)", for a summary."""
        f = self.transplant or self.finding
        return f"{f.display} ({f.code})"

    def why(self) -> str:
        """Why the liver code is not read as hepatic impairment, naming it and its date."""
        f = self.finding
        since = f", {f.onset_phrase}" if f.onset_phrase else ""
        if self.transplant is not None:
            t = self.transplant
            when = f", {t.onset_text}" if t.onset_text else ""
            return (
                f"{t.display} ({t.code}{when}) is dated after {f.display} ({f.code}{since}): "
                "that code is read as the native liver's, not as current hepatic impairment."
            )
        if f.severity is not None and f.severity.startswith(IMPAIRMENT):
            return (
                f"{f.display} ({f.code}{since}) is recorded as resolved or inactive: not read "
                "as current hepatic impairment."
            )
        return (
            f"{f.display} ({f.code}{since}) is on record with no cirrhosis or hepatic failure "
            "coded: not read as hepatic impairment (the labels' limits are for impairment, "
            "graded by Child-Pugh, not for liver disease as such)."
        )

    def line(self, row: HepaticRow) -> str:
        """ "the sertraline label's hepatic limit (a lower or less frequent dose) applies in
        hepatic impairment: assess the liver function (Zoloft label 2 and 8.6)"."""
        return (
            f"the {row.ingredient} label's hepatic limit ({row.short}) applies "
            f"{if_severity(row)}: assess the liver function ({cite(row)})."
        )


def unread(record: PatientRecord) -> Unread | None:
    """The liver disease on record not read as impairment (see `Unread`), or None: no liver
    code, or one `reading` reads as impairment."""
    found = record.context.of(FindingKind.LIVER_DISEASE)
    if not found or reading(record) is not None:
        return None
    impaired = [f for f in found if f.severity and f.severity.startswith(IMPAIRMENT)]
    return Unread(_latest(impaired or found), _transplant_after(impaired, record))


_WORD = re.compile(r"[a-z][a-z-]+")


def caveat_line(record: PatientRecord, offered: Iterable[str]) -> str | None:
    """One line for a switch or augment list naming the offered drugs whose label limits them in
    hepatic impairment, with an impairment code on record: "Liver: Alcoholic cirrhosis (K70.30)
    on record, severity not coded; labelled hepatic limits: venlafaxine: reduce ... (Effexor XR
    label 2 and 8.7); ...". None when no impairment code (most charts: checked first, before the
    offered names are read) or no offered drug has a row for the lists."""
    liver = reading(record)
    if liver is None:
        return None
    words = set(_WORD.findall(" ".join(offered).lower()))
    named = words & drugs()
    if not named:
        return None
    found = [r for r in rows() if r.ingredient in named and r.on_lists]
    if not found:
        return None
    parts = "; ".join(
        f"{r.ingredient}: {r.short}"
        + ("" if r.severity == "hepatic impairment" else f" ({r.severity})")
        + f", {cite(r)}"
        for r in found
    )
    return (
        f"Liver: {liver.text()}; Child-Pugh class not on record (assess it); labelled hepatic "
        f"limits: {parts}."
    )
