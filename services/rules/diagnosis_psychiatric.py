"""The psychiatric lines of the diagnosis review card (`psychiatric_items`): bipolar disorder or
mania on record (with an antidepressant running without antimanic cover), a primary psychotic
disorder, psychotic features the optimise card does not take up, PMDD coded alone with a
depressed PHQ-9, a remission code the latest PHQ-9 contradicts, and substance use (active, or in
remission as an information line).

Apart from diagnosis_review.py because these are checked whenever the pathway applies (substance
use once an antidepressant was tried), the medical contributors (diagnosis_medical.py) only after
a failed trial; the card puts them together.
"""

from __future__ import annotations

from fhir_mapping.condition_indications import depression_on_record
from fhir_mapping.record import FindingKind
from services import (
    bipolar_findings,
    bipolar_type,
    cards,
    masked_diagnosis,
    mood_cover,
    tables,
    trial_indication,
)
from services.order_doses import trial_dose
from services.pathway import ongoing_mood_stabiliser, stabilisers_below_antimanic_dose
from services.rules import optimize_switch_augment
from services.rules.context import RuleContext
from services.rules.diagnosis_item import Item, _finding_ref
from services.rules.diagnosis_substance import (
    alcohol_screen,
    old_visit_year,
    remission_ask,
    screen_items,
    substance_named,
    substance_words,
)


def psychiatric_items(ctx: RuleContext) -> list[Item]:
    facts, record = ctx.facts, ctx.record
    items: list[Item] = []
    if facts.bipolar:
        # Every manic reaction is named (two switches on two antidepressants make the pattern),
        # and mania recorded only as a reaction is not called a diagnosis (review 10 finding 4;
        # services/bipolar_findings.py).
        refs = "; ".join(
            # Its status when the record marks it resolved (review s28 RJ finding 13).
            f"{_finding_ref(f)[:-1]}{bipolar_findings.status_words(f)})"
            for f in bipolar_findings.named(facts.bipolar)
        )
        head = bipolar_findings.head(facts.bipolar)
        # The rule cited and the switch named follow the bipolar type on record (review s21 RD
        # finding 10; services/bipolar_type.py).
        words = bipolar_type.wording(facts.bipolar)
        only_with = words.review_rule
        switch = f"risk of a switch to {words.switch_to}"
        if bipolar_findings.reactions_only(facts.bipolar):
            text = (
                f"**{head[:1].upper()}{head[1:]}:** {refs}. Assess for missed bipolar "
                "disorder with psychiatry (CANMAT 2023 para 184); until then the unipolar TRD "
                f"pathway does not apply and {only_with}."
            )
        elif qualifier := bipolar_findings.not_confirmed(facts.bipolar):
            # Entered as a differential or provisional diagnosis (review 14 M1): said so, and
            # still read as bipolar until psychiatry confirms or refutes it, the safer reading:
            # an antidepressant without a mood stabiliser risks a switch to mania if it is.
            # Or named only in the text of an entry coded otherwise (review s22 RX finding 1):
            # "Problem text mentions possible bipolar disorder", as the head says.
            text = (
                f"**{head[:1].upper()}{head[1:]}:** {refs}. Until psychiatry "
                f"confirms or refutes it, the unipolar TRD pathway does not apply and {only_with}."
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
                    f"then, the unipolar TRD pathway does not apply and {only_with}."
                )
        else:
            text = (
                f"**Bipolar disorder or mania on record:** {refs}. The unipolar TRD pathway does "
                f"not apply; {only_with}. Confirm the diagnosis with psychiatry."
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
                    f"(lithium, valproate) or antimanic antipsychotic on record: {switch} "
                    "(CANMAT/ISBD 2018)."
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
                        f"switch to {words.switch_to} (CANMAT/ISBD 2018)."
                    )
            else:
                short = f"{head}, {names} without a mood stabiliser"
                text += (
                    f" {names.capitalize()} is running with no mood stabiliser or antipsychotic "
                    f"on record: {switch}."
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
    other = _other_disorder_only(ctx) or _other_use_only(ctx)
    if other is not None:
        items.append(other)
    outdated = _remission_coded_but_depressed(ctx)
    if outdated is not None:
        items.append(outdated)
    substance = facts.findings_of(FindingKind.SUBSTANCE_USE)
    visit_only = False
    if substance and facts.episode_trials:
        # A running drug a row rules out for it (duloxetine: Cymbalta label 5.2) is not named
        # here: the running-drug card warns of it, as of duloxetine with cirrhosis (review 10
        # R10). A high AUDIT-C with no diagnosis has its own line (below).
        # Not a hold on the optimise card's adjuncts: CANMAT 2023 para 181 names substance use
        # among the comorbidities associated with poor response, a contributor to assess and
        # treat, not a contraindication to an adjunct (REFERENCE.md 1 and 6 say the same; the
        # drug-specific cautions, bupropion and duloxetine with alcohol, are said where those
        # drugs are proposed). So the line asks for it alongside escalation, as the one-click
        # adjuncts beside it allow (review 14 audit s01).
        what = substance_words(substance)
        years = [old_visit_year(ctx, f) for f in substance]
        visit_only = all(years)
        if visit_only:
            # Every record of it is an old visit's status-less encounter diagnosis (review s22
            # RX finding 7: an F12.20 of a 2019 visit read as current use): said as of that
            # visit, asking whether it is current. A warning still (it may well be current, and
            # asking costs a question), alongside escalation as the coded disorder's line.
            f = substance[0]
            year = max(y for y in years if y is not None)
            display = f.display[:1].lower() + f.display[1:]
            items.append(
                Item(
                    f"{what} recorded at a {year} visit: ask",
                    f"**{what[:1].upper()}{what[1:]} recorded at a {year} visit:** "
                    f"{f.display} ({f.coding}, encounter diagnosis of the {f.visit}, no status "
                    f"since){alcohol_screen(ctx)}. Ask whether it is current; if it is, offer "
                    "treatment or referral alongside any escalation (substance use disorders are "
                    "associated with poor response, CANMAT 2023 para 181), and update the "
                    "problem list either way.",
                    alongside=True,
                    named=(
                        f"{display} ({f.code}) recorded at a {year} visit: ask",
                        f"{what} recorded at a {year} visit: ask",
                    ),
                    subject=what,
                )
            )
    if substance and facts.episode_trials and not visit_only:
        if what == "alcohol use":  # "active alcohol use disorder", as the code says
            what += " disorder"
        advice = (
            "Substance use disorders are associated with poor response (CANMAT 2023 para "
            "181): ask about current use and offer treatment or referral, alongside any "
            f"escalation.{remission_ask(ctx, substance)}"
        )
        items.append(
            Item(
                f"active {what}",
                f"**{what[:1].upper()}{what[1:]}:** {_finding_ref(substance[0])}"
                f"{alcohol_screen(ctx)}. {advice}",
                alongside=True,
                named=substance_named(ctx, substance[0], f"active {what}"),
                subject=what,
                advice=advice,
            )
        )
    elif not substance and facts.episode_trials:
        # No substance use coded and a recent alcohol or drug screen at or above the clinic's
        # cut-off: said whatever drug runs (review s22 RX finding 2, K61a s39 finding 8;
        # diagnosis_substance.screen_items).
        items.extend(screen_items(ctx))
    remitted = facts.findings_of(FindingKind.SUBSTANCE_USE_IN_REMISSION)
    if remitted and not substance and facts.episode_trials:
        # In remission is not active use (review 7 finding 8): CANMAT 2023 para 181 is about
        # comorbid, current use, so this never gates escalation; a detail line only.
        f = remitted[0]
        onset = f", onset {f.onset_text}" if f.onset else ""
        what = substance_words(remitted) + " disorder"
        items.append(
            Item(
                "",
                f"**{what[:1].upper()}{what[1:]} in remission:** {f.display} ({f.coding}"
                f"{onset}). Not active use and not a reason to hold escalation; keep it in mind "
                "with drugs that can be misused (esketamine: boxed warning on abuse and misuse).",
                info=True,
            )
        )
    # A diagnosis sent with its code masked: settled first, what it is never guessed (mask47).
    return items + masked_diagnosis.review_items(
        facts.findings_of(FindingKind.DIAGNOSIS_UNREADABLE)
    )


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
        # Information, as the other not-MDD diagnoses' line is (`_other_disorder_only`; audit 16
        # minor: a05 was a warning, a03/a06/a08 information, for the same ask): the SSRI is
        # appropriate treatment of PMDD, nothing here is unsafe, and the one act asked for is
        # the assessment.
        minor=True,
    )


def _other_disorder_only(ctx: RuleContext) -> Item | None:
    """Another condition coded (OCD, GAD, adjustment disorder, prolonged grief, a symptom code)
    and no depression diagnosis (PathwayFacts.other_disorder_only) while the latest PHQ-9 is in
    a depression band: one line asking for an assessment for a major depressive episode, naming
    the courses as treatment of that condition. The other pathway cards hold
    (patient_view.PMDD_ONLY_RULES): the adjuncts, TMS and ECT they would propose are MDD
    treatments, and calling an SSRI course for OCD a failed depression trial would misstate the
    chart (review 16 W2).

    Said as information, not a warning: the courses are appropriate treatment of the condition
    on record and nothing here is unsafe; the one act asked for is the assessment, and a card
    that shouts on every treated anxiety disorder with a high PHQ-9 would be noise. A PHQ-9
    below the depression bands, or none, gives no line (and no card)."""
    facts = ctx.facts
    latest = facts.latest_phq9
    if not facts.other_disorder_only or latest is None or latest.value is None:
        return None
    if not tables.phq9_band(latest.value).indicates_depression:
        return None
    # One line per Condition: its two codings (F42.2 and SNOMED 191736004), or an anxiety and a
    # PTSD reading of one code, are one diagnosis.
    by_condition: dict[object, str] = {}
    for f in facts.other_disorder:
        by_condition.setdefault(f.source or (f.system, f.code), _finding_ref(f))
    named = "; ".join(dict.fromkeys(by_condition.values()))
    courses = tuple(facts.episode_trials) or tuple(facts.ongoing_trials)
    treated = (
        f" {cards.names(courses).capitalize()}: not counted as failed depression trials while "
        "no depression is diagnosed."
        if courses
        else ""
    )
    return Item(
        f"PHQ-9 {latest.value}, no depression diagnosis",
        f"**PHQ-9 {latest.value} with no depression diagnosis on record:** {named}; "
        f"{cards.phq9_text(latest)}.{treated} Assess for a major depressive episode: the TRD "
        "steps (augmentation, TMS, ECT, esketamine) are treatments of major depression (CANMAT "
        "2023; LCD L37086), so none is proposed until one is diagnosed and recorded.",
        minor=True,  # information: holds nothing the cards above would offer (see docstring)
    )


def _other_use_only(ctx: RuleContext) -> Item | None:
    """An antidepressant running as treatment of another condition (ordered for smoking
    cessation, or taken with fibromyalgia on record: trial_indication.other_use_reason) and no
    depression diagnosis on record (condition_indications.depression_on_record, the mapping's
    own reading) while the latest PHQ-9 is in a depression band: one line asking for an
    assessment for a major depressive episode (review 19 I2). The course is rightly not a failed
    depression trial, but the score is not dropped in silence because of it.

    Information, as `_other_disorder_only` (which says it instead when another psychiatric
    condition is coded): the drug treats the condition on record and nothing here is unsafe.
    Bipolar disorder, a primary psychotic disorder and PMDD alone have their own lines."""
    facts, record = ctx.facts, ctx.record
    latest = facts.latest_phq9
    if latest is None or latest.value is None:
        return None
    if not tables.phq9_band(latest.value).indicates_depression:
        return None
    if facts.pmdd_only or facts.bipolar or facts.psychotic_disorder:
        return None
    running = [
        (t, why)
        for t in record.trials
        if t.ongoing and (why := trial_indication.other_use_reason(t)) is not None
    ]
    if not running or depression_on_record(record.trials, record.context.findings):
        return None
    uses = "; ".join(f"{t.ingredient} {why}" for t, why in running)
    counted = "a failed depression trial" if len(running) == 1 else "failed depression trials"
    band = tables.phq9_band(latest.value).label
    return Item(
        f"PHQ-9 {latest.value}, no depression diagnosis",
        f"**PHQ-9 {latest.value} with no depression diagnosis on record** ({band}, "
        f"{latest.date.isoformat()}): not counted as {counted}: {uses}. Assess for a major "
        "depressive episode and record the diagnosis if one is present: the TRD steps "
        "(augmentation, TMS, ECT, esketamine) are treatments of major depression (CANMAT 2023).",
        minor=True,  # information: see docstring
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
