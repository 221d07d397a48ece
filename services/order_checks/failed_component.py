"""A drafted antidepressant that shares an ingredient with one that failed (review 10 finding 1):
bupropion after dextromethorphan-bupropion failed, or the other way round, is no new mechanism.
Said on the repeat card (topic REPEATS), as information when the failure was only inferred.

Apart from the shared-ingredient card (shared_ingredient.py) because it reads the failed trials,
not the products taken now, and speaks on another card; the order hook runs it only while the
depression is active.
"""

from __future__ import annotations

from fhir_mapping.drug_table import shared_ingredients
from fhir_mapping.record import DraftOrder, Role
from services import cards
from services.card_format import plural
from services.order_checks.model import REPEATS, OrderCheck
from services.recommendation import Indicator
from services.rules.context import RuleContext
from services.rules.optimize.wording import did_not_bring


def failed_component_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """A draft that shares an ingredient with an antidepressant that failed, ended or still
    running (review 10 finding 1): bupropion after dextromethorphan-bupropion failed, or
    dextromethorphan-bupropion after bupropion failed, is no new mechanism (the switch list
    leaves it out: rules/optimize/switch.py). Said on the repeat card (topic REPEATS, merged with
    the repeat check's own finding for the draft), beside the shared-ingredient card when the
    failed product still runs (two concerns: the dose that adds up, and the mechanism that is
    not new). A failure only inferred from a stop (no PHQ-9 on treatment) is said as what the
    record shows, as information (review finding 8). A draft of a drug running now renews it
    (the repeat check's rule)."""
    if draft.role is not Role.ANTIDEPRESSANT:
        return None
    if draft.product is not None and not draft.product.counts_as_trial:
        # Contrave's bupropion is taken for weight, never chosen as a mechanism for the
        # depression (combination_products.py): "consider a different mechanism" does not apply.
        return None
    running = {t.ingredient for t in ctx.record.trials if t.ongoing}
    if draft.ingredient in running:
        return None
    failed = [
        t
        for t in ctx.record.antidepressant_trials()
        if t.failed and shared_ingredients(draft.ingredient, t.ingredient)
    ]
    if not failed:
        return None
    measured = [t for t in failed if not t.outcome_unmeasured]
    t = (measured or failed)[-1]
    part = shared_ingredients(draft.ingredient, t.ingredient)[0]
    name = draft.ingredient.capitalize()
    # "Bupropion: dextromethorphan-bupropion, which contains it, ..."; "Dextromethorphan-
    # bupropion contains bupropion, which ..."
    which = (
        f"{name}: {t.ingredient}, which contains it,"
        if draft.ingredient == part
        else f"{name} contains {part}: {t.ingredient}"
    )
    # Never "bupropion shares its bupropion" (review 10 recheck R11).
    if draft.ingredient == part:
        shares = f"{t.ingredient} contains {part}"
    elif t.ingredient == part:
        shares = f"{draft.ingredient} contains {part}"
    else:
        shares = f"{draft.ingredient} shares {part} with {t.ingredient}"
    weeks = cards.fmt_weeks((t.end - t.start).days / 7)
    top = cards.fmt_mg(t.max_mg_per_day)
    end = "ongoing" if t.ongoing else t.end.isoformat()
    if measured:
        when = ("listed" if t.listed else "still running") if t.ongoing else f"ended {end}"
        summary = cards.fit_summary(
            f"{which} failed an adequate trial ({top} mg/day, {when}): "
            "consider a different mechanism",
            f"{which} failed an adequate trial: consider a different mechanism",
        )
        body = (
            f"An adequate trial of {t.ingredient} up to {top} mg/day ({t.start.isoformat()} – "
            f"{end}) {did_not_bring(t)}. {shares}: "
            "a fixed combination counts as each of its components, so this "
            "is not a new mechanism; after a failure CANMAT 2023 prefers a distinct one "
            "(Figure 7.1)."
        )
        indicator = None
    else:
        summary = cards.fit_summary(
            f"{which} was stopped after {plural(weeks, 'week')} at up to {top} mg/day; failure inferred "
            "(no PHQ-9 on it)",
            f"{which} was stopped after {plural(weeks, 'week')}; failure inferred",
        )
        body = (
            f"{t.ingredient} was stopped after {plural(weeks, 'week')} at up to {top} mg/day "
            f"({t.start.isoformat()} – {t.end.isoformat()}); whether it worked is not recorded "
            f"(no PHQ-9 on treatment): ask the patient. {shares}: "
            "if it did not work, CANMAT 2023 prefers a distinct mechanism (Figure 7.1)."
        )
        indicator = Indicator.INFO
    return OrderCheck(
        REPEATS,
        draft,
        summary,
        cards.join_sections(body, cards.trial_table([t], ctx.policy.mapping)),
        indicator,
    )
