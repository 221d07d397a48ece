"""The TMS referral card's line for the TMS team's motor threshold: the drugs running that lower
the seizure threshold, and an active alcohol use disorder (fix tms43, review K30c v19c, v11b,
v04), an active sedative or stimulant use disorder (F13, F14, F15) and such use typed in ("Active
cocaine use": fix tms58, review K63a finding 9).

The resting motor threshold sets each session's intensity, and medication and alcohol change it
(data/tms_seizure_threshold.csv, read so far only for a drug ordered during a TMS course:
order_checks/device_course.py). A referral card for a patient on nortriptyline 75 mg or bupropion
300 mg, or with alcohol dependence coded active, said nothing of it. One line, no hold: the TMS
team decides ("For the TMS team's motor threshold: bupropion 300 mg/day running (lowers the
seizure threshold)"). The conditions read are data/tms_threshold_conditions.csv.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.code_systems import canonical_system
from fhir_mapping.record import DoseBasis, Finding, FindingKind, Trial
from services.order_checks.device_course import seizure_row
from services.rules.context import RuleContext

_SUBSTANCE_USE = FindingKind.SUBSTANCE_USE
_TEXT = "text"  # Finding.system of a diagnosis read from words (condition_text.py)
_DAILY = DoseBasis.DAILY


@dataclass(frozen=True, slots=True)
class ThresholdCondition:
    system: str
    code: str  # without its dot, upper case
    prefix: bool
    words: str  # how the line names it when the finding has no display
    source: str


@cache
def _conditions() -> tuple[ThresholdCondition, ...]:
    text = resources.files("services").joinpath("data/tms_threshold_conditions.csv")
    return tuple(
        ThresholdCondition(
            canonical_system(row["system"]),
            row["code"].replace(".", "").upper(),
            row["match"] == "prefix",
            row["words"],
            row["source"],
        )
        for row in csv.DictReader(text.read_text("utf-8").splitlines())
    )


def _lowers(finding: Finding) -> bool:
    code = finding.code.replace(".", "").upper()
    system = canonical_system(finding.system)
    if system == _TEXT:
        # A use typed in ("Active cocaine use", diagnosis_terms.csv) has no code: the table's
        # `word` rows name the substance in its words (fix tms58, review K63a finding 9).
        said = set(re.findall(r"[a-z]+", finding.display.lower()))
        return any(c.system == _TEXT and c.code.lower() in said for c in _conditions())
    return any(
        c.system == system and (code.startswith(c.code) if c.prefix else code == c.code)
        for c in _conditions()
    )


def _drug(trial: Trial) -> str:
    mg = trial.current_mg_per_day_upper if trial.dose_basis is _DAILY else None
    dose = f" {mg:g} mg/day" if mg else ""
    # An order no fill shows yet (Trial.awaiting_fill) is named as ordered (orders39), as the
    # order cards name it (taken_to_confirm.course_claim): the team asks whether it is taken.
    if trial.awaiting_fill is not None:
        return f"{trial.ingredient}{dose} ordered {trial.awaiting_fill.isoformat()}, no fill yet"
    return f"{trial.ingredient}{dose} running"


def motor_threshold_line(ctx: RuleContext) -> str:
    """ "**For the TMS team's motor threshold:** bupropion 300 mg/day running (lowers the
    seizure threshold)." or "" when nothing running or active lowers it."""
    items = [
        f"{_drug(t)} (lowers the seizure threshold)"
        for t in ctx.record.trials
        if t.ongoing and t.on_hold is None and not t.listed and seizure_row(t.ingredient)
    ]
    seen: set[str] = set()
    for f in ctx.facts.findings_of(_SUBSTANCE_USE):
        key = f.code or f.display
        if f.state == "active" and _lowers(f) and key not in seen:
            seen.add(key)
            # Dated as the record dates it ("since 2015-01-01", "recorded (encounter diagnosis)
            # on ..."): a visit's code is not a problem-list statement of current use.
            when = f", {f.dated}" if f.dated else ""
            said = f"{f.code}{when}" if f.code else f"text only{when}"
            items.append(f"{f.display or f.code} ({said}) on record (lowers the seizure threshold)")
    if not items:
        return ""
    return f"**For the TMS team's motor threshold:** {'; '.join(items)}."
