"""The suicide-risk signal's records: a signal, an assessment, and the signal as a whole.

`SignalKind`, `CheckKind` and `SuicideLevel` name what was found, what assessed it and the card
level; `RiskEvent` is one current source of the signal, `RiskCheck` one documented assessment (or
a PHQ-9 re-screen, which closes nothing), and `SuicideSignal` what suicide_signal returns to the
card rules and the TMS gate. `_closes` is the acknowledgement rule (which assessment closes which
signal), kept here because `SuicideSignal.closing` asks it. Apart from reading the record
(risk_evidence.py) and from judging the level (acute_risk.py, whose docstring holds the rules):
the cards (rules/suicide_risk.py) and the TMS gate (tms_gate.py) read these records only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from fhir_mapping.disposition_record import Disposition
from fhir_mapping.record import Finding, Score, SourceRef
from fhir_mapping.screen_day import Administration


class SignalKind(StrEnum):
    ITEM9 = "item9"
    IDEATION = "ideation"
    SELF_HARM = "self-harm"
    SCREEN = "screen"
    # An item 9 answer on record that could not be read (acute_risk.py), or one its own total
    # contradicts (RiskEvent.doubt): either way the chart must be looked at.
    UNREAD = "unread"


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
    # The screen an unreadable answer (UNREAD) belongs to, "PHQ-9" or "EPDS": the cards word
    # its item and positive answers from it (services/self_harm_items.py). None for the others.
    screen: str | None = None
    # The date as the record writes it when it names no day, "2026-11 (month only)"
    # (Score.day_text): `day` is then the latest day it allows, up to as-of (review s23 RT
    # finding 3), and the card names the month, never that day.
    written: str | None = None
    # Self-harm named in words alone, no mapped code (services/risk_wording.text_only): the card
    # asks to confirm it (review s26 RC finding 1).
    to_confirm: bool = False
    # A finding recorded at a visit whose discharge disposition a card names (Finding.
    # visit_disposition: an ED visit that ended in a transfer to a psychiatric facility, review
    # s27 RE finding 6); None otherwise.
    visit_disposition: Disposition | None = None
    # An UNREAD event for a readable item 9 below what its total proves (risk_events.doubt_event,
    # review s27 RF finding 3): "filed as 0, but the total needs at least 1", not "could not be
    # read"; the card words what to check from it.
    doubt: bool = False
    # An UNREAD event for a yes to a past self-harm question beside a current no (Score.past:
    # "suicidal ideation", "self-harm"; risk_events.unread_acts): the card asks about now.
    past: str | None = None
    # An UNREAD event's lead in fewer words, shortest last: "EPDS (status unknown) item 10 answer
    # on 2025-06-10 not read", then without the date (risk_events.unread_event): a summary gives
    # up words of the lead, never the action (review s27 K3 finding 7: the status name cut "if it
    # is above 'Never', assess ..."). Empty for the others.
    terse: tuple[str, ...] = ()
    # An UNREAD `past` event of a past act a recent visit reason or text-only entry dates by its
    # year (past_answers.attempt_event; fix hist38): worded as a major risk factor, not as
    # denied now.
    risk_factor: bool = False
    # An UNREAD item 9 answer sent as declined or not asked (services/item9_absent.py, review
    # K59b finding 7): what the card asks, (in full, in brief), in place of "check it in the
    # chart". None for the others.
    act: tuple[str, str] | None = None

    def when(self) -> str:
        if self.written is not None:
            return self.written
        return self.day.isoformat() if self.day else "date not recorded"

    def at(self) -> str:
        """ " on 2024-05-28" (" since ..." for a problem-list entry, " in 2026-11 (month only)"
        for a partial date; "" when undated)."""
        if self.day is None or self.dated:
            return ""
        if self.written is not None:
            return f" in {self.written}"
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
    # When it was taken beyond the day, and the Encounters it names (SuicideScreen.at and
    # .encounters, ProcedureRecord.at and .encounter): whether it followed a discharge
    # (services/psychiatric_discharge.py `shown_after`).
    at: datetime | None = None
    encounters: tuple[str, ...] = ()
    # A screen's administrations, each with its own instant and Encounters
    # (SuicideScreen.administrations): when present, `shown_after` reads these, not `at`.
    taken: tuple[Administration, ...] = ()
    # A screen's yes answers that mean current risk (SuicideScreen.positive, the questions as
    # asked): a post-discharge screen with a yes to active ideation or behaviour does not release
    # the discharge's hold (services/psychiatric_discharge.py `holding_answers`, fix hist31).
    answers: tuple[str, ...] = ()


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


def _closes(check: RiskCheck, event: RiskEvent, undated_from: date | None) -> bool:
    if check.source is not None and check.source == event.source:
        return False  # a screen does not acknowledge itself
    if check.kind is CheckKind.PHQ9:
        return False  # a re-screen, not a risk assessment (acute_risk.py)
    if event.day is None:
        return undated_from is None or check.day >= undated_from
    return check.day >= event.day
