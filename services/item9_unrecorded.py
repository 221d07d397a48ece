"""The latest PHQ-9 is a total with no item 9 on record (review 19 item 5).

An Epic flowsheet may file the PHQ-9 total only (one row, LOINC 44261-6 or a site code: review
19's b02 / b02b charts), and a feed may carry the total without the nine item rows. A total does
not say whether the patient has thoughts of death or self-harm: item 9 is the suicide item (Simon
2013: its answer predicts a suicide attempt within the year; REFERENCE.md 5), and a total of 15
may hold an item 9 of 0 or 3.
The chart with item 9 = 1 holds the drug one-clicks until the risk is assessed (the suicide-risk
card); the same chart filed as a total only offered aripiprazole one click with nothing saying
item 9 was unknown.

What counts (`unrecorded`), all of:
- the latest reviewed PHQ-9 total (`PatientRecord.latest_phq9`) has no item 9: none recorded, none
  inferred from a total of 25 or more. One present but unreadable is no answer either (review
  s23 RO finding 1: it was taken as recorded, and a chart whose item 9 could not be read lost
  the hold a chart with none kept), nor is a readable 0 beside it, and only a readable answer
  dated strictly later clears it (fhir_mapping/item9_unread.py: review s23 RR finding 2): within the suicide-risk window it is that card's UNREAD
  level, which holds the optimise card's drugs (rules/optimize/suicide_hold.py), and past it, it
  is said here as "could not be read" (`_state`);
- it is recent: within policy.suicide_item9_lookback_days, the window in which an item 9 answer
  is a current suicide-risk signal, for the line on a card that orders no drug and for the card
  said alone (an older total is past that window, and the measurement-based-care card asks for
  the next PHQ-9 when one is due). Not for the optimise card's hold (`any_age`: review s20 RA
  finding 3): a chart whose totals-only PHQ-9s aged past 30 days lost the hold and offered
  aripiprazole one click again, though item 9 had never been asked. A drug one click away waits
  for item 9 (or a risk assessment, or a newer total with its item 9) whatever the total's age;
- no item 9 answer on or after its day (a standalone item 9, a preliminary form's), and no
  documented suicide risk assessment on or after it (a C-SSRS that asked about ideation, a
  documented risk level, a risk-assessment Procedure: risk_evidence.assessments_since): either
  answers what item 9 asks;
- no inpatient stay in progress (rules/inpatient_hold.py): the inpatient team assesses the
  patient and every outpatient one-click already waits for discharge, so the line would add
  nothing but words on each chart open during the stay;
- no open suicide-risk card other than an assessed one (the acute card, a re-screened or unread
  answer, current thoughts found): that card already asks for the assessment, and a second
  "ask item 9" would say it twice. A newer PHQ-9 left incomplete (items answered, no total, no
  item 9) is not this case: the unanswered-item-9 card says it (rules/measurement_based_care).

Where it is said: rules/item9_not_recorded.py. The words are here, one place for the line and
the card alike.
"""

from __future__ import annotations

from datetime import timedelta

from fhir_mapping.item9_unread import clears_unread
from fhir_mapping.phq9_lookalike import is_unrecognised_phq9
from fhir_mapping.record import DataDomain, PatientRecord, Score
from fhir_mapping.undated_answer import UndatedItem9
from services.last_answer import kept
from services.policy import Policy
from services.risk_evidence import assessments_since, item9_scores
from services.risk_signal import SuicideLevel, SuicideSignal

# Only a PHQ-9's own item 9 answers a PHQ-9 total (an EPDS item 10 is another screen's item).
_PHQ9 = "PHQ-9"


def unrecorded(
    record: PatientRecord,
    policy: Policy,
    signal: SuicideSignal | None,
    *,
    any_age: bool = False,
) -> Score | None:
    """The latest PHQ-9 total when its item 9 is not on record (module docstring), else None.
    `any_age`: whatever the total's age (the optimise card's hold of its drug one-clicks)."""
    return _unrecorded(record, policy, signal, any_age)


# The item-9 holds of the optimise and TMS cards and the packet ask with the same frozen record,
# policy and signal in one evaluation (issue 14): answered once, positionally (services/last_answer.py
# keeps no call with keyword arguments).
@kept
def _unrecorded(
    record: PatientRecord, policy: Policy, signal: SuicideSignal | None, any_age: bool
) -> Score | None:
    if signal is not None and signal.level is not SuicideLevel.ASSESSED:
        return None
    if any(not stay.contradicted and not stay.ed_visit for stay in record.current_stays):
        # An inpatient: the ward assesses, and every outpatient order waits. Not at an ED visit
        # (no ward to ask it): the item-9 card speaks as before (review s25 RI finding 5).
        return None
    latest = record.latest_phq9()
    if latest is None or (latest.item9 is not None and latest.item9_unread is None):
        return None
    day = latest.date
    if not any_age and day < record.as_of - timedelta(days=policy.suicide_item9_lookback_days):
        return None
    if any(_answers(latest, s) for s in item9_scores(record)):
        return None
    if assessments_since(record, day):
        return None
    return latest


def _answers(latest: Score, score: Score) -> bool:
    """Whether `score`'s readable item 9 answers what `latest` leaves open: one on or after its
    day when it has none; one strictly after it when its answer could not be read (a 0 of the
    same day, its own among them, settles nothing: fhir_mapping/item9_unread.py, review s23 RR
    finding 2)."""
    if score.instrument != latest.instrument:
        return False  # another screen's self-harm item (an EPDS item 10) answers no PHQ-9
    if latest.item9_unread is not None:
        return clears_unread(latest, score)
    return score.item9 is not None and not score.item9_inferred and score.date >= latest.date


def _unread(record: PatientRecord) -> bool:
    """Some scores could not be read (withheld, a search cut short, pages not read): an item 9
    may be among them, so it is "not read", never "not recorded" (issue 10: never claim more
    than the record shows; the gaps are listed on the card as any card's data not read)."""
    return record.incomplete(DataDomain.SCORES)


def _unrecognised(record: PatientRecord, score: Score) -> int:
    """How many results named PHQ-9 under codes this service does not know (phq9_lookalike.py)
    are dated on or after the total's day (or undated): one of them may be its item 9 (an
    Oracle Health item-9 row under a Millennium code only; review s23 RO finding 7), so item 9
    is "not recognised", never "not recorded" (the gap is listed on the card as data not read)."""
    return sum(
        1
        for g in record.gaps
        if is_unrecognised_phq9(g) and (g.date is None or g.date >= score.date)
    )


def _unpaired(record: PatientRecord, score: Score) -> Score | None:
    """A readable item 9 dated by month or year only whose period holds the total's day (the
    newest), else None. Review s23 RR finding 9 (f1): an item 9 = 0 of "2026-11" beside a total
    of 2026-11-20 was said as "item 9 not recorded". It is on record, but it may be from before
    the total (the 1st) or after it (the 30th), so it answers nothing of that total and the line
    stays (the safer reading); it is named, so the clinician sees what is there and why it does
    not count."""
    found = [
        s
        for s in item9_scores(record)
        if s.instrument == _PHQ9
        and s.written is not None
        and s.item9 is not None
        and not s.item9_inferred
        and s.date <= score.date <= s.latest_day()
    ]
    return max(found, key=lambda s: (s.date, s.item9 or 0)) if found else None


def _undated(record: PatientRecord) -> UndatedItem9 | None:
    """A readable PHQ-9 item 9 on a form with no clinical date (fhir_mapping/undated_answer.py),
    the highest answer, else None. Review s34 K39a finding 1: the cards said "item 9 not
    recorded" beside a form answering "several days". A positive one is the suicide-risk card's
    (the line is not said then); a 0 is on record but no current answer, so the hold stays and
    the line says what is there: "not dated", never "not recorded"."""
    found = [
        u
        for u in record.undated_item9
        if u.score.instrument == _PHQ9 and u.score.item9 is not None and not u.score.item9_inferred
    ]
    return max(found, key=lambda u: u.score.item9 or 0) if found else None


def _totals_only(record: PatientRecord) -> bool:
    """No PHQ-9 on record answers item 9: the feed carries totals only (a site's flowsheet)."""
    return not any(
        s.instrument == _PHQ9 and s.item9 is not None and not s.item9_inferred
        for s in item9_scores(record)
    )


def _which(record: PatientRecord, score: Score) -> str:
    said = f"{score.value} on {score.date.isoformat()}"
    if score.item9_unread is not None:
        return f"the latest PHQ-9 ({said}) has an item 9 answer this service could not read"
    if _unread(record):
        return f"the latest PHQ-9 read ({said}) has no item 9, and some scores could not be read"
    if found := _unrecognised(record, score):
        results = "1 result" if found == 1 else f"{found} results"
        return (
            f"the latest PHQ-9 read ({said}) is a total only, and {results} named PHQ-9 from "
            "that day on could not be read (codes this service does not know; a site code can "
            "be configured): item 9 may be among them"
        )
    if month := _unpaired(record, score):
        return (
            f"the latest PHQ-9 ({said}) is a total only, and the item 9 on record, "
            f"{month.item9} dated {month.day_text()}, has no day to pair it with that total"
        )
    if undated := _undated(record):
        return (
            f"the latest PHQ-9 ({said}) has no item 9 answer, and the item 9 on record, "
            f"{undated.score.item9} on {undated.record_words()}, is no current answer"
        )
    if _totals_only(record):
        return f"the PHQ-9s on record are totals only (latest {said})"
    # Not "a total only": the other eight answers may be on record (a form whose item 9 was
    # skipped; review s24 RA finding 1), and the Score does not say; what is sure is item 9.
    return f"the latest PHQ-9 ({said}) has no item 9 answer on record"


def held_by(record: PatientRecord, score: Score) -> str:
    """What the holding line and the optimise card's summary name as the reason (one_click_hold)."""
    return f"PHQ-9 item 9 {_state(record, score)}, ask it first"


def _state(record: PatientRecord, score: Score) -> str:
    if score.item9_unread is not None:
        return "could not be read"  # an answer is on record: never "not recorded"
    if _unread(record):
        return "not read"
    if _unrecognised(record, score):
        return "not recognised"
    if _unpaired(record, score):
        return "not paired with the total"
    return "not dated" if _undated(record) else "not recorded"


def line(record: PatientRecord, score: Score, held: list[str]) -> str:
    """The line on the card that proposes treatment: why, what to do, and what is not one click
    (`held`: the labels of the drug proposals taken off; none said when empty)."""
    text = (
        f"**PHQ-9 item 9 {_state(record, score)}:** {_which(record, score)}; a total does not show "
        "whether the patient has thoughts of death or self-harm. Check item 9 in the chart or ask "
        "it today (or use the C-SSRS screener); if it is above 0, assess suicide risk."
    )
    if held:
        text += f" Not one click until then: {'; '.join(held)}."
    return text


def summary(record: PatientRecord, score: Score) -> str:
    """The summary of the card said alone (rules/item9_not_recorded.py)."""
    day = score.date.isoformat()
    if score.item9_unread is not None:
        return f"PHQ-9 {score.value} on {day}: item 9 could not be read - check it in the chart"
    if _unread(record):
        return f"PHQ-9 {score.value} on {day}: item 9 not read (scores incomplete) - check or ask it today"
    if _unrecognised(record, score):
        return f"PHQ-9 {score.value} on {day}: item 9 not recognised (site code) - check or ask it today"
    if month := _unpaired(record, score):
        return (
            f"PHQ-9 {score.value} on {day}, total only: item 9 = {month.item9} is dated "
            f"{month.day_text()}, not paired with it - check or ask it today"
        )
    if _undated(record):
        return (
            f"PHQ-9 {score.value} on {day}: item 9 only on an undated form - check or ask it today"
        )
    return f"PHQ-9 {score.value} on {day}: item 9 not recorded - check or ask it today"


def packet_line(record: PatientRecord, policy: Policy, signal: SuicideSignal | None) -> str | None:
    """The referral packet's suicide-risk line when the latest PHQ-9's item 9 is not on record
    (`unrecorded`, whatever its age: a TMS service reads the packet as the chart's current
    screen; review s23 RP finding 7: the cards said "item 9 not recorded - check or ask it
    today" and the packet said nothing): "PHQ-9 item 9 not recorded: the latest PHQ-9 (15 on
    2026-11-02) is a total only; ... ask it before TMS". None when item 9 is known, or another
    suicide-risk line says what to do."""
    score = unrecorded(record, policy, signal, any_age=True)
    if score is None:
        return None
    return (
        f"PHQ-9 item 9 {_state(record, score)}: {_which(record, score)}; a total does not show "
        "whether the patient has thoughts of death or self-harm. Check item 9 in the chart or "
        "ask it (or use the C-SSRS screener) before TMS; if it is above 0, assess suicide risk."
    )


def packet_summary(score_line: str | None) -> str | None:
    """The summary box's words for the same line: "PHQ-9 item 9 not recorded: ask it"."""
    if score_line is None:
        return None
    return score_line.split(":", 1)[0] + ": ask it"
