"""An antidepressant drafted under 18 that no age row names (review s27 RC finding 5).

Bupropion drafted at 9 to 17 got only the boxed-warning information card, while sertraline at 9
got a warning naming the agents FDA-approved at that age. The age table names the agents to
prefer (fluoxetine, then sertraline, citalopram, escitalopram), those not to use (venlafaxine,
paroxetine, tricyclics) and the antipsychotics (adult doses); every other antidepressant
(bupropion, mirtazapine, duloxetine, vortioxetine, ...) is named by neither the FDA labels nor
NICE NG134 for depression under 18. Its default row (data/age_restricted_antidepressants.csv,
choice not-labelled) is said at a clinician's own order, as a warning line of the caution card,
with the agents FDA-approved at this age: a warning like the under-12 line, not a bar.
"""

from __future__ import annotations

from fhir_mapping.record import DraftOrder, Role
from services import cards, drug_rules, young_age_treatments
from services.drug_rules import Choice
from services.rules import populations
from services.rules.context import RuleContext

# Rows that name no agent to prefer or avoid: the boxed warning (every antidepressant under 25,
# and agents whose own label prints it) and the default itself.
_NAMING_NOTHING = frozenset({Choice.BOXED_WARNING, Choice.NOT_LABELLED})


def not_labelled_line(ctx: RuleContext, draft: DraftOrder) -> tuple[str, str, str] | None:
    """(summary, detail line, cite) for an antidepressant draft under the default row's age that
    no other age row names, else None. An agent below its own row's lower age (escitalopram at
    9) or with a young_age_treatments.csv row (esketamine) has its own line already."""
    if draft.role is not Role.ANTIDEPRESSANT:
        return None
    years = populations.age(ctx)
    rules = drug_rules.rules_for_age(years)
    default = next((r for r in rules if r.choice is Choice.NOT_LABELLED), None)
    if default is None:
        return None
    named = any(
        r.choice not in _NAMING_NOTHING and r.covers(draft.ingredient, draft.drug_class)
        for r in rules
    )
    if (
        named
        or drug_rules.under_min_age(years, draft.ingredient) is not None
        or young_age_treatments.row_for(draft.ingredient.lower(), years) is not None
    ):
        return None
    name, cite = draft.ingredient.capitalize(), default.cite
    labelled = drug_rules.labelled_at(years)
    options = ", ".join(f"{r.ingredient} ({r.min_age}+)" for r in labelled)
    short = f"FDA-approved at {years}: {options}" if options else "none FDA-approved at this age"
    then = (
        f"FDA-approved for depression at age {years}: {options}."
        if options
        else f"None of the under-{default.below_age} list is FDA-approved for depression at age "
        f"{years}."
    )
    first = next((r for r in labelled if r.choice is Choice.FIRST), None)
    choice = f" {first.label().capitalize()} is the first choice ({first.cite})." if first else ""
    return (
        cards.fit_summary(
            f"{name}: {default.note} (age {years}; {cite}); {short}",
            f"{name}: {default.note} (age {years}); {short}",
            f"{name}: {default.note} (age {years}; {cite})",
            f"{name}: {default.note}",
        ),
        f"- {default.note} (age {years}; {cite}): neither the FDA labels nor NICE NG134 name "
        f"{draft.ingredient} for depression under {default.below_age}; off-label use is decided "
        f"with child and adolescent psychiatry. {then}{choice}",
        cite,
    )
