"""What the safety-lab order checks (labs.py, lithium.py, qtc.py) share: the latest result of a
test within policy.lab_recent_days, and the card that says a check was not done when the lab
results could not all be obtained (issue 10: never silent)."""

from __future__ import annotations

from fhir_mapping.record import DraftOrder, LabResult
from services import lab_safety
from services.order_checks.model import OrderCheck
from services.recommendation import Indicator
from services.rules.context import RuleContext


def recent(ctx: RuleContext, *tests: str) -> LabResult | None:
    lab = lab_safety.latest(ctx.record, *tests)
    if lab is None or not lab_safety.is_recent(ctx.record, ctx.policy, lab):
        return None
    return lab


def not_checked(ctx: RuleContext, topic: str, draft: DraftOrder, what: str) -> OrderCheck:
    name = draft.ingredient.capitalize()
    # The labs' own words (not sent, or a read that failed: lab_readings.labs_unread_words);
    # a QTc whose ECG results alone could not all be read keeps the general words.
    why = (
        lab_safety.labs_unread_words(ctx.record)
        if lab_safety.labs_missing(ctx.record)
        else "results could not all be read"
    )
    return OrderCheck(
        topic,
        draft,
        f"{name} order: {what} not checked, {why}",
        f"The {what} check of this {draft.ingredient} order was not done: the lab results could "
        f"not all be obtained (see the data-quality notes). Check the latest {what} in the chart.",
        indicator=Indicator.INFO,
    )
