"""Acute risk: the suicide-risk signal (what is current, what was assessed) and the TMS gate.

The suicide-risk signal (issue 11 items 9-10; REFERENCE.md 5). Current signals:
- a PHQ-9 item 9 > 0 within policy.suicide_item9_lookback_days (from an Observation or a
  QuestionnaireResponse, and an item 9 inferred from a total >= 25: all are `Score.item9`);
- a C-SSRS screen with a yes to an ideation question, or to suicidal behaviour in the past 3 months
  (or with its recency not recorded), or a documented moderate / high risk level, within the same
  look-back (fhir_mapping/suicide_screen.py);
- suicidal ideation on the problem list dated within policy.suicide_condition_recent_days, or
  undated (an active entry with no date cannot be shown to be old);
- self-harm or a suicide attempt dated within that window.
Older ideation, older or undated self-harm and a C-SSRS "suicidal behaviour, not in the past 3
months" are risk-factor lines on the card, never a card by themselves: a lifetime risk factor is
not an action for today, and a permanent critical card would teach clinicians to ignore the one
card that must not be ignored.

Acknowledgement: a documented assessment on or after a signal closes it: a finished C-SSRS that
asked about ideation, a documented risk level, or a suicide risk assessment Procedure (SNOMED
225337009); also a later PHQ-9 whose item 9 = 0 (strictly later: the same visit's 0 does not
close its own positive). A PHQ-9 item 9 = 0 never closes a positive C-SSRS (a broader screen does
not overrule the specific one), and a screen never closes itself. Undated ideation is closed by
any assessment within the ideation window. The level of the card then follows:

| level | when | card |
|---|---|---|
| UNASSESSED | a current item 9, ideation, self-harm or unfinished screen not yet assessed | critical: assess today |
| HIGH | an assessment itself found high risk (C-SSRS intent / plan / recent behaviour, level high) and nothing later closed it | critical |
| FOUND | an assessment found current risk that is not high | warning |
| ASSESSED | every current signal was assessed and the assessments found none, or a later item 9 = 0 | info |

ASSESSED keeps an info card rather than no card while the positive answer is inside the look-back:
item 9 = 0 does not rule risk out (REFERENCE.md 5, "never auto-dismiss"), and the card then says
what was found and when; it goes once the positive answer leaves the look-back. The card is never
snoozed while any signal is current (data/topics.csv).

The TMS gate (issue 11 item 8): while the suicide-risk level is acute (UNASSESSED or HIGH), or
psychotic features or catatonia are on record, TMS is not the next step (payer TMS policies
exclude acute suicidal risk, psychosis and catatonia; data/acute_risk.csv). What comes instead is
named once, where it is always seen: for suicide risk on the suicide-risk card, and only when the
TMS criteria are otherwise met (ECT, CANMAT 2023 para 215; esketamine with an oral
antidepressant, FDA label for MDD with acute suicidal ideation or behaviour); for catatonia, which
has no card of its own, as a clinical TMS blocker on the optimise card's "Why no TMS referral"
(ECT or a benzodiazepine, CANMAT 2023 Table 3.6); psychotic features already were one
(pathway.py). Esketamine is not named for psychotic or catatonic features: its label indication
is MDD with suicidal ideation, and CANMAT's options there are an antipsychotic, a benzodiazepine
or ECT. A FOUND level (e.g. a passive wish to be dead, assessed) does not block TMS: that is not
the acute risk the payer policies exclude.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources

from fhir_mapping.record import (
    Finding,
    FindingKind,
    PatientRecord,
    ProcedureKind,
    Score,
    SourceRef,
)
from fhir_mapping.suicide_screen import INSTRUMENT, SuicideScreen
from services import tables
from services.policy import Policy


class SignalKind(StrEnum):
    ITEM9 = "item9"
    IDEATION = "ideation"
    SELF_HARM = "self-harm"
    SCREEN = "screen"


class CheckKind(StrEnum):
    SCREEN = "screen"  # a finished C-SSRS or a documented risk level
    PROCEDURE = "procedure"  # a suicide risk assessment Procedure
    PHQ9 = "phq9"  # a later PHQ-9 with item 9 = 0


class SuicideLevel(StrEnum):
    UNASSESSED = "unassessed"
    HIGH = "high"
    FOUND = "found"
    ASSESSED = "assessed"


@dataclass(frozen=True, slots=True)
class RiskEvent:
    """One current source of the signal."""

    kind: SignalKind
    day: date | None  # None: undated problem-list ideation
    text: (
        str  # what was found, in full, e.g. "PHQ-9 item 9 = 2 (more than half the days), total 19"
    )
    short: str  # the same for a card summary, e.g. "PHQ-9 item 9 = 2 (more than half the days)"
    escalate: bool  # wording escalates: item 9 >= 2 (Simon 2013), recent self-harm, high screen
    source: SourceRef | None = None
    assessed: bool = False  # a screen event from a finished form: the assessment was done
    weight: int = 0  # which finding a summary leads with: the item-9 answer, 3 for self-harm
    dated: bool = False  # `text` and `short` already say the date

    def when(self) -> str:
        return self.day.isoformat() if self.day else "date not recorded"

    def at(self) -> str:
        """ " on 2024-05-28" (" since ..." for a problem-list entry; "" when undated)."""
        if self.day is None or self.dated:
            return ""
        word = "since" if self.kind is SignalKind.IDEATION else "on"
        return f" {word} {self.day.isoformat()}"


@dataclass(frozen=True, slots=True)
class RiskCheck:
    """A documented assessment that can acknowledge an earlier signal."""

    kind: CheckKind
    day: date
    text: str
    short: str  # for a card summary: "C-SSRS negative", "item 9 = 0", ...
    positive: bool  # it found current risk
    source: SourceRef | None = None


@dataclass(frozen=True, slots=True)
class SuicideSignal:
    """Why the suicide-risk card fires and how far it has been assessed."""

    level: SuicideLevel
    signals: tuple[RiskEvent, ...]  # current signals, oldest first (undated first)
    open: tuple[RiskEvent, ...]  # those no documented assessment closed
    checks: tuple[RiskCheck, ...]  # assessments since the first current signal, oldest first
    history: tuple[str, ...]  # risk-factor lines (past attempts, old ideation, past behaviour)
    positive_item9: tuple[Score, ...]  # item 9 > 0 within the look-back window, oldest first
    latest_item9: Score | None  # the latest item-9 answer in the window (may be 0)
    findings: tuple[Finding, ...]  # current suicidal ideation / self-harm findings
    # Start of the ideation window: an assessment since then acknowledges undated ideation.
    undated_from: date | None = None

    @property
    def highest_item9(self) -> int | None:
        values = [s.item9 for s in self.positive_item9 if s.item9 is not None]
        return max(values) if values else None

    @property
    def acute(self) -> bool:
        """Not yet assessed, or assessed as high risk: the critical card, and no TMS."""
        return self.level in (SuicideLevel.UNASSESSED, SuicideLevel.HIGH)

    def closing(self, event: RiskEvent) -> RiskCheck | None:
        """The first documented assessment that acknowledges `event`, or None."""
        return next((c for c in self.checks if _closes(c, event, self.undated_from)), None)

    def reasons(self) -> list[SourceRef]:
        """The resources a proposed assessment cites: the open signals', else all current."""
        events = self.open or self.signals
        return [e.source for e in events if e.source is not None]


# --- reading the record -------------------------------------------------------------------------


def _item9_event(score: Score) -> RiskEvent:
    value = score.item9 or 0
    answer = tables.item9_answers()[value]
    short = f"PHQ-9 item 9 = {value} ({answer.display.lower()})"
    text = short + (f", total {score.value}" if score.value is not None else "")
    dated = score.item9_inferred
    if dated:
        # The mapping infers item 9 from a total of 25-27 (the other eight items score at most
        # 24): the card says so rather than quoting an answer nobody gave.
        day = score.date.isoformat()
        short = f"PHQ-9 total {score.value} on {day} implies item 9 at least {value} (not recorded)"
        text = (
            f"PHQ-9 item 9 not recorded; a total of {score.value} on {day} implies item 9 at least "
            f"{value} (the other eight items score at most 24)"
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


def _finding_line(finding: Finding, note: str) -> str:
    onset = f" since {finding.onset.isoformat()}" if finding.onset else ""
    return f"{finding.display} ({finding.system} {finding.code}){onset}: {note}"


def _closes(check: RiskCheck, event: RiskEvent, undated_from: date | None) -> bool:
    if check.source is not None and check.source == event.source:
        return False  # a screen does not acknowledge itself
    if check.kind is CheckKind.PHQ9:
        if event.kind is SignalKind.SCREEN:
            return False  # item 9 = 0 does not overrule a positive C-SSRS
        return event.day is None or check.day > event.day
    if event.day is None:
        return undated_from is None or check.day >= undated_from
    return check.day >= event.day


def _window_start(as_of: date, days: int) -> date:
    return as_of - timedelta(days=days)


def _events(
    record: PatientRecord, policy: Policy
) -> tuple[list[RiskEvent], list[str], list[Finding]]:
    as_of = record.as_of
    screen_from = _window_start(as_of, policy.suicide_item9_lookback_days)
    condition_from = _window_start(as_of, policy.suicide_condition_recent_days)
    recent_days = policy.suicide_condition_recent_days
    events: list[RiskEvent] = []
    history: list[str] = []
    current: list[Finding] = []
    for score in record.phq9():
        if (score.item9 or 0) > 0 and screen_from <= score.date <= as_of:
            events.append(_item9_event(score))
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
            short = f"{finding.display} on the problem list"
            text = f"{short} ({finding.system} {finding.code})" + (
                "" if finding.onset else ", no date recorded: counted as current"
            )
            events.append(
                RiskEvent(SignalKind.IDEATION, finding.onset, text, short, False, finding.source)
            )
        else:
            history.append(
                _finding_line(finding, f"older than {recent_days} days, not a current signal")
            )
    for finding in record.context.of(FindingKind.SELF_HARM):
        if finding.onset is not None and finding.onset >= condition_from:
            current.append(finding)
            # A recent attempt is the strongest short-term risk factor: escalated wording.
            events.append(
                RiskEvent(
                    SignalKind.SELF_HARM,
                    finding.onset,
                    f"{finding.display} ({finding.system} {finding.code})",
                    finding.display,
                    True,
                    finding.source,
                    weight=3,
                )
            )
        else:
            when = "date not recorded" if finding.onset is None else "history"
            history.append(_finding_line(finding, f"past self-harm ({when}): a risk factor"))
    events.sort(key=lambda e: (e.day or date.min, e.kind.value, str(e.source or "")))
    return events, history, current


def _checks(record: PatientRecord, since: date) -> list[RiskCheck]:
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
                    f"Suicide risk assessment documented ({proc.system} {proc.code})",
                    "risk assessment documented",
                    False,
                    proc.source,
                )
            )
    for score in record.phq9():
        if score.item9 == 0 and not score.item9_inferred and since <= score.date <= record.as_of:
            total = f", total {score.value}" if score.value is not None else ""
            checks.append(
                RiskCheck(
                    CheckKind.PHQ9,
                    score.date,
                    f"PHQ-9 item 9 = 0{total}",
                    "item 9 = 0",
                    False,
                    score.source,
                )
            )
    checks.sort(key=lambda c: (c.day, c.kind.value, str(c.source or "")))
    return checks


def _level(open_events: Iterable[RiskEvent]) -> SuicideLevel:
    events = list(open_events)
    if any(e.kind is not SignalKind.SCREEN or not e.assessed for e in events):
        return SuicideLevel.UNASSESSED
    if any(e.escalate for e in events):
        return SuicideLevel.HIGH
    if events:
        return SuicideLevel.FOUND
    return SuicideLevel.ASSESSED


def suicide_signal(record: PatientRecord, policy: Policy) -> SuicideSignal | None:
    """The signal, or None when nothing is current (risk-factor lines alone make no card)."""
    events, history, current = _events(record, policy)
    if not events:
        return None
    ideation_from = _window_start(record.as_of, policy.suicide_condition_recent_days)
    first = min((e.day for e in events if e.day is not None), default=ideation_from)
    since = min(first, ideation_from) if any(e.day is None for e in events) else first
    checks = _checks(record, since)
    open_events = tuple(e for e in events if not any(_closes(c, e, ideation_from) for c in checks))
    screen_from = _window_start(record.as_of, policy.suicide_item9_lookback_days)
    answered = [
        s for s in record.phq9() if s.item9 is not None and screen_from <= s.date <= record.as_of
    ]
    return SuicideSignal(
        level=_level(open_events),
        signals=tuple(events),
        open=open_events,
        checks=tuple(checks),
        history=tuple(history),
        positive_item9=tuple(s for s in answered if (s.item9 or 0) > 0),
        latest_item9=answered[-1] if answered else None,
        findings=tuple(current),
        undated_from=ideation_from,
    )


# --- the acute-risk gate ------------------------------------------------------------------------


@cache
def _tms_lines() -> dict[str, str]:
    """Condition -> why TMS is not the next step and what is (data/acute_risk.csv)."""
    text = resources.files("services").joinpath("data/acute_risk.csv").read_text("utf-8")
    return {row["condition"]: row["tms_line"] for row in csv.DictReader(text.splitlines())}


def _brief(signal: SuicideSignal) -> str:
    event = next((e for e in reversed(signal.open) if e.escalate), None) or signal.open[-1]
    state = "found high risk" if signal.level is SuicideLevel.HIGH else "not yet assessed"
    return f"{event.short}{event.at()}, {state}"


@dataclass(frozen=True, slots=True)
class TmsExclusions:
    """Why TMS is not the next step now, each naming what comes instead (data/acute_risk.csv).

    The suicide line is said on the suicide-risk card (always shown while the risk is acute); the
    catatonia line has no card of its own, so it is a clinical TMS blocker that the optimise
    card's "Why no TMS referral" names."""

    suicide: str | None = None
    catatonia: str | None = None

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(line for line in (self.suicide, self.catatonia) if line is not None)


def tms_exclusions(suicide: SuicideSignal | None, catatonia: tuple[Finding, ...]) -> TmsExclusions:
    """The acute-risk exclusions of TMS; empty when nothing acute is on record."""
    lines = _tms_lines()
    return TmsExclusions(
        suicide=(
            f"acute suicide risk ({_brief(suicide)}): {lines['suicide-risk']}"
            if suicide is not None and suicide.acute
            else None
        ),
        catatonia=(
            f"catatonic features on record ({catatonia[0].display}): {lines['catatonia']}"
            if catatonia
            else None
        ),
    )


def suicide_alternatives() -> str:
    """What comes instead of TMS while suicide risk is acute (data/acute_risk.csv)."""
    return _tms_lines()["suicide-risk"]


def acute_treatment() -> str:
    """The first options while suicide risk is acute, whatever the trials (data/acute_risk.csv)."""
    return _tms_lines()["suicide-risk-treatment"]


def blocks_tms(suicide: SuicideSignal | None, record: PatientRecord) -> bool:
    """True while the patient is acutely at risk: an acute suicide-risk signal, psychotic
    features or catatonia on record (issue 11 item 8). The TMS card checks it itself, so no
    later change to TMS eligibility can put TMS forward as the next step for such a patient."""
    context = record.context
    return (
        (suicide is not None and suicide.acute)
        or context.has(FindingKind.PSYCHOTIC)
        or context.has(FindingKind.CATATONIA)
    )


def referral_note(signal: SuicideSignal) -> str:
    """The TMS card's line about an open suicide-risk card (an acute one removes the TMS card)."""
    if signal.level is SuicideLevel.FOUND:
        return (
            "**Suicide risk:** assessed, and current suicidal thoughts were found (see that card): "
            "confirm the safety plan before referring."
        )
    if signal.level is SuicideLevel.ASSESSED:
        return "**Suicide risk:** a recent positive finding has been assessed (see that card)."
    return "**Suicide risk card open:** assess risk before referring."
