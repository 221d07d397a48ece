"""Medication events: one FHIR medication resource read as one dated fact about one ingredient.

`medications.py` turns MedicationRequest / MedicationStatement / MedicationDispense into these;
`episodes.py` merges them into trials. A combination product yields one event per component.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fhir_mapping.adherence_record import WardDose
from fhir_mapping.dose_sig import Taper
from fhir_mapping.frozen_init import quick_frozen_init
from fhir_mapping.injection_tail import InjectionTail
from fhir_mapping.record import (
    AdherenceStatus,
    DoseBasis,
    Intolerance,
    Product,
    Role,
    SourceRef,
    StatedReason,
    WrittenDates,
)


@dataclass(frozen=True, slots=True)
class ReportedAdherence:
    """Adherence documented on the resource (US Core medication-adherence extension): POOR for
    "partial non-compliance" / "non-compliance" / "does not take", VERIFIED for "complies"."""

    status: AdherenceStatus
    text: str  # the code's display or text, for the card
    asserted: date | None  # the extension's dateAsserted
    # Who reported it, as the card words it ("patient", "clinician"): the extension's
    # informationSource, else None (then the card says "documented"). Review 6 finding 6.
    reported_by: str | None = None


class EventKind(StrEnum):
    ORDER = "order"  # MedicationRequest
    STATEMENT = "statement"  # MedicationStatement
    DISPENSE = "dispense"  # MedicationDispense


@dataclass(frozen=True, slots=True)
class MedicationEvent:
    kind: EventKind
    ingredient: str  # lower-case generic name from the drug table
    drug_class: str
    role: Role
    start: date  # authoredOn / effective start / whenHandedOver (else whenPrepared)
    # Explicit end where the resource states one: boundsPeriod.end (or start + boundsDuration),
    # effectivePeriod.end. It ends the course (episodes.py). None when the resource does not say.
    end: date | None
    mg_per_day: float | None  # None = unknown, never 0
    # Days of supply of ONE fill: dispense daysSupply; for an order expectedSupplyDuration, else
    # the ordered quantity / daily use. Refills are `refills`, never folded in: refills authorised
    # are not supply taken (issue 10). None when not stated.
    days_supply: float | None
    status: str  # the resource's status (entered-in-error / cancelled never reach here)
    source: SourceRef
    notes: tuple[str, ...] = ()  # e.g. "component of fluoxetine/olanzapine"
    refills: int = 0  # an order's dispenseRequest.numberOfRepeatsAllowed
    intolerance: Intolerance | None = None  # statusReason: stopped for side effects / allergy
    reported_adherence: ReportedAdherence | None = None  # US Core medication-adherence extension
    # Esketamine sessions and long-acting injections (dose_basis.py): `mg_per_day` is then only a
    # time average for supply arithmetic; the dose a clinician reads is `mg_per_administration`.
    dose_basis: DoseBasis = DoseBasis.DAILY
    mg_per_administration: float | None = None
    # The upper end of a ranged dose ("50-200 mg", "1-2 tablets"; dose.daily_dose_bounds); None
    # when the dose is no range. `mg_per_day` is the lower end: the dose the record proves.
    mg_per_day_high: float | None = None
    # A product whose mg are not the range's mg (bupropion HBr, weekly fluoxetine): the key of
    # its dose_basis.equivalences row; `mg_per_day` then holds the reference mg/day.
    dose_equivalence: str | None = None
    # Whether every dosage line says "as needed" (dose.as_needed); None when the resource has no
    # dosage (a dispense without a sig). An as-needed dose is no daily dose: it never counts
    # toward a trial and is written "50 mg as needed" (dose_timeline.py, DoseSegment.as_needed);
    # a drug whose low-dose use is as-needed (mirtazapine) is a low-dose use only then.
    as_needed: bool | None = None
    # A dispense without daysSupply whose `days_supply` was estimated as its quantity / the
    # authorising order's daily units (review 6 finding 9): the adherence it gives is worded
    # "estimated from quantity and the order's dose", never as stated supply.
    supply_estimated: bool = False
    # A statement's dateAsserted (None for other kinds, or when not stated): the day the record
    # last confirms an `active` statement, with its start (episodes.py rule 2c, review 6 f. 11).
    # For an order `stopped`, its meta.lastUpdated: the day the stop was recorded by (rule 2g).
    asserted: date | None = None
    # The most an as-needed dose allows a day, in mg (dose.as_needed_max_mg: maxDosePerPeriod);
    # None when not as needed or not stated.
    as_needed_max_mg: float | None = None
    # A start or end written as a partial date ("2023", "2023-05"; review 10 finding 5): the
    # dates as written; `start` / `end` are then their shortest reading (medication_dates.py).
    written_dates: WrittenDates | None = None
    # An order's or statement's sig that takes the drug down to a stop ("75 mg daily for 7
    # days, then 37.5 mg daily for 7 days, then stop"; review 10 finding 11): its steps become
    # dose segments, its length the course's end, and a drug started beside it is a switch by
    # cross-taper, not an augmentation (episodes.py). None: no taper.
    taper: Taper | None = None
    # The combination product the record names (combination_products.py: Symbyax, Contrave),
    # else None; the course carries it (Trial.product).
    product: Product | None = None
    # A statement from another organisation (medication_supply.outside_source: tagged external,
    # or sourced from an Organization): the organisation as the card names it; None for every
    # other event. Its supply is not in this pharmacy feed (review 11 finding 6).
    outside: str | None = None
    # The record rests on the patient's own report (patient_reported.py: reportedBoolean, a
    # statement whose informationSource is the patient; review 12 finding 14). A course of
    # such records only is Trial.patient_reported.
    patient_reported: bool = False
    # The resource's stated reasons (reasonCode / reasonReference; indications.py), read when
    # the resource has one and passed in when the event is built (Epic states one on nearly
    # every order: READ12 finding 3); () for a resource without one.
    reasons: tuple[StatedReason, ...] = ()
    # Why an order on its own does not show the drug was taken (medication_types.not_shown_taken:
    # "intent plan", "status unknown"); None for every other event. A course of such orders
    # only, with no fill and no statement, is no trial (review 14 W5, M8: trial_record.py).
    not_shown_taken: str | None = None
    # The release formulation the record names when it has its own labelled ceilings (bupropion
    # SR / IR / XL, paroxetine CR, venlafaxine IR / XR: formulations.py, review 15 W3), its key;
    # None when it names none, and for a dose-equivalent product (its mg are reference mg).
    formulation: str | None = None
    # The mg of one administration (the day's mg over the administrations a day) of a record
    # naming a formulation with a single-dose limit (bupropion IR 150 mg, SR 200 mg: a seizure
    # risk that follows the peak as well as the day's total); None when not read. The course
    # carries its latest (Trial.mg_per_dose), as a draft carries its own (DraftOrder.mg_per_dose).
    mg_per_dose: float | None = None
    # The record's only date is the day it was entered, not a day the drug was taken (recheck 2
    # of review 16, W2): a statement with no effective[x], dated by its dateAsserted, or an order
    # the patient reported (reportedBoolean), whose authoredOn is the day it was written down.
    # A course of such records only is Trial.entry_dated.
    entry_dated: bool = False
    # A stop reason that says nothing of efficacy or tolerability (stop_reasons.py: statusReason
    # `preg`, `hospadm`, ...): "pregnancy or breastfeeding"; None for every other record.
    stopped_for: str | None = None
    # The ward's MAR days of this course's drug that ward_courses.py gave this event (the
    # inpatient order they name, else the record of the course they fall in; a MAR-only run is a
    # STATEMENT event of its own): read as adherence by ward_adherence.py.
    ward_doses: tuple[WardDose, ...] = ()
    # An order the ward gives (its category `inpatient`, admission_codes.is_ward_order, or the MAR
    # doses that name it): no pharmacy fills it for home, so its dose holds over the stay only
    # (ward_orders.py, session 26 LA item 1).
    ward_order: bool = False
    # One parenteral dose of an antipsychotic (agitation_doses.one_time_parenteral: IM / IV,
    # timing count 1 or priority stat; review s27 RE finding 4): with as-needed records, a course
    # of only these is no augmentation course. False for every other record.
    one_time_parenteral: bool = False
    # An order entered as reported by someone other than the patient (patient_reported.
    # listed_order: reportedReference a Practitioner or Organization): a medication-list entry,
    # no order for a pharmacy to fill. A course of such orders and statements only is
    # Trial.listed_order (recheck K4 s27 finding 1). False for every other record.
    listed_order: bool = False
    # An order's dispenseRequest.validityPeriod.end: the last day the order may be dispensed on,
    # the end of the supply it authorises when stated (unfilled_order.authorised_until, orders32).
    # None for every other record, and when not stated.
    valid_until: date | None = None
    # A sig of a drug of data/sleep_doses.csv that states a sleep purpose ("Take 7.5 mg by mouth
    # at bedtime for sleep": sleep_use.states_sleep_purpose): with a dose at most the table's
    # ceiling, the course is a sleep aid, no trial and no adjunct (session 32 fix mirt45).
    sleep_purpose: bool = False
    # A long-acting injectable antipsychotic's course read from the MAR (injection_courses.py):
    # its last injection, the end of its cover and how long the drug still acts after (fix
    # lai62). None for every other record.
    injection_tail: InjectionTail | None = None
    # An order's or fill's drug names, lower case, when its dose is read per injection
    # (injection_courses.product_names): the product whose injection_intervals.csv row gives
    # its tail (ordered_injection_tail.py, fix psy62). None for every other record.
    injection_names: str | None = None
    # An order written after the stated end of its own course (bounds before its authoredOn,
    # review s27 RA finding 3): a past course put on record, no fill of it on this feed to
    # expect (feed_unfilled.fill_expected, fix span71). False for every other record.
    written_after_end: bool = False

    @property
    def mg_per_day_upper(self) -> float | None:
        return self.mg_per_day_high if self.mg_per_day_high is not None else self.mg_per_day


quick_frozen_init(MedicationEvent)  # issue 14: an event per fill, order and statement
