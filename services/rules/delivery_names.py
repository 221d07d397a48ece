"""How a card names what a recorded delivery was read from (fix preg65, recheck K68a finding 3
item 3).

A delivery read from words (a visit reason "postpartum day 2", a visit type's words, a Procedure
sent with text alone: fhir_mapping/visit_delivery.py, procedures_devices.py) has no code, and the
cards printed its empty code slot: "(postpartum day 2,  )", "(,  )", "(O80)" as "()". A coded one
is named as before ("Encounter for full-term uncomplicated delivery, ICD-10-CM O80"); one read from
words names the words and where they were written ("visit reason: 'postpartum day 2'"), so the
prescriber can find the entry the reading rests on.

Fix care66 (session 42 leftovers 3, 4): the date a delivery line gives is the birth's only when
the record says so. A resolved "History of" O80 with no onset is dated by its recordedDate, the
day it was charted (Finding.onset_recorded): "Delivery on record (date not recorded; charted
2026-11-20)", never "Delivered on 2026-11-20". A code of care after a birth (CPT 59430
postpartum care only, Z39.2: data/delivery_care_after.csv) dates the care: "Delivery before
2026-11-24 (postpartum care that day)". Either way the postnatal year is still counted from that
later day (it ends no earlier than the true one: the longer, safer side), and said so.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from fhir_mapping.record import Finding


@cache
def _care_after() -> frozenset[tuple[str, str]]:
    """(system, code without its dot) of the codes of care after a birth
    (data/delivery_care_after.csv)."""
    text = resources.files("services").joinpath("data/delivery_care_after.csv").read_text("utf-8")
    return frozenset((r["system"], r["code"]) for r in csv.DictReader(text.splitlines()))


def birth_head(delivery: Finding) -> tuple[str, str]:
    """(how a line dates the delivery, what its postnatal year is counted from or ""):
    "Delivered on 2026-11-10"; "Delivery recorded at the visit of ..." (a visit's);
    "Delivery before 2026-11-24 (postpartum care that day)"; "Delivery on record (date not
    recorded; charted 2026-11-20)". For a dated delivery only."""
    assert delivery.onset is not None
    day = delivery.onset.isoformat()
    if delivery.visit is not None:  # dated by the visit, not the birth (Finding.dated)
        return f"Delivery {delivery.dated}", " counted from the visit"
    if (delivery.system, delivery.code.replace(".", "").upper()) in _care_after():
        return f"Delivery before {day} (postpartum care that day)", " counted from the care"
    if delivery.onset_recorded:
        return (
            f"Delivery on record (date not recorded; charted {day})",
            " counted from the charting date",
        )
    return f"Delivered on {day}", ""


def _words(delivery: Finding) -> str:
    # "visit reason", "visit type" (visit_delivery.py), else the record's kind ("Procedure").
    kind = delivery.source.resource_type if delivery.source is not None else "entry"
    where = delivery.recorded or f"{kind} in words"
    return f"{where}: '{delivery.display}'" if delivery.display else where


def delivery_named(delivery: Finding) -> str:
    """Inside a delivery line's brackets: "<display>, <system> <code>", or the words it was
    read from and where ("visit reason: 'postpartum day 2'"), never an empty code."""
    if delivery.code:
        return f"{delivery.display}, {delivery.coding}" if delivery.display else delivery.coding
    return _words(delivery)


def delivery_code(delivery: Finding) -> str:
    """A short name in brackets after a date: the code ("O80"), else the words as above."""
    return delivery.code or _words(delivery)
