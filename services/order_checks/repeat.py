"""The repeat check: a drafted antidepressant, or its class, that already failed an adequate
trial. A failure only inferred from a stop (no PHQ-9 on treatment) is said as what the record
shows, as information, never as a measured failure (review finding 8); and as the trials table,
the TMS card and the packet read it, "failure inferred", never "outcome not recorded" (review 10
recheck R6: the packet counts it, and lists it to confirm)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from fhir_mapping.record import DraftOrder, PatientRecord, Trial
from services import cards, draft_tapers, drugs, taken_to_confirm, trial_dates
from services.card_format import plural
from services.order_checks.model import REPEATS, OrderCheck
from services.order_checks.repeat_adjunct import adjunct_repeat_check
from services.order_checks.repeat_lowered import lowered_back_check
from services.order_checks.repeat_minor import minor_advice
from services.order_checks.shared_ingredient import in_other_product
from services.order_doses import trial_dose
from services.recommendation import Indicator
from services.rules.context import RuleContext
from services.rules.optimize.wording import did_not_bring
from services.trial_table import taken_only_as_needed, top_dose_text


def _failures(record: PatientRecord) -> tuple[Trial, ...]:
    """Failed antidepressant trials, ended or still running (any episode: a past failure still
    informs). A drug that failed and is still taken counts for its class: ordering escitalopram
    while the citalopram that failed is still running is a switch within a failed class. A
    running one a draft of this order stops on a known day ends there (Trial.stopped_on_order,
    review s27 K1 recheck finding 6: fluoxetine stopped on the order read "2026-06-01 –
    ongoing")."""
    return tuple(_stopped_on_order(record, t) for t in record.antidepressant_trials() if t.failed)


def _stopped_on_order(record: PatientRecord, trial: Trial) -> Trial:
    if not trial.ongoing:
        return trial
    stop = draft_tapers.taper_of(record, trial.ingredient)
    last = None if stop is None else stop.timing.last_day(record.as_of)
    if stop is None or last is None:
        return trial
    # A hold is no stop (FHIR on-hold: expected to continue later; recheck K5 s28 finding 8).
    return dataclasses.replace(trial, stopped_on_order=last, held_on_order=stop.timing.held)


def _up_to(t: Trial) -> str:
    """ "up to 100 mg/day"; "100 mg as needed" for a course taken only as needed (never a
    daily dose: trial_table.top_dose_text)."""
    top = top_dose_text(t)
    return top if taken_only_as_needed(t) else f"up to {top}"


def _weeks(t: Trial) -> str:
    """The course's length in weeks; "at least" that for dates written to the year or month only
    (their shortest reading: review 10 finding 5)."""
    weeks = cards.fmt_weeks((t.end - t.start).days / 7)
    return f"at least {weeks}" if t.written_dates is not None else weeks


def _dose_when(trial: Trial) -> str:
    """ "200 mg/day, ended 2025-06-02" for a course that ended (its highest dose, at its end);
    for one still running its present dose with the day it began, by the trial_dates "since"
    rule every card names a running dose by (session 20 item L5-4): "200 mg/day, running since
    2025-01-06", or "running since 2025-01-06; 200 mg/day since 2025-04-07" when the dose began
    later, never the highest dose beside the course's start."""
    if not trial.ongoing:
        return f"{top_dose_text(trial)}, ended {trial.end.isoformat()}"
    start, began = trial_dates.start_text(trial), trial_dates.dose_began(trial)
    dose = trial_dose(trial)
    if trial.listed:  # never "running" (Trial.listed, session 23 L2 item 1)
        return f"{dose}, listed ({taken_to_confirm.trial_listing(trial)})"
    why = taken_to_confirm.trial_claim(trial).why  # supply ran out: its table's words (s23 RPC)
    if why:
        since = f"{dose} since {start}" if began is None else f"since {start}; {dose} since {began}"
        return f"{since} (may be running: {why})"
    if began is None:
        return f"{dose}, running since {start}"
    return f"running since {start}; {dose} since {began.isoformat()}"


def _trial_brief(t: Trial) -> str:
    return f"{t.ingredient} {_up_to(t)}, {trial_dates.dates_text(t)}"


def _stopped_brief(t: Trial) -> str:
    """What the record shows of a course counted as failed only because it stopped (no PHQ-9 on
    treatment): "sertraline stopped after 52 weeks at up to 100 mg/day (2022-01-10 – 2023-01-10);
    failure inferred (no PHQ-9 on it)". Never plain "failed": it is not seen."""
    weeks = _weeks(t)
    return (
        f"{t.ingredient} stopped after {plural(weeks, 'week')} at {_up_to(t)} "
        f"({trial_dates.dates_text(t)}); {_INFERRED}"
    )


# How a failure inferred from a stop is said: the same reading as the trials table ("outcome
# inferred from stopping it") and the TMS criteria ("failed, inferred").
_INFERRED = "failure inferred (no PHQ-9 on it)"
_INFERRED_SHORT = "failure inferred"
# Said on a repeat card whose failures are all inferred: the drug may well have worked (a long
# course then a stop, with no switch, is also what a successful course looks like).
_ASK_OUTCOME = (
    "Failure inferred from the stop: confirm with the patient. If it brought response or "
    "remission, it is a reasonable choice again; if not, CANMAT 2023 prefers a distinct "
    "mechanism (Figure 7.1)."
)
_ASK_CLASS_OUTCOME = (
    "Failure inferred from the stop: confirm with the patient. If it did not work, CANMAT 2023 "
    "prefers a distinct mechanism (Figure 7.1)."
)


def low_dose_draft(draft: DraftOrder) -> bool:
    """Whether the draft is the drug's low-dose use, not an antidepressant trial (recheck 13-2
    m33: trazodone 50 mg at bedtime for sleep): the drug has one (antidepressants.csv
    low_dose_use), the most the draft reaches a day is below the antidepressant range, and,
    for a drug whose low dose is also its starting dose (mirtazapine 15 mg: low_dose_when =
    as-needed), the draft is taken only as needed, as adequacy.py reads a course. A dose not
    read is no low dose: the checks run as for any draft."""
    info = drugs.info(draft.ingredient)
    top = draft.mg_per_day_upper
    return (
        info is not None
        and info.low_dose_use is not None
        and (draft.as_needed or not info.low_dose_only_as_needed)
        and draft.min_adequate_mg is not None
        and top is not None
        and top < draft.min_adequate_mg
    )


def added_in_product(record: PatientRecord, draft: DraftOrder) -> tuple[str, ...]:
    """The other pathway drugs of the combination product `draft` is drafted in (olanzapine for
    the fluoxetine of an olanzapine/fluoxetine draft): the drafts read from the same order as
    the same product. Empty for a single drug, and for a product with no other pathway drug
    (Contrave's naltrexone is not read)."""
    if draft.product is None:
        return ()
    return tuple(
        dict.fromkeys(
            d.ingredient
            for d in record.draft_orders
            if d.id == draft.id and d.product == draft.product and d.ingredient != draft.ingredient
        )
    )


def _restart_with_added(
    draft: DraftOrder, t: Trial, added: tuple[str, ...], running: Sequence[str]
) -> tuple[str, str]:
    """The repeat card of a combination product that restarts a drug whose measured trial failed
    and stopped, and adds another drug (olanzapine/fluoxetine after fluoxetine failed and was
    stopped). "Consider a different mechanism" would be wrong: the added drug is one. The card
    still speaks, as a warning: the order restarts a drug that failed (weeks of titration again)
    and brings the added drug's burden (olanzapine: weight and metabolic changes, Brunner 2014),
    where an adjunct to the antidepressant taken now, or another drug, may serve; so the
    clinician confirms the choice, and a plan made on purpose is recorded. Silence would be the
    less safe error (review 15 M5)."""
    name = draft.ingredient.capitalize()
    made = draft.product
    product = (made.brand or made.name) if made is not None else draft.ingredient
    extra = cards.and_list(list(added))
    # Its labelled use (data/combination_products.csv: Symbyax, treatment-resistant depression).
    label = f" ({product} is labelled for: {made.indication})" if made and made.indication else ""
    # The alternative named only when there is one on the chart: an antidepressant taken now.
    instead = (
        f"If {extra} augmentation is the aim, an adjunct to {cards.and_list(list(running))} "
        "(taken now) is the alternative; if "
        if running
        else "If "
    )
    summary = cards.fit_summary(
        f"{product} restarts {draft.ingredient}, which failed an adequate trial "
        f"({top_dose_text(t)}, ended {t.end.isoformat()}); {extra} is the added mechanism",
        f"{name} failed an adequate trial; {product} restarts it with {extra} added",
    )
    body = (
        f"An adequate trial of {_trial_brief(t)} {did_not_bring(t)}. This "
        f"order restarts {draft.ingredient} with {extra} added{label}: the {extra} is the "
        f"change, the {draft.ingredient} a drug that failed. {instead}"
        f"{draft.ingredient} is restarted on purpose, record why."
    )
    return summary, body


def _class_mates(
    ctx: RuleContext, draft: DraftOrder, current: set[str], failures: Sequence[Trial]
) -> list[DraftOrder]:
    """`draft` and the other drafts of its class on the same order that meet the same failed
    class (none of them running, none failed itself, none a low-dose use), in the order's own
    order: sertraline and fluoxetine drafted after escitalopram failed are one sentence and one
    table, "Sertraline and fluoxetine are in the class of escitalopram". Each draft said its own
    sentence with the same table, and the card printed the table twice with a summary naming
    sertraline alone (audit 15 M4). The card names each of them: its key does too (s28 RG 2)."""
    failed_drugs = {t.ingredient for t in failures}
    mates = [
        d
        for d in ctx.record.draft_orders
        if d is draft
        or (
            not draft.other_reading(d)
            and d.role is draft.role
            and d.drug_class == draft.drug_class
            and d.ingredient not in current
            and d.ingredient not in failed_drugs
            and not low_dose_draft(d)
            and (d.product is None or d.product.counts_as_trial)
        )
    ]
    return mates or [draft]


def repeat_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    if low_dose_draft(draft):
        # A sleep dose of a drug that failed as an antidepressant repeats no trial; its safety
        # checks (serotonergic load, QTc, interactions) are other checks' and still run.
        return None
    if draft.product is not None and not draft.product.counts_as_trial:
        return None  # Contrave's bupropion is no antidepressant choice (combination_products.py)
    # A course of the drug taken in a combination product (Symbyax's fluoxetine) is not renewed by
    # the single drug (review 10 second recheck N1): a fluoxetine order there is said as a repeat
    # of a failure as any other.
    current = {
        t.ingredient
        for t in ctx.record.antidepressant_trials()
        if t.ongoing and not in_other_product(t, draft)
    }
    if draft.ingredient in current:
        # Raising or renewing the current drug is optimisation, not a repeat; except going back
        # up to a dose it already failed on after a lowering (meds44: information, no warning).
        return lowered_back_check(ctx, draft)
    added = added_in_product(ctx.record, draft)
    if added and any(t.ongoing and t.ingredient == draft.ingredient for t in ctx.record.trials):
        # Olanzapine/fluoxetine drafted while fluoxetine runs (review 15 M5, a12): the order
        # continues the running fluoxetine and adds olanzapine, an augmentation of the current
        # drug (as aripiprazole added to it would be), not a repeat of a failed mechanism. The
        # two fluoxetine products are the shared-ingredient card's (stop one when the other
        # starts: order_checks/shared_ingredient.py).
        return None
    failures = _failures(ctx.record)
    same_drug = [t for t in failures if t.ingredient == draft.ingredient]
    same_class = [t for t in failures if t.drug_class == draft.drug_class and t not in same_drug]
    if not (same_drug or same_class):
        # No failed antidepressant behind it: an adjunct that failed in this episode, drafted
        # again, is said as the antidepressant is (review 16 W5).
        return adjunct_repeat_check(ctx, draft)
    table = cards.trial_table(same_drug + same_class, ctx.policy.mapping)
    # Trial.failed also counts a stopped course with no PHQ-9 on it (the Fabbri 2021 phenotype):
    # the card says "failed" only of failures measured by a score (review finding 8).
    measured_drug = [t for t in same_drug if not t.outcome_unmeasured]
    measured_class = [t for t in same_class if not t.outcome_unmeasured]
    inferred = [t for t in same_drug + same_class if t.outcome_unmeasured]
    stopped_note = (
        "No PHQ-9 on treatment for: " + "; ".join(_stopped_brief(t) for t in inferred) + "."
        if inferred
        else ""
    )
    name = draft.ingredient.capitalize()
    indicator: Indicator | None = None
    short: str | None = None
    named: tuple[DraftOrder, ...] = ()
    if measured_drug and added:
        running = [
            r.ingredient
            for r in ctx.record.antidepressant_trials()
            if r.ongoing and r.ingredient != draft.ingredient
        ]
        summary, body = _restart_with_added(draft, measured_drug[-1], added, running)
        body = cards.join_sections(body, stopped_note)
    elif measured_drug:
        t = measured_drug[-1]
        # A failed course still running reaches here only in another product than the draft's
        # (Symbyax drafted while plain fluoxetine runs: in_other_product). Its `end` is as-of, not
        # a stop (review 15 M5: "ended 2025-06-02" of a drug taken today): said as running.
        short = f"{name} already failed an adequate trial"
        # Under 18 "a different mechanism" points at the agents not to be used (s22 RR 10).
        minor = minor_advice(ctx, {f.ingredient for f in failures})
        advice = "consider a different mechanism" if minor is None else minor.same_drug
        summary = cards.fit_summary(
            f"{name} already failed an adequate trial ({_dose_when(t)}): {advice}",
            f"{short}: {advice}",  # the advice before the dose when both do not fit (s23 RPC)
            short,
        )
        body = cards.join_sections(
            f"An adequate trial of {_trial_brief(t)} {did_not_bring(t)}."
            + ("" if minor is None else f" {minor.detail}"),
            stopped_note,
        )
    elif measured_class:
        others = cards.names(measured_class)
        count = len(dict.fromkeys(t.ingredient for t in measured_class))
        failed = "failed an adequate trial" if count == 1 else f"failed {count} adequate trials"
        mates = _class_mates(ctx, draft, current, failures)
        named = tuple(d for d in mates if d is not draft)
        drafted = list(dict.fromkeys(d.ingredient for d in mates))
        lead = cards.and_list(drafted)
        name = lead[:1].upper() + lead[1:]
        are, belong = ("is", "belongs") if len(drafted) == 1 else ("are", "belong")
        short = (
            f"{name}: {'its' if len(drafted) == 1 else 'their'} class ({draft.drug_class}) {failed}"
        )
        # Under 18 "another class" points at the agents not to be used (review s22 RR 10).
        minor = minor_advice(ctx, {t.ingredient for t in failures})
        step = None if minor is None else minor.step(draft.ingredient)
        advice = (
            "consider another class"
            if minor is None
            else (step or minor.summary_for(draft.ingredient))
        )
        if step is not None:
            # The draft is the under-18 list's own next step (escitalopram after sertraline
            # failed): information, not a warning against it, said short enough to leave room
            # for "; boxed warning (under 25)" (review s22 RR2 finding 8). Another antidepressant
            # still running keeps the warning: the card then also asks switch or combination.
            indicator = None if current else Indicator.INFO
            short = f"{name}: {others} ({draft.drug_class}) {failed}; {step}"
        summary = (
            short
            if step is not None
            else cards.fit_summary(
                f"{name} {are} in the class of {others} ({draft.drug_class}), which {failed}: {advice}",
                short,
            )
        )
        mechanism = (
            "After a failure, CANMAT 2023 prefers a distinct mechanism (Figure 7.1)."
            if minor is None
            else minor.detail
        )
        body = cards.join_sections(
            f"{lead} {belong} to {draft.drug_class}; "
            + "; ".join(_trial_brief(t) for t in measured_class)
            + f" failed. {mechanism}",
            stopped_note,
        )
    else:
        # Every failure behind the card was inferred from a stop: say what the record shows, as
        # information, and let the clinician ask (a drug that worked before is a reasonable
        # first choice in a recurrence).
        indicator = Indicator.INFO
        t = (same_drug or same_class)[-1]
        weeks = _weeks(t)
        if same_drug:
            short = f"{name} was stopped after {plural(weeks, 'week')}; {_INFERRED_SHORT}"
            summary = cards.fit_summary(
                f"{name} was stopped after {plural(weeks, 'week')} at {_up_to(t)}; {_INFERRED}",
                short,
            )
            body = _ASK_OUTCOME  # the course itself: the summary and the trials table
        else:
            short = f"{name}: {t.ingredient} ({draft.drug_class}) stopped; {_INFERRED_SHORT}"
            summary = cards.fit_summary(
                f"{name} is in the class of {t.ingredient} ({draft.drug_class}), stopped after "
                f"{plural(weeks, 'week')}; {_INFERRED}",
                short,
            )
            body = (
                f"{draft.ingredient} belongs to {draft.drug_class}; "
                + "; ".join(_stopped_brief(c) for c in same_class)
                + f". {_ASK_CLASS_OUTCOME}"
            )
    return OrderCheck(
        REPEATS,
        draft,
        summary,
        cards.join_sections(body, table),
        indicator,
        short=short,
        named=named,
    )
