"""Cardiac findings whose weight depends on how recent they are (review 12 finding 2).

An acute myocardial infarction (FindingKind.ACUTE_MI) matters to the TCA labels only "during the
acute recovery period after myocardial infarction"; the labels give no number, so how recent is
clinic policy (`Policy.recent_mi_days`, a documented design choice). The mapping reads every
acute MI code whatever its clinical status (fhir_mapping/data/condition_codes.csv); this module
keeps those whose onset falls inside the window, so the order check, the running-drug card and
the switch lists (which read the pathway facts) all see one reading.

An acute MI with no onset or recorded date is kept: the record cannot show the recovery period is
over, and a warning the prescriber overrides costs less than a TCA started days after an infarct
(the safer reading). An onset written as a year or a month is judged by its latest day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from fhir_mapping.record import Finding, FindingKind
from services.policy import Policy

# The finding kinds read only inside a policy window.
WINDOWED = frozenset({FindingKind.ACUTE_MI})


def in_window(findings: Iterable[Finding], as_of: date, policy: Policy) -> tuple[Finding, ...]:
    """The findings that count on `as_of`: every finding of a kind with no window, and an acute
    MI whose onset is at most `policy.recent_mi_days` old (undated: kept, see the docstring)."""
    since = as_of - timedelta(days=policy.recent_mi_days)
    return tuple(
        f for f in findings if f.kind not in WINDOWED or (f.onset_latest or as_of) >= since
    )


def recent_by_kind(
    by_kind: dict[FindingKind, tuple[Finding, ...]], as_of: date, policy: Policy
) -> dict[FindingKind, tuple[Finding, ...]]:
    """`by_kind` with the windowed kinds narrowed to their recent findings (a kind left with
    none is dropped, as a kind never on record is absent)."""
    if not WINDOWED & by_kind.keys():
        return by_kind  # nearly every chart
    narrowed = dict(by_kind)
    for kind in WINDOWED & by_kind.keys():
        kept = in_window(by_kind[kind], as_of, policy)
        if kept:
            narrowed[kind] = kept
        else:
            del narrowed[kind]
    return narrowed
