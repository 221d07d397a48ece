"""The acute-risk gate on TMS: what an open suicide-risk signal, psychotic features or catatonia
mean for a TMS referral, and the TMS card's line about the suicide-risk card.

The TMS gate (issue 11 item 8): while the suicide-risk level is acute (UNASSESSED or HIGH) or a
recent psychiatric discharge awaits its assessment (the card's "assess today":
services/suicide_today.py, review s26 RK2 finding 2), or psychotic features or catatonia are on record, TMS is not the next step (payer TMS policies
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
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.frozen_init import quick_frozen_init
from fhir_mapping.record import Finding, FindingKind, PatientRecord
from services import suicide_today
from services.acute_risk import SuicideLevel, SuicideSignal, unread_line
from services.policy import Policy
from services.psychiatric_discharge import Discharge, recent_discharge


@cache
def _tms_lines() -> dict[str, str]:
    """Condition -> why TMS is not the next step and what is (data/acute_risk.csv)."""
    text = resources.files("services").joinpath("data/acute_risk.csv").read_text("utf-8")
    return {row["condition"]: row["line"] for row in csv.DictReader(text.splitlines())}


def _brief(signal: SuicideSignal) -> str:
    urgent = signal.urgent or signal.open
    event = next((e for e in reversed(urgent) if e.escalate), None) or urgent[-1]
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


quick_frozen_init(TmsExclusions)


def _suicide_brief(suicide: SuicideSignal | None, discharge: Discharge | None) -> str | None:
    """What holds TMS on the suicide-risk card's side (services/suicide_today.py), or None."""
    if suicide is not None and suicide_today.signal_holds(suicide):
        return _brief(suicide)
    if discharge is not None and suicide_today.discharge_holds(discharge):
        return f"{discharge.head}, not yet assessed"
    return None


def tms_exclusions(
    suicide: SuicideSignal | None,
    catatonia: tuple[Finding, ...],
    discharge: Discharge | None = None,
) -> TmsExclusions:
    """The acute-risk exclusions of TMS; empty when nothing acute is on record. `discharge`: a
    recent psychiatric discharge, which holds TMS while no assessment followed it, as any
    "assess today" does (services/suicide_today.py; review s26 RK2 finding 2)."""
    lines = _tms_lines()
    brief = _suicide_brief(suicide, discharge)
    return TmsExclusions(
        suicide=(
            f"acute suicide risk ({brief}): {lines['suicide-risk']}" if brief is not None else None
        ),
        catatonia=(
            f"catatonic features on record ({catatonia[0].display}): {lines['catatonia']}"
            if catatonia
            else None
        ),
    )


def line(condition: str) -> str:
    """A row of data/acute_risk.csv by its condition: the postpartum-psychosis card's advice,
    the catatonia caution on antipsychotics, the benzodiazepine-before-ECT line."""
    return _tms_lines()[condition]


def blocks_tms(suicide: SuicideSignal | None, record: PatientRecord, policy: Policy) -> bool:
    """True while the patient is acutely at risk: the suicide-risk card asks for an assessment
    before any change of treatment (an acute signal, or a recent psychiatric discharge nobody
    assessed since: services/suicide_today.py), psychotic features or catatonia on record (issue
    11 item 8). The TMS card checks it itself, so no later change to TMS eligibility can put TMS
    forward as the next step for such a patient."""
    context = record.context
    return (
        suicide_today.holds(suicide, recent_discharge(record, policy))
        or context.has(FindingKind.PSYCHOTIC)
        or context.has(FindingKind.CATATONIA)
    )


def referral_note(signal: SuicideSignal) -> str:
    """The TMS card's line about an open suicide-risk card (an acute one removes the TMS card),
    with any unreadable item 9 answer said in one line after it."""
    note = _referral_note(signal)
    unread = _unread_note(signal)
    if signal.level is SuicideLevel.UNREAD:
        return f"**Suicide risk:** {unread}"
    return f"{note} {unread}" if unread else note


def _referral_note(signal: SuicideSignal) -> str:
    if signal.level is SuicideLevel.FOUND:
        return (
            "**Suicide risk:** assessed, and current suicidal thoughts were found (see that card): "
            "confirm the safety plan before referring."
        )
    if signal.level is SuicideLevel.RESCREENED:
        event = signal.lowered[-1]
        again = signal.rescreen(event)
        later = f"; a later PHQ-9 item 9 = 0 on {again.day.isoformat()} is not one" if again else ""
        return (
            f"**Suicide risk:** {event.short}{event.at()} was never followed by a risk "
            f"assessment{later}. See that card: record an assessment before referring."
        )
    if signal.level is SuicideLevel.ASSESSED:
        # Only a C-SSRS, a documented risk level or a risk-assessment Procedure makes ASSESSED
        # (a later item 9 = 0 closes nothing), so "assessed" is true here.
        closed = [c for c in (signal.closing(e) for e in signal.signals) if c is not None]
        check = max(closed, key=lambda c: c.day) if closed else None
        found = f": {check.short} on {check.day.isoformat()}" if check is not None else ""
        return (
            f"**Suicide risk:** a recent positive finding has been assessed{found} (see that card)."
        )
    return "**Suicide risk card open:** assess risk before referring."


def _unread_note(signal: SuicideSignal) -> str:
    """The unreadable item 9 answers, in one line (the latest; how many more)."""
    unread = signal.unread
    if not unread:
        return ""
    more = f" ({len(unread) - 1} more on that card)" if len(unread) > 1 else ""
    return unread_line(unread[-1]) + more + "."
