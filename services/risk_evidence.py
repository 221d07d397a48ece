"""What the record shows about suicide risk: the candidate signals and the assessments.

The candidate signals (`_events`): PHQ-9 item 9 answers > 0 (and unreadable ones), positive
C-SSRS screens, suicidal ideation and self-harm on the problem list or recorded at a visit
(fhir_mapping/visit_risk.py: an ED encounter diagnosis, a visit's reason), each as a `RiskEvent` with
the wording the card uses, and the risk-factor lines (older ideation, past self-harm, past
behaviour); the documented assessments (`_checks`: C-SSRS, risk level, risk-assessment
Procedure) and the PHQ-9 re-screens with item 9 = 0 (`_rescreens`). Apart from the judgement
(acute_risk.py: which signals stay open and the card level), which this module does not make:
here only what is on record within which window (policy look-backs), and how it is worded.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from fhir_mapping import result_statuses, visit_risk
from fhir_mapping.code_systems import system_label
from fhir_mapping.record import (
    Finding,
    FindingKind,
    PatientRecord,
    ProcedureKind,
    Score,
)
from fhir_mapping.suicide_screen import INSTRUMENT, SuicideScreen
from services import tables
from services.policy import Policy
from services.risk_signal import CheckKind, RiskCheck, RiskEvent, SignalKind


def _phq9_name(score: Score) -> str:
    """ "PHQ-9", or "PHQ-9 (preliminary, not yet reviewed)" for a score of an unfinished
    Observation (result_statuses.py; review 14 U1): the clinician sees why it is not in the
    chart's reviewed results."""
    named = result_statuses.named(result_statuses.OBSERVATION, score.status)
    if not named:
        return "PHQ-9"
    word, _, why = named.partition(" (")
    return f"PHQ-9 ({word}, {why.rstrip(')')})" if why else f"PHQ-9 ({word})"


def _item9_event(score: Score) -> RiskEvent:
    value = score.item9 or 0
    answer = tables.item9_answers()[value]
    name = _phq9_name(score)
    short = f"{name} item 9 = {value} ({answer.display.lower()})"
    text = short + (f", total {score.value}" if score.value is not None else "")
    dated = score.item9_inferred
    if dated:
        # The mapping infers item 9 from a total of 25-27 (the other eight items score at most
        # 24): the card says so rather than quoting an answer nobody gave.
        day = score.date.isoformat()
        short = (
            f"{name} total {score.value} on {day} implies item 9 at least {value} (not recorded)"
        )
        text = (
            f"{name} item 9 not recorded; a total of {score.value} on {day} implies item 9 at "
            f"least {value} (the other eight items score at most 24)"
        )
    return RiskEvent(
        SignalKind.ITEM9,
        score.date,
        text,
        short,
        answer.escalate,
        score.source,
        weight=value,
        dated=dated,
    )


# How a result dated after today is named (review 15 recheck U-a): a typing error in the date
# (2025-06-10 for 2025-05-10, or an evening instant read in another zone) does not make the answer
# less real, so it is treated as today's and its date is named as suspect.
_AFTER_TODAY = "after today: check the date; the answer is treated as current"


def _after_today_item9_event(score: Score, as_of: date) -> RiskEvent:
    """A positive (or unreadable) PHQ-9 item 9 dated after today, as a signal of today: dated
    as-of, so an assessment recorded today closes it, and its wording says the date is suspect.
    Its total is named but judges nothing (it is not among `record.scores`)."""
    day = score.date.isoformat()
    name = _phq9_name(score)
    if score.item9 is None:  # present but unreadable
        event = _unread_event(score)
        text = f"{name} item 9 answer dated {day}, {_AFTER_TODAY}; it could not be read"
        ref = score.item9_unread
        where = str(ref) if ref is not None and ref.id else "no resource id"
        return dataclasses.replace(event, day=as_of, text=f"{text} ({where})", short=text)
    event = _item9_event(score)
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


def _after_today_screen_event(screen: SuicideScreen, as_of: date) -> RiskEvent:
    """A positive C-SSRS dated after today, as a signal of today that nobody has assessed: its
    own answers are not taken as the assessment (its date is suspect)."""
    text, short = _screen_text(screen)
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


def _unread_event(score: Score) -> RiskEvent:
    """An item 9 answer that could not be read: the card says exactly what the record shows."""
    ref = score.item9_unread
    source = ref if ref is not None and ref.id else None
    where = str(source) if source is not None else "no resource id"
    text = (
        f"{_phq9_name(score)} item 9 answer on {score.date.isoformat()} could not be read ({where})"
    )
    return RiskEvent(SignalKind.UNREAD, score.date, text, text, False, source, dated=True)


def unread_line(event: RiskEvent) -> str:
    """What to do about an unreadable item 9 answer, in one line (card summary, TMS card)."""
    return f"{event.text}: check it in the chart; if it is above 0, assess suicide risk today"


def _unread_superseded(record: PatientRecord, score: Score) -> bool:
    """A readable item 9 answer or a documented assessment on the same day or later."""
    day = score.date
    if any(
        s.item9 is not None and not s.item9_inferred and day <= s.date <= record.as_of
        for s in record.phq9()
    ):
        return True
    return bool(_checks(record, day))


def _screen_text(screen: SuicideScreen) -> tuple[str, str]:
    """(full, short) description of a screen's result."""
    unfinished = " (form not completed)" if not screen.complete else ""
    parts = []
    if screen.positive:
        parts.append("yes to " + "; ".join(screen.positive))
    if screen.risk_level is not None:
        parts.append(f"documented risk level {screen.risk_level}")
    if parts:
        first = screen.positive[0] if screen.positive else f"risk level {screen.risk_level}"
        more = len(screen.positive) - 1 + (screen.risk_level is not None and bool(screen.positive))
        short = f"{INSTRUMENT}{unfinished}: {first.lower()}" + (f" (+{more} more)" if more else "")
        return f"{INSTRUMENT}{unfinished}: " + ", ".join(parts), short
    negatives = "no to " + "; ".join(screen.negative) if screen.negative else "negative"
    return f"{INSTRUMENT}{unfinished}: {negatives}", f"{INSTRUMENT} negative"


def _where(finding: Finding) -> str:
    """Where a finding recorded at a visit was recorded (fhir_mapping/visit_risk.py): "encounter
    diagnosis of the ED visit on 2025-05-23", "reason for the ED visit on 2025-05-23",
    "encounter diagnosis" (visit not on record); "" for a problem-list entry."""
    if not finding.recorded:
        return ""
    if finding.visit is None:
        return finding.recorded
    if finding.recorded == visit_risk.REASON:
        return f"reason for the {finding.visit}"
    return f"{finding.recorded} of the {finding.visit}"


def _at_visit(finding: Finding, name: str) -> str:
    """The summary's short name of a finding recorded at a visit: "Suicidal ideations at the ED
    visit on 2025-05-23" (the visit's words hold the date), "<name> (encounter diagnosis)"."""
    if finding.visit is not None:
        return f"{name} at the {finding.visit}"
    return f"{name} ({finding.recorded})"


def _finding_line(finding: Finding, note: str) -> str:
    onset = f" since {finding.onset.isoformat()}" if finding.onset else ""
    where = _where(finding)
    return f"{finding.display} ({finding.coding}){onset}{', ' + where if where else ''}: {note}"


def _ideation_words(finding: Finding) -> tuple[str, str, bool]:
    """(the "Found" line, the summary's short name, whether the short name holds the date) of
    a current suicidal-ideation finding: where it was recorded (review 16 recheck U-b: an
    encounter diagnosis of an ED visit is not "on the problem list")."""
    name = _summary_name(finding, "Suicidal ideation")
    if finding.recorded:
        text = f"{finding.display} ({finding.coding}), {_where(finding)}"
        return text, _at_visit(finding, name), finding.visit is not None
    closed = "" if finding.state == "active" else ", recorded as no longer active"
    text = f"{finding.display} on the problem list ({finding.coding}){closed}" + (
        "" if finding.onset else ", no date recorded: counted as current"
    )
    return text, f"{name} on the problem list", False


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


def _unassessed_from(as_of: date, policy: Policy) -> date:
    """How far back an item-9 answer that no assessment followed is still a signal."""
    days = max(policy.suicide_item9_lookback_days, policy.suicide_unassessed_item9_days)
    return _window_start(as_of, days)


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
        if (score.item9 or 0) > 0 and item9_from <= score.date <= as_of:
            events.append(_item9_event(score))
        elif (
            score.item9_unread is not None
            and score.item9 is None
            and screen_from <= score.date <= as_of
            and not _unread_superseded(record, score)
        ):
            events.append(_unread_event(score))
    for score in record.after_today_item9:
        events.append(_after_today_item9_event(score, as_of))
    for screen in record.after_today_screens:
        events.append(_after_today_screen_event(screen, as_of))
    for screen in record.suicide_screens:
        if screen.history:
            history.append(
                f"{INSTRUMENT} on {screen.date.isoformat()}: yes to " + "; ".join(screen.history)
            )
        if screen.is_positive and screen_from <= screen.date <= as_of:
            text, short = _screen_text(screen)
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
        if finding.onset is None or finding.onset >= condition_from:
            current.append(finding)
            text, short, dated = _ideation_words(finding)
            events.append(
                RiskEvent(
                    SignalKind.IDEATION,
                    finding.onset,
                    text,
                    short,
                    False,
                    finding.source,
                    dated=dated,
                )
            )
        else:
            history.append(
                _finding_line(
                    finding,
                    f"older than {recent_days} days, not a current signal"
                    + (_ED_YEAR if in_ed_history_year(finding, as_of, policy) else ""),
                )
            )
    for finding in record.context.of(FindingKind.SELF_HARM):
        if finding.onset is not None and finding.onset >= condition_from:
            current.append(finding)
            # A recent attempt is the strongest short-term risk factor: escalated wording.
            # Recorded at a visit, the visit is named (its words hold the date).
            where = _where(finding)
            name = _summary_name(finding, "Self-harm or suicide attempt")
            events.append(
                RiskEvent(
                    SignalKind.SELF_HARM,
                    finding.onset,
                    f"{finding.display} ({finding.coding})" + (f", {where}" if where else ""),
                    _at_visit(finding, name) if where else name,
                    True,
                    finding.source,
                    weight=3,
                    dated=finding.visit is not None,
                )
            )
        else:
            when = "date not recorded" if finding.onset is None else "history"
            year = _ED_YEAR if in_ed_history_year(finding, as_of, policy) else ""
            history.append(_finding_line(finding, f"past self-harm ({when}): a risk factor{year}"))
    events.sort(key=lambda e: (e.day or date.min, e.kind.value, str(e.source or "")))
    return events, history, current


def item9_scores(record: PatientRecord) -> list[Score]:
    """The PHQ-9s whose item 9 can raise the signal, oldest first: the reviewed ones and those
    of preliminary or cancelled Observations (`PatientRecord.unfinished_scores`; review 14 U1: a
    patient's "nearly every day" on a portal form nobody has reviewed yet is exactly the answer
    that must not vanish). Only a positive or unreadable answer of an unfinished one counts: its
    item 9 = 0 is no re-screen (`_rescreens` reads reviewed PHQ-9s only)."""
    reviewed = record.phq9()
    unfinished = [s for s in record.unfinished_scores if s.instrument == "PHQ-9"]
    if not unfinished:
        return list(reviewed)
    return sorted([*reviewed, *unfinished], key=lambda s: s.date)


# A chart's own display leads the card summary when it is short; a long one ("Poisoning by
# selective serotonin and norepinephrine reuptake inhibitors, intentional self-harm, initial
# encounter") would push "assess today" past the 140-character summary, so the summary names
# the kind and the code instead and the detail keeps the display.
_SUMMARY_NAME_MAX = 60


def _summary_name(finding: Finding, kind: str) -> str:
    if len(finding.display) <= _SUMMARY_NAME_MAX:
        return finding.display
    return f"{kind} ({finding.code})"


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


def _checks(record: PatientRecord, since: date) -> list[RiskCheck]:
    """The documented assessments since `since` (never a PHQ-9: see _rescreens)."""
    checks: list[RiskCheck] = []
    for screen in record.suicide_screens:
        if screen.assesses and since <= screen.date <= record.as_of:
            text, short = _screen_text(screen)
            checks.append(
                RiskCheck(
                    CheckKind.SCREEN, screen.date, text, short, screen.is_positive, screen.source
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
                )
            )
    checks.sort(key=lambda c: (c.day, c.kind.value, str(c.source or "")))
    return checks
