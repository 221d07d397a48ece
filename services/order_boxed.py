"""Where the FDA under-25 boxed warning goes on an order hook's screen (review 14 W4, review s21
RD finding 9).

- On the drafted drug's own card: the first order card shown (topic `order-...`), as one line at
  the end of its detail and "; boxed warning (under 25)" on its summary when there is room
  (order_cards._with_boxed_warning). Before, it went on whatever card came first, so bupropion
  drafted at 22 beside a running venlafaxine read "...consider TMS referral; boxed warning
  (under 25)" on the TMS card.
- No card about a drafted drug: an order that starts antidepressant treatment (no course in the
  policy's window: boxed_warning_start), or that starts a drug new to the patient beside others
  (boxed_warning_new_drug), gets the warning as an information card of its own. The label asks
  for close monitoring "especially during the initial few months" of a drug: a drug new to the
  patient is at that point, and a card about something else is not where it is looked for.
- A renewal or dose change of a drug taken within the window, with no order card: the line rides
  on the first card shown, as before; with no card at all, nothing (noise: boxed_warning.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from fhir_mapping.record import DraftOrder
from services import screen
from services.order_cards import _merge, _with_boxed_warning
from services.order_checks import draft_readings
from services.order_checks.boxed_warning import (
    boxed_warning_line,
    boxed_warning_new_drug,
    boxed_warning_start,
)
from services.order_checks.model import ORDER_TOPIC_PREFIX
from services.order_statement import with_statement
from services.recommendation import Recommendation
from services.rules.context import RuleContext


def screen_with_boxed_warning(
    ctx: RuleContext,
    drafts: Sequence[DraftOrder],
    held: Sequence[Recommendation],
    hidden: AbstractSet[str],
    to_confirm: dict[str, set[str]],
) -> tuple[Recommendation, ...]:
    """The order hook's screen composed from `held`, with the boxed warning placed."""

    def compose(recs: Sequence[Recommendation]) -> tuple[Recommendation, ...]:
        shown = screen.compose(recs, ctx.facts, hidden)
        if to_confirm:
            shown = draft_readings.confirm_once(shown, to_confirm, ctx.record.draft_orders)
        return shown

    shown = compose(held)
    boxed = boxed_warning_line(ctx) if drafts else ""
    if not boxed:
        return shown
    own = next((i for i, r in enumerate(shown) if r.topic.startswith(ORDER_TOPIC_PREFIX)), None)
    if own is None:
        alone = boxed_warning_start(ctx, drafts) or boxed_warning_new_drug(ctx, drafts)
        if alone is not None:
            return compose([with_statement(_merge(alone.topic, [alone])), *held])
    if not shown:
        return shown
    at = own if own is not None else 0
    return (*shown[:at], _with_boxed_warning(shown[at], boxed), *shown[at + 1 :])
