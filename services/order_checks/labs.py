"""The safety-lab checks of a drafted drug (review 7 findings 1 and 4): the results that decide
the order and that the service used to fetch and ignore.

- lithium raised or added while the level the chart-open card judges
  (services/rules/lithium_level.judged_level: the running course's latest comparable level,
  however old; for a start, the latest of the last policy.lab_recent_days) is above the
  augmentation target (data/lab_safety.csv "lithium-target": CANMAT 2023 0.5-0.8 mmol/L; the FDA
  boxed warning: toxicity tracks the serum level), judged by the lines of the chart-open
  lithium-level card (services/rules/lithium_level.level_lines: the order warned at any
  level above 0.8 while that card waited for 1.0 under 65): a warning above the patient's upper
  line (lithium-high 1.0 mmol/L, lithium-high-older 0.8 from 65) or above the target with a
  level-raising drug started since the level; critical at or above lithium-toxic (1.5 mmol/L),
  as that card is: a raise on a level of greater toxicity risk harms at once; between the target
  and the upper line, a warning at an order that raises a running dose (review 14 W1: the level
  rises with the dose; a dose that cannot be compared counts as a raise) and an information card
  at a start (check toxicity, repeat the level); otherwise, a
  baseline test (CANMAT 2023 para
  164, data/augmentation_monitoring.csv `baseline_tests`: sodium, calcium, creatinine or eGFR,
  TSH, and the level for a raise) not on record within lab_recent_days: the baseline card names
  each (services/lithium_baseline.py; review 11 finding 1); and a level at or above lithium-toxic
  on an earlier course (lithium_level.toxic_history: a restart after a toxicity admission), said
  on the level card, else as a warning of its own with when to check the next level;
- citalopram or escitalopram with a recent QTc above 500 ms ("qtc-stop": Celexa label 5.2, FDA
  2011/2012), or above 450 ms as an information card ("qtc-caution"); a latest QTc that cannot be
  compared says so, with what the ECG did report (its QT interval and heart rate, as sent: never
  a QTc computed from them); when the drug's older-adult limit is exceeded too (the age-limit
  card), the QTc card names it in one line, and `qtc_line` gives the age-limit card its line;
- an SSRI or SNRI with a recent sodium below 130 mmol/L ("sodium-low": Spasovski 2014; the
  labels' hyponatraemia warning), worded more strongly from policy.older_adult_age; mirtazapine
  (its label) and tricyclics (AGS Beers 2023, UNVERIFIED) by rows of their own (review 11
  finding 1), which only the order hooks read.

Each card names the value and its date, and cites what data/lab_safety.csv's `cite` (the line)
and `effect_cite` (what the drug does) columns say, never a citation written here. When lab
results could not all be obtained (record.incomplete(LABS)) and no result decides, the check says
it was not done (issue 10, never silent) rather than passing the order as checked.

Warning, not critical: critical stays kept for what harms at once (an MAOI combination, suicide
risk: order_checks/cautions.py), and a lithium raise on a level at or above lithium-toxic
(OrderCheck.indicator raises the lithium card to critical, as the chart-open card is). These cards cannot be snoozed and return on every call until the
clinician accepts or overrides them.
"""

from __future__ import annotations

import dataclasses
import re

from fhir_mapping.labs import ECG_WITHOUT_QTC, LAB_NAMES
from fhir_mapping.record import DataDomain, DoseBasis, DraftOrder, LabResult, Measurement, Role
from services import age_limits, card_evidence, cards, lab_safety, lithium_baseline
from services.lab_safety import LabRule
from services.order_checks.model import OrderCheck
from services.order_doses import draft_dose, trial_dose
from services.recommendation import Indicator
from services.rules import lithium_level, running_dose, running_qtc
from services.rules.context import RuleContext

LITHIUM = "order-lithium-level"
LITHIUM_BASELINE = "order-lithium-baseline"
QTC = "order-qtc"
SODIUM = "order-low-sodium"


def _stop_line(rule: LabRule) -> str:
    """What follows "<Drug> prolongs the QT interval" on a stop card: the row's own label line
    (data/lab_safety.csv `stop_line`, gepirone: no claim of dose dependence its sources do not
    make), else citalopram's discontinuation line, which the escitalopram row borrows."""
    own = rule.stop_line
    if own:
        return f"({rule.effect_cite}); {own.format(bounds=rule.bounds())}"
    return (
        f"dose-dependently ({rule.effect_cite}); the citalopram label says to discontinue it in "
        f"patients with persistent QTc measurements above {rule.bounds()}"
    )


def lab_checks(ctx: RuleContext, draft: DraftOrder) -> list[OrderCheck]:
    found = [
        *_with_kidney_evidence(ctx, _lithium_checks(ctx, draft)),
        _qtc(ctx, draft),
        _sodium(ctx, draft),
    ]
    return [f for f in found if f is not None]


def _with_kidney_evidence(
    ctx: RuleContext, checks: list[OrderCheck | None]
) -> list[OrderCheck | None]:
    """The lithium checks, each saying "No creatinine or eGFR on record." with that sentence as
    shared evidence: the renal dose card of the same order says it too, and keeps it (review 14
    audit, k04; services/screen.py). Only that sentence: results on record are each card's own."""
    if lab_safety.labs_missing(ctx.record) or any(
        lab_safety.latest(ctx.record, test) is not None for test in ("creatinine", "egfr")
    ):
        return checks
    sentence = _renal(ctx)
    evidence = card_evidence.no_kidney_labs_evidence(sentence)
    return [
        dataclasses.replace(c, evidence=(*c.evidence, evidence))
        if c is not None and sentence in c.detail
        else c
        for c in checks
    ]


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


def _raise_of_running(
    ctx: RuleContext, draft: DraftOrder
) -> tuple[float | None, float | None] | None:
    """(running, drafted) mg/day when the order raises a running lithium course, else None (a
    start, the same dose, a lower one). A dose that cannot be compared beside a running course
    (None on its side) reads as a raise: the safer reading, as `_raises_lithium`."""
    running = [t for t in ctx.facts.augmentations if t.ongoing and t.ingredient == "lithium"]
    if not running:
        return None
    new = draft.mg_per_day_upper
    now = running[0].current_mg_per_day_upper
    if new is not None and now is not None and new <= now:
        return None
    return (now, new)


def _lithium_checks(ctx: RuleContext, draft: DraftOrder) -> list[OrderCheck | None]:
    """The lithium level check of a start or raise, with a toxic level of an earlier course
    (lithium_level.toxic_history: 1.8 mmol/L in 2023, a toxicity admission, restarted since) said
    on it: on the level card when there is one (a warning at least: information beside a toxic
    history would understate it), else as a warning card of its own. The level card reads the
    running course only, so a restart with no level yet had no lithium card at all."""
    found = _lithium(ctx, draft)
    if draft.ingredient != "lithium" or draft.role is not Role.AUGMENTATION:
        return [found]
    if not _raises_lithium(ctx, draft):
        return [found]
    history = lithium_level.toxic_history(ctx)
    if history is None:
        return [found]
    line = history.line()
    if found is not None and found.topic == LITHIUM:
        indicator = Indicator.WARNING if found.indicator is Indicator.INFO else found.indicator
        return [
            dataclasses.replace(
                found,
                detail=cards.join_sections(found.detail, f"**Toxicity history:** {line}."),
                indicator=indicator,
            )
        ]
    return [_history_card(ctx, draft, history, line), found]


def _history_card(
    ctx: RuleContext, draft: DraftOrder, history: lithium_level.ToxicHistory, line: str
) -> OrderCheck:
    toxic = lab_safety.rule_for("lithium-toxic", "lithium", "")
    judged = lithium_level.judged_level(ctx)
    if judged is not None:
        now = f"The level this order is judged on is {lab_safety.text(judged)}."
    elif lithium_level.running_lithium(ctx) is not None:
        now = "No level of the running course is on record yet."
    else:
        now = f"No lithium level of the last {ctx.policy.lab_recent_days} days is on record."
    words = history.words
    line_crossed = (
        f" That is at or above {toxic.bounds()}, {toxic.says} ({toxic.cite})"
        + (f"; {toxic.cause}." if toxic.cause else ".")
        if toxic is not None
        else ""
    )
    return OrderCheck(
        LITHIUM,
        draft,
        cards.fit_summary(line, line.split(";")[0]),
        f"This order adds lithium or raises it, and a lithium level of "
        f"{lab_safety.text(history.lab)} is on record from before this course: {words.says}."
        f"{line_crossed} {now} {words.if_running[:1].upper()}{words.if_running[1:]}, and look "
        f"for toxicity ({words.effect_cite}: toxicity tracks the serum level). {_renal(ctx)}",
    )


def _lithium(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    if draft.ingredient != "lithium" or draft.role is not Role.AUGMENTATION:
        return None
    rule = lab_safety.rule_for("lithium-target", draft.ingredient, draft.drug_class)
    if rule is None or not _raises_lithium(ctx, draft):
        return None
    # The level the chart-open lithium-level card judges (one function, so the two never judge
    # different results): the running course's latest comparable level, or, for a start, the
    # latest of the last lab_recent_days.
    lab = lithium_level.judged_level(ctx)
    if lab is None and lab_safety.labs_missing(ctx.record):
        return _not_checked(LITHIUM, draft, "lithium level")
    if lab is None or not lab_safety.above(rule, lab):
        # No level above target: the baseline labs (review 11 finding 1). With lab results not
        # all obtained, an absent result proves nothing: no baseline card then.
        return None if lab_safety.labs_missing(ctx.record) else _baseline(ctx, draft)
    lines = lithium_level.level_lines(ctx, lab)
    if lines is None:  # no lithium-target row for the card: the check above decided
        return None
    dose = f" {cards.fmt_mg(draft.mg_per_day_upper)} mg/day" if draft.mg_per_day_upper else ""
    level = lab_safety.text(lab)
    since = lithium_level.started_since(ctx, lab)
    said = (
        f"The last lithium level, {level}, is above the augmentation target "
        f"({rule.bounds()}, {rule.cite}), and this order adds lithium or raises it. "
        "Lithium toxicity tracks the serum level and can occur close to therapeutic levels "
        f"({rule.effect_cite}): check for toxicity and repeat the level before raising the dose."
    )
    if lines.toxic is not None:
        toxic = lines.toxic
        return OrderCheck(
            LITHIUM,
            draft,
            cards.fit_summary(
                f"Lithium{dose} ordered with the last level {level} at or above "
                f"{cards.fmt_mg(toxic.high)}: toxicity risk",
                f"Lithium ordered: last level {level}, toxicity risk",
            ),
            f"{said} At or above {toxic.bounds()}, {toxic.says} ({toxic.cite}): "
            f"{toxic.if_running}. {_renal(ctx)}",
            indicator=Indicator.CRITICAL,
            # The 1.5 mmol/L line it acts on is the label's, not CANMAT's (review 14 k05): the
            # card's source is the row's own cite (the target's CANMAT cite stays in the text).
            basis=(toxic.cite,),
        )
    if lines.beyond_usual or since:
        upper = lines.high
        over = (
            f" It is above {upper.high:.1f} {upper.unit}, {upper.says} ({upper.cite})."
            if upper is not None and upper.high is not None
            else ""
        )
        names = cards.and_list([t.ingredient for t in since])
        raised = (
            f" {names[:1].upper()}{names[1:]} started after it was taken and raises the level, "
            "so the level now is likely higher."
            if since and upper is None
            else ""
        )
        return OrderCheck(
            LITHIUM,
            draft,
            cards.fit_summary(
                f"Lithium{dose} ordered with the last level {level} above the "
                f"{rule.bounds()} target",
                f"Lithium ordered: last level {level}, above target",
            ),
            f"{said}{over}{raised} {_renal(ctx)}",
        )
    line = lines.line
    dose_raise = _raise_of_running(ctx, draft)
    if dose_raise is not None:
        return _raise_above_target(ctx, draft, rule, lines, level, said, dose_raise)
    # Above the target, within the patient's usual upper line (e.g. 0.9 mmol/L under 65, below
    # its 1.0 line), at a start (a restart soon after the level): the chart-open card is silent
    # there (a stable responder's level; hold or reduce risks relapse), so the order says it as
    # information.
    within = (
        f" It is within {line.high:.1f} {line.unit}, {line.says} ({line.cite}): information, "
        "not a warning."
        if line is not None and line.high is not None
        else ""
    )
    return OrderCheck(
        LITHIUM,
        draft,
        cards.fit_summary(
            f"Lithium{dose} ordered: last level {level}, above the {rule.bounds()} target, "
            "within the usual range",
            f"Lithium ordered: last level {level}, above target, within the usual range",
        ),
        f"{said}{within} {_renal(ctx)}",
        indicator=Indicator.INFO,
    )


def _raise_above_target(
    ctx: RuleContext,
    draft: DraftOrder,
    rule: LabRule,
    lines: lithium_level.LevelLines,
    level: str,
    said: str,
    raised: tuple[float | None, float | None],
) -> OrderCheck:
    """A raise of a running lithium dose with the last level above the augmentation target but
    within the patient's upper line (0.85 mmol/L on 900 mg/day, 1200 drafted: review 14 W1): a
    warning, as data/lab_safety.csv lithium-target says of a lithium order above the target.
    Information here told the prescriber to repeat the level "before raising the dose" on the
    very order that raises it: the level rises with the dose, so a level already above the
    target may pass the upper line once the raise reaches steady state. Holding a stable dose
    risks relapse (recheck 13 n01/n03); raising it on a level above target risks toxicity, so
    the raise, not the level on its own, is what the warning is about."""
    now, new = raised
    change = (
        f"from {cards.fmt_mg(now)} to {cards.fmt_mg(new)} mg/day"
        if now is not None and new is not None
        else "(a daily dose that could not be compared with the running one)"
    )
    to = f" to {cards.fmt_mg(new)} mg/day" if new is not None else ""
    line = lines.line
    within = (
        f" It is within {line.high:.1f} {line.unit}, {line.says} ({line.cite}), but the level "
        "rises with the dose, so after this raise it may not be."
        if line is not None and line.high is not None
        else ""
    )
    return OrderCheck(
        LITHIUM,
        draft,
        cards.fit_summary(
            f"Lithium raised{to}, last level {level} above the {rule.bounds()} target: "
            "repeat the level before raising",
            f"Lithium raised{to}, last level {level} above target: repeat level before raising",
            f"Lithium raised, last level {level} above target: repeat level first",
        ),
        f"{said} This order raises the running dose {change}.{within} {_renal(ctx)}",
    )


def _baseline(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """A lithium start or raise with a baseline test (CANMAT 2023 para 164: data/
    augmentation_monitoring.csv `baseline_tests`) not on record within lab_recent_days: the
    card names each test, what is on record and what is not (services/lithium_baseline.py)."""
    starting = not any(t.ongoing and t.ingredient == "lithium" for t in ctx.facts.augmentations)
    tests = lithium_baseline.baseline(ctx, starting=starting)
    days = ctx.policy.lab_recent_days
    missing = lithium_baseline.short_missing(tests, days)
    row = lithium_baseline.baseline_row()
    if not missing or row is None:
        return None
    dose = f" {cards.fmt_mg(draft.mg_per_day_upper)} mg/day" if draft.mg_per_day_upper else ""
    verb = "started" if starting else "raised"
    target = lab_safety.rule_for("lithium-target", "lithium", "")
    effect = f" ({target.effect_cite})" if target is not None and target.effect_cite else ""
    level = (
        ""
        if starting
        else f" A raise needs a current level: toxicity tracks the serum level{effect}."
    )
    cite = row.cite
    return OrderCheck(
        LITHIUM_BASELINE,
        draft,
        cards.fit_summary(
            f"Lithium{dose} {verb}: {missing} (baseline labs, {cite})",
            f"Lithium {verb}: {missing} (baseline labs, {cite})",
            f"Lithium {verb}: baseline labs not all on record ({cite})",
        ),
        cards.join_sections(
            f"**Baseline labs for lithium** ({cite}: {row.monitoring}):\n"
            + "\n".join(t.line(days) for t in tests),
            f"Order what is missing before the {'first dose' if starting else 'higher dose'}."
            f"{level}",
            f"Source: {row.source_cite}.",
        ),
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
    found = _qtc_check(ctx, draft)
    line = _age_line(ctx, draft) if found is not None else None
    if found is None or line is None:
        return found
    return dataclasses.replace(found, detail=cards.join_sections(found.detail, line))


def _age_line(ctx: RuleContext, draft: DraftOrder) -> str | None:
    """The line naming the age-limit card beside this QTc card: the drafted daily dose above the
    drug's older-adult limit (order_checks/doses.py `age_check`'s card), else a running course of
    it above the limit (the patient-view card, services/rules/age_dose_limit.py). Both limits are
    about the same QT risk, so a reader of one card sees the other."""
    age = ctx.record.patient.age
    limit = age_limits.limit_for(draft.ingredient, age)
    if limit is None:
        return None
    top = f"{limit.labelled(cards.fmt_mg(limit.max_mg))} from age {limit.min_age}"
    if draft.dose_basis is DoseBasis.DAILY and age_limits.exceeded(
        draft.ingredient, age, draft.mg_per_day_upper
    ):
        return f"**Age-limit card:** at {age}, {draft_dose(draft)} is above the {top}."
    for trial in ctx.facts.ongoing_trials:
        # The age-limit card's own reading: a dose to confirm at its highest.
        read = running_dose.ceiling_reading(trial)
        if (
            trial.ingredient == draft.ingredient
            and trial.dose_basis is DoseBasis.DAILY
            and age_limits.exceeded(trial.ingredient, age, read.mg)
        ):
            if read.to_confirm and read.mg is not None:
                return (
                    f"**Age-limit card:** at {age}, the running dose, "
                    f"{running_dose.to_confirm_text(read.mg)}, may be above the {top}."
                )
            return (
                f"**Age-limit card:** at {age}, the running {trial_dose(trial)} is above the {top}."
            )
    return None


def _qtc_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    stop = lab_safety.rule_for("qtc-stop", draft.ingredient, draft.drug_class)
    caution = lab_safety.rule_for("qtc-caution", draft.ingredient, draft.drug_class)
    if stop is None and caution is None:
        return None
    lab = lab_safety.deciding(ctx.record, "qtc")
    if lab is None or not lab_safety.is_recent(ctx.record, ctx.policy, lab):
        return _not_checked(QTC, draft, "QTc") if lab_safety.qtc_missing(ctx.record) else None
    if lab_safety.readable(lab):
        return _with_partners(ctx, draft, _qtc_compared(draft, lab, stop, caution))
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
            return _with_partners(ctx, draft, found)
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
            f"{latest} is {shown}.{then} {name} prolongs the QT interval {_stop_line(stop)} "
            f"({stop.cite}){_unverified_for(stop, draft)}. Choose "
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
            f"{latest} is {shown}, above {caution.bounds()} ({caution.cite}"
            f"{', UNVERIFIED' if caution.status == 'UNVERIFIED' else ''}).{then} {name} "
            # A row's own clause (data/lab_safety.csv `stop_line` of a caution row: trazodone,
            # mirtazapine, whose labels claim no dose dependence), else citalopram's.
            f"{caution.stop_line or 'prolongs the QT interval dose-dependently'} "
            f"({caution.effect_cite}): use the lowest effective dose and repeat the ECG.",
            indicator=Indicator.INFO,
        )
    return None


def _with_partners(
    ctx: RuleContext, draft: DraftOrder, found: OrderCheck | None
) -> OrderCheck | None:
    """The QTc card with the other QT-prolonging drugs running named (review 12 c3:
    citalopram 40 mg with ondansetron and a QTc of 478 ms): the combination is the risk factor
    (Wenzel-Seifert 2011, as the chart-open card says), so a caution-line card with one of them
    running is a warning, not information. Each drug with why it is listed."""
    if found is None:
        return None
    beside = running_qtc.running_beside(ctx, draft.ingredient)
    if not beside:
        return found
    names = cards.and_list([d.taking.ingredient for d in beside])
    lines = "\n".join(f"- {d.taking.text()}: {d.why}." for d in beside)
    return dataclasses.replace(
        found,
        summary=cards.fit_summary(f"{found.summary}; {names} running", found.summary),
        detail=cards.join_sections(
            found.detail,
            "**Also running, each prolonging the QT interval** (more than one such drug is a "
            f"risk factor for torsades):\n{lines}",
        ),
        indicator=None,  # the topic's warning, also for a caution line
    )


def qtc_line(ctx: RuleContext, ingredient: str, drug_class: str) -> str | None:
    """What the QTc check of an `ingredient` order would say, in one short clause, for the
    age-limit card (services/rules/age_dose_limit.py) to name it: "QTc 470 ms on 2025-05-20,
    above 450 ms"; "QTc 520 ms on 2025-05-20, above 500 ms, where the label says to stop it";
    "QTc of 2025-05-20 not compared: the ECG reports no QTc". None when that check would raise no
    card from a result (no QTc rule for the drug, no recent QTc, one below both lines). The same
    results as `_qtc_check`: the deciding QTc, else the latest readable one in the window."""
    stop = lab_safety.rule_for("qtc-stop", ingredient, drug_class)
    caution = lab_safety.rule_for("qtc-caution", ingredient, drug_class)
    if stop is None and caution is None:
        return None
    lab = lab_safety.deciding(ctx.record, "qtc")
    if lab is None or not lab_safety.is_recent(ctx.record, ctx.policy, lab):
        return None
    readable = lab if lab_safety.readable(lab) else lab_safety.latest_readable(ctx.record, "qtc")
    if readable is not None and lab_safety.is_recent(ctx.record, ctx.policy, readable):
        shown = f"QTc {lab_safety.text(readable)}"
        if stop is not None and lab_safety.above(stop, readable):
            return f"{shown}, above {stop.bounds()}, where {stop.says}"
        if caution is not None and lab_safety.above(caution, readable):
            return f"{shown}, above {caution.bounds()}"
    if lab_safety.readable(lab):
        return None
    if _no_qtc_reported(ctx, lab):
        return f"QTc of {lab.date.isoformat()} not compared: the ECG reports no QTc"
    return f"QTc of {lab.date.isoformat()} not compared: its value could not be read"


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
    measured = _measured(lab.reported)
    if _no_qtc_reported(ctx, lab):
        ref = f" ({lab.source})" if lab.source is not None else ""
        return OrderCheck(
            QTC,
            draft,
            f"{name} order: QTc of {day} not compared, the ECG reports no QTc",
            f"The latest ECG on record, of {day}{ref}, reports no QTc, so the QTc check of this "
            f"{draft.ingredient} order{bound} was not done. {measured}{before} Read the QTc on "
            "the tracing before ordering.",
            indicator=Indicator.INFO,
        )
    return OrderCheck(
        QTC,
        draft,
        f"{name} order: QTc of {day} not compared, its value could not be read",
        f"The latest QTc on record ({lab_safety.text(lab)}) has no value this service can "
        f"compare, so the QTc check of this {draft.ingredient} order{bound} was not done."
        f"{' ' + measured if lab.reported else ''}{before} Read the QTc on the ECG before "
        "ordering.",
        indicator=Indicator.INFO,
    )


def _measured(reported: tuple[Measurement, ...]) -> str:
    """ "The ECG reports QT interval 460 ms and heart rate 88/min; no QTc was computed from
    them." (as sent: fhir_mapping/lab_measures.py), or "No QTc is computed here." when it
    reports neither: a QTc computed from them would claim more than the ECG reported."""
    if not reported:
        return "No QTc is computed here."
    parts = [f"{LAB_NAMES.get(m.test, m.test)} {_quantity(m)}" for m in reported]
    return (
        f"The ECG reports {' and '.join(parts)}; no QTc was computed from "
        f"{'them' if len(parts) > 1 else 'it'}."
    )


def _quantity(measure: Measurement) -> str:
    """ "460 ms", "0.46 s", "88/min" (a UCUM annotation such as {beats} left out)."""
    unit = re.sub(r"\{[^}]*\}", "", measure.unit or "").strip()
    if not unit:
        return cards.fmt_mg(measure.value)
    space = "" if unit.startswith("/") else " "
    return f"{cards.fmt_mg(measure.value)}{space}{unit}"


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
    # A row for a named drug (mirtazapine: review 11 finding 1) speaks of the drug, a class row
    # of the class ("SSRIs"); an UNVERIFIED row (tricyclics: AGS Beers, recalled) says so.
    by_name = draft.ingredient in rule.drugs
    who = draft.ingredient if by_name else f"{draft.drug_class}s"
    what = name if by_name else f"{draft.drug_class} antidepressants"
    risk = "the labels" if rule.effect_cite.endswith("labels") else rule.effect_cite
    flag = ", UNVERIFIED" if rule.status == "UNVERIFIED" else ""
    summary = cards.fit_summary(
        f"{name}{at_age} with sodium {lab_safety.text(lab)}: below {rule.bounds()}; "
        f"{who} can lower it further",
        f"{name}{at_age} with sodium {lab_safety.text(lab)}: below {rule.bounds()}",
    )
    advice = (
        f"Older adults are at greater risk ({risk}): at {age}, recheck sodium and find its "
        "cause before starting."
        if older
        else "Recheck sodium and find its cause before starting."
    )
    return OrderCheck(
        SODIUM,
        draft,
        summary,
        f"The latest sodium is {lab_safety.text(lab)}, below {rule.bounds()} (moderate "
        f"hyponatraemia or worse, {rule.cite}). {what} can cause "
        f"hyponatraemia (SIADH; {rule.effect_cite}{flag}). {advice}",
    )
