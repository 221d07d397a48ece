"""TMS referral: MDD with enough adequate failed trials, still depressed, nothing against it.

Criteria (REFERENCE.md 3.1-3.4; thresholds are clinic policy): a depression diagnosis, not bipolar
and no psychotic features (Ambetter CP.BH.200, L37086, PSY301.015); >= policy.tms_min_failed_trials
adequate failed antidepressant trials in the current episode (CANMAT TRD definition; L34998 accepts
1), optionally from >= policy.tms_min_distinct_classes classes (L37086); latest PHQ-9 >=
policy.tms_min_phq9; no epilepsy/seizure disorder or implanted device near the head (L34998,
L37086); no TMS referral or course already in this episode. The suggestion is a referral for TMS
evaluation (CPT 90867) citing the depression Condition.

TMS safety screen (issue 11 item 6, fhir_mapping/tms_safety.py): metal or a stimulator in or near
the head is a contraindication (no card; the optimise card says why). Pacemakers, shunts, stents,
retained fragments, stroke, brain tumour, brain injury and raised intracranial pressure keep the
card, which names each on a "TMS safety screen required" line (and in the referral's note) with
its code, date and resource. The card never says "no implant" when the chart holds one, and when
the condition, procedure or device list could not be read it says "not available" instead.
"""

from __future__ import annotations

from fhir_mapping.record import AdherenceStatus, DataDomain
from services import acute_risk, cards, data_gaps, suggestions
from services.pathway import finding_line
from services.recommendation import Recommendation
from services.rules import populations
from services.rules.context import RuleContext

TOPIC = "tms-referral"

# Where the contraindication screen looks, and what the card calls each list when it is missing.
_SCREENED: tuple[tuple[DataDomain, str], ...] = (
    (DataDomain.CONDITIONS, "condition list"),
    (DataDomain.PROCEDURES, "procedure list"),
    (DataDomain.DEVICES, "device list"),
)


def _screen_line(ctx: RuleContext) -> str:
    """The contraindication criterion, worded so it never claims an absence it cannot see: a
    chart with a pacemaker is not "no implanted device", and a device list that could not be
    read is "not available", not "none on record"."""
    if ctx.facts.tms_cautions:
        line = (
            "- No epilepsy/seizure disorder and no metal or stimulator in or near the head "
            "recognised; other TMS safety items to screen are listed above"
        )
    else:
        line = (
            "- No epilepsy/seizure disorder, metal or stimulator near the head, or other TMS "
            "safety item recognised in the chart's codes and text"
        )
    missing = [name for domain, name in _SCREENED if ctx.record.unavailable(domain)]
    if missing:
        line += (
            f"; {', '.join(missing)} not available, so implants and neurological history could "
            "not be fully checked: ask at the TMS safety screen"
        )
    return line


def _safety_items(ctx: RuleContext) -> str:
    """What the TMS service must screen before treatment, each with code, date and resource."""
    return "; ".join(finding_line(f) for f in ctx.facts.tms_cautions)


def _criteria(ctx: RuleContext) -> str:
    facts, policy = ctx.facts, ctx.policy
    latest = facts.latest_phq9
    depression = facts.depression_finding
    lines = [
        f"- Depression diagnosis: {depression.display if depression else 'none'}; no bipolar "
        "disorder or psychotic features on record",
        f"- Adequate failed trials this episode: {len(facts.failed_trials)} "
        f"(policy: at least {policy.tms_min_failed_trials})",
        f"- Classes: {', '.join(facts.failed_classes)}"
        + (
            f" (policy: at least {policy.tms_min_distinct_classes} distinct)"
            if policy.tms_require_distinct_classes
            else " (distinct classes not required by policy)"
        ),
        f"- Latest PHQ-9: {latest.value if latest else 'none'} "
        f"(policy: at least {policy.tms_min_phq9})",
        _screen_line(ctx),
        "- No TMS referral or course in this episode",
    ]
    unverified = [
        t for t in facts.failed_trials if t.adherence.status is AdherenceStatus.UNVERIFIED
    ]
    if unverified:
        # Adherence not contradicted, but not shown either (no dispensing data): say so, since a
        # referral and a payer will both rely on these trials (issue 3: "say so").
        lines.append(
            f"- Adherence not verified by dispensing data for {cards.names(unverified)}: confirm "
            "with the patient or pharmacy"
        )
    # Never "criteria met" on a history known to be incomplete (issue 10): the gaps are listed
    # under "Data not read" on this card.
    header = (
        "**Criteria met on the data that could be read** (the record is incomplete: see "
        "*Data not read*):"
        if ctx.record.gaps_in(*data_gaps.topic_domains().get(TOPIC, ()))
        else "**Criteria met:**"
    )
    return header + "\n" + "\n".join(lines)


def rule(ctx: RuleContext) -> Recommendation | None:
    facts = ctx.facts
    # Acute risk first (issue 11 item 8): with an acute suicide-risk signal, psychotic features or
    # catatonia TMS is not the next step (the optimise card names ECT / esketamine instead). Checked
    # here as well as in the eligibility, so no change to the TMS criteria can bring it back.
    if not facts.tms.eligible or acute_risk.blocks_tms(facts.suicide, ctx.record):
        return None
    latest = facts.latest_phq9
    assert latest is not None and latest.value is not None  # eligibility requires a PHQ-9
    count = len(facts.failed_trials)
    failed = cards.names(facts.failed_trials)
    noun = "trial" if count == 1 else "trials"
    summary = cards.fit_summary(
        f"{count} adequate {noun} failed ({failed}); PHQ-9 {latest.value}: consider TMS referral",
        f"{count} adequate {noun} failed; PHQ-9 {latest.value}: consider TMS referral",
    )
    depression = facts.depression_finding
    resource = None
    if ctx.patient_id is not None:
        resource = suggestions.service_request(
            patient_id=ctx.patient_id,
            concept="tms-evaluation",
            text="Referral for transcranial magnetic stimulation (TMS) evaluation",
            reasons=[depression.source] if depression and depression.source else [],
            note=(
                f"{count} adequate antidepressant trials failed in this episode ({failed}); "
                f"latest PHQ-9 {latest.value} on {latest.date.isoformat()}."
                + (
                    f" TMS safety screen required: {_safety_items(ctx)}."
                    if facts.tms_cautions
                    else ""
                )
            ),
        )
    sections = []
    if facts.suicide is not None:
        sections.append(acute_risk.referral_note(facts.suicide))
    sections.append(populations.population_notes(ctx, tms=True))
    if facts.tms_cautions:
        # Device labels advise caution, not exclusion, for these (NeuroStar: implanted devices
        # controlled by physiological signals); the TMS service decides after its own screen.
        sections.append(
            f"**TMS safety screen required:** {_safety_items(ctx)}. Tell the TMS service, which "
            "decides whether and how TMS can be given."
        )
    sections += [
        _criteria(ctx),
        cards.trial_table(facts.episode_trials, ctx.policy.mapping),
        cards.scores_section(ctx.record),
        cards.staging_section(ctx.stage),
        cards.guideline_links("lcd-l34998", "lcd-l37086", "canmat2023", "maudsley2018"),
    ]
    return cards.make(
        TOPIC,
        summary=summary,
        detail=cards.join_sections(*sections),
        suggestions=(
            suggestions.create(
                "Refer for TMS evaluation", resource, recommended=facts.suicide is None
            ),
        ),
    )
