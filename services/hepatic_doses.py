"""Labelled hepatic limits of antidepressants (review 12 findings 4 and 9): data/hepatic_doses.csv.

A patient with cirrhosis was drafted citalopram 40 mg/day (label: at most 20 mg/day in hepatic
impairment), escitalopram 20 (label: 10) and kept on venlafaxine 225 (label: halve it) with no card.
Each row of the table is one drug's label line for hepatic impairment: the severity it names, what
it says there ("at most 20 mg/day", "reduce by 50 %", "not recommended if severe") and where.

How the liver is read (`reading`): a chronic liver disease or cirrhosis coded on the problem list
(fhir_mapping/data/condition_codes.csv kind liver-disease: alcoholic liver disease, hepatic
failure, chronic hepatitis including chronic hepatitis B and C, NASH, fibrosis and cirrhosis,
portal hypertension). The Child-Pugh class is rarely coded, so the code is read as hepatic
impairment of UNKNOWN severity: each card names the code and its date, says the label's limit for
the severity the label names ("in moderate to severe hepatic impairment") and asks for the
severity to be assessed. It never claims a Child-Pugh class the record does not show; a row for
severe impairment is still said (the code may mean it: the safer reading), as "if severe".

Duloxetine and nefazodone are not in this table: their labels rule them out in chronic liver
disease, which data/drug_cautions.csv says (the contraindication and running-drug caution cards).
Transaminases (ALT, AST) are not read yet: the `labs` prefetch query has no room left under
MAX_QUERY_BYTES (services/catalog.py), see the review 12 H6 report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

from fhir_mapping.record import Finding, FindingKind, PatientRecord
from services import tables
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
        HepaticRow(
            ingredient=row["ingredient"].strip().lower(),
            severity=row["severity"].strip(),
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
        for row in tables._rows("hepatic_doses.csv")
    )


@cache
def drugs() -> frozenset[str]:
    """The ingredients whose labels set a hepatic limit (the table's)."""
    return frozenset(r.ingredient for r in rows())


def row_for(ingredient: str) -> HepaticRow | None:
    return next((r for r in rows() if r.ingredient == ingredient), None)


def cite(row: HepaticRow) -> str:
    """ "Celexa label 2.2 and 8.6", with ", UNVERIFIED: ..." for a row not read in the label."""
    unverified = ", UNVERIFIED: not read in the current label" if row.status == "UNVERIFIED" else ""
    return f"{row.cite}{unverified}"


def if_severity(row: HepaticRow) -> str:
    """ "in hepatic impairment", or "if it is severe" for a row the label limits to some
    severities: the record shows none (see the module docstring)."""
    if row.severity == "hepatic impairment":
        return "in hepatic impairment"
    words = row.severity.removesuffix(" hepatic impairment")
    return f"if the impairment is {words}"


@dataclass(frozen=True, slots=True)
class Liver:
    """The liver finding a hepatic check rests on: a chronic liver disease or cirrhosis code."""

    finding: Finding

    def text(self) -> str:
        """ "Unspecified cirrhosis of liver (http://hl7.org/fhir/sid/icd-10-cm K74.60, since
        2023-01-10)"."""
        since = f", since {self.finding.onset_text}" if self.finding.onset_text else ""
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


def reading(record: PatientRecord) -> Liver | None:
    """The liver-disease finding the checks name: the latest dated one (undated last), or None."""
    found = record.context.of(FindingKind.LIVER_DISEASE)
    if not found:
        return None
    return Liver(max(found, key=lambda f: f.onset or date.min))


_WORD = re.compile(r"[a-z][a-z-]+")


def caveat_line(record: PatientRecord, offered: Iterable[str]) -> str | None:
    """One line for a switch or augment list naming the offered drugs whose label limits them in
    hepatic impairment, with a liver code on record: "Liver: Alcoholic cirrhosis (K70.30) on
    record, severity not coded; labelled hepatic limits: venlafaxine: reduce ... (Effexor XR
    label 2 and 8.7); ...". None when no liver code or no offered drug has a row for the lists."""
    words = set(_WORD.findall(" ".join(offered).lower()))
    named = words & drugs()
    if not named:
        return None
    liver = reading(record)
    if liver is None:
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
