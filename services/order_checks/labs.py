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

from fhir_mapping.labs import ECG_WITHOUT_QTC
from fhir_mapping.record import DataDomain, DraftOrder, LabResult, Role
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
    lab = lab_safety.deciding(ctx.record, "qtc")
    if lab is None or not lab_safety.is_recent(ctx.record, ctx.policy, lab):
        return _not_checked(QTC, draft, "QTc") if lab_safety.qtc_missing(ctx.record) else None
    if lab_safety.readable(lab):
        return _qtc_compared(draft, lab, stop, caution)
    # The latest QTc cannot be compared (an ECG that reports none, a QTc sent as text). A
    # readable one before it, in the window, is still compared: a later ECG without a QTc must
    # not turn an earlier QTc above 500 ms into an information card (safer: that QTc is the
    # best evidence on record). The card then names the later one as well.
    earlier = lab_safety.latest_readable(ctx.record, "qtc")
    if earlier is not None and not lab_safety.is_recent(ctx.record, ctx.policy, earlier):
        earlier = None
    if earlier is not None:
        found = _qtc_compared(draft, earlier, stop, caution, later=_unread(ctx, lab))
        if found is not None:
            return found
    return _qtc_not_compared(ctx, draft, lab, stop or caution, earlier)


def _qtc_compared(
    draft: DraftOrder,
    lab: LabResult,
    stop: LabRule | None,
    caution: LabRule | None,
    *,
    later: str | None = None,
) -> OrderCheck | None:
    """The card of a QTc above the stop or the caution line, else None. `later`: how a later
    QTc that could not be compared is named, when `lab` is the latest that could."""
    name = draft.ingredient.capitalize()
    shown = lab_safety.text(lab)
    latest = "The latest QTc" if later is None else "The latest QTc that could be read"
    then = "" if later is None else f" The later {later}: read it on the tracing."
    if stop is not None and lab_safety.above(stop, lab):
        return OrderCheck(
            QTC,
            draft,
            cards.fit_summary(
                f"{name} with QTc {shown}: above {stop.bounds()}, where {stop.says}",
                f"{name} with QTc {shown}: above {stop.bounds()}",
            ),
            f"{latest} is {shown}.{then} {name} prolongs the QT interval "
            f"dose-dependently; the citalopram label (5.2) says to discontinue it in patients "
            f"with persistent QTc measurements above {stop.bounds()} (FDA 2011/2012)"
            f"{_unverified_for(stop, draft)}. Choose "
            "another antidepressant, or repeat the ECG before deciding.",
        )
    if caution is not None and lab_safety.above(caution, lab):
        return OrderCheck(
            QTC,
            draft,
            cards.fit_summary(
                f"{name} with QTc {shown}: above {caution.bounds()}",
                f"{name} with QTc {shown}",
            ),
            f"{latest} is {shown}, above {caution.bounds()}.{then} {name} "
            "prolongs the QT interval dose-dependently (FDA 2011/2012): use the lowest "
            "effective dose and repeat the ECG.",
            indicator=Indicator.INFO,
        )
    return None


def _unverified_for(rule: lab_safety.LabRule, draft: DraftOrder) -> str:
    """ "; for escitalopram this line is not read in its own label (UNVERIFIED)" when the table's
    row for this drug is UNVERIFIED (data/lab_safety.csv), so the card claims no more than its
    source."""
    if rule.status != "UNVERIFIED":
        return ""
    return f"; for {draft.ingredient} this line is not read in its own label (UNVERIFIED)"


def _no_qtc_reported(ctx: RuleContext, lab: LabResult) -> bool:
    """The result is an ECG panel with no QTc (fhir_mapping/labs.py names it with a gap of
    ECG_WITHOUT_QTC), not a QTc whose value could not be read."""
    return lab.source is not None and any(
        gap.source == lab.source and gap.reason == ECG_WITHOUT_QTC
        for gap in ctx.record.gaps_in(DataDomain.QTC)
    )


def _unread(ctx: RuleContext, lab: LabResult) -> str:
    """ "ECG of 2025-05-20 (Observation/ecg-1) reports no QTc"; "QTc of 2025-05-20
    (Observation/x) could not be read"."""
    ref = f" ({lab.source})" if lab.source is not None else ""
    day = lab.date.isoformat()
    if _no_qtc_reported(ctx, lab):
        return f"ECG of {day}{ref} reports no QTc"
    return f"QTc of {day}{ref} could not be read"


def _qtc_not_compared(
    ctx: RuleContext,
    draft: DraftOrder,
    lab: LabResult,
    rule: LabRule | None,
    earlier: LabResult | None,
) -> OrderCheck:
    """The latest QTc has neither a value in a unit the table knows nor the lab's own flag (an
    ECG whose QTc component is not a number, or an ECG with no QTc at all: also a DataGap, named
    on this card): the check was not done, and saying nothing would read as "QTc fine" (issue
    10, never silent). No QTc is computed from an ECG's QT and heart rate (review 9 finding 2:
    never more than the ECG reported). `earlier`: the latest readable QTc before it, in the
    window and below both lines, named so the clinician sees what is known."""
    name = draft.ingredient.capitalize()
    day = lab.date.isoformat()
    bound = f" (above {rule.bounds()} {rule.says})" if rule is not None else ""
    before = f" The QTc before it: {lab_safety.text(earlier)}." if earlier is not None else ""
    if _no_qtc_reported(ctx, lab):
        ref = f" ({lab.source})" if lab.source is not None else ""
        return OrderCheck(
            QTC,
            draft,
            f"{name} order: QTc of {day} not compared, the ECG reports no QTc",
            f"The latest ECG on record, of {day}{ref}, reports no QTc, so the QTc check of this "
            f"{draft.ingredient} order{bound} was not done; no QTc is computed here from its QT "
            f"interval and heart rate.{before} Read the QTc on the tracing before ordering.",
            indicator=Indicator.INFO,
        )
    return OrderCheck(
        QTC,
        draft,
        f"{name} order: QTc of {day} not compared, its value could not be read",
        f"The latest QTc on record ({lab_safety.text(lab)}) has no value this service can "
        f"compare, so the QTc check of this {draft.ingredient} order{bound} was not done."
        f"{before} Read the QTc on the ECG before ordering.",
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
