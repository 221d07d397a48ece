"""Whether the suicide-risk card asks for an assessment before any change of treatment: one rule
for the optimise card's drug proposals (rules/optimize/suicide_hold.py) and the TMS gate
(tms_gate.tms_exclusions, tms_gate.blocks_tms), keyed on the card's urgency
(data/suicide_urgency.csv, column holds_changes).

The card asks at the urgency of its signal's level and, while no assessment followed a recent
psychiatric discharge, at that discharge's ("assess today"). An unassessed discharge held
nothing: the hold keyed on SuicideSignal.acute, which a discharge alone is not, so "Discharged
2026-11-10 after a psychiatric admission: ... assess today" stood critical beside one-click
aripiprazole and a one-click TMS referral, while every other "assess today" card (an overdose of
undetermined intent, an intentional one, item 9 = 3) held both (review s26 RK2 finding 2). The
same ask now holds the same things, whichever finding asks it: the first months after discharge
carry the highest suicide risk of the course (Chung et al. 2017, 2019; suicide_urgency.csv), and
a new drug or a referral one click away would go ahead of the assessment the card asks today.

One card, one urgency (`card_urgency`): the card's indicator, its summary and its one-click come
from the same row the hold reads. Beside a signal whose own level is not "assess today" (an
assessment during the stay found current risk that is not high, an older answer re-screened 0,
an item 9 that could not be read, or one assessed as no risk) an unassessed discharge held
changes and its section said "assess suicide risk today", yet the card stayed the signal
level's WARNING (or, assessed, was already the discharge's critical one: two rules for one
question; s26 KE follow-up). The more severe of the two rows now sets the card; on a tie the
signal's row, which names the finding itself (and, found high, asks more: a psychiatric
evaluation).
"""

from __future__ import annotations

from services import suicide_urgency
from services.psychiatric_discharge import Discharge
from services.recommendation import INDICATOR_ORDER
from services.risk_signal import SuicideLevel, SuicideSignal

# Each level's urgency (data/suicide_urgency.csv gives its indicator, priority, label and hold).
LEVEL_URGENCY = {
    SuicideLevel.UNASSESSED: suicide_urgency.ASSESS_TODAY,
    SuicideLevel.HIGH: suicide_urgency.ASSESS_TODAY_HIGH,
    SuicideLevel.FOUND: suicide_urgency.REVIEW_FINDING,
    # An older answer re-screened negative since: the assessment is still owed, not today's.
    SuicideLevel.RESCREENED: suicide_urgency.RECORD_ASSESSMENT,
    # An item 9 answer that could not be read: a warning, not critical. Nothing on record says it
    # is positive (most answers are 0), the first step is a look at the chart, and a critical card
    # for every mis-coded answer would wear down the one card that must never be dismissed
    # (acute_risk module docstring). It still may not sit as a data-gap footnote (finding 3).
    SuicideLevel.UNREAD: suicide_urgency.CHECK_CHART,
    SuicideLevel.ASSESSED: suicide_urgency.REASSESS_AT_VISITS,
}


def signal_urgency(signal: SuicideSignal) -> str:
    """The urgency of the signal's own level (data/suicide_urgency.csv)."""
    return LEVEL_URGENCY[signal.level]


def signal_holds(signal: SuicideSignal | None) -> bool:
    """The signal's own urgency holds a change of treatment (not yet assessed, or found high)."""
    return signal is not None and suicide_urgency.urgency(signal_urgency(signal)).holds_changes


def referral_first(signal: SuicideSignal | None) -> str | None:
    """What the TMS card puts before its referral for the card's ask (data/suicide_urgency.csv
    referral_first: "confirm the safety plan" after a finding that is not high), or None."""
    if signal is None:
        return None
    return suicide_urgency.urgency(LEVEL_URGENCY[signal.level]).referral_first


def discharge_holds(discharge: Discharge | None) -> bool:
    """A recent psychiatric discharge no assessment has followed yet."""
    return discharge is not None and suicide_urgency.urgency(discharge.urgency).holds_changes


def _severity(name: str) -> int:
    """0 for a critical row, then warning, then info (recommendation.INDICATOR_ORDER)."""
    return INDICATOR_ORDER[suicide_urgency.urgency(name).indicator]


def discharge_leads(signal: SuicideSignal | None, discharge: Discharge | None) -> bool:
    """The discharge's urgency sets the card: no signal, or a row more severe than the signal
    level's (an unassessed discharge beside a signal that is not "assess today")."""
    if discharge is None:
        return False
    return signal is None or _severity(discharge.urgency) < _severity(signal_urgency(signal))


def card_urgency(signal: SuicideSignal, discharge: Discharge | None) -> suicide_urgency.Urgency:
    """The suicide-risk card's one urgency beside a signal: its indicator, its one-click and what
    it holds (module docstring). A discharge alone makes a card at its own urgency."""
    if discharge is not None and discharge_leads(signal, discharge):
        return suicide_urgency.urgency(discharge.urgency)
    return suicide_urgency.urgency(signal_urgency(signal))


def holds(signal: SuicideSignal | None, discharge: Discharge | None) -> bool:
    """The suicide-risk card asks for an assessment before any change of treatment."""
    if signal is None:
        return discharge_holds(discharge)
    return card_urgency(signal, discharge).holds_changes
