"""Dialysis or kidney failure coded, read as the labels' ESRD band (`KidneyFailure`, review 11 G1).

On dialysis the label's ESRD band applies whatever the eGFR; kidney failure coded (N18.6) applies
it when no recent eGFR is on record (which applies: services/renal_doses.py `reading`). The card
names the code and its date ("on dialysis (Z99.2 since 2023-02-01)"), or the latest dialysis
session (services/dialysis_sessions.py), never an eGFR made up from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping.record import Finding
from services.dialysis_sessions import DialysisSessions
from services.egfr_reading import Egfr
from services.policy import Policy
from services.renal_table import RenalRow, cite, esrd_row


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
        return f.onset_phrase or "date not recorded"

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
