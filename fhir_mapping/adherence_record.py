"""A trial's adherence as the mapping reads it: its status, the supply gaps and fills behind it,
and the ward doses (MedicationAdministration) that show it on the days of a stay (ward_doses.py).
Apart from trial_parts.py (which re-exports every name here) so the adherence record can grow
without that module passing 400 lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from fhir_mapping.frozen_init import quick_frozen_init
from fhir_mapping.percent import pct


class AdherenceStatus(StrEnum):
    VERIFIED = "verified"  # refill data exist and PDC >= policy threshold, no refill gap
    POOR = "poor"  # refill data contradict adherence (PDC below threshold or a refill gap)
    UNVERIFIED = "unverified"  # no refill data: not contradicted, but the card says so


@dataclass(frozen=True, slots=True)
class RefillGap:
    """A stretch with no supply on hand longer than the policy's refill-gap threshold."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True, slots=True)
class Fill:
    """A trial's first hand-over day and the days' supply handed over then (the longest of the
    day's fills: two strengths handed over together cover the same days)."""

    date: date
    days: int


@dataclass(frozen=True, slots=True)
class Adherence:
    status: AdherenceStatus
    pdc: float | None = None  # proportion of days covered, 0..1, from MedicationDispense
    refill_gaps: tuple[RefillGap, ...] = ()
    # Adherence documented on the order or statement (US Core medication-adherence extension),
    # e.g. "Drugs - partial non-compliance (finding), 2023-08-11, MedicationRequest/abc".
    documented: str | None = None
    # Stretches of >= MappingPolicy.supply_gap_days with no dispensed supply on hand (review 6
    # finding 1): named on the cards and the packet, not counted as time on the drug, and a PHQ-9
    # taken in one does not decide a failure. They do not change `status` (PDC and
    # `refill_gaps` do).
    supply_gaps: tuple[RefillGap, ...] = ()
    # Supply gaps inside a documented hold (an order of the drug now on hold, up to the record
    # that took it up again: adherence.py; review 14 audit W4): not missed doses (left out of
    # the PDC, no gap card), still no time on the drug. Never also in `supply_gaps`.
    held_gaps: tuple[RefillGap, ...] = ()
    # The trial's dispenses on record (review 6 finding 9): fills without daysSupply are still
    # fills, so "no dispensing data" is never said when this is above 0.
    fills: int = 0
    # Some days of supply were estimated (quantity / the authorising order's daily dose).
    estimated: bool = False
    # Set when the fills state their days but no PDC is given (`pdc` None, adherence.py): the
    # course is no longer than its first fill's supply (no refill was due), or it has one fill
    # day only (a PDC of one fill is that fill's days over the course). The first fill, so cards
    # say "one fill (2025-05-01, 30 days)" instead of a "PDC 100 %" that says nothing.
    first_fill: Fill | None = None
    # Days at the course's end that only a statement covers (an outside organisation's
    # continuation or a report, no fills seen: adherence.outside_tail), e.g. "adherence not
    # verified 2024-06-06 – 2024-08-12: outside record from ..., no fills seen (...)". Its own
    # field, never `documented`: cards read `documented` as the adherence a clinician recorded,
    # and this is neither non-adherence nor compliance (wave 4 K1).
    not_verified: str | None = None
    # The first day with no supply on hand, when the fills ran out before the end of the window
    # they were judged over (the last fill's days used up, no later fill yet), else None. The
    # trial reads it to judge an adequate course on the days its supply made it adequate (review
    # s20 RA finding 4: supply_breaks.py), never on the days after it.
    supply_until: date | None = None
    # The day of the latest fill judged (its hand-over), set only with `supply_until` (the fills
    # ran out): a running course whose supply ran out long ago is "last filled" then (review s22
    # RR2 finding 5, Trial.supply_out_since).
    last_fill: date | None = None
    # Ward doses (MedicationAdministration, ward_adherence.py): the days of the course the MAR
    # covers read as a PDC of doses given (`ward_pdc`, judged against the same threshold as the
    # refill PDC), and supply gaps the ward doses filled (`ward_covered`, no longer supply gaps);
    # `ward` words both for the cards, naming the stay and why doses were not given.
    ward: str | None = None
    ward_pdc: float | None = None
    ward_covered: tuple[RefillGap, ...] = ()
    # Stretches the ward held the drug (no dose given, none refused, from the first held day to
    # the last) of at least policy.ward_held_days (ward_adherence.py, review s28 K9 finding 1):
    # no time on the drug, as `held_gaps`, but no supply gap (the hold is the ward's, not an
    # order on hold), so their own field and words.
    ward_held: tuple[RefillGap, ...] = ()
    # The ward MAR's held days (left out of the ward PDC) when some are in no `ward_held`
    # stretch, as the cards' `ward` words count them ("held on 16 (...), not counted"), else 0:
    # the timeline, which draws the stretches and shows no `ward` words, says them (review s29
    # RM finding 6: the packet named 16 days held, the timeline nothing).
    ward_held_days: int = 0
    # The ward MAR's days given and days counted when `pdc` is that share alone (no fill PDC to
    # weigh it with: ward_adherence.with_ward), else 0 and 0: `pdc_words` names it as MAR days
    # given, never a PDC (review s27 RB finding 4: "venlafaxine PDC 25 %" of 13 of 52 ward days).
    ward_given: int = 0
    ward_counted: int = 0
    # The line `pdc` was judged against (policy.pdc_threshold), so every text shows the PDC on
    # its own side of it (`pdc_percent`; s25 FN item 2: 79.6 %, never "80 %" beside "PDC at
    # least 80 %" on a course counted as poorly adhered to). How it is shown, not what the
    # adherence is: left out of equality.
    pdc_line: float | None = field(default=None, compare=False)

    @property
    def off_drug(self) -> tuple[RefillGap, ...]:
        """The stretches that are no time on the drug: supply gaps, documented holds and the
        ward's held stretches (the trial cuts them from its weeks at dose)."""
        return self.supply_gaps + self.held_gaps + self.ward_held

    def ward_deciding(self) -> str | None:
        """The ward PDC as a percent when the ward MAR's figure, not the fill PDC, made the
        course poor (the ward stood alone below the line the fills met: ward_adherence.py), else
        None. The card names the deciding figure (review s25 RK4 finding 7: "PDC 99 %" on a
        course judged by a ward 60 %)."""
        line, ward = self.pdc_line, self.ward_pdc
        if line is None or ward is None or self.pdc is None or not ward < line <= self.pdc:
            return None
        return self.pdc_percent(ward)

    def pdc_words(self) -> str:
        """ "PDC 92 %"; "given on 13 of 52 ward days (MAR)" when the figure is the ward MAR's
        alone (`ward_alone`): doses charted given on a ward are no proportion of days covered
        by fills."""
        if self.ward_alone():
            return f"given on {self.ward_given} of {self.ward_counted} ward days (MAR)"
        return f"PDC {self.pdc_percent()}"

    def ward_alone(self) -> bool:
        """Whether `pdc` is the ward MAR's share of days given, no fill PDC beside it."""
        return self.ward_counted > 0 and self.pdc == self.ward_pdc

    def pdc_percent(self, value: float | None = None) -> str:
        """The PDC (or `value`, the ward PDC judged on the same line) as a percent: "79.6 %"
        where a whole percent would meet the line the course was judged below."""
        shown = self.pdc if value is None else value
        if shown is None:
            return ""
        return pct(shown, *(() if self.pdc_line is None else (self.pdc_line,)))


quick_frozen_init(Adherence)


class DoseReading(StrEnum):
    """What one day's ward doses (MedicationAdministration) of a drug say
    (data/administration_statuses.csv)."""

    TAKEN = "taken"  # a dose given that day
    MISSED = "missed"  # none given: not done (refused, missed) or stopped before it was given
    HELD = "held"  # none given, deliberately held (on-hold): no missed dose, left out of the PDC


@dataclass(frozen=True, slots=True)
class WardDose:
    """One day of a pathway drug on the MAR (ward_doses.py): several administrations of a day
    (a twice-daily dose) are one day, TAKEN when any was given."""

    day: date
    reading: DoseReading
    mg: float | None  # the mg given that day (TAKEN), None when not stated in mg
    why: str  # the statusReason of a dose not given ("Patient refused"), "" when none stated
    stay: str  # the stay the dose names (its `context` Encounter), as the card says it; "" none
    request: str  # "MedicationRequest/<id>" the dose was given under, "" when it names none
    source_id: str  # the (first) MedicationAdministration's id
    # Given under an as-needed order (ward_courses.py, review s25 RK1 finding 5): a night
    # without a dose is no missed dose, so its run gives no ward PDC (ward_adherence.py).
    as_needed: bool = False
    # The stay's Encounter reference ("Encounter/<id>", "" when the dose names none): runs split
    # where it changes (ward_adherence.ward_runs, review s25 RK4 finding 1), so the days between
    # two stays are never read as days not given.
    encounter: str = ""
    # The day that stay ended (its Encounter `finished`, or stating no status, with a
    # period.end), None when it is in progress, not stated or the dose names no stay: whether the
    # ward stopped a drug well before the discharge or the patient went home on the home supply
    # (ward_stop.py, review s27 K2 findings 1, 7, 9).
    stay_end: date | None = None
    # The Encounter reference of the stay that ends the dose's chain of stays (its own stay
    # unless the patient moved on to another: stay_chains.py, review s28 K5 finding 1); "" when
    # the dose names no stay. stay_end is that stay's end; ward_stop.stays_charted_until keys by
    # it, so a chain in progress is read to its last charted day, not the first stay's.
    chain: str = ""
