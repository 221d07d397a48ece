"""The lines a drafted drug's caution check (cautions.py) adds beside the drug_cautions.csv and
population-table rows, each (summary, detail line[, cite]): a tricyclic after an old myocardial
infarction (data/cardiac_cautions.csv), an agent below the age its label or a guideline makes it
a choice from (review 14 W2, W4), a thyroid hormone row (data/thyroid_hormone_cautions.csv), a
raised ALT or AST with no liver disease coded (review 12 H10), and a lactation caveat (review
11 finding 5). Also the latest-first order of findings that both modules name by.

Apart from cautions.py because each reads its own table or lab and words one line; cautions.py
decides which lines a card holds and how strong it is.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from fhir_mapping.record import DraftOrder, Finding, FindingKind
from services import (
    cards,
    drug_rules,
    tables,
    thyroid_hormone_cautions,
    transaminases,
    young_age_treatments,
)
from services.drug_rules import Choice
from services.pathway_options import unverified_mark
from services.rules import populations
from services.rules.context import RuleContext

LIVER = FindingKind.LIVER_DISEASE


@cache
def _cardiac_cautions() -> tuple[dict[str, str], ...]:
    """data/cardiac_cautions.csv: the caution lines of a cardiac history (an old MI)."""
    return tuple(tables._rows("cardiac_cautions.csv"))


def old_mi_line(ctx: RuleContext, draft: DraftOrder, said: set[str]) -> tuple[str, str, str] | None:
    """A tricyclic drafted with an old myocardial infarction on record (ICD-10-CM I25.2, SNOMED
    1755008; or an acute MI coded before the policy's recent window, read as an old one: the
    safer reading): the labels' caution in cardiovascular disorders, one line (summary, detail
    line, cite). Never said beside the acute-MI contraindication, which already names the MI."""
    if FindingKind.ACUTE_MI.value in said:
        return None
    rows = [
        r
        for r in _cardiac_cautions()
        if r["finding"] == FindingKind.OLD_MI.value
        and (
            draft.ingredient in r["drugs"].split(";") or draft.drug_class in r["classes"].split(";")
        )
    ]
    if not rows:
        return None
    recent = set(ctx.facts.findings_of(FindingKind.ACUTE_MI))
    old = [
        *ctx.record.context.of(FindingKind.OLD_MI),
        *(f for f in ctx.record.context.of(FindingKind.ACUTE_MI) if f not in recent),
    ]
    if not old:
        return None
    row, mi = rows[0], latest_first(tuple(old))[0]
    name = draft.ingredient.capitalize()
    since = f", {mi.onset_phrase}" if mi.onset_phrase else ""
    return (
        cards.fit_summary(
            f"{name} with an old myocardial infarction on record: use with caution ({row['cite']})",
            f"{name} with an old myocardial infarction on record: use with caution",
        ),
        f"- {row['note']} ({mi.display}, {mi.coding}{since}). Source: "
        f"{row['cite']}{unverified_mark(row['status'])}.",
        row["cite"],
    )


def under_min_age_line(ctx: RuleContext, draft: DraftOrder) -> tuple[str, str, str] | None:
    """An agent drafted below the age its label approves it for depression from (data/
    age_restricted_antidepressants.csv `under_min_age`: escitalopram under 12, fluoxetine under
    8), or below the age a guideline makes it a choice from (sertraline and citalopram under 12,
    NICE NG134: review 14 W2), with its own cite: the label's or guideline's words with the age
    and cite, and the agents labelled at this age (fluoxetine at 11), or that none of the list
    is; (summary, detail line, cite). None otherwise."""
    years = populations.age(ctx)
    rule = drug_rules.under_min_age(years, draft.ingredient)
    if rule is None:
        return None
    name = draft.ingredient.capitalize()
    cite = rule.under_min_age_cite
    labelled = drug_rules.labelled_at(years)
    if labelled:
        options = ", ".join(f"{r.ingredient} ({r.min_age}+)" for r in labelled)
        short = f"FDA-approved at {years}: {options}"
        first = [r for r in labelled if r.choice is Choice.FIRST]
        choice = (
            f" {first[0].label().capitalize()} is the first choice ({first[0].cite})."
            if first
            else ""
        )
        then = f" FDA-approved for depression at age {years}: {options}.{choice}"
    else:
        short = f"none of the under-18 list is FDA-approved at {years}"
        then = (
            f" None of the under-18 list is FDA-approved for depression at age {years}: decide "
            "with child and adolescent psychiatry."
        )
    return (
        cards.fit_summary(
            f"{name}: {rule.under_min_age} (age {years}; {cite}); {short}",
            f"{name}: {rule.under_min_age_short()} (age {years}; {cite}); {short}",
            f"{name}: {rule.under_min_age} (age {years}; {cite})",
            f"{name}: {rule.under_min_age_short()} ({cite})",
        ),
        f"- {rule.under_min_age} (age {years}; {cite}).{then}",
        cite,
    )


def young_treatment_line(ctx: RuleContext, draft: DraftOrder) -> tuple[str, str, str] | None:
    """An agent data/young_age_treatments.csv names, drafted below its age there (esketamine
    under 18: SPRAVATO is approved for adults only; review s27 RC finding 1: an esketamine draft
    at 9 to 17 got no card at all, while the suicide-risk card already left it out below 18):
    the row's line with the age and cite; (summary, detail line, cite). None otherwise (an
    adult, no age on record, or no row for the agent). A warning, not a bar: "not established"
    is no contraindication, as `under_min_age_line`."""
    years = populations.age(ctx)
    row = young_age_treatments.row_for(draft.ingredient.lower(), years)
    if row is None:
        return None
    name = draft.ingredient.capitalize()
    return (
        cards.fit_summary(
            f"{name} at age {years}: {row.line} ({row.cite})",
            # The line's first clause ("esketamine nasal spray is approved for adults only").
            f"{name} at age {years}: {row.line.split(':')[0]} ({row.cite})",
            f"{name} at age {years}: outside its {row.cite} (under {row.below_age})",
        ),
        f"- {row.said()} (age {years}).",
        row.cite,
    )


def thyroid_line(
    name: str,
    caution: thyroid_hormone_cautions.Caution,
    also: tuple[thyroid_hormone_cautions.Caution, ...] = (),
) -> tuple[str, str]:
    """(summary, detail line) of a thyroid hormone caution row (data/thyroid_hormone_cautions.csv):
    the coded condition or the replacement taken, named with its code and date. `also`: further
    replacements taken whose row says the same (Armour Thyroid beside levothyroxine), named in the
    same summary and line, not in a second identical line (recheck 18a t04)."""
    row = caution.row
    if caution.finding is not None:
        # The coded display, else the row's name ("coronary artery disease"): a long display
        # must not leave the summary without the condition.
        heads = [f"{name} with {caution.short()} on record", f"{name} with {row.name} on record"]
        act = "use with caution, start at a lower dose"
    else:
        # The drug as a clinician names it ("desiccated thyroid", not the table key "thyroid").
        taken = [c.row.name.split(" (")[0] for c in (caution, *also)]
        heads = [f"{name} beside {' and '.join(taken)}", f"{name} beside {taken[0]}"]
        act = "adjust by TSH and free T4, with endocrine input"
    summary = cards.fit_summary(
        *(f"{head}: {act} ({row.cite})" for head in heads),
        *(f"{head}: {act}" for head in heads),
        f"{name}: {act} ({row.cite})",
    )
    bases = "; ".join(c.basis() for c in (caution, *also))
    return summary, (f"- {row.note} ({bases}). Source: {row.cite}{unverified_mark(row.status)}.")


def transaminase_line(
    ctx: RuleContext, draft: DraftOrder, said: set[str]
) -> tuple[str, str, str] | None:
    """Nefazodone or duloxetine drafted with no liver disease coded and a recent ALT or AST at or
    above the policy's multiple of its upper limit of normal (services/transaminases.py; review
    12 H10): the labels' "elevated baseline serum transaminases" (nefazodone) and "evidence of
    chronic liver disease" (duloxetine). Named with value, date, ULN and its cite; (summary, detail
    line, cite). A coded liver disease already said it (drug_cautions.csv): not twice."""
    caution = transaminases.caution_for(draft.ingredient)
    if caution is None or LIVER.value in said:
        return None
    raised = transaminases.raised(ctx.record, ctx.policy)
    if raised is None:
        return None
    name = draft.ingredient.capitalize()
    flag = ", UNVERIFIED" if caution.status == "UNVERIFIED" else ""
    return (
        cards.fit_summary(
            f"{name}: {caution.note} ({raised.short()}; {caution.cite})",
            f"{name} with {raised.short()}: raised transaminases ({caution.cite})",
            f"{name} with a raised transaminase on record ({caution.cite})",
        ),
        f"- {caution.note} ({raised.text()}; no liver disease coded; {caution.cite}{flag}).",
        caution.cite,
    )


def lactation_line(
    ctx: RuleContext, name: str, restriction: populations.Restriction
) -> tuple[str, str]:
    """A lactation caveat row for a drafted drug (review 11 finding 5): the breastfeeding finding
    populations.py decided on (the latest within its window; a later "not breastfeeding" answer
    ends it), named with its date. On a chart whose recorded sex is male (Z39.1 coded in error,
    or a man who chestfeeds: review 11 recheck finding 5) it asks to check the record, as the
    patient-view card does, and still says the caveat: a warning, as dropping it could harm an
    infant if the record is right."""
    rule = restriction.rule
    feeding = ctx.population.lactation
    since = f", {feeding.onset_phrase}" if feeding and feeding.onset_phrase else ""
    if ctx.population.lactation_sex_male:
        code = feeding.code if feeding is not None else "breastfeeding"
        shown = f"{feeding.display}, {feeding.coding}" if feeding is not None else "on record"
        return (
            cards.fit_summary(
                f"{name} with breastfeeding on record ({code}) but recorded sex male: check the "
                f"record ({rule.cite})",
                f"{name} with breastfeeding on record but recorded sex male: check the record",
            ),
            f"- Breastfeeding on record ({shown}{since}) but the patient's recorded "
            "sex is male: check the record (a coding error, or chestfeeding). If the patient "
            f"breastfeeds: {rule.note} ({rule.cite}).",
        )
    return (
        cards.fit_summary(
            f"{name}: {rule.note} ({restriction.why}; {rule.cite})",
            *(f"{name}: {rule.note} ({f.display} on record)" for f in (feeding,) if f),
            f"{name}: {rule.note} ({rule.cite})",
            *(
                f"{name} with breastfeeding on record ({f.onset.isoformat()}): see the caveat "
                f"({rule.cite})"
                for f in (feeding,)
                if f and f.onset
            ),
            f"{name} with breastfeeding on record: see the caveat ({rule.cite})",
        ),
        f"- {rule.note} ({restriction.why}{since}; {rule.cite}).",
    )


def latest_first(found: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """Latest onset first (undated last), as populations.py picks the finding it names."""
    return tuple(sorted(found, key=lambda f: f.onset or date.min, reverse=True))
