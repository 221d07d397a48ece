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

Which fills show the chart carries a fill feed (`fill_feed`, review s23 RR finding 1): every
MedicationDispense of the patient handed over by as-of, WHATEVER ITS DRUG. The rule first asked
only the antidepressants' and adjuncts' dispenses read as events: a phenelzine 15 mg tid order of
2024, never filled, beside twelve lisinopril fills in the same feed, read "phenelzine 45 mg/day
since 2024-03-01 (143 weeks)", an adequate failed trial ("raise phenelzine from 45 toward 90 mg/day
first", the TMS count, Maudsley), and the order hooks "phenelzine is running"; an escitalopram
order beside metformin fills a 78-week failed trial. A pharmacy feed that sends a patient's
lisinopril fills sends the fills of any drug the same pharmacies dispense: the feed is the same,
whichever drug the fill is of. A dispense counts as a fill as rule 1 counts one (usable_events.py):
status `completed` ("the dispensed product has been picked up", FHIR R4 MedicationDispense.status;
not in preparation, in progress, on hold, stopped, declined, cancelled or entered in error), dated
by whenHandedOver, else whenPrepared (medication_dates.py), on or before as-of (a replay sees the
chart as it was that day). Drugs off this pathway are skipped before they are read (issue 14:
medication_drug.off_pathway); `handed_over_on_record` reads only those three fields of each
dispense, stops at the first one that counts, and is asked only when no dispense event already
shows the feed. Listing an unfilled order is the safer error: it claims no weeks the record does
not show, and the safety checks still see the drug (a listed MAOI order is still critical).

Not when the chart carries no dispense at all (`fill_feed` False): many feeds send none, and
there an order is all the record has (the TMS card says adherence is not verified by dispensing
data); nor when any fill of the drug is dated on or after the order (a fill outside the order's
window is read as before: the drug was dispensed); nor when the order carries adherence
documented on it (the US Core medication-adherence extension, MedicationEvent.
reported_adherence): someone asked whether the patient takes it, and the card names that answer
(adherence.py), which a fill feed that may miss a pharmacy does not overrule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.medication_dates import parse_date

# The one dispense status that says the product reached the patient, as rule 1 reads a dispense
# event (usable_events.py): a fill of any drug shows the feed only when it is one.
_HANDED_OVER = "completed"


def fills_on_record(events: Sequence[MedicationEvent]) -> bool:
    """Whether any dispense is among the chart's medication events (the feed carries fills)."""
    return any(e.kind is EventKind.DISPENSE for e in events)


def handed_over_on_record(resources: Iterable[Mapping[str, Any]], as_of: date) -> bool:
    """Whether `resources` (the patient's medication resources) hold a MedicationDispense of any
    drug handed over on or before `as_of` (module docstring): only its type, status and dates are
    read, and the walk stops at the first."""
    for resource in resources:
        if (
            resource.get("resourceType") == "MedicationDispense"
            and resource.get("status") == _HANDED_OVER
        ):
            day = parse_date(resource.get("whenHandedOver")) or parse_date(
                resource.get("whenPrepared")
            )
            if day is not None and day <= as_of:
                return True
    return False


def fill_feed(
    usable: Sequence[MedicationEvent], resources: Iterable[Mapping[str, Any]], as_of: date
) -> bool:
    """Whether the chart carries a fill feed (module docstring): a dispense among the usable
    events (rule 1: completed, by as-of), else any drug's dispense handed over by as-of."""
    return fills_on_record(usable) or handed_over_on_record(resources, as_of)


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
