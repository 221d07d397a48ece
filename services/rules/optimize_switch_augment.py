"""The next pharmacological step: optimise the dose, switch mechanism, or augment.

CANMAT 2023 (Figure 7.1, paras 185-191, Table 7.2):
- a dose below the adequate range is raised toward it before response is judged;
- after one adequate failure, switch to a distinct mechanism or add an adjunct;
- after two, first-line adjuncts (Table 7.2 line "1st" in the drug table) or a class switch;
- psychotic features: antidepressant plus antipsychotic, or ECT (Table 3.6, para 215).
Classes that already failed adequately are named and never proposed as a switch. In bipolar
disorder there is no card: antidepressant switches are not pushed (ISBD 2013) and the diagnosis
review card says why. Where TMS is not an option (contraindication, psychotic features), the card
says why, since there will be no TMS card.
"""

from __future__ import annotations

from fhir_mapping.record import SourceRef, Trial
from services import cards, drugs, suggestions
from services.recommendation import Recommendation, Suggestion
from services.rules import populations
from services.rules.context import RuleContext

TOPIC = "optimize-switch-augment"


def subtherapeutic(ctx: RuleContext) -> tuple[Trial, ...]:
    """Ongoing antidepressant trials whose current dose is below the minimum adequate dose."""
    return tuple(
        t
        for t in ctx.facts.ongoing_trials
        if t.min_adequate_mg is not None
        and t.current_mg_per_day is not None
        and t.current_mg_per_day < t.min_adequate_mg
    )


def _reasons(ctx: RuleContext) -> list[SourceRef]:
    depression = ctx.facts.depression_finding
    return [depression.source] if depression is not None and depression.source else []


def _augmenter_suggestions(ctx: RuleContext, used: set[str]) -> list[Suggestion]:
    out = []
    for drug in drugs.first_line_augmenters():
        if drug.ingredient in used:
            continue
        label = f"Propose adjunctive {drug.ingredient}"
        if drug.min_adequate_mg is not None:
            label += f" {cards.fmt_mg(drug.min_adequate_mg)} mg/day"
        resource = None
        if ctx.patient_id is not None:
            resource = suggestions.medication_request(
                patient_id=ctx.patient_id,
                ingredient=drug.ingredient,
                rxcui=drug.rxcui,
                mg_per_day=drug.min_adequate_mg,
                reasons=_reasons(ctx),
                note="Adjunct to the current antidepressant (CANMAT 2023 Table 7.2, first line).",
            )
        out.append(suggestions.create(label + " (CANMAT first line)", resource))
    return out


def _raise_dose_suggestion(ctx: RuleContext, trial: Trial) -> Suggestion:
    info = drugs.info(trial.ingredient)
    label = f"Raise {trial.ingredient} to {cards.fmt_mg(trial.min_adequate_mg)} mg/day"
    resource = None
    if ctx.patient_id is not None:
        resource = suggestions.medication_request(
            patient_id=ctx.patient_id,
            ingredient=trial.ingredient,
            rxcui=info.rxcui if info else None,
            mg_per_day=trial.min_adequate_mg,
            reasons=_reasons(ctx),
            note="Dose optimisation toward the adequate range (CANMAT 2023 Table 3.3).",
        )
    return suggestions.create(label, resource, recommended=True)


def _ect_suggestion(ctx: RuleContext) -> Suggestion:
    refs = [f.source for f in ctx.facts.psychotic if f.source is not None] + _reasons(ctx)
    resource = None
    if ctx.patient_id is not None:
        resource = suggestions.service_request(
            patient_id=ctx.patient_id,
            concept="ect-evaluation",
            text="Referral for ECT evaluation (depression with psychotic features)",
            reasons=refs,
        )
    return suggestions.create("Refer for ECT evaluation", resource)


def _switch_section(ctx: RuleContext) -> str:
    facts = ctx.facts
    failed_classes = frozenset(facts.failed_classes)
    lines = []
    if facts.failed_trials:
        by_failed_class: dict[str, list[str]] = {}
        for t in facts.failed_trials:
            by_failed_class.setdefault(t.drug_class, []).append(t.ingredient)
        failed = ", ".join(f"{cls} ({', '.join(ings)})" for cls, ings in by_failed_class.items())
        lines.append(f"Classes that already failed an adequate trial, not proposed: {failed}.")
    same_class = [
        t
        for t in facts.ongoing_trials
        if t.drug_class in failed_classes and t.ingredient not in facts.failed_ingredients
    ]
    for t in same_class:
        lines.append(
            f"Current {t.ingredient} is in a class that already failed ({t.drug_class}); a "
            "switch within a failed class is less likely to help (CANMAT 2023 Figure 7.1)."
        )
    # Not proposed as a switch: what failed, and whatever is taken now in any role (mirtazapine
    # already added to an SSRI is not a "switch option").
    taken = {t.ingredient for t in ctx.record.trials if t.ongoing} | set(facts.failed_ingredients)
    candidates = [d for d in drugs.switch_candidates(failed_classes) if d.ingredient not in taken]
    cautioned = [(d, facts.caution_for(d.ingredient)) for d in candidates]
    candidates = [d for d, why in cautioned if why is None]
    caution_notes = [f"{d.ingredient} not listed: {why}." for d, why in cautioned if why]
    if candidates:
        by_class: dict[str, list[str]] = {}
        for d in candidates:
            name = d.ingredient
            if d.not_marketed_in:
                name += f" (not marketed in {'/'.join(d.not_marketed_in)})"
            by_class.setdefault(d.drug_class, []).append(name)
        options = "; ".join(f"{cls}: {', '.join(ings)}" for cls, ings in by_class.items())
        lines.append(f"Switch options (CANMAT 2023 first line, other mechanisms): {options}.")
    else:
        lines.append(
            "Every first-line mechanism class has failed adequately: consider second-line agents "
            "or neuromodulation with psychiatry."
        )
    return "**Switch:** " + " ".join(lines + caution_notes)


def _augment_section(ctx: RuleContext, used: set[str]) -> str:
    first_line = [d.ingredient for d in drugs.first_line_augmenters()]
    lines = []
    if used:
        lines.append(f"Adjuncts already used in this episode: {', '.join(sorted(used))}.")
    remaining = [d for d in first_line if d not in used]
    if remaining:
        ranges = []
        for d in drugs.first_line_augmenters():
            if d.ingredient in remaining:
                ranges.append(
                    f"{d.ingredient} {cards.fmt_mg(d.min_adequate_mg)}-{cards.fmt_mg(d.max_mg)} "
                    "mg/day"
                )
        lines.append(f"First-line adjuncts (CANMAT 2023 Table 7.2): {', '.join(ranges)}.")
    else:
        lines.append("First-line adjuncts already used; second-line adjuncts per Table 7.2.")
    return "**Augment:** " + " ".join(lines)


def _no_tms_section(ctx: RuleContext) -> str:
    facts = ctx.facts
    if facts.tms.eligible or len(facts.failed_trials) < ctx.policy.tms_min_failed_trials:
        return ""
    blockers = facts.tms.clinical
    if not blockers:
        return ""
    text = (
        "**Why no TMS referral:** "
        + "; ".join(blockers)
        + " (LCD L34998/L37086 and payer policies). Discuss ECT or other options with psychiatry."
    )
    if populations.is_minor(ctx):
        text += " " + cards.guideline_links("fda-k231926")
    return text


def _summary(ctx: RuleContext, low: tuple[Trial, ...], used: set[str]) -> str:
    facts = ctx.facts
    adjuncts = [d.ingredient for d in drugs.first_line_augmenters() if d.ingredient not in used]
    adjunct_text = cards.or_list(adjuncts) if adjuncts else "a second-line adjunct"
    if facts.psychotic:
        return cards.fit_summary(
            f"Psychotic features ({facts.psychotic[0].display}): add an antipsychotic to the "
            "antidepressant, or refer for ECT",
            "Psychotic features: add an antipsychotic to the antidepressant, or refer for ECT",
        )
    if low:
        t = low[0]
        return cards.fit_summary(
            f"{t.ingredient.capitalize()} {cards.fmt_mg(t.current_mg_per_day)} mg/day is below the "
            f"adequate range ({cards.fmt_mg(t.min_adequate_mg)}-{cards.fmt_mg(t.max_mg)}): raise "
            "the dose before judging response",
            f"{t.ingredient.capitalize()} {cards.fmt_mg(t.current_mg_per_day)} mg/day is below "
            f"the minimum adequate {cards.fmt_mg(t.min_adequate_mg)} mg/day: raise the dose",
        )
    count = len(facts.failed_trials)
    failed = cards.names(facts.failed_trials)
    if count == 1:
        cls = facts.failed_classes[0]
        return cards.fit_summary(
            f"1 adequate trial failed ({failed}): switch to a non-{cls} mechanism or augment "
            f"({adjunct_text})",
            f"1 adequate trial failed ({failed}): switch mechanism or augment",
        )
    no_tms = ""
    if facts.tms_contraindications and count >= ctx.policy.tms_min_failed_trials:
        no_tms = f"; TMS contraindicated ({facts.tms_contraindications[0].display})"
    elif populations.is_minor(ctx) and count >= ctx.policy.tms_min_failed_trials:
        no_tms = f"; TMS: adults only (age {ctx.record.patient.age})"
    elif facts.ect_open is not None and count >= ctx.policy.tms_min_failed_trials:
        no_tms = "; ECT referral already open"
    return cards.fit_summary(
        f"{count} adequate trials failed ({failed}): augment ({adjunct_text}) or switch class"
        + no_tms,
        f"{count} adequate trials failed ({failed}): augment ({adjunct_text}) or switch class",
        f"{count} adequate trials failed: augment ({adjunct_text}) or switch class",
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    facts = ctx.facts
    if facts.bipolar:
        return None
    low = subtherapeutic(ctx)
    if not (facts.psychotic or low or facts.failed_trials):
        return None
    used = {t.ingredient for t in facts.augmentations}
    mapping = ctx.policy.mapping
    found: list[Suggestion] = []
    sections: list[str] = []
    if facts.suicide is not None:
        sections.append("**Suicide risk card open:** assess risk before changing treatment.")
    sections.append(populations.population_notes(ctx))
    if facts.psychotic:
        sections.append(
            f"**Psychotic features:** {facts.psychotic[0].display}. CANMAT 2023 Table 3.6: "
            "antidepressant plus an atypical antipsychotic; ECT is especially effective with "
            "psychotic features (para 215). TMS policies exclude psychotic features."
        )
        if facts.ect_open is None:
            found.append(_ect_suggestion(ctx))
        else:
            sections.append("**ECT:** a referral is already open; not proposed again.")
    for trial in low:
        sections.append(
            f"**Dose:** {trial.ingredient} {cards.fmt_mg(trial.current_mg_per_day)} mg/day is "
            f"below the adequate range {cards.fmt_mg(trial.min_adequate_mg)}-"
            f"{cards.fmt_mg(trial.max_mg)} mg/day (CANMAT 2023 Table 3.3); raise it before judging "
            "response."
        )
        found.append(_raise_dose_suggestion(ctx, trial))
    if facts.failed_trials:
        sections.append(_augment_section(ctx, used))
        sections.append(_switch_section(ctx))
        found.extend(_augmenter_suggestions(ctx, used))
    trials = facts.episode_trials + tuple(t for t in facts.augmentations)
    sections += [
        _no_tms_section(ctx),
        cards.trial_table(trials, mapping) if trials else "",
        cards.scores_section(ctx.record),
        cards.staging_section(ctx.stage) if facts.failed_trials else "",
        cards.guideline_links("canmat2023", "maudsley2018")
        if facts.failed_trials
        else cards.guideline_links("canmat2023"),
    ]
    return cards.make(
        TOPIC,
        summary=_summary(ctx, low, used),
        detail=cards.join_sections(*sections),
        suggestions=found,
    )
