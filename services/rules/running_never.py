"""A running antidepressant the age list says is not to be used at this age, named as running
(review s21 RD finding 11; RD2 finding 11): one line, said by every card that speaks of the
patient's antidepressants at that age.

Patient-view says it among the population paragraphs of the optimise card (population_notes.py);
the order hooks say it beside the under-25 boxed warning, on the drafted drug's card or the
card the warning rides on (order_boxed.py): before session 22 a 16-year-old drafting fluoxetine,
or renewing venlafaxine, beside a running venlafaxine read "venlafaxine still running" or
"not to be used for depression under 18" with nothing saying that the drug she takes now is
one of those. One function, so both hooks word it alike from the same table
(data/age_restricted_antidepressants.csv `never`, NICE NG134).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fhir_mapping.record import Trial
from services.drug_rules import DrugRule, under_min_age
from services.order_doses import trial_dose
from services.rules import populations
from services.rules.populations import age_never

if TYPE_CHECKING:  # hints only, as in populations.py
    from services.rules.context import RuleContext


@dataclass(frozen=True, slots=True)
class RunningNever:
    """A running course of a drug the age list says is not for use at this age."""

    trial: Trial
    rule: DrugRule

    def text(self) -> str:
        t, rule = self.trial, self.rule
        return (
            f"{t.ingredient} ({trial_dose(t, nested=True)}, since {t.start.isoformat()}): {rule.note} "
            f"({rule.cite})"
        )


def running_never(ctx: RuleContext) -> tuple[RunningNever, ...]:
    """Each running drug the age list's `never` rows cover for this patient, once per drug."""
    rows = age_never(ctx)
    if not rows:
        return ()
    found: dict[str, RunningNever] = {}
    for t in ctx.record.trials:
        if not t.ongoing or t.ingredient in found:
            continue
        rule = next((r for r in rows if r.covers(t.ingredient, t.drug_class)), None)
        if rule is not None:
            found[t.ingredient] = RunningNever(t, rule)
    return tuple(found.values())


def running_never_line(ctx: RuleContext) -> str | None:
    """A running antidepressant the age list says is not to be used at this age (venlafaxine,
    paroxetine, a tricyclic under 18: data/age_restricted_antidepressants.csv `never`, NICE
    NG134), named as running with its dose and start (review s21 RD finding 11: a 16-year-old on
    venlafaxine read only "never proposed under 18", which is about new options, not the drug
    she takes). Review, not stop: the card does not say to stop it (a running SNRI is tapered,
    and the decision is child and adolescent psychiatry's); None when no such drug runs."""
    found = running_never(ctx)
    if not found:
        return None
    return (
        f"**Running now, not for use under {found[0].rule.below_age}:** "
        f"{'; '.join(f.text() for f in found)}. {_review(len(found))}"
    )


def _review(drugs: int) -> str:
    """ "Review it with ..."; "them" after two drugs or more (recheck K6 s28 finding 6)."""
    return f"Review {'it' if drugs == 1 else 'them'} with child and adolescent psychiatry."


def running_too_young_line(ctx: RuleContext) -> str | None:
    """A running antidepressant this patient is below the age its label approves it for
    depression from, or below the age a guideline makes it a choice from (data/
    age_restricted_antidepressants.csv `under_min_age`: escitalopram under 12, Lexapro label
    8.4; sertraline and citalopram under 12, NICE NG134), named as running with its dose and
    start. Review s27 RC finding 6: a 9-year-old on escitalopram 20 mg/day got no word of it at
    patient-view, while an escitalopram order at 9 got the label's line. Review, not stop, as
    `running_never_line`; None when no such drug runs."""
    years = populations.age(ctx)
    found: dict[str, tuple[Trial, DrugRule]] = {}
    for t in ctx.record.trials:
        if not t.ongoing or t.ingredient in found:
            continue
        rule = under_min_age(years, t.ingredient)
        if rule is not None:
            found[t.ingredient] = (t, rule)
    if not found:
        return None
    said = "; ".join(
        f"{t.ingredient} ({trial_dose(t, nested=True)}, since {t.start.isoformat()}): {rule.under_min_age} "
        f"({rule.under_min_age_cite or rule.cite})"
        for t, rule in found.values()
    )
    return f"**Running now, below its age:** {said}. {_review(len(found))}"
