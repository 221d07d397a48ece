"""Dose optimisation: a running dose below its adequate range (CANMAT 2023 Table 3.3, or the
row's own dose source: drug table column dose_source) is raised before response is judged, and
a responding course is optimised toward remission within its range (para 187) instead of
switched or augmented.

A ranged dose ("50-200 mg daily") is below the range at its LOWER end (the dose the record
proves; adequacy reads it), and leaves room to raise only below its UPPER end (no raise is
proposed to a dose the patient may already take). The cards write the range."""

from __future__ import annotations

from datetime import timedelta

from fhir_mapping.dose_basis import shown_dose
from fhir_mapping.record import Trial
from services import (
    age_limits,
    cards,
    drugs,
    fills_short,
    level_high_hold,
    lowered_dose,
    older_adult_cautions,
    older_adult_level_reading,
    pediatric_doses,
    tolerability,
)
from services.card_format import weeks_text
from services.dose_units import per_day
from services.order_doses import dosed_subject, fmt_dose, trial_dose
from services.recommendation import HELD, HeldSummary, Indicator, Recommendation, Suggestion
from services.rules import populations
from services.rules.context import RuleContext
from services.rules.optimize import residual_response
from services.rules.optimize.card import TOPIC, basis, card_evidence, opening
from services.rules.optimize.orders import raise_dose_suggestion
from services.rules.optimize.room import report_hold
from services.rules.optimize.room import room as room_for
from services.rules.optimize.still_improving import raise_from, waiting_line
from services.rules.optimize.stopped_dose import stopped_sentence
from services.rules.optimize.wording import (
    dose_since_text,
    drop_text,
    range_label,
    range_top,
    short_drop,
)
from services.site_ceiling import site_ceiling, site_words
from services.trial_dose_text import sig_unclear_text


def _bare(trial: Trial) -> str:
    """The running dose after "(now ...": the number alone ("100", "50-200"), the range's unit
    already said; a product with a dose equivalent as written beside its equivalent."""
    return shown_dose(
        trial.dose_equivalence, trial.current_mg_per_day, trial.current_mg_per_day_high
    ) or fmt_dose(trial.current_mg_per_day, trial.current_mg_per_day_high)


def pediatric_row(ctx: RuleContext, trial: Trial) -> pediatric_doses.PediatricDose | None:
    """The label's pediatric dose of the course's drug at this age (fluoxetine from 8, escitalopram
    from 12: data/pediatric_doses.csv), or None for an adult or another drug. The age the order
    card reads (a birth year only: the youngest it allows)."""
    return pediatric_doses.row_for(trial.ingredient, populations.age(ctx))


def _young_within(trial: Trial, row: pediatric_doses.PediatricDose) -> str:
    """ "10-20 mg/day, the dose Prozac label 2.2 gives under 18 (now 20 mg/day); trials in
    adolescents used up to 40 mg/day (TADS 2004)": the range the order card reads under 18, not
    the adult 20-60 (review s27 RQ2 finding 1)."""
    return (
        f"{cards.fmt_mg(row.start_mg)}-{cards.fmt_mg(row.max_mg)} {per_day(trial.ingredient)}, "
        f"the dose {row.cite} gives under {row.below_age} (now {_bare(trial)}"
        f"{sig_unclear_text(trial)} {per_day(trial.ingredient)})"
    )


def trials_clause(row: pediatric_doses.PediatricDose | None) -> str:
    """ "; trials in adolescents used up to 40 mg/day (TADS 2004)", or "" (an adult, no trial
    dose on record)."""
    trials = pediatric_doses.trials_words(row) if row is not None else ""
    return f"; {trials}" if trials else ""


def dose_section(ctx: RuleContext, trial: Trial) -> str:
    low, top, age = trial.min_adequate_mg, range_top(ctx, trial), ctx.record.patient.age
    unit = per_day(trial.ingredient)
    cap = ""
    if top is None or low is None:
        # A bound not on record (fluvoxamine: no maximum in the table) is never printed as
        # "150-unknown" (review 12 recheck part 1 #13): worded as the summary's range_label.
        target = f"the adequate range {range_label(ctx, trial)}"
    elif top == site_ceiling(ctx.policy, trial):
        target = f"the adequate range {cards.fmt_mg(low)}-{cards.fmt_mg(top)} {unit}"
        cap = site_words(ctx.policy, trial, top)
    elif top is not None and low is not None and top <= low:
        target = f"the adequate dose {cards.fmt_mg(top)} {unit}"
        cap = f", which is also the maximum at age {age}"
    else:
        target = f"the adequate range {cards.fmt_mg(low)}-{cards.fmt_mg(top)} {unit} at age {age}"
    low_weeks = cards.below_minimum(trial)
    so_far = (
        f" for {weeks_text(low_weeks[1])} so far"
        if low_weeks is not None and low_weeks[1] >= 1
        else ""
    )
    # The row's own cite (column dose_source): fluvoxamine's 150 mg/day is CPS 2023 Table 6's.
    cite = drugs.dose_cite(trial.ingredient, trial.role)
    levelled = older_adult_level_reading.for_trial(ctx.record, ctx.policy, trial)
    if levelled is not None and age is not None:
        # Dosed by level at this age (s25 FN item 1): the adult range does not make the trial
        # short; the level says whether it is adequate and whether to raise it.
        return (
            f"**Dose:** {trial.ingredient} {trial_dose(trial)}{sig_unclear_text(trial)}{so_far} "
            f"is below the adult range {range_label(ctx, trial)} {unit}{f' ({cite})' if cite else ''}, "
            f"but {levelled.label_words(age)}: {levelled.check_words()} The level, not the "
            "mg/day, says whether this trial has had a fair dose."
        )
    text = (
        f"**Dose:** {trial.ingredient} {trial_dose(trial)}{sig_unclear_text(trial)}{so_far} "
        f"is below {target}{f' ({cite})' if cite else ''}{cap}; raise it before judging "
        "response (not an adequate trial until then)."
    )
    limit = age_limits.limit_for(trial.ingredient, ctx.record.patient.age, trial.formulation)
    ceiling = site_ceiling(ctx.policy, trial)
    if limit is not None and ceiling is not None and limit.max_mg < ceiling:
        text += (
            f" The {limit.words()} from age {limit.min_age} is {cards.fmt_mg(limit.max_mg)} "
            f"{unit}: {age_limits.label(limit)}"
        )
    course = tolerability.not_tolerated(ctx.record).get(trial.ingredient)
    if course is not None:
        text += (
            f" A reaction to it is on record ({tolerability.brief(course)}): raise it only if "
            "it is tolerated now; not offered as a ready-to-accept order."
        )
    # A dose only reported: confirmed before the raise, which is not one click (room.report_hold).
    reported = report_hold(trial)
    if reported is not None:
        text += f" {reported}"
    # Falls on record at an age and class AGS Beers names (review s25 RA finding 8).
    falls = older_adult_cautions.raise_falls_line(ctx, trial.drug_class)
    if falls:
        text += f" {falls}"
    # The dose the raise would go to may be one stopped for an adverse effect (stopped_dose.stopped_cap).
    return text + stopped_sentence(trial)


def raise_dose(
    ctx: RuleContext, trial: Trial, sections: list[str], found: list[Suggestion]
) -> None:
    """The dose section of a running trial below its range, and its raise suggestion if any."""
    lowered = lowered_dose.below_range_line(trial)
    if lowered is not None:
        # orders42: below the range only by a lowering no fill shows taken: no raise back.
        sections.append(lowered)
        return
    short = fills_short.below_range_line(trial)
    if short is not None:
        # dose62: below the range only by its fills, the order at an adequate dose: no raise to
        # the dose already ordered, the dose taken confirmed first (services/fills_short.py).
        sections.append(short)
        return
    sections.append(dose_section(ctx, trial))
    suggestion = raise_dose_suggestion(ctx, trial)
    if suggestion is not None:
        found.append(suggestion)


def low_summary(ctx: RuleContext, t: Trial) -> str:
    lowered = lowered_dose.below_range_summary(t)  # orders42: confirm the dose, no raise
    if lowered is not None:
        return cards.fit_summary(lowered, lowered)
    short = fills_short.below_range_summaries(t)  # dose62: fills below an adequate order
    if short is not None:
        return cards.fit_summary(*short)
    levelled = older_adult_level_reading.for_trial(ctx.record, ctx.policy, t)
    if levelled is not None:
        # Dosed by level at this age (s25 FN item 1): the level first, never "raise the dose".
        head = f"{t.ingredient.capitalize()} {trial_dose(t)} at {ctx.record.patient.age}"
        return cards.fit_summary(
            f"{head}: {levelled.step()} (label's older-adult range {levelled.label_range()})",
            f"{head}: {levelled.step()}",
        )
    return cards.fit_summary(
        *(
            text.replace(HELD, act)
            for text, act in zip(
                _low_summaries(ctx, t),
                ("raise the dose before judging response", "raise the dose"),
                strict=True,
            )
        )
    )


def low_summary_while_held(ctx: RuleContext, t: Trial) -> HeldSummary:
    """`low_summary` while a safety card holds the raise (one_click_hold.held_summary):
    "Sertraline 50 mg/day is below the adequate range (100-200 mg/day): raise held (...)"."""
    return HeldSummary(t.ingredient, _low_summaries(ctx, t), subject=dosed_subject(t))


def _low_summaries(ctx: RuleContext, t: Trial) -> tuple[str, str]:
    return (
        f"{dosed_subject(t)} is below the adequate range ({range_label(ctx, t)}): {HELD}",
        f"{dosed_subject(t)} is below the minimum adequate {cards.fmt_mg(t.min_adequate_mg)} {per_day(t.ingredient)}: {HELD}",
    )


def low_summary_held(ctx: RuleContext, t: Trial) -> str:
    """`low_summary` while a critical interaction card about the drug is on the screen
    (rules/interactions.py): "raise the dose" must not sit beside "do not combine" (review 14
    M7: fluvoxamine with tizanidine), as the order hooks reword "fine for titration"
    (order_checks/interactions.py). The dose is still below range; the interaction comes first.
    Below range only by a lowering no fill shows taken (orders43): lowered_dose's words, the
    lowering never read as the dose taken and no titration named over it."""
    lowered = lowered_dose.below_range_summary(t)
    if lowered is not None:
        return cards.fit_summary(
            f"{lowered}; settle the interaction first", lowered_dose.below_range_summary_short(t)
        )
    short = fills_short.below_range_summaries(t)  # dose62: no titration named over it either
    if short is not None:
        return cards.fit_summary(f"{short[1]}; settle the interaction first", short[1])
    return cards.fit_summary(
        f"{t.ingredient.capitalize()} {trial_dose(t)} is below the adequate range "
        f"({range_label(ctx, t)}); settle the interaction before any titration",
        f"{t.ingredient.capitalize()}: below the adequate dose; settle the interaction first",
    )


def toward_remission(
    ctx: RuleContext, good: tuple[Trial, ...], low: tuple[Trial, ...]
) -> Recommendation | None:
    """A responding current trial: no switch or augmentation; optimise the dose toward remission
    where the range leaves room (CANMAT 2023 para 187: higher doses within the range work better).
    Nothing to optimise (every responding drug at the top of its range) means no card."""
    found: list[Suggestion] = []
    sections = opening(ctx)
    # The top of the range is this patient's (optimize/room.py): lowered to the labelled
    # older-adult maximum where one applies (citalopram 20 mg/day over 60), the formulation's own
    # ceiling where its label sets one (bupropion SR 400 mg/day, not the row's 450: review 15 W3),
    # the market's label where it stops lower (mirtazapine 45 mg/day in the US, not CANMAT's 60:
    # review s19 item 4) and the hepatic, renal and pharmacogenomic maxima on record, so no raise
    # is proposed above any of them; one below range keeps the range's top (`range_top`).
    top = {t: range_top(ctx, t) for t in low}
    # A response measured long ago says little about today: no dose change is pushed on it
    # (the measurement card asks for a new PHQ-9 first).
    fresh = ctx.record.as_of - timedelta(days=ctx.policy.mbc_interval_days)
    rooms = {
        t: space
        for t in good
        if t.on_treatment is not None
        and t.on_treatment.date >= fresh
        and t not in low
        # The upper end of a ranged dose: no raise toward a top the patient may already take.
        and (space := room_for(ctx, t)) is not None
    }
    # Still improving, not long at the dose: the raise waits (optimize/still_improving.py).
    waits = {t: day for t in rooms if (day := raise_from(ctx, t)) is not None}
    rooms = {t: r for t, r in rooms.items() if t not in waits}
    top.update({t: r.top for t, r in rooms.items()})
    room = list(rooms)
    for t in good:
        state = "in remission on its last score" if t.remission else "not in remission"
        sections.append(
            f"**Responding:** {dose_since_text(t)}: {drop_text(t)} (response is a "
            f">= 50 % drop, CANMAT 2023 para 180); {state} (PHQ-9 < "
            f"{ctx.policy.remission_below}, CMS159). Switching or adding an adjunct is not "
            "proposed while the current trial responds."
        )
        if t in waits:
            sections.append(waiting_line(t, waits[t]))
    for t, r in rooms.items():
        if r.hold_short == level_high_hold.SHORT:
            # A level at or above its line: no "consider raising" beside it (labs31 item 1).
            sections.append(f"**Dose:** {dose_since_text(t)}. {r.hold}")
            continue
        held = f" {r.hold}" if r.hold else ""
        falls = older_adult_cautions.raise_falls_line(ctx, t.drug_class)
        held += f" {falls}" if falls else ""
        young = pediatric_row(ctx, t)
        within = (
            f"{cards.fmt_mg(t.min_adequate_mg)}-{cards.fmt_mg(r.top)} {per_day(t.ingredient)}"
            f"{r.ceiling} (now {_bare(t)}{sig_unclear_text(t)})"
            if young is None
            else _young_within(t, young)
        )
        sections.append(
            f"**Optimise toward remission:** higher doses within the range are more effective "
            f"(CANMAT 2023 para 187): consider raising {t.ingredient} within {within} and repeat "
            f"the PHQ-9 after the change{trials_clause(young)}.{held}"
        )
    for t in low:
        raise_dose(ctx, t, sections, found)
    if not room and not low:
        # No raise to offer: a response whose last PHQ-9 still indicates depression (>= 10)
        # gets its own card, never none (review K30c finding 3: 24 -> 11 at the top of the range).
        return residual_response.card(ctx, good, waits)
    first = (low or tuple(room))[0]
    resp = good[0]
    # Under 18 the label's pediatric dose, as the order card names it (review s27 RQ2 finding 1).
    young = pediatric_row(ctx, first)
    span = (
        f"{cards.fmt_mg(first.min_adequate_mg)}-{cards.fmt_mg(top[first])}"
        if young is None
        else f"{cards.fmt_mg(young.start_mg)}-{cards.fmt_mg(young.max_mg)}"
    )
    label = "" if young is None else f" ({young.cite})"
    summary = cards.fit_summary(
        f"{resp.ingredient.capitalize()} responding ({short_drop(resp)}), not in remission: "
        f"optimise {first.ingredient} within {span} {per_day(first.ingredient)}{label}; no "
        "switch or adjunct",
        f"{resp.ingredient.capitalize()} responding ({short_drop(resp)}), not in remission: "
        f"optimise {first.ingredient} within {span} {per_day(first.ingredient)}; no switch or "
        "adjunct",
        f"{resp.ingredient.capitalize()} responding ({short_drop(resp)}): optimise the dose "
        "toward remission; no switch or adjunct",
    )
    evidence = card_evidence(ctx)
    return cards.make(
        TOPIC,
        summary=summary,
        detail=cards.join_sections(*sections, *basis(ctx, evidence=evidence)),
        suggestions=found,
        indicator=Indicator.INFO,
        evidence=evidence,
    )
