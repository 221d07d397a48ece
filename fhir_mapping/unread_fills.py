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
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from fhir_mapping.fill_order_drug import from_order
from fhir_mapping.record import DataGap, Trial

_DISPENSE = "MedicationDispense"
_ORDER = "MedicationRequest"


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
