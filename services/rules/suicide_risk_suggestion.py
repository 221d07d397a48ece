"""The suicide-risk card's one-click (suicide_risk.py): the same-day assessment a current signal
asks for (`_suggestion`: a structured one, or a clinician's with psychiatric evaluation when a
screen found high risk; the ward's on a psychiatric stay), and the routine one an older answer
nobody assessed still needs (`_rescreened_suggestion`), each at its level's urgency
(services/suicide_today.py, services/suicide_urgency.py).

Apart from suicide_risk.py (split out in session 37 to keep that module under 400 lines)
because the order proposed is its own idea, apart from what the card says."""

from __future__ import annotations

from fhir_mapping.record import SourceRef
from services import suggestions, suicide_today, suicide_urgency, tables
from services.acute_risk import SuicideLevel, SuicideSignal
from services.recommendation import Suggestion
from services.rules.context import RuleContext
from services.rules.suicide_risk_text import on_ward

# Each level's urgency: services/suicide_today.py (the hold reads the same map).
_URGENCY = suicide_today.LEVEL_URGENCY


def _suggestion(ctx: RuleContext, signal: SuicideSignal) -> Suggestion | None:
    if signal.level is SuicideLevel.RESCREENED:
        return _rescreened_suggestion(ctx, signal)
    if not signal.acute:
        return None  # assessed: nothing to order (the clinician overrides or it ages out)
    reasons: list[SourceRef] = signal.reasons()
    cssrs = tables.order_code("cssrs-screener")
    high = signal.level is SuicideLevel.HIGH
    urgency = suicide_urgency.urgency(_URGENCY[signal.level])
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
            priority=urgency.priority,
            note=(
                "Psychiatric evaluation and safety plan today."
                if high
                else f"For example the C-SSRS screener (LOINC {cssrs.code}); record the answers."
            ),
        )
    # A psychiatric stay in progress: the assessment is the ward's today (review 16 second
    # recheck c02), not a same-day evaluation to arrange for an outpatient.
    label = urgency.label_for(ward=on_ward(ctx))
    return suggestions.create(label, resource, recommended=True)


def _rescreened_suggestion(ctx: RuleContext, signal: SuicideSignal) -> Suggestion:
    """The assessment an older, never-assessed answer still needs, at routine priority."""
    cssrs = tables.order_code("cssrs-screener")
    urgency = suicide_urgency.urgency(suicide_urgency.RECORD_ASSESSMENT)
    resource = None
    if ctx.patient_id is not None:
        resource = suggestions.service_request(
            patient_id=ctx.patient_id,
            concept="suicide-risk-assessment",
            text="Structured suicide risk assessment (earlier positive PHQ-9 item 9 not assessed)",
            reasons=[e.source for e in signal.lowered if e.source is not None],
            priority=urgency.priority,
            note=f"For example the C-SSRS screener (LOINC {cssrs.code}); record the answers.",
        )
    return suggestions.create(urgency.label_for(ward=False), resource, recommended=True)
