"""A course of a drug dosed to a serum level is adequate only with that level shown (fix trial74).

Lithium is dosed to a serum level, not to mg/day (augmentation_agents.csv dose_by_level; CANMAT
2023 Table 7.2: 0.5-0.8 mmol/L). Its adequacy was judged on mg/day and weeks alone, so lithium
600 mg/day for 14 weeks with no level on record read "failed (adequate; < 50 % PHQ-9 drop)" in
the TMS referral packet and the augmentation criterion: a claim the record does not show, as the
same 600 mg/day may leave the level far below the target. THE RULE: a course whose drug has a row
in data/level_adequacy.csv, judged ADEQUATE on its doses, stays adequate only when a level of its
test dated within the course (start to end, or today for a running one) is at or above the row's
`min_level` in one of its `units`. Otherwise it becomes INADEQUATE (ONGOING while it runs) with
the one reason LEVEL_NOT_SHOWN ("adequacy not shown: no lithium level on record" or "... below
0.5 mmol/L"), so it is never counted as a failed adequate trial (TRD count, TMS criteria, Maudsley
staging): the safer reading, as for refill data not read (refills_unread.py). A course stopped
for a documented intolerance keeps the one reason INTOLERANCE instead (adequacy.py's rule for an
intolerant course that is not adequate): "Tremor, patient declined levels" reads as not tolerated
(tremor), not failed.

A level whose unit is not one of the row's (umol/L, mg/L: converted only by the services layer,
services/data/lab_unit_factors.csv) or whose value was not read is a level on record that is not
compared: it does not hold the course back (the service does not guess a conversion). A level
that may be on record but was not read (a result named lithium under a code not known, one
without a readable value, lab results that could not all be had) is said so: "lithium level not
read (see Data not read)", never "no lithium level on record" (fix data68).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

from fhir_mapping.clinical_records import LabResult
from fhir_mapping.lab_lookalike import unread_lab
from fhir_mapping.lab_names import LAB_NAMES
from fhir_mapping.lab_unread import unread_test
from fhir_mapping.record import DataDomain, DataGap, GapCause, InadequacyReason, Trial, Verdict


@dataclass(frozen=True, slots=True)
class LevelRow:
    ingredient: str
    test: str  # the LabResult.test its level is read as (observation_codes.csv)
    min_level: float
    units: frozenset[str]  # lower-case units `min_level` is compared in
    shown_unit: str  # the first unit, as a card says the bound


@cache
def level_rows() -> dict[str, LevelRow]:
    text = resources.files("fhir_mapping").joinpath("data/level_adequacy.csv").read_text("utf-8")
    rows: dict[str, LevelRow] = {}
    for row in csv.DictReader(text.splitlines()):
        units = [u.strip() for u in row["units"].split(";") if u.strip()]
        rows[row["ingredient"]] = LevelRow(
            row["ingredient"],
            row["test"],
            float(row["min_level"]),
            frozenset(u.lower() for u in units),
            units[0],
        )
    return rows


_ADEQUATE = Verdict.ADEQUATE


def level_shown(
    trials: Sequence[Trial], labs: Iterable[LabResult], gaps: Sequence[DataGap] = ()
) -> tuple[Trial, ...]:
    """`trials` with the module's rule applied; `gaps`: the record's, for a level not read."""
    rows = level_rows()
    if not any(t.verdict is _ADEQUATE and t.ingredient in rows for t in trials):
        return tuple(trials)  # the common case: no adequate course of a level-dosed drug
    results = tuple(labs)
    return tuple([_judged(t, rows.get(t.ingredient), results, gaps) for t in trials])


def _not_read(test: str, gaps: Sequence[DataGap]) -> str | None:
    """Why a level of `test` may be on record unread (fix data68, review K63a finding 11: a
    display-only Oracle lithium result, one contained in a DiagnosticReport, made the TMS
    packet say "no lithium level on record"): a result named `test` not read (a local code:
    lab_lookalike.py; no readable value: lab_unread.py), or lab results that could not all be
    had (a Bundle entry of another type, later pages, a failed read: as the interaction card's
    "lab results could not all be read", services/lab_readings.py). None: nothing unread."""
    labs = [g for g in gaps if g.domain is DataDomain.LABS]
    name = LAB_NAMES.get(test, test)
    if any(unread_lab(g, test) or unread_test(g) == test for g in labs):
        return f"{name} not read (see Data not read)"
    causes = {g.cause for g in labs}
    for cause, words in _FEED_WORDS:
        if cause in causes:
            return f"{name} not read: lab results {words} (see Data not read)"
    return None


# A failure said first: the results exist and were not seen (services/lab_readings.py's order).
_FEED_WORDS = (
    (GapCause.NOT_READ, "could not be read"),
    (GapCause.PARTIAL, "could not all be read"),
    (GapCause.NOT_PROVIDED, "not available"),
)


def shows_level(trial: Trial, row: LevelRow, labs: Iterable[LabResult]) -> bool:
    """Whether a level of the course, dated within it, shows the therapeutic minimum (a level in
    a unit not compared counts: module docstring)."""
    for lab in labs:
        if lab.test != row.test or not trial.start <= lab.date <= trial.end:
            continue
        unit = (lab.unit or "").lower()
        if lab.value is None or unit not in row.units:
            return True
        if lab.value >= row.min_level and lab.comparator not in ("<", "<="):
            return True
    return False


def _words(
    trial: Trial, row: LevelRow, labs: tuple[LabResult, ...], gaps: Sequence[DataGap]
) -> str:
    """Why the level does not show adequacy: the highest level of the course below the minimum
    ("lithium level 0.3 mmol/L (2026-06-22) below 0.5 mmol/L"), or none during the course (a
    level of another time is named as not of this course: it says nothing of this dose)."""
    within = [
        lab
        for lab in labs
        if lab.test == row.test
        and trial.start <= lab.date <= trial.end
        and lab.value is not None
        and (lab.unit or "").lower() in row.units
    ]
    bound = f"{row.min_level:g} {row.shown_unit}"
    if within:
        top = max(within, key=lambda lab: (lab.value or 0.0, lab.date))
        sent = f"{top.comparator or ''}{top.value:g} {top.unit}"
        return f"{trial.ingredient} level {sent} ({top.date.isoformat()}) below {bound}"
    if (unread := _not_read(row.test, gaps)) is not None:
        return unread
    if any(lab.test == row.test for lab in labs):
        return f"no {trial.ingredient} level on record during this course"
    return f"no {trial.ingredient} level on record"


def _judged(
    trial: Trial, row: LevelRow | None, labs: tuple[LabResult, ...], gaps: Sequence[DataGap]
) -> Trial:
    if row is None or trial.verdict is not _ADEQUATE or shows_level(trial, row, labs):
        return trial
    if trial.feed_unfilled:  # never judged a trial (unfilled_order.py): its words stand
        return trial
    intolerant = trial.intolerance is not None
    reason = InadequacyReason.INTOLERANCE if intolerant else InadequacyReason.LEVEL_NOT_SHOWN
    return replace(
        trial,
        verdict=Verdict.ONGOING if trial.ongoing else Verdict.INADEQUATE,
        reasons=(reason,),
        adequate_from=None,
        notes=(*trial.notes, LEVEL_NOTE + _words(trial, row, labs, gaps)),
    )


# The words a LEVEL_NOT_SHOWN course's note starts with (`_judged`), which the cards read back.
LEVEL_NOTE = "adequacy not shown: "


def level_words(trial: Trial) -> str:
    """ "adequacy not shown: no lithium level on record" (or "... level below 0.5 mmol/L"), as
    the cards say a LEVEL_NOT_SHOWN course's reason."""
    for note in reversed(trial.notes):
        if note.startswith(LEVEL_NOTE):
            return note
    return f"{LEVEL_NOTE}no {trial.ingredient} level on record"
