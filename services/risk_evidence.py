"""What the record shows about suicide risk: the candidate signals and the assessments.

The candidate signals (`_events`): PHQ-9 item 9 answers > 0 (and unreadable ones), positive
C-SSRS screens, suicidal ideation and self-harm on the problem list or recorded at a visit
(fhir_mapping/visit_risk.py: an ED encounter diagnosis, a visit's reason), each as a `RiskEvent` with
the wording the card uses, and the risk-factor lines (older ideation, past self-harm, past
behaviour); the documented assessments (`_checks`: C-SSRS, risk level, risk-assessment
Procedure) and the PHQ-9 re-screens with item 9 = 0 (`_rescreens`). Apart from the judgement
(acute_risk.py: which signals stay open and the card level), which this module does not make:
here only what is on record within which window (policy look-backs), and how it is worded.

Where the wording lives: an item 9 answer's event (positive, inferred from the total, unreadable,
dated after today) and a C-SSRS dated after today, risk_events.py; a screen's result, where a
finding was recorded and its summary name, risk_wording.py. `unread_line` stays importable from
here.
"""

from __future__ import annotations

from datetime import date, timedelta

from fhir_mapping import visit_risk
from fhir_mapping.code_systems import system_label
from fhir_mapping.item9_unread import clears_unread
from fhir_mapping.record import (
    Finding,
    FindingKind,
    PatientRecord,
    ProcedureKind,
    Score,
)
from fhir_mapping.suicide_screen import INSTRUMENT
from services import item9_absent, past_answers, self_harm_items
from services.card_format import plural
from services.last_answer import kept
from services.policy import Policy
from services.risk_events import (
    after_today_item9_event,
    after_today_screen_event,
    doubt_event,
    item9_event,
    signal_day,
    undated_item9_event,
    unread_event,
)
from services.risk_events import unread_line as unread_line  # acute_risk reads it here
from services.risk_signal import CheckKind, RiskCheck, RiskEvent, SignalKind
from services.risk_wording import (
    after_today,
    at_visit,
    coding_words,
    harm_words,
    history_line,
    ideation_words,
    intent_unknown,
    recorded_where,
    screen_text,
    self_harm_name,
    text_only,
)


def _unread_superseded(record: PatientRecord, score: Score) -> bool:
    """A readable item 9 answer dated strictly after the unreadable one's day (a 0 of the same
    day settles nothing: fhir_mapping/item9_unread.py, review s23 RR finding 2), or a documented
    assessment on the same day or later (it asks the question directly)."""
    # A C-SSRS result (no item) is cleared by an assessment only (self_harm_items.item_clears).
    if self_harm_items.item_clears(score.instrument) and any(
        clears_unread(score, s) and s.date <= record.as_of for s in record.phq9()
    ):
        return True
    return bool(_checks(record, score.date))


# Said of an ED visit for suicidal ideation or self-harm past the recent window but within
# policy.suicide_ed_visit_history_days (review 16 second recheck W4).
_ED_YEAR = "; within the year after an ED visit for it, when suicide risk stays raised"


def in_ed_history_year(finding: Finding, as_of: date, policy: Policy) -> bool:
    """A suicidal-ideation or self-harm finding recorded at an ED visit dated before the recent
    window (policy.suicide_condition_recent_days) and within policy.suicide_ed_visit_history_days:
    no current signal, but the year after such a visit carries a raised suicide rate
    (Goldman-Mellor 2019; Olfson 2021), so the card that speaks names it as history."""
    if finding.onset is None or not visit_risk.at_ed_visit(finding):
        return False
    if finding.kind not in (FindingKind.SUICIDAL_IDEATION, FindingKind.SELF_HARM):
        return False
    days = (as_of - finding.onset).days
    return policy.suicide_condition_recent_days < days <= policy.suicide_ed_visit_history_days


def _window_start(as_of: date, days: int) -> date:
    return as_of - timedelta(days=days)


def item9_window_days(policy: Policy) -> int:
    """How many days back an item-9 answer that no assessment followed is still a signal: a
    positive one, and one that could not be read (review s23 RO finding 1)."""
    return max(policy.suicide_item9_lookback_days, policy.suicide_unassessed_item9_days)


def _unassessed_from(as_of: date, policy: Policy) -> date:
    return _window_start(as_of, item9_window_days(policy))


def _events(
    record: PatientRecord, policy: Policy
) -> tuple[list[RiskEvent], list[str], list[Finding]]:
    """The candidate signals; item-9 answers from before the look-back are among them here and
    are dropped by suicide_signal when an assessment followed them."""
    as_of = record.as_of
    screen_from = _window_start(as_of, policy.suicide_item9_lookback_days)
    item9_from = _unassessed_from(as_of, policy)
    condition_from = _window_start(as_of, policy.suicide_condition_recent_days)
    recent_days = policy.suicide_condition_recent_days
    events: list[RiskEvent] = []
    history: list[str] = []
    current: list[Finding] = []
    for score in item9_scores(record):
        if (
            (score.item9 or 0) > 0
            and score.date <= as_of
            and item9_from <= signal_day(score, as_of)
        ):
            events.append(item9_event(score, as_of))
        elif (
            # Beside a readable 0 too: item9_unread.kept_unread leaves it only then.
            score.item9_unread is not None
            # The window a readable positive gets (review s23 RO finding 1): an unread answer
            # may be positive, and at 47 days it had left the 30-day look-back while a readable
            # "2" of that day stayed a signal: the unreadable answer was the lenient one.
            and item9_from <= score.date <= as_of
            and not _unread_superseded(record, score)
        ):
            events.append(item9_absent.worded(unread_event(score), record))
        elif (
            # A readable item 9 below what its total proves (review s27 RF finding 3): the
            # window and closing rules of an unreadable answer (either may hide a positive one).
            score.item9_doubt is not None
            and item9_from <= score.date <= as_of
            and not _unread_superseded(record, score)
        ):
            events.append(doubt_event(score))
    for score in record.after_today_item9:
        events.append(after_today_item9_event(score, as_of))
    for found in record.undated_item9:  # a form with no date (review s34 K39a finding 1)
        recorded = found.record_date
        says = (found.score.item9 or 0) > 0 or found.score.item9_unread is not None
        # Its record date proves it at least that old: past the unassessed window it is as old
        # as a dated answer that has left it (undated_answer.py).
        if says and (recorded is None or recorded >= item9_from):
            events.append(undated_item9_event(found, as_of))
    for screen in record.after_today_screens:
        events.append(after_today_screen_event(screen, as_of))
    for screen in record.suicide_screens:
        if screen.history:
            history.append(
                f"{INSTRUMENT} on {screen.date.isoformat()}: yes to " + "; ".join(screen.history)
            )
        if screen.is_positive and screen_from <= screen.date <= as_of:
            text, short = screen_text(screen)
            events.append(
                RiskEvent(
                    SignalKind.SCREEN,
                    screen.date,
                    text,
                    short,
                    screen.escalate,
                    screen.source,
                    assessed=screen.complete,
                    weight=3 if screen.escalate else 1,
                )
            )
    for finding in record.context.of(FindingKind.SUICIDAL_IDEATION):
        # A visit reason's undated history with a current denial ("History of SI, denies
        # current SI"): the warning of a form's past yes beside a current no, in the window the
        # critical reading had, never louder for longer (services/past_answers.py; fix net33).
        # A hold placed and since ended ("5150 hold released"): the same warning (fix text107).
        past = finding.verification in (visit_risk.PAST_DENIED, visit_risk.HOLD_ENDED)
        if past and finding.onset is not None and condition_from <= finding.onset <= as_of:
            events.append(past_answers.visit_event(finding))
            continue
        if finding.onset is None or finding.onset >= condition_from:
            current.append(finding)
            text, short, dated = ideation_words(finding)
            events.append(
                RiskEvent(
                    SignalKind.IDEATION,
                    finding.onset,
                    text,
                    short,
                    False,
                    finding.source,
                    dated=dated,
                    visit_disposition=finding.visit_disposition,
                )
            )
        else:
            history.append(
                history_line(
                    finding,
                    f"older than {plural(recent_days, 'day')}, not a current signal"
                    + (_ED_YEAR if in_ed_history_year(finding, as_of, policy) else ""),
                )
            )
    for finding in record.context.of(FindingKind.SELF_HARM):
        # A problem-list entry whose words state the self-injury as past ("SIB in remission"):
        # the warning that asks about current thoughts, in the window the critical reading had
        # (services/past_answers.py; session 31 fix sib37); older, a risk-factor line below.
        if finding.stated_past and finding.onset is not None and condition_from <= finding.onset:
            events.append(past_answers.list_event(finding))
            continue
        if (
            finding.onset is not None
            and finding.onset < condition_from
            and (finding.stated_on is not None and condition_from <= finding.stated_on <= as_of)
        ):
            # A past act a recent visit reason or text-only entry dates by its year ("Prior SA
            # 2010, denies current SI"): the past warning a visit reason's past SI gets, in the
            # same window (services/past_answers.py `attempt_event`; fix hist38: no card).
            events.append(past_answers.attempt_event(finding))
            continue
        if finding.onset is not None and finding.onset >= condition_from:
            current.append(finding)
            # A recent attempt is the strongest short-term risk factor: escalated wording.
            # Recorded at a visit, the visit is named (its words hold the date).
            # Named in words alone (no mapped code): worded "text only: confirm"; an overdose
            # whose intent the words do not give is not escalated as an attempt (review s26 RC
            # finding 1; fhir_mapping/self_harm_text.py).
            where = recorded_where(finding)
            name = self_harm_name(finding)
            events.append(
                RiskEvent(
                    SignalKind.SELF_HARM,
                    finding.onset,
                    f"{finding.display} ({coding_words(finding)})"
                    + (f", {where}" if where else "")
                    + after_today(finding),
                    at_visit(finding, name) if where else name + after_today(finding, short=True),
                    not intent_unknown(finding),
                    finding.source,
                    weight=3,
                    dated=finding.visit is not None or finding.after_today is not None,
                    to_confirm=text_only(finding),
                    visit_disposition=finding.visit_disposition,
                )
            )
        else:
            when = "date not recorded" if finding.onset is None else "history"
            year = _ED_YEAR if in_ed_history_year(finding, as_of, policy) else ""
            history.append(
                history_line(finding, f"past {harm_words(finding)} ({when}): a risk factor{year}")
            )
    events.sort(key=lambda e: (e.day or date.min, e.kind.value, str(e.source or "")))
    return events, history, current


# Asked of one record by several cards of one evaluation (the suicide signal, the item-9 lines of
# the optimise, TMS and measurement cards, the packet): up to a dozen times (issue 14). Pure of the
# frozen record; a tuple back: services/last_answer.py.
@kept
def item9_scores(record: PatientRecord) -> tuple[Score, ...]:
    """The PHQ-9s whose item 9 can raise the signal, oldest first: the reviewed ones and those
    of preliminary or cancelled Observations (`PatientRecord.unfinished_scores`; review 14 U1: a
    patient's "nearly every day" on a portal form nobody has reviewed yet is exactly the answer
    that must not vanish). Only a positive or unreadable answer of an unfinished one counts: its
    item 9 = 0 is no re-screen (`_rescreens` reads reviewed PHQ-9s only).

    With them, another screen's self-harm answer that could not be read (an EPDS item 10 under
    a code not known: fhir_mapping/screen_lookalike.py, review s22 RS finding 3): it asks what
    item 9 asks, so it takes the same path (`item9_unread`; the card names its screen and item)."""
    reviewed = record.phq9()
    unfinished = [s for s in record.unfinished_scores if s.instrument == "PHQ-9"]
    other = [
        s
        for s in (*record.scores, *record.unfinished_scores)
        if s.instrument != "PHQ-9" and (s.item9_unread is not None or (s.item9 or 0) > 0)
    ]
    if not unfinished and not other:
        return tuple(reviewed)
    return tuple(sorted([*reviewed, *unfinished, *other], key=lambda s: s.date))


def _rescreens(record: PatientRecord, since: date) -> list[RiskCheck]:
    """PHQ-9s with an answered item 9 = 0 since `since`: re-screens, not assessments."""
    found = []
    for score in record.phq9():
        if score.item9 == 0 and not score.item9_inferred and since <= score.date <= record.as_of:
            total = f", total {score.value}" if score.value is not None else ""
            found.append(
                RiskCheck(
                    CheckKind.PHQ9,
                    score.date,
                    f"PHQ-9 item 9 = 0{total}",
                    "item 9 = 0",
                    False,
                    score.source,
                )
            )
    found.sort(key=lambda c: (c.day, str(c.source or "")))
    return found


def assessments_since(record: PatientRecord, since: date) -> list[RiskCheck]:
    """The documented suicide risk assessments since `since` (`_checks`), for the readers outside
    the signal (services/item9_unrecorded.py: an assessment answers what an unrecorded item 9
    leaves open)."""
    return _checks(record, since)


def _checks(record: PatientRecord, since: date) -> list[RiskCheck]:
    """The documented assessments since `since` (never a PHQ-9: see _rescreens)."""
    checks: list[RiskCheck] = []
    for screen in record.suicide_screens:
        if screen.assesses and since <= screen.date <= record.as_of:
            text, short = screen_text(screen)
            checks.append(
                RiskCheck(
                    CheckKind.SCREEN,
                    screen.date,
                    text,
                    short,
                    screen.is_positive,
                    screen.source,
                    screen.at,
                    screen.encounters,
                    screen.administrations,
                    screen.positive,
                )
            )
    for proc in record.procedures:
        if (
            proc.kind is ProcedureKind.SUICIDE_RISK_ASSESSMENT
            and proc.date is not None
            and since <= proc.date <= record.as_of
        ):
            checks.append(
                RiskCheck(
                    CheckKind.PROCEDURE,
                    proc.date,
                    f"Suicide risk assessment documented ({system_label(proc.system)} {proc.code})",
                    "risk assessment documented",
                    False,
                    proc.source,
                    proc.at,
                    (proc.encounter,) if proc.encounter else (),
                )
            )
    checks.sort(key=lambda c: (c.day, c.kind.value, str(c.source or "")))
    return checks
