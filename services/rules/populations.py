"""Patients the adult pathway was not written for: minors, young adults, pregnancy, postpartum,
and what a finding on record rules out.

The dose ranges and agent lists of the other cards come from CANMAT 2023 (an adult guideline) and
the TMS criteria from adult coverage policies (LCD L34998, Ambetter CP.BH.200). Where a sourced
rule exists it is data (services/drug_rules.py and its tables) and applied here:

- under 18: only the age list is proposed as a switch, in its order (fluoxetine first; then
  sertraline, citalopram, escitalopram; NICE NG134, FDA); venlafaxine, paroxetine and tricyclics
  are never proposed; antipsychotic doses are adult doses, so no ready-to-accept order;
- under 25: the FDA boxed warning on suicidality is shown with any antidepressant proposal;
- pregnancy: paroxetine is never proposed (first-trimester cardiac malformations, FDA 2005) and
  antipsychotics are text only (FDA 2011 class labelling: individual risk-benefit decision);
- psychotic features: bupropion is never proposed (dopaminergic; may worsen psychosis).

Where no sourced rule exists the cards say plainly that their basis does not cover the patient,
name what is on record, and leave the decision to the specialist (the safer behaviour).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from fhir_mapping.record import Finding, FindingKind
from services import drug_rules
from services.drug_rules import Choice, DrugRule
from services.rules.context import RuleContext


def age(ctx: RuleContext) -> int | None:
    return ctx.record.patient.age


def is_minor(ctx: RuleContext) -> bool:
    years = age(ctx)
    return years is not None and years < ctx.policy.adult_age


def latest(ctx: RuleContext, kind: FindingKind) -> Finding | None:
    """The finding of this kind with the latest onset (undated ones count as oldest)."""
    found = ctx.record.context.of(kind)
    return max(found, key=lambda f: f.onset or date.min) if found else None


def _named(finding: Finding) -> str:
    return f"{finding.display} ({finding.system} {finding.code})"


@dataclass(frozen=True, slots=True)
class Restriction:
    """A rule that applies to this patient, and why it applies (age, a finding on record)."""

    rule: DrugRule
    why: str  # "age 16", "pregnancy on record: Pregnant state, incidental (...)"

    def reason(self) -> str:
        return f"{self.rule.note} ({self.why}; {self.rule.cite})"


_RESTRICTING = frozenset({Choice.NEVER, Choice.NOT_ONE_CLICK})


def _applying(
    ctx: RuleContext, ingredient: str, drug_class: str, wanted: Choice | None = None
) -> Iterator[Restriction]:
    """The age rules that restrict (never, or not as one click), then the condition rules, that
    apply to this drug for this patient, in table order; only those of choice `wanted` when one
    is named. A generator: `never` and `text_only` ask for the first one only, for every drug a
    card weighs, so the rest is not read."""
    years = age(ctx)
    for rule in drug_rules.rules_for_age(years):
        if rule.choice not in _RESTRICTING or (wanted is not None and rule.choice is not wanted):
            continue
        if rule.covers(ingredient, drug_class):
            yield Restriction(rule, f"age {years}")
    for rule in drug_rules.condition_rules():
        if rule.finding is None or (wanted is not None and rule.choice is not wanted):
            continue
        if not rule.covers(ingredient, drug_class):
            continue
        finding = latest(ctx, rule.finding)
        if finding is not None:
            yield Restriction(rule, f"on record: {_named(finding)}")


def restrictions(ctx: RuleContext, ingredient: str, drug_class: str) -> tuple[Restriction, ...]:
    """Every age or condition rule about this drug that applies to this patient."""
    return tuple(_applying(ctx, ingredient, drug_class))


def never(ctx: RuleContext, ingredient: str, drug_class: str) -> Restriction | None:
    """Why this drug is never proposed for this patient, or None."""
    return next(_applying(ctx, ingredient, drug_class, Choice.NEVER), None)


def text_only(ctx: RuleContext, ingredient: str, drug_class: str) -> Restriction | None:
    """Why this drug may be named but not offered as a ready-to-accept order, or None."""
    return next(_applying(ctx, ingredient, drug_class, Choice.NOT_ONE_CLICK), None)


def age_choices(ctx: RuleContext) -> tuple[DrugRule, ...]:
    """The agents the age list proposes, in order (empty when the age has no list)."""
    chosen = [
        r
        for r in drug_rules.rules_for_age(age(ctx))
        if r.choice in (Choice.FIRST, Choice.NEXT) and r.ingredient is not None
    ]
    return tuple(sorted(chosen, key=lambda r: r.rank if r.rank is not None else 99))


def age_never(ctx: RuleContext) -> tuple[DrugRule, ...]:
    """The age list's "never proposed" rows for this patient (venlafaxine, paroxetine, TCAs)."""
    return tuple(r for r in drug_rules.rules_for_age(age(ctx)) if r.choice is Choice.NEVER)


def boxed_warning(ctx: RuleContext) -> DrugRule | None:
    return next(
        (r for r in drug_rules.rules_for_age(age(ctx)) if r.choice is Choice.BOXED_WARNING), None
    )


def population_notes(ctx: RuleContext, *, tms: bool = False) -> str:
    """Markdown lines for a card that proposes medication changes (and TMS when `tms`)."""
    lines: list[str] = []
    pregnancy = latest(ctx, FindingKind.PREGNANCY)
    if pregnancy is not None:
        since = f" since {pregnancy.onset.isoformat()}" if pregnancy.onset else ""
        what = "medication and TMS options" if tms else "medication options"
        lines.append(
            f"**Pregnancy on record:** {pregnancy.display} ({pregnancy.system} {pregnancy.code}"
            f"{since}). The {what} on this card come from guidelines that do not cover "
            "pregnancy: confirm it is current and weigh each change with obstetric or perinatal "
            "psychiatry input."
        )
    postpartum = latest(ctx, FindingKind.POSTPARTUM)
    if postpartum is not None:
        since = f" since {postpartum.onset.isoformat()}" if postpartum.onset else ""
        lines.append(
            f"**Postpartum onset on record:** {postpartum.display} ({postpartum.system} "
            f"{postpartum.code}{since}). Choose with perinatal psychiatry input, including "
            "whether the patient is breastfeeding."
        )
    if is_minor(ctx):
        years = age(ctx)
        if age_choices(ctx):
            lines.append(
                f"**Age {years}:** antidepressant choices follow the under-18 list (NICE NG134, "
                "FDA); doses and adjuncts come from adult guidelines (CANMAT 2023): decide with "
                "child and adolescent psychiatry."
            )
        else:
            lines.append(
                f"**Age {years}:** the doses and agents on this card come from adult guidelines "
                "(CANMAT 2023); decide with child and adolescent psychiatry."
            )
    warning = boxed_warning(ctx)
    if warning is not None and not tms:
        lines.append(f"**Boxed warning (age {age(ctx)}):** {warning.note} ({warning.cite}).")
    return "\n\n".join(lines)
