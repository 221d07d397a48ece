"""The repeat check's class advice below the age with a "never" list (review s22 RR finding 10).

After a failed class CANMAT 2023 (an adult guideline, REFERENCE.md 1.1) prefers a distinct
mechanism, and the repeat card said "consider another class". Under 18 that points at the agents
not to be used (venlafaxine, paroxetine, tricyclics: NICE NG134 1.6): NICE NG134 keeps to SSRIs,
fluoxetine first, then sertraline or citalopram. So below the age of the "never" rows the card
says what the age list advises instead, each agent with its citation, from
data/age_restricted_antidepressants.csv (its `source` column), never another class.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from services import drugs
from services.card_format import and_list
from services.drug_rules import Choice
from services.rules import populations
from services.rules.context import RuleContext


@dataclass(frozen=True, slots=True)
class MinorAdvice:
    """What the repeat card says instead of "consider another class"."""

    summary: str  # "SSRI only under 18 (NICE NG134)": the drafted drug's class failed
    # "another SSRI of the under-18 list (NICE NG134)": the drafted drug itself failed
    same_drug: str
    detail: str  # the age list in order with its citations, and the agents never used


def minor_advice(ctx: RuleContext, failed: Collection[str]) -> MinorAdvice | None:
    """The age list's advice for this patient, or None when no "never" row applies (an adult,
    or an age the table has no such rows for: "consider another class" stands). `failed`: the
    ingredients that failed, marked so in the list."""
    never = populations.age_never(ctx)
    choices = populations.age_choices(ctx)
    if not never or not choices:
        return None
    below = never[0].below_age
    classes: list[str] = []
    listed: list[str] = []
    for rule in choices:
        ingredient = rule.ingredient or ""
        info = drugs.info(ingredient)
        if info is not None and info.drug_class not in classes:
            classes.append(info.drug_class)
        label = "first choice" if rule.choice is Choice.FIRST else "next"
        mark = "; failed" if ingredient in failed else ""
        listed.append(f"{ingredient} ({label}; {rule.cite}{mark})")
    # The guideline the first choice cites first ("NICE NG134; FDA"): the one whose order it is.
    guideline = choices[0].cite.split(";")[0].strip()
    never_cites = "; ".join(sorted({r.cite for r in never}))
    return MinorAdvice(
        summary=f"{and_list(classes)} only under {below} ({guideline})",
        same_drug=f"another {' or '.join(classes)} of the under-{below} list ({guideline})",
        detail=(
            f"Under {below} another class is not advised; the agents for depression at this "
            f"age, in order: {', '.join(listed)}. Not to be used for depression under "
            f"{below}: {', '.join(r.label() for r in never)} ({never_cites}). CANMAT 2023's "
            "advice to change mechanism after a failure is for adults. Review with child and "
            "adolescent psychiatry."
        ),
    )
