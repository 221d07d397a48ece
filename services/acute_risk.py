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
225337009). A screen never closes itself. Undated ideation is closed by any assessment within the
ideation window.

A later PHQ-9 with item 9 = 0 closes nothing (review patient-view finding 6): it is a re-screen,
not the "more detailed suicide screen" a positive item 9 calls for (PMC10172543 table 1), item 9
alone "is an insufficient assessment tool for suicide risk" (Na et al.) and a 0 does not rule risk
out (REFERENCE.md 5). The card names it ("a later PHQ-9 item 9 = 0 on <date>; no risk assessment
on record"), never "assessed". Within the look-back the card stays critical: a positive answer of
the last weeks has not been assessed, and one recorded C-SSRS closes it.

A positive item 9 that no assessment followed does not disappear on time alone (review finding 5;
REFERENCE.md 5 "never auto-dismiss"): past suicide_item9_lookback_days it stays an open signal
until policy.suicide_unassessed_item9_days (365: Simon 2013's one-year risk). Such an older
answer is
- still UNASSESSED (critical) when no item 9 was answered after it: it is the latest word on
  suicidal thoughts in the chart, and nobody ever asked further;
- RESCREENED (warning) when a later item 9 = 0 exists: a later negative screen (NPV 97 % against
  the C-SSRS, Na et al.) makes it no longer an acute signal, so it does not block TMS or name ECT,
  but the loop was never closed, so the card asks for a recorded assessment instead of vanishing.
An older positive that was assessed leaves, as before. The level of the card then follows:

| level | when | card |
|---|---|---|
| UNASSESSED | a current item 9, ideation, self-harm or unfinished screen not yet assessed (a later item 9 = 0 does not change this), or an older unassessed item 9 with no item 9 answered since | critical: assess today |
| HIGH | an assessment itself found high risk (C-SSRS intent / plan / recent behaviour, level high) and nothing later closed it | critical |
| FOUND | an assessment found current risk that is not high | warning |
| RESCREENED | only older item 9 answers are open, none assessed, each followed by an item 9 = 0 | warning: record an assessment |
| UNREAD | only an unreadable item 9 answer is open (below) | warning: check it in the chart |
| ASSESSED | every current signal was assessed and the assessments found none | info |

An item 9 answer that is on record but could not be read (`Score.item9_unread`: a code under an
unknown system, a value out of range, text that is not a number; in an Observation or in a
QuestionnaireResponse alike) within the item-9 look-back is a signal of its own (review
patient-view finding 3): it may be positive, and a footnote among the
data gaps is not where a possible positive answer may sit. A readable item 9 answer or a
documented assessment (as above: C-SSRS, risk level, risk-assessment Procedure) dated the same day
or later supersedes it: no card. It is a WARNING, not critical: nothing on record says the answer
is above 0 (most item 9 answers are 0: Simon 2013's cohort), a critical card for every
mis-coded answer would teach clinicians to dismiss the one card that must not be dismissed, and
the action is a look at the chart first, then an assessment today if it is positive. So it does
not block TMS either; the TMS card says the same in its suicide-risk line, and the other
signals, when present, set the level as before (the unread answer is named among them).

A result that only looks like a PHQ-9 (named PHQ-9 under codes the service does not know:
fhir_mapping/phq9_lookalike.py) is no signal here: it is a DataGap without a date, so no look-back
can be applied to it, and a card on every chart of a site whose codes are not configured would
teach clinicians to dismiss this one. Its item 9 is said to be "not known" on every card that
lists it (services/data_gaps.py) and on the measurement-based-care card, never read as negative.

ASSESSED keeps an info card rather than no card while the positive answer is inside the look-back:
a negative screen does not rule risk out (REFERENCE.md 5, "never auto-dismiss"), and the card then
says what was found and when; it goes once the positive answer leaves the look-back. The card is
never snoozed while any signal is current (data/topics.csv).

What an acute signal means for a TMS referral (the TMS gate) is services/tms_gate.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

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
    UNREAD = "unread"  # an item 9 answer on record that could not be read (module docstring)


class CheckKind(StrEnum):
    SCREEN = "screen"  # a finished C-SSRS or a documented risk level
    PROCEDURE = "procedure"  # a suicide risk assessment Procedure
    PHQ9 = "phq9"  # a later PHQ-9 with item 9 = 0: a re-screen, named but never closing


class SuicideLevel(StrEnum):
    UNASSESSED = "unassessed"
    HIGH = "high"
    FOUND = "found"
    RESCREENED = "rescreened"
    UNREAD = "unread"
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
    # item 9 > 0 behind the signals, oldest first: those within the look-back, and older ones
    # that no assessment followed (policy.suicide_unassessed_item9_days)
    positive_item9: tuple[Score, ...]
    latest_item9: Score | None  # the latest item-9 answer since the first of them (may be 0)
    findings: tuple[Finding, ...]  # current suicidal ideation / self-harm findings
    # Start of the ideation window: an assessment since then acknowledges undated ideation.
    undated_from: date | None = None
    # Later PHQ-9s with item 9 = 0 since the first signal, oldest first: named on the card, never
    # an assessment (they close nothing).
    rescreens: tuple[RiskCheck, ...] = ()
    # Open item-9 answers older than the look-back with an item 9 = 0 since: not acute.
    lowered: tuple[RiskEvent, ...] = ()
    # Start of the item-9 look-back: an open answer before it is there only because it was
    # never assessed.
    lookback_from: date | None = None

    @property
    def highest_item9(self) -> int | None:
        values = [s.item9 for s in self.positive_item9 if s.item9 is not None]
        return max(values) if values else None

    @property
    def acute(self) -> bool:
        """Not yet assessed, or assessed as high risk: the critical card, and no TMS."""
        return self.level in (SuicideLevel.UNASSESSED, SuicideLevel.HIGH)

    @property
    def urgent(self) -> tuple[RiskEvent, ...]:
        """The open signals that set the level: all but the lowered (re-screened older) and the
        unread ones."""
        return tuple(
            e for e in self.open if e not in self.lowered and e.kind is not SignalKind.UNREAD
        )

    @property
    def unread(self) -> tuple[RiskEvent, ...]:
        """Item 9 answers on record that could not be read and nothing superseded, oldest first."""
        return tuple(e for e in self.open if e.kind is SignalKind.UNREAD)

    def closing(self, event: RiskEvent) -> RiskCheck | None:
        """The first documented assessment that acknowledges `event`, or None."""
        return next((c for c in self.checks if _closes(c, event, self.undated_from)), None)

    def rescreen(self, event: RiskEvent) -> RiskCheck | None:
        """The latest PHQ-9 item 9 = 0 after `event` (not an assessment), or None."""
        later = [c for c in self.rescreens if event.day is None or c.day > event.day]
        return later[-1] if later else None

    def older(self, event: RiskEvent) -> bool:
        """An item-9 answer from before the look-back, kept because it was never assessed."""
        return (
            event.kind is SignalKind.ITEM9
            and event.day is not None
            and self.lookback_from is not None
            and event.day < self.lookback_from
        )

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


def _unread_event(score: Score) -> RiskEvent:
    """An item 9 answer that could not be read: the card says exactly what the record shows."""
    ref = score.item9_unread
    source = ref if ref is not None and ref.id else None
    where = str(source) if source is not None else "no resource id"
    text = f"PHQ-9 item 9 answer on {score.date.isoformat()} could not be read ({where})"
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


def _finding_line(finding: Finding, note: str) -> str:
    onset = f" since {finding.onset.isoformat()}" if finding.onset else ""
    return f"{finding.display} ({finding.system} {finding.code}){onset}: {note}"


def _closes(check: RiskCheck, event: RiskEvent, undated_from: date | None) -> bool:
    if check.source is not None and check.source == event.source:
        return False  # a screen does not acknowledge itself
    if check.kind is CheckKind.PHQ9:
        return False  # a re-screen, not a risk assessment (module docstring)
    if event.day is None:
        return undated_from is None or check.day >= undated_from
    return check.day >= event.day


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
    for score in record.phq9():
        if (score.item9 or 0) > 0 and item9_from <= score.date <= as_of:
            events.append(_item9_event(score))
        elif (
            score.item9_unread is not None
            and score.item9 is None
            and screen_from <= score.date <= as_of
            and not _unread_superseded(record, score)
        ):
            events.append(_unread_event(score))
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
            text = f"{finding.display} on the problem list ({finding.system} {finding.code})" + (
                "" if finding.onset else ", no date recorded: counted as current"
            )
            short = f"{_summary_name(finding, 'Suicidal ideation')} on the problem list"
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
                    _summary_name(finding, "Self-harm or suicide attempt"),
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
                    f"Suicide risk assessment documented ({proc.system} {proc.code})",
                    "risk assessment documented",
                    False,
                    proc.source,
                )
            )
    checks.sort(key=lambda c: (c.day, c.kind.value, str(c.source or "")))
    return checks


def _level(open_events: tuple[RiskEvent, ...], lowered: tuple[RiskEvent, ...]) -> SuicideLevel:
    # An unreadable answer sets the level only when nothing else is open (module docstring).
    events = [e for e in open_events if e not in lowered and e.kind is not SignalKind.UNREAD]
    if any(e.kind is not SignalKind.SCREEN or not e.assessed for e in events):
        return SuicideLevel.UNASSESSED
    if any(e.escalate for e in events):
        return SuicideLevel.HIGH
    if events:
        return SuicideLevel.FOUND
    if lowered:
        return SuicideLevel.RESCREENED
    if any(e.kind is SignalKind.UNREAD for e in open_events):
        return SuicideLevel.UNREAD
    return SuicideLevel.ASSESSED


def _since(events: list[RiskEvent], ideation_from: date) -> date:
    """Where the assessments that can acknowledge `events` start."""
    first = min((e.day for e in events if e.day is not None), default=ideation_from)
    return min(first, ideation_from) if any(e.day is None for e in events) else first


def suicide_signal(record: PatientRecord, policy: Policy) -> SuicideSignal | None:
    """The signal, or None when nothing is current (risk-factor lines alone make no card)."""
    events, history, current = _events(record, policy)
    if not events:
        return None
    as_of = record.as_of
    ideation_from = _window_start(as_of, policy.suicide_condition_recent_days)
    screen_from = _window_start(as_of, policy.suicide_item9_lookback_days)

    def is_older(e: RiskEvent) -> bool:
        return e.kind is SignalKind.ITEM9 and e.day is not None and e.day < screen_from

    if any(is_older(e) for e in events):
        # An answer from before the look-back stays only while no assessment followed it.
        earlier = _checks(record, _since(events, ideation_from))
        events = [
            e
            for e in events
            if not (is_older(e) and any(_closes(c, e, ideation_from) for c in earlier))
        ]
        if not events:
            return None
    since = _since(events, ideation_from)
    checks = _checks(record, since)
    rescreens = tuple(_rescreens(record, since))
    open_events = tuple(e for e in events if not any(_closes(c, e, ideation_from) for c in checks))
    # An older unassessed answer with an item 9 = 0 since is no longer acute (module docstring).
    lowered = tuple(
        e
        for e in open_events
        if is_older(e) and any(e.day is not None and r.day > e.day for r in rescreens)
    )
    item9_from = min(screen_from, since)
    answered = [s for s in record.phq9() if s.item9 is not None and item9_from <= s.date <= as_of]
    item9_sources = {(e.day, e.source) for e in events if e.kind is SignalKind.ITEM9}
    return SuicideSignal(
        level=_level(open_events, lowered),
        signals=tuple(events),
        open=open_events,
        checks=tuple(checks),
        history=tuple(history),
        positive_item9=tuple(
            s for s in answered if (s.item9 or 0) > 0 and (s.date, s.source) in item9_sources
        ),
        latest_item9=answered[-1] if answered else None,
        findings=tuple(current),
        undated_from=ideation_from,
        rescreens=rescreens,
        lowered=lowered,
        lookback_from=screen_from,
    )
