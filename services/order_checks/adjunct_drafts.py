"""The checks of an augmentation draft (an adjunct: lithium, aripiprazole, esketamine, ...) that an
antidepressant draft meets elsewhere or not at all (services/order_hooks.py runs them per draft,
in this order, after the checks every pathway draft meets)."""

from __future__ import annotations

from fhir_mapping.record import DraftOrder
from services.order_checks.blood_pressure import blood_pressure_check
from services.order_checks.cautions import caution_check
from services.order_checks.doses import augmentation_above_range
from services.order_checks.lithium_ect import lithium_draft_check
from services.order_checks.model import OrderCheck
from services.order_checks.repeat_adjunct import adjunct_repeat_check
from services.rules.context import RuleContext


def adjunct_checks(ctx: RuleContext, draft: DraftOrder) -> list[OrderCheck]:
    """The findings of one augmentation draft, in card order."""
    found: list[OrderCheck | None] = [
        # Above its CANMAT 2023 Table 7.2 augmentation range, with target and monitoring.
        augmentation_above_range(ctx, draft),
        # Label cautions and population caveats for an adjunct too (review 7 finding 10:
        # esketamine or lithium ordered in pregnancy); antidepressants get theirs apart.
        caution_check(ctx, draft),
        # An adjunct that failed in this episode drafted again (review 16 W5): the repeat card,
        # as for a failed antidepressant; only while the patient is depressed.
        adjunct_repeat_check(ctx, draft) if ctx.facts.active else None,
        # Esketamine with uncontrolled blood pressure (review 18b W3): the table's rows decide.
        blood_pressure_check(ctx, draft),
        # Lithium drafted during an ECT course (review 21 RF finding 1).
        lithium_draft_check(ctx, draft),
    ]
    return [f for f in found if f is not None]
