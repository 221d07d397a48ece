"""The "not tolerated before" check: a drug ordered again after a documented intolerance
(stop reason, AllergyIntolerance, AdverseEvent: services/tolerability.py), with or without a
course of it on this chart."""

from __future__ import annotations

from fhir_mapping.record import DraftOrder
from services import cards, tolerability
from services.order_checks.model import NOT_TOLERATED, OrderCheck
from services.rules.context import RuleContext


def intolerance_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """A drug ordered again after its latest course was documented as not tolerated (a stop
    reason, an AllergyIntolerance or an AdverseEvent: services/tolerability.py), any episode and
    any role. A drug running today is not flagged: the order renews a course the patient is
    taking now (the EHR's own allergy check still sees an active AllergyIntolerance), and a card
    on every renewal would be noise."""
    course = tolerability.not_tolerated(ctx.record).get(draft.ingredient)
    if course is None:
        return _documented_intolerance_check(draft, ctx)
    if course.ongoing or course.intolerance is None:
        return None
    intolerance = course.intolerance
    when = intolerance.date.isoformat() if intolerance.date else "date not recorded"
    name = draft.ingredient.capitalize()
    return OrderCheck(
        NOT_TOLERATED,
        draft,
        cards.fit_summary(
            f"{name} was not tolerated before ({intolerance.reason}, {when}): check before "
            "re-starting it",
            f"{name} was not tolerated before ({when}): check before re-starting it",
            f"{name} was documented as not tolerated: check before re-starting it",
        ),
        cards.join_sections(
            f"**Not tolerated before:** {tolerability.course_line(course)}. A re-challenge is a "
            "deliberate decision with the patient; otherwise choose a drug with a different "
            "side-effect profile (CANMAT 2023 para 190: switch when tolerability is poor).",
            cards.trial_table([course], ctx.policy.mapping),
        ),
    )


def _documented_intolerance_check(ctx_draft: DraftOrder, ctx: RuleContext) -> OrderCheck | None:
    """An intolerance documented for a drug with no course on this chart (an allergy recorded
    before the chart's medication history begins)."""
    intolerance = tolerability.documented_without_a_course(ctx.record).get(ctx_draft.ingredient)
    if intolerance is None:
        return None
    name = ctx_draft.ingredient.capitalize()
    when = intolerance.date.isoformat() if intolerance.date else "date not recorded"
    return OrderCheck(
        NOT_TOLERATED,
        ctx_draft,
        cards.fit_summary(
            f"{name} was documented as not tolerated ({intolerance.reason}, {when}): check "
            "before starting it",
            f"{name} was documented as not tolerated: check before starting it",
        ),
        f"**Documented intolerance:** "
        f"{tolerability.intolerance_brief(ctx_draft.ingredient, intolerance)}. No course of it "
        "is on this chart. A re-challenge is a deliberate decision with the patient (CANMAT 2023 "
        "para 190: switch when tolerability is poor).",
    )
