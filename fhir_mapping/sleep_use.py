"""A course taken as a sleep aid at a sleep dose: no antidepressant trial and no adjunct (session
32 fix mirt45, recheck K31b finding 9).

Mirtazapine 7.5 mg "at bedtime for sleep" added to venlafaxine was read as an adjunct below its
30 mg/day CANMAT dose: the optimise card asked to raise it and the TMS card held the referral on
it ("raise mirtazapine first"). The as-needed rule of antidepressants.csv (low_dose_when) never
reached it: an ingredient added to a running antidepressant is read by its adjunct row
(augmentation_agents.csv), which has no low-dose use, and a scheduled bedtime dose is no
as-needed one either.

A course of a drug of data/sleep_doses.csv is a sleep dose when its highest known dose is at most
the row's `max_mg_day` (mirtazapine 15: its sedating low-dose range) and every record with a
dosage (order, statement or fill) either says "as needed" or states a sleep purpose in its sig
(data/sleep_purpose_terms.csv: "for sleep", "for insomnia", "qhs prn sleep";
MedicationEvent.sleep_purpose). One scheduled sig with no purpose makes it a course, as the
as-needed rule reads it (course_events._as_needed, review 6 finding 10), and a scheduled 15 mg
with no purpose stays a course below its range (15 mg is also the labelled starting dose for
depression: the table's note). Records without a dosage (a fill without a sig) say nothing.
The sig's purpose wins over a depression reasonCode / reasonReference on the same order: EHRs
attach the episode's diagnosis to every order (indications.py, READ12 finding 3), while "for
sleep" is the prescriber's word on this dose. The course stays on the chart for the safety
checks (serotonin load, interactions), as any course that is no trial does.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.events import MedicationEvent
from fhir_mapping.record import InadequacyReason, Role, Verdict
from fhir_mapping.text_negation import normalise_text

Judged = tuple[Verdict, tuple[InadequacyReason, ...], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class SleepDose:
    """A row of data/sleep_doses.csv."""

    ingredient: str
    max_mg_day: float  # the highest dose read as a sleep dose (inclusive)
    use: str  # the low-dose use the card names ("insomnia")


@cache
def _doses() -> dict[str, SleepDose]:
    text = resources.files("fhir_mapping").joinpath("data/sleep_doses.csv").read_text("utf-8")
    return {
        row["ingredient"].strip().lower(): SleepDose(
            row["ingredient"].strip().lower(), float(row["max_mg_day"]), row["use"].strip()
        )
        for row in csv.DictReader(text.splitlines())
    }


@cache
def _purpose() -> re.Pattern[str]:
    """Any phrase of data/sleep_purpose_terms.csv as a whole-word match, not after "not"
    ("for depression, not for sleep")."""
    text = (
        resources.files("fhir_mapping").joinpath("data/sleep_purpose_terms.csv").read_text("utf-8")
    )
    phrases = [normalise_text(row["phrase"]) for row in csv.DictReader(text.splitlines())]
    body = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(r"(?<!\bnot )\b(?:" + body + r")\b")


def sleep_dose_ingredients() -> frozenset[str]:
    """The ingredients whose dosage text is read for a sleep purpose (one set test per event)."""
    return frozenset(_doses())


def _texts(line: Mapping[str, Any]) -> list[str]:
    """A dosage line's free texts: its sig, patient instruction, additional instructions and
    as-needed reason."""
    texts = [line.get("text"), line.get("patientInstruction")]
    extra = line.get("additionalInstruction")
    if isinstance(extra, list):
        texts += [c.get("text") for c in extra if isinstance(c, Mapping)]
    reason = line.get("asNeededCodeableConcept")
    if isinstance(reason, Mapping):
        texts.append(reason.get("text"))
    return [t for t in texts if isinstance(t, str) and t]


def states_sleep_purpose(dosages: Sequence[Mapping[str, Any]]) -> bool:
    """Whether a dosage line's text says the dose is taken for sleep ("at bedtime for sleep")."""
    pattern = _purpose()
    return any(
        pattern.search(normalise_text(text))
        for line in dosages
        if isinstance(line, Mapping)
        for text in _texts(line)
    )


def _top_mg(events: Sequence[MedicationEvent]) -> float | None:
    """The highest dose any record of the course states (a range's upper end, an as-needed
    ceiling), None when none states one."""
    known = [
        mg for e in events for mg in (e.mg_per_day_upper, e.as_needed_max_mg) if mg is not None
    ]
    return max(known) if known else None


def sleep_course(
    events: Sequence[MedicationEvent], ingredient: str, role: Role, judged: Judged
) -> Judged:
    """`judged` as a sleep dose leaves it: NOT_A_TRIAL (LOW_DOSE_OTHER_INDICATION) with a note
    naming the dose and its purpose, or `judged` unchanged (module doc)."""
    row = _doses().get(ingredient)
    if row is None or judged[0] is Verdict.NOT_A_TRIAL:
        return judged
    stating = [e for e in events if e.as_needed is not None]
    if not stating or not all(e.as_needed or e.sleep_purpose for e in stating):
        return judged
    top = _top_mg(events)
    if top is None or top > row.max_mg_day:
        return judged
    how = "as needed" if all(e.as_needed for e in stating) else "for sleep"
    counted = "an adjunct" if role is Role.AUGMENTATION else "an antidepressant trial"
    note = (
        f"{ingredient} {top:g} mg {how}: a sleep dose ({row.use}, at most {row.max_mg_day:g} "
        f"mg/day), not counted as {counted}"
    )
    return (Verdict.NOT_A_TRIAL, (InadequacyReason.LOW_DOSE_OTHER_INDICATION,), (note,))
