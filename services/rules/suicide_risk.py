"""Suicide risk: precise, current, and dismissable when it should be (issue 11 items 9-10).

The signal, its sources and how far it was assessed come from acute_risk.py (PHQ-9 item 9 > 0,
a positive C-SSRS, recent suicidal ideation or self-harm on the problem list; acknowledged by a
C-SSRS, a documented risk assessment or a later item 9 = 0). The card follows its level:

- not yet assessed: critical, first. The summary names the most serious finding and its date; the
  suggestion is a same-day structured risk assessment (SNOMED 225337009, e.g. the C-SSRS
  screener). Item 9 asks for a structured follow-up when positive (PMC10172543 table 1); answers
  2-3 carry a higher one-year attempt risk (Simon 2013), so the wording escalates. REFERENCE.md 5.
- assessed and found high (C-SSRS intent, plan or behaviour in the past 3 months; a documented
  high level): critical; a same-day clinician assessment is proposed.
- assessed and found current risk that is not high: warning, no suggestion.
- assessed with no current risk found, or a later item 9 = 0: info, saying what was found and
  when; at order hooks this card is left out (an assessed finding on every order is noise; the
  patient-view card still shows it until the positive answer leaves the look-back).

Override reasons (data/override_reasons.csv) include "assessment completed today" (the chart the
service reads can lag the visit) and "under crisis team care". The topic is never snoozed
(data/topics.csv): while any signal is current the card comes back at the next evaluation.
"""

from __future__ import annotations

from fhir_mapping.record import SourceRef
from services import acute_risk, cards, suggestions, tables
from services.acute_risk import CheckKind, RiskEvent, SignalKind, SuicideLevel, SuicideSignal
from services.recommendation import Indicator, Recommendation, Suggestion
from services.rules.context import RuleContext

TOPIC = "suicide-risk"
# Same day: FHIR request-priority "asap" (above "urgent", below the emergency "stat").
PRIORITY = "asap"

_INDICATOR = {
    SuicideLevel.UNASSESSED: Indicator.CRITICAL,
    SuicideLevel.HIGH: Indicator.CRITICAL,
    SuicideLevel.FOUND: Indicator.WARNING,
    SuicideLevel.ASSESSED: Indicator.INFO,
}


def _lead(events: tuple[RiskEvent, ...]) -> RiskEvent:
    """The finding a summary leads with: escalated first, then the strongest, then the latest."""
    return max(events, key=lambda e: (e.escalate, e.weight, e.day.toordinal() if e.day else 0))


def _summary(signal: SuicideSignal) -> str:
    level = signal.level
    if level is SuicideLevel.UNASSESSED:
        unassessed = tuple(
            e for e in signal.open if e.kind is not SignalKind.SCREEN or not e.assessed
        )
        event = _lead(unassessed)
        head = f"{event.short}{event.at()}"
        if event.escalate:
            return cards.fit_summary(
                f"{head}: higher suicide risk, assess today (C-SSRS) and plan safety",
                f"{head}: higher risk, assess today",
                f"{event.short}: higher suicide risk, assess today",
            )
        return cards.fit_summary(
            f"{head}: complete a suicide risk assessment today (e.g. C-SSRS)",
            f"{head}: assess suicide risk today",
            f"{event.short}: assess suicide risk today",
        )
    if level is SuicideLevel.HIGH:
        event = _lead(tuple(e for e in signal.open if e.escalate))
        return cards.fit_summary(
            f"{event.short}{event.at()}: high suicide risk, same-day psychiatric evaluation and "
            "safety plan",
            f"{event.short}{event.at()}: high suicide risk, evaluate today",
            "C-SSRS found high suicide risk: same-day psychiatric evaluation",
        )
    if level is SuicideLevel.FOUND:
        event = _lead(signal.open)
        return cards.fit_summary(
            f"{event.short}{event.at()}: risk assessed; keep a safety plan and follow up closely",
            f"{event.short}{event.at()}: risk assessed; safety plan and follow-up",
            "Suicidal thoughts found on assessment: safety plan and follow-up",
        )
    event = _lead(signal.signals)
    check = signal.closing(event)
    after = f"; {check.short} on {check.day.isoformat()}" if check is not None else ""
    # A later item 9 = 0 is not an assessment: say what it is, not "assessed".
    state = "recheck at each visit" if _only_phq9(signal) else "assessed, reassess at each visit"
    return cards.fit_summary(
        f"{event.short}{event.at()}{after}: {state}",
        f"{event.short}{event.at()}{after}",
        f"{event.short}{after}",
    )


def _only_phq9(signal: SuicideSignal) -> bool:
    """Every current signal was acknowledged by a later PHQ-9 item 9 = 0 alone."""
    closing = [signal.closing(e) for e in signal.signals]
    return all(c is not None and c.kind is CheckKind.PHQ9 for c in closing)


def _found_lines(signal: SuicideSignal) -> list[str]:
    lines = []
    for event in signal.signals:
        check = signal.closing(event)
        if check is not None:
            state = f"assessed: {check.text} on {check.day.isoformat()}"
        elif event.kind is SignalKind.SCREEN and event.assessed:
            state = "the assessment itself; nothing later on record"
        else:
            state = "not yet assessed"
        where = f" [{event.source}]" if event.source is not None else ""
        when = "" if event.dated else f" on {event.when()}"
        lines.append(f"- {event.text}{when}{where}: {state}")
    return lines


def _advice(ctx: RuleContext, signal: SuicideSignal) -> str:
    level = signal.level
    open_kinds = {e.kind for e in signal.open}
    if level is SuicideLevel.UNASSESSED:
        escalated = [e for e in signal.open if e.escalate]
        if any(e.kind is SignalKind.ITEM9 for e in escalated):
            text = (
                "Answers of 'more than half the days' or 'nearly every day' carry a higher one-year "
                "risk of a suicide attempt (Simon 2013): assess today, make a safety plan and "
                "consider same-day psychiatric evaluation."
            )
        elif SignalKind.SELF_HARM in open_kinds:
            text = (
                "Recent self-harm or a suicide attempt is on record: assess today, make a safety "
                "plan and consider same-day psychiatric evaluation."
            )
        else:
            text = "A positive screen calls for a structured assessment today (C-SSRS screener)."
        return cards.join_sections(
            text,
            "Item 9 alone is not a risk assessment, and a 0 does not rule risk out. Medication "
            "changes and TMS suggestions on other cards come after this assessment.",
        )
    if level is SuicideLevel.HIGH:
        return (
            "The assessment found suicidal intent, a plan or suicidal behaviour in the past 3 "
            "months, which the C-SSRS screener triage treats as high risk: same-day psychiatric "
            "evaluation and a safety plan. TMS is not the next step while the risk is acute."
        )
    if level is SuicideLevel.FOUND:
        return (
            "The assessment found current suicidal thoughts: keep a safety plan, follow up closely "
            "and reassess at each visit. Override with 'Under crisis team care' when a crisis "
            "team holds the plan."
        )
    lookback = ctx.policy.suicide_item9_lookback_days
    if _only_phq9(signal):
        return (
            "A later PHQ-9 item 9 = 0 makes this no longer urgent, but it is not a risk "
            "assessment and a 0 does not rule risk out (REFERENCE.md 5): kept as information "
            f"while the positive finding is within the {lookback}-day look-back. Recheck at "
            "each visit."
        )
    return (
        "Assessed after the positive finding. Kept as information while it is within the "
        f"{lookback}-day look-back: a negative screen does not rule risk out (REFERENCE.md 5). "
        "Reassess at each visit."
    )


def _detail(ctx: RuleContext, signal: SuicideSignal) -> str:
    sections = ["**Found:**\n" + "\n".join(_found_lines(signal))]
    later = [c for c in signal.checks if not any(c is signal.closing(e) for e in signal.signals)]
    if later:
        sections.append(
            "**Also on record since:**\n"
            + "\n".join(f"- {c.text} on {c.day.isoformat()}" for c in later)
        )
    if signal.history:
        sections.append("**Risk factors:**\n" + "\n".join(f"- {h}" for h in signal.history))
    sections.append(_advice(ctx, signal))
    if signal.acute and ctx.facts.tms.only_acute:
        # Issue 11 item 8: the patient otherwise meets the TMS criteria, so say here (the card
        # that is always shown while the risk is acute) what comes instead.
        sections.append(
            "**Not TMS now:** the TMS criteria are otherwise met. "
            + acute_risk.suicide_alternatives()
            + "."
        )
    elif signal.acute and ctx.facts.active and not ctx.facts.psychotic:
        # Issue 12: in the acute-risk case ECT and esketamine come first, whatever the number of
        # failed trials (CANMAT 2023 para 215; esketamine's FDA indication for MDD with acute
        # suicidal ideation or behaviour). Psychotic features have their own path (optimise card:
        # antipsychotic combination or ECT), and esketamine is not indicated there.
        sections.append(
            "**Treatment while the risk is acute:** " + acute_risk.acute_treatment() + "."
        )
    sections.append(cards.guideline_links("simon2013", "cssrs"))
    return cards.join_sections(*sections)


def _suggestion(ctx: RuleContext, signal: SuicideSignal) -> Suggestion | None:
    if not signal.acute:
        return None  # assessed: nothing to order (the clinician overrides or it ages out)
    reasons: list[SourceRef] = signal.reasons()
    cssrs = tables.order_code("cssrs-screener")
    high = signal.level is SuicideLevel.HIGH
    resource = None
    if ctx.patient_id is not None:
        resource = suggestions.service_request(
            patient_id=ctx.patient_id,
            concept="suicide-risk-assessment",
            text=(
                "Same-day clinician suicide risk assessment (screen found high risk)"
                if high
                else "Same-day structured suicide risk assessment"
            ),
            reasons=reasons,
            priority=PRIORITY,
            note=(
                "Psychiatric evaluation and safety plan today."
                if high
                else f"For example the C-SSRS screener (LOINC {cssrs.code}); record the answers."
            ),
        )
    label = (
        "Order a same-day psychiatric suicide risk assessment"
        if high
        else "Order a same-day suicide risk assessment (C-SSRS)"
    )
    return suggestions.create(label, resource, recommended=True)


def rule(ctx: RuleContext) -> Recommendation | None:
    signal = ctx.facts.suicide
    if signal is None:
        return None
    if signal.level is SuicideLevel.ASSESSED and ctx.hook != "patient-view":
        return None
    found = _suggestion(ctx, signal)
    return cards.make(
        TOPIC,
        summary=_summary(signal),
        detail=_detail(ctx, signal),
        suggestions=(found,) if found is not None else (),
        indicator=_INDICATOR[signal.level],
    )
