"""A chart's courses as its dispense feed's reading leaves them: one step for build.py.

The reading (refills_unread.dispense_read: READ, PARTIAL or NOT_READ) is decided once, BEFORE the
courses are built, because two rules rest on it (review s24 RS W1):
- rule 2c's fill feed (fhir_mapping/unfilled_order.py): a dispense of any drug shows the chart
  carries the fills an unfilled order would have, so the order is listed "never filled or
  renewed". A feed read only in part (a `next` page on another host, or a page that failed)
  shows no such thing: the order's fills may be on the page not read. venlafaxine, whose fills
  were all on page 2 while sertraline's on page 1 were read, read "order of 2025-03-10 still
  active, never filled or renewed" and counted as the second failed adequate trial;
- the refill data's judgement of each course (refills_unread.refills_judged), after them.
Then the fills left out after a supply ran out (unread_fills.py, review s21 RR2 finding 4), and
the fills read there whose status is to confirm (lith53).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import date
from typing import Any

from fhir_mapping.documented_intolerances import Documented
from fhir_mapping.episodes import build_trials
from fhir_mapping.events import MedicationEvent
from fhir_mapping.other_prescriber import open_orders
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import DataGap, Trial
from fhir_mapping.refills_unread import DispenseRead, dispense_read, refills_judged
from fhir_mapping.same_drug_prescribers import dose_orders
from fhir_mapping.unread_fills import with_fills_to_confirm, with_unread_fills


def feed_courses(
    events: Iterable[MedicationEvent],
    as_of: date,
    policy: MappingPolicy,
    documented: Documented,
    resources: Sequence[Mapping[str, Any]],
    read_failed: AbstractSet[str],
    incomplete: Mapping[str, str],
    gaps: list[DataGap],
) -> tuple[Trial, ...]:
    """The courses of `events` (episodes.build_trials) judged by the dispense feed's reading of
    `resources` (the medication resources) from the protocol layer's report (`read_failed`,
    `incomplete`), then marked for fills left out (`gaps`: the record's data gaps, to which the
    open orders another prescriber's stop did not end are added: other_prescriber.py, meds55;
    and two prescribers' open orders of one running drug: same_drug_prescribers.py, meds57)."""
    events = tuple(events)
    feed = dispense_read(read_failed, incomplete, resources)
    courses = build_trials(
        events,
        as_of=as_of,
        policy=policy,
        documented=documented,
        resources=resources,
        partial_feed=feed is DispenseRead.PARTIAL,
    )
    judged = with_unread_fills(refills_judged(courses, feed), gaps)
    gaps.extend(open_orders(events, judged, resources, as_of=as_of, days=policy.unknown_ended_days))
    # meds57: two prescribers' open orders of one running drug (same_drug_prescribers.py).
    gaps.extend(dose_orders(events, judged, resources, as_of=as_of, days=policy.unknown_ended_days))
    return with_fills_to_confirm(judged, events, as_of)
