"""What the patient takes, took, or is being ordered that a washout may concern (issue 11 item 1):
its latest course of each drug with a washout row (any role, any verdict: trazodone at night is
still serotonergic), the drugs an active record says are taken though their dates could not be
read, and the other drafts of the same order.

Apart from washout.py (the conflicts a start would run into, and their wording): this is the one
place a course's dates become the day its washout counts from, so every washout check (the order
hooks, the patient-view combination card, the switch cards' washout line) reads the same day.
That day is the course's end as recorded (the last day a prescription, fill or statement
covers), except for a course whose order was recorded stopped only later (Trial.stop_recorded,
review s20 r3 finding 1): the latest day the drug may have been taken, the safer day to count
the washout from (`Exposure.supply_end` keeps the supply's end for the card to say).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from fhir_mapping.course_end_basis import EndFrom
from fhir_mapping.course_length import listed_undated
from fhir_mapping.record import DraftOrder, PatientRecord, SourceRef, Trial
from services import draft_changes, held_dates, taken_to_confirm
from services.washout_table import WashoutRow, longest_washout_days, row_for


@dataclass(frozen=True, slots=True)
class Exposure:
    """A drug the patient takes, took, or is being ordered alongside the draft."""

    ingredient: str
    row: WashoutRow
    running: bool  # running on the as-of date, or on this same order
    on_order: bool
    start: date | None
    end: date | None  # the last day of an ended course
    source: SourceRef | None
    # Taken only by a record whose code and name give different drugs: its two readings
    # (services/taken_to_confirm.py): it "may be running", never "is running". "" otherwise.
    to_confirm: str = ""
    # Its record as a card names it (taken_to_confirm.named): beside what it states, for the
    # drug-to-confirm line ("the statement"), and alone, for a line that cites it ("the
    # statement of 2025-05-26"). "" for a record the mapping read.
    record: str = ""
    record_alone: str = ""
    # A past course of unknown dates (Trial.taken_before): `end` is only the day the record
    # says it had ended by, the latest it may have been taken (the safer end for the interval).
    ended_by: bool = False
    # An ended course whose order was recorded stopped after its supply ran out
    # (Trial.stop_recorded): `end` is that recorded stop, the latest day the drug may have been
    # taken, and this the end of its supply on record. None for every other exposure.
    supply_end: date | None = None
    # An ended course whose `end` is only the day its stop was recorded by, no recorded last dose
    # (Trial.end_not_recorded: an order `stopped` cut at its meta.lastUpdated or at as-of):
    # cards say "stopped on or before" that day (review s20 r4 finding 3).
    end_not_recorded: bool = False
    # An ended course whose `end` no record states: the fill, order or statement it was worked
    # out from (Trial.end_from): cards name it, never "last taken ... as recorded" (review K58a
    # finding 5: the end of the last fill's 30 days). None: a recorded end, or none.
    end_from: EndFrom | None = None
    # A running course nothing has confirmed for statement_confirmed_days (Trial.
    # unconfirmed_since: an old statement, or an order never filled or renewed when
    # `unconfirmed_order`): the last day the record confirms it. Still an exposure (the washout
    # stands: the safer reading), named "listed", never "running" (review s22 RR finding 8).
    unconfirmed_since: date | None = None
    unconfirmed_order: bool = False
    # That order is a home medication the patient reported (Trial.patient_reported): named so,
    # not as a clinic order (taken_to_confirm.unfilled_listing).
    patient_reported: bool = False
    # A running course whose supply ran out more than statement_confirmed_days ago (Trial.
    # supply_out_since, review s22 RR2 finding 5): listed as above, its last fill named; whether
    # an order keeps it running (the wording).
    supply_out_since: date | None = None
    last_fill: date | None = None
    by_order: bool = False
    # A running course whose supply ran out a month or more ago, its order still open (Trial.
    # supply_ran_out): why it "may be running" (taken_to_confirm.trial_claim), as its trials
    # table says it (review s23 RPC). Still running for the washout (the safer reading). "" else.
    ran_out: str = ""
    # A course known only from statements dated by their dateAsserted (fhir_mapping/
    # course_length.listed_undated): `start` is the day it was listed, not begun (review s23 RR
    # finding 4, g1: "phenelzine is running (since 2026-11-25)"). Said by `since`.
    listed_undated: bool = False
    # An order-only course no fill shows yet (Trial.awaiting_fill, review s23 RR2 finding 6):
    # the order's day, said "is ordered (2026-11-21, no fill yet)" (taken_to_confirm.course_claim).
    awaiting_fill: date | None = None
    # Adherence.not_verified of its course: a listing says "no fill read" when the refill data
    # were not all read (taken_to_confirm.unfilled, review s24 RS W1), never "never filled".
    refills: str | None = ""
    # A running course a draft of this order halts (DraftTiming.halted: stopped, cancelled, dosed
    # 0): `end` is the day it is signed, said "is stopped on this same order" (review s27 RD 1).
    halted: bool = False
    # A draft of this order holds it (status on-hold: DraftTiming.held): a pause from the day it
    # is signed, said "is on hold on this same order" (review s27 K1 recheck finding 2).
    held: bool = False
    # A running course a draft of this order re-orders with no stop (draft_changes.
    # continues_running: renewed, lowered, raised): what the order does to it, "lowered to 100
    # mg/day on this order", said beside "is running"; the draft is no start of its own (review
    # s27 K1 recheck finding 1). "" else.
    reordered: str = ""
    # A running course on hold (Trial.on_hold): "on hold, not taken since 2026-05-15 at the
    # latest" (held_dates.held_text; "on hold, hold date not recorded" when the supply on record
    # reaches as-of: held_text_as_of), said in place of "is running"; and whether that day is
    # supply_gap_days or more ago (Trial.held_long), when the card asks to confirm it is not
    # taken, as of a listed course, rather than declare it running (recheck K6 s28 finding 1:
    # "Phenelzine (MAOI) ordered while fluoxetine is running" of an order held for 200 days).
    # Still an exposure: a held drug may be taken up again (the safer reading). "" / False else.
    on_hold: str = ""
    held_long: bool = False

    @property
    def cited(self) -> object | None:
        """The record as a card line cites it (cards.record_cite): its gap's citation ("the
        statement of 2025-05-26", `record_alone`) for a record the mapping left out, else its
        id."""
        return self.record_alone or self.source

    @property
    def claim(self) -> taken_to_confirm.Claim:
        """How a card says it is taken: "is running", "may be running" (to confirm), or "is
        listed" (taken_to_confirm.course_claim, the interaction cards' rule); "is on hold, not
        taken since 2026-05-15 at the latest" for a course on hold (`on_hold`)."""
        if self.on_hold:
            return taken_to_confirm.Claim(f"is {self.on_hold}", self.on_hold)
        return taken_to_confirm.course_claim(
            self.to_confirm,
            self.unconfirmed_since,
            self.supply_out_since,
            self.ran_out,
            self.awaiting_fill,
        )

    def listing(self) -> str:
        """What keeps a listed course running, as the MAOI card says it: "order of 2024-03-01
        still active, never filled or renewed" (the adherence card's words), or "statement
        active since 2012-04-01, last confirmed 2016-03-01" (an old statement). "" for a course
        the record confirms."""
        if self.held_long:  # on hold long: the claim says so; its start, to confirm
            return self.since()
        if self.unconfirmed_since is None:
            if self.supply_out_since is not None:
                return taken_to_confirm.supply_listing(self.start, self.last_fill, self.by_order)
            return ""
        if self.unconfirmed_order:
            day = self.start or self.unconfirmed_since
            return taken_to_confirm.unfilled_listing(
                day, self.patient_reported, refills=self.refills
            )
        since = f" since {self.start.isoformat()}" if self.start else ""
        return f"statement active{since}, last confirmed {self.unconfirmed_since.isoformat()}"

    @property
    def listed(self) -> bool:
        """A running course the record no longer shows taken (taken_to_confirm.LISTED)."""
        if self.running and not self.on_order and self.held_long:
            return True  # held long: to confirm as a listing is (`on_hold`)
        return self.running and not self.on_order and self.claim is taken_to_confirm.LISTED

    def listed_short(self) -> str:
        """ "listed: confirm it is not taken", "on hold: confirm it is not taken" (held long),
        as a short summary names a listed partner."""
        return f"{'on hold' if self.held_long else 'listed'}: confirm it is not taken"

    def listed_brief(self) -> str:
        """ "listed (last supply ended 2024-02-10): confirm it is not taken", as a summary names
        a listed partner (taken_to_confirm.listed_brief); "" for any other exposure."""
        if not self.listed:
            return ""
        if self.held_long:
            return f"{self.on_hold}: confirm it is not taken"
        why = taken_to_confirm.listed_brief(
            self.start,
            self.unconfirmed_since,
            self.unconfirmed_order,
            self.supply_out_since,
            self.refills,
        )
        return (
            f"listed ({why}): confirm it is not taken" if why else "listed: confirm it is not taken"
        )

    def since(self) -> str:
        """Since when a running course is taken, as a card says it beside the drug: "since
        2026-01-02"; "start not recorded; listed 2026-11-25" for a course known only from a
        listing (fhir_mapping/listed_start.py: the listing's day is no start); "start not
        recorded" without a start."""
        if self.start is None:
            return "start not recorded"
        if self.listed_undated:
            return f"start not recorded; listed {self.start.isoformat()}"
        return f"since {self.start.isoformat()}"

    def other_reading(self, other: Exposure) -> bool:
        """Whether `other` is this drug's other reading of one record to confirm: no pair."""
        return taken_to_confirm.same_record(
            (self.source, self.to_confirm), (other.source, other.to_confirm)
        )


def _by_order(trial: Trial) -> bool:
    """Whether an order is among the course's records (the listing's wording)."""
    return taken_to_confirm.by_order(trial)


def _end_from(trial: Trial) -> EndFrom | None:
    """The record an ended course's end was worked out from, while it is still the end the
    washout counts from (not a recorded stop after it: `supply_end`; not moved since)."""
    found = trial.end_from
    if trial.ongoing or trial.stop_recorded is not None or found is None:
        return None
    return found if found.until == trial.end else None


def _latest_per_ingredient(trials: Iterable[Trial]) -> list[Trial]:
    latest: dict[str, Trial] = {}
    for trial in sorted(trials, key=lambda t: (t.end, t.ongoing)):
        latest[trial.ingredient] = trial
    return list(latest.values())


def exposures(record: PatientRecord, *, drafts: Sequence[DraftOrder] = ()) -> list[Exposure]:
    """Every course on record with a washout row (any role, any verdict: trazodone at night is
    still serotonergic), its latest course only, and the other drafts of the same order."""
    found: list[Exposure] = []
    # A running course that a draft of this order takes down to a stop on a dated day is that
    # draft's exposure: it ends on the taper's last dose (draft_timing.py, review s20 RB 1).
    tapered = {d.ingredient: d for d in drafts if d.timing.last_day(record.as_of) is not None}
    # A draft that re-orders a running course with no stop is that course, still running, with
    # what the order does to it (draft_changes.py, review s27 K1 recheck finding 1): never a
    # drug started on this order.
    reordered = {
        d.ingredient: draft_changes.change_words(record, d, trial)
        for d in drafts
        if (trial := draft_changes.continues_running(record, d)) is not None
    }
    for trial in _latest_per_ingredient(record.trials):
        if trial.ingredient in tapered:
            continue
        row = row_for(trial.ingredient, trial.role)
        if row is None or not (row.is_maoi or row.interacts):
            continue
        found.append(
            Exposure(
                ingredient=trial.ingredient,
                row=row,
                running=trial.ongoing,
                on_order=False,
                start=trial.start,
                end=None if trial.ongoing else (trial.stop_recorded or trial.end),
                source=trial.sources[-1] if trial.sources else None,
                ended_by=trial.taken_before is not None,
                # Review s20 r3 finding 1: the washout counts from the recorded stop.
                supply_end=trial.end if trial.stop_recorded is not None else None,
                end_not_recorded=trial.end_not_recorded,
                end_from=_end_from(trial),
                unconfirmed_since=trial.unconfirmed_since if trial.ongoing else None,
                unconfirmed_order=trial.ongoing and trial.unconfirmed_order,
                patient_reported=trial.patient_reported,
                supply_out_since=trial.supply_out_since,
                last_fill=trial.adherence.last_fill,
                by_order=_by_order(trial),
                ran_out=taken_to_confirm.trial_claim(trial).why,
                listed_undated=listed_undated(trial),
                awaiting_fill=trial.awaiting_fill if trial.ongoing else None,
                refills=taken_to_confirm.refills_of(trial),
                reordered=reordered.get(trial.ingredient, "") if trial.ongoing else "",
                on_hold=held_dates.held_text_as_of(trial, record.as_of) or "",
                held_long=trial.ongoing and trial.held_long,
            )
        )
    # A record that says a drug is (or may be) taken now outranks an ENDED course of it: no
    # later record ended it (fhir_mapping/to_confirm_settled.py), so the course's end is not the
    # day its washout counts from (review s21 RR finding 5: an `unknown` fluoxetine of last
    # week beside its order stopped in 2023 raised no MAOI line). A running course stays read.
    if record.orders_unread:
        filled_only = {t.ingredient for t in record.trials if _fills_only(t)}
        found = [_orders_unread(e, record.as_of, e.ingredient in filled_only) for e in found]
    annotated = {e.ingredient for e in found if e.reordered}
    undated = _taken_without_dates(record, {e.ingredient for e in found if e.running})
    replaced = {e.ingredient for e in undated}
    found = [e for e in found if e.ingredient not in replaced] + undated
    for draft in drafts:
        if draft.ingredient in annotated:
            continue  # read as its running course above
        row = row_for(draft.ingredient, draft.role)
        if row is None or not (row.is_maoi or row.interacts):
            continue
        last = draft.timing.last_day(record.as_of)
        start = draft.timing.first_day(record.as_of)
        found.append(
            Exposure(
                draft.ingredient,
                row,
                last is None,
                True,
                start,
                last,
                draft.source,
                halted=draft.timing.halted,
                held=draft.timing.held,
            )
        )
    return found


def _fills_only(trial: Trial) -> bool:
    """Whether every record of `trial` is a fill (MedicationDispense): no order or statement
    says the drug is still taken."""
    return bool(trial.sources) and all(
        s.resource_type == "MedicationDispense" for s in trial.sources
    )


def _orders_unread(exposure: Exposure, as_of: date, filled_only: bool = False) -> Exposure:
    """With the orders not read (PatientRecord.orders_unread, fix gap48), a course the
    statements or fills show ended within the longest washout of as-of: its end is only the
    earliest day it was last taken (a later dose, or an order still open, may be in the orders),
    so it "may be running" (the safer reading): the card asks to stop it, then wait the whole
    interval, never "fluoxetine stopped 2026-10-29 (2 days left)" (review K56a finding 1: with
    the orders read, its last dose was 2026-11-11). An end longer ago is left as read.

    A running course known only from fills (`filled_only`, fix fetch65, review K65a leftover
    1): the fills show the drug handed over, not that it is still taken; the order that would
    say so (or its stop) is what could not be read, so it "may be running (known only from
    its fills; its orders were not read)", the words of a course whose supply ran out, never
    "sertraline is running". Still running for the washout (the safer reading)."""
    if filled_only and exposure.running and not exposure.ran_out:
        # Adherence.last_fill is set only for a supply that ran out: the date when known.
        last = exposure.last_fill
        filled = f"last filled {last.isoformat()}" if last else "known only from its fills"
        return replace(exposure, ran_out=f"{filled}; its orders were not read")
    end = exposure.end
    if exposure.running or end is None or (as_of - end).days >= longest_washout_days():
        return exposure
    return replace(
        exposure,
        running=True,
        end=None,
        ended_by=False,
        supply_end=None,
        end_not_recorded=False,
        end_from=None,
        ran_out=f"last dose on record {end.isoformat()}; its orders were not read",
    )


def _taken_without_dates(record: PatientRecord, known: set[str]) -> list[Exposure]:
    """Drugs an active statement or order says are taken now but whose dates could not be read
    (DataGap.taken_now: left out of the trials): running for the MAOI checks, the safer reading
    of "active" (review: an undated active phenelzine statement hid the MAOI combination). Also
    both readings of an active record whose code and name give different drugs, each to confirm
    (`Exposure.to_confirm`), after the drugs a record says for certain."""
    found: list[Exposure] = []
    for gap in taken_to_confirm.certain_first(record.gaps):
        said = taken_to_confirm.readings(gap)
        for ingredient in gap.taken_now:
            row = row_for(ingredient, None)
            if ingredient in known or row is None or not (row.is_maoi or row.interacts):
                continue
            known.add(ingredient)
            found.append(
                Exposure(
                    ingredient,
                    row,
                    True,
                    False,
                    None,
                    None,
                    gap.source,
                    said,
                    taken_to_confirm.named(gap),
                    taken_to_confirm.named(gap, stated_beside=False),
                )
            )
    return found
