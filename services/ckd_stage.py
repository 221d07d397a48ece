"""CKD stage 4 or 3 coded with no eGFR on record (`CkdStage`).

The stage's eGFR range (data/ckd_stages.csv, KDIGO) is placed against each label: the lowest band
it overlaps (stage 4, 15-29: duloxetine's "avoid below 30"); a band covering only part of the
range (stage 3, 30-59, against desvenlafaxine's 30-50) is said as "may be 30-50", never as
settled. A stage whose range meets no band of the drug (stage 3 against duloxetine) makes no stage
card. Several stages coded: the most severe is read (the safer reading; `coded_stage`). When the
stage is read at all is services/renal_doses.py `reading`'s choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from fhir_mapping.record import Finding, FindingKind, LabResult, PatientRecord
from services import cards, tables
from services.egfr_reading import Egfr, unread
from services.policy import Policy
from services.renal_table import RenalRow, cite, rows


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
            if r.key == ingredient and r.egfr_from < s.egfr_below and r.egfr_below > s.egfr_from
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
            # By its day, never its resource id (a lab result is always dated: session 21).
            return (
                f"the latest {self.older.name}, {cards.fmt_mg(self.older.value)} on "
                f"{lab.date.isoformat()}"
                ", is older than the code and not recent"
            )
        if self.unread is None:
            return "no eGFR on record"
        return f"the eGFR of {self.unread.date.isoformat()} has no value this service can compare"

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
        # The Condition's id only when it has no onset to name it by (cards.record_cite).
        ref = cards.record_cite(f.source, f.onset is not None, "; {}")
        when = f.onset_phrase or "date not recorded"
        return (
            f"CKD stage {self.stage.stage} coded: {f.display} ({f.coding}, {when}{ref}), "
            f"{self.stage.text()}; {self.missing()}"
        )

    def lead(self, policy: Policy, row: RenalRow, ingredient: str) -> str:
        f = self.finding
        # The Condition's id only when it has no onset to name it by (cards.record_cite).
        ref = cards.record_cite(f.source, f.onset is not None, "; {}")
        when = f.onset_phrase or "date not recorded"
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


def coded_stage(record: PatientRecord, older: Egfr | None) -> CkdStage | None:
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
