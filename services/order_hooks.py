"""order-select / order-sign: checks of the draft antidepressant order(s).

For each draft (only the selected ones at order-select when selections are given):
- MAOI washout (critical; any draft the washout table knows, linezolid included): an MAOI with a
  serotonergic or noradrenergic antidepressant that runs, stopped within its washout, or is on
  the same order, in both directions (REFERENCE.md 1.7; Keks 2016; services/washout.py);
- not tolerated before (warning; any pathway draft): the drug's latest course carries a documented
  intolerance (stop reason, AllergyIntolerance, AdverseEvent; services/tolerability.py) and it is
  not running now; the card names the reason, date and resource;
- a second antipsychotic (warning; any pathway draft of the drug table's "antipsychotic" group)
  while one runs, at any dose and in any role, or after another on the same order (issue 11
  item 3);
and for each draft antidepressant:
- the drug, or its mechanism class, already failed an adequate trial (a continuing drug is not
  flagged: raising or renewing the current drug is optimisation, not a repeat); a failure only
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
  findings 1 and 7); under 25, the FDA boxed warning on suicidality as one line on the first card;
- a dose or an age that could not be read: the dose and age checks say they were not done, on a
  card the draft already gets or on a data-quality card (review finding 12);
- one drug on several drafts is judged as one daily dose (services/order_doses.py); an adjunct
  above its CANMAT 2023 Table 7.2 augmentation range gets the above-range card with its target
  and monitoring (lithium: its serum level); an antimanic agent with bipolar disorder or psychotic
  features on record is not held to its depression range (review findings 3 and 4);
and, once per hook, the TMS card when the patient already meets the criteria and a draft starts a
drug the patient does not take now (a renewal or dose change of the current drug gets no TMS card:
issue 12), and the suicide-risk card when it applies. Each evidence section (trials, scores) is
shown once per hook call (services/screen.py).

Which checks need an active depression: the repeat, below-range and TMS checks only speak while the
patient is depressed and not in remission (like patient-view). MAOI washout, dose above the
maximum or the age limit, bipolar without antimanic cover, contraindications, a drug not tolerated
before, a second antipsychotic and suicide risk are safety checks of the order and always speak.

Every card carries `dedupe_key` = "{draft id}:{topic}:{mg/day}" (a card covering several drafts
joins their keys with ",", hashed when longer than DEDUPE_KEY_MAX). The protocol layer shows the
card again on every call (an EHR re-calls order-select as the form changes, may drop earlier cards
and may time out before showing one: CDS Hooks 2.0.1) and leaves it out only once feedback says the
clinician accepted or overrode that same card for that draft and dose (cds_hooks/storage/store.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from fhir_mapping.record import DoseBasis, DraftOrder, FindingKind, PatientRecord, Role, Trial
from services import (
    age_limits,
    cards,
    data_gaps,
    drug_rules,
    drugs,
    mood_cover,
    order_doses,
    pathway_options,
    screen,
    tables,
    tolerability,
    washout,
)
from services.drug_rules import Choice
from services.mood_cover import antimanic_dose, antimanic_dose_short
from services.pathway import ongoing_mood_stabiliser, stabilisers_below_antimanic_dose
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from services.rules import populations, suicide_risk, tms_referral
from services.rules.context import RuleContext, build_context

REPEATS = "order-repeats-failed-trial"
ABOVE = "order-dose-above-range"
BELOW = "order-dose-below-range"
BIPOLAR = "order-bipolar-no-mood-stabiliser"
CONTRAINDICATED = "order-drug-contraindicated"
MAOI = "order-maoi-interaction"
AGE_LIMIT = "order-dose-above-age-limit"
NOT_TOLERATED = "order-not-tolerated"
STACKING = "order-antipsychotic-stacking"
# A draft whose dose or the patient's age could not be read, and no other card to carry it: the
# data-quality card says which checks were not done (issue 10 "never silent"; review finding 12).
NOT_CHECKED = data_gaps.TOPIC
# A card covering many drafts would get a long joined key: past this length it is hashed, so it
# stays short and still identical for the same drafts and doses at order-select and order-sign.
DEDUPE_KEY_MAX = 200


@dataclass(frozen=True, slots=True)
class OrderCheck:
    """One check's result for one draft, before drafts of the same topic are merged."""

    topic: str
    draft: DraftOrder
    summary: str
    detail: str
    # Instead of the topic's indicator (None: the topic's). Only ever lower: a repeat of a trial
    # whose failure was inferred, not measured, is information (review finding 8).
    indicator: Indicator | None = None


def dedupe_key(draft: DraftOrder, topic: str) -> str:
    return f"{draft.id}:{topic}:{cards.fmt_mg(draft.mg_per_day)}"


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


def _failures(record: PatientRecord) -> tuple[Trial, ...]:
    """Failed antidepressant trials, ended or still running (any episode: a past failure still
    informs). A drug that failed and is still taken counts for its class: ordering escitalopram
    while the citalopram that failed is still running is a switch within a failed class."""
    return tuple(t for t in record.antidepressant_trials() if t.failed)


def _trial_brief(t: Trial) -> str:
    end = "ongoing" if t.ongoing else t.end.isoformat()
    return (
        f"{t.ingredient} up to {cards.fmt_mg(t.max_mg_per_day)} mg/day, "
        f"{t.start.isoformat()} – {end}"
    )


def _stopped_brief(t: Trial) -> str:
    """What the record shows of a course counted as failed only because it stopped (no PHQ-9 on
    treatment): "sertraline stopped after 52 weeks at up to 100 mg/day (2022-01-10 – 2023-01-10);
    outcome not recorded (no PHQ-9 on treatment)". Never "failed": that is inferred, not seen."""
    weeks = cards.fmt_weeks((t.end - t.start).days / 7)
    return (
        f"{t.ingredient} stopped after {weeks} weeks at up to {cards.fmt_mg(t.max_mg_per_day)} "
        f"mg/day ({t.start.isoformat()} – {t.end.isoformat()}); outcome not recorded (no PHQ-9 "
        "on treatment)"
    )


# Said on a repeat card whose failures are all inferred: the drug may well have worked (a long
# course then a stop, with no switch, is also what a successful course looks like).
_ASK_OUTCOME = (
    "Whether it worked is not recorded: ask the patient. If it brought response or remission, it "
    "is a reasonable choice again; if not, CANMAT 2023 prefers a distinct mechanism (Figure 7.1)."
)
_ASK_CLASS_OUTCOME = (
    "Whether it worked is not recorded: ask the patient. If it did not, CANMAT 2023 prefers a "
    "distinct mechanism (Figure 7.1)."
)


def _repeat_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    current = {t.ingredient for t in ctx.record.antidepressant_trials() if t.ongoing}
    if draft.ingredient in current:
        return None  # raising or renewing the current drug is optimisation, not a repeat
    failures = _failures(ctx.record)
    same_drug = [t for t in failures if t.ingredient == draft.ingredient]
    same_class = [t for t in failures if t.drug_class == draft.drug_class and t not in same_drug]
    if not (same_drug or same_class):
        return None
    table = cards.trial_table(same_drug + same_class, ctx.policy.mapping)
    # Trial.failed also counts a stopped course with no PHQ-9 on it (the Fabbri 2021 phenotype):
    # the card says "failed" only of failures measured by a score (review finding 8).
    measured_drug = [t for t in same_drug if not t.outcome_unmeasured]
    measured_class = [t for t in same_class if not t.outcome_unmeasured]
    inferred = [t for t in same_drug + same_class if t.outcome_unmeasured]
    stopped_note = (
        "No PHQ-9 on treatment for: " + "; ".join(_stopped_brief(t) for t in inferred) + "."
        if inferred
        else ""
    )
    name = draft.ingredient.capitalize()
    indicator: Indicator | None = None
    if measured_drug:
        t = measured_drug[-1]
        summary = cards.fit_summary(
            f"{name} already failed an adequate trial "
            f"({cards.fmt_mg(t.max_mg_per_day)} mg/day, ended {t.end.isoformat()}): consider a "
            "different mechanism",
            f"{name} already failed an adequate trial",
        )
        body = cards.join_sections(
            f"An adequate trial of {_trial_brief(t)} did not bring response or remission.",
            stopped_note,
        )
    elif measured_class:
        others = cards.names(measured_class)
        count = len(dict.fromkeys(t.ingredient for t in measured_class))
        failed = "failed an adequate trial" if count == 1 else f"failed {count} adequate trials"
        summary = cards.fit_summary(
            f"{name} is in the class of {others} ({draft.drug_class}), "
            f"which {failed}: consider another class",
            f"{name}: its class ({draft.drug_class}) {failed}",
        )
        body = cards.join_sections(
            f"{draft.ingredient} belongs to {draft.drug_class}; "
            + "; ".join(_trial_brief(t) for t in measured_class)
            + " failed. After a failure, CANMAT 2023 prefers a distinct mechanism (Figure 7.1).",
            stopped_note,
        )
    else:
        # Every failure behind the card was inferred from a stop: say what the record shows, as
        # information, and let the clinician ask (a drug that worked before is a reasonable
        # first choice in a recurrence).
        indicator = Indicator.INFO
        t = (same_drug or same_class)[-1]
        weeks = cards.fmt_weeks((t.end - t.start).days / 7)
        if same_drug:
            summary = cards.fit_summary(
                f"{name} was stopped after {weeks} weeks at up to "
                f"{cards.fmt_mg(t.max_mg_per_day)} mg/day; outcome not recorded (no PHQ-9 on "
                "treatment)",
                f"{name} was stopped after {weeks} weeks; outcome not recorded",
            )
            body = _ASK_OUTCOME  # the course itself: the summary and the trials table
        else:
            summary = cards.fit_summary(
                f"{name} is in the class of {t.ingredient} ({draft.drug_class}), stopped after "
                f"{weeks} weeks; outcome not recorded (no PHQ-9 on treatment)",
                f"{name}: {t.ingredient} ({draft.drug_class}) stopped; outcome not recorded",
            )
            body = (
                f"{draft.ingredient} belongs to {draft.drug_class}; "
                + "; ".join(_stopped_brief(c) for c in same_class)
                + f". {_ASK_CLASS_OUTCOME}"
            )
    return OrderCheck(REPEATS, draft, summary, cards.join_sections(body, table), indicator)


def _intolerance_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """A drug ordered again after its latest course was documented as not tolerated (a stop
    reason, an AllergyIntolerance or an AdverseEvent: services/tolerability.py), any episode and
    any role. A drug running today is not flagged: the order renews a course the patient is
    taking now (the EHR's own allergy check still sees an active AllergyIntolerance), and a card
    on every renewal would be noise."""
    course = tolerability.not_tolerated(ctx.record).get(draft.ingredient)
    if course is None:
        return _documented_intolerance_check(draft, ctx)
    if course.ongoing or course.intolerance is None:
        return None
    intolerance = course.intolerance
    when = intolerance.date.isoformat() if intolerance.date else "date not recorded"
    name = draft.ingredient.capitalize()
    return OrderCheck(
        NOT_TOLERATED,
        draft,
        cards.fit_summary(
            f"{name} was not tolerated before ({intolerance.reason}, {when}): check before "
            "re-starting it",
            f"{name} was not tolerated before ({when}): check before re-starting it",
            f"{name} was documented as not tolerated: check before re-starting it",
        ),
        cards.join_sections(
            f"**Not tolerated before:** {tolerability.course_line(course)}. A re-challenge is a "
            "deliberate decision with the patient; otherwise choose a drug with a different "
            "side-effect profile (CANMAT 2023 para 190: switch when tolerability is poor).",
            cards.trial_table([course], ctx.policy.mapping),
        ),
    )


def _documented_intolerance_check(ctx_draft: DraftOrder, ctx: RuleContext) -> OrderCheck | None:
    """An intolerance documented for a drug with no course on this chart (an allergy recorded
    before the chart's medication history begins)."""
    intolerance = tolerability.documented_without_a_course(ctx.record).get(ctx_draft.ingredient)
    if intolerance is None:
        return None
    name = ctx_draft.ingredient.capitalize()
    when = intolerance.date.isoformat() if intolerance.date else "date not recorded"
    return OrderCheck(
        NOT_TOLERATED,
        ctx_draft,
        cards.fit_summary(
            f"{name} was documented as not tolerated ({intolerance.reason}, {when}): check "
            "before starting it",
            f"{name} was documented as not tolerated: check before starting it",
        ),
        f"**Documented intolerance:** "
        f"{tolerability.intolerance_brief(ctx_draft.ingredient, intolerance)}. No course of it "
        "is on this chart. A re-challenge is a deliberate decision with the patient (CANMAT 2023 "
        "para 190: switch when tolerability is poor).",
    )


def _running_dose(trial: Trial) -> str:
    """ "quetiapine 25 mg/day since 2024-02-05 (MedicationRequest/abc)"; a per-session or
    per-injection drug by its dose per administration (cards.dose_path), never as mg/day."""
    dose = (
        f"{cards.fmt_mg(trial.current_mg_per_day)} mg/day"
        if trial.dose_basis is DoseBasis.DAILY
        else cards.dose_path(trial)
    )
    cite = f" ({trial.sources[-1]})" if trial.sources else ""
    return f"{trial.ingredient} {dose} since {trial.start.isoformat()}{cite}"


def _stacking_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """A second antipsychotic ordered while one runs, or after another one on the same order
    (issue 11 item 3; the pair is reported once, on the later draft). The class comes from the
    drug table (drug_class_groups.csv "antipsychotic": atypical, typical, SDAM), at any dose and
    in any role: quetiapine 25 mg at night for sleep is still an antipsychotic. A new dose of the
    running one is not stacking."""
    if not drug_rules.is_antipsychotic(draft.drug_class):
        return None
    running = [
        t
        for t in ctx.record.trials
        if t.ongoing
        and t.ingredient != draft.ingredient
        and drug_rules.is_antipsychotic(t.drug_class)
    ]
    drafts = list(ctx.record.draft_orders)
    earlier = drafts[: drafts.index(draft)] if draft in drafts else []
    others = [
        d
        for d in earlier
        if d.ingredient != draft.ingredient and drug_rules.is_antipsychotic(d.drug_class)
    ]
    if not running and not others:
        return None
    held = [_running_dose(t) for t in running] + [
        f"{d.ingredient} on this same order" for d in others
    ]
    name = draft.ingredient.capitalize()
    if running:
        first = running[0].ingredient
        summary = cards.fit_summary(
            f"{name} ordered while {first} (an antipsychotic) is running: a second antipsychotic",
            f"{name}: a second antipsychotic ({first} already running)",
        )
    else:
        first = others[0].ingredient
        summary = cards.fit_summary(
            f"{name} and {first} on the same order: two antipsychotics",
            f"{name}: a second antipsychotic on the same order",
        )
    return OrderCheck(
        STACKING,
        draft,
        summary,
        f"{draft.ingredient} ({draft.drug_class}) would be a second antipsychotic: "
        + "; ".join(held)
        + ". Combining antipsychotics adds their side effects (metabolic, QT, movement) and is "
        "not a CANMAT 2023 strategy for depression (Table 7.2 adjuncts are single agents): "
        "optimise or replace the one running; when switching, plan the cross-taper and the "
        "stop date of the first.",
    )


def _dose_checks(ctx: RuleContext, draft: DraftOrder) -> list[OrderCheck]:
    mg = draft.mg_per_day
    if mg is None or draft.dose_basis is not DoseBasis.DAILY:
        # Esketamine sessions and long-acting injections: their mg/day is only a time average
        # (fhir_mapping/dose_basis.py), never a dose to call "below minimum" or "above maximum".
        return []
    found = []
    name = draft.ingredient.capitalize()
    if (
        draft.max_mg is not None
        and mg > draft.max_mg
        and not _treats_mania_or_psychosis(ctx, draft)
    ):
        found.append(
            OrderCheck(
                ABOVE,
                draft,
                f"{name} {cards.fmt_mg(mg)} mg/day is above the usual maximum of "
                f"{cards.fmt_mg(draft.max_mg)} mg/day",
                f"{draft.ingredient} {cards.fmt_mg(mg)} mg/day exceeds the CANMAT 2023 Table 3.3 "
                f"range ({cards.fmt_mg(draft.min_adequate_mg)}-{cards.fmt_mg(draft.max_mg)} "
                "mg/day, from product monographs). Check the dose and the indication.",
            )
        )
    low_dose_use = (info := drugs.info(draft.ingredient)) is not None and info.low_dose_use
    if (
        ctx.facts.active
        and draft.min_adequate_mg is not None
        and mg < draft.min_adequate_mg
        and not low_dose_use  # e.g. trazodone for sleep: a low dose is not meant as a trial
    ):
        minimum = cards.fmt_mg(draft.min_adequate_mg)
        rule_text = (
            f"A trial counts as adequate only at {minimum} mg/day or more for "
            f"{cards.fmt_weeks(ctx.policy.mapping.min_adequate_weeks)} weeks (CANMAT 2023 Table "
            "3.3)."
        )
        stuck = _weeks_already_below(ctx, draft)
        if stuck is None:
            summary = (
                f"{name} {cards.fmt_mg(mg)} mg/day is below the minimum adequate dose "
                f"({minimum} mg/day); fine for titration"
            )
            detail = f"{rule_text} Plan the titration to reach it."
        else:
            # A renewal of a dose that has already run for a full trial's length below the
            # minimum is not titration: say so rather than "fine for titration".
            summary = cards.fit_summary(
                f"{name} {cards.fmt_mg(mg)} mg/day continues {cards.fmt_weeks(stuck)} weeks below "
                f"the minimum adequate dose ({minimum} mg/day): consider raising it",
                f"{name} {cards.fmt_mg(mg)} mg/day: already {cards.fmt_weeks(stuck)} weeks below "
                f"the {minimum} mg/day minimum",
            )
            detail = (
                f"{draft.ingredient} has been taken below {minimum} mg/day for "
                f"{cards.fmt_weeks(stuck)} weeks; this order keeps it there. {rule_text}"
            )
        found.append(OrderCheck(BELOW, draft, summary, detail))
    return found


def _treats_mania_or_psychosis(ctx: RuleContext, draft: DraftOrder) -> bool:
    """An antimanic agent (data/mood_stabilisers.csv) with bipolar disorder or psychotic features
    on record: its depression range (quetiapine 150-300 mg/day) is not its ceiling there
    (antimanic and antipsychotic doses are higher), so no "above the range" card."""
    return bool(ctx.facts.bipolar or ctx.facts.psychotic) and (
        draft.ingredient.lower() in tables.mood_stabilisers()
    )


def _augmentation_above_range(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """An adjunct drafted above its CANMAT 2023 Table 7.2 augmentation range (lithium 1800 mg/day
    against 600-1200; review finding 4); not for an antimanic agent with bipolar disorder or
    psychotic features on record (`_treats_mania_or_psychosis`)."""
    mg = draft.mg_per_day
    if (
        mg is None
        or draft.dose_basis is not DoseBasis.DAILY
        or draft.max_mg is None
        or mg <= draft.max_mg
        or _treats_mania_or_psychosis(ctx, draft)
    ):
        return None
    low, top = cards.fmt_mg(draft.min_adequate_mg), cards.fmt_mg(draft.max_mg)
    # The agent's target and monitoring (data/augmentation_monitoring.csv): lithium is dosed by
    # its serum level, so the card asks for it.
    watch = pathway_options.monitoring_for(draft.ingredient)
    check = f" Target {watch.target}; monitor {watch.monitoring}." if watch is not None else ""
    return OrderCheck(
        ABOVE,
        draft,
        f"{draft.ingredient.capitalize()} {cards.fmt_mg(mg)} mg/day is above the augmentation "
        f"range of {low}-{top} mg/day",
        f"{draft.ingredient} {cards.fmt_mg(mg)} mg/day as an adjunct in depression exceeds the "
        f"CANMAT 2023 Table 7.2 range ({low}-{top} mg/day). Check the dose and the "
        f"indication.{check}",
    )


def _weeks_already_below(ctx: RuleContext, draft: DraftOrder) -> float | None:
    """Weeks the running course of the drafted drug has spent below its minimum, when that is
    already a full trial's length (policy min_adequate_weeks); else None."""
    for trial in ctx.facts.ongoing_trials:
        if trial.ingredient != draft.ingredient:
            continue
        low = cards.below_minimum(trial)
        if low is not None and low[1] >= ctx.policy.mapping.min_adequate_weeks:
            return low[1]
    return None


def _has_mood_stabiliser(record: PatientRecord) -> str | None:
    """An antimanic mood stabiliser or antipsychotic running or on the order, at an antimanic
    dose (ISBD 2013; data/mood_stabilisers.csv `min_antimanic_mg_day`: quetiapine 25 mg at night
    is not cover; lithium and valproate count at any dose, judged by level: see
    pathway.antimanic_dose)."""
    stabilisers = tables.mood_stabilisers()
    running = ongoing_mood_stabiliser(record)
    if running is not None:
        return running
    for d in record.draft_orders:
        if d.ingredient.lower() in stabilisers and not antimanic_dose_short(
            d.ingredient, d.mg_per_day, d.dose_basis
        ):
            return d.ingredient
    return None


@dataclass(frozen=True, slots=True)
class _LowCover:
    """An antimanic agent running or on the order whose dose is not shown to be antimanic."""

    ingredient: str
    mg_per_day: float | None
    basis: DoseBasis
    where: str  # "MedicationRequest/mr-q" or "on this order"

    def short(self) -> str:
        """ "quetiapine 25 mg/day" / "quetiapine (dose not read)"."""
        if self.basis is not DoseBasis.DAILY:
            return f"{self.ingredient} (dose per injection)"
        if self.mg_per_day is None:
            return f"{self.ingredient} (dose not read)"
        return f"{self.ingredient} {cards.fmt_mg(self.mg_per_day)} mg/day"

    def line(self) -> str:
        threshold = antimanic_dose(self.ingredient)
        minimum = "" if threshold is None else f"{cards.fmt_mg(threshold.min_mg)} mg/day"
        unverified = (
            " (UNVERIFIED)" if threshold is not None and threshold.status == "UNVERIFIED" else ""
        )
        name = self.ingredient.capitalize()
        if self.basis is not DoseBasis.DAILY:
            what = (
                f"{name} ({self.where}) is dosed per injection or session: its daily dose cannot "
                f"be compared with the antimanic dose (from {minimum}{unverified})"
            )
        elif self.mg_per_day is None:
            what = (
                f"{name} ({self.where}) has a daily dose that could not be read: it cannot be "
                f"judged against the antimanic dose (from {minimum}{unverified})"
            )
        else:
            what = (
                f"{name} {cards.fmt_mg(self.mg_per_day)} mg/day ({self.where}) is below the dose "
                f"at which it treats mania (from {minimum}{unverified}; acute-mania doses, "
                "data/mood_stabilisers.csv)"
            )
        return (
            f"{what}, so it is not counted as cover against a switch to mania: confirm the dose "
            "or add an antimanic agent."
        )


def _low_cover(record: PatientRecord) -> tuple[_LowCover, ...]:
    """The antimanic agents running or on the order below their antimanic dose, or whose dose
    cannot be judged (named on the bipolar card, with their dose)."""
    running = [
        _LowCover(
            t.ingredient,
            t.current_mg_per_day,
            t.dose_basis,
            str(t.sources[-1]) if t.sources else "running",
        )
        for t in stabilisers_below_antimanic_dose(record)
    ]
    stabilisers = tables.mood_stabilisers()
    ordered = [
        _LowCover(d.ingredient, d.mg_per_day, d.dose_basis, "on this order")
        for d in record.draft_orders
        if d.ingredient.lower() in stabilisers
        and antimanic_dose_short(d.ingredient, d.mg_per_day, d.dose_basis)
    ]
    return tuple(running + ordered)


def _bipolar_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    if not ctx.facts.bipolar or _has_mood_stabiliser(ctx.record) is not None:
        return None
    finding = ctx.facts.bipolar[0]
    name = draft.ingredient.capitalize()
    weak = mood_cover.without_antimanic_cover(ctx.record)
    low = _low_cover(ctx.record)
    if not weak and not low:
        detail = (
            f"Bipolar disorder on record: {finding.display} ({finding.system} {finding.code}). "
            "No mood stabiliser or antipsychotic is active or on this order. ISBD 2013: in "
            "bipolar I, antidepressants only as an adjunct to a mood stabiliser."
        )
        return OrderCheck(
            BIPOLAR,
            draft,
            f"{name} ordered with bipolar disorder on record and no mood stabiliser: risk of a "
            "switch to mania",
            detail,
        )
    # Lamotrigine prevents depressive relapse but has no antimanic efficacy; lurasidone treats
    # bipolar depression, not mania; brexpiprazole has no bipolar indication: on their own they
    # do not protect against an antidepressant-induced switch (CANMAT/ISBD 2018;
    # data/mood_stabilisers.csv says why for each). An antimanic antipsychotic below its
    # antimanic dose (quetiapine 25 mg for sleep, aripiprazole 2 mg as augmentation) does not
    # either (review finding 2).
    if weak:
        only = mood_cover.only_text(weak)
        summary = cards.fit_summary(
            f"{name} ordered with bipolar disorder and {only}: risk of a switch to mania",
            f"{name} with bipolar disorder and {only}: no antimanic cover",
            f"{name} with bipolar disorder and no antimanic cover",
        )
    else:
        below = " and ".join(c.short() for c in low)
        summary = cards.fit_summary(
            f"{name} ordered with bipolar disorder and only {below}, not an antimanic dose: risk "
            "of a switch to mania",
            f"{name} with bipolar disorder and only {below}: no antimanic cover",
            f"{name} with bipolar disorder and no antimanic cover",
        )
    lines = [
        f"{n.capitalize()} is on record or on this order, but it "
        f"{mood_cover.why_not_cover(n)}: alone it is not cover against a switch to mania."
        for n in weak
    ] + [c.line() for c in low]
    return OrderCheck(
        BIPOLAR,
        draft,
        summary,
        f"Bipolar disorder on record: {finding.display} ({finding.system} {finding.code}). "
        + " ".join(lines)
        + " No antimanic mood stabiliser (lithium, valproate) or antimanic antipsychotic"
        + (" at an antimanic dose" if low else "")
        + " is active or on this order. CANMAT/ISBD 2018: antidepressants in bipolar I only as "
        "an adjunct to an antimanic agent. " + cards.guideline_links("canmat-isbd2018"),
    )


def _caution_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """Every contraindication row of data/drug_cautions.csv for this drug whose condition is on
    record, each with its own source (a drug can have several: bupropion); then every "never"
    rule of the population tables that applies to this patient, the rules the switch cards apply
    (rules/populations.py): under 18, paroxetine, venlafaxine and tricyclics are not to be used
    for depression (data/age_restricted_antidepressants.csv, NICE NG134: review finding 1), and
    bupropion is never proposed with psychotic features (data/condition_drug_rules.csv: review
    finding 7). A rule both tables hold (paroxetine in pregnancy) is said once.

    A warning, like the label contraindications beside it, not critical: the card cannot be
    snoozed and comes back on every call until the clinician accepts or overrides it, and critical
    stays kept for what harms at once (an MAOI combination, suicide risk), so that it still reads
    as "stop now" when it appears."""
    found: list[tuple[str, str]] = []  # (summary, detail line)
    said: set[str] = set()  # finding kinds drug_cautions.csv already spoke for
    name = draft.ingredient.capitalize()
    for caution in tables.drug_cautions():
        if caution.ingredient != draft.ingredient.lower():
            continue
        findings = ctx.record.context.of(FindingKind(caution.finding))
        if findings:
            on_record = findings[0]
            said.add(caution.finding)
            found.append(
                (
                    cards.fit_summary(
                        f"{name}: {caution.note} ({on_record.display} on record)",
                        f"{name}: {caution.note}",
                        f"{name} is contraindicated by a condition on record ({on_record.display})",
                    ),
                    f"- {caution.note} ({on_record.display}, {on_record.system} "
                    f"{on_record.code}"
                    + (f", since {on_record.onset.isoformat()}" if on_record.onset else "")
                    + f"). Source: {caution.source}.",
                )
            )
    for restriction in populations.restrictions(ctx, draft.ingredient, draft.drug_class):
        rule = restriction.rule
        if rule.choice is not Choice.NEVER:
            continue  # "not as one click" rows are about proposals, not a clinician's own order
        if rule.finding is not None and rule.finding.value in said:
            continue
        seen = ctx.record.context.of(rule.finding) if rule.finding is not None else ()
        found.append(
            (
                cards.fit_summary(
                    f"{name}: {rule.note} ({restriction.why}; {rule.cite})",
                    *(f"{name}: {rule.note} ({f.display} on record)" for f in seen[:1]),
                    f"{name}: {rule.note} ({rule.cite})",
                    f"{name}: not to be used for this patient ({rule.cite})",
                ),
                f"- {rule.note} ({restriction.why}; {rule.cite}). Source: {rule.source}.",
            )
        )
    if not found:
        return None
    return OrderCheck(
        CONTRAINDICATED,
        draft,
        found[0][0],
        f"{draft.ingredient} and what is on record:\n\n" + "\n".join(line for _, line in found),
    )


def _maoi_check(
    ctx: RuleContext, draft: DraftOrder, reported: set[frozenset[str]]
) -> OrderCheck | None:
    """An MAOI meeting a serotonergic or noradrenergic antidepressant, either way round.
    `reported` holds the pairs of drafts on the same order already reported (one card line for
    citalopram + phenelzine ordered together, not two)."""
    found = []
    for conflict in washout.draft_conflicts(ctx.record, draft):
        if conflict.old.on_order:
            pair = frozenset({conflict.new, conflict.old.ingredient})
            if pair in reported:
                continue
            reported.add(pair)
        found.append(conflict)
    if not found:
        return None
    first = found[0]
    return OrderCheck(
        MAOI,
        draft,
        _maoi_summary(draft, first),
        "\n\n".join(c.why() for c in found),
    )


def _maoi_summary(draft: DraftOrder, c: washout.Conflict) -> str:
    new, old = draft.ingredient.capitalize(), c.old.ingredient
    ago = (c.as_of - c.old.end).days if c.old.end is not None else 0
    start = c.earliest_start
    if c.urgent_use:
        # Linezolid / IV methylene blue: never "wait weeks" for an antibiotic (review finding
        # 6); the FDA advice (give it if urgent, stop the other drug, monitor) is in the detail.
        state = (
            "on the same order"
            if c.old.on_order
            else ("running" if start is None else f"stopped {ago} days ago")
        )
        return cards.fit_summary(
            f"{new} (acts as an MAOI) with {old} {state}: if urgent give it, stop {old} and "
            f"monitor ({c.risk_short}); else an alternative",
            f"{new} with {old} {state}: if urgent give it and monitor; else an alternative",
        )
    if c.old.on_order:
        return cards.fit_summary(
            f"{new} and {old} on the same order: {c.maoi} is an MAOI, {c.risk_short}",
            f"{new} and {old} on one order: MAOI combination",
        )
    if c.into_maoi:
        label = washout.kind_label(c.new_row)
        if start is None:
            return cards.fit_summary(
                f"{new} ({label}) ordered while {old} is running: stop {old} at least {c.days} "
                "days first",
                f"{new} ({label}) with {old} running: {c.days}-day washout needed",
            )
        return cards.fit_summary(
            f"{new} ({label}) ordered {ago} days after {old} stopped: not before "
            f"{start.isoformat()} ({c.days}-day washout)",
            f"{new} ({label}): not before {start.isoformat()} ({washout.days_text(c.days)} after {old})",
        )
    label = washout.kind_label(c.old.row)
    if start is None:
        return cards.fit_summary(
            f"{new} ordered while {old} ({label}) is running: {c.risk_short}; "
            f"{washout.days_text(c.days)} off {old} first",
            f"{new} with {old} ({label}) running: {c.days}-day washout needed",
        )
    return cards.fit_summary(
        f"{new} ordered {ago} days after {old} ({label}) stopped: not before "
        f"{start.isoformat()} ({c.days}-day washout)",
        f"{new}: not before {start.isoformat()} ({washout.days_text(c.days)} after {old}, {label})",
    )


def _age_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    if draft.dose_basis is not DoseBasis.DAILY:
        return None
    age = ctx.record.patient.age
    limit = age_limits.exceeded(draft.ingredient, age, draft.mg_per_day)
    if limit is None:
        return None
    name, mg, top = (
        draft.ingredient.capitalize(),
        cards.fmt_mg(draft.mg_per_day),
        cards.fmt_mg(limit.max_mg),
    )
    return OrderCheck(
        AGE_LIMIT,
        draft,
        cards.fit_summary(
            f"{name} {mg} mg/day at age {age}: above the labelled {top} mg/day maximum from age "
            f"{limit.min_age}",
            f"{name} {mg} mg/day at age {age}: above the {top} mg/day older-adult maximum",
        ),
        f"{draft.ingredient} {mg} mg/day for a patient aged {age}: the labelled maximum from age "
        f"{limit.min_age} is {top} mg/day. {age_limits.label(limit)} Consider {top} mg/day or "
        "another antidepressant.",
    )


def _merge(topic: str, findings: list[OrderCheck]) -> Recommendation:
    first = findings[0]
    detail = cards.join_sections(
        *(f.detail for f in findings),
        cards.guideline_links(tables.topic(topic).guideline),
    )
    keys = ",".join(dedupe_key(f.draft, topic) for f in findings)
    if len(keys) > DEDUPE_KEY_MAX:
        keys = f"{topic}:sha256:{hashlib.sha256(keys.encode()).hexdigest()}"
    # A lower indicator only when every finding merged asks for it (one measured failure among
    # inferred ones keeps the topic's warning).
    lowered = {f.indicator for f in findings}
    indicator = first.indicator if len(lowered) == 1 else None
    return cards.make(
        topic, summary=first.summary, detail=detail, dedupe_key=keys, indicator=indicator
    )


def _not_checked(ctx: RuleContext, draft: DraftOrder) -> list[str]:
    """The dose and age checks of an antidepressant draft that could not run, one line each
    (review finding 12: never skipped in silence). A drug dosed per session or injection has no
    daily dose to check, by design, and gets no line."""
    lines = []
    age = ctx.record.patient.age
    where = f" ({draft.source})" if draft.source is not None else ""
    if draft.dose_basis is DoseBasis.DAILY and draft.mg_per_day is None:
        checks = "the dose range (CANMAT 2023 Table 3.3)"
        limit = age_limits.limit_for(draft.ingredient, age)
        if limit is not None:
            checks += (
                f" and the {cards.fmt_mg(limit.max_mg)} mg/day maximum from age {limit.min_age}"
            )
        lines.append(
            f"**Dose not read:** the daily dose of {draft.ingredient}{where} could not be read "
            f"from the order, so {checks} could not be checked: check the dose."
        )
    if age is None:
        rules = [
            f"under {r.below_age}: {r.cite}"
            for r in drug_rules.age_rules()
            if r.below_age is not None and r.covers(draft.ingredient, draft.drug_class)
        ]
        limit = age_limits.limits().get(draft.ingredient.lower())
        if limit is not None:
            rules.append(f"from {limit.min_age}: {cards.fmt_mg(limit.max_mg)} mg/day maximum")
        which = f" ({'; '.join(dict.fromkeys(rules))})" if rules else ""
        lines.append(
            f"**Age not known:** the patient's birth date could not be read, so the age rules for "
            f"{draft.ingredient}{which} could not be checked: check the age."
        )
    return lines


def _with_lines(check: OrderCheck, lines: list[str]) -> OrderCheck:
    return dataclasses.replace(check, detail=cards.join_sections(check.detail, *lines))


def _carry_not_checked(
    ctx: RuleContext, drafts: list[DraftOrder], by_topic: dict[str, list[OrderCheck]]
) -> None:
    """Put each draft's "could not be checked" lines on the first card the draft already gets;
    a draft with no card gets a data-quality card that says which checks were not done."""
    for draft in drafts:
        lines = _not_checked(ctx, draft)
        if not lines:
            continue
        carrier = next(
            (
                (topic, i)
                for topic, checks in by_topic.items()
                for i, check in enumerate(checks)
                if check.draft is draft
            ),
            None,
        )
        if carrier is not None:
            topic, i = carrier
            by_topic[topic][i] = _with_lines(by_topic[topic][i], lines)
            continue
        name = draft.ingredient.capitalize()
        dose = draft.dose_basis is DoseBasis.DAILY and draft.mg_per_day is None
        age = ctx.record.patient.age is None
        what = " and ".join(w for w, missing in (("dose", dose), ("age", age)) if missing)
        by_topic.setdefault(NOT_CHECKED, []).append(
            OrderCheck(
                NOT_CHECKED,
                draft,
                cards.fit_summary(
                    f"{name} order: {what} not read, so the {what} checks were not done",
                    f"{name}: {what} checks not done",
                ),
                "\n\n".join(lines),
            )
        )


def _boxed_warning_line(ctx: RuleContext) -> str:
    """The FDA boxed warning on suicidality for a patient under 25 (data/
    age_restricted_antidepressants.csv), one line, or "" when it does not apply."""
    warning = populations.boxed_warning(ctx)
    if warning is None:
        return ""
    return f"**Boxed warning (age {populations.age(ctx)}):** {warning.note} ({warning.cite})."


def _keyed(rec: Recommendation | None, draft: DraftOrder) -> Recommendation | None:
    if rec is None:
        return None
    return dataclasses.replace(rec, dedupe_key=dedupe_key(draft, rec.topic))


def run_order_checks(
    ctx: RuleContext, selections: Sequence[str] = (), hidden: AbstractSet[str] = frozenset()
) -> tuple[Recommendation, ...]:
    """The order cards; without the cards of `hidden` topics when given (screen.compose)."""
    if ctx.record.patient.deceased:
        return ()  # issue 11 item 14: a deceased patient gets no cards
    selected = selected_drafts(ctx.record, selections)
    drafts = [d for d in selected if d.role is Role.ANTIDEPRESSANT]
    by_topic: dict[str, list[OrderCheck]] = {}
    # The MAOI check covers every selected draft (linezolid is not an antidepressant, and an
    # MAOI meeting one is the most dangerous finding here); the others, antidepressants only.
    reported: set[frozenset[str]] = set()
    for draft in selected:
        found = _maoi_check(ctx, draft, reported)
        if found is not None:
            by_topic.setdefault(found.topic, []).append(found)
        # Not tolerated before, and antipsychotic stacking: any pathway draft (an adjunct such as
        # aripiprazole is not an antidepressant), and safety checks that speak in any state.
        if draft.role is not Role.INTERACTING:
            for check in (_intolerance_check(ctx, draft), _stacking_check(ctx, draft)):
                if check is not None:
                    by_topic.setdefault(check.topic, []).append(check)
        if draft.role is Role.AUGMENTATION:
            above = _augmentation_above_range(ctx, draft)
            if above is not None:
                by_topic.setdefault(above.topic, []).append(above)
    combined = order_doses.together(drafts)
    dosed_once: set[str] = set()
    for draft in drafts:
        checks: list[OrderCheck | None] = [
            _caution_check(ctx, draft),
            _bipolar_check(ctx, draft),
        ]
        both = combined.get(draft.ingredient)
        if both is None:
            checks.append(_age_check(ctx, draft))
            checks += _dose_checks(ctx, draft)
        elif draft.ingredient not in dosed_once:
            # One drug on several drafts: its dose and age checks read the total, once.
            dosed_once.add(draft.ingredient)
            total = order_doses.as_one(draft, both)
            for check in [_age_check(ctx, total), *_dose_checks(ctx, total)]:
                if check is not None:
                    checks.append(
                        dataclasses.replace(
                            check, detail=cards.join_sections(both.note(), check.detail)
                        )
                    )
        if ctx.facts.active:
            checks.append(_repeat_check(ctx, draft))
        for finding in checks:
            if finding is not None:
                by_topic.setdefault(finding.topic, []).append(finding)
    _carry_not_checked(ctx, drafts, by_topic)
    found_recs: list[Recommendation | None] = [_merge(t, items) for t, items in by_topic.items()]
    if drafts:
        # The selected drafts: a drug dangerous in overdose among them adds the quantity line.
        found_recs.insert(0, _keyed(suicide_risk.rule(ctx, drafts=selected), drafts[0]))
        changing = [d for d in drafts if not _renews_running(ctx, d)]
        if ctx.facts.active and changing:
            # The TMS card belongs with a change of treatment (a new drug: the moment the
            # alternative matters), not with every renewal or dose change of the drug the
            # patient takes now (issue 12: patient-view shows it on the chart).
            found_recs.append(_keyed(tms_referral.rule(ctx), changing[0]))
    shown = screen.compose(cards.ordered(found_recs), ctx.facts, hidden)
    boxed = _boxed_warning_line(ctx) if drafts else ""
    if boxed and shown:
        # One line on the first card shown (review finding 1): the EHR's drug database shows
        # the label's boxed warning itself, so it raises no card of its own.
        first = shown[0]
        shown = (
            dataclasses.replace(first, detail=cards.join_sections(first.detail, boxed)),
            *shown[1:],
        )
    return shown


def _renews_running(ctx: RuleContext, draft: DraftOrder) -> bool:
    """The draft renews or re-doses an antidepressant the patient takes now."""
    return any(t.ingredient == draft.ingredient for t in ctx.facts.ongoing_trials)


def order_hook(
    record: PatientRecord,
    policy: Policy,
    *,
    hook: str,
    selections: Sequence[str] = (),
    hidden: AbstractSet[str] = frozenset(),
) -> tuple[Recommendation, ...]:
    return run_order_checks(build_context(record, policy, hook=hook), selections, hidden)
