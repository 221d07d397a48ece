"""patient-view: the whole pathway, one card per topic, critical first.

Suicide risk is always evaluated and never suppressed; so are an MAOI running with a serotonergic
or noradrenergic antidepressant (maoi_combination), a running dose above the labelled maximum
for the patient's age (age_dose_limit), two running drugs that interact (interactions) and a
running drug a condition on record rules against (running_cautions), a running drug with a
reaction recorded while it ran (running_allergy) and a recent low sodium with an SSRI or SNRI
running (running_sodium). Every other card needs a
depressed patient who is not in remission (PathwayFacts.active): a patient with no depression, or
in remission, gets no pathway cards. Entered-in-error resources never reach the record (the mapping drops them).
A patient recorded deceased (Patient.deceased[x]) is not `active` either: the safety cards only,
led by the deceased card (services/deceased.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from collections.abc import Set as AbstractSet

from fhir_mapping.record import PatientRecord
from services import cards, hold_survival, screen
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules import (
    adherence_review,
    adjunct_harm,
    age_dose_limit,
    alcohol_once,
    angle_closure_hold,
    contraindicated_once,
    diagnosis_review,
    inpatient_hold,
    interactions,
    item9_not_recorded,
    kidney_flag_level_drug,
    label_dose_hold,
    lithium_ect,
    lithium_level,
    maoi_combination,
    maoi_combination_hold,
    masked_allergy_hold,
    measurement_based_care,
    measurement_yield,
    metabolic_line,
    older_adult_anticholinergic,
    optimize_switch_augment,
    postpartum_psychosis,
    psychotherapy,
    recurrence,
    relapse,
    relapse_hold,
    running_allergy,
    running_blood_pressure,
    running_cautions,
    running_formulation_dose,
    running_hepatic,
    running_label_dose,
    running_qtc,
    running_range_dose,
    running_renal,
    running_reuptake_pair,
    running_sodium,
    suicide_risk,
    supply_ran_out_hold,
    tca_level,
    tms_course,
    tms_follows_optimise,
    tms_packet_later,
    unconfirmed_signal_hold,
    unread_qtc_hold,
)
from services.rules.context import RuleContext, build_context

Rule = Callable[[RuleContext], Recommendation | None]

# Cards that apply only while the patient is depressed and not in remission.
PATHWAY_RULES: tuple[Rule, ...] = (
    adherence_review.rule,
    diagnosis_review.rule,
    optimize_switch_augment.rule,
    relapse.rule,
    recurrence.rule,  # off treatment after remission on a drug (review 11 f. 3, M3)
    tms_packet_later.rule,  # tms_referral's card, its packet built after the holds
    tms_course.rule,
    psychotherapy.rule,
    measurement_based_care.rule,
)
# The pathway cards on a chart whose only mood diagnosis is PMDD (PathwayFacts.pmdd_only), or
# whose diagnoses name another condition and no depression (PathwayFacts.other_disorder_only:
# OCD, GAD, adjustment disorder, prolonged grief, a symptom code; review 16 W2).
PMDD_ONLY_RULES: tuple[Rule, ...] = (diagnosis_review.rule,)


def run_rules(
    ctx: RuleContext, hidden: AbstractSet[str] = frozenset()
) -> tuple[Recommendation, ...]:
    """The screen; without the cards of `hidden` topics when given (screen.compose)."""
    if not ctx.composed:  # a caller's own context (patient_view builds it composed)
        ctx = dataclasses.replace(ctx, composed=True)
    # Safety cards speak whatever the pathway stage: suicide risk, an MAOI running with a
    # serotonergic or noradrenergic antidepressant, and a running dose above the labelled maximum
    # for the patient's age (issue 11 items 1 and 5).
    found = [suicide_risk.rule(ctx), maoi_combination.rule(ctx), age_dose_limit.rule(ctx)]
    found.append(postpartum_psychosis.rule(ctx))  # an emergency, whatever the stage (review 11)
    # Two running drugs in a pair of data/drug_interactions.csv (review 7 finding 5), and a
    # running drug a condition on record rules against (bupropion with epilepsy): both whatever
    # the pathway stage.
    found.append(interactions.rule(ctx))
    found.append(running_cautions.rule(ctx))
    # A running drug with a reaction recorded while it ran (s30 allergy31), whatever the stage.
    found.append(running_allergy.rule(ctx))
    # A recent low sodium with an SSRI or SNRI running (review 10 finding 7), whatever the stage.
    found.append(running_sodium.rule(ctx))
    found.append(running_qtc.rule(ctx))  # a long QTc on QT-prolonging drugs (review 12)
    found.append(lithium_level.rule(ctx))  # lithium above its target level (review 13 U1)
    found.append(tca_level.rule(ctx))  # a tricyclic level above its range (review s26 RQ 1)
    found.append(running_renal.rule(ctx))  # beyond its label's renal band (review 11 G1)
    # A creatinine flagged high, no eGFR, with lithium running (labs31 item 5).
    found.append(kidney_flag_level_drug.rule(ctx))
    found.append(running_hepatic.rule(ctx))  # beyond its hepatic limit (review 12)
    # An adverse effect of a running augmenting agent: T3 with thyrotoxicosis or AF, an
    # antipsychotic with tardive dyskinesia or akathisia.
    found.append(adjunct_harm.rule(ctx))
    # A strongly anticholinergic antidepressant running at >= 65 (review 11 finding 1).
    found.append(older_adult_anticholinergic.rule(ctx))
    # An SNRI or bupropion running with uncontrolled blood pressure (review 13 W6).
    found.append(running_blood_pressure.rule(ctx))
    # A running course above its release formulation's labelled maximum (bupropion SR above
    # 400 mg/day: review 15 W3), whatever the stage: a seizure risk does not end with remission.
    found.append(running_formulation_dose.rule(ctx))
    # A running course above the market's labelled maximum (mirtazapine 60 mg/day at a US site:
    # session 20) that no renal, hepatic or age-limit card names.
    found.append(running_label_dose.rule(ctx))
    # A running course above the drug's usual maximum (venlafaxine 450 mg/day against 225:
    # review s24 RA finding 5), the ceiling a draft is checked against, whatever the stage.
    found.append(running_range_dose.rule(ctx))
    if ctx.facts.active:
        # PMDD, or another condition, coded with no depression diagnosis (PathwayFacts.pmdd_only,
        # other_disorder_only): no TRD step; the diagnosis review alone asks for an assessment
        # for a major depressive episode.
        held = ctx.facts.pmdd_only or ctx.facts.other_disorder_only
        rules = PMDD_ONLY_RULES if held else PATHWAY_RULES
        found.extend(rule(ctx) for rule in rules)
    # A running antidepressant with no supply for a month or more, its order open (review s20 RA
    # finding 4): the no-supply card leads and carries the count; the cards that assume the drug
    # is taken (the optimise card, folded into it; its measurement card; an unmet TMS card) are
    # held. First, so every hold below finds the screen it speaks on.
    shown = supply_ran_out_hold.hold(ctx, cards.ordered(found), hidden)
    # Olanzapine or quetiapine proposed beside diabetes: named before any hold (K73a f7).
    shown = metabolic_line.name_diabetes(ctx, shown)
    # The optimise card asking for the repeat of a stale PHQ-9 is the one request for it (review
    # s23 RT finding 8): the measurement card's own "repeat the PHQ-9" yields.
    shown = measurement_yield.yield_to_optimise(ctx, shown, hidden)
    # At 65 and over the optimise card's dose line already says a level above its range.
    shown = tca_level.yield_to_optimise(ctx, shown, hidden)
    # While item 9 of the latest PHQ-9 is unanswered (suicide risk unknown), the optimise card
    # proposes no drug as one click. First: its line is the one the
    # optimise card shows, as the acute suicide-risk line comes before the others.
    shown = measurement_based_care.hold_one_click(ctx, shown, hidden)
    # A PHQ-9 of unconfirmed subject that would be a suicide signal (review 17 recheck R1).
    shown = unconfirmed_signal_hold.hold_one_click(ctx, shown)
    # An allergy entry whose allergen is masked (fix mask48): no drug proposal one click.
    shown = masked_allergy_hold.hold_one_click(ctx, shown)
    # While the low-sodium card is shown, the optimise card proposes no drug as one click.
    shown = running_sodium.hold_one_click(shown, hidden)
    shown = running_qtc.hold_one_click(shown, hidden)
    # A QTc-named result not read holds what could lengthen it (review K63b finding 5).
    shown = unread_qtc_hold.hold_one_click(ctx, shown, hidden)
    shown = lithium_level.hold_one_click(shown, hidden, ctx)  # level due too (lith51)
    shown = tca_level.hold_one_click(shown, hidden)
    shown = older_adult_anticholinergic.hold_one_click(ctx, shown, hidden)
    shown = running_renal.hold_one_click(ctx, shown, hidden)
    shown = adjunct_harm.hold_one_click(ctx, shown, hidden)
    # A card about one running drug (an interaction, a condition against it, a hepatic limit)
    # holds only what keeps that drug going: a higher dose, an adjunct to it (audit 13).
    shown = interactions.hold_one_click(ctx, shown, hidden)
    shown = running_cautions.hold_one_click(ctx, shown, hidden)
    shown = running_hepatic.hold_one_click(ctx, shown, hidden)
    # A running dose above its formulation's or the market's label maximum (review s24 RN 11).
    shown = label_dose_hold.hold_one_click(ctx, shown, hidden)
    # An MAOI running with a drug it must not meet (review K63b findings 1-2): after the holds
    # about one drug, so its critical line is read above theirs.
    shown = maoi_combination_hold.hold_one_click(ctx, shown, hidden)
    shown = age_dose_limit.note_on_optimise(ctx, shown, hidden)
    # Two serotonin reuptake inhibitors running together (review 17 recheck R3): a line on the
    # optimise card when it speaks, else a warning card of its own, whatever the stage.
    shown = running_reuptake_pair.on_screen(ctx, shown, hidden)
    # Lithium running during an ECT course (review 21 RF finding 1): a line on the lithium-level,
    # optimise or TMS card when one speaks, else a warning card of its own, whatever the stage.
    shown = lithium_ect.on_screen(ctx, shown, hidden)
    # A raise of a running tricyclic with angle-closure glaucoma coded (review 13 W5).
    shown = angle_closure_hold.hold_one_click(ctx, shown)
    # A relapse on a running antidepressant (review s26 RN finding 4): its review, and the dose
    # it optimises, come before the optimise card's switch or adjunct.
    shown = relapse_hold.hold_one_click(ctx, shown, hidden)
    # Last: a diagnosis review asking to settle a finding before escalating (an abnormal TSH)
    # holds what no safety card above has held already, under its own line.
    shown = diagnosis_review.hold_one_click(ctx, shown, hidden)
    # A psychiatric admission in progress (review 16 recheck W-c): the pathway cards' outpatient
    # orders wait for discharge; applied last of these, so its line comes first on the card (the
    # item-9 line below never speaks during a stay).
    shown = inpatient_hold.hold_one_click(ctx, shown, hidden)
    # The latest PHQ-9 a total with no item 9 on record (review 19 item 5): a line on the card
    # that proposes treatment and its drug one-clicks held, as while item 9 is unanswered, else
    # a card of its own (rules/item9_not_recorded.py). After every other hold: each of them
    # names what it holds and words the summary; this one takes what they left, its line on top.
    shown = item9_not_recorded.hold_one_click(ctx, shown, hidden)
    shown = item9_not_recorded.alone(ctx, shown, hidden)
    # The TMS card's "raise <drug> first" or "an adjunct first" led instead by what holds that
    # step on the optimise card (recheck s24 RC finding 2, review s26 RN finding 7): after every
    # hold, so it reads the holds said.
    shown = tms_follows_optimise.follow_optimise(ctx, shown)
    # A critical safety card (a toxic lithium level) holds the TMS referral (review s26 RK4 2).
    shown = hold_survival.critical_card_held(shown, hidden)
    # The TMS referral summary built for a referral every hold above left on the screen, and
    # only then (issue 14: one a hold took off threw its summary away; tms_packet_later.py).
    shown = tms_packet_later.build(shown)
    # Drinking said once (review s24 RN finding 7): the diagnosis review's alcohol line rides on
    # the running-drug card that names the same drinking (duloxetine), one card, two lines.
    shown = alcohol_once.fold(ctx, shown, hidden)
    # A running drug a critical row rules out (an unpaced complete heart block beside a
    # tricyclic: review s26 RN finding 3): its supply question rides on that card, the
    # adherence review leaves when it was all it said.
    shown = contraindicated_once.fold(ctx, shown, hidden)
    # One screen (issue 12): each evidence section once, snooze fingerprints set.
    return screen.compose(shown, ctx.facts, hidden)


def patient_view(
    record: PatientRecord, policy: Policy, *, hidden: AbstractSet[str] = frozenset()
) -> tuple[Recommendation, ...]:
    return run_rules(build_context(record, policy, hook="patient-view", composed=True), hidden)
