"""An `active` order that states its supply, never filled, while the chart's dispenses show other
fills (review s23 RO finding 2): how long the record supports it.

Rule 2c (event_spans._span) counts an `active` order no fill confirms up to
statement_confirmed_days after its day, then lists it ("order active, no fill or renewal"), and
the adherence card asks to confirm the drug is still taken. It did so only for an order stating
no supply at all: one that stated a quantity kept rule 2b's reading, running to as-of. An Oracle
Millennium order of escitalopram 20 mg, 30 tablets with 5 refills (at most 180 days authorised),
active and never filled in 19 months, while the same chart's MedicationDispense feed carried
every sertraline fill, read "2025-05-05 -> 2026-12-01: 20 mg/day (575 days), verdict: adequate":
two adequate trials failed, the Maudsley score and the TMS trial count, on a drug the record
never shows dispensed. Oracle's own documentation says of a MedicationRequest that "the system
may not know if the patient ever filled or took the prescribed medication"; a feed that carries
the other drugs' fills is one that would carry this one's.

So such an order takes rule 2c, the same one rule and the same line on the cards, counted up to
the earlier of statement_confirmed_days after its day (rule 2c's window) and the end of the
supply it authorises: one fill (expectedSupplyDuration, else quantity / daily dose:
medication_supply.order_supply) times (1 + numberOfRepeatsAllowed). Nothing beyond that supply
can have been dispensed on it, so counting past it claims more than the record shows. Where no
supply can be read the order already takes rule 2c as it stands (statement_confirmed_days).

Not when the chart carries no dispense at all (`fills_on_record` False): many feeds send none, and
there an order is all the record has (the TMS card says adherence is not verified by dispensing
data); nor when any fill of the drug is dated on or after the order (a fill outside the order's
window is read as before: the drug was dispensed); nor when the order carries adherence
documented on it (the US Core medication-adherence extension, MedicationEvent.
reported_adherence): someone asked whether the patient takes it, and the card names that answer
(adherence.py), which a fill feed that may miss a pharmacy does not overrule.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from fhir_mapping.events import EventKind, MedicationEvent


def fills_on_record(events: Sequence[MedicationEvent]) -> bool:
    """Whether any dispense is among the chart's medication events (the feed carries fills)."""
    return any(e.kind is EventKind.DISPENSE for e in events)


def authorised_until(
    event: MedicationEvent, dispense_starts: Sequence[date], fills_elsewhere: bool
) -> date | None:
    """The day the supply an unfilled order authorises runs out (module docstring), when the
    rule applies: an order stating its supply, no fill of its drug on or after its day, and
    fills of other drugs on record. None otherwise (the order keeps its reading)."""
    if not fills_elsewhere or event.kind is not EventKind.ORDER:
        return None
    if event.reported_adherence is not None:
        return None  # taking it was asked and documented on the order (module docstring)
    days = event.days_supply
    if days is None or days <= 0:
        return None
    if dispense_starts and dispense_starts[-1] >= event.start:
        return None  # the drug was dispensed after the order: not "never filled"
    return event.start + timedelta(days=round(days * (1 + max(event.refills, 0))))
