"""An older adult's nortriptyline dose judged by its serum level on record (review s25 RK3
finding 7): data/older_adult_level_doses.csv gives the label's older-adult range and its optimal
plasma levels (50-150 ng/mL); this module reads the level (LOINC 3872-9, fhir_mapping
data/observation_codes.csv, asked for under `labsSI`) and says what it means for the dose.

Before, the service never read a level: with 95 ng/mL on record the card still said "check a
nortriptyline level (and an ECG) before any raise", and with 180 ng/mL at 78 it said "raise it only
while the level is below 50 ng/mL", with no word of the high level. Now:

- no level on the current dose: as before, a level (and an ECG) before any raise; a level taken
  before the current dose started is named, not used (it measured another dose); when the
  `labsSI` key was not received, the card says levels were not received (one may be on record);
- below the range: a raise may be considered, with an ECG before it and a level after; still
  text, not a ready-to-accept order (an older adult on a tricyclic: the Beers card and the ECG
  come first, the safer reading);
- within the range: no raise; the response is judged at this dose;
- above the range: a warning to lower the dose (the label: higher concentrations may bring more
  adverse experiences), with an ECG, and no raise;
- a level with no value read (a bare "180" with no unit: ng/mL or nmol/L, never guessed) that
  the lab flags high (H, HH, or a critical call with no side, AA): the flag alone counts as above
  the range, the value shown as sent ("180 with no unit (not read)") beside "flagged high by the
  lab" (labs38 item 2: the card asked for a level while this one was on record).

The level counts only when taken on or after the current dose's start and within
policy.lab_recent_days (the clinic's window for a lab that acts on a card). The label also says
"clinical findings should predominate over plasma concentrations as primary determinants of
dosage changes": the cards say what the level shows and leave the change to the prescriber.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from fhir_mapping.clinical_records import LabResult
from fhir_mapping.record import PatientRecord
from fhir_mapping.trial import Trial
from services import cards
from services.lab_readings import (
    flag_short,
    is_recent,
    labs_si_missing,
    newest_first,
    sideless_critical,
    text,
    value,
)
from services.older_adult_levels import LevelDosed, for_patient
from services.policy import Policy


class LevelState(Enum):
    BELOW = "below"
    IN_RANGE = "in range"
    ABOVE = "above"


@dataclass(frozen=True, slots=True)
class LevelAdvice:
    """The older-adult level row for this trial and the level it is judged by."""

    row: LevelDosed
    level: LabResult | None  # the latest readable level on the current dose, recent enough
    earlier: LabResult | None  # else the latest one from before the current dose (named only)
    dose_since: date | None  # when the current dose started
    # No level read while the `labsSI` key that carries it could not all be had
    # (lab_readings.labs_si_missing): one may be on record unseen.
    unreceived: bool = False

    @property
    def state(self) -> LevelState | None:
        if self.level is None:
            return None
        found = value(self.level)
        if found is None:  # read by the lab's high flag alone (`flagged_high`)
            return LevelState.ABOVE if flagged_high(self.level) else None
        if found < self.row.level_low:
            return LevelState.BELOW
        if found > self.row.level_high:
            return LevelState.ABOVE
        return LevelState.IN_RANGE

    def label_range(self) -> str:
        return self.row.label_range()

    def label_words(self, age: int) -> str:
        return self.row.label_words(age)

    def _level(self) -> str:
        """ "nortriptyline level 95 ng/mL on 2026-11-20"."""
        assert self.level is not None
        return f"{self.row.ingredient} level {text(self.level)}"

    def check_words(self, *, at_order: bool = False) -> str:
        """What the level on record means for the dose (module docstring), one or two
        sentences ending in a full stop; `at_order`: said on the prescriber's own order
        (order_checks/older_adult_level_dose.py), which is no ready-to-accept proposal."""
        state, bounds = self.state, self.row.level_range()
        if state is LevelState.BELOW:
            tail = "." if at_order else "; not offered as a ready-to-accept order."
            return (
                f"{self._level()} is below the {bounds} range: a raise may be considered, with "
                f"an ECG before it and a level after{tail}"
            )
        if state is LevelState.IN_RANGE:
            return (
                f"{self._level()} is within the {bounds} range: no raise; judge the response at "
                "this dose."
            )
        if state is LevelState.ABOVE and self.level is not None and value(self.level) is None:
            # Above by the lab's flag alone (`flagged_high`): the value as sent, never a unit.
            return (
                f"**{self._level()} is {flag_short(self.level)}, not compared with the {bounds} "
                "range: lower the dose** (the label: higher concentrations may bring more adverse "
                "effects), with an ECG; no raise."
            )
        if state is LevelState.ABOVE:
            return (
                f"**{self._level()} is above the {bounds} range: lower the dose** (the label: "
                "higher concentrations may bring more adverse effects), with an ECG; no raise."
            )
        earlier = ""
        if self.earlier is not None and self.dose_since is not None:
            earlier = (
                f" (the last, {text(self.earlier)}, was before the current dose of "
                f"{self.dose_since.isoformat()})"
            )
        unseen = (
            " (levels were not received from the EHR: check the chart for one first)"
            if self.unreceived
            else ""
        )
        return f"{self.row.check_words(at_order=at_order)[:-1]}{earlier}{unseen}."

    def hold_sentence(self, age: int) -> str:
        """Why a raise is text only: "At 78 its label gives ...: <check_words>"."""
        words = self.row.label_words(age)
        return f"{words[0].upper()}{words[1:]}: {self.check_words()}"

    def step(self) -> str:
        """The summary's step: "check a nortriptyline level before any raise", or what the
        level on record says."""
        state, name = self.state, self.row.ingredient
        if state is None:
            return self.row.step()
        assert self.level is not None  # state
        found = value(self.level)
        if found is None:  # above by the lab's flag alone: the value as sent, never a unit
            number = self.level.value
            shown = cards.fmt_mg(number) if number is not None else self.level.unitless
            sent = f" {shown}" if shown else ""
            return f"{name} level{sent} {flag_short(self.level)}: lower the dose"
        level = f"{name} level {cards.fmt_mg(found)} {self.row.level_unit}"
        if state is LevelState.BELOW:
            return f"{level}, below {self.row.level_range()}: a raise may be considered (ECG first)"
        if state is LevelState.IN_RANGE:
            return f"{level}, within {self.row.level_range()}: no raise"
        return f"{level}, above {self.row.level_range()}: lower the dose"


def _dose_since(trial: Trial) -> date | None:
    """The first day of the current daily dose: the last segment's start, back over segments
    at the same dose (a renewal is no dose change)."""
    segments = trial.segments
    if not segments:
        return None
    dose = segments[-1].mg_per_day
    start = segments[-1].start
    for segment in reversed(segments[:-1]):
        if segment.mg_per_day != dose:
            break
        start = segment.start
    return start


def for_trial(record: PatientRecord, policy: Policy, trial: Trial) -> LevelAdvice | None:
    """The level advice for this trial, or None when no older-adult level row applies
    (older_adult_levels.for_patient: no row, or the age unknown or below it)."""
    row = for_patient(trial.ingredient, record.patient.age)
    if row is None:
        return None
    since = _dose_since(trial)
    readable = [
        lab
        for lab in newest_first(record, row.ingredient)
        if (value(lab) is not None and lab.comparator is None) or flagged_high(lab)
    ]
    current = next(
        (
            lab
            for lab in readable
            if (since is None or lab.date >= since) and is_recent(record, policy, lab)
        ),
        None,
    )
    earlier = None
    if current is None and since is not None:
        earlier = next((lab for lab in readable if lab.date < since), None)
    unreceived = current is None and labs_si_missing(record, row.ingredient)
    return LevelAdvice(row, current, earlier, since, unreceived)


def flagged_high(lab: LabResult) -> bool:
    """A level with no value read that the lab flags high (H, HH, or a critical call with no
    side, AA): the flag alone counts as above the range (labs38 item 2, the safer reading; the
    value is never given a unit)."""
    return value(lab) is None and (lab.flag == "high" or sideless_critical(lab))
