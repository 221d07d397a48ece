"""When a draft order is taken: the day its first dose is written for, and, for a draft that
takes the drug down to a stop, the day of its last dose (review s20 RB findings 1-3).

A clinician switching drugs writes the timing into the drafts: the old drug as a taper whose
steps end on a date ("100 mg daily 12-01 to 12-08, then 50 mg daily to 12-15, then stop"), the new
drug as a draft whose dosage starts on a later day (boundsPeriod.start 12-20). Read as if every
draft started today and ran on, a switch into an MAOI was judged from today (a false critical
when its start is after the washout), the tapered drug was read as being started beside the MAOI
(a paragraph running the wrong way round), and the real problem, an MAOI start before the washout
after the taper's last dose, was never dated. This is the one reading of that timing; the washout
check (services/washout.py) and the two-drugs-on-one-order checks (services/order_checks/
duplicate*.py, cross_taper.py) read it.

The reader is taper.read_timing (beside the step reading it shares; this module is imported by
record.py and so imports nothing of the mapping). The dates are the draft's as written (each line's boundsPeriod, boundsDuration, sequence: the
same step reading as a course's, medication_dates.step_spans and taper.line_steps); what they
mean on the day of the hook (`first_day`, `last_day`) is resolved against its as-of date, which
the mapping of a draft does not hold. The day a taper's last step ends is its last dose day: the
later reading of a boundsPeriod end, so the washout counted from it is the longer one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class DraftStep:
    """One dose step of a draft: its dose a day (None: not read) and its days (None: not
    said). dose_sig.TaperStep's values, held here so that record.py imports nothing else."""

    mg_per_day: float | None
    days: int | None


@dataclass(frozen=True, slots=True)
class DraftTiming:
    """A draft's timing as written. The default (no dates, no stop) is a draft taken from the
    day it is signed with no end: how every draft was read before."""

    # The earliest boundsPeriod.start of its dosage lines; None: from the day it is signed.
    starts_on: date | None = None
    # Its steps take the drug down to a stop (taper.line_steps, or a sig that says so).
    stops: bool = False
    # For a draft that stops: the end of its last step where the lines state it as a date.
    ends_on: date | None = None
    # For a draft that stops with no dated end: its steps' length in days, when each states it.
    days: int | None = None
    # Its dose steps (dose a day, days) when its lines are steps, as the cards say them.
    steps: tuple[DraftStep, ...] = ()
    # The draft halts its drug: status `stopped` or `cancelled` (FHIR R4 MedicationRequest.status:
    # "actions implied by the prescription are to be permanently halted" / "withdrawn before
    # any administrations"), or a dose of 0 on every line (review s27 RD findings 1 and 5). It
    # gives no dose: its drug stops on the day it is signed (`last_day`), it starts nothing
    # (medication_drafts.halts, PatientRecord.draft_stops).
    halted: bool = False
    # Halted for now: status `on-hold` ("actions implied by the prescription are to be
    # temporarily halted, but are expected to continue later"). For a running drug a pause from
    # the day it is signed: read as a halt (`halted`, the washouts count from that day), said
    # "on hold" (review s27 K1 recheck finding 2).
    held: bool = False

    def steps_text(self) -> str:
        """ "150 mg/day for 7 days, then 75 mg/day for 7 days, then stop", "30 mg/day for 7
        days, then 60 mg/day"; "" for a draft not in steps. Steps, never read as a dose range
        (review s20 RB 2)."""
        said = [
            (f"{s.mg_per_day:g} mg/day" if s.mg_per_day is not None else "dose not read")
            + (f" for {s.days} days" if s.days is not None else "")
            for s in self.steps
        ]
        if self.halted:
            return "on hold" if self.held else "stopped"
        if not self.stops:
            return ", then ".join(said) if len(said) > 1 else ""
        return ", then ".join([*said, "stop"]) if said else "tapered to a stop"

    def first_day(self, as_of: date) -> date:
        """The day of its first dose: its stated start when that is after `as_of`, else
        `as_of` (a start in the past is the day it is signed: nothing is taken before)."""
        return self.starts_on if self.starts_on is not None and self.starts_on > as_of else as_of

    def last_day(self, as_of: date) -> date | None:
        """The day of its last dose when it tapers to a stop on a day the order gives (its
        dated end, else its first day + its steps' days); None when it does not stop, or stops
        on a day the order does not give (a taper "as directed")."""
        if not self.stops:
            return None
        if self.halted:
            return as_of  # stopped when signed: the latest its last dose may be
        if self.ends_on is not None:
            return self.ends_on
        if self.days is not None:
            # Both days counted: 7 days from 12-01 end 12-07 (review K65a finding 4).
            return self.first_day(as_of) + timedelta(days=max(self.days - 1, 0))
        return None

    def overlaps(self, other: DraftTiming, as_of: date) -> bool:
        """Whether this draft and `other` are taken on a common day: False only when one of
        them stops on a dated day before the other's first dose (review s20 r3 finding 4: a
        taper ending 12-15 and a start on 12-16 is a direct switch, not an overlap "12-16 to
        12-15"). A taper's last day is the later reading of its end (`last_day`), so a start on
        that very day counts as an overlap: the safer side for the serotonin checks."""
        if self.halted or other.halted:
            return False  # a halted draft gives no dose: a direct switch, never an overlap
        mine, theirs = self.last_day(as_of), other.last_day(as_of)
        if mine is not None and mine < other.first_day(as_of):
            return False
        return theirs is None or theirs >= self.first_day(as_of)


NO_TIMING = DraftTiming()
HALTED = DraftTiming(stops=True, halted=True)
HELD = DraftTiming(stops=True, halted=True, held=True)
