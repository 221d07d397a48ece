"""The eGFR a renal check compares (`Egfr`, `latest`) and an eGFR that cannot be compared
(`unread`). A creatinine clearance on record (fhir_mapping/data/observation_codes.csv crcl: a
24-hour urine clearance, or one the lab predicted by Cockcroft-Gault) is read as the same kind of
reading (`Egfr.test` "crcl"), named as what it is (session 37 renal50, review K56a finding 7).

Which eGFR is read (`latest`): the latest one with a value this service can compare (a unit the
lab table knows); a later one that could not be read is named beside it. One older than
policy.lab_recent_days is still compared (kidney function that was low rarely recovers: the
safer reading) but is named as old, never as current. An eGFR reported as "< 60" is placed in the
worst band it could fall in, said as "may be below 30" (`Egfr.row`, `Egfr.may_be`).

eGFR and creatinine clearance side by side (`latest`, renal50): the labels set their bands in
creatinine clearance, which the record may hold beside an eGFR (CrCl 25 beside eGFR 50 read
"reduce by 25-50 %" for venlafaxine, not the severe band). The latest of each measure is taken;
when both are recent (or both old) the one whose band asks more is read (the lower value; a "< 30"
bound as low as it could be; a "> 60" bound last), the safer for the drug; a recent one is read
before an old one of the other measure, as a newer eGFR is read before an older lower one. The
card names the measure it read and the one it passed over. A clearance is never computed here
from weight and creatinine: a card claims no more than the record shows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from fhir_mapping.record import LabResult, PatientRecord
from services import cards, lab_safety
from services.card_format import plural
from services.policy import Policy
from services.renal_table import RenalRow, cite, lowest_below, row_for

# The kidney measures compared with the labels' bands, the eGFR first (it wins a tie).
_TESTS = ("egfr", "crcl")
_NAMES = {"egfr": "eGFR", "crcl": "creatinine clearance"}
_SHORT = {"egfr": "eGFR", "crcl": "CrCl"}


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
    # The measure: "egfr", or "crcl" (a creatinine clearance, in mL/min: the labels' own measure).
    test: str = "egfr"
    # The other measure's reading passed over for this one, and why, as the card says it ("It is
    # read rather than the eGFR 50 on 2025-05-20: ..."), else None.
    passed_over: str | None = None

    @property
    def name(self) -> str:
        """ "eGFR" or "creatinine clearance", as a card names the reading."""
        return _NAMES.get(self.test, self.test)

    @property
    def abbreviation(self) -> str:
        """ "eGFR" or "CrCl", for a summary."""
        return _SHORT.get(self.test, self.test)

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
        return f"{self.name} {lab_safety.text(self.lab)}{old}"

    def short(self) -> str:
        """ "eGFR 24 on 2025-05-20" (", old" when past the window; "eGFR < 15 on ..." for a
        bound), for a summary."""
        old = "" if self.recent else ", old"
        sign = f"{self.lab.comparator} " if self.lab.comparator else ""
        day = self.lab.date.isoformat()
        return f"{self.abbreviation} {sign}{cards.fmt_mg(self.value)} on {day}{old}"

    def with_(self) -> str:
        """ "with eGFR 24 on 2025-05-20", as a summary joins it to the drug."""
        return f"with {self.short()}"

    def lead(self, policy: Policy, row: RenalRow, ingredient: str) -> str:
        """The detail's first sentence: which eGFR, and the band of the label it falls in (or may
        fall in, for a bound that does not settle it)."""
        # The reading by its day (in self.text), never its resource id (session 21).
        past = f"{self.dialysis_past} " if self.dialysis_past is not None else ""
        bound = self.may_be(row)
        over = f" {self.passed_over}" if self.passed_over is not None else ""
        if bound is not None:
            ask = (
                "Get a measured eGFR, or estimate the creatinine clearance, before dosing."
                if self.test == "egfr"
                else "Get a measured creatinine clearance before dosing."
            )
            return (
                f"{past}The latest {self.text(policy)} is reported only as a bound: it may "
                f"be {bound} mL/min, in the {row.band} band of the {ingredient} label "
                f"({cite(row)}): {row.says}.{over} {ask}"
            )
        return (
            f"{past}The latest {self.text(policy)} is in the {row.band} band of the "
            f"{ingredient} label ({cite(row)}): {row.says}.{over}"
        )

    def old(self, policy: Policy) -> str:
        """ " This eGFR is over 365 days old: repeat it before dosing." or ""."""
        if self.recent:
            return ""
        return f" This {self.name} is over {plural(policy.lab_recent_days, 'day')} old: repeat it before dosing."

    def key(self) -> str:
        """What a snooze of a card resting on this reading is tied to: the result."""
        return f"{self.test}|{self.lab.date.isoformat()}|{self.lab.comparator or ''}{self.value}"

    def later(self) -> str:
        """ " A later eGFR, of 2025-06-01, could not be read." or ""."""
        if self.later_unread is None:
            return ""
        return (
            f" A later {self.name}, of {self.later_unread.date.isoformat()}, could not be read: "
            "check it in the chart."
        )


def latest(record: PatientRecord, policy: Policy) -> Egfr | None:
    """The kidney reading compared: the latest eGFR and the latest creatinine clearance with a
    value in a unit the lab table knows, the one whose band asks more when both are as recent
    (module doc), or None. On a tie the eGFR is read (as before clearance was read)."""
    found = [r for r in (_latest_of(record, policy, t) for t in _TESTS) if r is not None]
    if not found:
        return None
    read = min(found, key=_asks_less_rank)
    others = [r for r in found if r is not read]
    if not others:
        return read
    other = others[0]
    why = (
        "the more recent of the two kidney measures on record"
        if read.recent != other.recent
        else "the lower reading's band, the safer for the drug"
    )
    return replace(read, passed_over=f"It is read rather than the {other.short()}: {why}.")


def _asks_less_rank(reading: Egfr) -> tuple[bool, bool, float, int]:
    """Sorts the reading whose band asks more first: a recent one before an old one; a "> 60"
    bound (in no band: Egfr.row) after an exact value; then the lowest value the reading could
    have ("< 30" as low as 0, the worst band it could fall in); then the eGFR (the tie)."""
    comparator = reading.lab.comparator
    lowest = 0.0 if comparator in ("<", "<=") else reading.value
    return (not reading.recent, comparator in (">", ">="), lowest, _TESTS.index(reading.test))


def _latest_of(record: PatientRecord, policy: Policy, test: str) -> Egfr | None:
    """The latest result of `test` with a value in a unit the lab table knows, or None."""
    for lab in lab_safety.newest_first(record, test):
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
        test=test,
    )


def unread(record: PatientRecord) -> LabResult | None:
    """The latest eGFR on record when none has a value that can be compared (an eGFR sent as
    text other than a bound, "see note", or in a unit neither table knows), else None."""
    found = lab_safety.newest_first(record, "egfr")
    if not found or any(lab_safety.value(lab) is not None for lab in found):
        return None
    return found[0]
