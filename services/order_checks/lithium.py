"""The lithium checks of a lithium start or raise: the level (judged by the chart-open
lithium-level card's lines), a toxic level on an earlier course, and the baseline tests
(labs.py's docstring says what each card says and why)."""

from __future__ import annotations

import dataclasses

from fhir_mapping.record import DraftOrder, Role
from services import card_evidence, cards, lab_safety, lithium_baseline
from services.card_format import plural
from services.lab_safety import LabRule
from services.order_checks.model import OrderCheck
from services.order_checks.recent_labs import not_checked as _not_checked
from services.recommendation import Indicator
from services.rules import lithium_level
from services.rules.context import RuleContext

LITHIUM = "order-lithium-level"
LITHIUM_BASELINE = "order-lithium-baseline"


def lithium_checks(ctx: RuleContext, draft: DraftOrder) -> list[OrderCheck | None]:
    """The lithium level (with a toxic history) and baseline checks of a drafted drug, each
    carrying the shared no-kidney-function sentence as evidence (`_with_kidney_evidence`)."""
    return _with_kidney_evidence(ctx, _lithium_checks(ctx, draft))


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
        now = f"No lithium level of the last {plural(ctx.policy.lab_recent_days, 'day')} is on record."
    words = history.words
    before = "from before this course"
    if ctx.record.orders_unread:
        # Fix gap48 (review K56a finding 5): with the orders not read, which course the level
        # was drawn on cannot be told (lithium may have run on since, its dose drawn on may be
        # the draft's): a toxic last level beside a lithium draft stays critical, the safer
        # reading, as the level card of a running course is (`_lithium`).
        before = "(on which course cannot be told: the orders were not read)"
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
        f"{lab_safety.text(history.lab)} is on record {before}: {words.says}."
        f"{line_crossed} {now} {words.if_running[:1].upper()}{words.if_running[1:]}, and look "
        f"for toxicity ({words.effect_cite}: toxicity tracks the serum level). {_renal(ctx)}",
        indicator=Indicator.CRITICAL if ctx.record.orders_unread else None,
    )


def _lithium(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    if draft.ingredient != "lithium" or draft.role is not Role.AUGMENTATION:
        return None
    rule = lab_safety.level_target(draft.ingredient, ctx.record.patient.age, ctx.policy)
    if rule is None or not _raises_lithium(ctx, draft):
        return None
    # The level the chart-open lithium-level card judges (one function, so the two never judge
    # different results): the running course's latest comparable level, or, for a start, the
    # latest of the last lab_recent_days.
    lab = lithium_level.judged_level(ctx)
    if lab is None and lab_safety.labs_missing(ctx.record):
        return _not_checked(ctx, LITHIUM, draft, "lithium level")
    lines = lithium_level.level_lines(ctx, lab) if lab is not None else None
    if lab is None or (not lab_safety.above(rule, lab) and (lines is None or not lines.called)):
        # No level above target nor called critical by the lab: the baseline labs (review 11
        # finding 1). With lab results not all obtained, an absent result proves nothing: no
        # baseline card then.
        return None if lab_safety.labs_missing(ctx.record) else _baseline(ctx, draft)
    if lines is None:  # no lithium-target row for the card: the check above decided
        return None
    dose = f" {cards.fmt_mg(draft.mg_per_day_upper)} mg/day" if draft.mg_per_day_upper else ""
    level = lab_safety.text(lab)
    since = lithium_level.started_since(ctx, lab)
    above = (
        f"is above the augmentation target ({rule.bounds()}, {rule.cite})"
        if not lab_safety.by_flag(lab)  # the lab's flag, never the target (session 29 RL)
        else f"was {lab_safety.flag_words(lab, f'the {rule.bounds()} target ({rule.cite})')}"
    )
    if lines.called is not None and lines.toxic is None:
        # The lab's critical call on a level under the lines by its value (recheck K27b s31
        # finding 5): acted on as at chart open (lithium_level.py), the safer reading.
        above = f"was {lab_safety.called_words(lines.called, lab)}"
    said = (
        f"The last lithium level, {level}, {above}, and this order adds lithium or raises it. "
        "Lithium toxicity tracks the serum level and can occur close to therapeutic levels "
        f"({rule.effect_cite}): check for toxicity and repeat the level before raising the dose."
    )
    if lines.toxic is not None or lines.called is not None:
        toxic = lines.toxic or lines.called
        assert toxic is not None  # (for mypy: one of the two)
        # the lab's call on a level under the line: said so, never "at or above 1.5"
        said_line = (
            lab_safety.flag_short(lab)
            if lab_safety.by_flag(lab)
            else f"at or above {cards.fmt_mg(toxic.high)}"
            if lines.toxic is not None
            else lab_safety.called_words(toxic, lab)
        )
        return OrderCheck(
            LITHIUM,
            draft,
            cards.fit_summary(
                f"Lithium{dose} ordered with the last level {level} {said_line}: toxicity risk",
                f"Lithium{dose} ordered with the last level {level} "
                f"{lab_safety.flagged(lab)}: toxicity risk",
                f"Lithium ordered: last level {level}, toxicity risk",
            ),
            f"{said} "
            + (
                f"{toxic.if_running[0].upper()}{toxic.if_running[1:]}"
                if lab_safety.by_flag(lab) or lines.toxic is None
                else f"At or above {toxic.bounds()}, {toxic.says} ({toxic.cite}): "
                f"{toxic.if_running}"
            )
            + f". {_renal(ctx)}",
            indicator=Indicator.CRITICAL,
            # The 1.5 mmol/L line it acts on is the label's, not CANMAT's (review 14 k05): the
            # card's source is the row's own cite (the target's CANMAT cite stays in the text).
            basis=(toxic.cite,),
        )
    if lines.beyond_usual or since:
        upper = lines.high
        over = (
            f" It is above {upper.high:.1f} {upper.unit}, {upper.says} ({upper.cite})."
            if upper is not None and upper.high is not None and not lab_safety.by_flag(lab)
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
                f"Lithium{dose} ordered with the last level {level} "
                + (
                    lab_safety.flag_short(lab)  # the lab's call, not the target (s29 RL)
                    if lab_safety.by_flag(lab)
                    else f"above the {rule.bounds()} target"
                ),
                f"Lithium ordered: last level {level}, "
                + (lab_safety.flagged(lab) if lab_safety.by_flag(lab) else "above target"),
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
