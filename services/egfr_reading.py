"""The eGFR a renal check compares (`Egfr`, `latest`) and an eGFR that cannot be compared
(`unread`).

Which eGFR is read (`latest`): the latest one with a value this service can compare (a unit the
lab table knows); a later one that could not be read is named beside it. One older than
policy.lab_recent_days is still compared (kidney function that was low rarely recovers: the
safer reading) but is named as old, never as current. An eGFR reported as "< 60" is placed in the
worst band it could fall in, said as "may be below 30" (`Egfr.row`, `Egfr.may_be`).
"""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping.record import LabResult, PatientRecord
from services import cards, lab_safety
from services.card_format import plural
from services.policy import Policy
from services.renal_table import RenalRow, cite, lowest_below, row_for


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
            return lowest_below(ingredient, self.value, comparator == "<=")
        return row_for(ingredient, self.value)

    def may_be(self, row: RenalRow) -> str | None:
        """ "below 30" when this eGFR is a bound ("< 60") that does not settle it is in `row`
        (the band `row()` placed it in, the worst it could be in): the card says it "may be
        below 30"; else None."""
        comparator = self.lab.comparator
        if comparator not in ("<", "<="):
            return None
        settled = self.value <= row.egfr_below if comparator == "<" else self.value < row.egfr_below
        return None if settled else row.upper_words()

    def text(self, policy: Policy) -> str:
        """ "eGFR 24 mL/min/1.73 m2 on 2025-05-20", "... (over 365 days old)"."""
        old = "" if self.recent else f" (over {plural(policy.lab_recent_days, 'day')} old)"
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
        # The reading by its day (in self.text), never its resource id (session 21).
        past = f"{self.dialysis_past} " if self.dialysis_past is not None else ""
        bound = self.may_be(row)
        if bound is not None:
            return (
                f"{past}The latest {self.text(policy)} is reported only as a bound: it may "
                f"be {bound} mL/min, in the {row.band} band of the {ingredient} label "
                f"({cite(row)}): {row.says}. Get a measured eGFR, or estimate the creatinine "
                "clearance, before dosing."
            )
        return (
            f"{past}The latest {self.text(policy)} is in the {row.band} band of the "
            f"{ingredient} label ({cite(row)}): {row.says}."
        )

    def old(self, policy: Policy) -> str:
        """ " This eGFR is over 365 days old: repeat it before dosing." or ""."""
        if self.recent:
            return ""
        return f" This eGFR is over {plural(policy.lab_recent_days, 'day')} old: repeat it before dosing."

    def key(self) -> str:
        """What a snooze of a card resting on this reading is tied to: the result."""
        return f"egfr|{self.lab.date.isoformat()}|{self.lab.comparator or ''}{self.value}"

    def later(self) -> str:
        """ " A later eGFR, of 2025-06-01, could not be read." or ""."""
        if self.later_unread is None:
            return ""
        return (
            f" A later eGFR, of {self.later_unread.date.isoformat()}, could not be read: "
            "check it in the chart."
        )


def latest(record: PatientRecord, policy: Policy) -> Egfr | None:
    """The latest eGFR with a value in a unit the lab table knows, or None."""
    for lab in lab_safety.newest_first(record, "egfr"):
        number = lab_safety.value(lab)
        if number is not None:
            break
    else:
        return None
    return Egfr(
        lab=lab,
        value=number,
        recent=lab_safety.is_recent(record, policy, lab),
        later_unread=lab_safety.unread_after(record, lab),
    )


def unread(record: PatientRecord) -> LabResult | None:
    """The latest eGFR on record when none has a value that can be compared (an eGFR sent as
    text other than a bound, "see note", or in a unit neither table knows), else None."""
    found = lab_safety.newest_first(record, "egfr")
    if not found or any(lab_safety.value(lab) is not None for lab in found):
        return None
    return found[0]
