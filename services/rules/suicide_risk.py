"""Suicide risk: critical, always first, never snoozed or suppressed.

Fires on a PHQ-9 item 9 answer > 0 (LOINC 44260-8) within policy.suicide_item9_lookback_days, or on
suicidal ideation / self-harm on the problem list. Item 9 asks for a structured follow-up when
positive (PMC10172543 table 1); answers 2-3 carry a higher one-year attempt risk (Simon 2013), so
the wording escalates. The suggestion proposes a same-day structured risk assessment (SNOMED
225337009, e.g. the C-SSRS screener). REFERENCE.md 5.
"""

from __future__ import annotations

from fhir_mapping.record import SourceRef
from services import cards, suggestions, tables
from services.pathway import SuicideSignal
from services.recommendation import Recommendation
from services.rules.context import RuleContext

TOPIC = "suicide-risk"
# Same day: FHIR request-priority "asap" (above "urgent", below the emergency "stat").
PRIORITY = "asap"


def _summary(signal: SuicideSignal) -> str:
    highest = signal.highest_item9
    if highest is None:
        finding = signal.findings[0]
        return cards.fit_summary(
            f"{finding.display} on the problem list: complete a suicide risk assessment today "
            "(e.g. C-SSRS)",
            f"{finding.display} on record: assess suicide risk today (C-SSRS)",
        )
    answer = tables.item9_answers()[highest]
    score = next(s for s in reversed(signal.positive_item9) if s.item9 == highest)
    head = f"PHQ-9 item 9 = {highest} ({answer.display.lower()}) on {score.date.isoformat()}"
    if answer.escalate:
        return cards.fit_summary(
            f"{head}: higher suicide risk, assess today (C-SSRS) and plan safety",
            f"{head}: higher risk, assess today",
        )
    return cards.fit_summary(
        f"{head}: complete a suicide risk assessment today (e.g. C-SSRS)",
        f"{head}: assess suicide risk today",
    )


def _detail(ctx: RuleContext, signal: SuicideSignal) -> str:
    lookback = ctx.policy.suicide_item9_lookback_days
    lines = []
    for score in signal.positive_item9:
        value = score.item9 if score.item9 is not None else 0
        answer = tables.item9_answers()[value]
        lines.append(
            f"- PHQ-9 item 9 = {value} ({answer.display}) on {score.date.isoformat()}"
            + (f", total {score.value}" if score.value is not None else "")
        )
    latest = signal.latest_item9
    if latest is not None and (latest.item9 or 0) == 0 and signal.positive_item9:
        lines.append(
            f"- Latest item 9 answer is 0 ({latest.date.isoformat()}); a 0 does not rule out risk "
            f"after a positive answer in the last {lookback} days."
        )
    for finding in signal.findings:
        onset = f" since {finding.onset.isoformat()}" if finding.onset else ""
        lines.append(f"- {finding.display} ({finding.system} {finding.code}){onset}")
    highest = signal.highest_item9
    escalate = highest is not None and tables.item9_answers()[highest].escalate
    advice = (
        "Answers of 'more than half the days' or 'nearly every day' carry a higher one-year risk "
        "of a suicide attempt (Simon 2013): assess today, make a safety plan and consider "
        "same-day psychiatric evaluation."
        if escalate
        else "A positive item 9 calls for a structured assessment today (C-SSRS screener)."
    )
    return cards.join_sections(
        "**Basis:**\n" + "\n".join(lines),
        advice,
        "Item 9 alone is not a risk assessment, and a 0 does not rule risk out. Medication changes "
        "and TMS suggestions on other cards come after this assessment.",
        cards.guideline_links("simon2013", "cssrs"),
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    signal = ctx.facts.suicide
    if signal is None:
        return None
    reasons: list[SourceRef] = [s.source for s in signal.positive_item9 if s.source is not None]
    reasons += [f.source for f in signal.findings if f.source is not None]
    cssrs = tables.order_code("cssrs-screener")
    resource = None
    if ctx.patient_id is not None:
        resource = suggestions.service_request(
            patient_id=ctx.patient_id,
            concept="suicide-risk-assessment",
            text="Same-day structured suicide risk assessment",
            reasons=reasons,
            priority=PRIORITY,
            note=f"For example the C-SSRS screener (LOINC {cssrs.code}); record the answers.",
        )
    return cards.make(
        TOPIC,
        summary=_summary(signal),
        detail=_detail(ctx, signal),
        suggestions=(
            suggestions.create(
                "Order a same-day suicide risk assessment (C-SSRS)", resource, recommended=True
            ),
        ),
    )
