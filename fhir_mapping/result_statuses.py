"""Which result statuses count for what (data/result_statuses.csv): one table for the PHQ-9
Observations (scores.py), the PHQ-9 QuestionnaireResponses (questionnaires.py) and the C-SSRS
screens (suicide_screen.py), so the three read an unfinished form the same way (review 14 U1:
scores.py dropped a preliminary PHQ-9 whole, item 9 included, while the other two read a
preliminary or unfinished form's positive answers). The labs (labs.py), blood pressure
(blood_pressure.py) and pharmacogenomic results (pgx.py) read its `all` Observation rows only.

What each `reads` value means:

- `all` (Reads.ALL): a result. Its totals judge trials, measurement and TMS severity; a finished
  C-SSRS can acknowledge an earlier signal.
- `interim` (Reads.INTERIM; a preliminary Observation): not yet reviewed. A positive suicide
  answer (PHQ-9 item 9 > 0, a C-SSRS yes or a moderate / high level) raises the suicide-risk card,
  named with the status. Its total is never a trial's outcome, a baseline or TMS severity (it may
  change when reviewed), but it is named where leaving it out would make a card say something
  false ("no PHQ-9 total in 147 days" a week after one was filed): the measurement card then says
  "latest PHQ-9 (preliminary, <date>): 24".
- `answers` (Reads.ANSWERS; a cancelled Observation, an in-progress or stopped response): not
  completed. A positive suicide answer given before the form stopped is still the patient's
  answer and raises the card (the safer reading); its total is not a total. With no positive
  answer it is named on --explain only.
- `none` (entered-in-error): withdrawn, not a result, ignored.
- A status string no row names (one R4 does not define, "Final", a vendor's own): read as
  `answers`, named with the status ("status 'x' not recognised"), never dropped in silence
  (review s27 RF 1: a registered or unknown PHQ-9 item 9 = 3 vanished, no card, no gap).
- A status that is missing (absent, null, "") or not a string (an object, a list, a number):
  `given` turns it into MISSING or UNREADABLE, which the rating-scale readers (scores.py, the
  C-SSRS in suicide_screen.py) read as an unrecognised status: `answers`, named ("status
  missing"), a total a gap (session 30 status31: a PHQ-9 item 9 = 3 with no status vanished, no
  card, no gap). Why answers and not dropped: a withdrawn answer carries `entered-in-error`
  (dropped, as is `cancelled` for its total), so a status that says nothing withdraws nothing,
  and a suicide answer read and named costs a look where silence could cost a life. Other
  readers call `reads` with the raw value, for which a missing status is still no result.

`gap` = yes (registered), and any unrecognised status: a total of it is a DataGap as well
("Data not read": status_gaps.py), since it could change a conclusion. A drug-safety lab value
under such a status is read as a result instead, named "(status registered)" (lab_status.py,
session 30 labs36: a registered lithium 1.6 said "no lithium level on record").

`unknown` reads as `interim`: FHIR R4 says one of the listed statuses is presumed to apply, so
the value may well be final. `registered` ("no result yet") reads as `answers`: a value it
nevertheless carries is no result, but a positive item 9 there may be the patient's real answer,
and a card worded with the status costs a look where silence could cost a life.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources


class Reads(StrEnum):
    ALL = "all"
    INTERIM = "interim"
    ANSWERS = "answers"
    NONE = "none"  # entered-in-error: withdrawn, not a result


@dataclass(frozen=True, slots=True)
class ResultStatus:
    resource: str  # "Observation" | "QuestionnaireResponse"
    status: str  # the FHIR status code
    reads: Reads
    named: str  # how a card names a result of this status ("" for a result read in full)
    source: str
    # The status says the result was modified after being final (amended, corrected): it
    # supersedes a final result of the same measurement (score_corrections.py, review 17 W2).
    corrects: bool = False
    # A total of this status is named as a gap, not read ("Data not read"): `registered` says
    # there is no result yet, so a value it carries is doubtful either way (review s27 RF 1).
    gap: bool = False


@cache
def _table() -> dict[tuple[str, str], ResultStatus]:
    text = resources.files("fhir_mapping").joinpath("data/result_statuses.csv").read_text("utf-8")
    rows = {}
    for row in csv.DictReader(text.splitlines()):
        entry = ResultStatus(
            row["resource"],
            row["status"],
            Reads(row["reads"]),
            row["named"],
            row["source"],
            row.get("corrects") == "yes",
            row.get("gap") == "yes",
        )
        rows[(entry.resource, entry.status)] = entry
    return rows


# What `given` returns for a status that is missing or not a string. Neither is a FHIR code (a
# code has no "<"), so no sent status is read as one of them.
MISSING = "<missing>"
UNREADABLE = "<not readable>"
_SAID = {MISSING: "status missing", UNREADABLE: "status not readable"}


def given(status: object) -> str:
    """The status as sent, or MISSING (absent, null, "") or UNREADABLE (an object, a list, a
    number): for the readers that must read a result whatever its status (module docstring)."""
    if isinstance(status, str) and status:
        return status
    return MISSING if status is None or status == "" else UNREADABLE


def reads(resource: str, status: object) -> Reads | None:
    """What a `resource` of this status is read for, or None: not a result (ignored). A status
    string no row names reads as `answers` (module docstring)."""
    if not isinstance(status, str) or not status:
        return None
    entry = _table().get((resource, status))
    if entry is None:
        return Reads.ANSWERS
    return None if entry.reads is Reads.NONE else entry.reads


def unfinished(resource: str, status: object) -> bool:
    """Whether a `resource` of this status is read as not final (`interim` or `answers`),
    unrecognised status strings included: the readers' test, in place of a fixed set."""
    return reads(resource, status) in (Reads.INTERIM, Reads.ANSWERS)


@cache
def statuses(resource: str, *kinds: Reads) -> frozenset[str]:
    """The statuses of `resource` read as any of `kinds`."""
    return frozenset(
        e.status for e in _table().values() if e.resource == resource and e.reads in kinds
    )


def correcting(resource: str) -> frozenset[str]:
    """The statuses of `resource` that modify a final result (`corrects`: amended, corrected)."""
    return frozenset(e.status for e in _table().values() if e.resource == resource and e.corrects)


def named_as_gap(resource: str, status: object) -> bool:
    """Whether a total of this status is named as a gap, not read: a `gap` row (registered) or a
    status string no row names (review s27 RF 1: never dropped in silence)."""
    if not isinstance(status, str) or not status:
        return False
    entry = _table().get((resource, status))
    return entry is None or entry.gap


def unrecognised(resource: str, status: str) -> bool:
    """Whether `status` (as `given` read it) is missing, malformed or a string no row names."""
    return status in _SAID or (resource, status) not in _table()


def named(resource: str, status: str | None) -> str:
    """How a card names a result of this status: "preliminary (not yet reviewed)"; "" for a
    result read in full; "status 'x' not recognised" for a status string no row names."""
    if not status:
        return ""
    if status in _SAID:
        return _SAID[status]
    entry = _table().get((resource, status))
    if entry is None:
        return f"status '{status[:40]}' not recognised"  # a code, but bounded all the same
    return entry.named


OBSERVATION = "Observation"
RESPONSE = "QuestionnaireResponse"
