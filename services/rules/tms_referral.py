"""TMS referral: MDD with enough adequate failed trials, still depressed, nothing against it.

When the card shows (the clinical pathway, services/pathway.py, thresholds are clinic policy): a
depression diagnosis, not bipolar and no psychotic features; >= policy.tms_min_failed_trials trials
counted in the current episode (adequate and failed, plus those ended for documented intolerance
when policy.tms_count_intolerant_trials: the summary says which), optionally from
>= policy.tms_min_distinct_classes classes; latest PHQ-9 >= policy.tms_min_phq9; no epilepsy/seizure
disorder or implanted device near the head; no TMS referral or course already in this episode; no
current trial responding (a responding trial is continued, not switched); no acute risk.

Whether the referral would be approved (issue 12) is the payer's: the card lists each criterion of
the clinic's payer rule set (services/payer_criteria/, `[policy] payer_criteria`, default LCD
L37086) as met / not met / not on record / not available with its evidence, and says "Criteria
met" only when every one is met ("on the data that could be read" when the record has gaps);
otherwise "Payer criteria not yet met" and what to document. That rule set is the card's `source`
(its name and URL), so the source the EHR shows is the policy the card evaluates; the card names
it as the clinic's (`rule_set_words`: the service reads no coverage). While a criterion is not
met, policy.tms_card_when_payer_criteria_unmet says where the card still shows: by default at
patient-view only (`_shown_unmet`; review 19 I7), everywhere with true, nowhere with false. One
line notes anxious distress (GAD-7 in its moderate band or above: comorbid anxiety predicts a
poorer response, CANMAT 2023 para 181). The suggestion is a referral for TMS evaluation citing the
depression Condition.

TMS safety screen (issue 11 item 6, fhir_mapping/tms_safety.py): metal or a stimulator in or near
the head is a contraindication (no card; the optimise card says why). Pacemakers, shunts, stents,
retained fragments, stroke, brain tumour, brain injury and raised intracranial pressure keep the
card, which names each on a "TMS safety screen required" line (and in the referral's note) with
its code, date and resource. The card never says "no implant" when the chart holds one, and when
the condition, procedure or device list could not be read it says "not available" instead.

This module makes the card (`rule`) and its criteria block (`_criteria`: the header over the
criteria, the adherence lines under them). Each criterion's line and the contraindication-screen
line are tms_referral_criteria.py; the lines beside the criteria (anxious distress, an earlier
course or a revoked referral, the safety items, what the count rests on) and the referral's note
are tms_referral_notes.py. `_counted` and `_criterion_line` stay importable from here (tests read
them there).
"""

from __future__ import annotations

from functools import lru_cache

from fhir_mapping.record import AdherenceStatus
from services import (
    cards,
    data_gaps,
    hold_survival,
    pathway_options,
    phq9_no_total,
    preliminary_phq9,
    suggestions,
    tables,
    taken_to_confirm,
    tms_course,
    tms_criteria_header,
    tms_gate,
    tms_severity,
    tms_stated,
)
from services.card_format import plural
from services.packet import Attach, attach_packet, attaches
from services.payer_criteria import CriterionKind, PayerEvaluation, evaluate_payer_criteria
from services.recommendation import Recommendation, Source, Suggestion
from services.rules import tms_referral_held, tms_summary
from services.rules.context import RuleContext
from services.rules.optimize.partial import awaiting_adjunct
from services.rules.population_notes import population_notes
from services.rules.tms_esketamine import esketamine_line
from services.rules.tms_referral_criteria import (
    _criterion_line,
    criterion_lines,
    screen_line,
    unchecked_lists,
)
from services.rules.tms_referral_notes import (
    _counted,
    anxiety_line,
    declined_line,
    earlier_course_line,
    partial_adjunct_line,
    payer_note,
    revoked_referral_line,
    rule_set_words,
    screen_first,
    sent_alone,
    tms_safety_items,
    unmet_words,
)
from services.rules.tms_running_trial import running_line
from services.rules.tms_threshold_line import motor_threshold_line
from services.screen import with_fields

TOPIC = "tms-referral"
# The referral without the summary attached: for an EHR that creates orders from a card but not
# documents (the summary is then sent from the card's link).
ORDER_ONLY_LABEL = "Refer for TMS evaluation (order only, summary not attached)"
# What other cards of the screen say instead of their trials table and scores: this card keeps
# them behind its two links, "TMS referral summary" and "View treatment timeline" (it shows no
# table of its own). One short line (issue 12: the screen's raw markdown under 2,000 characters).
LINKED = "**Trials and scores:** TMS referral summary and timeline."
# Compared per trial: a global, not an Enum member read each time (issue 14; as _MET in
# tms_referral_criteria.py).
_UNVERIFIED = AdherenceStatus.UNVERIFIED


def _criteria(ctx: RuleContext, evaluation: PayerEvaluation) -> str:
    """The payer's criteria, each with its status and evidence, under a header that says
    "Criteria met" only when every one is met (issue 12)."""
    facts = ctx.facts
    rule_set = evaluation.rule_set
    # Named, not linked (the card's source is this rule set: `_source`), as the clinic's set.
    payer = rule_set_words(evaluation, ctx.policy)
    if evaluation.met:
        # Never plain "criteria met" on a history known to be incomplete (issue 10).
        gaps = ctx.record.gaps_in(*data_gaps.topic_domains().get(TOPIC, ()))
        header = tms_criteria_header.met_header(payer, gaps)
    else:
        missing = []
        if evaluation.to_document:
            missing.append("to document: " + "; ".join(evaluation.to_document))
        if evaluation.not_available:
            missing.append(
                "could not be checked (data not available): "
                + ", ".join(r.label for r in evaluation.not_available)
            )
        header = f"**Payer criteria not yet met** ({payer}): " + "; ".join(missing) + "."
    earlier = (
        bool(tms_course.earlier_courses(ctx.record, ctx.policy))
        or any(r.kind == "tms" and r.status == "completed" for r in ctx.record.referrals)
        or bool(tms_stated.stated_courses(ctx.record))  # a Condition's history (fix tms59)
    )
    lines = criterion_lines(evaluation, earlier_tms=earlier)
    preliminary = preliminary_phq9.newer_than_reviewed(ctx.record)
    # Review 14 U1: a PHQ-9 total filed preliminary after the latest reviewed one is named
    # beside the severity criterion, never used: severity and eligibility read reviewed
    # totals only, since a preliminary one may change when a clinician reviews it. A newer
    # form not finished likewise (review K47b on fix score53: the measurement card said
    # "complete it" while this card named only the older completed total); the card is not
    # withheld for it: a total so far is never an outcome.
    latest = ctx.facts.latest_phq9
    unfinished = phq9_no_total.newer_unfinished(ctx.record, latest.date if latest else None)
    beside = [
        *(
            (
                f"{preliminary_phq9.severity_text(preliminary)}; severity and eligibility rest on "
                "reviewed scores only",
            )
            if preliminary is not None
            else ()
        ),
        *(
            (f"{unfinished}; severity and eligibility rest on completed forms only",)
            if unfinished
            else ()
        ),
    ]
    if beside:
        severity = [
            _criterion_line(r) for r in evaluation.results if r.kind is CriterionKind.SEVERITY
        ]
        at = next((i + 1 for i, line in enumerate(lines) if line in severity), len(lines))
        lines[at:at] = [f"- Severity: {words}" for words in beside]
    if rule_set.note:
        lines.append(f"- {rule_set.note}")
    lines.append(screen_line(ctx))
    # Adherence not contradicted, but not shown by refill data either (none, fills without days'
    # supply, or only a report such as the patient's "I take it", review 6 finding 6): say so,
    # since a referral and a payer will both rely on these trials (issue 3: "say so").
    unverified = [
        t
        for t in facts.failed_trials
        if (t.adherence.status is _UNVERIFIED or t.adherence.pdc is None)
        and t.adherence.first_fill is None
    ]
    # span73: an order before the chart's fills start says so (taken_to_confirm.unverified_lines).
    lines.extend(taken_to_confirm.unverified_lines(unverified, cards.names))
    # Review 11 finding 6: local fills verified up to a stretch only a statement covers (an
    # outside organisation's continuation; adherence.outside_tail, the one UNVERIFIED with a PDC).
    lines.extend(
        f"- {t.ingredient}: PDC {t.adherence.pdc_percent()} over the local fills; "
        f"{t.adherence.not_verified}"
        for t in unverified
        if t.adherence.pdc is not None and t.adherence.not_verified
    )
    # One fill that covers the whole course (a 90-day mail-order fill, review 9 finding 9): the
    # drug was supplied and no refill was due, which is all dispensing data could show; whether
    # it was taken is still the patient's or pharmacy's to say, as for any trial a payer relies on.
    single = [t for t in facts.failed_trials if t.adherence.first_fill is not None]
    if single:
        lines.append(
            f"- One fill covers the course of {cards.names(single)} (no refill was due): "
            "confirm it was taken"
        )
    # A supply gap inside a counted trial (review 6 finding 1), even with a PDC that looks fine.
    lapsed = [t for t in facts.failed_trials if t.adherence.supply_gaps]
    for trial in lapsed:
        gap = trial.adherence.supply_gaps[0]
        more = len(trial.adherence.supply_gaps) - 1
        lines.append(
            f"- No supply of {trial.ingredient} dispensed for {plural(gap.days, 'day')} from "
            f"{gap.start.isoformat()}{f' (and {more} more gap)' if more else ''}: confirm "
            "adherence before relying on this trial"
        )
    return header + "\n" + "\n".join(lines)


def _source(evaluation: PayerEvaluation) -> Source:
    """The card's source: the payer rule set its criteria are judged against (the clinic's
    `[policy] payer_criteria`, default L37086), so the source the EHR shows is the policy the card
    evaluates, not another LCD (issue 12)."""
    rule_set = evaluation.rule_set
    return _source_of(rule_set.name, rule_set.title, rule_set.url)


@lru_cache(maxsize=16)
def _source_of(name: str, title: str, url: str) -> Source:
    # Cached by the rule set's name, title and URL (the clinic's configuration, a handful of
    # values): the same Source for every TMS card, built once.
    topic = tables.topic(TOPIC)
    return Source(
        label=f"{name}: {title}",
        url=url,
        topic_code=topic.code,
        topic_display=topic.display,
    )


def _shown_unmet(ctx: RuleContext) -> bool:
    """Whether the card shows at this hook while a payer criterion is not met (policy
    tms_card_when_payer_criteria_unmet). By default at patient-view only (review 19 I7): the
    discovery promises the order hooks' card "when the patient already meets TMS criteria", and
    "criteria not yet met" beside the very order that may be the trial a criterion asks for (a
    second class) is noise at the moment of ordering; the chart still shows it."""
    where = ctx.policy.tms_card_when_payer_criteria_unmet
    return where is True or (where == "patient-view" and ctx.hook == "patient-view")


def rule(ctx: RuleContext, *, attach: Attach | None = None) -> Recommendation | None:
    """The card; `attach` (attach_packet when None) puts the referral summary on the referral:
    run_rules passes tms_packet_later's, which builds it only after every hold (issue 14)."""
    facts = ctx.facts
    # Acute risk first (issue 11 item 8): with an acute suicide-risk signal, psychotic features or
    # catatonia TMS is not the next step (the optimise card names ECT / esketamine instead). Checked
    # here as well as in the eligibility, so no change to the TMS criteria can bring it back.
    if not facts.tms.eligible or tms_gate.blocks_tms(facts.suicide, ctx.record, ctx.policy):
        return None
    evaluation = evaluate_payer_criteria(ctx.record, facts, ctx.policy)
    met = evaluation.met
    if not met and not _shown_unmet(ctx):
        return None
    # The score eligibility read severity from: the latest PHQ-9, else another validated
    # scale's total with its band (services/tms_severity.py).
    latest = tms_severity.severity_score(ctx.record, facts.latest_phq9)
    assert latest is not None and latest.value is not None  # eligibility requires a score
    scored = tms_severity.score_text(latest)
    # The count the eligibility used (facts.tms_trials: failed, plus not tolerated when the
    # clinic counts intolerance), said as what it is.
    counted = facts.tms_trials
    payer = "" if met else f"; {unmet_words(ctx.policy)}"
    counted_named, counted_plain = _counted(counted, ctx.record)  # summary and referral
    safety_items = tms_safety_items(ctx) if facts.tms_cautions else ""
    # A partial response on the antidepressant still running (audit 17 W3): CANMAT 2023 para 190
    # puts an adjunct to it first, as the optimise card does; the referral stays on the card (the
    # course counts: partial_adjunct_line), as text until the adjunct is added (step_held below).
    # Not once an adjunct was added to it (recheck 17-2 W1: para 190's step was taken).
    partial = awaiting_adjunct(ctx)
    # A check the optimise card holds its next step for (tms_referral_held.py: a stale PHQ-9,
    # item 9 unknown, a dose to raise first...): said in the summary, before the referral, in
    # place of the adjunct step (the detail keeps that line). The referral is not one click
    # until the step is done (services/hold_survival.py: a step hold).
    held = tms_referral_held.held(ctx)
    step = held.first if held else (f"an adjunct to {cards.names(partial)}" if partial else "")
    first = f"{step} first, then " if step else ""
    first_short = "an adjunct first, then " if partial and not held else first
    # A TMS safety item (a pacemaker) is why the referral waits on a screen and why the criteria
    # are not met: the summary names it (review 19 D2, chart k02: only the detail did). It gives
    # way after the payer's name and before nothing else.
    screen = screen_first(ctx)
    scored_short = tms_severity.short_text(ctx.record, latest)  # "(newer form incomplete)"
    # The summary's candidates, longest first (tms_summary.py: the count said briefly before it
    # gives way, recheck K6 s28 finding 2).
    summary = tms_summary.summary(
        ctx,
        (counted_named, counted_plain, tms_summary.counted_brief(counted, ctx.record)),
        scored_short,
        (first, first_short),
        screen,
        payer,
    )
    depression = facts.depression_finding
    # Esketamine running: the overlap named (review s21 RF finding 6); held inside its judging window.
    esketamine = esketamine_line(ctx)
    resource = None
    if ctx.patient_id is not None:
        resource = suggestions.service_request(
            patient_id=ctx.patient_id,
            concept="tms-evaluation",
            text="Referral for transcranial magnetic stimulation (TMS) evaluation",
            reasons=[depression.source] if depression and depression.source else [],
            note=(
                f"Antidepressant trials in this episode: {counted_named}; "
                f"latest {scored} on {latest.date.isoformat()}."
                + (f" TMS safety screen required: {safety_items}." if facts.tms_cautions else "")
                + (f" {esketamine.replace('**', '')}" if esketamine else "")
                + payer_note(evaluation)
            ),
        )
    sections = []
    if facts.suicide is not None:
        sections.append(tms_gate.referral_note(facts.suicide))
    sections.append(population_notes(ctx, tms=True))
    # On maintenance ECT the ECT service decides whether TMS comes next (review 11 finding 9).
    sections.append(pathway_options.ect_service_line(ctx.record, ctx.policy, facts.episode_start))
    sections.append(esketamine)
    if facts.tms_cautions:
        # Device labels advise caution, not exclusion, for these (NeuroStar: implanted devices
        # controlled by physiological signals); the TMS service decides after its own screen.
        sections.append(
            f"**TMS safety screen required:** {safety_items}. Tell the TMS service, which "
            "decides whether and how TMS can be given."
        )
    # Drugs and alcohol that lower the seizure threshold: a line for the TMS team (fix tms43).
    sections.append(motor_threshold_line(ctx))
    # The criteria above state the trials (drug, class, outcome) and the severity score they
    # rest on; the trials table and the score history are one click away (issue 12: a screen a
    # clinician can read): the referral summary holds both, the timeline every dose and date.
    evidence = (
        *cards.linked_evidence(ctx.record, pointer=LINKED),
        ctx.staging_evidence,  # built once for the cards that carry it
    )
    sections += [
        _criteria(ctx, evaluation),
        held.line if held is not None else "",
        partial_adjunct_line(partial),
        running_line(ctx),  # a course short of its fair test (review K30c finding 2)
        anxiety_line(ctx),
        earlier_course_line(ctx, evaluation),
        revoked_referral_line(ctx.record),
        declined_line(ctx),
        *cards.evidence_sections(*evidence),
    ]
    body = cards.join_sections(*sections)
    # The payer rule set is the card's source; CANMAT 2023 is the pathway the card's own threshold
    # follows (policy.tms_min_failed_trials: its TRD definition), linked once (on a screen whose
    # optimise card has it as its source, named only: services/screen.py).
    links = cards.guideline_links("canmat2023", linked=body)
    # Not the recommended choice while the safety screen could not read every list (audit 17
    # W7: a withheld problem list may hide a seizure disorder).
    referral = suggestions.create(
        "Refer for TMS evaluation",
        resource,
        # Nor while a partial responder runs: an adjunct first (CANMAT 2023 para 190).
        recommended=facts.suicide is None
        and not partial
        and not unchecked_lists(ctx)
        and held is None
        # Nor after a course stopped short for a reason not on record (a seizure?).
        and tms_course.stopped_short(ctx.record, ctx.policy) is None,
    )
    # A referral the step hold below takes off the card whatever it carries (it holds a
    # suggestion unless every action survives, so the packet's action cannot keep it) gets no
    # packet built (issue 14: a tenth of a first sight, for a document no answer held); the
    # card links the summary as keeps_packet would have read off the attached document.
    held_off = _held_off(step, referral)
    card = cards.make(
        TOPIC,
        summary=summary,
        detail=cards.join_sections(body, links),
        evidence=evidence,
        source=_source(evaluation),
        suggestions=(
            # The referral carries the referral summary (services/packet): a DocumentReference
            # created with it and named in its supportingInfo.
            referral
            if held_off
            else (attach or attach_packet)(
                referral,
                ctx.record,
                facts,
                ctx.policy,
                payer=evaluation,  # the same evaluation, not computed again for the packet
            ),
            # The same referral alone (review 8 finding 6): a suggestion's actions are AND'd, and
            # many EHRs accept order suggestions (ServiceRequest, MedicationRequest) but will not
            # create a DocumentReference, so the referral above would fail as a whole there. The
            # summary stays one click away (the card's link) for the clinician to send.
            *((suggestions.create(ORDER_ONLY_LABEL, sent_alone(resource)),) if resource else ()),
        ),
    )
    if held_off and attaches(referral, ctx.record):
        card = with_fields(card, wants_packet=True)
    return hold_survival.step_held(card, step, held.back if held else "") if step else card


def _held_off(step: str, referral: Suggestion) -> bool:
    """Whether hold_survival.step_held(card, step) takes `referral` off the card."""
    return bool(step) and not hold_survival.survives(hold_survival.STEP, TOPIC, referral)
