"""The repeat check's class advice below the age with a "never" list (review s22 RR finding 10).

After a failed class CANMAT 2023 (an adult guideline, REFERENCE.md 1.1) prefers a distinct
mechanism, and the repeat card said "consider another class". Under 18 that points at the agents
not to be used (venlafaxine, paroxetine, tricyclics: NICE NG134 1.6): NICE NG134 keeps to SSRIs,
fluoxetine first, then sertraline or citalopram. So below the age of the "never" rows the card
says what the age list advises instead, each agent with its citation, from
data/age_restricted_antidepressants.csv (its `source` column), never another class.

A draft that is itself the list's next step (escitalopram or citalopram after sertraline failed;
fluoxetine, the first choice) is what the list advises, so the card is information saying so
(`step`), not a warning that "SSRI only" holds (review s22 RR2 finding 8: the warning fired on the
guideline's own choice). NICE NG134 names fluoxetine first and, if it is unsuccessful or not
tolerated, sertraline or citalopram, and names agents not to be used; it does not say "another
class is not advised", so the detail says what it names, no more.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from services import drug_rules, drugs
from services.drug_rules import Choice
from services.rules import populations
from services.rules.context import RuleContext


@dataclass(frozen=True, slots=True)
class MinorAdvice:
    """What the repeat card says instead of "consider another class"."""

    summary: str  # "not on the under-18 list (NICE NG134)": the drafted drug's class failed
    # "another SSRI of the under-18 list (NICE NG134)": the drafted drug itself failed
    same_drug: str
    detail: str  # the age list in order with its citations, and the agents never used
    # ingredient -> "next on the under-18 list (FDA 2009)", for each agent of the
    # list not failed: the draft is then the list's own next step (module docstring)
    steps: dict[str, str]
    # The age the list was read at (the youngest a birth year allows: populations.age).
    age: int | None = None

    def summary_for(self, ingredient: str) -> str:
        """What the summary says of a drafted `ingredient` whose class failed: below the age its
        row starts at, that row's own words ("not a choice for depression under 12 (NICE
        NG134)": citalopram at 11 is on the list, from 12; review s25 RA finding 10), else
        `summary` (not on the list at all)."""
        row = drug_rules.under_min_age(self.age, ingredient)
        if row is None:
            return self.summary
        return f"{row.under_min_age_short()} ({row.under_min_age_cite or row.cite})"

    def step(self, ingredient: str) -> str | None:
        """The list's wording for `ingredient` as its next step, or None (not on the list, or
        failed)."""
        return self.steps.get(ingredient)


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
    steps: dict[str, str] = {}
    for rule in choices:
        ingredient = rule.ingredient or ""
        info = drugs.info(ingredient)
        if info is not None and info.drug_class not in classes:
            classes.append(info.drug_class)
        label = "first choice" if rule.choice is Choice.FIRST else "next"
        mark = "; failed" if ingredient in failed else ""
        listed.append(f"{ingredient} ({label}; {rule.cite}{mark})")
        if ingredient and ingredient not in failed:
            place = (
                f"first choice under {below}"
                if rule.choice is Choice.FIRST
                else f"next on the under-{below} list"
            )
            steps[ingredient] = f"{place} ({rule.cite})"
    # The guideline the first choice cites first ("NICE NG134; FDA"): the one whose order it is.
    guideline = choices[0].cite.split(";")[0].strip()
    never_cites = "; ".join(sorted({r.cite for r in never}))
    return MinorAdvice(
        summary=f"not on the under-{below} list ({guideline})",
        same_drug=f"another {' or '.join(classes)} of the under-{below} list ({guideline})",
        detail=(
            f"Under {below} the agents the guidelines name for depression, in order: "
            f"{', '.join(listed)}. Not to be used for depression under "
            f"{below}: {', '.join(r.label() for r in never)} ({never_cites}). CANMAT 2023's "
            "advice to change mechanism after a failure is for adults. Review with child and "
            "adolescent psychiatry."
        ),
        steps=steps,
        age=populations.age(ctx),
    )
