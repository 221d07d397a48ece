"""Measurement-based care: a PHQ-9 is due for a patient on an antidepressant.

Due when there is no PHQ-9 within policy.mbc_interval_days, or the current trial started at least
policy.mbc_after_trial_weeks ago and no PHQ-9 was recorded after its start (issue 4: "none since
the current trial started 4+ weeks ago"; response is judged after >= 4 weeks; CANMAT 2023 Table
5.1: use validated scales, Level 2).
"""

from __future__ import annotations

from datetime import timedelta

from fhir_mapping.record import DataDomain, Score, Trial
from services import cards, suggestions, tms_course
from services.recommendation import Recommendation
from services.rules.context import RuleContext

TOPIC = "measurement-based-care"


def _due_reason(ctx: RuleContext, trial: Trial, latest: Score | None) -> str | None:
    as_of = ctx.record.as_of
    interval = ctx.policy.mbc_interval_days
    # "PHQ-9 total": an item-9 answer on its own (no total) does not measure response.
    if latest is None:
        # Scores not all seen (issue 10): an absence is not proven, so say what was read.
        if ctx.record.incomplete(DataDomain.SCORES):
            return "no PHQ-9 total in the data that could be read"
        return "no PHQ-9 total on record"
    if latest.date < as_of - timedelta(days=interval):
        return f"no PHQ-9 total in {(as_of - latest.date).days} days"
    checkpoint = trial.start + timedelta(weeks=ctx.policy.mbc_after_trial_weeks)
    if checkpoint <= as_of and latest.date <= trial.start:
        return f"no PHQ-9 total since {trial.ingredient} started"
    return None


def rule(ctx: RuleContext) -> Recommendation | None:
    ongoing = ctx.facts.ongoing_trials
    if not ongoing:
        return None
    if tms_course.running_course(ctx.record, ctx.policy) is not None:
        return None  # during a TMS course the tms-course card asks for the scales (weekly)
    trial = max(ongoing, key=lambda t: t.start)  # the current trial: the latest started
    latest = ctx.facts.latest_phq9  # the latest PHQ-9 total (record.latest_phq9)
    why = _due_reason(ctx, trial, latest)
    if why is None:
        return None
    summary = cards.fit_summary(
        f"On {trial.ingredient} since {trial.start.isoformat()}; {why}: repeat the PHQ-9 to "
        "measure response",
        f"On {trial.ingredient}; {why}: repeat the PHQ-9",
    )
    resource = None
    if ctx.patient_id is not None:
        resource = suggestions.service_request(
            patient_id=ctx.patient_id,
            concept="phq9-panel",
            text="PHQ-9 to measure response to the current antidepressant",
        )
    evidence = (
        cards.trials_evidence(ongoing, ctx.policy.mapping),
        cards.scores_evidence(ctx.record),
    )
    detail = cards.join_sections(
        f"PHQ-9 at least every {ctx.policy.mbc_interval_days} days on an antidepressant and once "
        f"after a new trial starts (checked from week "
        f"{cards.fmt_weeks(ctx.policy.mbc_after_trial_weeks)}): "
        f"response and remission (PHQ-9 < {ctx.policy.remission_below}) cannot be judged "
        "without it.",
        *cards.evidence_sections(*evidence),
        cards.guideline_links("canmat2023", "kroenke2001"),
    )
    return cards.make(
        TOPIC,
        summary=summary,
        detail=detail,
        suggestions=(suggestions.create("Ask for a PHQ-9", resource, recommended=True),),
        evidence=evidence,
    )
