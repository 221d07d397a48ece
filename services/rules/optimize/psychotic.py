"""Psychotic depression: antidepressant plus antipsychotic at antipsychotic-range doses (STOP-PD) or
ECT (CANMAT 2023 Table 3.6, para 215); no second antipsychotic; ECT after a failed combination.

Puerperal psychosis (ICD-10-CM F53.1; review 11 finding 2) is not this card's: it is a
psychiatric emergency with its own critical card (rules/postpartum_psychosis.py), and the
unipolar STOP-PD regimen is not its default (bipolar link), so no optimise card is made.
Catatonic features beside psychotic features keep the regimen as text only (antipsychotics can
worsen catatonia: data/acute_risk.csv catatonia-antipsychotic), with the catatonia line and ECT
(review 11 finding 7)."""

from __future__ import annotations

from fhir_mapping.record import Role, SourceRef, Trial
from services import (
    cards,
    drug_rules,
    drugs,
    pathway_options,
    start_doses,
    suggestions,
    tolerability,
    unidentified_options,
)
from services.drug_rules import Regimen
from services.pathway import in_episode
from services.recommendation import Recommendation, Suggestion
from services.rules import populations
from services.rules.context import RuleContext
from services.rules.optimize import catatonia, injection_tail, titration, young_ect
from services.rules.optimize.card import TOPIC, basis, card_evidence, opening
from services.rules.optimize.courses import responding, running_antipsychotics, subtherapeutic
from services.rules.optimize.dose import raise_dose
from services.rules.optimize.orders import ect_suggestion, finding_refs, medication
from services.rules.optimize.possible_psychotic import held_until_assessed, possible_summary
from services.rules.optimize.switch import switch_section
from services.rules.optimize.wording import dose_text, drop_text

# The trials the regimen's doses come from, as the card cites them.
_TRIALS = "Meyers 2009, Arch Gen Psychiatry; Flint 2019, JAMA"


def _weeks_at_or_above(trial: Trial, mg: float) -> float:
    days = sum(
        (s.end - s.start).days
        for s in trial.segments
        if s.mg_per_day is not None and s.mg_per_day >= mg
    )
    return days / 7


def _failed_combination(ctx: RuleContext, regimen: Regimen) -> Trial | None:
    """The regimen's antipsychotic given at its antipsychotic-range dose for an adequate time
    alongside an antidepressant, without response or remission: the combination failed."""
    antidepressants = ctx.record.antidepressant_trials()
    for t in ctx.record.trials:
        if t.ingredient != regimen.antipsychotic or not in_episode(
            t.start, ctx.facts.episode_start
        ):
            continue
        if (
            _weeks_at_or_above(t, regimen.antipsychotic_min_mg)
            < ctx.policy.mapping.min_adequate_weeks
        ):
            continue
        if t.response is True or t.remission is True or (t.ongoing and t.outcome_unmeasured):
            continue
        if any(a.start <= t.end and a.end >= t.start for a in antidepressants):
            return t
    return None


def speaks_to_psychotic_features(ctx: RuleContext) -> bool:
    """Whether this card takes up psychotic features (its psychotic-depression variant), so the
    diagnosis review need not say them again (issue 12: psychotic features appear once). Not in
    bipolar disorder (no card), nor when an antidepressant and an antipsychotic are running and
    responding (nothing to change)."""
    facts = ctx.facts
    # A primary psychotic disorder (schizoaffective disorder, schizophrenia) is not MDD with
    # psychotic features, and STOP-PD enrolled psychotic MDD only (review 7 finding 9): as in
    # bipolar disorder, no card here; the diagnosis review says the unipolar pathway does not apply.
    if not facts.psychotic or facts.bipolar or facts.psychotic_disorder:
        return False
    if facts.puerperal is not None:
        # The emergency card takes them up (and names a barred running drug), whatever runs.
        return True
    return not (running_antipsychotics(ctx) and responding(ctx))


def psychotic_depression(ctx: RuleContext) -> Recommendation | None:
    """Antidepressant plus antipsychotic at antipsychotic-range doses, or ECT (CANMAT 2023 Table
    3.6, para 215; STOP-PD); never augmentation doses, a second antipsychotic or bupropion; ECT
    after a failed combination."""
    facts = ctx.facts
    if facts.puerperal is not None:
        return None  # an emergency, not an outpatient optimisation (module docstring)
    psychotic = facts.psychotic
    finding = psychotic[0]
    regimen = next(iter(drug_rules.psychotic_depression_regimens()), None)
    stacked = running_antipsychotics(ctx)
    if not speaks_to_psychotic_features(ctx):
        return None  # antidepressant and antipsychotic running and responding: nothing to change
    failed = _failed_combination(ctx, regimen) if regimen is not None else None
    reasons = [f.source for f in psychotic if f.source is not None] + finding_refs(ctx)
    found: list[Suggestion] = []
    sections = opening(ctx)
    sections.append(
        f"**Psychotic features:** {finding.display}. CANMAT 2023 Table 3.6: antidepressant plus "
        "an atypical antipsychotic at antipsychotic-range doses; ECT is especially effective "
        "with psychotic features (para 215). Augmentation doses (e.g. aripiprazole 2 mg/day) "
        "are not a treatment of psychotic depression. TMS policies exclude psychotic features."
    )
    sections.append(catatonia.section(ctx))
    if regimen is not None:
        sections.append(f"**Regimen with trial evidence:** {regimen.text()} ({_TRIALS}).")
        # The regimen's antidepressant already running below its target (chart r02: sertraline
        # 50 mg/day beside "sertraline 150-200 mg/day (STOP-PD)" said nothing of the gap).
        sections.extend(
            titration.below_target(regimen, t, _TRIALS)
            for t in facts.ongoing_trials
            if t.ingredient == regimen.antidepressant
        )
    if failed is not None:
        summary = cards.fit_summary(
            f"Psychotic depression: {failed.ingredient} at antipsychotic-range dose with an "
            "antidepressant failed: refer for ECT (CANMAT 2023)",
            "Psychotic depression: antidepressant plus antipsychotic failed: refer for ECT",
        )
        floor = regimen.antipsychotic_min_mg if regimen is not None else 0.0
        weeks = cards.fmt_weeks(_weeks_at_or_above(failed, floor))
        sections.append(
            f"**Combination failed:** {dose_text(failed)} from {failed.start.isoformat()}, {weeks} "
            f"weeks at an antipsychotic-range dose with an antidepressant, {drop_text(failed)}: "
            "refer for ECT (CANMAT 2023 para 215)."
        )
    elif stacked:
        sections.append(_running_antipsychotic_section(ctx, stacked, regimen, found, reasons))
        summary = cards.fit_summary(
            f"Psychotic features ({finding.display}): {stacked[0].ingredient} already running, "
            "no second antipsychotic: antipsychotic-range dose or ECT",
            "Psychotic features: antipsychotic already running, no second one: antipsychotic-"
            "range dose or ECT",
        )
    else:
        if regimen is not None:
            _propose_regimen(ctx, regimen, found, sections, reasons)
        summary = cards.fit_summary(
            f"Psychotic features ({finding.display}): antidepressant plus antipsychotic at "
            "antipsychotic-range dose, or ECT",
            "Psychotic features: antidepressant plus antipsychotic at antipsychotic-range dose, "
            "or ECT",
        )
    if young_ect.unnamed(ctx) is not None:
        summary = young_ect.psychotic_summary(ctx, finding.display)  # no ECT under 12
    summary = possible_summary(psychotic) or summary  # "r/o psychosis": fix psy64
    if catatonia.findings(ctx):
        # Catatonia first (recheck 11 finding 4): ECT leads the summary, as in the plan.
        summary = catatonia.psychotic_summary(
            ctx,
            finding,
            stacked[0].ingredient if stacked else None,
            failed.ingredient if failed is not None else None,
        )
    if facts.ect_open is None:
        # Recommended after a failed combination, and with catatonia: ECT is especially
        # effective with catatonic and with psychotic features (CANMAT 2023 para 215).
        recommended = failed is not None or bool(catatonia.findings(ctx))
        ect = ect_suggestion(ctx, recommended=recommended)
        if ect is not None:
            found.append(ect)
        else:  # held below 18: what NICE NG134 says instead (optimize/young_ect.py)
            sections.append(young_ect.section(ctx))
    else:
        sections.append("**ECT:** a referral is already open; not proposed again.")
    # An ECT course on record is named beside the ECT proposal (review 6 finding 7).
    sections.append(pathway_options.ect_history(ctx.record, ctx.policy, facts.episode_start).line)
    held_until_assessed(psychotic, found, sections)  # "r/o psychosis": no regimen one click
    for t in subtherapeutic(ctx):
        raise_dose(ctx, t, sections, found)
    for t in facts.ongoing_trials:
        barred = populations.never(ctx, t.ingredient, t.drug_class)
        if barred is not None:
            sections.append(
                f"**Current antidepressant:** {dose_text(t)}: {barred.reason()}; consider changing it."
            )
    if facts.failed_trials:
        sections.append(switch_section(ctx))
    # A running record not identified may be the regimen's drug (fix meds47, as meds46).
    sections.append(unidentified_options.options_line(ctx.record) or "")
    sections.append(tolerability.line(ctx.record))
    # Esketamine and ketamine are not named here: the esketamine label asks for care with
    # psychosis, and CANMAT's options with psychotic features are the antipsychotic or ECT
    # (acute_risk.py says the same). Pharmacogenomic testing is one line after a failure.
    sections.append(pathway_options.pgx_line(len(facts.failed_trials), ctx.record.pgx_results))
    extra = ("stop-pd",) if regimen is not None else ()
    evidence = card_evidence(ctx)
    return cards.make(
        TOPIC,
        summary=summary,
        detail=cards.join_sections(*sections, *basis(ctx, *extra, evidence=evidence)),
        suggestions=found,
        evidence=evidence,
    )


def _running_antipsychotic_section(
    ctx: RuleContext,
    stacked: tuple[Trial, ...],
    regimen: Regimen | None,
    found: list[Suggestion],
    reasons: list[SourceRef],
) -> str:
    running = ", ".join(dose_text(t) for t in stacked)
    text = f"**Antipsychotic running:** {running}; a second antipsychotic is not proposed."
    for t in stacked:
        if regimen is not None and t.ingredient == regimen.antipsychotic:
            mg = t.current_mg_per_day
            if mg is not None and mg < regimen.antipsychotic_min_mg:
                text += (
                    f" {t.ingredient} is below the antipsychotic range "
                    f"{cards.fmt_mg(regimen.antipsychotic_min_mg)}-"
                    f"{cards.fmt_mg(regimen.antipsychotic_max_mg)} mg/day ({regimen.name})."
                )
                held = populations.text_only(ctx, t.ingredient, t.drug_class)
                if held is not None:
                    text += (
                        f" Raising {t.ingredient} is not offered as a ready-to-accept order: "
                        f"{held.reason()}."
                    )
                elif catatonia.holds(ctx, t.drug_class):
                    text += (
                        f" Raising {t.ingredient} is not offered as a ready-to-accept order: "
                        "catatonic features on record (see above)."
                    )
                else:
                    label, to_mg, note = titration.raise_toward_range(regimen, t.ingredient, mg)
                    resource = medication(
                        ctx, drugs.info(t.ingredient), t.ingredient, to_mg, note, reasons
                    )
                    found.append(suggestions.create(label, resource))
        else:
            # Not judged against the trial regimen (review 7 finding 9): an established
            # antipsychotic (clozapine above all) is not reviewed against STOP-PD's olanzapine;
            # its dose stays with its prescriber.
            text += (
                f" {t.ingredient}: no antipsychotic-range dose for psychotic depression is on "
                "file here, so it is not judged against "
                + (regimen.name if regimen else "a trial regimen")
                + "; any change to it is for its prescriber."
            )
    return text


def _propose_regimen(
    ctx: RuleContext,
    regimen: Regimen,
    found: list[Suggestion],
    sections: list[str],
    reasons: list[SourceRef],
) -> None:
    """Propose the regimen: its antipsychotic added to the running antidepressant, or both drugs
    when no antidepressant runs. Text only (no ready-to-accept order) when the patient's age or a
    finding says so, or when no antidepressant runs and the regimen's own one already failed in
    this episode (the clinician chooses the antidepressant; an antipsychotic alone is not the
    regimen)."""
    ap_info = drugs.info(regimen.antipsychotic)
    ap_class = ap_info.drug_class if ap_info else "atypical antipsychotic"
    held = populations.text_only(ctx, regimen.antipsychotic, ap_class)
    years = populations.age(ctx)
    why_text: str | None = None
    intolerant = tolerability.not_tolerated(ctx.record)
    if regimen.antipsychotic in intolerant:
        # Never propose a drug the patient did not tolerate: the clinician picks the
        # antipsychotic (the card's "Not tolerated" line names the record).
        why_text = f"not tolerated before ({tolerability.brief(intolerant[regimen.antipsychotic])})"
    elif held is not None:
        why_text = held.reason()
    elif catatonia.holds(ctx, ap_class):
        why_text = "catatonic features on record (antipsychotics can worsen catatonia; see above)"
    elif (lapsed := injection_tail.holds_regimen(ctx, ap_class)) is not None:
        why_text = lapsed  # a long-acting injection still acting (fix lai63)
    elif regimen.min_age is not None and years is not None and years < regimen.min_age:
        why_text = f"{regimen.name} enrolled adults ({regimen.min_age}+); age {years}"
    if why_text is not None:
        sections.append(
            f"**Not offered as a ready-to-accept order:** {regimen.antipsychotic}: {why_text}."
        )
        return
    ap_start = start_doses.start_dose(regimen.antipsychotic)
    if ap_start is None:
        # No labelled start on file: the regimen's doses are targets, never a first day's dose
        # (review 18a W2), so no ready-to-accept order.
        sections.append(
            f"**Not offered as a ready-to-accept order:** {regimen.antipsychotic}: no labelled "
            f"start dose on file; titrate to {regimen.text()}."
        )
        return
    running_ad = [t for t in ctx.facts.ongoing_trials if t.role is Role.ANTIDEPRESSANT]
    ap_target = (
        f"{cards.fmt_mg(regimen.antipsychotic_min_mg)}-"
        f"{cards.fmt_mg(regimen.antipsychotic_max_mg)} mg/day"
    )
    purpose = f"antipsychotic-range dose for psychotic depression, {regimen.name}"
    usable = [t for t in running_ad if populations.never(ctx, t.ingredient, t.drug_class) is None]
    base = usable[0] if usable else None
    if base is not None and base.ingredient != regimen.antidepressant:
        # The trial paired its antipsychotic with one antidepressant (audit 13 WRONG 10: "Add
        # olanzapine to venlafaxine (STOP-PD)"): with another, the combination is CANMAT's
        # general one (antidepressant plus atypical antipsychotic), the dose the trial's; the
        # card and the order say so and do not claim the trial for a drug it did not test.
        cite = f"CANMAT 2023 Table 3.6; dose as in {regimen.name}"
        purpose = (
            "antipsychotic-range dose for psychotic depression, CANMAT 2023 Table 3.6: "
            f"antidepressant plus atypical antipsychotic; dose as in {regimen.name}, which "
            f"used {regimen.antidepressant}"
        )
        failed_alone = (
            f" {base.ingredient.capitalize()} alone has not worked in this episode: the "
            "antipsychotic is added to it, or the antidepressant is changed with psychiatry."
            if base.ingredient in ctx.facts.failed_ingredients
            else ""
        )
        sections.append(
            f"**Combination with {base.ingredient}:** CANMAT 2023 Table 3.6 adds an atypical "
            f"antipsychotic to the antidepressant; {regimen.name} tested {regimen.antipsychotic} "
            f"with {regimen.antidepressant}, not with {base.ingredient}, so this combination "
            f"rests on CANMAT's recommendation, not on that trial.{failed_alone}"
        )
    else:
        cite = regimen.name
    # Each drug starts at its labelled start dose, its note naming the titration to the
    # regimen's target (review 18a W2: STOP-PD's doses are targets reached by titration).
    ap_note = titration.start_note(ap_start, ap_target, purpose)
    resources = [
        medication(ctx, ap_info, regimen.antipsychotic, ap_start.start_mg, ap_note, reasons)
    ]
    if running_ad and not usable:
        sections.append(
            f"**Combination:** the running antidepressant ({', '.join(dose_text(t) for t in running_ad)})"
            f" is not one to combine here: choose another with psychiatry ({regimen.name} used "
            f"{regimen.antidepressant}), then add {regimen.antipsychotic} {ap_target}; not offered "
            "as a ready-to-accept order."
        )
        return
    if usable:
        running_ad = usable
        label = (
            f"Add {regimen.antipsychotic} {cards.fmt_mg(ap_start.start_mg)} mg/day "
            f"to {running_ad[0].ingredient} (titrate to target {ap_target}, {cite})"
        )
    else:
        ad_info = drugs.info(regimen.antidepressant)
        ad_class = ad_info.drug_class if ad_info else ""
        barred = populations.never(ctx, regimen.antidepressant, ad_class)
        failed = regimen.antidepressant in ctx.facts.failed_ingredients
        untolerated = intolerant.get(regimen.antidepressant)
        ad_start = start_doses.start_dose(regimen.antidepressant)
        if (
            barred is not None
            or failed
            or untolerated is not None
            or ad_info is None
            or ad_start is None
        ):
            if barred is not None:
                why = barred.reason()
            elif untolerated is not None:
                why = f"{regimen.antidepressant} was not tolerated before"
            elif failed:
                why = f"{regimen.antidepressant} already failed alone in this episode"
            else:
                why = f"no labelled start dose of {regimen.antidepressant} is on file"
            sections.append(
                f"**Combination:** no antidepressant is running and {why}: choose the "
                f"antidepressant with psychiatry, then add {regimen.antipsychotic} {ap_target} "
                f"({regimen.name}); not offered as a ready-to-accept order."
            )
            return
        ad_target = (
            f"{cards.fmt_mg(regimen.antidepressant_min_mg)}-"
            f"{cards.fmt_mg(regimen.antidepressant_max_mg)} mg/day"
        )
        ad_note = titration.start_note(
            ad_start,
            ad_target,
            f"antidepressant of {regimen.name}, with {regimen.antipsychotic}",
        )
        # The antidepressant first, as the label reads; its own note (the olanzapine note
        # said "Antipsychotic-range dose" on the sertraline order too: review 18a W2).
        resources.insert(
            0, medication(ctx, ad_info, regimen.antidepressant, ad_start.start_mg, ad_note, reasons)
        )
        label = (
            f"Start {regimen.antidepressant} {cards.fmt_mg(ad_start.start_mg)} mg/day and "
            f"{regimen.antipsychotic} {cards.fmt_mg(ap_start.start_mg)} mg/day, titrate to "
            f"{cards.fmt_mg(regimen.antidepressant_min_mg)}-"
            f"{cards.fmt_mg(regimen.antidepressant_max_mg)} and "
            f"{cards.fmt_mg(regimen.antipsychotic_min_mg)}-"
            f"{cards.fmt_mg(regimen.antipsychotic_max_mg)} mg/day ({regimen.name} targets)"
        )
    found.append(suggestions.create_many(label, [r for r in resources if r is not None]))
