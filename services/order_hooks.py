"""order-select / order-sign: checks of the draft antidepressant order(s).

For each draft antidepressant (only the selected ones at order-select when selections are given):
- the drug, or its mechanism class, already failed an adequate trial (a continuing drug is not
  flagged: raising or renewing the current drug is optimisation, not a repeat);
- the daily dose is below the minimum adequate dose or above the maximum (CANMAT 2023 Table 3.3);
- bipolar disorder with no mood stabiliser on record or on the order (ISBD 2013; list in
  data/mood_stabilisers.csv);
- a drug-condition contraindication on record (data/drug_cautions.csv: bupropion with epilepsy);
and, once per hook, the TMS card when the patient already meets the criteria and the suicide-risk
card when it applies.

Which checks need an active depression: the repeat, below-range and TMS checks only speak while the
patient is depressed and not in remission (like patient-view). Dose above the maximum, bipolar
without a mood stabiliser, drug-condition contraindications and suicide risk are safety checks of
the order and always speak.

Every card carries `dedupe_key` = "{draft id}:{topic}:{mg/day}" so the protocol layer can skip at
order-sign a card already shown at order-select for the same draft and dose; a card covering
several drafts joins their keys with "," (hashed when longer than DEDUPE_KEY_MAX).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from fhir_mapping.record import DraftOrder, PatientRecord, Role, Trial
from services import cards, drugs, tables
from services.pathway import ongoing_mood_stabiliser
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules import suicide_risk, tms_referral
from services.rules.context import RuleContext, build_context

REPEATS = "order-repeats-failed-trial"
ABOVE = "order-dose-above-range"
BELOW = "order-dose-below-range"
BIPOLAR = "order-bipolar-no-mood-stabiliser"
CONTRAINDICATED = "order-drug-contraindicated"
# A card covering many drafts would get a long joined key: past this length it is hashed, so it
# stays short and still identical for the same drafts and doses at order-select and order-sign.
DEDUPE_KEY_MAX = 200


@dataclass(frozen=True, slots=True)
class OrderCheck:
    """One check's result for one draft, before drafts of the same topic are merged."""

    topic: str
    draft: DraftOrder
    summary: str
    detail: str


def dedupe_key(draft: DraftOrder, topic: str) -> str:
    return f"{draft.id}:{topic}:{cards.fmt_mg(draft.mg_per_day)}"


def selected_drafts(record: PatientRecord, selections: Sequence[str]) -> tuple[DraftOrder, ...]:
    """The drafts the hook is about: those in context.selections when given, else all."""
    if not selections:
        return record.draft_orders
    wanted = set(selections)
    return tuple(
        d
        for d in record.draft_orders
        if d.id in wanted or (d.source is not None and str(d.source) in wanted)
    )


def _failures(record: PatientRecord) -> tuple[Trial, ...]:
    """Failed antidepressant trials, ended or still running (any episode: a past failure still
    informs). A drug that failed and is still taken counts for its class: ordering escitalopram
    while the citalopram that failed is still running is a switch within a failed class."""
    return tuple(t for t in record.antidepressant_trials() if t.failed)


def _trial_brief(t: Trial) -> str:
    end = "ongoing" if t.ongoing else t.end.isoformat()
    return (
        f"{t.ingredient} up to {cards.fmt_mg(t.max_mg_per_day)} mg/day, "
        f"{t.start.isoformat()} – {end}"
    )


def _repeat_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    current = {t.ingredient for t in ctx.record.antidepressant_trials() if t.ongoing}
    if draft.ingredient in current:
        return None  # raising or renewing the current drug is optimisation, not a repeat
    failures = _failures(ctx.record)
    same_drug = [t for t in failures if t.ingredient == draft.ingredient]
    same_class = [t for t in failures if t.drug_class == draft.drug_class and t not in same_drug]
    if not (same_drug or same_class):
        return None
    table = cards.trial_table(same_drug + same_class, ctx.policy.mapping)
    if same_drug:
        t = same_drug[-1]
        summary = cards.fit_summary(
            f"{draft.ingredient.capitalize()} already failed an adequate trial "
            f"({cards.fmt_mg(t.max_mg_per_day)} mg/day, ended {t.end.isoformat()}): consider a "
            "different mechanism",
            f"{draft.ingredient.capitalize()} already failed an adequate trial",
        )
        body = f"An adequate trial of {_trial_brief(t)} did not bring response or remission."
    else:
        others = cards.names(same_class)
        count = len(dict.fromkeys(t.ingredient for t in same_class))
        failed = "failed an adequate trial" if count == 1 else f"failed {count} adequate trials"
        summary = cards.fit_summary(
            f"{draft.ingredient.capitalize()} is in the class of {others} ({draft.drug_class}), "
            f"which {failed}: consider another class",
            f"{draft.ingredient.capitalize()}: its class ({draft.drug_class}) {failed}",
        )
        body = (
            f"{draft.ingredient} belongs to {draft.drug_class}; "
            + "; ".join(_trial_brief(t) for t in same_class)
            + " failed. After a failure, CANMAT 2023 prefers a distinct mechanism (Figure 7.1)."
        )
    return OrderCheck(REPEATS, draft, summary, cards.join_sections(body, table))


def _dose_checks(ctx: RuleContext, draft: DraftOrder) -> list[OrderCheck]:
    mg = draft.mg_per_day
    if mg is None:
        return []
    found = []
    name = draft.ingredient.capitalize()
    if draft.max_mg is not None and mg > draft.max_mg:
        found.append(
            OrderCheck(
                ABOVE,
                draft,
                f"{name} {cards.fmt_mg(mg)} mg/day is above the usual maximum of "
                f"{cards.fmt_mg(draft.max_mg)} mg/day",
                f"{draft.ingredient} {cards.fmt_mg(mg)} mg/day exceeds the CANMAT 2023 Table 3.3 "
                f"range ({cards.fmt_mg(draft.min_adequate_mg)}-{cards.fmt_mg(draft.max_mg)} "
                "mg/day, from product monographs). Check the dose and the indication.",
            )
        )
    low_dose_use = (info := drugs.info(draft.ingredient)) is not None and info.low_dose_use
    if (
        ctx.facts.active
        and draft.min_adequate_mg is not None
        and mg < draft.min_adequate_mg
        and not low_dose_use  # e.g. trazodone for sleep: a low dose is not meant as a trial
    ):
        minimum = cards.fmt_mg(draft.min_adequate_mg)
        rule_text = (
            f"A trial counts as adequate only at {minimum} mg/day or more for "
            f"{cards.fmt_weeks(ctx.policy.mapping.min_adequate_weeks)} weeks (CANMAT 2023 Table "
            "3.3)."
        )
        stuck = _weeks_already_below(ctx, draft)
        if stuck is None:
            summary = (
                f"{name} {cards.fmt_mg(mg)} mg/day is below the minimum adequate dose "
                f"({minimum} mg/day); fine for titration"
            )
            detail = f"{rule_text} Plan the titration to reach it."
        else:
            # A renewal of a dose that has already run for a full trial's length below the
            # minimum is not titration: say so rather than "fine for titration".
            summary = cards.fit_summary(
                f"{name} {cards.fmt_mg(mg)} mg/day continues {cards.fmt_weeks(stuck)} weeks below "
                f"the minimum adequate dose ({minimum} mg/day): consider raising it",
                f"{name} {cards.fmt_mg(mg)} mg/day: already {cards.fmt_weeks(stuck)} weeks below "
                f"the {minimum} mg/day minimum",
            )
            detail = (
                f"{draft.ingredient} has been taken below {minimum} mg/day for "
                f"{cards.fmt_weeks(stuck)} weeks; this order keeps it there. {rule_text}"
            )
        found.append(OrderCheck(BELOW, draft, summary, detail))
    return found


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


def _has_mood_stabiliser(record: PatientRecord) -> str | None:
    stabilisers = tables.mood_stabilisers()
    running = ongoing_mood_stabiliser(record)
    if running is not None:
        return running
    for d in record.draft_orders:
        if d.ingredient.lower() in stabilisers:
            return d.ingredient
    return None


def _bipolar_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    if not ctx.facts.bipolar or _has_mood_stabiliser(ctx.record) is not None:
        return None
    finding = ctx.facts.bipolar[0]
    return OrderCheck(
        BIPOLAR,
        draft,
        f"{draft.ingredient.capitalize()} ordered with bipolar disorder on record and no mood "
        "stabiliser: risk of a switch to mania",
        f"Bipolar disorder on record: {finding.display} ({finding.system} {finding.code}). No "
        "mood stabiliser or antipsychotic is active or on this order. ISBD 2013: in bipolar I, "
        "antidepressants only as an adjunct to a mood stabiliser.",
    )


def _caution_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    why = ctx.facts.caution_for(draft.ingredient)
    if why is None:
        return None
    return OrderCheck(
        CONTRAINDICATED,
        draft,
        cards.fit_summary(
            f"{draft.ingredient.capitalize()}: {why}",
            f"{draft.ingredient.capitalize()} is contraindicated by a condition on record",
        ),
        f"{draft.ingredient}: {why}. Source: {_caution_source(draft.ingredient)}.",
    )


def _caution_source(ingredient: str) -> str:
    """The source column of data/drug_cautions.csv for this drug (never a literal here)."""
    return next(
        (c.source for c in tables.drug_cautions() if c.ingredient == ingredient.lower()),
        "data/drug_cautions.csv",
    )


def _merge(topic: str, findings: list[OrderCheck]) -> Recommendation:
    first = findings[0]
    detail = cards.join_sections(
        *(f.detail for f in findings),
        cards.guideline_links(tables.topic(topic).guideline),
    )
    keys = ",".join(dedupe_key(f.draft, topic) for f in findings)
    if len(keys) > DEDUPE_KEY_MAX:
        keys = f"{topic}:sha256:{hashlib.sha256(keys.encode()).hexdigest()}"
    return cards.make(topic, summary=first.summary, detail=detail, dedupe_key=keys)


def _keyed(rec: Recommendation | None, draft: DraftOrder) -> Recommendation | None:
    if rec is None:
        return None
    return dataclasses.replace(rec, dedupe_key=dedupe_key(draft, rec.topic))


def run_order_checks(
    ctx: RuleContext, selections: Sequence[str] = ()
) -> tuple[Recommendation, ...]:
    drafts = [d for d in selected_drafts(ctx.record, selections) if d.role is Role.ANTIDEPRESSANT]
    if not drafts:
        return ()
    by_topic: dict[str, list[OrderCheck]] = {}
    for draft in drafts:
        checks: list[OrderCheck | None] = [
            _caution_check(ctx, draft),
            _bipolar_check(ctx, draft),
        ]
        checks += _dose_checks(ctx, draft)
        if ctx.facts.active:
            checks.append(_repeat_check(ctx, draft))
        for finding in checks:
            if finding is not None:
                by_topic.setdefault(finding.topic, []).append(finding)
    found: list[Recommendation | None] = [_keyed(suicide_risk.rule(ctx), drafts[0])]
    found += [_merge(topic, items) for topic, items in by_topic.items()]
    if ctx.facts.active:
        found.append(_keyed(tms_referral.rule(ctx), drafts[0]))
    return cards.ordered(found)


def order_hook(
    record: PatientRecord, policy: Policy, *, hook: str, selections: Sequence[str] = ()
) -> tuple[Recommendation, ...]:
    return run_order_checks(build_context(record, policy, hook=hook), selections)
