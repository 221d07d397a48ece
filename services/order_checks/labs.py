"""The safety-lab checks of a drafted drug (review 7 findings 1 and 4): the results that decide
the order and that the service used to fetch and ignore.

- lithium raised or added while the last level (within policy.lab_recent_days) is above the
  augmentation target (data/lab_safety.csv "lithium-target": CANMAT 2023 0.5-0.8 mmol/L; the FDA
  boxed warning: toxicity tracks the serum level);
- citalopram or escitalopram with a recent QTc above 500 ms ("qtc-stop": Celexa label 5.2, FDA
  2011/2012), or above 450 ms as an information card ("qtc-caution");
- an SSRI or SNRI with a recent sodium below 130 mmol/L ("sodium-low": Spasovski 2014; the
  labels' hyponatraemia warning), worded more strongly from policy.older_adult_age.

Each card names the value and its date. When lab results could not all be obtained
(record.incomplete(LABS)) and no result decides, the check says it was not done (issue 10, never
silent) rather than passing the order as checked.

Warning, not critical: critical stays kept for what harms at once (an MAOI combination, suicide
risk: order_checks/cautions.py). These cards cannot be snoozed and return on every call until the
clinician accepts or overrides them.
"""

from __future__ import annotations

from fhir_mapping.record import DraftOrder, LabResult, Role
from services import cards, lab_safety
from services.lab_safety import LabRule
from services.order_checks.model import OrderCheck
from services.recommendation import Indicator
from services.rules.context import RuleContext

LITHIUM = "order-lithium-level"
QTC = "order-qtc"
SODIUM = "order-low-sodium"


def lab_checks(ctx: RuleContext, draft: DraftOrder) -> list[OrderCheck]:
    found = [
        _lithium(ctx, draft),
        _qtc(ctx, draft),
        _sodium(ctx, draft),
    ]
    return [f for f in found if f is not None]


def _recent(ctx: RuleContext, *tests: str) -> LabResult | None:
    lab = lab_safety.latest(ctx.record, *tests)
    if lab is None or not lab_safety.is_recent(ctx.record, ctx.policy, lab):
        return None
    return lab


def _not_checked(topic: str, draft: DraftOrder, what: str) -> OrderCheck:
    name = draft.ingredient.capitalize()
    return OrderCheck(
        topic,
        draft,
        f"{name} order: {what} not checked, lab results could not all be read",
        f"The {what} check of this {draft.ingredient} order was not done: the lab results could "
        f"not all be obtained (see the data-quality notes). Check the latest {what} in the chart.",
        indicator=Indicator.INFO,
    )


def _raises_lithium(ctx: RuleContext, draft: DraftOrder) -> bool:
    """Adds lithium, or raises its daily dose; a dose that cannot be compared counts as raising
    (the safe reading: a level above target is worth a look at any new order)."""
    running = [t for t in ctx.facts.augmentations if t.ongoing and t.ingredient == "lithium"]
    if not running:
        return True
    new = draft.mg_per_day_upper
    now = running[0].current_mg_per_day_upper
    return new is None or now is None or new > now


def _lithium(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    if draft.ingredient != "lithium" or draft.role is not Role.AUGMENTATION:
        return None
    rule = lab_safety.rule_for("lithium-target", draft.ingredient, draft.drug_class)
    if rule is None or not _raises_lithium(ctx, draft):
        return None
    lab = _recent(ctx, "lithium")
    if lab is None:
        return (
            _not_checked(LITHIUM, draft, "lithium level")
            if lab_safety.labs_missing(ctx.record)
            else None
        )
    if not lab_safety.above(rule, lab):
        return None
    dose = f" {cards.fmt_mg(draft.mg_per_day_upper)} mg/day" if draft.mg_per_day_upper else ""
    return OrderCheck(
        LITHIUM,
        draft,
        cards.fit_summary(
            f"Lithium{dose} ordered with the last level {lab_safety.text(lab)} above the "
            f"{rule.bounds()} target",
            f"Lithium ordered: last level {lab_safety.text(lab)}, above target",
        ),
        f"The last lithium level, {lab_safety.text(lab)}, is above the augmentation target "
        f"({rule.bounds()}, CANMAT 2023 Table 7.2), and this order adds lithium or raises it. "
        "Lithium toxicity tracks the serum level and can occur close to therapeutic levels (FDA "
        "boxed warning): check for toxicity and repeat the level before raising the dose. "
        f"{_renal(ctx)}",
    )


def _renal(ctx: RuleContext) -> str:
    parts = [
        f"{lab_safety.LABEL[test]} {lab_safety.text(found)}"
        for test in ("creatinine", "egfr")
        if (found := lab_safety.latest(ctx.record, test)) is not None
    ]
    if parts:
        return "Kidney function: " + "; ".join(parts) + "."
    missing = lab_safety.absent_text(ctx.record, "creatinine or eGFR")
    return f"{missing[:1].upper()}{missing[1:]}."


def _qtc(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    stop = lab_safety.rule_for("qtc-stop", draft.ingredient, draft.drug_class)
    caution = lab_safety.rule_for("qtc-caution", draft.ingredient, draft.drug_class)
    if stop is None and caution is None:
        return None
    lab = _recent(ctx, "qtc")
    if lab is None:
        return _not_checked(QTC, draft, "QTc") if lab_safety.labs_missing(ctx.record) else None
    name = draft.ingredient.capitalize()
    if stop is not None and lab_safety.above(stop, lab):
        return OrderCheck(
            QTC,
            draft,
            cards.fit_summary(
                f"{name} with QTc {lab_safety.text(lab)}: above {stop.bounds()}, where the "
                "label says to stop it",
                f"{name} with QTc {lab_safety.text(lab)}: above {stop.bounds()}",
            ),
            f"The latest QTc is {lab_safety.text(lab)}. {name} prolongs the QT interval "
            f"dose-dependently; the citalopram label (5.2) says to discontinue it in patients "
            f"with persistent QTc measurements above {stop.bounds()} (FDA 2011/2012). Choose "
            "another antidepressant, or repeat the ECG before deciding.",
        )
    if caution is not None and lab_safety.above(caution, lab):
        return OrderCheck(
            QTC,
            draft,
            f"{name} with QTc {lab_safety.text(lab)}: above {caution.bounds()}",
            f"The latest QTc is {lab_safety.text(lab)}, above {caution.bounds()}. {name} "
            "prolongs the QT interval dose-dependently (FDA 2011/2012): use the lowest "
            "effective dose and repeat the ECG.",
            indicator=Indicator.INFO,
        )
    if lab_safety.value(lab) is None and lab.flag is None:
        return _qtc_not_compared(draft, lab, stop or caution)
    return None


def _qtc_not_compared(draft: DraftOrder, lab: LabResult, rule: LabRule | None) -> OrderCheck:
    """The latest QTc has neither a value in a unit the table knows nor the lab's own flag (an
    ECG whose QTc component is not a number: also a DataGap, named on this card): the check
    was not done, and saying nothing would read as "QTc fine" (issue 10, never silent)."""
    name = draft.ingredient.capitalize()
    day = lab.date.isoformat()
    bound = f" (above {rule.bounds()} the label says to stop it)" if rule is not None else ""
    return OrderCheck(
        QTC,
        draft,
        f"{name} order: QTc of {day} not compared, its value could not be read",
        f"The latest QTc on record ({lab_safety.text(lab)}) has no value this service can "
        f"compare, so the QTc check of this {draft.ingredient} order{bound} was not done. "
        "Read the QTc on the ECG before ordering.",
        indicator=Indicator.INFO,
    )


def _sodium(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    if draft.role is not Role.ANTIDEPRESSANT:
        return None
    rule = lab_safety.rule_for("sodium-low", draft.ingredient, draft.drug_class)
    if rule is None:
        return None
    lab = _recent(ctx, "sodium")
    if lab is None:
        return (
            _not_checked(SODIUM, draft, "sodium") if lab_safety.labs_missing(ctx.record) else None
        )
    if not lab_safety.below(rule, lab):
        return None
    return _sodium_card(ctx, draft, rule, lab)


def _sodium_card(ctx: RuleContext, draft: DraftOrder, rule: LabRule, lab: LabResult) -> OrderCheck:
    name = draft.ingredient.capitalize()
    age = ctx.record.patient.age
    older = age is not None and age >= ctx.policy.older_adult_age
    # Older adults are at greater risk of SSRI/SNRI hyponatraemia (the labels): the summary
    # says the age, the detail asks for a recheck before starting rather than during treatment.
    at_age = f" at age {age}" if older else ""
    summary = cards.fit_summary(
        f"{name}{at_age} with sodium {lab_safety.text(lab)}: below {rule.bounds()}; "
        f"{draft.drug_class}s can lower it further",
        f"{name}{at_age} with sodium {lab_safety.text(lab)}: below {rule.bounds()}",
    )
    advice = (
        f"Older adults are at greater risk (the labels): at {age}, recheck sodium and find its "
        "cause before starting."
        if older
        else "Recheck sodium and find its cause before starting."
    )
    return OrderCheck(
        SODIUM,
        draft,
        summary,
        f"The latest sodium is {lab_safety.text(lab)}, below {rule.bounds()} (moderate "
        f"hyponatraemia or worse, Spasovski 2014). {draft.drug_class} antidepressants can cause "
        f"hyponatraemia (SIADH; their labels). {advice}",
    )
