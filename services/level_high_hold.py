"""A raise of a drug dosed by its level is never proposed while its latest level on the running
course is at or above the upper line (session 29 labs31 item 1: on a nortriptyline level of 600
ng/mL, above the 500 ng/mL toxic line, the optimise card said "settle this first, then raise
nortriptyline from 75 toward 150 mg/day"; the TMS card "raise nortriptyline first").

The line is the drug's data/lab_safety.csv row: `level-above` for the tricyclic levels (the
label's or reference laboratory's range), `lithium-high` / `lithium-high-older` for lithium
(its augmentation range). "At or above": a level at the top of the range leaves no room for a
higher dose either. A level the lab flags high with no comparable unit counts (lab_safety.above
reads the flag), as the running-drug-level card does; so does a level the lab called critical
(AA or HH) though its value is within the line (lab_safety.called_critical: labs38 item 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping.record import LabResult, PatientRecord, Trial
from services import lab_safety
from services.lab_rules import upper_line
from services.lab_safety import LabRule
from services.policy import Policy

# The few words the optimise card's summary and hold wording use (Room.hold_short).
SHORT = "level above its range"


@dataclass(frozen=True, slots=True)
class HighLevel:
    """The latest readable level of a running course at or above its upper line."""

    lab: LabResult
    line: LabRule

    def sentence(self, name: str) -> str:
        """The optimise card's words in place of a raise."""
        line = self.line
        if lab_safety.called_critical(line, self.lab):  # in range, called critical (labs38)
            where = lab_safety.called_words(line, self.lab)
        elif not lab_safety.by_flag(self.lab) and lab_safety.value(self.lab) == line.high:
            where = f"at the top of {line.bounds()}"
        else:
            where = line.beyond(self.lab)
        return (
            f"Its latest level, {name} {lab_safety.text(self.lab)}, is {where} ({line.says}): "
            "hold or lower the dose per the level; no raise is proposed."
        )


def _line(trial: Trial, age: int | None, policy: Policy) -> LabRule | None:
    name, drug_class = trial.ingredient, trial.drug_class
    if name == "lithium":  # lab_rules.upper_line: the one age every lithium reader uses (lab63)
        return upper_line(name, age, policy)
    return lab_safety.rule_for("level-above", name, drug_class)


def _at_or_above(line: LabRule, lab: LabResult) -> bool:
    if lab_safety.above(line, lab) or lab_safety.called_critical(line, lab):
        return True  # the lab's critical call holds a raise whatever the value (labs38 item 1)
    number = lab_safety.value(lab)
    return (
        number is not None
        and line.high is not None
        and number >= line.high
        and lab.comparator not in ("<", "<=")
    )


def high_level(record: PatientRecord, policy: Policy, trial: Trial) -> HighLevel | None:
    """The running course's latest readable level at or above its upper line, or None."""
    line = _line(trial, record.patient.age, policy)
    if line is None or line.high is None:
        return None
    lab = lab_safety.latest_readable(record, line.test)
    if lab is None or lab.date < trial.start or not _at_or_above(line, lab):
        return None
    return HighLevel(lab, line)
