"""order-select / order-sign: checks of the draft antidepressant order(s).

For each draft (only the selected ones at order-select when selections are given):
- MAOI washout (critical; any draft the washout table knows, linezolid included): an MAOI with a
  serotonergic or noradrenergic antidepressant that runs, stopped within its washout, or is on
  the same order, in both directions (REFERENCE.md 1.7; Keks 2016; services/washout.py); at
  order-select a draft not selected is checked too, about the selected drafts only (a renewal
  selected beside an MAOI drafted earlier: order_checks/maoi.toward_selected);
- not tolerated before (warning; any pathway draft): the drug's latest course carries a documented
  intolerance (stop reason, AllergyIntolerance, AdverseEvent; services/tolerability.py) and it is
  not running now; the card names the reason, date and resource;
- a second antipsychotic (warning; any pathway draft of the drug table's "antipsychotic" group)
  while one runs, at any dose and in any role, or after another on the same order (issue 11
  item 3);
- another product of one of its ingredients running or on the same order (warning; any draft): a
  fixed combination counts as each of its components, so bupropion beside Auvelity
  (dextromethorphan-bupropion) is one bupropion dose, 300 + 210 = 510 mg/day against the 450
  maximum (order_checks/shared_ingredient.py; review 10 finding 1);
and for each draft antidepressant:
- the drug, or its mechanism class, already failed an adequate trial (a continuing drug is not
  flagged: raising or renewing the current drug is optimisation, not a repeat; but a running
  course lowered after it failed, drafted back up to the dose it failed on, gets an information
  card: order_checks/repeat_lowered.py, meds44); a failure only
  inferred from a stop (no PHQ-9 on treatment) is not called a failure: the card says what the
  record shows, as information (review finding 8);
- the daily dose is below the minimum adequate dose or above the maximum (CANMAT 2023 Table 3.3),
  or above the labelled maximum for the patient's age (data/older_adult_doses.csv: citalopram
  over 20 mg/day over 60). A drug dosed per session or injection (esketamine, long-acting
  injectables) has no mg/day and is never judged against a mg/day range;
- bipolar disorder with no antimanic mood stabiliser or antipsychotic at an antimanic dose on
  record or on the order (ISBD 2013; lamotrigine, lurasidone or brexpiprazole alone is not
  antimanic cover, CANMAT/ISBD 2018; quetiapine 25 mg or aripiprazole 2 mg is not either, and a
  dose not read is not counted: data/mood_stabilisers.csv `min_antimanic_mg_day`,
  services/mood_cover.py, pathway.antimanic_dose; review finding 2);
- drug-condition contraindications on record (data/drug_cautions.csv: bupropion with epilepsy,
  a current or past eating disorder, or alcohol/sedative withdrawal; paroxetine in pregnancy) and
  the population tables' "never" rules the switch cards apply (rules/populations.py: under 18,
  paroxetine, venlafaxine and tricyclics, NICE NG134; bupropion with psychotic features: review
  findings 1 and 7); under 25, the FDA boxed warning on suicidality as one line on the first card,
  or, with no card, as an information card of its own when the order starts antidepressant
  treatment (no antidepressant within policy.antidepressant_new_start_days: review 14 W4);
  an agent drafted below the age its label approves it from for depression (escitalopram under
  12: data/age_restricted_antidepressants.csv `under_min_age`), with the agents labelled at
  that age;
- a dose or an age that could not be read: the dose and age checks say they were not done, on a
  card the draft already gets or on a data-quality card (review finding 12);
- a second antidepressant of the class of one running (fluoxetine on sertraline): the card asks
  for the switch plan, folded into the repeat card when that class also failed
  (order_checks/duplicate.py); two of one class on the same order get a card of their own, once
  for the pair (review 15 W2);
- one drug on several drafts is judged as one daily dose (services/order_doses.py); an adjunct
  above its CANMAT 2023 Table 7.2 augmentation range gets the above-range card with its target
  and monitoring (lithium: its serum level); an antimanic agent with bipolar disorder or psychotic
  features on record is not held to its depression range (review findings 3 and 4);
- two or more adjuncts (augmentation table rows) started on one order: "start one, assess, then
  add" (order_checks/adjuncts_together.py; review 20 RB finding 4);
and, once per hook (services/order_hook_cards.py), the TMS card when the patient already meets the
criteria and an antidepressant draft starts a drug the patient does not take now (a renewal or
dose change of the current drug gets no TMS card: issue 12; none during an inpatient stay in
progress: rules/inpatient_hold.py), and the suicide-risk card when it applies, beside an
antidepressant or an augmentation draft (review s25 RI finding 1). Each evidence section (trials, scores) is shown once per hook call
(services/screen.py).

Which checks need an active depression: the repeat, below-range and TMS checks only speak while the
patient is depressed and not in remission (like patient-view). MAOI washout, dose above the
maximum or the age limit, bipolar without antimanic cover, contraindications, a drug not tolerated
before, a second antipsychotic and suicide risk are safety checks of the order and always speak.

Every card carries `dedupe_key` = "{draft id}:{drug}:{topic}:{mg/day}" (a card naming several
drafts joins the keys of every draft it names, selected or not, in the order's own order, hashed
when longer than DEDUPE_KEY_MAX: the same key at order-select and order-sign), then "#" and the
fingerprint of what the card states (services/order_statement.py: its indicator and the
findings its text names; review 18b U1, U2). The protocol layer shows the
card again on every call (an EHR re-calls order-select as the form changes, may drop earlier cards
and may time out before showing one: CDS Hooks 2.0.1) and leaves it out only once feedback says the
clinician accepted or overrode that same card for that draft, drug and dose, resting on the same
findings (cds_hooks/storage/store.py).

The checks live in services/order_checks/, one module per family (model.py holds `OrderCheck`,
the topics and the dedupe key); this module runs them per draft, merges each topic's findings
into one card, and adds the hook's TMS and suicide-risk cards, and the cards of a drafted TMS or
ECT referral (a TMS exclusion; lithium during ECT; ECT under 18, order_checks/ect_young.py). The
under-25 boxed warning covers the antidepressant drafts and the adjuncts whose own label prints
it (aripiprazole, esketamine: order_checks/boxed_warning.py `own_label_drafts`).

Apart from this module: how the findings become cards (order_cards.py: one card per topic, its
dedupe key, the boxed-warning line on the first card) and what the hook holds back
(order_hook_skips.py: a below-range finding beside an MAOI washout, and no TMS card for a
renewal of the running drug); the names callers and tests import stay importable from here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from fhir_mapping.record import DraftOrder, PatientRecord, Role
from services import cards, order_boxed, order_doses, order_hook_cards
from services.order_cards import BOXED_SUFFIX, _merge, _with_boxed_warning
from services.order_checks import device_course, draft_readings, formulation_doses
from services.order_checks.adjunct_drafts import adjunct_checks
from services.order_checks.adjuncts_together import adjuncts_together_check, together_from_nothing
from services.order_checks.age_fold import fold_above_into_age
from services.order_checks.as_needed import as_needed_check
from services.order_checks.bipolar import bipolar_check
from services.order_checks.blood_pressure import blood_pressure_check
from services.order_checks.boxed_warning import own_label_drafts
from services.order_checks.cautions import caution_check
from services.order_checks.discontinuation import discontinuation_check
from services.order_checks.doses import age_check, carry_not_checked, dose_checks
from services.order_checks.drug_disease import drug_disease_check
from services.order_checks.duplicate import same_class_check
from services.order_checks.ect_young import ect_young_check
from services.order_checks.falls import falls_check
from services.order_checks.hepatic import hepatic_card
from services.order_checks.interactions import interaction_card
from services.order_checks.intolerance import intolerance_check
from services.order_checks.labelled_use import labelled_use_check
from services.order_checks.labs import lab_checks
from services.order_checks.lithium_ect import ect_draft_check
from services.order_checks.maoi import maoi_check, toward_selected
from services.order_checks.maoi_diet import fold_beside_washout, maoi_diet_check
from services.order_checks.med_list_unread import critical_unread_check
from services.order_checks.metabolic import metabolic_check
from services.order_checks.model import (
    ABOVE,
    AGE_LIMIT,
    BELOW,
    BIPOLAR,
    CAUTION,
    CONTRAINDICATED,
    DEDUPE_KEY_MAX,
    MAOI,
    NOT_CHECKED,
    NOT_TOLERATED,
    REPEATS,
    SAME_CLASS,
    STACKING,
    OrderCheck,
    dedupe_key,
)
from services.order_checks.older_adults import anticholinergic_check
from services.order_checks.pgx import carry_pgx_gap, pgx_card
from services.order_checks.puerperal_psychosis import puerperal_psychosis_card
from services.order_checks.release_mix import mixed_release_above, mixed_release_within
from services.order_checks.renal import renal_card
from services.order_checks.repeat import repeat_check
from services.order_checks.shared_ingredient import (
    failed_component_check,
    shared_ingredient_check,
)
from services.order_checks.sodium_draft import siadh_check
from services.order_checks.stacking import stacking_check
from services.order_checks.tms_draft import tms_draft_check
from services.order_checks.unread_labs import carry_unread_labs
from services.order_hook_skips import no_titration_beside_washout
from services.order_statement import with_statement
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules import inpatient_hold
from services.rules.context import RuleContext, build_context

# The topics and the check model are re-exported here: callers and tests name the order cards
# as order_hooks.ABOVE, order_hooks.MAOI, ... (the names the module had before the split); the
# card merge and the boxed-warning line (order_cards.py) too, which tests import from here.
__all__ = [
    "ABOVE",
    "BOXED_SUFFIX",
    "AGE_LIMIT",
    "BELOW",
    "BIPOLAR",
    "CAUTION",
    "CONTRAINDICATED",
    "DEDUPE_KEY_MAX",
    "MAOI",
    "NOT_CHECKED",
    "NOT_TOLERATED",
    "REPEATS",
    "SAME_CLASS",
    "STACKING",
    "_merge",
    "_with_boxed_warning",
    "OrderCheck",
    "intolerance_check",
    "dedupe_key",
    "order_hook",
    "run_order_checks",
    "selected_drafts",
]


def selected_drafts(record: PatientRecord, selections: Sequence[str]) -> tuple[DraftOrder, ...]:
    """The drafts the hook is about: those in context.selections when given, else all."""
    if not selections:
        return record.draft_orders
    wanted = set(selections)
    return tuple(
        d
        for d in record.draft_orders
        if d.id in wanted or (d.source is not None and str(d.source) in wanted)
    )


def run_order_checks(
    ctx: RuleContext, selections: Sequence[str] = (), hidden: AbstractSet[str] = frozenset()
) -> tuple[Recommendation, ...]:
    """The order cards; without the cards of `hidden` topics when given (screen.compose)."""
    # A patient recorded deceased: the safety checks run as for any patient (recheck 18a d03: if
    # the status is wrong, an MAOI card must not be lost), the pathway ones do not (not
    # `facts.active`: review 19 E1); services/deceased.py leads with the deceased line and holds
    # the one-clicks.
    selected = selected_drafts(ctx.record, selections)
    drafts = [d for d in selected if d.role is Role.ANTIDEPRESSANT]
    by_topic: dict[str, list[OrderCheck]] = {}
    # The MAOI check covers every selected draft (linezolid is not an antidepressant, and an
    # MAOI meeting one is the most dangerous finding here); the others, antidepressants only.
    reported: set[frozenset[str]] = set()
    # Worked out once per call (it judges every selected draft together), not once per draft.
    renal = renal_card(ctx, selected)
    hepatic = hepatic_card(ctx, selected)  # a liver code against the labels (review 12)
    pgx = pgx_card(ctx, selected)  # a CYP2C19 / CYP2D6 result against the labels (review 13 W4)
    for draft in selected:
        # A critical-interaction draft beside a medication list unread (fix fetch66).
        found = maoi_check(ctx, draft, reported) or critical_unread_check(ctx, draft)
        if found is not None:
            by_topic.setdefault(found.topic, []).append(found)
        # Another product of one of the draft's ingredients running or on the same order
        # (bupropion beside Auvelity, review 10 finding 1): any draft, a safety check.
        shared = shared_ingredient_check(ctx, draft, selected)
        if shared is not None:
            by_topic.setdefault(shared.topic, []).append(shared)
        # Not tolerated before, and antipsychotic stacking: any pathway draft (an adjunct such as
        # aripiprazole is not an antidepressant), and safety checks that speak in any state.
        if draft.role is not Role.INTERACTING:
            # Quetiapine or olanzapine with diabetes or a diabetic HbA1c (review 16 W8): in any
            # role, as an adjunct or (quetiapine) alone.
            for check in (
                intolerance_check(ctx, draft),
                stacking_check(ctx, draft),
                metabolic_check(ctx, draft),
                maoi_diet_check(ctx, draft),  # an MAOI dose that brings the diet (s22 RU 3)
                device_course.device_course_check(ctx, draft),  # mid TMS/ECT course (s25 RO 1)
            ):
                if check is not None:
                    by_topic.setdefault(check.topic, []).append(check)
            # The safety labs that decide the order (review 7 findings 1 and 4): lithium level,
            # QTc, sodium (order_checks/labs.py); safety checks that speak in any state.
            for check in lab_checks(ctx, draft, selected):
                by_topic.setdefault(check.topic, []).append(check)
            # SIADH coded and a sodium-lowering antidepressant drafted (review 12 finding 7).
            siadh = siadh_check(ctx, draft, by_topic)
            if siadh is not None:
                by_topic.setdefault(siadh.topic, []).append(siadh)
            # Labelled renal limits against the latest eGFR (review 11 finding 1): one card for
            # the call, filed on its first draft's turn (so the "could not be checked" lines of
            # carry_not_checked find the same carrier as before).
            if renal is not None and renal.draft is draft:
                by_topic.setdefault(renal.topic, []).append(renal)
            # Labelled hepatic limits with a liver code on record (review 12 findings 4, 9).
            if hepatic is not None and hepatic.draft is draft:
                by_topic.setdefault(hepatic.topic, []).append(hepatic)
            if pgx is not None and pgx.draft is draft:
                by_topic.setdefault(pgx.topic, []).append(pgx)
        if draft.role is Role.AUGMENTATION:
            # An adjunct's own checks (order_checks/adjunct_drafts.py): its range, cautions, a
            # repeat in this episode, blood pressure, lithium during an ECT course; and an
            # antipsychotic with dementia or Parkinson's on record (review K73a findings 3, 5).
            for check in (*adjunct_checks(ctx, draft), drug_disease_check(ctx, draft, by_topic)):
                if check is not None:
                    by_topic.setdefault(check.topic, []).append(check)
        elif draft.role is Role.INTERACTING:
            # A drug outside the pathway tables ordered for this patient still meets the
            # condition rules that bar it (review 13 W3: methylphenidate or an amphetamine as
            # augmentation with a stimulant use disorder on record, condition_drug_rules.csv).
            caution = caution_check(ctx, draft)
            if caution is not None:
                by_topic.setdefault(caution.topic, []).append(caution)
            # Ondansetron drafted while citalopram runs: the QT pair, judged as from the
            # citalopram side (order_checks/qt_pair.py; review s23 RD finding 1).
            for check in lab_checks(ctx, draft, selected):
                by_topic.setdefault(check.topic, []).append(check)
    # An MAOI drafted and not selected meets a selected draft from its own side (s28 RG 1).
    for check in toward_selected(ctx, selected, reported):
        by_topic.setdefault(check.topic, []).append(check)
    # Two adjuncts started on one order (review 20 RB finding 4), or two antidepressants with
    # none taken now (review s23 RD leftover 4): one card naming them.
    for check in [*adjuncts_together_check(ctx, selected), *together_from_nothing(ctx, selected)]:
        by_topic.setdefault(check.topic, []).append(check)
    combined = order_doses.together(drafts)
    dosed_once: set[str] = set()
    for draft in drafts:
        checks: list[OrderCheck | None] = [
            caution_check(ctx, draft),
            bipolar_check(ctx, draft),
            anticholinergic_check(ctx, draft),  # Beers 2023 at >= 65 (review 11 finding 1)
            falls_check(ctx, draft),  # Beers 2023 Table 3 falls (review s21 RD finding 2)
            # A short half-life SSRI/SNRI just stopped untapered (review 14 M4).
            discontinuation_check(ctx, draft),
            # Zuranolone with no postpartum depression on record (review s26 RG finding 3).
            labelled_use_check(ctx, draft),
        ]
        both = combined.get(draft.ingredient)
        if both is None:
            checks.append(age_check(ctx, draft))
            checks += dose_checks(ctx, draft)
        elif draft.ingredient not in dosed_once:
            # One drug on several drafts: its dose and age checks read the total, once.
            dosed_once.add(draft.ingredient)
            total = order_doses.as_one(draft, both)
            of_total = [age_check(ctx, total), *dose_checks(ctx, total)]
            if not any(c is not None and c.topic == ABOVE for c in of_total):
                # Two release formulations within the maximum: still two products of one drug
                # (release_mix.mixed_release_within; audit 15 M3).
                checks.append(mixed_release_within(total, both))
            for check in of_total:
                if check is not None:
                    # Two release formulations above the drug's maximum: "do not combine", as
                    # a second product of it is (release_mix.py; review 15 recheck f01).
                    check = mixed_release_above(check, both)
                    checks.append(
                        dataclasses.replace(
                            check, detail=cards.join_sections(both.note(), check.detail)
                        )
                    )
        if both is not None:
            # One dose is one draft's (bupropion IR 200 mg a dose against 150), never the
            # total's: each draft of the drug meets its formulation's single-dose limit.
            checks.append(formulation_doses.above_single_dose(draft))
        checks.append(as_needed_check(draft, checks))  # review s28 RG finding 3
        repeat = repeat_check(ctx, draft) if ctx.facts.active else None
        # A class that failed and still runs is one concern: said on the repeat card; another
        # draft of the class on this order is said once for the pair (review 15 W2).
        checks += same_class_check(ctx, draft, repeat, selected)
        if ctx.facts.active:
            # A product sharing an ingredient with one that failed (bupropion after
            # dextromethorphan-bupropion): on the repeat card, after the drug's own failure.
            checks.append(failed_component_check(ctx, draft))
        for finding in fold_above_into_age(ctx, checks):  # one card, the age limit's (s25 RO 4)
            if finding is not None:
                by_topic.setdefault(finding.topic, []).append(finding)
        # Angle-closure glaucoma, urinary retention (review 13 W5): after the Beers check, whose
        # card takes the lines at 65 and older; then uncontrolled blood pressure (W6).
        for extra in (drug_disease_check(ctx, draft, by_topic), blood_pressure_check(ctx, draft)):
            if extra is not None:
                by_topic.setdefault(extra.topic, []).append(extra)
    # Before the lines carried onto a draft's first card: the finding taken off carries none.
    # Also beside a contraindicated start (review 16 M1).
    no_titration_beside_washout(by_topic)
    fold_beside_washout(by_topic)  # the MAOI diet as a line of the washout card (s22 RU 3)
    # PGx data not read, for a draft a result would change: a line on its first card (W4).
    carry_pgx_gap(ctx, selected, by_topic)
    carry_not_checked(ctx, drafts, by_topic)
    # Interactions outside the MAOI table (review 7 finding 5): one card for every selected
    # draft, any role; it also rewords "fine for titration" for a draft in a critical pair.
    interactions = interaction_card(ctx, selected, by_topic)
    # A QTc or sodium that decides the draft and was not read (local codes only: review s21 RD
    # finding 7): a line at the end of its card (after the interaction card's rewording of it).
    carry_unread_labs(ctx, drafts, by_topic)
    # A draft whose drug is to confirm: each check says which reading it rests on, and the line
    # naming both readings goes on the draft's first card shown, once (draft_readings.py).
    draft_readings.per_reading(by_topic, ctx.record.draft_orders)
    to_confirm = draft_readings.topics_of(by_topic)
    found_recs: list[Recommendation | None] = [
        _merge(t, items, ctx.record.draft_orders) for t, items in by_topic.items()
    ]
    found_recs.append(interactions)
    found_recs.append(tms_draft_check(ctx, selections))  # a TMS order with a TMS exclusion
    # An ECT order with lithium running (review 21 RF finding 1); lithium drafted says it above.
    drafted_lithium = any(d.ingredient == "lithium" for d in selected)
    found_recs.append(ect_draft_check(ctx, selections, drafted_lithium))
    found_recs.append(ect_young_check(ctx, selections))  # ECT drafted under 18 (s27 RC 2)
    found_recs.append(puerperal_psychosis_card(ctx, selected))  # an emergency first (G3)
    # The suicide-risk card beside any pathway draft, an adjunct too, and the TMS card beside an
    # antidepressant that changes treatment (order_hook_cards.py; review s25 RI finding 1).
    found_recs.insert(0, order_hook_cards.suicide_risk_card(ctx, selected, selections))
    found_recs.append(order_hook_cards.tms_card(ctx, drafts))
    # An inpatient stay in progress (review 16 second recheck; audit 17 M4): the TMS card, whose
    # referral would wait for discharge, is left out; the draft itself is the inpatient team's
    # order and the safety cards' suggestions stay (rules/inpatient_hold.py).
    # Each card's dedupe key ends with the fingerprint of its statement, taken once the cards of
    # a topic are merged and before the screen is composed (services/order_statement.py).
    keyed_recs = tuple(with_statement(r) for r in cards.ordered(found_recs))
    held = inpatient_hold.at_order(ctx, keyed_recs)
    # The screen, with the under-25 boxed warning placed on it (order_boxed.py): for the
    # antidepressant drafts and the adjuncts whose own label carries it (aripiprazole: s27 RC 3).
    boxed = [*drafts, *own_label_drafts(ctx, selected)]
    return order_boxed.screen_with_boxed_warning(ctx, boxed, held, hidden, to_confirm)


def order_hook(
    record: PatientRecord,
    policy: Policy,
    *,
    hook: str,
    selections: Sequence[str] = (),
    hidden: AbstractSet[str] = frozenset(),
) -> tuple[Recommendation, ...]:
    return run_order_checks(build_context(record, policy, hook=hook), selections, hidden)
