"""What a course's dates rest on (review 6 finding 8): a start or a duration the record does not
state is said as such on the cards and in the packet, never shown as measured history.

- Duration not recorded: a course with no stated end, supply or later record is counted
  ASSUMED_DAYS_WITHOUT_DURATION days from its start (fhir_mapping/episodes.py rule 2d, the
  conservative reading), which the Trial carries as `assumed_days`. The weeks are shown as
  "duration not recorded (counted as 30 days)", not "4.3 weeks".
- Start not recorded: a MedicationStatement with only `effectivePeriod.end` (C-CDA conversions)
  gets its end as its start (fhir_mapping/medications.py), so the course has no length. A course
  of statements alone that begins and ends on one day is read as that: "start not recorded"
  with the date it ended, not "30 Sep 2024 – 30 Sep 2024, 0 weeks".
- Dates to the year or month only (review 10 finding 5): a statement dated "2023" to "2024"
  (Trial.written_dates) is shown as written, "2023–2024 (year only)", never as the days the
  mapping reads it as (its shortest reading: 31 Dec 2023 to 1 Jan 2024). Its weeks are "at
  least" the shortest reading's; short of an adequate trial, they are not known: "to confirm".
- Reported without dates (recheck 2 of review 16, W2): a course the patient reported (a
  statement with only dateAsserted, a reportedBoolean order whose authoredOn is the day it was
  entered) and no record of it states a date of taking: its start is the day the entry was
  recorded, not the day the drug was begun. Said "reported 2025-01-06; dates not recorded",
  never "tried from 2025-01-06" (a past course would read as begun that day).
- Listed, start not recorded (review s23 RT finding 2): a course whose every record is a
  statement dated only by its dateAsserted (fhir_mapping/course_length.listed_undated) was
  listed that day, not begun then. Said "start not recorded (listed 2026-10-02)", and where a
  line says "since" a day, "since 2026-10-02 (listed; start not recorded)"; its verdict is
  "adequacy to confirm" (fhir_mapping/listed_start.py), never "adequate".
- Tried before a day (review s19 item 1): such a record whose status says the drug is not taken
  now (a statement `completed`, "took years ago"; fhir_mapping/episodes.py rule 2e) is a past
  course that had ended by the day it was entered (Trial.taken_before). Said "tried before
  2026-09-01; dates not recorded", never placed at that day nor counted 30 days from it.
- Since when the dose is taken (review s19 item 8): a course's start is not the day its present
  dose began. "escitalopram 20 mg/day since 2026-05-04" read as 20 mg since May 4 when 20 mg
  began on May 25; such a course is named "escitalopram since 2026-05-04; 20 mg/day since
  2026-05-25" (`dose_since`). Every line that names a running dose with a date says it so
  (review s20 item 1): the safety cards' drug lines (interaction_takings.Taking), the inducer
  line, the formulation-maximum lines (`named_since` where a line holds no Trial).
"""

from __future__ import annotations

from datetime import date

from fhir_mapping.course_length import duration_to_confirm as duration_to_confirm
from fhir_mapping.course_length import duration_to_confirm_text as duration_to_confirm_text
from fhir_mapping.course_length import length_not_recorded as length_not_recorded
from fhir_mapping.course_length import length_unknown as length_unknown
from fhir_mapping.course_length import listed_text as listed_text
from fhir_mapping.course_length import listed_undated as listed_undated
from fhir_mapping.course_length import reported_undated as reported_undated
from fhir_mapping.course_length import whole_course_assumed as whole_course_assumed
from fhir_mapping.record import InadequacyReason, Trial, Verdict
from services import taken_to_confirm
from services.card_format import fmt_weeks, plural, weeks_text
from services.held_dates import drawn_end as drawn_end
from services.held_dates import held_text
from services.lowered_dose import lowered_words
from services.present_dose import dose_began as dose_began
from services.present_dose import present_dose_run as present_dose_run
from services.present_dose import weeks_at_present_dose as weeks_at_present_dose
from services.taken_to_confirm import Day
from services.trial_dose_text import TO_CONFIRM


def start_unknown(trial: Trial) -> bool:
    """A course of MedicationStatements alone, ended, starting and ending on one day: the shape
    a statement with only `effectivePeriod.end` takes (its end read as its start). Only
    statements: an order or a fill always states its own date. A start written to the year or
    month only is a start on record (`written_text`), even when its shortest reading is one day."""
    written = trial.written_dates
    return (
        not trial.ongoing
        and trial.taken_before is None
        and trial.end == trial.start
        and (written is None or written.start is None)
        and bool(trial.sources)
        and all(s.resource_type == "MedicationStatement" for s in trial.sources)
    )


def written_text(trial: Trial) -> str | None:
    """A course's dates as written when one is a partial date: "2023–2024 (year only)",
    "2023-03–2023-06 (month only)", "2023 – ongoing (start year only)", "2024-02-10 – 2024
    (end year only)", "start not recorded – 2024 (year only)"; None when its dates state
    their days (nearly every course)."""
    written = trial.written_dates
    if written is None:
        return None
    unknown = start_unknown(trial)
    start = "start not recorded" if unknown else (written.start or trial.start.isoformat())
    end = ongoing_text(trial) if trial.ongoing else (written.end or trial.end.isoformat())
    precision = written.precision
    if written.start is not None and written.end is not None:
        return f"{start}–{end} ({precision} only)"
    side = "start " if written.start is not None else ("" if unknown else "end ")
    return f"{start} – {end} ({side}{precision} only)"


def start_text(trial: Trial) -> str:
    """The day a line says a course started ("on sertraline since 2024-09-30"): its start, or
    its start as written when that is a partial date ("2023 (year only)", "2023-05 (month
    only)"), never the day the mapping reads it as (review 10 finding 5); the day a course
    known only from a listing was listed, said so ("2026-10-02 (listed; start not recorded)")."""
    written = trial.written_dates
    if written is None or written.start is None:
        if listed_undated(trial):
            return listed_day(trial.start)
        return trial.start.isoformat()
    precision = "year" if len(written.start) == 4 else "month"
    return f"{written.start} ({precision} only)"


def lapse_day(trial: Trial) -> str:
    """The day a supply-gap bullet names a course by: its dates as written when partial, "listed
    2026-10-02" for a course known only from a listing (`listed_undated`: its reason says the
    rest), else its start (stmt72b: a patient's listing past its one fill said "(2026-10-02)")."""
    if listed_undated(trial):  # its written_dates are None
        return f"listed {trial.start.isoformat()}"
    return written_text(trial) or trial.start.isoformat()


def listed_day(day: date) -> str:
    """ "2026-10-02 (listed; start not recorded)": the day a course known only from a listing
    (`listed_undated`) was listed, where a line says "since" a day (`start_text`, and the
    safety cards' drug lines, interaction_takings.Taking)."""
    return f"{day.isoformat()} (listed; start not recorded)"


def dates_text(trial: Trial) -> str:
    """A course's dates as a line names them: "2024-01-08 – 2024-01-22", "2024-01-08 – ongoing",
    "2024-03-02 – listed: order still active, filled once on 2024-03-02" (`listed_text`), or as
    written when one is a partial date ("2023–2024 (year only)": `written_text`)."""
    written = written_text(trial)
    if written is not None:
        return written
    if trial.taken_before is not None:
        return f"before {trial.taken_before.isoformat()} (dates not recorded)"
    end = ongoing_text(trial) if trial.ongoing else stopped_by_text(trial, trial.end.isoformat())
    if listed_undated(trial):  # review s23 RT finding 2: the day it was listed, no start
        return f"{listed_text(trial)} – {end}"
    if trial.stops_on is not None:
        # A stop dated as-of is not "ongoing" (review 14 M4): the course ends that day.
        end = f"{trial.stops_on.isoformat()} (stop on record)"
    if trial.stopped_on_order is not None:  # a draft of this order stops it (review s27 K1 6)
        end = f"{trial.stopped_on_order.isoformat()} (stop on this order)"
        if trial.held_on_order:  # a hold, no stop (recheck K5 s28 finding 8)
            end = f"{trial.stopped_on_order.isoformat()} (on hold on this order)"
    return f"{trial.start.isoformat()} – {end}"


def ongoing_text(trial: Trial, day: Day = date.isoformat) -> str:
    """The end of a running course's dates, the one rule of every surface (the cards' trials
    tables, the packet's dates cell, the timeline's lane and summary): "ongoing"; for a listed
    course (Trial.listed) "listed: " and the cards' listing (taken_to_confirm.trial_listing:
    "order of 2024-11-04 still active, never filled or renewed"); for a course whose supply ran
    out a month or more ago, its order still open (Trial.supply_ran_out), the order cards' words
    "may be running: no supply since 2025-04-08" (order_checks/stacking.py). Review s23 RP
    finding 2: such courses read "7 Oct 2024 – ongoing" and "(current)" where the cards ask to
    confirm they are still taken. `day` writes a date as the surface does."""
    held = held_text(trial, day)
    if held is not None:
        return held
    claim = taken_to_confirm.trial_claim(trial, day)
    if claim is taken_to_confirm.LISTED:
        return f"listed: {taken_to_confirm.trial_listing(trial, day)}"
    if claim.why:  # the order, interaction and MAOI cards' "may be running (no supply since ...)"
        return f"{claim.verb}: {claim.why}"
    if trial.awaiting_fill is not None:  # an order no fill shows yet (review s23 RR2 finding 6)
        return claim.bare
    return "ongoing"


def running_word(trial: Trial) -> str:
    """What a lane's name says of a running course: "on hold" (`held_text`), "listed", "may be
    running" (`ongoing_text`'s states), else "current"."""
    if held_text(trial) is not None:
        return "on hold"
    claim = taken_to_confirm.trial_claim(trial)
    if claim is taken_to_confirm.LISTED:
        return "listed"
    return claim.verb if claim.why else "current"


def never_filled(trial: Trial) -> bool:
    """A listed order no fill or renewal confirms, and no fill of the course at all (rule 2c of
    fhir_mapping/episodes.py, Trial.unconfirmed_order): the record shows an order, never the
    drug taken. Its weeks are not counted and no dose or response is drawn for it (review s23
    RP finding 3: a year-long adequate-dose bar and "no response" on the timeline, "52.1" weeks
    in the packet)."""
    return trial.unconfirmed_order and trial.adherence.fills == 0


def never_filled_weeks(trial: Trial) -> str:
    """What stands for the weeks of a `never_filled` course: "not counted: never filled or
    renewed" ("not counted: not renewed, no fill read (refill data incomplete)" when its refill
    data were not all read: taken_to_confirm.unfilled, review s24 RS W1)."""
    return f"not counted: {taken_to_confirm.unfilled(taken_to_confirm.refills_of(trial))}"


def not_shown_from(trial: Trial) -> date | None:
    """The first day a running course is no longer shown taken (`ongoing_text` says why): the
    day its supply ran out (Trial.supply_ran_out); for a listed course its start when
    `never_filled`, else the end of its last covered segment (the time counted, up to the last
    confirmation or the run-out), else the listing's day; None for a course the record shows
    taken."""
    if not trial.listed:
        return trial.supply_ran_out if trial.ongoing else None
    if never_filled(trial):
        return trial.start
    if trial.segments:
        return trial.segments[-1].end
    return trial.supply_out_since or trial.unconfirmed_since


def outcome_to_confirm(trial: Trial) -> bool:
    """Whether a listed course's outcome is to confirm, never a response verdict: it is
    `never_filled`, or its outcome PHQ-9 was taken after the time the record confirms it taken
    (an old listing: review 6 finding 11). The packet's outcome cell and the timeline's lane say
    so alike (review s23 RP finding 3: "PHQ-9 19 → 22: no response" beside "to confirm")."""
    if never_filled(trial):
        return True
    score = trial.on_treatment
    return (
        trial.unconfirmed_since is not None
        and trial.verdict is Verdict.ADEQUATE
        and bool(trial.segments)
        and score is not None
        and score.date >= trial.segments[-1].end
    )


def stopped_by_text(trial: Trial, day: str) -> str:
    """A course's end as a line names it, `day` as the line writes its dates: the day itself, or
    "stopped on or before 2025-06-01 (last dose not recorded)" when it is only the day the stop
    was recorded by (Trial.end_not_recorded, review s20 r4 finding 3: the cards' words; W2 item
    1: the timeline and the packet said it as a recorded last day)."""
    if trial.ongoing or not trial.end_not_recorded:
        return day
    return f"stopped on or before {day} (last dose not recorded)"


def partial_to_confirm(trial: Trial, needed_weeks: float) -> bool:
    """A course not counted only because its dates are partial: ended, short of an adequate trial
    on their shortest reading alone (its only reason), while their widest reading could be one
    (`partial_too_short` says "to confirm"). A payer criterion names it "to confirm", as it
    names an unconfirmed intolerance, never as counted."""
    written = trial.written_dates
    if written is None or trial.ongoing or trial.verdict is not Verdict.INADEQUATE:
        return False
    if any(r is not InadequacyReason.TOO_SHORT for r in trial.reasons):
        return False
    text = partial_too_short(trial, needed_weeks)
    return text is not None and text.endswith("to confirm")


def counted_if_confirmed(trial: Trial, needed_weeks: float) -> bool:
    """A course not counted only because the record does not show how long it ran: its dates
    are partial (`partial_to_confirm`), or its end is only the day its stop was recorded by and
    it is adequate only counted up to that day (`duration_to_confirm`, session 21 F3 item 1), or
    only its fills make it adequate over an unfilled lowering (orders42). A payer criterion names
    it "to confirm", never counted."""
    lowered = trial.lower_filled_weeks is not None  # lowered_dose.to_confirm
    return lowered or partial_to_confirm(trial, needed_weeks) or duration_to_confirm(trial)


def partial_too_short(trial: Trial, needed_weeks: float) -> str | None:
    """The too-short reason of a course whose dates are partial (the line names its dates): "at
    most 4.4 weeks" when even the widest reading of its dates is short of `needed_weeks`, else
    that its weeks at an adequate dose are not known (to confirm, never counted); None for
    other courses."""
    written = trial.written_dates
    if written is None:
        return None
    dates = f"dates to the {written.precision} only"
    needs = f"(needs {fmt_weeks(needed_weeks)})"
    last = trial.end if trial.ongoing or written.latest_end is None else written.latest_end
    widest = (last - written.earliest_start).days + 1  # both ends' days included
    if widest < needed_weeks * 7:
        return f"at most {weeks_text(widest / 7)} at an adequate dose: {dates} {needs}"
    return f"weeks at an adequate dose not known: {dates} {needs}; to confirm"


def partial_weeks(trial: Trial) -> str | None:
    """The weeks at an adequate dose of a course whose dates are partial: "at least 8.9" when
    even their shortest reading makes it adequate, else "not known (dates to the year only)";
    None for other courses."""
    if trial.written_dates is None:
        return None
    if trial.verdict is Verdict.ADEQUATE:
        return f"at least {fmt_weeks(trial.weeks_at_adequate_dose)}"
    return f"not known (dates to the {trial.written_dates.precision} only)"


def start_iso(trial: Trial) -> str:
    """The date a card line names a course by: its start ("2024-09-30"), or "ended 2024-09-30"
    when the start is not recorded (the line's reasons say so), its dates as written when
    one is partial ("2023–2024 (year only)"), or "reported 2025-01-06; dates not recorded" for a
    course reported without dates (`reported_undated`)."""
    written = written_text(trial)
    if written is not None:
        return written
    if start_unknown(trial):
        return f"ended {trial.end.isoformat()}"
    if listed_undated(trial):
        return listed_text(trial)
    if reported_undated(trial):
        return reported_text(trial)
    return trial.start.isoformat()


def reported_text(trial: Trial, dose: str | None = None, *, dose_known: bool = True) -> str:
    """ "reported 2025-01-06; dates not recorded" for a `reported_undated` course; with the dose
    reported, "reported 2025-01-06 at 150 mg/day; dates not recorded"; with none read
    (`dose_known` False), "reported 2025-01-06; dose and dates not recorded". A course that had
    ended by that day (Trial.taken_before): "tried before 2025-01-06 at 150 mg/day; ..."."""
    at = f" at {dose}" if dose else ""
    missing = "dates" if dose_known else "dose and dates"
    return f"{entry_text(trial)}{at}; {missing} not recorded"


def entry_text(trial: Trial) -> str:
    """The day a `reported_undated` course is named by: "tried before 2026-09-01" when it had
    ended by then (Trial.taken_before: rule 2e of fhir_mapping/episodes.py), else "reported
    2025-01-06" (the day the report was entered)."""
    said = "reported" if trial.taken_before is None else "tried before"
    return f"{said} {trial.start.isoformat()}"


def weeks_cell(trial: Trial, weeks: str) -> str:
    """The packet's weeks-at-an-adequate-dose cell: `weeks` (formatted), or what it rests on."""
    if never_filled(trial):
        return never_filled_weeks(trial)
    partial = partial_weeks(trial)
    if partial is not None:  # the shortest reading of partial dates (review 10 finding 5)
        return partial
    if start_unknown(trial):
        return "not known (start not recorded)"
    if listed_undated(trial):
        return f"not known ({listed_text(trial)}; {weeks} since)"
    if trial.taken_before is not None:
        return "not known (dates not recorded)"
    if trial.end_not_recorded and not trial.ongoing:
        # Counted up to the day the stop was recorded by: the drug may have stopped sooner.
        return f"at most {weeks} (last dose not recorded)"
    days = trial.assumed_days
    if days is not None:
        return f"{weeks} (duration not recorded: {plural(days, 'day')} counted)"
    return weeks


def dose_since(trial: Trial, dose: str) -> tuple[str, str]:
    """(what names the course, since when) for a line naming a course by its present dose
    (`dose`, as the line writes it: "20 mg/day"): ("escitalopram 20 mg/day", "since
    2026-05-04") when that dose ran from the course's start; ("escitalopram", "since 2026-05-04;
    20 mg/day since 2026-05-25") when it began later (module docstring). The start is said as
    `start_text` says it (a partial date as written)."""
    began, lowered = dose_began(trial), trial.lower_unfilled
    # An add-on that went on alone (Trial.alone_from, role 49): "alone since" the day its weeks
    # count from, never its own start beside them ("since 2026-08-28 (9 weeks)" was 13.6 weeks
    # from 08-28: review K56a finding 9).
    alone, start = "", start_text(trial)
    if trial.alone_from is not None:
        alone, start = "alone ", trial.alone_from.isoformat()
    if lowered is not None and began == lowered.day:
        # orders41: an unfilled lowering, read from its day, is not said as taken since then.
        return trial.ingredient, f"{alone}since {start}; {lowered_words(lowered, dose)}"
    named, since = named_since(trial.ingredient, dose, start, began)
    return named, alone + since


def named_since(name: str, dose: str, start: str, began: date | None) -> tuple[str, str]:
    """`dose_since`'s rule for a line that holds the course's parts, not the course (an
    interaction card's Taking): ("lithium 900 mg/day", "since 2026-05-04") when `began` is None,
    ("lithium", "since 2026-05-04; 900 mg/day since 2026-09-07") when the present dose began
    later (review s20 item 1: renal, sodium, interaction and inducer lines said the course's
    start beside the present dose). `start` as the line names the start ("2026-05-04")."""
    since = f"since {start}"
    if began is None:
        return f"{name} {dose}", since
    if dose.startswith(TO_CONFIRM):  # "dose to confirm since 2025-07-18 (up to 450 mg/day)"
        return name, f"{since}; {TO_CONFIRM} since {began.isoformat()}{dose[len(TO_CONFIRM) :]}"
    return name, f"{since}; {dose} since {began.isoformat()}"
