"""Which recorded deliveries are PAST births, not the end of the pregnancy on record (fix preg65,
recheck K68a finding 3).

services/pregnancy_now.py ends a pregnancy finding with any delivery dated on or after it. A
delivery is not this pregnancy's end, and ends none, when

- its Condition's words state it as past with no date of its own ("History of postpartum
  hemorrhage", no onset: `Finding.stated_past`, fhir_mapping/past_delivery.py), or
- it is dated only by its recordedDate (`Finding.onset_recorded`: the day it was entered, not the
  day of the birth) and that day is less than data/gestation.csv `delivery_min_weeks` (20) after a
  pregnancy on record before it began (its EDD less 280 days, its LMP or Z3A week; else the day
  it was recorded, the latest it can have begun): no birth that early ends a pregnancy as a
  delivery, so the entry records an earlier birth, entered late (an O80 "Full-term delivery"
  problem-list entry recorded 2026-06-15, four weeks into a pregnancy due 2027-02-20).

A delivery with its own onset (an encounter diagnosis O80 of 2026-11-10, a delivery Procedure, a
postpartum-day visit) ends the pregnancy as before. The safer reading when unclear is still
pregnant: a pregnancy read as ended while it goes on loses every pregnancy warning (paroxetine,
valproate); one kept past its end keeps a warning the clinician can dismiss, and its EDD or window
ends it anyway. A past birth is also dropped from the delivery findings beside a pregnancy
(`current_by_kind`): its recordedDate is not a birth date, so "Delivered on 2026-06-15" would be
false.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from fhir_mapping.record import Finding
from services.gestation import gestation


def _too_early(
    delivery: Finding, pregnancy: Iterable[Finding], began: Callable[[Finding], date | None]
) -> bool:
    """Whether a delivery dated by its recordedDate alone falls too early in a pregnancy on
    record to be its birth: the entry was made then, the birth was earlier (module docstring)."""
    if not delivery.onset_recorded or delivery.onset is None:
        return False  # a stated onset is the birth's own date: it ends the pregnancy as before
    least = timedelta(weeks=gestation().delivery_min_weeks)
    for found in pregnancy:
        start = began(found)
        if (
            found.onset is not None
            and start is not None
            and found.onset <= delivery.onset < start + least
        ):
            return True
    return False


def past_births(
    deliveries: Iterable[Finding],
    pregnancy: tuple[Finding, ...],
    began: Callable[[Finding], date | None],
) -> frozenset[Finding]:
    """The deliveries that are past births beside `pregnancy` (module docstring); `began`: the
    day a pregnancy finding dates gestation week 0 from, else its own date."""
    return frozenset(d for d in deliveries if d.stated_past or _too_early(d, pregnancy, began))
