"""The dose and age checks of a draft: below the minimum adequate or above the maximum dose
(the drug row's own range and cite, column dose_source: CANMAT 2023 Table 3.3 for most, CPS
2023 Table 6 for fluvoxamine, the label for gepirone), above an adjunct's augmentation range
(CANMAT 2023 Table 7.2), above the labelled maximum for the patient's age; and, when a dose or
the age could not be read, the lines saying which of these checks were not done (review finding
12: never skipped in silence).

A ranged draft ("50-200 mg daily") is judged at the end that is safe for each question: "above
the maximum" and the age limit at its UPPER end (the patient may take that much), "below the
minimum adequate dose" at its LOWER end (the record proves no more). Its cards write the range."""

from __future__ import annotations

import dataclasses

from fhir_mapping.record import DoseBasis, DraftOrder
from services import (
    age_limits,
    cards,
    dose_ceiling_reasons,
    drug_rules,
    drugs,
    pathway_options,
    range_ceiling,
)
from services.card_format import weeks_text
from services.order_checks import dose_entry_error, formulation_doses, label_doses
from services.order_checks.age_unit import age_limit_card, unit_above_age, unit_said
from services.order_checks.label_allows import within_label_check
from services.order_checks.model import ABOVE, BELOW, NOT_CHECKED, OrderCheck
from services.order_checks.older_adult_level_dose import level_dose_check
from services.order_checks.older_adult_start import start_check
from services.order_checks.pediatric_dose import pediatric_dose_check
from services.order_doses import draft_dose
from services.rules.context import RuleContext


def _reaches(draft: DraftOrder) -> str:
    """How a dose above a limit is said: "is" for one dose, "reaches" for a range whose upper
    end is above it (the lower end may not be)."""
    return "reaches" if draft.mg_per_day_high is not None else "is"


def _dose_cite(draft: DraftOrder) -> str | None:
    """The short cite of the draft's dose range, from the drug's own row (column dose_source):
    fluvoxamine's 150 mg/day is CPS 2023 Table 6's, not CANMAT's."""
    return drugs.dose_cite(draft.ingredient, draft.role)


def _range_cite(draft: DraftOrder) -> str:
    """The draft's range and its cite (range_ceiling.range_cite: one wording with the running
    card's)."""
    return range_ceiling.range_cite(
        draft.ingredient, draft.role, draft.min_adequate_mg, draft.max_mg
    )


def dose_checks(
    ctx: RuleContext, draft: DraftOrder, *, new_start_too: bool = False
) -> list[OrderCheck]:
    """The dose findings of a draft. A below-range first start (nothing of the drug running) is
    left out unless `new_start_too`: the interaction card still says "do not raise the dose
    until the interaction is settled" for one (order_checks/interactions.py)."""
    # The upper end of a ranged order: the patient may take that much, so "above the maximum"
    # reads it (the safe reading for a dose that may be too high).
    upper = draft.mg_per_day_upper
    if upper is None or draft.dose_basis is not DoseBasis.DAILY:
        # Esketamine sessions and long-acting injections: their mg/day is only a time average
        # (fhir_mapping/dose_basis.py), never a dose to call "below minimum" or "above maximum".
        return []
    # The lower end: the dose the record proves, so "below the minimum adequate dose" reads it.
    mg = draft.mg_per_day
    found = []
    name = draft.ingredient.capitalize()
    shown = draft_dose(draft)
    # A release formulation with its own labelled ceilings (bupropion SR 400 mg/day, paroxetine
    # CR 62.5, venlafaxine IR 375 for inpatients: review 15 W3, M1) is judged against them.
    ceiling = formulation_doses.daily_ceiling(draft)
    beyond = formulation_doses.above_higher_max(draft, _reaches(draft))
    if beyond is not None:
        found.append(beyond)
    elif formulation_doses.own_wording(draft):
        if ceiling is not None and upper > ceiling and not _treats_mania_or_psychosis(ctx, draft):
            found.append(formulation_doses.above_daily(draft, _reaches(draft)))
    elif (
        allows := range_ceiling.within_label(ctx, draft.ingredient, draft.max_mg, upper)
    ) is not None:
        # Above the range, within the market's label that allows more (fluoxetine 80 mg/day on
        # the US label): information, the same words as the running card's (s25 FA item 1).
        found.append(within_label_check(draft, allows))
    elif range_ceiling.above(ctx, draft.ingredient, draft.max_mg, upper):
        # The one "above the usual maximum" rule, a running course's too (range_ceiling.py).
        most = range_ceiling.maximum(name, draft.max_mg)
        plain = f"{name} {shown} {_reaches(draft)} above the usual maximum of {most}"
        detail = (
            f"{draft.ingredient} {shown} exceeds the {_range_cite(draft)}. Check the dose "
            "and the indication."
        )
        # Why the maximum is a ceiling, when a table row says (review 13 M3: citalopram's is
        # the QT interval, FDA 2011/2012, not CANMAT's range alone).
        why = dose_ceiling_reasons.reason_for(draft.ingredient)
        summary = plain
        if why is not None:
            above = f"{name} {shown} {_reaches(draft)} above the {most} maximum"
            summary = cards.fit_summary(
                f"{above}: {why.short} ({why.cite})", f"{above} ({why.short})", plain
            )
            detail = cards.join_sections(detail, why.line())
        # Venlafaxine IR: the label allows more for severely depressed inpatients (review 15).
        inpatient = formulation_doses.higher_max_line(draft)
        if inpatient is not None:
            detail = cards.join_sections(detail, inpatient)
        # A label that allows more than the range, but not this much (fluoxetine 100 mg/day).
        detail = cards.join_sections(
            detail, range_ceiling.beyond_label_line(ctx, draft.ingredient, draft.max_mg)
        )
        found.append(OrderCheck(ABOVE, draft, summary, detail))
    # Between the market's labelled maximum and the range's top (mirtazapine 60 mg/day at a US
    # clinic: review s19 item 4): the ceiling the optimise card raises toward.
    label = label_doses.above_label(ctx, draft, _reaches(draft))
    if label is not None and not _treats_mania_or_psychosis(ctx, draft):
        found.append(label)
    single = formulation_doses.above_single_dose(draft)
    if single is not None and not _treats_mania_or_psychosis(ctx, draft):
        found.append(single)
    low_dose_use = (info := drugs.info(draft.ingredient)) is not None and info.low_dose_use
    if (
        ctx.facts.active
        and mg is not None
        and draft.min_adequate_mg is not None
        and mg < draft.min_adequate_mg
        and not low_dose_use  # e.g. trazodone for sleep: a low dose is not meant as a trial
        # A taper to a stop ends low by design and is no trial (fhir_mapping/taper.py).
        and not draft.tapers_to_stop
        # A first dose with nothing of the drug running is the titration's start (review s25
        # RO finding 5: "fine for titration" on every new start was noise); an as-needed one
        # still is said, it never counts as a trial.
        and (new_start_too or draft.as_needed or _runs(ctx, draft))
    ):
        minimum = cards.fmt_mg(draft.min_adequate_mg)
        cite = _dose_cite(draft)
        rule_text = (
            f"A trial counts as adequate only at {minimum} mg/day or more for "
            f"{weeks_text(ctx.policy.mapping.min_adequate_weeks)}"
            f"{f' ({cite})' if cite else ''}."
        )
        stuck = _weeks_already_below(ctx, draft)
        if draft.as_needed:
            # Taken only as needed, it is no daily dose: its days never count toward an
            # adequate trial (DraftOrder.as_needed), so it is not "fine for titration" either.
            summary = cards.fit_summary(
                f"{name} {shown} is below the minimum adequate dose ({minimum} mg/day), taken "
                "only as needed: it will not count as a trial",
                f"{name} {shown}: taken only as needed: it will not count as a trial",
            )
            detail = (
                f"{draft.ingredient} {shown} is ordered to be taken only as needed: an as-needed "
                f"dose is not a daily dose, and its days never count toward an adequate trial. "
                f"{rule_text} If a trial is meant, order a daily dose."
            )
        elif stuck is None:
            summary = (
                f"{name} {shown} is below the minimum adequate dose "
                f"({minimum} mg/day); fine for titration"
                if draft.mg_per_day_high is None
                else f"{name} {shown} starts below the minimum adequate dose "
                f"({minimum} mg/day); counted at its lower end"
            )
            detail = f"{rule_text} Plan the titration to reach it."
        else:
            # A renewal of a dose that has already run for a full trial's length below the
            # minimum is not titration: say so rather than "fine for titration".
            summary = cards.fit_summary(
                f"{name} {shown} continues {weeks_text(stuck)} below "
                f"the minimum adequate dose ({minimum} mg/day): consider raising it",
                f"{name} {shown}: already {weeks_text(stuck)} below the {minimum} mg/day minimum",
            )
            detail = (
                f"{draft.ingredient} has been taken below {minimum} mg/day for "
                f"{weeks_text(stuck)}; this order keeps it there. {rule_text}"
            )
        found.append(OrderCheck(BELOW, draft, summary, detail))
    return dose_entry_error.marked(ctx, draft, found)  # 5x the maximum: an entry error


def _treats_mania_or_psychosis(ctx: RuleContext, draft: DraftOrder) -> bool:
    """range_ceiling.treats_mania_or_psychosis for the draft's drug."""
    return range_ceiling.treats_mania_or_psychosis(ctx, draft.ingredient)


def augmentation_above_range(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """An adjunct drafted above its CANMAT 2023 Table 7.2 augmentation range (lithium 1800 mg/day
    against 600-1200; review finding 4); not for an antimanic agent with bipolar disorder or
    psychotic features on record (`_treats_mania_or_psychosis`). A ranged draft is judged at its
    upper end: the patient may take that much."""
    mg = draft.mg_per_day_upper
    if (
        mg is None
        or draft.dose_basis is not DoseBasis.DAILY
        or draft.max_mg is None
        or mg <= draft.max_mg
        or _treats_mania_or_psychosis(ctx, draft)
    ):
        return None
    low, top = cards.fmt_mg(draft.min_adequate_mg), cards.fmt_mg(draft.max_mg)
    # The agent's target and monitoring (data/augmentation_monitoring.csv): lithium is dosed by
    # its serum level, so the card asks for it.
    watch = pathway_options.monitoring_for(draft.ingredient)
    target = pathway_options.target_for(draft.ingredient, ctx.record.patient.age, ctx.policy)
    check = f" Target {target}; monitor {watch.monitoring}." if watch is not None else ""
    return OrderCheck(
        ABOVE,
        draft,
        f"{draft.ingredient.capitalize()} {draft_dose(draft)} {_reaches(draft)} above the "
        f"augmentation range of {low}-{top} mg/day",
        f"{draft.ingredient} {draft_dose(draft)} as an adjunct in depression exceeds the "
        f"CANMAT 2023 Table 7.2 range ({low}-{top} mg/day). Check the dose and the "
        f"indication.{check}",
    )


def _runs(ctx: RuleContext, draft: DraftOrder) -> bool:
    """A course of the drafted drug runs now (a renewal, raise or lowering of it)."""
    return any(t.ingredient == draft.ingredient for t in ctx.facts.ongoing_trials)


def _weeks_already_below(ctx: RuleContext, draft: DraftOrder) -> float | None:
    """Weeks the running course of the drafted drug has spent below its minimum, when that is
    already a full trial's length (policy min_adequate_weeks); else None."""
    for trial in ctx.facts.ongoing_trials:
        if trial.ingredient != draft.ingredient:
            continue
        low = cards.below_minimum(trial)
        if low is not None and low[1] >= ctx.policy.mapping.min_adequate_weeks:
            return low[1]
    return None


def age_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    if draft.dose_basis is not DoseBasis.DAILY:
        return None
    age = ctx.record.patient.age
    # The upper end of a ranged order: the patient may take that much (the safe reading).
    limit = age_limits.exceeded(draft.ingredient, age, draft.mg_per_day_upper, draft.formulation)
    if limit is None:
        # No dose read and one unit above the limit (s25 RO 3); else a new start above the
        # label's older-adult start dose (s25 FA item 2); above the maximum, that card says it;
        # else a dose above the label's older-adult range of a drug dosed by level (s26 item 3).
        # Under 18, a dose above the label's pediatric dose (s27 RC finding 4: pediatric_dose.py).
        return (
            unit_above_age(ctx, draft)
            or pediatric_dose_check(ctx, draft)
            or start_check(ctx, draft)
            or level_dose_check(ctx, draft)
        )
    form = limit.form()  # " CR": the limit is that formulation's own (age_limits.py)
    name, mg, top = (
        f"{draft.ingredient.capitalize()}{form}",
        draft_dose(draft),
        cards.fmt_mg(limit.max_mg),
    )
    detail = (
        f"{draft.ingredient}{form} {mg} for a patient aged {age}: the {limit.words()} from age "
        f"{limit.min_age} is {top} mg/day. {age_limits.label(limit)} Consider {top} mg/day or "
        "another antidepressant."
    )
    return age_limit_card(
        ctx,
        draft,
        cards.fit_summary(
            f"{name} {mg} at age {age}: above the {limit.labelled(top)} from age {limit.min_age}",
            f"{name} {mg} at age {age}: above the {top} mg/day {limit.short()}",
        ),
        detail,
    )


# The line that says a draft's age rules could not run: first on its card (`_with_lines`).
_AGE_NOT_KNOWN = "**Age not known:**"


def _not_checked(ctx: RuleContext, draft: DraftOrder) -> list[str]:
    """The dose and age checks of an antidepressant draft that could not run, one line each
    (review finding 12: never skipped in silence), the age line last. A drug dosed per session
    or injection has no daily dose to check, by design, and gets no line."""
    lines = []
    age = ctx.record.patient.age
    where = f" ({draft.source})" if draft.source is not None else ""
    if draft.dose_basis is DoseBasis.DAILY and draft.mg_per_day_upper is None:
        cite = _dose_cite(draft)
        checks = f"the dose range ({cite})" if cite else "the dose range"
        limit = age_limits.limit_for(draft.ingredient, age, draft.formulation)
        # One unit above the limit is said on the age-limit card (age_unit.py): it was checked.
        if limit is not None and not unit_said(draft, age):
            checks += (
                f" and the {cards.fmt_mg(limit.max_mg)} mg/day maximum from age {limit.min_age}"
            )
        lines.append(
            f"**Dose not read:** the daily dose of {draft.ingredient}{where} could not be read "
            f"from the order, so {checks} could not be checked: check the dose."
        )
    if age is None:
        named = drug_rules.age_rows_naming(draft.ingredient, draft.drug_class)
        rules = [f"under {r.below_age}: {r.cite}" for r in named]
        limit = age_limits.limits().get(draft.ingredient.lower())
        if limit is not None:
            rules.append(f"from {limit.min_age}: {cards.fmt_mg(limit.max_mg)} mg/day maximum")
        which = f" ({'; '.join(dict.fromkeys(rules))})" if rules else ""
        lines.append(
            f"{_AGE_NOT_KNOWN} the patient's birth date could not be read, so the age rules for "
            f"{draft.ingredient}{which} could not be checked: check the age."
        )
    return lines


def _with_lines(check: OrderCheck, lines: list[str]) -> OrderCheck:
    """The card with the draft's "could not be checked" lines: the age line first, where it is
    seen (it changes which rules ran: review 19 D3), the dose line after the card's own text."""
    first = [line for line in lines if line.startswith(_AGE_NOT_KNOWN)]
    last = [line for line in lines if not line.startswith(_AGE_NOT_KNOWN)]
    return dataclasses.replace(check, detail=cards.join_sections(*first, check.detail, *last))


def carry_not_checked(
    ctx: RuleContext, drafts: list[DraftOrder], by_topic: dict[str, list[OrderCheck]]
) -> None:
    """Put each draft's "could not be checked" lines on the first card the draft already gets;
    a draft with no card gets a data-quality card that says which checks were not done. Each
    card of a draft in dose steps (or of unclear dosage lines) says how its dose was read first
    (`carry_dose_note`)."""
    carry_dose_note(by_topic)
    # A draft whose drug is to confirm and that no check of either reading met still says so
    # (review 18a recheck UNSAFE): the order is not silent on which drug it is. Once a draft.
    carried = {c.draft.id for checks in by_topic.values() for c in checks}
    for draft in drafts:
        if draft.drug_to_confirm is None or draft.id in carried:
            continue
        carried.add(draft.id)
        by_topic.setdefault(NOT_CHECKED, []).append(
            OrderCheck(
                NOT_CHECKED,
                draft,
                cards.fit_summary(
                    f"Drafted drug to confirm: its code and its name give different drugs "
                    f"({draft.drug_to_confirm.split(' (', 1)[0]})",
                    "Drafted drug to confirm: its code and its name give different drugs",
                ),
                f"**Drug to confirm:** {draft.drug_to_confirm}.",
            )
        )
    for draft in drafts:
        lines = _not_checked(ctx, draft)
        if not lines:
            continue
        carrier = next(
            (
                (topic, i)
                for topic, checks in by_topic.items()
                for i, check in enumerate(checks)
                if check.draft is draft
            ),
            None,
        )
        if carrier is not None:
            topic, i = carrier
            by_topic[topic][i] = _with_lines(by_topic[topic][i], lines)
            continue
        name = draft.ingredient.capitalize()
        dose = draft.dose_basis is DoseBasis.DAILY and draft.mg_per_day_upper is None
        age = ctx.record.patient.age is None
        what = " and ".join(w for w, missing in (("dose", dose), ("age", age)) if missing)
        by_topic.setdefault(NOT_CHECKED, []).append(
            OrderCheck(
                NOT_CHECKED,
                draft,
                cards.fit_summary(
                    f"{name} order: {what} not read, so the {what} checks were not done",
                    f"{name}: {what} checks not done",
                ),
                "\n\n".join(lines),
            )
        )


def carry_dose_note(by_topic: dict[str, list[OrderCheck]]) -> None:
    """Open the detail of every card of a draft with what the draft's reading could not settle:
    a dose note (DraftOrder.dose_note: the steps and the one its ceilings were checked at, or
    the dosage lines to confirm; a dose above a limit at step 1 of a taper must say it is step 1,
    not the dose the order ends on: review 12 recheck). A drug to confirm (its code and name
    give different drugs) is said once, on the first card of the draft, and each card says
    which reading it rests on: order_checks/draft_readings.py (audit 18)."""
    for checks in by_topic.values():
        for i, check in enumerate(checks):
            draft = check.draft
            note = draft.dose_note
            if note is not None and note not in check.detail:
                detail = cards.join_sections(
                    f"**Dose read:** {draft.ingredient} {note}.", check.detail
                )
                checks[i] = dataclasses.replace(check, detail=detail)
