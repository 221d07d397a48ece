"""How a card names what a recorded delivery was read from (fix preg65, recheck K68a finding 3
item 3).

A delivery read from words (a visit reason "postpartum day 2", a visit type's words, a Procedure
sent with text alone: fhir_mapping/visit_delivery.py, procedures_devices.py) has no code, and the
cards printed its empty code slot: "(postpartum day 2,  )", "(,  )", "(O80)" as "()". A coded one
is named as before ("Encounter for full-term uncomplicated delivery, ICD-10-CM O80"); one read from
words names the words and where they were written ("visit reason: 'postpartum day 2'"), so the
prescriber can find the entry the reading rests on.
"""

from __future__ import annotations

from fhir_mapping.record import Finding


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
