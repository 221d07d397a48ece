"""The caution checks of a drafted drug for this patient: drug-condition contraindications
on record (data/drug_cautions.csv), the population tables' "never" rules (rules/populations.py;
review findings 1 and 7), and the FDA boxed warning line for a patient under 25."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache

from fhir_mapping.record import DraftOrder, Finding, FindingKind, Trial, Verdict
from services import (
    cardiac,
    cards,
    drug_rules,
    order_doses,
    tables,
    thyroid_hormone_cautions,
    transaminases,
)
from services.drug_rules import Choice, DrugRule
from services.order_checks.model import CAUTION, CONTRAINDICATED, OrderCheck
from services.pathway_options import unverified_mark
from services.recommendation import Indicator
from services.rules import populations
from services.rules.context import RuleContext

# Population rules a clinician's own order is checked against: "never", and the caveats a drug
# carries for this patient (esketamine or lithium in pregnancy: review 7 finding 10).
# An info row (a stimulant use disorder in remission with a stimulant ordered: recheck 13 n26)
# is said at the order only, at info level when nothing else is.
_ON_ORDER = frozenset({Choice.NEVER, Choice.CAVEAT, Choice.INFO})
_NOT_A_BAR = frozenset({Choice.CAVEAT, Choice.INFO})
_LACTATION = FindingKind.LACTATION
_LIVER = FindingKind.LIVER_DISEASE
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL


def caution_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """Every contraindication row of data/drug_cautions.csv for this drug whose condition is on
    record, each with its own source (a drug can have several: bupropion); then every "never"
    rule of the population tables that applies to this patient, the rules the switch cards apply
    (rules/populations.py): under 18, paroxetine, venlafaxine and tricyclics are not to be used
    for depression (data/age_restricted_antidepressants.csv, NICE NG134: review finding 1), and
    bupropion is never proposed with psychotic features (data/condition_drug_rules.csv: review
    finding 7), and the caveat rows (esketamine, lithium in pregnancy: review 7 finding 10). A
    rule both tables hold (paroxetine in pregnancy) is said once. Duloxetine with chronic liver
    disease or cirrhosis is a drug_cautions.csv row (review 7 finding 3); duloxetine with active
    alcohol use a condition_drug_rules.csv row narrowed to the alcohol codes (Cymbalta label 5.2;
    alcohol use in remission is another finding kind and never triggers it: review 7 finding 8),
    or, with no such code, a recent AUDIT-C or AUDIT at or above the clinic's cut-off (review 9
    finding 8), named with its score and date. Nefazodone and duloxetine with no liver disease
    coded but a recent ALT or AST at or above the policy's multiple of its upper limit of normal
    (services/transaminases.py; review 12 H10), named with its value, date and ULN.

    A warning, like the label contraindications beside it, not critical: the card cannot be
    snoozed and comes back on every call until the clinician accepts or overrides it, and critical
    stays kept for what harms at once (an MAOI combination, suicide risk), so that it still reads
    as "stop now" when it appears. A drug_cautions.csv row marked critical is such a harm
    (esketamine with aneurysmal vascular disease, an AVM or a history of intracerebral
    haemorrhage: the blood-pressure rise of every dose; review 15 U1), and so is a tricyclic in the
    acute recovery period after a myocardial infarction (its label contraindication: conduction
    slowing and arrhythmia from the first doses; critical as the MAOI rows' contraindicated start
    is, review 16 M1)."""
    found: list[tuple[str, str]] = []  # (summary, detail line)
    # Each line's cite, in order: the card's source label is what it rests on (the Serzone boxed
    # warning, CPS 2023 Table 6), not the topic's guideline (CANMAT), which says none of it.
    basis: list[str] = []
    said: set[str] = set()  # finding kinds drug_cautions.csv already spoke for
    infos = 0  # lines that are information only (an old MI, an info row): the card is info if all
    # Lines that rule the drug out: a label contraindication (drug_cautions.csv kind) or a "never"
    # row. With one, the card is order-drug-contraindicated; with none, every line is a warning,
    # precaution or caveat and the card is order-drug-caution (audit 13 item 15: "use with
    # extreme caution" filed as a contraindication). The stronger topic wins on a mixed card.
    bars = 0
    # A row that harms with the first dose (esketamine with an aneurysm or a history of
    # intracerebral haemorrhage: review 15 U1) makes the card critical, as an MAOI combination's.
    critical = False
    name = draft.ingredient.capitalize()
    for caution in tables.drug_cautions():
        if caution.ingredient != draft.ingredient.lower():
            continue
        kind = FindingKind(caution.finding)
        # The pathway facts' findings: an acute MI there is a recent one (policy.recent_mi_days,
        # services/cardiac.py; review 12 finding 2), named by its latest onset.
        findings = ctx.facts.findings_of(kind)
        if kind in cardiac.WINDOWED:
            findings = _latest_first(findings)
        if findings:
            on_record = findings[0]
            said.add(caution.finding)
            bars += caution.contraindication
            critical = critical or caution.critical
            basis.append(caution.cite)
            found.append(
                (
                    cards.fit_summary(
                        f"{name}: {caution.note} ({on_record.display} on record)",
                        f"{name}: {caution.note}",
                        _last_resort(name, caution.note, on_record.display),
                    ),
                    # The code system by the name clinicians know (data/code_systems.csv
                    # `label`: "ICD-10-CM I67.1"), never its URI (review 15 U1 chart f08).
                    f"- {caution.note} ({on_record.display}, {on_record.coding}"
                    + _when(ctx, on_record)
                    + "). Source: "
                    f"{caution.cite}{unverified_mark(caution.status)}.",
                )
            )
    old_mi = _old_mi_line(ctx, draft, said)
    transaminase = _transaminase_line(ctx, draft, said)
    if transaminase is not None:
        said.add(_LIVER.value)
        summary, detail, cite = transaminase
        found.append((summary, detail))
        basis.append(cite)
    for restriction in populations.restrictions(ctx, draft.ingredient, draft.drug_class):
        rule = restriction.rule
        if rule.choice not in _ON_ORDER:
            continue  # "not as one click" rows are about proposals, not a clinician's own order
        if rule.finding is not None and rule.finding.value in said:
            # Said by a drug_cautions.csv line; a "never" row still rules the drug out (paroxetine
            # in pregnancy: the label's warning there, the population table's "never").
            bars += rule.choice is Choice.NEVER
            continue
        bars += rule.choice is Choice.NEVER
        basis.append(rule.cite)
        if rule.choice is Choice.INFO:
            infos += 1
        if rule.finding is _LACTATION:
            found.append(_lactation(ctx, name, restriction))
            continue
        # The findings the row applies to (duloxetine: the alcohol codes of the substance-use
        # kind), latest first: the one populations.py names in `restriction.why`.
        seen = (
            _latest_first(rule.matching(ctx.record.context.of(rule.finding)))
            if rule.finding is not None
            else ()
        )
        # The date the diagnosis is on record from, beside the diagnosis `why` names; for a rule
        # that applies by a screening score (AUDIT-C 10 on 2025-05-19: review 9 finding 8), what
        # the score is read as, so the prescriber sees it is a screen and not a diagnosis.
        since = f", since {seen[0].onset.isoformat()}" if seen and seen[0].onset else ""
        if restriction.basis:
            since += f": {restriction.basis}"
        found.append(
            (
                cards.fit_summary(
                    f"{name}: {rule.note} ({restriction.why}; {rule.cite})",
                    *(f"{name}: {rule.note} ({f.display} on record)" for f in seen[:1]),
                    # A screen's score and date without how the total was got ("computed from
                    # items", said in the detail): the summary still names the score (R10).
                    *(
                        [f"{name}: {rule.note} ({restriction.screen}; {rule.cite})"]
                        if restriction.screen
                        else []
                    ),
                    f"{name}: {rule.note} ({rule.cite})",
                    f"{name}: not to be used for this patient ({rule.cite})"
                    if rule.choice not in _NOT_A_BAR
                    # A caveat or an info row is not a bar: its short form never says "not to be
                    # used".
                    else f"{name} with {_finding_words(rule)} on record"
                    # A screen stands in for a diagnosis: its score and date, so the summary
                    # says which (AUDIT-C 8 on 2025-05-12).
                    + (f" ({restriction.screen})" if restriction.screen else "")
                    + f": see the caveat ({rule.cite})",
                ),
                # The row's cite only: its `source` notes stay in the table (review 11).
                f"- {rule.note} ({restriction.why}{since}; {rule.cite}).",
            )
        )
    # Below the age the label approves the drug from (escitalopram at 11: review 14 W4), or a
    # guideline makes it a choice from (sertraline at 11: review 14 W2): the age list never
    # proposes it there, and a clinician's own order of it is told so, with the agents
    # labelled at this age. A warning, not a bar: "not established" is no contraindication.
    young = _under_min_age_line(ctx, draft)
    if young is not None:
        summary, line, cite = young
        found.append((summary, line))
        basis.append(cite)
    if old_mi is not None:
        summary, line, cite = old_mi
        found.append((summary, line))
        basis.append(cite)
        infos += 1
    # Liothyronine with a cardiac history coded or beside levothyroxine:
    # a warning line for the cardiac rows, information for the replacement one.
    for thyroid in thyroid_hormone_cautions.cautions(ctx, draft.ingredient):
        found.append(_thyroid_line(name, thyroid))
        basis.append(thyroid.row.cite)
        if not thyroid.row.warning:
            infos += 1
    if not found:
        return None
    return OrderCheck(
        CONTRAINDICATED if bars else CAUTION,
        draft,
        found[0][0],
        f"{draft.ingredient} and what is on record:\n\n" + "\n".join(line for _, line in found),
        # An old MI (the labels' "watch closely") or an info row (a history to weigh) is a
        # caution line, not a bar: info when every line is one.
        indicator=(
            Indicator.CRITICAL if critical else Indicator.INFO if infos == len(found) else None
        ),
        basis=tuple(dict.fromkeys(c for c in basis if c)),
    )


@cache
def _cardiac_cautions() -> tuple[dict[str, str], ...]:
    """data/cardiac_cautions.csv: the caution lines of a cardiac history (an old MI)."""
    return tuple(tables._rows("cardiac_cautions.csv"))


def _old_mi_line(
    ctx: RuleContext, draft: DraftOrder, said: set[str]
) -> tuple[str, str, str] | None:
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
    row, mi = rows[0], _latest_first(tuple(old))[0]
    name = draft.ingredient.capitalize()
    since = f", since {mi.onset.isoformat()}" if mi.onset else ""
    return (
        cards.fit_summary(
            f"{name} with an old myocardial infarction on record: use with caution ({row['cite']})",
            f"{name} with an old myocardial infarction on record: use with caution",
        ),
        f"- {row['note']} ({mi.display}, {mi.coding}{since}). Source: "
        f"{row['cite']}{unverified_mark(row['status'])}.",
        row["cite"],
    )


def _under_min_age_line(ctx: RuleContext, draft: DraftOrder) -> tuple[str, str, str] | None:
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


def _thyroid_line(name: str, caution: thyroid_hormone_cautions.Caution) -> tuple[str, str]:
    """(summary, detail line) of a thyroid hormone caution row (data/thyroid_hormone_cautions.csv):
    the coded condition or the replacement taken, named with its code and date."""
    row = caution.row
    if caution.finding is not None:
        # The coded display, else the row's name ("coronary artery disease"): a long display
        # must not leave the summary without the condition.
        heads = [f"{name} with {caution.short()} on record", f"{name} with {row.name} on record"]
        act = "use with caution, start at a lower dose"
    else:
        heads = [f"{name} beside {row.what}"]
        act = "adjust by TSH and free T4, with endocrine input"
    summary = cards.fit_summary(
        *(f"{head}: {act} ({row.cite})" for head in heads),
        *(f"{head}: {act}" for head in heads),
        f"{name}: {act} ({row.cite})",
    )
    return summary, (
        f"- {row.note} ({caution.basis()}). Source: {row.cite}{unverified_mark(row.status)}."
    )


def _transaminase_line(
    ctx: RuleContext, draft: DraftOrder, said: set[str]
) -> tuple[str, str, str] | None:
    """Nefazodone or duloxetine drafted with no liver disease coded and a recent ALT or AST at or
    above the policy's multiple of its upper limit of normal (services/transaminases.py; review
    12 H10): the labels' "elevated baseline serum transaminases" (nefazodone) and "evidence of
    chronic liver disease" (duloxetine). Named with value, date, ULN and its cite; (summary, detail
    line, cite). A coded liver disease already said it (drug_cautions.csv): not twice."""
    caution = transaminases.caution_for(draft.ingredient)
    if caution is None or _LIVER.value in said:
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


def _lactation(
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
    since = f", since {feeding.onset.isoformat()}" if feeding and feeding.onset else ""
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


def _when(ctx: RuleContext, finding: Finding) -> str:
    """When the finding dates from: "since <onset>", or for a windowed finding (an acute MI) its
    onset and the window it falls in, so the card states why it counts as recent."""
    onset = finding.onset_text
    if finding.kind not in cardiac.WINDOWED:
        return f", since {finding.onset.isoformat()}" if finding.onset else ""
    window = ctx.policy.recent_mi_days
    if onset is None:
        return f", no onset date on record: read as within the last {window} days"
    return f", onset {onset}: within the last {window} days"


def _last_resort(name: str, note: str, display: str) -> str:
    """The summary when the row's note does not fit: "contraindicated" only where the row says
    so (bupropion with a seizure disorder); a label's "avoid" or "ordinarily not prescribed"
    (duloxetine with liver disease) is a warning, and a card must not claim more than its row."""
    if "contraindicated" in note.lower():
        return f"{name} is contraindicated by a condition on record ({display})"
    return f"{name}: a condition on record weighs against it ({display})"


def _latest_first(found: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """Latest onset first (undated last), as populations.py picks the finding it names."""
    return tuple(sorted(found, key=lambda f: f.onset or date.min, reverse=True))


def _finding_words(rule: DrugRule) -> str:
    """What a caveat's short summary says is on record: the row's code set when it narrows the
    kind ("alcohol use": bupropion's seizure caveat is about alcohol, and "substance use" hid
    it, review 14 audit b05), else its finding kind ("pregnancy")."""
    if rule.finding_codes is not None:
        return rule.finding_codes.name.replace("-", " ")
    return rule.finding.value.replace("-", " ") if rule.finding is not None else "a finding"


def _last_course(ctx: RuleContext) -> Trial | None:
    """The antidepressant course taken most recently (running now, or ended latest), or None.
    A course that is no antidepressant trial (trazodone 50 mg for sleep, bupropion for smoking
    cessation: Verdict.NOT_A_TRIAL) does not count: an antidepressant started for depression
    beside it is still a start (the safer reading: the warning is shown)."""
    courses = [t for t in ctx.record.antidepressant_trials() if t.verdict is not _NOT_A_TRIAL]
    return max(courses, key=_last_taken) if courses else None


def _last_taken(trial: Trial) -> date:
    """The last day the record shows the course taken: as-of while it runs, the day an on-hold
    record last supports it (fhir_mapping/trial_record.py), else its end."""
    if trial.on_hold is not None:
        return min(trial.on_hold, trial.end)
    return trial.end


def boxed_warning_start(ctx: RuleContext, drafts: Sequence[DraftOrder]) -> OrderCheck | None:
    """The FDA boxed warning as an information check, for an order that starts antidepressant
    treatment for a patient under 25 (review 14 W4): no antidepressant course runs now or ended
    within policy.antidepressant_new_start_days. The label asks for close monitoring "especially
    during the initial few months", so the start is when the prescriber needs it.

    Not on a renewal or dose change of a running antidepressant, nor on a switch from one taken
    within the window: the warning was due when that treatment started, and a card on every dose
    change of a young patient's drug would be read past (noise); the line still rides on any card
    such an order gets (order_hooks). Not on patient-view either: review 13 y3 put the reminder
    at the order, where the decision is made. The order hook shows it only when no other card
    does, so the screen holds one card, not two."""
    line = boxed_warning_line(ctx)
    if not line or not drafts:
        return None
    last = _last_course(ctx)
    window = ctx.policy.antidepressant_new_start_days
    since = ctx.record.as_of - timedelta(days=window)
    if last is not None and _last_taken(last) >= since:
        return None
    warning = populations.boxed_warning(ctx)
    assert warning is not None  # boxed_warning_line said it applies
    years = populations.age(ctx)
    ordered = cards.and_list([f"{d.ingredient} {order_doses.draft_dose(d)}" for d in drafts])
    verb = "starts" if len(drafts) == 1 else "start"
    before = (
        f" (last: {last.ingredient}, ended {_last_taken(last).isoformat()})"
        if last is not None
        else ""
    )
    name = drafts[0].ingredient.capitalize()
    return OrderCheck(
        CAUTION,
        drafts[0],
        cards.fit_summary(
            f"{name} at age {years}: antidepressants raise the risk of suicidal thinking and "
            f"behaviour under 25 ({warning.cite}): monitor closely",
            f"{name} at age {years}: suicidality under 25 ({warning.cite}): monitor closely",
        ),
        f"{line}\n\n{ordered} {verb} antidepressant treatment: no antidepressant course on "
        f"record in the last {window} days{before}.",
        indicator=Indicator.INFO,
        basis=(warning.cite,),
    )


def boxed_warning_line(ctx: RuleContext) -> str:
    """The FDA boxed warning on suicidality for a patient under 25 (data/
    age_restricted_antidepressants.csv), one line, or "" when it does not apply."""
    warning = populations.boxed_warning(ctx)
    if warning is None:
        return ""
    return f"**Boxed warning (age {populations.age(ctx)}):** {warning.note} ({warning.cite})."
