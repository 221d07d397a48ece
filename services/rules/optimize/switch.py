"""The switch section: what failed and is not proposed, and the switch options (CANMAT 2023
first line of other mechanisms; under 18 the guideline's ordered list, NICE NG134).

This module holds the section and its options (`switch_section`, `switch_candidates`) and their
safety lines. What is said beside an option about its earlier courses is switch_history.py, and
an antidepressant running for another stated reason is switch_other_use.py: each reads the
record on its own, apart from which options the list holds."""

from __future__ import annotations

from fhir_mapping.record import Trial
from services import (
    allergy_caveats,
    cards,
    drug_rules,
    drugs,
    hepatic_doses,
    inducers,
    lab_safety,
    older_adult_cautions,
    renal_doses,
    sodium_history,
    tolerability,
    washout_switch,
)
from services.no_fill_data import no_fill_note
from services.rules import populations, running_reuptake_pair
from services.rules.context import RuleContext
from services.rules.optimize import interacting
from services.rules.optimize.courses import (
    failed_together,
    held_ingredients,
    not_shown_taken,
    not_tolerated,
    shares_an_ingredient,
)
from services.rules.optimize.partial import partial_running, switch_line
from services.rules.optimize.switch_history import (
    adjunct_non_response,
    failed_as_adjunct,
    tried_courses,
    unshown_text,
)
from services.rules.optimize.switch_other_use import other_use_lines

# How the card names a market (policy.drug_market) in running text.
_MARKET_NAMES = {"US": "the US"}


def switch_candidates(
    ctx: RuleContext, screen: interacting.Screen | None = None
) -> tuple[list[str], list[str], str]:
    """(names proposed, notes on what was left out, the heading) for a switch. `screen`:
    `interacting.screen(ctx)` when the caller has read it already."""
    facts = ctx.facts
    together = failed_together(ctx)
    failed_classes = tried_classes(ctx, together)
    partners = tuple([p.ingredient for ps in together.values() for p in ps])
    # Not proposed as a switch: what failed (with what it failed together with), whatever is taken now in any role (mirtazapine
    # already added to an SSRI is not a "switch option"), and what was not tolerated (named on
    # the card's own "Not tolerated" line, not here).
    # A drug whose only courses are orders nothing shows were taken (a plan never filled) was
    # never tried: it stays an option, marked to confirm (review 14 recheck r09: venlafaxine was
    # left out without a word, as if it had been tried).
    unshown = {name: unshown_text(t) for name, t in not_shown_taken(ctx).items()}
    taken = (
        {t.ingredient for t in ctx.record.trials if t.ongoing and t.ingredient not in unshown}
        | set(facts.failed_ingredients)
        | set(partners)
        | not_tolerated(ctx)
        # No response as an adjunct at an adequate dose: named "failed as adjunct" (RC s23 7).
        | (set(adjunct_non_response(ctx)) if facts.augmentations else set())
    )
    notes: list[str] = []
    names: list[str] = []
    # A fixed combination counts as each of its components (review 10 finding 1).
    held = held_ingredients(ctx, failed=facts.failed_ingredients + partners)
    # What the patient takes now, against which each option is weighed (review 9 finding 3): a
    # critical pair leaves the option out, a warning pair keeps it listed with the interaction.
    if screen is None:
        screen = interacting.screen(ctx)
    left_out: list[interacting.Hit] = []
    listed: list[str] = []
    tried = tried_courses(ctx) if ctx.record.trials else {}
    as_adjunct = failed_as_adjunct(ctx) if ctx.facts.augmentations else {}
    choices = populations.age_choices(ctx)
    if choices:
        # Under 18 the guideline's order applies even inside a failed class (NICE NG134:
        # sertraline or citalopram after fluoxetine), so only failed ingredients are left out.
        for rule in choices:
            ingredient = rule.ingredient or ""
            info = drugs.info(ingredient)
            if ingredient in taken or info is None:
                continue
            shared = shares_an_ingredient(ingredient, held)
            if shared is not None:
                notes.append(f"{ingredient} not listed: {shared}.")
                continue
            why = facts.caution_for(ingredient)
            if why is not None:
                notes.append(f"{ingredient} not listed: {why}.")
                continue
            renal = renal_doses.left_out(ctx.record, ctx.policy, ingredient)
            if renal is not None:
                notes.append(renal)
                continue
            barred = populations.never(ctx, ingredient, info.drug_class)
            if barred is not None:
                notes.append(f"{ingredient} not listed: {barred.reason()}.")
                continue
            hits = screen.barring(ingredient)
            if hits:
                left_out.extend(hits)
                continue
            label = "first choice" if rule.choice is drug_rules.Choice.FIRST else "next"
            before = f"; {tried[ingredient]}" if ingredient in tried else ""
            if ingredient in as_adjunct:
                before += f"; {as_adjunct[ingredient]}"
            if ingredient in unshown:
                before += f"; {unshown[ingredient]}"
            names.append(f"{ingredient} ({label}; {rule.cite}{before})")
            listed.append(ingredient)
        notes.extend(screen.left_out(left_out))
        notes.extend(screen.cautioned(screen.cautions(listed), listed))
        barred_names = [r.label() for r in populations.age_never(ctx)]
        if barred_names:
            cites = sorted({r.cite for r in populations.age_never(ctx)})
            notes.append(
                f"Never proposed under {populations.age_never(ctx)[0].below_age}: "
                f"{', '.join(barred_names)} ({'; '.join(cites)})."
            )
        heading = f"Switch options at age {populations.age(ctx)}, in guideline order"
        return names, notes, heading
    by_class: dict[str, list[str]] = {}
    market = ctx.policy.drug_market
    for d in drugs.switch_candidates(failed_classes, ctx.drug_lines.first_line_antidepressants):
        if d.ingredient in taken:
            continue
        if market in d.not_marketed_in:
            # Not an option where the clinic prescribes, and not named either, nor its cautions:
            # "CANMAT also lists mianserin, agomelatine (not marketed in the US)" at a US site was
            # one more line to read past (review 19 I8). The clinic's market (policy drug_market)
            # decides; "any" lists them with their note.
            continue
        shared = shares_an_ingredient(d.ingredient, held)
        if shared is not None:
            notes.append(f"{d.ingredient} not listed: {shared}.")
            continue
        # A caution or a population bar is said for a drug the clinic could prescribe: a drug the
        # card names never comes without its reason not to use it.
        why = facts.caution_for(d.ingredient)
        if why is not None:
            notes.append(f"{d.ingredient} not listed: {why}.")
            continue
        # A label's "avoid" at the kidney reading on record is left out as the liver's is (K63b
        # finding 7: "labelled renal limits: duloxetine: avoid" kept it an option at eGFR 25).
        renal = renal_doses.left_out(ctx.record, ctx.policy, d.ingredient)
        if renal is not None:
            notes.append(renal)
            continue
        barred = populations.never(ctx, d.ingredient, d.drug_class)
        if barred is not None:
            notes.append(f"{d.ingredient} not listed: {barred.reason()}.")
            continue
        hits = screen.barring(d.ingredient)
        if hits:
            left_out.extend(hits)
            continue
        name = d.ingredient
        caveats = []
        if d.not_marketed_in and market == "any":
            caveats.append(f"not marketed in {'/'.join(d.not_marketed_in)}")
        # Sold but not labelled for depression where the clinic prescribes (milnacipran in the
        # US: fibromyalgia only): still a CANMAT option, never offered as if it were labelled.
        # "(off-label)" as the card's "IV ketamine (off-label)"; under "any" it names where.
        if market in d.off_label_for_depression_in:
            caveats.append("off-label")
        elif market == "any" and d.off_label_for_depression_in:
            where = "/".join(_MARKET_NAMES.get(m, m) for m in d.off_label_for_depression_in)
            caveats.append(f"off-label in {where}")
        if d.ingredient in tried:
            caveats.append(tried[d.ingredient])
        if d.ingredient in as_adjunct:
            caveats.append(as_adjunct[d.ingredient])
        if d.ingredient in unshown:
            caveats.append(unshown[d.ingredient])
        # A caveat row for this patient (bupropion with alcohol use: review 14 M3) is pointed to
        # beside the drug, so the list never offers it bare; the caveat is the card's own line.
        caveats.extend(
            f"caveat: {c}" for c in populations.caveat_cites(ctx, d.ingredient, d.drug_class)
        )
        # A drug sharing the mechanism of a class the patient is severely allergic to, outside
        # the class (vortioxetine after an "SSRIs" anaphylaxis: audit 16 W3): offered with the
        # question beside it, never bare (services/allergy_caveats.py says why not left out).
        allergy = allergy_caveats.caveat(ctx.record.intolerances, d.ingredient)
        if allergy is not None:
            caveats.append(allergy)
        if caveats:
            name += f" ({'; '.join(caveats)})"
        by_class.setdefault(d.drug_class, []).append(name)
        listed.append(d.ingredient)
    names = [f"{cls}: {', '.join(ings)}" for cls, ings in by_class.items()]
    notes.extend(screen.left_out(left_out))
    notes.extend(screen.cautioned(screen.cautions(listed), listed))
    if not failed_classes:
        # No class has failed (a course ended for intolerance): every first-line class is open.
        return names, notes, "Options (CANMAT 2023 first line)"
    return names, notes, "Switch options (CANMAT 2023 first line, other mechanisms)"


def tried_classes(
    ctx: RuleContext, together: dict[str, tuple[Trial, ...]] | None = None
) -> frozenset[str]:
    """The failed trials' classes and those of the courses they failed together with
    (courses.failed_together): sertraline judged on a PHQ-9 taken on it and venlafaxine leaves
    the SSRIs and the SNRIs tried (audit 17b W1). `together`: failed_together(ctx) when read."""
    if together is None:
        together = failed_together(ctx)
    partner_classes = {p.drug_class for ps in together.values() for p in ps}
    return frozenset(ctx.facts.failed_classes) | partner_classes


def _failed_line(ctx: RuleContext, together: dict[str, tuple[Trial, ...]]) -> str | None:
    """ "Failed, not proposed: SSRI (sertraline), SNRI (venlafaxine)."; a trial judged on a
    score taken on two antidepressants is named with its partner, "SSRI (sertraline) and SNRI
    (venlafaxine), together" (audit 17b W1), never as the SSRI alone. None: nothing to name
    (every failed trial is a running partial responder, said by partial.switch_line)."""
    facts = ctx.facts
    partial = partial_running(ctx)
    by_failed_class: dict[str, list[str]] = {}
    combined: list[str] = []
    # A failed course running beside a second serotonin reuptake inhibitor says so: its
    # PHQ-9 was taken on both (review 17 recheck R3).
    beside = running_reuptake_pair.still_running_beside(ctx)
    for t in facts.failed_trials:
        if t in partial:
            continue
        partners = together.get(t.ingredient, ())
        if partners:
            # The combination is what failed: the "still running beside ...: failed?" question
            # is answered by naming both.
            classes: dict[str, list[str]] = {}
            for c in (t, *partners):
                classes.setdefault(c.drug_class, []).append(c.ingredient)
            combined.append(
                " and ".join(f"{cls} ({' and '.join(ings)})" for cls, ings in classes.items())
                + ", together"
            )
            continue
        name = t.ingredient + (beside.get(t.ingredient, "") if t.ongoing else "")
        name += no_fill_note(t, ctx.record)  # on its order alone (services/no_fill_data.py)
        by_failed_class.setdefault(t.drug_class, []).append(name)
    failed = [f"{cls} ({', '.join(ings)})" for cls, ings in by_failed_class.items()]
    if not failed and not combined:
        return None
    # "; " between a combination and the rest: its "and" and "together" must not run on into
    # the next class.
    named = ([", ".join(failed)] if failed else []) + combined
    return f"Failed, not proposed: {'; '.join(named)}."


def switch_section(ctx: RuleContext, screen: interacting.Screen | None = None) -> str:
    facts = ctx.facts
    together = failed_together(ctx)
    failed_classes = tried_classes(ctx, together)
    lines = []
    # A running partial responder is not "failed, not proposed": the adjunct goes to it first
    # (CANMAT 2023 para 190; review 17 W4). Its class is still not proposed for a switch.
    partial = partial_running(ctx)
    if facts.failed_trials:
        failed = _failed_line(ctx, together)
        if failed is not None:
            lines.append(failed)  # adequate trials: the summary says so
        lines.extend(switch_line(t, populations.is_minor(ctx)) for t in partial)
    adjunct_failed = adjunct_non_response(ctx) if facts.augmentations else {}
    if adjunct_failed:
        named = "; ".join(f"{name} ({text})" for name, text in adjunct_failed.items())
        lines.append(f"Failed as adjunct, not proposed: {named}.")
    # A course that failed together with a counted one is named on the failed line, not as
    # "a class that already failed".
    failed_names = (
        *facts.failed_ingredients,
        *(p.ingredient for ps in together.values() for p in ps),
    )
    same_class = [
        t
        for t in facts.ongoing_trials
        if t.drug_class in failed_classes and t.ingredient not in failed_names
    ]
    for t in same_class:
        lines.append(
            f"Current {t.ingredient} is in a class that already failed ({t.drug_class}); a "
            "switch within a failed class is less likely to help (CANMAT 2023 Figure 7.1)."
        )
    lines.extend(other_use_lines(ctx))
    names, notes, heading = switch_candidates(ctx, screen)
    if names:
        separator = "; then " if populations.age_choices(ctx) else "; "
        lines.append(f"{heading}: {separator.join(names)}.")
    elif populations.age_choices(ctx):
        lines.append(
            "Every agent of the under-18 list has been tried or is ruled out: decide the next "
            "step with child and adolescent psychiatry."
        )
    elif tolerability.contradicted_class_allergies(ctx.record):
        # A class allergy entry a later course contradicts holds the rest back: say so rather
        # than "no agent is left" (review 16 recheck a04); the Not tolerated line names it.
        lines.append(
            "No first-line agent is left but those a class allergy entry holds back, and a "
            "later course contradicts that entry (named below): reconcile it with the patient "
            "before ruling them out."
        )
    elif failed_classes:
        lines.append(
            "No first-line agent of another mechanism is left (failed, not tolerated or ruled "
            "out): consider second-line agents or neuromodulation with psychiatry."
        )
    else:
        lines.append(
            "No first-line agent is left (not tolerated or ruled out): choose the next agent "
            "with psychiatry."
        )
    lines.extend(safety_lines(ctx, names))
    return "**Switch:** " + " ".join(lines + notes)


def safety_lines(ctx: RuleContext, names: list[str]) -> list[str]:
    """The safety lines of a switch list, after its options and before the notes on what was
    left out: a washout when crossing into or out of an MAOI, a recent sodium or QTc that
    argues against some of the options (review 7 finding 4), and the labels' renal limits of
    the options at the latest eGFR (services/renal_doses.py). Every switch list says them: the
    one after an intolerance too."""
    # A recent low sodium since normalised (review 10 R13): services/sodium_history.py.
    recovered = sodium_history.recovered_line(ctx.record, ctx.policy, names)
    reaction = sodium_history.reaction_line(ctx.record, names)
    # The labels' renal limits of the options at the latest eGFR (review 11 finding 1: the list
    # offered duloxetine and desvenlafaxine at eGFR 25 with no renal word).
    renal = renal_doses.caveat_line(ctx.record, ctx.policy, names)
    # The labels' hepatic limits of the options with liver disease coded (review 12 finding 9:
    # bupropion, venlafaxine and vortioxetine were offered beside cirrhosis with no hepatic word).
    hepatic = hepatic_doses.caveat_line(ctx.record, names)
    # An inducer running beside options whose levels it lowers (review 12 recheck part 2 #10:
    # mirtazapine and vortioxetine offered beside carbamazepine with no word).
    induced = inducers.switch_line(ctx.record, names)
    # Beers 2023 falls row beside SSRI / SNRI / TCA options at 65+ with a fall coded (care65).
    falls = older_adult_cautions.switch_falls_line(ctx, names)
    return [
        *washout_switch.switch_lines(ctx.record, names),
        *lab_safety.switch_lines(ctx.record, ctx.policy, names),
        *([recovered] if recovered is not None else []),
        *([reaction] if reaction is not None else []),
        *([renal] if renal is not None else []),
        *([hepatic] if hepatic is not None else []),
        *([induced] if induced is not None else []),
        *([falls] if falls else []),
    ]


def age_switch(ctx: RuleContext) -> str | None:
    """ "fluoxetine or citalopram" for an age with an ordered list; None for adults."""
    if not populations.age_choices(ctx):
        return None
    names, _, _ = switch_candidates(ctx)
    first = [n.split(" (")[0] for n in names][:2]
    return cards.or_list(first) if first else "the next agent with child psychiatry"
