"""The antipsychotic stacking check: a second antipsychotic ordered while one runs, or with
another on the same order (issue 11 item 3), at any dose and in any role."""

from __future__ import annotations

from fhir_mapping.record import DoseBasis, DraftOrder, Trial
from services import cards, drug_rules
from services.order_checks.model import STACKING, OrderCheck
from services.rules.context import RuleContext


def running_dose(trial: Trial) -> str:
    """ "quetiapine 25 mg/day since 2024-02-05 (MedicationRequest/abc)"; a per-session or
    per-injection drug by its dose per administration (cards.dose_path), never as mg/day."""
    dose = (
        f"{cards.fmt_mg(trial.current_mg_per_day)} mg/day"
        if trial.dose_basis is DoseBasis.DAILY
        else cards.dose_path(trial)
    )
    cite = f" ({trial.sources[-1]})" if trial.sources else ""
    return f"{trial.ingredient} {dose} since {trial.start.isoformat()}{cite}"


def stacking_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """A second antipsychotic ordered while one runs, or after another one on the same order
    (issue 11 item 3; the pair is reported once, on the later draft). The class comes from the
    drug table (drug_class_groups.csv "antipsychotic": atypical, typical, SDAM), at any dose and
    in any role: quetiapine 25 mg at night for sleep is still an antipsychotic. A new dose of the
    running one is not stacking."""
    if not drug_rules.is_antipsychotic(draft.drug_class):
        return None
    running = [
        t
        for t in ctx.record.trials
        if t.ongoing
        and t.ingredient != draft.ingredient
        and drug_rules.is_antipsychotic(t.drug_class)
    ]
    drafts = list(ctx.record.draft_orders)
    earlier = drafts[: drafts.index(draft)] if draft in drafts else []
    others = [
        d
        for d in earlier
        if d.ingredient != draft.ingredient and drug_rules.is_antipsychotic(d.drug_class)
    ]
    if not running and not others:
        return None
    held = [running_dose(t) for t in running] + [
        f"{d.ingredient} on this same order" for d in others
    ]
    name = draft.ingredient.capitalize()
    if running:
        first = running[0].ingredient
        summary = cards.fit_summary(
            f"{name} ordered while {first} (an antipsychotic) is running: a second antipsychotic",
            f"{name}: a second antipsychotic ({first} already running)",
        )
    else:
        first = others[0].ingredient
        summary = cards.fit_summary(
            f"{name} and {first} on the same order: two antipsychotics",
            f"{name}: a second antipsychotic on the same order",
        )
    return OrderCheck(
        STACKING,
        draft,
        summary,
        f"{draft.ingredient} ({draft.drug_class}) would be a second antipsychotic: "
        + "; ".join(held)
        + ". Combining antipsychotics adds their side effects (metabolic, QT, movement) and is "
        "not a CANMAT 2023 strategy for depression (Table 7.2 adjuncts are single agents): "
        "optimise or replace the one running; when switching, plan the cross-taper and the "
        "stop date of the first.",
    )
