"""A drug drafted for a patient with puerperal psychosis on record (review 11 finding 2,
follow-up G3): the emergency card first, worded for the order.

Puerperal psychosis is a psychiatric emergency whatever is ordered (NICE CG192: a psychiatrist's
assessment within 4 hours; data/acute_risk.csv postpartum-psychosis), and the patient-view card
(rules/postpartum_psychosis.py) may never have been seen by the clinician at the order. So any
pathway drug drafted while it is on record (acute_risk.puerperal_psychosis: an F53.1, or
psychotic features beside a postpartum onset or a delivery of the postnatal year) gets the same
card, topic and one suggestion (a same-day psychiatric assessment), with the drafted drugs named
first. How loud it is depends on the drug:

- critical when a draft is not an antimanic agent: an antidepressant (sertraline raised,
  escitalopram started, esketamine) or an adjunct with no antimanic efficacy (brexpiprazole,
  lurasidone, lamotrigine: data/mood_stabilisers.csv). Puerperal psychosis is most often a
  presentation of bipolar disorder, so an antidepressant without antimanic cover may worsen it
  (data/acute_risk.csv postpartum-psychosis-antidepressant, UNVERIFIED wording), and the drug is
  not what the emergency calls for.
- a warning when every draft is an antimanic agent (an antipsychotic, lithium, valproate:
  data/mood_stabilisers.csv `antimanic`): the usual treatment, most likely written at or after
  the specialist assessment. The card is still shown, the safer rule (the order does not replace
  the same-day assessment, and nothing on record says one took place), but not as critical: a
  critical card on the assessing psychiatrist's own treatment order would teach clinicians to
  dismiss the one card that must not be dismissed.

A drug recognised only for its interactions (linezolid) is no pathway draft and raises no card
here; its own checks stand.

A past puerperal psychosis (an F53.1 dated before the postnatal year: acute_risk.puerperal_history,
recheck 11 finding 6; or one recorded as resolved: postpartum_psychosis.history) is no emergency: an antidepressant drafted beside it gets a WARNING of the
same topic instead, "screen for bipolarity first", as the patient-view history card asks (the
clinician may not have seen it at the order). An antimanic or other adjunct draft gets none: the
screen is about an antidepressant's switch risk. Not snoozable (data/topics.csv), and keyed per draft and dose like
every order card.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from fhir_mapping.record import DraftOrder, Role
from services import cards, order_doses, tables, tms_gate
from services.acute_risk import PuerperalPsychosis
from services.mood_stabilisers import ongoing_mood_stabiliser
from services.order_checks.model import DEDUPE_KEY_MAX, dedupe_key
from services.recommendation import Indicator, Recommendation
from services.rules import postpartum_psychosis
from services.rules.context import RuleContext

TOPIC = postpartum_psychosis.TOPIC


def _named(draft: DraftOrder) -> str:
    """ "sertraline 150 mg/day (MedicationRequest/d1)" / "olanzapine (dose not read)"."""
    if draft.mg_per_day is None:
        dose = " (dose not read)"
    else:
        dose = " " + order_doses.dose_text(
            draft.mg_per_day, draft.mg_per_day_high, ingredient=draft.ingredient
        )
    where = f" ({draft.source})" if draft.source is not None else ""
    return f"{draft.ingredient}{dose}{where}"


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _summary(
    pp: PuerperalPsychosis, drafts: Sequence[DraftOrder], alarm: bool, covered: bool
) -> str:
    """The summary: the emergency first, then what the drafted drug means (module docstring).
    "alone may worsen" only for an antidepressant with no antimanic agent running or drafted."""
    drug = drafts[0].ingredient
    head = postpartum_psychosis.head(pp)
    short = postpartum_psychosis.short(pp)
    confirm = "confirm it is current; if so, " if pp.stale else ""
    if alarm and drafts[0].role is Role.ANTIDEPRESSANT and not covered:
        return cards.fit_summary(
            f"{head}: {confirm}emergency, same-day assessment; {drug} alone may worsen a "
            "bipolar-spectrum psychosis",
            f"{head}: {confirm}emergency, same-day assessment; {drug} alone may worsen it",
            f"{head}: {confirm}same-day assessment; {drug} alone may worsen it",
            f"{short}: {confirm}emergency, same-day assessment; {drug} alone may worsen a "
            "bipolar-spectrum psychosis",
            f"{short}: {confirm}same-day assessment; {drug} alone may worsen it",
        )
    name = drug.capitalize()
    after = "first" if alarm else "still needed"
    return cards.fit_summary(
        f"{name} ordered with {_lower(head)}: {confirm}emergency, same-day psychiatric "
        f"assessment {after}",
        f"{name} ordered with {_lower(head)}: {confirm}same-day assessment {after}",
        f"{name} ordered with {_lower(short)}: {confirm}same-day psychiatric assessment {after}",
    )


def puerperal_psychosis_card(
    ctx: RuleContext, selected: Sequence[DraftOrder]
) -> Recommendation | None:
    """The emergency card for the selected pathway drafts, or None (module docstring)."""
    drafts = [d for d in selected if d.role is not Role.INTERACTING]
    if not drafts:
        return None
    pp = postpartum_psychosis.found(ctx)
    if pp is None:
        return _history_card(ctx, drafts)
    antimanic = tables.mood_stabilisers()
    other = [d for d in drafts if d.ingredient.lower() not in antimanic]
    alarm = bool(other)
    # An antimanic agent on this order, or running at an antimanic dose: the antidepressant is
    # not "alone". A running antipsychotic at an adjunct dose (aripiprazole 2 mg) is no cover
    # against a switch (data/mood_stabilisers.csv min_antimanic_mg_day; mood_stabilisers.py, as
    # the bipolar order check reads it): counting it dropped the "alone may worsen" wording
    # (review 11 wave 4, finding 6). An antimanic agent drafted beside the antidepressant is
    # written to be taken with it, at a dose the prescriber is setting now: "alone" would claim
    # more than the order shows, so it still counts at any dose.
    covered = len(other) < len(drafts) or ongoing_mood_stabiliser(ctx.record) is not None
    # The drug the card is about first: one that is not an antimanic agent, when there is one.
    ordered = other + [d for d in drafts if d not in other]
    line = tms_gate.line(
        "postpartum-psychosis-antidepressant" if alarm else "postpartum-psychosis-antimanic"
    )
    drafted = cards.and_list([_named(d) for d in ordered])
    detail = cards.join_sections(
        f"**On this order:** {drafted}: {line}.",
        *postpartum_psychosis.sections(ctx, pp),
        cards.guideline_links("nice-cg192"),
    )
    keys = ",".join(dedupe_key(d, TOPIC) for d in ordered)
    if len(keys) > DEDUPE_KEY_MAX:
        keys = f"{TOPIC}:sha256:{hashlib.sha256(keys.encode()).hexdigest()}"
    return cards.make(
        TOPIC,
        summary=_summary(pp, ordered, alarm, covered),
        detail=detail,
        suggestions=(postpartum_psychosis.referral(ctx, pp),),
        indicator=None if alarm else Indicator.WARNING,
        dedupe_key=keys,
    )


def _history_card(ctx: RuleContext, drafts: Sequence[DraftOrder]) -> Recommendation | None:
    """The warning for an antidepressant drafted beside a past puerperal psychosis, or None."""
    antidepressants = [d for d in drafts if d.role is Role.ANTIDEPRESSANT]
    past = postpartum_psychosis.history(ctx) if antidepressants else ()
    if not past:
        return None
    name = postpartum_psychosis.history_name(past)
    drug = antidepressants[0].ingredient.capitalize()
    summary = cards.fit_summary(
        f"{drug} ordered with a history of puerperal psychosis ({name}): a strong marker of "
        "bipolarity: screen for it first",
        f"{drug} ordered with a history of puerperal psychosis ({name}): screen for bipolarity "
        "first",
    )
    drafted = cards.and_list([_named(d) for d in antidepressants])
    detail = cards.join_sections(
        f"**On this order:** {drafted}.",
        *postpartum_psychosis.history_sections(ctx, past),
    )
    keys = ",".join(dedupe_key(d, TOPIC) for d in antidepressants)
    if len(keys) > DEDUPE_KEY_MAX:
        keys = f"{TOPIC}:sha256:{hashlib.sha256(keys.encode()).hexdigest()}"
    return cards.make(
        TOPIC, summary=summary, detail=detail, indicator=Indicator.WARNING, dedupe_key=keys
    )
