"""Puerperal (postpartum) psychosis: a psychiatric emergency, one critical card first (review 11
finding 2).

Puerperal psychosis on record (acute_risk.puerperal_psychosis: ICD-10-CM F53.1 or SNOMED
18260003 on one Condition; or psychotic features beside a postpartum-onset diagnosis or a
delivery of the postnatal year) gets this card whatever the pathway stage, like the suicide-risk
card: "urgent same-day psychiatric assessment", naming the codes and their dates. It proposes
one thing, a same-day referral to psychiatry (priority stat: NICE CG192 asks for an assessment
within 4 hours), and no drug: the illness is closely linked to bipolar disorder, so an
antidepressant alone or STOP-PD's unipolar antidepressant-plus-olanzapine regimen is not the
default, and the specialist chooses among an antipsychotic, lithium and ECT (data/acute_risk.csv).
While it is on record the outpatient cards hold back: the optimise card
(rules/optimize/psychotic.py), the CBT/IPT card (rules/psychotherapy.py) and TMS (already
withheld for psychotic features). The running drugs are named for the assessor, as the record
states them. At the order hooks order_checks/puerperal_psychosis.py makes the same card, worded
for the drafted drug.

Two entries read together (psychotic features on one, the postpartum onset or the birth on
another) are said to be read together, and the assessment confirms the diagnosis. An entry dated
before the postnatal year, or undated, keeps the card (an active entry cannot be shown to be
over: the safer reading) but is named with its date and "confirm it is current": the summary
then asks that first, so a problem-list entry left active for years does not read as today's
emergency, and updating the entry ends the card. It stays critical: if it is current, it is.

Never snoozed (data/topics.csv): an emergency a snooze could hide. An entry with no onset is
said to have none, never dated.

A past puerperal psychosis (recheck 11 finding 6: an F53.1 still active but dated before the
postnatal year, acute_risk.puerperal_history) gets a WARNING of the same topic instead: "History
of puerperal psychosis (F53.1, 2016-05-01): update the problem list; a strong marker of
bipolarity: screen before antidepressant changes" (data/acute_risk.csv
postpartum-psychosis-history). The pathway cards stay; the optimise card names the history and
holds its drug proposals as text (rules/optimize_switch_augment.py): a one-click antidepressant
beside "screen for bipolarity first" would skip the screen the card asks for. An undated F53.1
stays the emergency (acute_risk.py says why). With a pregnancy on record now, later than the
psychosis (`pregnant_now`: recheck 2 finding 4, chart P4, 20 weeks), the card does not speak of
"any later pregnancy": it names the pregnancy and asks for perinatal psychiatry now, the weeks
after this birth being the time of highest risk (data/acute_risk.csv postpartum-psychosis-pregnant).

A puerperal psychosis recorded as resolved or inactive, or abated (PUERPERAL_PSYCHOSIS_HISTORY:
fhir_mapping/conditions.py reads it so, never as psychotic features or a postpartum onset) is the
same history (`history`): the same warning and the same screen, whatever its date (a resolved
entry is never current, so never the emergency), without "update the problem list" (it is
updated) and without holding TMS back (the TMS gate reads only an entry still active).

This module holds the two cards (`rule`: the emergency, `history_card`: the warning) and what
the emergency card is made of. A past puerperal psychosis (`history`, `perinatal_now`,
`history_line`, `history_sections`: its entries, a later pregnancy or birth, the screen and the
perinatal plan) is postpartum_psychosis_history.py, read by the optimise card, the relapse card
and the order check too; its names stay importable from here.
"""

from __future__ import annotations

from datetime import timedelta

from fhir_mapping.record import Finding, SourceRef
from services import cards, screen_refs, suggestions, tms_gate, trial_dates
from services.acute_risk import PuerperalPsychosis
from services.card_format import plural
from services.order_doses import trial_dose
from services.recommendation import Indicator, Recommendation, Suggestion
from services.rules import populations
from services.rules.context import RuleContext
from services.rules.postpartum_psychosis_history import (
    _DELIVERY,
    _onset,
    history,
    history_line,
    history_name,
    history_sections,
    perinatal_now,
    resolved,
)

# The names other modules use, kept importable from here (postpartum_psychosis_history.py's
# among them).
__all__ = [
    "TOPIC",
    "found",
    "head",
    "history",
    "history_line",
    "history_name",
    "history_sections",
    "perinatal_now",
    "referral",
    "rule",
    "sections",
    "short",
]

TOPIC = "postpartum-psychosis"
# The highest FHIR request priority: the guideline's "within 4 hours" is an emergency's time.
PRIORITY = "stat"
# What a ServiceRequest may give as its reason (FHIR R4 ServiceRequest.reasonReference): a
# delivery Procedure is named on the card, not referenced by the request.
_REASON_TYPES = frozenset({"Condition", "Observation"})


def found(ctx: RuleContext) -> PuerperalPsychosis | None:
    """The puerperal psychosis on record, or None (acute_risk.puerperal_psychosis, read once per
    evaluation: PathwayFacts.puerperal)."""
    return ctx.facts.puerperal


def held(ctx: RuleContext) -> bool:
    """Whether puerperal psychosis is on record, so the outpatient cards hold back."""
    return found(ctx) is not None


def head(pp: PuerperalPsychosis) -> str:
    """What the summaries call it: "Puerperal psychosis (F53.1, onset 2025-04-07)", "Psychotic
    features (F32.3) with a postpartum onset (F53.0, 2025-04-07)", "Psychotic features (F33.3)
    after a delivery (2025-03-10)"."""
    psychotic, other = pp.psychotic, pp.postpartum
    if other is None:
        when = f", onset {psychotic.onset_text}" if psychotic.onset is not None else ""
        return f"Puerperal psychosis ({psychotic.code}{when})"
    when = f", {other.onset_text}" if other.onset is not None else ""
    if pp.delivery:
        return f"Psychotic features ({psychotic.code}) after a delivery ({other.onset_text})"
    return f"Psychotic features ({psychotic.code}) with a postpartum onset ({other.code}{when})"


def short(pp: PuerperalPsychosis) -> str:
    """The shortest name: "Puerperal psychosis (F53.1)", "Psychosis after childbirth (F33.3)"."""
    if pp.coded:
        return f"Puerperal psychosis ({pp.psychotic.code})"
    return f"Psychosis after childbirth ({pp.psychotic.code})"


def _summary(pp: PuerperalPsychosis) -> str:
    name = head(pp)
    if pp.stale:
        undated = any(f.onset is None for f in pp.stale)
        age = "no date on record" if undated else "dated over a year ago"
        return cards.fit_summary(
            f"{name}, {age}: confirm it is current; if so, urgent same-day psychiatric assessment",
            f"{short(pp)}, {age}: confirm it is current; if so, same-day psychiatric assessment",
        )
    return cards.fit_summary(
        f"{name}: psychiatric emergency, urgent same-day psychiatric assessment",
        f"{name}: urgent same-day psychiatric assessment",
        f"{short(pp)}: urgent same-day psychiatric assessment",
    )


def _running(ctx: RuleContext) -> str:
    """The drugs running on the as-of date, as the record states them."""
    running = [t for t in ctx.record.trials if t.ongoing]
    if not running:
        return ""
    items = []
    for t in running:
        # A running drug barred with psychotic features (bupropion) is said here: the optimise
        # card, which would say it, is not made (running_cautions leaves it to this card).
        barred = populations.never(ctx, t.ingredient, t.drug_class)
        why = f": {barred.reason()}" if barred is not None else ""
        named, since = trial_dates.dose_since(t, trial_dose(t))
        items.append(f"{named} ({since}){why}")
    named = cards.and_list(items)
    return (
        f"**Running now:** {named}. Not changed here: an antidepressant alone is not the "
        "treatment of a puerperal psychosis; the assessing psychiatrist decides."
    )


def _together(pp: PuerperalPsychosis) -> str:
    """Why two entries are read as one puerperal psychosis (empty for an F53.1)."""
    other = pp.postpartum
    if other is None:
        return ""
    days = pp.window_days
    if pp.delivery:
        what = (
            f"a delivery on {other.onset_text}, within the postnatal year ({plural(days, 'day')})"
        )
    else:
        when = other.onset_phrase or "undated"
        what = f"a postpartum onset ({other.code}, {when})"
    return (
        f"**Read together:** psychotic features ({pp.psychotic.code}) and {what} are on two "
        "entries: read as a puerperal psychosis, the safer reading (a psychosis after childbirth "
        "is treated as the emergency until a psychiatrist says otherwise). The assessment "
        "confirms the diagnosis."
    )


def _confirm(pp: PuerperalPsychosis, ctx: RuleContext) -> str:
    """The entries dated before the postnatal year or undated: named, never dropped."""
    if not pp.stale:
        return ""
    start = ctx.record.as_of - timedelta(days=pp.window_days)
    items = [
        f"{f.code} has no onset or recorded date"
        if f.onset is None
        else f"{f.code} is dated {f.onset_text}, before the postnatal year ({pp.window_days} "
        f"days, from {start.isoformat()})"
        for f in pp.stale
    ]
    return (
        f"**Confirm it is current:** {cards.and_list(items)}. An active entry cannot be shown to "
        "be over, so this card stays: if the psychosis has resolved, update the problem list; if "
        "it is current, it is an emergency."
    )


def sections(ctx: RuleContext, pp: PuerperalPsychosis) -> list[str]:
    """The card's sections after its first line (the order card puts its drafts first)."""
    lines = "\n".join(
        f"- {f.display} ({f.coding}, {_onset(f)})"
        + (f" [{f.source}]" if f.source is not None else "")
        for f in pp.found
    )
    advice = tms_gate.line("postpartum-psychosis")
    named = "Puerperal psychosis" if pp.coded else "Psychosis after childbirth"
    return [
        f"**Found:**\n{lines}",
        _together(pp),
        _confirm(pp, ctx),
        f"{named} is {advice}.",
        "Not an outpatient optimisation: this service proposes no antidepressant, antipsychotic, "
        "STOP-PD regimen, psychotherapy referral or TMS while it is on record. Weigh "
        "breastfeeding and the infant's care in the plan.",
        _running(ctx),
    ]


def referral(ctx: RuleContext, pp: PuerperalPsychosis) -> Suggestion:
    """The one suggestion: a same-day psychiatric assessment, citing the entries."""
    reasons: list[SourceRef] = [
        f.source
        for f in pp.found
        if f.source is not None and f.source.resource_type in _REASON_TYPES
    ]
    resource = None
    if ctx.patient_id is not None:
        resource = suggestions.service_request(
            patient_id=ctx.patient_id,
            concept="urgent-psychiatric-assessment",
            text="Same-day psychiatric assessment, preferably perinatal psychiatry (puerperal "
            "psychosis)",
            reasons=reasons,
            priority=PRIORITY,
            note="Psychiatric emergency: assess today (NICE CG192: within 4 hours), including "
            "the risk to mother and infant and whether admission (mother and baby unit) is needed.",
        )
    return suggestions.create(
        "Refer for same-day psychiatric assessment", resource, recommended=True
    )


def history_card(ctx: RuleContext, past: tuple[Finding, ...]) -> Recommendation:
    """The warning for a past puerperal psychosis: still active on the problem list but dated
    before the postnatal year, or recorded as resolved."""
    name = history_name(past)
    # "Update the problem list" only while an entry is still active: a resolved one is updated.
    update = "update the problem list; " if any(not resolved(f) for f in past) else ""
    now = perinatal_now(ctx, past)
    if now is not None and now.kind is _DELIVERY:
        # A later birth in the postnatal year: its weeks are the time of highest risk, so
        # perinatal psychiatry leads now, as in a pregnancy (`perinatal_now`).
        summary = cards.fit_summary(
            f"History of puerperal psychosis ({name}) and a birth on {now.onset_text}: refer "
            "to perinatal psychiatry now; screen for bipolarity before antidepressant changes",
            f"History of puerperal psychosis ({name}) and a birth on {now.onset_text}: refer "
            "to perinatal psychiatry now",
            f"Past puerperal psychosis ({name}), birth {now.onset_text}: perinatal psychiatry now",
        )
    elif now is not None:
        # Pregnant now: the highest-risk weeks follow this birth, so perinatal psychiatry leads
        # (recheck 2 finding 4); the screen still comes before antidepressant changes.
        summary = cards.fit_summary(
            f"History of puerperal psychosis ({name}) and pregnant now: refer to perinatal "
            "psychiatry now; screen for bipolarity before antidepressant changes",
            f"History of puerperal psychosis ({name}) and pregnant now: refer to perinatal "
            "psychiatry now; screen for bipolarity",
            f"Past puerperal psychosis ({name}), pregnant now: refer to perinatal psychiatry now",
        )
    else:
        summary = cards.fit_summary(
            f"History of puerperal psychosis ({name}): {update}a strong marker of bipolarity: "
            "screen before antidepressant changes",
            f"History of puerperal psychosis ({name}): {update}screen for bipolarity before "
            "antidepressant changes",
        )
    tms = (
        "TMS is not proposed while a psychosis code stays active on the problem list; once it "
        "is recorded as resolved, the TMS criteria are checked as usual."
        if update
        else "Recorded as resolved, it does not hold TMS back: the TMS criteria are checked as "
        "usual."
    )
    detail = cards.join_sections(
        *history_sections(ctx, past),
        f"{screen_refs.OPTIMISE_AS_TEXT} {tms}",
    )
    return cards.make(TOPIC, summary=summary, detail=detail, indicator=Indicator.WARNING)


def rule(ctx: RuleContext) -> Recommendation | None:
    pp = found(ctx)
    if pp is None:
        past = history(ctx)
        return history_card(ctx, past) if past else None
    detail = cards.join_sections(*sections(ctx, pp), cards.guideline_links("nice-cg192"))
    return cards.make(TOPIC, summary=_summary(pp), detail=detail, suggestions=(referral(ctx, pp),))
