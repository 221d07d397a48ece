"""A psychiatric inpatient stay read from an Encounter (fhir_mapping/admissions.py): the record
the suicide-risk card reads for the post-discharge period (review 16 W4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fhir_mapping.source_ref import SourceRef


@dataclass(frozen=True, slots=True)
class Admission:
    """An inpatient stay that ended, with the psychiatric reason that made it one."""

    start: date | None
    discharged: date
    # The psychiatric reason or diagnosis code ("F33.2"), or "" when the unit / service words
    # alone made the stay psychiatric.
    code: str
    # What made the stay psychiatric, as a card names it: "ICD-10-CM F33.2", or the unit /
    # service words ("Inpatient Psychiatry") when no code did.
    reason: str
    # The reason's display ("Major depressive disorder, recurrent severe ..."), or "".
    reason_display: str
    source: SourceRef | None


@dataclass(frozen=True, slots=True)
class CurrentStay:
    """A psychiatric inpatient stay still in progress on the as-of date (review 16 recheck W-c):
    the patient is an inpatient, so the chart-open cards hold their outpatient one-clicks and
    say so (services/rules/inpatient_hold.py). The fields are `Admission`'s, without a
    discharge."""

    start: date | None
    code: str
    reason: str
    reason_display: str
    source: SourceRef | None
