"""A drug taken now only by a record to confirm: how a card says it.

Such a record (review 18a W1, fhir_mapping/product_conflict.py: an order coded escitalopram and
named "phenelzine 15 mg tablet") is no trial of either drug: its gap (DRUG_TO_CONFIRM) lists
both as `taken_now` when it says the drug is taken, so every check that asks what is running
(the MAOI washout, the MAOI combination, the interaction table) reads either drug, the safer
reading, and its card keeps the indicator either drug would raise. What the record does not
show is that either drug runs: the card said "Sertraline ordered while phenelzine (MAOI) is
running" as a fact (fix 19a). The one rule, for every check built on such a drug:

- it "may be running", never "is running" (`claim`);
- the card carries the drug-to-confirm line naming both readings (`confirm_lines`), as a draft
  whose drug is to confirm does (order_checks/doses.carry_dose_note);
- its two readings are one record, never a pair of drugs running together (`same_record`; the
  partners line of the MAOI card, recheck 18c R2, first said so).

A MedicationStatement whose status is `unknown` (fix 20 item 1, fhir_mapping/status_to_confirm.py)
is read by the same rule: its drug "may be running", with a line naming the record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from fhir_mapping.gaps import cite
from fhir_mapping.other_prescriber import OTHER_PRESCRIBER_TO_CONFIRM
from fhir_mapping.product_conflict import (
    DRUG_TO_CONFIRM,
    FILL_ORDER_TO_CONFIRM,
    TWO_DRUGS_TO_CONFIRM,
)
from fhir_mapping.record import DataGap, SourceRef, Trial
from fhir_mapping.refills_unread import REFILLS_INCOMPLETE, REFILLS_UNKNOWN
from fhir_mapping.status_to_confirm import STATUS_TO_CONFIRM
from services.card_format import plural

# How a line writes a date: ISO on the cards, "1 Mar 2024" in the packet and the timeline.
Day = Callable[[date], str]
# The gap reasons of a record that may say its drug is taken, and whose drug is to confirm.
_TO_CONFIRM = frozenset({*TWO_DRUGS_TO_CONFIRM, STATUS_TO_CONFIRM, OTHER_PRESCRIBER_TO_CONFIRM})
# How the readings of a record whose code and name give different drugs start (`same_record`).
_EITHER = "coded and named as different drugs"
# A fill whose own product is not its order's drug (fhir_mapping/fill_order_mismatch.py).
_FILLED_OTHER = "filled as another drug than its order"
# How the line of a record giving two drugs starts, by its gap reason.
_TWO = {DRUG_TO_CONFIRM: _EITHER, FILL_ORDER_TO_CONFIRM: _FILLED_OTHER}


@dataclass(frozen=True, slots=True)
class Claim:
    """How a card says a drug is taken: as a sentence's verb ("phenelzine is running") and
    after a name ("with phenelzine running")."""

    verb: str
    bare: str
    # Why the record does not show it taken now, said beside the verb: "no supply since
    # 2025-06-05" for a course whose supply ran out (Trial.supply_ran_out, `supply_why`). ""
    # for every other claim (a listing says its own words: `trial_listing`).
    why: str = ""

    def said(self) -> str:
        """The verb with its reason: "may be running (no supply since 2025-06-05)"."""
        return f"{self.verb} ({self.why})" if self.why else self.verb


RUNNING = Claim("is running", "running")
MAY_BE_RUNNING = Claim("may be running", "possibly running")


# A course only an old active statement or a never-filled old order keeps running
# (Trial.unconfirmed_since): the record shows a list entry, not that the drug is taken now.
LISTED = Claim("is listed", "listed")


# How a listing says an order no fill or renewal confirms (Trial.unconfirmed_order): `unfilled`.
NEVER_FILLED = "never filled or renewed"


# `refills_of` of a course no fill shows on a chart that sends no dispense (Trial.no_fill_feed,
# orders33): "never filled" claims what only a fill feed shows.
NO_FILL_FEED = "no fill feed"
NO_FILL_ON_RECORD = "no fill on record"
# span73 (fhir_mapping/feed_coverage.py): an order-only course before the chart's fill feed's
# first fill (Trial.fills_from): the order is all the record has for that time, and says why.
BEFORE_FEED = "no fill of it on record"


def no_fill_words(trial: Trial) -> str:
    """NO_FILL_ON_RECORD, or for a course before the feed's first fill "no fill of it on record;
    the fills on record start 2026-07-31" (span73)."""
    return f"{BEFORE_FEED}; {trial.fills_from}" if trial.fills_from else NO_FILL_ON_RECORD


def unverified_lines(trials: Sequence[Trial], names: Callable[[Sequence[Trial]], str]) -> list[str]:
    """The TMS card's lines for failed trials no dispensing data show taken (`names`:
    cards.names): one per course before the chart's fills start (span73: "sertraline: no fill
    of it on record; the fills on record start 2026-07-31: confirm it was taken"), one naming the
    others ("Adherence not verified by dispensing data for ...")."""
    lines = [
        f"- {t.ingredient}: {no_fill_words(t)}: confirm it was taken"
        for t in trials
        if t.fills_from
    ]
    others = [t for t in trials if not t.fills_from]
    if others:
        lines.append(
            f"- Adherence not verified by dispensing data for {names(others)}: confirm "
            "with the patient or pharmacy"
        )
    return lines


# Fix meds53 (review K60a finding 6): how `unfilled` names an order whose drug's fills since were
# read with no status (Trial.fills_to_confirm on an unconfirmed order): "never filled" claimed
# what the record does not show, beside the data-quality list naming those fills.
FILLS_STATUS_NOT_READ = "no fill read as made"


def refills_of(trial: Trial) -> str | None:
    """What `unfilled` is told of `trial`'s refill data: Adherence.not_verified, NO_FILL_FEED
    for an order-only course on a chart that sends no dispense (Trial.no_fill_feed), or, for an
    order whose drug's fills since could not be read for their status, those fills named
    ("no fill read as made: 5 fills since whose status could not be read (2025-01-06 to
    2025-05-06)")."""
    unknown = trial.adherence.not_verified
    if trial.unconfirmed_order and trial.fills_to_confirm and unknown not in REFILLS_UNKNOWN:
        days = [f.day for f in trial.fills_to_confirm]
        span = days[0].isoformat() if len(days) == 1 else f"{days[0]} to {days[-1]}"
        return (
            f"{FILLS_STATUS_NOT_READ}: {plural(len(days), 'fill')} since whose status could not "
            f"be read ({span})"
        )
    return NO_FILL_FEED if trial.no_fill_feed and unknown not in REFILLS_UNKNOWN else unknown


def unfilled(not_verified: str | None = "") -> str:
    """NEVER_FILLED; "not renewed, no fill read (refill data incomplete)" when the course's refill
    data were not (all) read (Adherence.not_verified in refills_unread.REFILLS_UNKNOWN; review s24
    RS W1: a dispense feed whose `next` page was not followed, every venlafaxine fill on it, read
    "order of 2025-03-10 still active, never filled or renewed"): its fills may exist unread."""
    if not_verified == NO_FILL_FEED:
        return NO_FILL_ON_RECORD  # orders33: a chart that sends no dispense
    if not_verified and not_verified.startswith(FILLS_STATUS_NOT_READ):
        return not_verified  # fix meds53: fills on record, their status not read (`refills_of`)
    if not_verified not in REFILLS_UNKNOWN:
        return NEVER_FILLED
    why = "incomplete" if not_verified == REFILLS_INCOMPLETE else "could not be read"
    return f"not renewed, no fill read (refill data {why})"


# How a summary says an order no fill shows yet (`course_claim`'s `awaiting_fill`).
AWAITING_FILL = "ordered (no fill yet)"


def claim(readings: str) -> Claim:
    """MAY_BE_RUNNING for a drug read from a record to confirm (`readings` not empty), else
    RUNNING."""
    return MAY_BE_RUNNING if readings else RUNNING


def course_claim(
    readings: str,
    unconfirmed_since: date | None,
    supply_out_since: date | None = None,
    ran_out: str = "",
    awaiting_fill: date | None = None,
) -> Claim:
    """How every card says a running course is taken: LISTED when nothing has confirmed it for
    statement_confirmed_days (`unconfirmed_since` set: an old statement, or an order never
    filled or renewed; `supply_out_since` set: an order left active whose last fill ran out
    longer ago, Trial.supply_out_since); MAY_BE_RUNNING with its reason when its supply ran out
    a month or more ago, its order still open (`ran_out`: `supply_why`'s words; review s23 RPC:
    the MAOI card said "escitalopram running since 2025-01-06" beside its trials table's "may
    be running: no supply since 2025-06-05"); else `claim(readings)`. One rule for the interaction
    pairs (interaction_takings.Taking.state) and the MAOI washout (washout_exposures.Exposure.
    claim): review s22 RR finding 8, a phenelzine order of 2024 never filled read "is running"
    on the MAOI card while the interaction cards said "listed"; RR2 finding 5, the same order
    filled once in 2024-03 read "is running (since 2024-03-01)" in 2026-12. Wording only: the
    course stays an exposure, and no card's indicator changes (the safer reading). An order-only
    course no fill shows yet, inside rule 2c's window while the chart has a fill feed
    (`awaiting_fill`: Trial.awaiting_fill, review s23 RR2 finding 6: a phenelzine order of ten
    days ago, never filled, read "is running"): "is ordered (2026-11-21, no fill yet)", and
    "ordered (no fill yet)" where a summary says a state ("Gepirone ordered (no fill yet) and
    clarithromycin running")."""
    if unconfirmed_since is not None or supply_out_since is not None:
        return LISTED
    if awaiting_fill is not None:
        return Claim(f"is ordered ({awaiting_fill.isoformat()}, no fill yet)", AWAITING_FILL)
    if ran_out:
        return Claim(MAY_BE_RUNNING.verb, MAY_BE_RUNNING.bare, ran_out)
    return claim(readings)


def trial_claim(trial: Trial, day: Day = date.isoformat) -> Claim:
    """`course_claim` of a running course (the one rule every surface reads: the trials tables'
    dates cell, trial_dates.ongoing_text; the order cards, order_checks/stacking.py; the
    interaction and MAOI cards, by the Taking and Exposure built from the course)."""
    ran_out = trial.supply_ran_out if trial.ongoing else None
    why = (
        ""
        if ran_out is None
        else supply_why(ran_out, len(trial.unread_fills), day, fills_to_confirm(trial, day))
    )
    return course_claim(
        "", trial.unconfirmed_since, trial.supply_out_since, why, trial.awaiting_fill
    )


def supply_why(ran_out: date, unread: int = 0, day: Day = date.isoformat, confirm: str = "") -> str:
    """Why a course whose supply ran out (Trial.supply_ran_out) may be running, not is: "no
    supply since 2025-06-05"; "supply read to 2025-06-05, 2 fills since not read" when fills
    after it were left out that could be its own (Trial.unread_fills, review s21 RR2 finding 4:
    "no supply since" would claim more than the record shows); "supply counted to 2026-10-27,
    then a fill of 2026-11-02, status unknown" when a fill of a status to confirm follows
    (`confirm`: `fills_to_confirm`'s words; lab57 item 3: "may be running (no supply since
    2026-10-27)" beside that fill claimed no supply the record does not rule out)."""
    if unread:
        said = f"supply read to {day(ran_out)}, {plural(unread, 'fill')} since not read"
        return f"{said}, {confirm}" if confirm else said
    if confirm:
        return f"supply counted to {day(ran_out)}, then {confirm}"
    return f"no supply since {day(ran_out)}"


def fills_to_confirm(trial: Trial, day: Day = date.isoformat) -> str:
    """ "a fill of 2026-11-02, status unknown" (Trial.fills_to_confirm: fills read of a status
    that says neither handed over nor not, after the supply ran out; session 35 lith53), "" when
    none. A fill also left out (Trial.unread_fills) is named there, not here twice."""
    unread = set(trial.unread_fills)
    return "; ".join(
        [
            f"a fill of {day(f.day)}, status {f.status}"
            for f in trial.fills_to_confirm
            if f.day not in unread
        ]
    )


def supply_listing(
    start: date | None, last_fill: date | None, by_order: bool, day: Day = date.isoformat
) -> str:
    """What keeps a course whose supply ran out long ago listed (Trial.supply_out_since), as the
    cards say it: "order still active, course from 2024-03-02, last filled 2024-07-30" ("filled
    once on 2024-03-02" when one fill is the whole course). The
    course's start, not the order's: an order its fills show taken counts from its first fill
    (fhir_mapping/first_fill.py, review s23 RT finding 1), so "order of" that day would date
    the order by its fill. `day` writes a date (the packet's "2 Mar 2024")."""
    record = "order" if by_order else "record"
    if start is not None and start == last_fill:
        # One fill started and ended the course: say so once, without nested brackets.
        return f"{record} still active, filled once on {day(start)}"
    since = f", course from {day(start)}" if start is not None else ""
    filled = f", last filled {day(last_fill)}" if last_fill is not None else ""
    return f"{record} still active{since}{filled}"


def by_order(trial: Trial) -> bool:
    """Whether an order is among the course's records (a listing's wording: "order of ...")."""
    return any(s.resource_type == "MedicationRequest" for s in trial.sources)


def trial_listing(trial: Trial, day: Day = date.isoformat) -> str:
    """What keeps a listed course (Trial.listed) running, as a card says it beside the drug:
    "order of 2024-03-01 still active, last filled 2024-03-02", "order of 2024-03-01 still
    active, never filled or renewed", or "statement active since 2012-04-01, last confirmed
    2016-03-01" (the MAOI card's words, washout_exposures.Exposure.listing). "" for a course
    the record shows taken. `day` writes a date (the packet and the timeline: "1 Mar 2024"):
    every surface says a listing in these words (review s23 RP findings 2 and 3)."""
    if trial.unconfirmed_since is None:
        if trial.supply_out_since is None:
            return ""
        return supply_listing(trial.start, trial.adherence.last_fill, by_order(trial), day)
    if trial.unconfirmed_order:
        refused = f" ({trial.fill_refused})" if trial.fill_refused else ""
        said = unfilled(refills_of(trial))
        return f"order of {day(trial.start)} still active, {said}{refused}"
    return (
        f"statement active since {day(trial.start)}, last confirmed {day(trial.unconfirmed_since)}"
    )


def listed_brief(
    start: date | None,
    unconfirmed_since: date | None,
    unconfirmed_order: bool,
    supply_out_since: date | None,
    refills: str | None = "",
) -> str:
    """What keeps a listed course running, in a summary's few words: "last supply ended
    2024-02-10" (an order left active, its supply run out: Trial.supply_out_since), "order of
    2024-03-01 never filled" (Trial.unconfirmed_order), "last confirmed 2016-03-01" (an old
    statement). Review s23 RR finding 5: a summary names a listed partner after those the
    record shows taken, in these words, with "confirm it is not taken". "" for a course not
    listed. `refills`: Adherence.not_verified ("order of 2024-03-01, no fill read" when the refill
    data were not all read: `unfilled`)."""
    if supply_out_since is not None and unconfirmed_since is None:
        return f"last supply ended {supply_out_since.isoformat()}"
    if unconfirmed_since is None:
        return ""
    if unconfirmed_order:
        said = unfilled(refills)
        if said == NEVER_FILLED:
            said = " never filled"
        else:
            said = f", {NO_FILL_ON_RECORD}" if said == NO_FILL_ON_RECORD else ", no fill read"
        return f"order of {(start or unconfirmed_since).isoformat()}{said}"
    return f"last confirmed {unconfirmed_since.isoformat()}"


def unfilled_listing(
    day: date, patient_reported: bool, refused: str = "", refills: str | None = ""
) -> str:
    """What keeps a course listed when it is an `active` order no fill or renewal confirms
    (Trial.unconfirmed_order), as every card says it: "order of 2025-05-05 still active, never
    filled or renewed". A home medication the patient reported (Trial.patient_reported:
    reportedBoolean, category patientspecified, no requester) is no order the clinic made, so it
    is said as what it is (review s23 RO finding 3): "patient-reported home medication of
    2025-05-05, no fill on record". `refused`: a dispense of it declined, cancelled or stopped
    (Trial.fill_refused, review s23 RR2 finding 5), said after: "(fill declined 2025-06-02)".
    `refills`: Adherence.not_verified, the refill data not all read (`unfilled`)."""
    if patient_reported:
        return f"patient-reported home medication of {day.isoformat()}, no fill on record"
    said = f" ({refused})" if refused else ""
    return f"order of {day.isoformat()} still active, {unfilled(refills)}{said}"


def readings(gap: DataGap) -> str:
    """What is to confirm about a record that may say its drug is taken, as its confirm line
    says it after the record's id: the two readings of a record whose code and name give
    different drugs ("coded and named as different drugs (code: escitalopram 10 MG Oral Tablet;
    name: phenelzine 15 mg tablet): confirm which the patient takes; checked as either drug"),
    or a statement whose status says its use is not known (fix 20 item 1: "status unknown,
    recorded 2025-05-26: confirm whether the patient takes it; checked as taken"); "" for any
    other gap (an undated active record says its drug is taken: it is running)."""
    if gap.reason in _TWO:
        said = _TWO[gap.reason]
        return f"{said} ({gap.stated}): confirm which the patient takes; checked as either drug"
    if gap.reason in (STATUS_TO_CONFIRM, OTHER_PRESCRIBER_TO_CONFIRM):
        # meds55: an active order another prescriber's stop did not end (other_prescriber.py).
        return f"{gap.stated}: confirm whether the patient takes it; checked as taken"
    return ""


def named(gap: DataGap, *, stated_beside: bool = True) -> str:
    """How a card names the record of a drug to confirm: as every line names a left-out record
    (fhir_mapping/gaps.cite: "the statement of 2025-05-26", its id only when it has no day
    written in full), so the confirm line, the "may be running" line and the data-not-read list
    of one card name it alike (session 21 F4 item 2). `stated_beside`: the line says what the
    record states (`readings`: "status unknown, recorded 2025-05-26"), so the day is not said
    twice. "" for a gap that names no resource."""
    return cite(gap, stated_beside=stated_beside) if gap.source is not None else ""


def certain_first(gaps: Iterable[DataGap]) -> list[DataGap]:
    """`gaps` with the records to confirm last: a drug another record says is taken is running,
    whatever a record to confirm adds (the first gap naming a drug is the one read)."""
    return sorted(gaps, key=lambda g: g.reason in _TO_CONFIRM)


def same_record(a: tuple[SourceRef | None, str], b: tuple[SourceRef | None, str]) -> bool:
    """Whether two drugs, each as (source, readings), are the two readings of one record to
    confirm: the patient takes one of them at most, so they are no pair. The drugs of one
    record whose status is unknown (a combination product) are taken together, if at all."""
    return a[1].startswith((_EITHER, _FILLED_OTHER)) and a == b and a[0] is not None


def confirm_line(record: str, said: str) -> str:
    """ "**Drug to confirm:** the order of 2025-01-05, coded and named as different drugs
    (code: ...; name: ...): confirm which the patient takes; checked as either drug." (`record`:
    the record as `named` names it; `said`: what `readings` gives)."""
    where = f"{record}," if record else "A record"
    return f"**Drug to confirm:** {where} {said}."


def confirm_lines(drugs: Sequence[tuple[str, str]]) -> list[str]:
    """One drug-to-confirm line per record to confirm among `drugs` (the record as `named`
    names it, readings), in order; [] when every drug is read for certain."""
    seen: list[tuple[str, str]] = []
    for record, said in drugs:
        if said and (record, said) not in seen:
            seen.append((record, said))
    return [confirm_line(record, said) for record, said in seen]
