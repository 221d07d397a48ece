"""The suicide-risk events of PHQ-9 item 9 answers, with the wording the card uses: a positive
answer (`item9_event`; one inferred from a total of 25-27 said as not recorded), an answer that
could not be read (`unread_event`, and `unread_line`, what to do about it), one its own total
contradicts (`doubt_event`, review s27 RF finding 3), and a positive item 9
or C-SSRS dated after today, taken as today's with its date named as suspect (review 15 recheck
U-a); a PHQ-9 of an unfinished Observation is named as such (review 14 U1).

Apart from risk_evidence.py, which chooses the scores and screens within the policy's windows:
here one score or screen becomes one event, whatever the window.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from fhir_mapping import epds_item10, result_statuses
from fhir_mapping.form_self_harm import INSTRUMENT as UNSCALED
from fhir_mapping.record import Score, SourceRef
from fhir_mapping.screen_lookalike import self_harm_item
from fhir_mapping.suicide_screen import SuicideScreen
from fhir_mapping.undated_answer import UndatedItem9
from services import past_answers, self_harm_items, tables
from services.risk_signal import RiskEvent, SignalKind
from services.risk_wording import screen_text


def _phq9_name(score: Score, *, terse: bool = False) -> str:
    """ "PHQ-9", or "PHQ-9 (preliminary, not yet reviewed)" for a score of an unfinished
    Observation (result_statuses.py; review 14 U1): the clinician sees why it is not in the
    chart's reviewed results. Another screen's name for its self-harm answer ("EPDS"), a PHQ-A
    form's own name (Score.form). `terse`:
    the status word only, "PHQ-9 (registered)" (a summary that must keep its action)."""
    named = result_statuses.named(result_statuses.OBSERVATION, score.status)
    name = score.form or score.instrument  # a PHQ-A's item 9 by its form (phqa_form.py)
    if not named:
        return name
    word, _, why = named.partition(" (")
    return f"{name} ({word}, {why.rstrip(')')})" if why and not terse else f"{name} ({word})"


def signal_day(score: Score, as_of: date) -> date:
    """The day a score counts on for the suicide-risk look-backs and acknowledgements: its
    date, or for a partial date ("2026-11") the latest day it allows, up to as-of (review s23
    RT finding 3). An answer only known by month may be from its last days: read as the more
    recent, it stays inside the 30-day look-back, and an assessment earlier in that month does
    not close it (the safer reading). A score dated after as-of keeps its date."""
    if score.written is None or score.date > as_of:
        return score.date
    return min(score.latest_day(), as_of)


def on_day(score: Score) -> str:
    """ "on 2026-11-20", or "in 2026-11 (month only)" for a partial date (Score.day_text)."""
    return f"{'on' if score.written is None else 'in'} {score.day_text()}"


def item9_event(score: Score, as_of: date | None = None) -> RiskEvent:
    """`as_of`: the day a partial date is read up to (`signal_day`); None: the score's date."""
    value = score.item9 or 0
    answer = tables.item9_answers()[value]
    name = _phq9_name(score)
    short = f"{name} item 9 = {value} ({answer.display.lower()})"
    escalate = answer.escalate
    if score.instrument == epds_item10.INSTRUMENT:
        # An EPDS item 10 read from its words (fhir_mapping/epds_item10.py): named by its own
        # item and answer, escalated as its table says (as item 9 of the same score).
        epds = epds_item10.answers()[value]
        short = f"{name} item 10 = {value} ({epds.display.lower()})"
        escalate = epds.escalate
    text = ""
    if score.asked is not None:
        # A question of no scale answered positively (fhir_mapping/form_self_harm.py: a yes, an
        # answer of the PHQ-9's or EPDS's list): quoted as the form asks it with its answer (in
        # full on the Found line; its opening words in the summary, which must keep its action),
        # at the tier of a PHQ-9 item 9 of that value (a yes: 1; review s29 K16 chart y01,
        # session 29 fixes forms30 and net30).
        word, question = score.asked
        said = f" = {word.lower()}"
        short = f'{name} "{_opening(question, word)}"{said}'
        text = f'{name} "{question}"{said}'
    text = (text or short) + (f", total {score.value}" if score.value is not None else "")
    dated = score.item9_inferred
    if dated:
        # The mapping infers item 9 from a total of 25-27 (the other eight items score at most
        # 24): the card says so rather than quoting an answer nobody gave.
        day = on_day(score)
        short = f"{name} total {score.value} {day} implies item 9 at least {value} (not recorded)"
        text = (
            f"{name} item 9 not recorded; a total of {score.value} {day} implies item 9 at "
            f"least {value} (the other eight items score at most 24)"
        )
    written = score.day_text() if score.written is not None else None
    return RiskEvent(
        SignalKind.ITEM9,
        score.date if as_of is None else signal_day(score, as_of),
        text,
        short,
        escalate,
        score.source,
        weight=value,
        dated=dated,
        written=written,
    )


# How much of a card summary a form's question and its answer share (CDS Hooks 2.0 "<140
# characters": a longer summary takes the action's shorter words): enough that a question's
# object stays ("In the past few weeks, have you wished you were dead?" = yes, review s29 K16
# x02), short enough that "higher suicide risk, assess today" stays beside "nearly every day"
# (recheck K14 s28 f13); a project rule of wording.
_QUOTED = 64


def _opening(question: str, answer: str) -> str:
    """The question, or its opening words and an ellipsis within what _QUOTED leaves `answer`."""
    room = _QUOTED - len(answer)
    if len(question) <= room:
        return question
    cut = question[: room - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return f"{cut}…"


# How a result dated after today is named (review 15 recheck U-a): a typing error in the date
# (2025-06-10 for 2025-05-10, or an evening instant read in another zone) does not make the answer
# less real, so it is treated as today's and its date is named as suspect.
_AFTER_TODAY = "after today: check the date; the answer is treated as current"


def after_today_item9_event(score: Score, as_of: date) -> RiskEvent:
    """A positive (or unreadable) PHQ-9 item 9 dated after today, as a signal of today: dated
    as-of, so an assessment recorded today closes it, and its wording says the date is suspect.
    Its total is named but judges nothing (it is not among `record.scores`)."""
    day = score.date.isoformat()
    name = _phq9_name(score)
    if score.item9_unread is not None or score.item9 is None:  # unreadable (beside a 0 too)
        event = unread_event(score)
        text = f"{name} item 9 answer dated {day}, {_AFTER_TODAY}; it could not be read"
        ref = score.item9_unread
        where = str(ref) if ref is not None and ref.id else "no resource id"
        return dataclasses.replace(event, day=as_of, text=f"{text} ({where})", short=text)
    event = item9_event(score)
    value = score.item9
    total = f"total {score.value}, counted in no outcome" if score.value is not None else ""
    if score.item9_inferred:
        said = f"{name} item 9 not recorded; a total of {score.value} dated {day} implies item 9 "
        text = f"{said}at least {value}, {_AFTER_TODAY}"
        short = f"{name} total {score.value} dated {day} (after today) implies item 9 >= {value}"
    else:
        text = f"{name} item 9 = {value} dated {day}, {_AFTER_TODAY}" + (
            f" ({total})" if total else ""
        )
        display = tables.item9_answers()[value].display.lower()
        short = f"{name} item 9 = {value} ({display}) dated {day}, after today"
    return dataclasses.replace(event, day=as_of, text=text, short=short, dated=True)


def undated_item9_event(found: UndatedItem9, as_of: date) -> RiskEvent:
    """A positive (or unreadable) PHQ-9 item 9 on a form with no clinical date (review s34 K39a
    finding 1; fhir_mapping/undated_answer.py): dated by its record date up to as-of, the latest
    day the answer can be from (the safer reading, as a month-only date is read by its last day),
    or undated (day None: closed by an assessment within the ideation window, as undated
    problem-list ideation is). The card says the form is undated and names the record date as
    such, never as the day answered; its total is named but judges nothing."""
    score = found.score
    day = min(found.record_date, as_of) if found.record_date is not None else None
    name = _phq9_name(score)
    said = found.record_words()
    if score.item9_unread is not None or score.item9 is None:  # unreadable (beside a 0 too)
        event = unread_event(score)
        text = f"{name} item 9 answer on {said} could not be read"
        ref = score.item9_unread
        where = str(ref) if ref is not None and ref.id else "no resource id"
        short = f"{name} item 9 answer, date not recorded, could not be read"
        terse = (f"{name} item 9 answer (undated) not read",)
        return dataclasses.replace(
            event, day=day, text=f"{text} ({where})", short=short, terse=terse
        )
    event = item9_event(score)
    value = score.item9
    if score.item9_inferred:
        text = (
            f"{name} item 9 not recorded; a total of {score.value} on {said} implies item 9 "
            f"at least {value}"
        )
        short = f"{name} total {score.value}, date not recorded, implies item 9 >= {value}"
    else:
        total = f", total {score.value} (counted in no outcome)" if score.value is not None else ""
        display = tables.item9_answers()[value].display.lower()
        text = f"{name} item 9 = {value} ({display}) on {said}{total}"
        short = f"{name} item 9 = {value} ({display}), date not recorded"
    text += "; confirm when it was answered, the answer is treated as current"
    return dataclasses.replace(event, day=day, text=text, short=short, dated=True)


def after_today_screen_event(screen: SuicideScreen, as_of: date) -> RiskEvent:
    """A positive C-SSRS dated after today, as a signal of today that nobody has assessed: its
    own answers are not taken as the assessment (its date is suspect)."""
    text, short = screen_text(screen)
    day = screen.date.isoformat()
    return RiskEvent(
        SignalKind.SCREEN,
        as_of,
        f"{text} (dated {day}, {_AFTER_TODAY})",
        f"{short} dated {day}, after today",
        screen.escalate,
        screen.source,
        assessed=False,
        weight=3 if screen.escalate else 1,
        dated=True,
    )


def unread_event(score: Score) -> RiskEvent:
    """An item 9 answer that could not be read: the card says exactly what the record shows."""
    ref = score.item9_unread
    source = ref if ref is not None and ref.id else None
    where = str(source) if source is not None else "no resource id"
    # The screen's self-harm question: PHQ-9 item 9, EPDS item 10 (screen_lookalike.py).
    item = self_harm_item(score.instrument)
    # A C-SSRS result has no item: the result itself was not read (review s27 RF finding 2).
    # A question of no scale (fhir_mapping/form_self_harm.py): its answer, named as on a form
    # not read as a validated scale on the Found line (the summary keeps its action).
    unscaled = score.instrument == UNSCALED
    if score.past is not None and score.asked is not None:
        return _past_event(score, source, where)
    what = f"{item} answer" if item else ("answer" if unscaled else "result")
    short = f"{_phq9_name(score)} {what} on {score.date.isoformat()} could not be read"
    lead = f"{_phq9_name(score, terse=True)} {what}"
    terse = (f"{lead} on {score.date.isoformat()} not read", f"{lead} not read")
    text = f"{short} ({where})"
    if unscaled:
        text = f"{short}, on a form not read as a validated scale ({where})"
    if score.item9 == 0 and not score.item9_inferred:
        # A readable 0 beside it settles nothing (fhir_mapping/item9_unread.py): said, so the
        # reader knows why a 0 on record did not close the card.
        text += ", beside an answer of 0 the same day that does not settle it"
    return RiskEvent(
        SignalKind.UNREAD,
        score.date,
        text,
        short,
        False,
        source,
        dated=True,
        screen=score.instrument,
        terse=terse,
    )


def _past_event(score: Score, source: SourceRef | None, where: str) -> RiskEvent:
    """A yes to a self-harm question worded as past beside the same form's current item
    answered no (fhir_mapping/form_self_harm.py, Score.past): quoted as the form asks it, a
    warning that asks about now (session 29 fix net32; review s29 RQ4 probes f15, f24, f30)."""
    word, question = score.asked or ("yes", "")
    day = score.date.isoformat()
    lead = f'{score.instrument} "{_opening(question, word)}" = {word.lower()}'
    text = f'{score.instrument} "{question}" = {word.lower()} on {day}, the current item no'
    return RiskEvent(
        SignalKind.UNREAD,
        score.date,
        f"{text} ({where})",
        f"{lead} on {day}",
        False,
        source,
        dated=True,
        screen=score.instrument,
        terse=(lead,),
        past=score.past,
    )


def unread_acts(event: RiskEvent) -> tuple[str, str]:
    """What a card asks of an UNREAD event: (in full, in brief). A past self-harm answer beside
    a current no: ask about now (services/past_answers.py); else check the answer and assess
    suicide risk if it is positive."""
    past = past_answers.acts(event)
    if past is not None:
        return past
    if event.act is not None:  # declined or not asked (services/item9_absent.py)
        return event.act
    positive = self_harm_items.of(event.screen).positive_short
    return f"check it in the chart; if it is {positive}, assess suicide risk today", (
        "check it in the chart"
    )


def doubt_event(score: Score) -> RiskEvent:
    """An item 9 answer below what its filed total proves (Score.item9_doubt; review s27 RF
    finding 3: a total of 25 beside item 9 = 0, no card): the total or the answer is wrong, and
    if it is the answer, the patient may have said yes. Read as an unreadable answer is (the
    card asks for a look at the form, a warning), worded as what the record shows."""
    conflict = score.total_conflict
    filed = conflict.filed if conflict is not None else score.value
    source = score.source if score.source is not None and score.source.id else None
    where = str(source) if source is not None else "no resource id"
    short = (
        f"{_phq9_name(score)} total {filed} on {score.date.isoformat()} needs item 9 >= "
        f"{score.item9_doubt}, filed as {score.item9}"
    )
    return RiskEvent(
        SignalKind.UNREAD,
        score.date,
        f"{short} ({where})",
        short,
        False,
        source,
        dated=True,
        screen=score.instrument,
        doubt=True,
    )


def unread_line(event: RiskEvent) -> str:
    """What to do about an unreadable self-harm answer, in one line (card summary, TMS card),
    with the positive answers of its screen (services/self_harm_items.py); about an item 9 its
    total contradicts (`doubt_event`), the form is what to check."""
    positive = self_harm_items.of(event.screen).positive_short
    if event.doubt:
        return f"{event.text}: check the form; if item 9 is {positive}, assess suicide risk today"
    return f"{event.text}: {unread_acts(event)[0]}"
