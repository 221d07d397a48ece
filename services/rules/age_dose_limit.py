"""patient-view: a running antidepressant above the labelled maximum for the patient's age.

Citalopram above 20 mg/day over 60 (FDA 2011/2012, QT prolongation) and the other older-adult
maxima of data/older_adult_doses.csv. This is its own small card, shown only when a running dose
is above the limit, because the places it could otherwise live are not always there: the
optimise card appears only when something failed or is below range, and none appears in
remission, while the QT risk of the dose does not end with remission. The order hooks say the
same for a draft (order_hooks AGE_LIMIT); a dose the service proposes never exceeds the limit.

A ranged dose ("20-40 mg daily") is judged at its UPPER end: the patient may take that much, and
the QT risk is the dose taken. The card writes the range as the record states it. A dose to
confirm (unsequenced dosage lines of unclear shape: Trial.dose_to_confirm_mg) is judged
at its highest reading, as the order hooks judge a draft: "Citalopram up to 40 mg/day (dose to
confirm) at age 70: may be above ...", never a claim that the patient takes 40 mg; its proposal
is an order at the limit that states one clear daily dose ("Confirm ... at 20 mg/day"), not a
reduction of a dose the record does not show.

When the QTc check of an order of the drug would raise a card (a recent QTc above its caution or
stop line, or a latest QTc not compared: services/order_checks/labs.py `qtc_line`), the card names
it in one line under the drug's own: the age limit and the QTc are one QT risk, and this card is
seen at patient-view, where no QTc card is shown (the QTc card names this one in turn).

The card's source is the limit's own (older_adult_doses.csv `guideline`): the FDA citalopram
communication for citalopram, the drug's label for the others (audit 13 WRONG 11: escitalopram's
card named the citalopram notice).

Beside the optimise card, when that card calls the drug a failed trial and proposes switching or
augmenting (audit 13 WRONG 11, b2), `note_on_optimise` says on it how the two fit: the reduction
stays one click here, as the safety step that applies whatever comes next (an above-limit dose is
a risk today, and a switch takes weeks of cross-taper), and a switch, if chosen, supersedes it
(taper from the lower dose). Holding the reduction instead would leave the patient on the
above-limit dose until the switch is planned: the safer choice is to keep it and say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from fhir_mapping import product_conflict
from fhir_mapping.record import DoseBasis, Trial
from services import age_limits, cards, drugs, screen, suggestions, tables
from services.order_checks.labs import qtc_line
from services.order_doses import trial_dose
from services.recommendation import Recommendation, Source, Suggestion
from services.rules import one_click_hold, running_dose
from services.rules.context import RuleContext
from services.rules.optimize import card as optimise_card

TOPIC = "dose-above-age-limit"


def above_limit(ctx: RuleContext) -> list[tuple[Trial, age_limits.AgeLimit]]:
    found = []
    for trial in ctx.record.trials:
        if not trial.ongoing or trial.dose_basis is not DoseBasis.DAILY:
            continue
        # The upper end of a ranged dose, the highest reading of one to confirm: the safe
        # reading for "above the limit".
        limit = age_limits.exceeded(
            trial.ingredient,
            ctx.record.patient.age,
            running_dose.ceiling_reading(trial).mg,
            trial.formulation,
        )
        if limit is not None:
            found.append((trial, limit))
    return found


def _to_confirm(trial: Trial) -> bool:
    """The dose compared is the highest reading of one to confirm (running_dose.Reading)."""
    return running_dose.ceiling_reading(trial).to_confirm


def _dose(trial: Trial) -> str:
    """ "40 mg/day", or "up to 40 mg/day (dose to confirm)": never a dose the record does not
    show taken."""
    read = running_dose.ceiling_reading(trial)
    if read.to_confirm and read.mg is not None:
        return running_dose.to_confirm_text(read.mg)
    return trial_dose(trial)


def _reduce(ctx: RuleContext, trial: Trial, limit: age_limits.AgeLimit) -> Suggestion:
    # A dose to confirm is not reduced (the record does not show it above the limit): the
    # proposal is one clear daily dose at the limit, replacing the unclear lines.
    verb = "Confirm" if _to_confirm(trial) else "Reduce"
    label = f"{verb} {trial.ingredient} {'at' if _to_confirm(trial) else 'to'} " + (
        f"{cards.fmt_mg(limit.max_mg)} mg/day"
    )
    resource = None
    if ctx.patient_id is not None:
        info = drugs.info(trial.ingredient)
        resource = suggestions.medication_request(
            patient_id=ctx.patient_id,
            ingredient=trial.ingredient,
            rxcui=info.rxcui if info else None,
            mg_per_day=limit.max_mg,
            reasons=list(trial.sources[-1:]),
            note=f"Older-adult maximum: {limit.note} ({limit.cite}).",
        )
    return suggestions.create(label, resource)


def _source(key: str) -> Source | None:
    """The card's source for a limit's guideline key; None (the topic's own) when it is that."""
    topic = tables.topic(TOPIC)
    if key == topic.guideline:
        return None
    g = tables.guideline(key)
    return Source(
        label=g.label, url=g.url or None, topic_code=topic.code, topic_display=topic.display
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    above = above_limit(ctx)
    if not above:
        return None
    age = ctx.record.patient.age
    trial, limit = above[0]
    name = trial.ingredient.capitalize()
    mg, top = _dose(trial), cards.fmt_mg(limit.max_mg)
    may = "may be " if _to_confirm(trial) else ""
    lines = []
    # What the card states, for its own snooze fingerprint (review 18b U3: a snooze given for
    # "dose already reduced" hid the card when the dose went up): each drug, its dose and limit,
    # and the QTc line. A higher dose, another drug or a new QTc ends the snooze.
    stated: list[str] = []
    for t, lim in above:
        unsure = (
            " Its dosage lines do not show one daily dose: this is their highest reading, not a "
            "dose the record shows taken; confirm the dose."
            if _to_confirm(t)
            else ""
        )
        # A record whose code and words disagree on the dose (review 18a W1): both readings.
        disagree = product_conflict.readings(t.notes) if unsure else None
        if disagree is not None:
            unsure = (
                f" The record disagrees with itself ({disagree}): this is the higher reading, "
                "not a dose the record shows taken; confirm the dose."
            )
        # Above the market's label too (imipramine 250 at a US site): said here, not on a card of
        # its own (running_dose.label_note, running_label_dose.py).
        label = running_dose.label_note(ctx, t.ingredient)
        lines.append(
            f"**{t.ingredient.capitalize()} {_dose(t)}, age {age}:** "
            f"the {lim.words()} from age {lim.min_age} is {cards.fmt_mg(lim.max_mg)} mg/day."
            f"{unsure} {age_limits.label(lim)}" + (f" {label}" if label else "")
        )
        qtc = qtc_line(ctx, t.ingredient, t.drug_class)
        if qtc is not None:
            lines.append(f"**QTc card:** {qtc} (shown at a {t.ingredient} order).")
            stated.append(f"{t.ingredient} qtc {qtc}")
        stated.append(f"{t.ingredient} {_dose(t)} above {cards.fmt_mg(lim.max_mg)} at {age}")
    keys = list(dict.fromkeys(lim.guideline for _, lim in above))
    card = cards.make(
        TOPIC,
        source=_source(keys[0]),
        summary=cards.fit_summary(
            f"{name} {mg} at age {age}: {may}above the {limit.labelled(top)} from age "
            f"{limit.min_age}",
            f"{name} {mg} at age {age}: {may}above the {top} mg/day {limit.short()}",
        ),
        detail=cards.join_sections(
            *lines,
            cards.trial_table([t for t, _ in above], ctx.policy.mapping),
            cards.guideline_links(*keys[1:]),
        ),
        suggestions=[_reduce(ctx, t, lim) for t, lim in above],
    )
    return screen.with_fields(card, evidence_key=screen.pairs_key(stated))


# --- the optimise card while this card is open --------------------------------------------------


def note_on_optimise(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with a line on the optimise card, while this card is on the screen (not in
    `hidden`), for each drug above its age limit that the optimise card calls a failed trial:
    the reduction here is the safety step now; a switch away from the drug supersedes it (module
    docstring)."""
    if not one_click_hold.shown(recs, TOPIC, hidden):
        return list(recs)
    failed = ctx.facts.failed_ingredients
    above = [(t, lim) for t, lim in above_limit(ctx) if t.ingredient in failed]
    if not above:
        return list(recs)
    lines = [
        f"**{t.ingredient.capitalize()} {_dose(t)} "
        f"{'may be' if _to_confirm(t) else 'is'} above the {lim.words()} at age "
        f"{ctx.record.patient.age}** (age-limit card): reduce it to "
        f"{cards.fmt_mg(lim.max_mg)} mg/day now (that card's proposal), whatever comes next; a "
        f"switch away from {t.ingredient}, if chosen, supersedes the reduction (taper from the "
        "lower dose)."
        for t, lim in above
    ]
    out: list[Recommendation] = []
    for rec in recs:
        if rec.topic == optimise_card.TOPIC:
            rec = screen.with_fields(rec, detail=cards.join_sections(*lines, rec.detail))
        out.append(rec)
    return out
