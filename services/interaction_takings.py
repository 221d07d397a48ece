"""What the patient takes, or what the order drafts, as an interaction card names it (`Taking`):
the running courses on the as-of date and the drugs an active statement says are taken whose
dates could not be read (`running`), and the drafts of an order (`on_order`); the interaction
table (interaction_table.py) pairs them.

Apart from the table because it reads only the record and the draft orders, and its wording
(dose, start, source; "listed ... confirm it is still taken" for an old statement) is the same
whatever row a pair matches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from fhir_mapping.drug_table import components
from fhir_mapping.frozen_init import quick_frozen_init
from fhir_mapping.record import DraftOrder, PatientRecord, SourceRef, Trial
from services import (
    cards,
    draft_changes,
    draft_tapers,
    drug_names,
    taken_to_confirm,
    trial_dates,
)
from services.trial_dose_text import per_administration

# What a listing (a course the record lists but does not show taken now) asks of it.
CONFIRM_TAKEN = ": confirm it is still taken"


@dataclass(frozen=True, slots=True)
class Taking:
    """A drug the patient takes, or that is on the order, as a card names it."""

    ingredient: str
    mg_per_day: float | None
    start: date | None
    on_order: bool
    source: SourceRef | None
    # The course runs on only because an active MedicationStatement lists it and nothing has
    # confirmed it for statement_confirmed_days (Trial.unconfirmed_since, review 6 finding 11):
    # the last date the record confirms it. Such a drug is named as listed, not as running
    # (review 9 finding 4: a thioridazine statement last asserted in 2016 read "running since
    # 2012"). None: confirmed by the record, on the order, or undated (a DataGap.taken_now).
    unconfirmed_since: date | None = None
    # Taken only as needed (DoseSegment.as_needed, DraftOrder.as_needed), with its daily ceiling:
    # named "400 mg as needed", never as mg/day (ibuprofen PRN beside lithium).
    as_needed: bool = False
    as_needed_max_mg: float | None = None
    # Taken only by a record whose code and name give different drugs: its two readings
    # (services/taken_to_confirm.py). Such a drug "may be running", never "running". "" else.
    to_confirm: str = ""
    # Its record as a card names it (taken_to_confirm.named): beside what it states, for the
    # drug-to-confirm line ("the statement"), and alone, for a line that cites it ("the
    # statement of 2025-05-26"). "" for a record the mapping read.
    record: str = ""
    record_alone: str = ""
    # A drug dosed per session or injection (esketamine, a long-acting injectable): its dose as
    # one administration, "56 mg per session", named instead of `mg_per_day`, which is only a
    # time average for supply arithmetic (review s19 M2). "" for a daily dose.
    per_dose: str = ""
    # The day the present dose began when later than `start` (trial_dates.dose_began): the line
    # then names the course's start and the dose's apart ("lithium, running since 2026-05-04;
    # 900 mg/day since 2026-09-07": review s20 item 1), never the dose as taken since the start.
    dose_began: date | None = None
    # That listing is an order never filled or renewed (Trial.unconfirmed_order), not a
    # statement: its start is the order's day (services/rules/interactions.py `_settled`).
    unconfirmed_order: bool = False
    # A running course whose supply ran out more than statement_confirmed_days ago (Trial.
    # supply_out_since, review s22 RR2 finding 5): named as listed, with its last fill.
    supply_out_since: date | None = None
    last_fill: date | None = None
    # A running course whose supply ran out a month or more ago, its order still open (Trial.
    # supply_ran_out): why it "may be running" (taken_to_confirm.trial_claim: "no supply since
    # 2025-06-05"), as its trials table's dates cell says it (review s23 RPC). "" else.
    ran_out: str = ""
    # Known only from statements dated by their dateAsserted (trial_dates.listed_undated): its
    # `start` is the day it was listed, said "since 2026-11-25 (listed; start not recorded)" as
    # trial_dates.start_text says it (review s23 RR finding 4).
    listed_undated: bool = False
    # An order-only course no fill shows yet (Trial.awaiting_fill, review s23 RR2 finding 6):
    # the order's day, said "is ordered (2026-11-21, no fill yet)" (taken_to_confirm.course_claim).
    awaiting_fill: date | None = None
    # A running course a draft of this order halts (stopped, cancelled, dosed 0: draft_tapers.
    # stops_running): the day it is signed, its last dose at the latest. Named "stopped today",
    # never "running" nor "on this order" as if started (review s27 RD finding 1, x13).
    stopped_on: date | None = None
    # That draft holds it (status on-hold, DraftTiming.held): a pause, said "on hold today" /
    # "on hold on this order", never "stopped" (review s27 K1 recheck finding 2).
    held: bool = False
    # A draft that re-orders a running course (renews, lowers, raises or tapers it to a stop):
    # that course's line with what the order does to it, "sertraline 150 mg/day, running since
    # 2026-06-01 (renewed on this order)", never "sertraline 150 mg/day on this order" as if
    # started (review s27 RD finding 8). "" else (`on_order`).
    reorders: str = ""

    @property
    def cited(self) -> object | None:
        """The record as a card line cites it (cards.record_cite): its gap's citation ("the
        statement of 2025-05-26", `record_alone`) for a record the mapping left out, else its
        id."""
        return self.record_alone or self.source

    @property
    def confirmed(self) -> bool:
        """Whether the record shows the drug taken (or ordered) for certain: neither only
        listed by an old statement nor read from a record whose code and name disagree."""
        return self.claim() is taken_to_confirm.RUNNING

    def other_reading(self, other: Taking) -> bool:
        """Whether `other` is this drug's other reading of one record to confirm: no pair."""
        return taken_to_confirm.same_record(
            (self.source, self.to_confirm), (other.source, other.to_confirm)
        )

    @classmethod
    def of_trial(cls, trial: Trial) -> Taking:
        """A running course as a card names it: its latest dose, its start, its latest source."""
        last = trial.segments[-1] if trial.segments else None
        return cls(
            trial.ingredient,
            last.mg_per_day if last is not None else None,
            trial.start,
            False,
            trial.sources[-1] if trial.sources else None,
            trial.unconfirmed_since,
            last is not None and last.as_needed,
            None if last is None else last.as_needed_max_mg,
            per_dose=per_administration(trial.dose_basis, trial.mg_per_administration),
            dose_began=trial_dates.dose_began(trial),
            unconfirmed_order=trial.unconfirmed_order,
            supply_out_since=trial.supply_out_since,
            last_fill=trial.adherence.last_fill,
            ran_out=taken_to_confirm.trial_claim(trial).why,
            listed_undated=trial_dates.listed_undated(trial),
            awaiting_fill=trial.awaiting_fill if trial.ongoing else None,
        )

    def claim(self) -> taken_to_confirm.Claim:
        """How the drug is taken (taken_to_confirm.course_claim, the one rule of every card)."""
        return taken_to_confirm.course_claim(
            self.to_confirm,
            self.unconfirmed_since,
            self.supply_out_since,
            self.ran_out,
            self.awaiting_fill,
        )

    def state(self) -> str:
        """How a summary says the drug is taken: "running", "listed" for a course only an old
        active statement or a never-filled old order keeps running, or "possibly running" for
        a drug read from a record whose code and name disagree or whose supply ran out a month
        or more ago. "listed" carries no date: the detail names the last confirmation, and a
        longer word pushed the pair's advice ("check the INR, adjust warfarin") out of the
        140-character summary. "stopped today" for a course halted on this order."""
        if self.stopped_on is not None:
            return "on hold today" if self.held else "stopped today"
        return self.claim().bare

    def text(self, ask: bool = True) -> str:
        """ "clozapine 300 mg/day, running since 2020-03-02", "fluvoxamine 100 mg/day on this
        order", "thioridazine 50 mg/day, listed as active since 2012-04-01, last confirmed
        2016-03-01: confirm it is still taken"; what is not recorded is said, never guessed.
        No resource id (review 19 b01s): the drug, dose and dates find the record; `source`
        stays for the machine (the to-confirm pairing, the de-duplication keys). `ask` False: a
        listing said without its CONFIRM_TAKEN, for a card whose supply line about the course
        asks it (rules/contraindicated_once.py; session 26 NW item 2: asked twice)."""
        confirm = CONFIRM_TAKEN if ask else ""
        if self.per_dose:
            dose = self.per_dose
        elif self.as_needed:
            dose = cards.as_needed_text(self.mg_per_day, None, self.as_needed_max_mg)
        elif self.mg_per_day is not None:
            dose = f"{cards.fmt_mg(self.mg_per_day)} mg/day"
        else:
            dose = "dose not read"
        parts = components(self.ingredient)
        if len(parts) > 1 and not self.per_dose and (self.as_needed or self.mg_per_day is not None):
            # A fixed combination's mg are those of the component its dose is read in (the
            # first of combination_of, as product_text reads Nuedexta and Auvelity): named, so
            # "dextromethorphan-quinidine 20 mg/day" never reads as 20 mg of the whole product.
            dose = f"({parts[0]} {dose})"
        if self.on_order:
            return self.reorders or f"{drug_names.shown(self.ingredient)} {dose} on this order"
        # No resource id for a dated record (review 19 b01s: cards.record_cite).
        cite = cards.record_cite(self.cited, self.start is not None)
        named, when = self.named_since(dose)
        if self.unconfirmed_since is not None:
            # Never "running": the record shows a list entry, not that the drug is taken now.
            since = f" {when}" if self.start else ""
            return (
                f"{named}, listed as active{since}, last confirmed "
                f"{self.unconfirmed_since.isoformat()}{confirm}"
            )
        if self.supply_out_since is not None:
            # Never "running": the last fill ran out long ago (review s22 RR2 finding 5).
            listing = taken_to_confirm.supply_listing(self.start, self.last_fill, True)
            return f"{named}, listed ({listing}){confirm}"
        if self.ran_out:
            # Never "running": no supply for a month or more, as its trials table says it.
            return f"{named}, {self.claim().said()}, {when}{cite}"
        if self.to_confirm:
            # Never "running": the record's code and name give different drugs (fix 19a); the
            # card's drug-to-confirm line names both readings.
            claim = taken_to_confirm.claim(self.to_confirm)
            return f"{named}, {claim.verb}, {when}{cite}"
        if self.stopped_on is not None:
            # Its stop is on this order: the pair stands while the drug is still in the body.
            day = self.stopped_on.isoformat()
            done = "on hold" if self.held else "stopped"
            return f"{named}, running {when}{cite}, {done} on this order ({day})"
        if self.awaiting_fill is not None:
            # Never "running": an order the fill feed shows no fill of yet, as the summary's
            # "(prescribed, no fill yet)" says it (orders38, recheck K35b finding 8).
            day = self.awaiting_fill.isoformat()
            return f"{drug_names.shown(self.ingredient)} {dose}, ordered {day}, no fill yet{cite}"
        return f"{named}, running {when}{cite}"

    def named_since(self, dose: str) -> tuple[str, str]:
        """(the drug as the line names it, since when): ("lithium 900 mg/day", "since
        2026-05-04"), ("lithium", "since 2026-05-04; 900 mg/day since 2026-09-07") when the dose
        began later (trial_dates.named_since), ("lithium 900 mg/day", "start not recorded")."""
        shown = drug_names.shown(self.ingredient)
        if self.start is None:
            return f"{shown} {dose}", "start not recorded"
        # A course known only from a listing: the day it was listed, no start.
        start = (trial_dates.listed_day if self.listed_undated else date.isoformat)(self.start)
        return trial_dates.named_since(shown, dose, start, self.dose_began)


quick_frozen_init(Taking)


def _latest_running(trials: Iterable[Trial]) -> dict[str, Trial]:
    latest: dict[str, Trial] = {}
    for trial in sorted(trials, key=lambda t: (t.end, t.start)):
        if trial.ongoing:
            latest[trial.ingredient] = trial
    return latest


# Why a course known only from its fills "may be running" while the orders are unread (the
# words of washout_exposures._orders_unread, which says the same on the MAOI card).
FILLS_ONLY = "known only from its fills; its orders were not read"


def _fills_only(trial: Trial) -> bool:
    """Every record of `trial` is a fill (MedicationDispense)."""
    return bool(trial.sources) and all(
        s.resource_type == "MedicationDispense" for s in trial.sources
    )


def running(record: PatientRecord) -> list[Taking]:
    """What the patient takes on the as-of date: running courses, then undated active ones."""
    found = []
    halted = {d.ingredient: d for d in draft_tapers.stops_running(record)}
    for trial in _latest_running(record.trials).values():
        taking = Taking.of_trial(trial)
        if record.orders_unread and not taking.ran_out and _fills_only(trial):
            # Fix fetch66 (fetch65's washout rule on the interaction card): with the orders
            # unread, fills show the drug handed over, not still taken: "may be running".
            taking = dataclasses.replace(taking, ran_out=FILLS_ONLY)
        if (stop := halted.get(trial.ingredient)) is not None:
            taking = dataclasses.replace(taking, stopped_on=record.as_of, held=stop.timing.held)
        found.append(taking)
    known = {t.ingredient for t in found}
    # The drugs a record says for certain before those of a record to confirm (fix 19a).
    for gap in taken_to_confirm.certain_first(record.gaps):
        said = taken_to_confirm.readings(gap)
        for ingredient in gap.taken_now:
            if ingredient not in known:
                known.add(ingredient)
                found.append(
                    Taking(
                        ingredient,
                        None,
                        None,
                        False,
                        gap.source,
                        to_confirm=said,
                        record=taken_to_confirm.named(gap),
                        record_alone=taken_to_confirm.named(gap, stated_beside=False),
                    )
                )
    return found


def _reorders(record: PatientRecord | None, draft: DraftOrder) -> str:
    """`Taking.reorders` of `draft`: the running course of its drug (the same product) with
    what the order does to it; "" for a drug not running (or another product of it: a second
    product, not a re-order), or with no record."""
    if record is None:
        return ""
    trial = _latest_running(record.trials).get(draft.ingredient)
    if trial is None or trial.product != draft.product:
        return ""
    return f"{Taking.of_trial(trial).text(ask=False)} ({draft_changes.change_words(record, draft, trial)})"


def on_order(drafts: Sequence[DraftOrder], record: PatientRecord | None = None) -> list[Taking]:
    """The drafts of an order as a card names them; with `record`, a draft that re-orders a
    running course is named as that course re-ordered (`Taking.reorders`)."""
    return [
        Taking(
            d.ingredient,
            d.mg_per_day,
            None,
            True,
            d.source,
            None,
            d.as_needed,
            d.as_needed_max_mg,
            per_dose=per_administration(d.dose_basis, d.mg_per_administration),
            reorders=_reorders(record, d),
        )
        for d in drafts
    ]
