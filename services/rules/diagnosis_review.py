"""Diagnosis review: confirm the diagnosis and look for medical contributors before escalating.

CANMAT 2023 (para 184) asks, on poor response, to re-evaluate the diagnosis (missed bipolar
disorder), comorbidity and medical contributors; para 181 names substance use and undiagnosed sleep
apnea. Psychotic features change the treatment (antidepressant + antipsychotic, or ECT; CANMAT 2023
Table 3.6 and para 215). Lab flags come from each lab's own reference interval (the mapping reads
interpretation or range); REFERENCE.md 6 gives no cut-offs of its own.

What is checked when:
- bipolar disorder / mania and psychotic features: whenever the pathway applies;
- active substance use: once an antidepressant has been tried in this episode (a running drug a
  condition row rules out for it, duloxetine with alcohol use or a high AUDIT-C: Cymbalta label
  5.2, is a warning on the running-drug card, rules/running_cautions.py, as with cirrhosis);
- thyroid, B12, folate, vitamin D, untreated sleep apnea: after >= 1 adequate failed trial;
- no TSH within policy.tsh_lookback_days: when TRD is met (suggests ordering TSH, LOINC 3016-3).
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import timedelta

from fhir_mapping.record import (
    DataDomain,
    Finding,
    FindingKind,
    LabResult,
    ProcedureKind,
    Score,
    SourceRef,
)
from services import (
    bipolar_findings,
    cards,
    contributor_timing,
    drug_rules,
    mood_cover,
    suggestions,
    tables,
    trial_count,
)
from services.order_doses import trial_dose
from services.pathway import (
    OPEN_REQUEST_STATUSES,
    ongoing_mood_stabiliser,
    stabilisers_below_antimanic_dose,
)
from services.recommendation import Indicator, Recommendation, Suggestion
from services.rules import adjunct_harm, one_click_hold, optimize_switch_augment
from services.rules.context import RuleContext

TOPIC = "diagnosis-review"
ABNORMAL = frozenset({"low", "high"})


@dataclass(frozen=True, slots=True)
class Item:
    short: str  # for the summary
    text: str  # markdown bullet for the detail
    # Said in the detail only: never in the summary, never a reason for a warning or a card of
    # its own (a substance use disorder in remission: review 7 finding 8).
    info: bool = False
    # A contributor to review alongside escalation, not a reason to settle before it: the
    # optimise card's adjuncts stay one click beside it, so a summary of such items alone says
    # "alongside", never "before escalating" (review 14 audit s01). `named`: how the summary
    # names it, longest first (`short` when empty); `subject`: what the summary asks to review.
    alongside: bool = False
    named: tuple[str, ...] = ()
    subject: str = ""


def _finding_ref(finding: Finding) -> str:
    # A manic reaction is a dated event, "on" its day; a diagnosis is present "since" its onset.
    when = bipolar_findings.when_word(finding)
    onset = f", {when} {finding.onset_text}" if finding.onset else ""
    return f"{finding.display} ({finding.coding}{onset})"


# The alcohol screens a substance-use line names with their score (review 14 M3: an AUDIT-C of 9
# three weeks before was left out beside the F10.20 it measures); the instruments are
# observation_codes.csv's, the window the one the alcohol rows read (policy.alcohol_screen_recent_days).
_ALCOHOL_SCREENS = ("AUDIT-C", "AUDIT")


def _alcohol_screen(ctx: RuleContext) -> str:
    """ "; AUDIT-C 9 on 2025-05-12" for the latest alcohol screen within the window, else ""."""
    latest = _latest_alcohol_screen(ctx)
    if latest is None:
        return ""
    computed = ", computed from items" if latest.total_computed else ""
    return f"; {latest.instrument} {latest.value:g} on {latest.date.isoformat()}{computed}"


def _latest_alcohol_screen(ctx: RuleContext) -> Score | None:
    """The latest alcohol screen with a value within the window, or None."""
    since = ctx.record.as_of - timedelta(days=ctx.policy.alcohol_screen_recent_days)
    recent = [
        s
        for s in ctx.record.scores
        if s.instrument in _ALCOHOL_SCREENS and s.value is not None and s.date >= since
    ]
    return max(recent, key=lambda s: s.date) if recent else None


def _in_sentence(text: str) -> str:
    """A display name inside a sentence: its first letter in lower case ("alcohol dependence"),
    unless the first word is an abbreviation ("PTSD") (review 14 audit t01: "with Heart
    failure")."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _substance_named(ctx: RuleContext, finding: Finding, short: str) -> tuple[str, ...]:
    """How the summary names the substance use, longest first: "alcohol dependence,
    uncomplicated (ICD-10-CM F10.20); AUDIT-C 9 on 2025-05-12", then shorter (review 14 audit
    s01: the summary said "active substance use" where the chart said alcohol)."""
    display = _in_sentence(finding.display)
    screen = _latest_alcohol_screen(ctx)
    score = (
        f"{screen.instrument} {screen.value:g}"
        if screen is not None and screen.value is not None
        else ""
    )
    dated = f"; {score} on {screen.date.isoformat()}" if screen is not None and score else ""
    short_score = f", {score}" if score else ""
    if finding.system == "text":  # typed in: no code to name
        return (f"{display}{dated}", f"{display}{short_score}", short)
    return (
        f"{display} ({finding.coding}){dated}",
        f"{display} ({finding.code}){short_score}",
        f"{display}{short_score}",
        short,
    )


# The code set (data/finding_code_sets.csv) whose findings are alcohol use: the alcohol codes,
# and text-only entries naming alcohol, of the substance-use kinds.
_ALCOHOL_SET = "alcohol-use"


def _substance_words(findings: tuple[Finding, ...]) -> str:
    """What the substance use on record is: "alcohol use" when every finding is alcohol use,
    "alcohol and other substance use" when some are, else "substance use". An F10.20 named
    "substance use" hid that the finding is alcohol, on the screen where the bupropion and
    duloxetine caveats speak of alcohol (review 14 audit, s01)."""
    alcohol = drug_rules.code_sets()[_ALCOHOL_SET]
    held = [alcohol.holds(f) for f in findings]
    if all(held):
        return "alcohol use"
    return "alcohol and other substance use" if any(held) else "substance use"


def _lab_ref(lab: LabResult) -> str:
    value = "no value" if lab.value is None else f"{lab.value:g} {lab.unit or ''}".strip()
    return f"{value}, {lab.flag or 'unflagged'}, {lab.date.isoformat()}"


def _psychiatric(ctx: RuleContext) -> list[Item]:
    facts, record = ctx.facts, ctx.record
    items: list[Item] = []
    if facts.bipolar:
        # Every manic reaction is named (two switches on two antidepressants make the pattern),
        # and mania recorded only as a reaction is not called a diagnosis (review 10 finding 4;
        # services/bipolar_findings.py).
        refs = "; ".join(_finding_ref(f) for f in bipolar_findings.named(facts.bipolar))
        head = bipolar_findings.head(facts.bipolar)
        if bipolar_findings.reactions_only(facts.bipolar):
            text = (
                f"**{head[:1].upper()}{head[1:]}:** {refs}. Assess for missed bipolar "
                "disorder with psychiatry (CANMAT 2023 para 184); until then the unipolar TRD "
                "pathway does not apply and antidepressants only with a mood stabiliser (ISBD "
                "2013)."
            )
        elif qualifier := bipolar_findings.not_confirmed(facts.bipolar):
            # Entered as a differential or provisional diagnosis (review 14 M1): said so, and
            # still read as bipolar until psychiatry confirms or refutes it, the safer reading:
            # an antidepressant without a mood stabiliser risks a switch to mania if it is.
            text = (
                f"**Bipolar disorder on record ({qualifier}):** {refs}. Until psychiatry "
                "confirms or refutes it, the unipolar TRD pathway does not apply and "
                "antidepressants only with a mood stabiliser (ISBD 2013)."
            )
            # A later entry refuting it (review 14 recheck b01): the block stays (the
            # differential entry is still on the list, and a wrong refutation would leave an
            # antidepressant unopposed in bipolar disorder: the safer reading), but the card
            # names the entry so the prescriber can settle which stands.
            refuted = bipolar_findings.refuted_words(
                facts.bipolar, record.context.of(FindingKind.BIPOLAR_REFUTED)
            )
            if refuted is not None:
                qualifier, sentence = refuted
                text = (
                    f"**Bipolar disorder on record ({qualifier}):** {refs}. {sentence} Until "
                    "then, the unipolar TRD pathway does not apply and antidepressants only "
                    "with a mood stabiliser (ISBD 2013)."
                )
        else:
            text = (
                f"**Bipolar disorder or mania on record:** {refs}. The unipolar TRD pathway does "
                "not apply; antidepressants only with a mood stabiliser (ISBD 2013). Confirm the "
                "diagnosis with psychiatry."
            )
        short = head
        # Safety: an antidepressant running alone in bipolar disorder is named, not left implied.
        alone = facts.ongoing_trials  # antidepressants at treatment doses (not low-dose sleep)
        if alone and ongoing_mood_stabiliser(record) is None:
            names = cards.names(alone)
            # Lamotrigine, lurasidone or brexpiprazole running is not "no mood stabiliser": it is
            # a drug without antimanic cover, named as the order hooks name it (CANMAT/ISBD 2018;
            # data/mood_stabilisers.csv).
            weak = mood_cover.without_antimanic_cover(record, drafts=False)
            if weak:
                only = mood_cover.only_text(weak)
                short = f"{head}, {names} with {only}"
                text += (
                    f" {names.capitalize()} is running with {only}. "
                    f"{mood_cover.reasons_text(weak)}. With no antimanic mood stabiliser "
                    "(lithium, valproate) or antimanic antipsychotic on record: risk of a switch "
                    "to mania (CANMAT/ISBD 2018)."
                )
            elif low := stabilisers_below_antimanic_dose(record):
                # An antimanic agent below its antimanic dose (quetiapine 25 mg at night) is not
                # "no mood stabiliser": it is named with its dose, as the order hooks name it.
                below = " and ".join(
                    f"{t.ingredient} {trial_dose(t)}"  # "25 mg as needed": no mg/day
                    if t.current_mg_per_day is not None
                    else f"{t.ingredient} (dose not read)"
                    for t in low
                )
                if {t.ingredient for t in alone} <= {t.ingredient for t in low}:
                    # Recheck 2 m31: the running course is the antimanic agent itself (quetiapine
                    # 300 mg/day alone); "quetiapine with only quetiapine" said nothing true.
                    short = f"{head}, {below} alone, below its antimanic dose"
                    text += (
                        f" {below[0].upper()}{below[1:]} is running alone, below the dose at "
                        "which it treats mania (acute-mania dose), with no other mood "
                        "stabiliser on record (CANMAT/ISBD 2018)."
                    )
                else:
                    short = f"{head}, {names} with only {below}"
                    text += (
                        f" {names.capitalize()} is running with only {below}, below the dose at "
                        "which it treats mania (acute-mania dose): not cover against a "
                        "switch to mania (CANMAT/ISBD 2018)."
                    )
            else:
                short = f"{head}, {names} without a mood stabiliser"
                text += (
                    f" {names.capitalize()} is running with no mood stabiliser or antipsychotic "
                    "on record: risk of a switch to mania."
                )
        items.append(Item(short, text))
    disorder = facts.psychotic_disorder
    if disorder:
        # Schizoaffective disorder or schizophrenia is not MDD with psychotic features (review 7
        # finding 9): psychotic disorders are excluded from the TRD flag (REFERENCE.md, CMS159)
        # and schizoaffective disorder is a TMS coverage exclusion (Ambetter CP.BH.200), so the
        # card says, as for bipolar disorder, that the unipolar pathway does not apply.
        items.append(
            Item(
                "psychotic disorder on record",
                f"**Psychotic disorder on record:** {_finding_ref(disorder[0])}. Not major "
                "depression with psychotic features: the unipolar TRD pathway and the "
                "psychotic-depression regimen (STOP-PD) do not apply, and TMS policies exclude "
                "it. Plan antidepressant changes with the treating psychiatrist; a running "
                "antipsychotic stays with its prescriber.",
            )
        )
    elif facts.psychotic and not optimize_switch_augment.speaks_to_psychotic_features(ctx):
        # Said here only when the optimise card does not take them up (issue 12: once a screen).
        items.append(
            Item(
                "psychotic features",
                f"**Psychotic features:** {_finding_ref(facts.psychotic[0])}. Treat with an "
                "antidepressant plus an antipsychotic, or consider ECT (CANMAT 2023 Table 3.6, "
                "para 215); TMS policies exclude psychotic features.",
            )
        )
    pmdd = _pmdd_only(ctx)
    if pmdd is not None:
        items.append(pmdd)
    outdated = _remission_coded_but_depressed(ctx)
    if outdated is not None:
        items.append(outdated)
    substance = facts.findings_of(FindingKind.SUBSTANCE_USE)
    if substance and facts.episode_trials:
        # A running drug a row rules out for it (duloxetine: Cymbalta label 5.2) is not named
        # here: the running-drug card warns of it, as of duloxetine with cirrhosis (review 10
        # R10), and a high AUDIT-C alone (no diagnosis) is said there only.
        # Not a hold on the optimise card's adjuncts: CANMAT 2023 para 181 names substance use
        # among the comorbidities associated with poor response, a contributor to assess and
        # treat, not a contraindication to an adjunct (REFERENCE.md 1 and 6 say the same; the
        # drug-specific cautions, bupropion and duloxetine with alcohol, are said where those
        # drugs are proposed). So the line asks for it alongside escalation, as the one-click
        # adjuncts beside it allow (review 14 audit s01).
        what = _substance_words(substance)
        if what == "alcohol use":  # "active alcohol use disorder", as the code says
            what += " disorder"
        items.append(
            Item(
                f"active {what}",
                f"**{what[:1].upper()}{what[1:]}:** {_finding_ref(substance[0])}"
                f"{_alcohol_screen(ctx)}. Substance use disorders are associated with poor "
                "response (CANMAT 2023 para 181): ask about current use and offer treatment or "
                "referral, alongside any escalation.",
                alongside=True,
                named=_substance_named(ctx, substance[0], f"active {what}"),
                subject=what,
            )
        )
    remitted = facts.findings_of(FindingKind.SUBSTANCE_USE_IN_REMISSION)
    if remitted and not substance and facts.episode_trials:
        # In remission is not active use (review 7 finding 8): CANMAT 2023 para 181 is about
        # comorbid, current use, so this never gates escalation; a detail line only.
        f = remitted[0]
        onset = f", onset {f.onset_text}" if f.onset else ""
        what = _substance_words(remitted) + " disorder"
        items.append(
            Item(
                "",
                f"**{what[:1].upper()}{what[1:]} in remission:** {f.display} ({f.coding}"
                f"{onset}). Not active use and not a reason to hold escalation; keep it in mind "
                "with drugs that can be misused (esketamine: boxed warning on abuse and misuse).",
                info=True,
            )
        )
    return items


def _pmdd_only(ctx: RuleContext) -> Item | None:
    """PMDD coded and no depression diagnosis (PathwayFacts.pmdd_only) while the latest PHQ-9 is
    in a depression band: assess for a major depressive episode before any TRD step. PMDD's
    symptoms are confined to the luteal phase (DSM-5), so a score taken then is not a diagnosis
    of MDD, and the SSRI given for it is no depression trial; the other pathway cards hold
    (patient_view.PMDD_ONLY_RULES)."""
    facts = ctx.facts
    latest = facts.latest_phq9
    if not facts.pmdd_only or latest is None or latest.value is None:
        return None
    if not tables.phq9_band(latest.value).indicates_depression:
        return None
    pmdd = facts.findings_of(FindingKind.PMDD)[0]
    return Item(
        f"PHQ-9 {latest.value} with PMDD only coded",
        f"**PHQ-9 {latest.value} with PMDD only coded:** {_finding_ref(pmdd)}; "
        f"{cards.phq9_text(latest)}. Assess for a major depressive episode (PMDD's symptoms are "
        "confined to the luteal phase, DSM-5): the TRD pathway (switch, augmentation, TMS) "
        "applies to major depression, so no switch or augmentation is proposed until one is "
        "diagnosed (an SSRI given for PMDD is no trial for depression).",
    )


def _remission_coded_but_depressed(ctx: RuleContext) -> Item | None:
    """The problem list says "in remission" (e.g. F33.41) while the latest PHQ-9 says moderate
    depression or worse: the coded diagnosis is out of date (relapse?) and a referral citing it
    would not stand."""
    remission = ctx.facts.findings_of(FindingKind.MDD_IN_REMISSION)
    latest = ctx.facts.latest_phq9
    if not remission or latest is None or latest.value is None:
        return None
    if not tables.phq9_band(latest.value).indicates_depression:
        return None
    if any(f.onset is not None and f.onset > latest.date for f in remission):
        return None  # coded after the score: the newer judgement stands
    return Item(
        "problem list says remission",
        f"**Problem list says remission:** {_finding_ref(remission[0])}, but "
        f"{cards.phq9_text(latest)}. Update the diagnosis (relapse or recurrence?) before "
        "acting on it.",
    )


def _latest_labs(ctx: RuleContext) -> dict[str, LabResult]:
    """Each test's latest result (`context.latest_lab`, the first of the latest date), in one
    pass over the labs for the five tests the card reads."""
    latest: dict[str, LabResult] = {}
    for lab in ctx.record.context.labs:
        seen = latest.get(lab.test)
        if seen is None or lab.date > seen.date:
            latest[lab.test] = lab
    return latest


def _low(
    ctx: RuleContext,
    kind: FindingKind,
    test: str,
    label: str,
    labs: dict[str, LabResult] | None = None,
) -> Item | None:
    """`labs`: `_latest_labs(ctx)` when the caller has read them already."""
    findings = ctx.facts.findings_of(kind)
    lab = (_latest_labs(ctx) if labs is None else labs).get(test)
    if findings:
        return Item(f"{label} deficiency", f"**{label} deficiency:** {_finding_ref(findings[0])}.")
    if lab is not None and lab.flag == "low":
        return Item(f"low {label}", f"**Low {label}:** {_lab_ref(lab)}.")
    return None


def _medical(ctx: RuleContext, labs: dict[str, LabResult] | None = None) -> list[Item]:
    """`labs`: `_latest_labs(ctx)` when the caller has read them already."""
    record, facts = ctx.record, ctx.facts
    if labs is None:
        labs = _latest_labs(ctx)
    items: list[Item] = []
    hypothyroid = facts.findings_of(FindingKind.HYPOTHYROIDISM)
    tsh = labs.get("tsh")
    taking = adjunct_harm.explains_low_tsh(ctx, tsh) if tsh is not None else None
    if tsh is not None and taking is not None:
        # A low TSH taken on liothyronine is the drug's effect, not a thyroid cause of the
        # depression (review 13 U2): said as such, an information line that
        # never asks to confirm the diagnosis; the adverse-effect card says what to do.
        value = "" if tsh.value is None else f" {tsh.value:g}"
        items.append(
            Item(
                f"TSH low{value} on {taking.ingredient}",
                f"**TSH low on {taking.ingredient}:** {_lab_ref(tsh)}, taken on {taking.ingredient}"
                f" (since {taking.start.isoformat()}): the drug's effect, not a reason to doubt the "
                "diagnosis (adverse-effect card).",
                info=True,
            )
        )
    elif tsh is not None and tsh.flag in ABNORMAL:
        value = "" if tsh.value is None else f" {tsh.value:g}"
        items.append(Item(f"TSH {tsh.flag}{value}", f"**Abnormal TSH:** {_lab_ref(tsh)}."))
    elif hypothyroid:
        items.append(
            Item(
                "hypothyroidism",
                f"**Hypothyroidism on record:** {_finding_ref(hypothyroid[0])}; check it is "
                "treated.",
            )
        )
    for kind, test, label in (
        (FindingKind.B12_DEFICIENCY, "b12", "B12"),
        (FindingKind.FOLATE_DEFICIENCY, "folate", "folate"),
        (FindingKind.VITAMIN_D_DEFICIENCY, "vitamin-d", "vitamin D"),
    ):
        item = _low(ctx, kind, test, label, labs)
        timing = contributor_timing.timing(test)  # low vitamin D: alongside (review 15 h02)
        if item is not None and timing.alongside:
            item = replace(item, text=f"{item.text[:-1]}: {timing.why}.", alongside=True)
        if item is not None:
            items.append(item)
    apnea = facts.findings_of(FindingKind.SLEEP_APNEA)
    # Treatment is looked for only when there is apnea to treat (a chart's procedures are many).
    if apnea and not (
        facts.findings_of(FindingKind.SLEEP_APNEA_TREATED)
        or any(p.kind is ProcedureKind.CPAP for p in record.procedures)
    ):
        items.append(
            Item(
                "untreated sleep apnea",
                f"**Sleep apnea without treatment on record:** {_finding_ref(apnea[0])}. It can "
                "drive residual fatigue, insomnia and low motivation (CANMAT 2023 para 181).",
            )
        )
    return items


def tsh_missing(ctx: RuleContext, labs: dict[str, LabResult] | None = None) -> bool:
    """TRD met, no TSH within the look-back and no TSH order already open. `labs`:
    `_latest_labs(ctx)` when the caller has read them already."""
    if not ctx.facts.meets_trd:
        return False
    since = ctx.record.as_of - timedelta(days=ctx.policy.tsh_lookback_days)
    tsh = (_latest_labs(ctx) if labs is None else labs).get("tsh")
    if tsh is not None and tsh.date >= since:
        return False
    return not any(
        r.kind == "lab:tsh" and r.status in OPEN_REQUEST_STATUSES for r in ctx.record.referrals
    )


def _alongside_summary(items: list[Item]) -> str:
    """The summary when every finding is a contributor to review alongside escalation:
    "Review substance use alongside escalation: alcohol dependence, uncomplicated (ICD-10-CM
    F10.20); AUDIT-C 9 on 2025-05-12", each item named as fully as the length allows."""
    head = (
        f"Review {items[0].subject} alongside escalation"
        if len(items) == 1 and items[0].subject
        else "Review alongside escalation"
    )
    depth = max(len(i.named) for i in items) or 1
    candidates = [
        f"{head}: "
        + "; ".join(i.named[min(level, len(i.named) - 1)] if i.named else i.short for i in items)
        for level in range(depth)
    ]
    return cards.fit_summary(*candidates)


def _findings(ctx: RuleContext, labs: dict[str, LabResult]) -> list[Item]:
    """The card's items but the missing TSH: the psychiatric ones, and after a failed trial the
    medical contributors."""
    items = _psychiatric(ctx)
    if ctx.facts.failed_trials:
        items += _medical(ctx, labs)
    return items


def rule(ctx: RuleContext) -> Recommendation | None:
    labs = _latest_labs(ctx)  # the TSH is read twice, B12, folate and vitamin D once
    items = _findings(ctx, labs)
    suggestion: list[Suggestion] = []
    # What is on record; a missing TSH is not a finding (below), nor an info-only line.
    findings = sum(1 for i in items if not i.info)
    # Lab results that could not be obtained (the optional `labs` prefetch key not sent, a
    # failed search): a TSH may well be on record, so the line says it is not known, not absent.
    labs_unread = ctx.record.incomplete(DataDomain.LABS)
    if tsh_missing(ctx, labs):
        days = ctx.policy.tsh_lookback_days
        # The count in the words every card uses (services/trial_count.py, audit 13 WRONG 4).
        # Without the names: a drug named here would repeat another card's caution about it.
        _, failed = trial_count.failed_words(ctx.facts.failed_trials, ctx.record)
        items.append(
            Item(
                "TSH not known (lab results not available)",
                f"**TSH not known:** lab results could not all be read; after {failed}, check the latest TSH in the chart and consider one if clinically "
                "indicated (CANMAT 2023 Table 5.1; thyroid dysfunction is a treatable "
                "contributor, para 184).",
                alongside=True,  # as the missing TSH below
            )
            if labs_unread
            else Item(
                f"no TSH in {days} days",
                f"**No TSH in the last {days} days** after {failed}: consider one if clinically indicated (CANMAT 2023 "
                "Table 5.1; thyroid dysfunction is a treatable contributor, para 184).",
                # Alone it is an info card that says nothing of escalating (below); beside an
                # "alongside" item it does not turn the summary into "before escalating".
                alongside=True,
            )
        )
        reasons: list[SourceRef] = []
        depression = ctx.facts.depression_finding
        if depression is not None and depression.source is not None:
            reasons.append(depression.source)
        resource = None
        if ctx.patient_id is not None:
            resource = suggestions.service_request(
                patient_id=ctx.patient_id,
                concept="tsh",
                text="TSH (thyroid work-up in treatment-resistant depression)",
                reasons=reasons,
            )
        # Not marked recommended: CANMAT 2023 asks for labs when clinically indicated.
        suggestion.append(suggestions.create("Order TSH", resource))
    if not items or all(i.info for i in items):
        return None  # info lines ride along on a card that exists for something else
    shorts = "; ".join(i.short for i in items if not i.info)
    # A missing TSH alone is an info line, not a warning (issue 12; CANMAT 2023 Table 5.1): the
    # chart holds nothing that contradicts the diagnosis.
    indicator = Indicator.INFO if findings == 0 else None
    _, counted = trial_count.failed_words(ctx.facts.failed_trials, ctx.record)
    if findings == 0 and labs_unread:
        summary = cards.fit_summary(
            f"TSH not known (lab results not available) after {counted}: check it in the chart",
            "TSH not known (lab results not available): check it in the chart",
        )
    elif findings == 0:
        summary = cards.fit_summary(
            f"No TSH in {ctx.policy.tsh_lookback_days} days after {counted}: consider one if "
            "clinically indicated",
            f"No TSH in {ctx.policy.tsh_lookback_days} days: consider one if clinically indicated",
        )
    elif all(i.alongside for i in items if not i.info):
        summary = _alongside_summary([i for i in items if not i.info])
    else:
        summary = cards.fit_summary(
            f"Confirm the diagnosis before escalating: {shorts}",
            f"Before escalating: {shorts}",
            f"Review diagnosis before escalating ({sum(1 for i in items if not i.info)} findings)",
        )
    keys = ["canmat2023"]
    if ctx.facts.bipolar:
        keys.append("isbd2013")
        if mood_cover.without_antimanic_cover(ctx.record, drafts=False):
            keys.append("canmat-isbd2018")
    scores = cards.scores_evidence(ctx.record)
    detail = cards.join_sections(
        "\n".join(f"- {i.text}" for i in items),
        scores.text,
        cards.guideline_links(*keys),
    )
    return cards.make(
        TOPIC,
        summary=summary,
        detail=detail,
        suggestions=suggestion,
        indicator=indicator,
        evidence=(scores,),
    )


# --- the optimise card while this card says "before escalating" -------------------------------


def hold_one_click(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the optimise card's drug proposals as text while this card is on the screen
    (not in `hidden`) with a finding it asks to settle before escalating (an abnormal TSH, a low
    B12 or folate, bipolar disorder...): the summary said "Confirm the diagnosis before
    escalating" beside one-click adjuncts and raises, two cards saying opposite things (review 14
    audit s01, its lab findings left over).

    Why a hold, not "alongside" (the safer choice for the patient): CANMAT 2023 para 184 asks, on
    poor response, to re-evaluate the diagnosis and rule out medical contributors first. A
    depression kept going by an untreated hypothyroidism or a B12 deficiency is treated by
    correcting it; an adjunct added at the same time (an antipsychotic with its metabolic and
    movement risks) may not be needed, and a response could no longer be told apart from the
    correction's. The proposals stay on the card, named, so an escalation already judged right
    costs a typed order, not a missed step; a snooze of this card with a reason (the contributor
    treated or judged minor) makes them one click again. A contributor the card says to review
    alongside escalation (substance use, a missing TSH) holds nothing."""
    if not one_click_hold.shown(recs, TOPIC, hidden):
        return list(recs)
    before = [i for i in _findings(ctx, _latest_labs(ctx)) if not i.info and not i.alongside]
    if not before:
        return list(recs)
    named = "; ".join(i.short for i in before)
    display = tables.topic(TOPIC).display

    def line(held: list[Suggestion]) -> str | None:
        if not held:
            return None
        return (
            f"**Not one click before the diagnosis review** ({named}; {display} card): "
            f"{'; '.join(s.label for s in held)}. Assess these first and treat or recheck what "
            "is found (CANMAT 2023 para 184: re-evaluate the diagnosis and rule out medical "
            "contributors on poor response), then decide on the change."
        )

    # The summary names what is reviewed when it is short ("raise held (review TSH high 7.8
    # first)"), else the card it waits for.
    held_by = f"review {named} first" if len(named) <= _HELD_BY_MAX else "diagnosis review first"
    return one_click_hold.hold_drug_orders(recs, line, held_by=held_by)


# Longest finding list the held optimise summary names itself (the summary is short: cards.SUMMARY_MAX).
_HELD_BY_MAX = 40
