"""A diagnosis the EHR sent with its code masked or absent (fix mask47, review K51b s36 finding
3): on the TMS safety screen, and a line of the diagnosis review.

A Condition whose `code` is only a data-absent-reason ("masked": a sensitive problem-list entry
under 42 CFR Part 2 or a state's rule) was dropped in silence: the TMS card said "No
epilepsy/seizure disorder ... recognised in the chart's codes and text" and offered the referral
as the recommended step. The mapping now names it as a DataGap (fhir_mapping/masked_codes.py);
here it becomes
- a TMS_CAUTION finding, named on the TMS card's "safety screen first" line and in the
  contraindication criterion ("to screen"), as a running medication not identified is
  (unidentified_screen.py): the entry may be a seizure disorder or a psychotic disorder, which
  LCD L37086 excludes. Not added beside a seizure disorder on record: that holds TMS already.
- a DIAGNOSIS_UNREADABLE finding, which the diagnosis review names as a line to settle before
  escalating (rules/diagnosis_psychiatric.py): the entry may be bipolar disorder, a psychosis or
  substance use. Settled first, not "alongside": it then holds the optimise card's one-click
  drugs and keeps the TMS referral off one click (rules/tms_referral_held.py `_diagnosis`), as a
  bipolar finding does. The safer choice for the patient: the clinician, who can usually open the
  entry in the EHR, loses one typed order; a masked bipolar disorder would otherwise leave an
  antidepressant step one click away, a masked epilepsy a TMS referral recommended.
What the entry was is never guessed. Words: data/masked_diagnosis_words.csv.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from fhir_mapping.masked_codes import MASKED_DIAGNOSIS
from fhir_mapping.record import DataGap, Finding, FindingKind, PatientRecord

if TYPE_CHECKING:
    from services.rules.diagnosis_item import Item
from services.antiseizure_screen import ByKind

_EPILEPSY = FindingKind.EPILEPSY
_CAUTION = FindingKind.TMS_CAUTION
_UNREADABLE = FindingKind.DIAGNOSIS_UNREADABLE


@dataclass(frozen=True, slots=True)
class Words:
    screen_item: str  # "diagnosis not readable ({reason})"
    screen_ask: str  # "check it is not a seizure disorder or a psychotic disorder ..."
    criterion: str  # the contraindication screen's seizure clause
    dated: str  # "recorded"
    review_short: str  # the diagnosis review's summary words
    review_text: str  # its detail line
    review_step: str  # what a held step waits for ("review the unreadable diagnosis")


@cache
def words() -> Words:
    """The card words of data/masked_diagnosis_words.csv, by their `use`."""
    text = resources.files("services").joinpath("data/masked_diagnosis_words.csv")
    rows = {r["use"]: r["words"] for r in csv.DictReader(text.read_text("utf-8").splitlines())}
    return Words(
        rows["screen_item"],
        rows["screen_ask"],
        rows["criterion"],
        rows["dated"],
        rows["review_short"],
        rows["review_text"],
        rows["review_step"],
    )


def masked_gaps(gaps: Sequence[DataGap]) -> list[DataGap]:
    """The gaps of Conditions whose code is masked or absent (masked_codes.py), one per
    resource."""
    return [g for g in gaps if g.reason == MASKED_DIAGNOSIS and g.source is not None]


def dated_as(gap: DataGap) -> str | None:
    """ "recorded 2025-09-12": the entry's own day; None when it has none."""
    return f"{words().dated} {gap.recorded.isoformat()}" if gap.recorded else None


def with_masked_diagnoses(by_kind: ByKind, record: PatientRecord) -> ByKind:
    """`by_kind` with a DIAGNOSIS_UNREADABLE finding per masked Condition, and a TMS_CAUTION
    beside each unless a seizure disorder is on record (module docstring). Unchanged (the same
    mapping) when there is none, as on nearly every chart."""
    if not record.gaps:
        return by_kind
    found = masked_gaps(record.gaps)
    if not found:
        return by_kind
    w = words()
    unreadable = tuple(
        Finding(
            _UNREADABLE,
            "",
            "",
            g.stated,
            g.recorded,
            g.source,
            onset_recorded=True,
            dated_as=dated_as(g),
        )
        for g in found
    )
    added = {**by_kind, _UNREADABLE: unreadable}
    if by_kind.get(_EPILEPSY):
        return added  # a seizure disorder on record holds TMS by itself
    screen = caution_findings(
        found, lambda g: f"{w.screen_item.format(reason=g.stated)}: {w.screen_ask}", dated_as
    )
    return {**added, _CAUTION: by_kind.get(_CAUTION, ()) + screen}


def caution_findings(
    found: Sequence[DataGap],
    item: Callable[[DataGap], str],
    dated: Callable[[DataGap], str | None],
) -> tuple[Finding, ...]:
    """A TMS_CAUTION per masked record, its screen line `item(gap)`: the TMS card's "to screen"
    items for a masked diagnosis (here) and a masked procedure or device (masked_records.py)."""
    return tuple(
        Finding(
            _CAUTION,
            "",
            "",
            item(g),
            g.recorded,
            g.source,
            onset_recorded=True,
            dated_as=dated(g),
        )
        for g in found
    )


def review_items(found: Sequence[Finding]) -> list[Item]:
    """The diagnosis review's line per DIAGNOSIS_UNREADABLE finding: one to settle before
    escalating (not "alongside": module docstring)."""
    from services.rules.diagnosis_item import Item  # the rules package imports this module

    w = words()
    return [
        Item(
            w.review_short.format(reason=f.display),
            w.review_text.format(dated=f.dated_as or "", reason=f.display).replace("  ", " "),
            step=w.review_step,
        )
        for f in found
    ]
