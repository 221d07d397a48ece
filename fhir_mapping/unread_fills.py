"""Fills not read after a course's supply ran out: the record does not show it ran out.

THE RULE (review s21 RR2 finding 4). A course whose supply ran out a month or more ago, its order
still open (Trial.supply_ran_out, supply_breaks.py), reads "no supply since DATE ... no fill
since, its order still open: likely stopped". That is a claim about the fills the record holds.
When MedicationDispense resources were sent but left out (data gaps: their Medication not read,
several authorising orders named, so no drug could be given them), and one is dated after the
day the supply ran out and could be this course's fill, the record does not show that no fill
followed: it shows fills it could not read. Such a fill could be this course's when:
- it names this course's order among its authorizingPrescription references (a fill naming two
  orders, one of them this course's: which drug it was is not known, so it is not read as
  either, authorising_order.the_order), or
- it names no order at all and its drug is not known (nothing ties it to another course).
A fill naming only other courses' orders, one read with its order's drug (fill_order_drug: a
record read, not left out), or one whose subject is not confirmed (DataGap.drugs set) is not.

The course is still judged up to the day its supply ran out (a verdict reached on its supply
stands, as at verdict_before_gap.py): the unread fills could only show it went on. What changes
is what the cards claim: "3 fills since could not be read (DATES): confirm whether it is still
taken", never "no fill since" nor "likely stopped" (services/trial_adherence_text.no_supply_since,
the one builder of the phrase). The safer reading for the patient: "likely stopped" invites
treating a drug that may be taken as stopped (a switch, or an interacting drug added beside it).

A fill READ but of a status that says neither that it was handed over nor that it was not (FHIR
R4 medicationdispense-status `unknown`: "the authoring system does not know which of the status
values applies"; `in-progress`: "the dispense has started but has not yet completed") is no
supply counted (usable_events.py keeps `completed` only), so the course's supply still ran out;
but "no fill since" is not what the record shows either (session 35 lith53: a lithium dispense
`unknown` handed over 2026-11-02, after the supply ended 2026-10-27, read "no fill since").
`with_fills_to_confirm` keeps such fills of the course's drug dated after the day its supply ran
out (Trial.fills_to_confirm), for the cards to name ("a fill of 2026-11-02, status unknown"); and,
for an order listed as never filled (Trial.unconfirmed_order), those dated on or after the order
(fix meds53: "never filled" beside five fills whose status was missing).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta

from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.fill_order_drug import from_order
from fhir_mapping.record import DataGap, Trial
from fhir_mapping.trial import FillToConfirm

_DISPENSE = "MedicationDispense"
# The dispense statuses of a fill that may have been handed over (module docstring): FHIR R4
# value-set structure, not a clinical fact. `preparation` and `on-hold` say it was not yet.
_FILL_TO_CONFIRM = frozenset({"unknown", "in-progress"})
_ORDER = "MedicationRequest"
_DAY = timedelta(days=1)


def with_unread_fills(trials: Sequence[Trial], gaps: Iterable[DataGap]) -> tuple[Trial, ...]:
    """`trials` with Trial.unread_fills set on each course whose supply ran out (module
    docstring); as they are when no fill was left out."""
    left_out = [g for g in gaps if _left_out_fill(g)]
    if not left_out or all(t.supply_ran_out is None for t in trials):
        return tuple(trials)
    return tuple([_with(t, left_out) for t in trials])


def _left_out_fill(gap: DataGap) -> bool:
    source = gap.source
    return (
        source is not None
        and source.resource_type == _DISPENSE
        and gap.recorded is not None
        and not from_order(gap)
        and not gap.drugs
    )


def _with(trial: Trial, left_out: Sequence[DataGap]) -> Trial:
    ran_out = trial.supply_ran_out
    if ran_out is None:
        return trial
    own = {s.id for s in trial.sources if s.resource_type == _ORDER}
    # One day per fill left out (two fills on one day are two fills), each fill once.
    found = {
        g.source: g.recorded
        for g in left_out
        if g.recorded is not None
        and ran_out <= g.recorded <= trial.end
        and (not g.orders or own.intersection(g.orders))
    }
    days = tuple(sorted(found.values()))
    return replace(trial, unread_fills=days) if days else trial


def with_fills_to_confirm(
    trials: Sequence[Trial], events: Iterable[MedicationEvent], as_of: date
) -> tuple[Trial, ...]:
    """`trials` with Trial.fills_to_confirm set on each course whose supply ran out and that a
    dispense of its drug of a status to confirm follows, up to as-of (module docstring)."""
    if all(t.supply_ran_out is None and not t.unconfirmed_order for t in trials):
        return tuple(trials)
    fills = [
        e
        for e in events
        if e.kind is EventKind.DISPENSE and e.status in _FILL_TO_CONFIRM and e.start <= as_of
    ]
    if not fills:
        return tuple(trials)
    return tuple([_with_to_confirm(t, fills) for t in trials])


def _with_to_confirm(trial: Trial, fills: Sequence[MedicationEvent]) -> Trial:
    ran_out = trial.supply_ran_out
    if ran_out is not None:
        after = ran_out + _DAY
    elif trial.unconfirmed_order:
        # Fix meds53 (review K60a finding 6): an order listed as never filled whose drug's fills
        # on or after it were read with no status (missing: read `unknown`) read "never filled
        # or renewed" beside the data-quality list naming those fills. They are kept to be named
        # instead (services/taken_to_confirm.unfilled): the record shows fills it could not read.
        after = trial.start
    else:
        return trial
    found = sorted(
        {
            (e.start, e.status)
            for e in fills
            if e.ingredient == trial.ingredient and e.start >= after
        }
    )
    return (
        replace(trial, fills_to_confirm=tuple(FillToConfirm(*f) for f in found)) if found else trial
    )
