"""patient-view: a relapse on a running antidepressant (review 11 finding 3).

A course that brought remission and is still running when the PHQ-9 rises again (sertraline
100 mg since 2023, PHQ-9 3-4 through 2024, 14 then 18 in 2025) started before the current
episode: the remission ended the episode it was started for (fhir_mapping/episode.py rule 1),
so it is not a trial of this one and is rightly not counted toward treatment resistance. Before
this card nothing was said at all, although a relapse during maintenance is the commonest
situation in a depression clinic. One card per relapsed course (the first; a second running
antidepressant spanning the same remission is named in the detail):

- the course, its running dose and the remission it held (the latest run of PHQ-9 below the
  remission cut-off while it ran: MappingPolicy.remission_below, CMS159), then the scores since,
  the latest at or above MappingPolicy.relapse_phq9_at_least (the moderate band's floor);
- what to review before changing treatment, and the order of steps: raise the dose within its
  range (capped at the older-adult maximum where one applies: age_limits.py), then switch or
  augment (services/data/relapse_steps.csv, each step with its source and status);
- that it is not counted as a failed trial of this episode.

Text only, no one-click order: a dose change after a relapse rests on the review the card asks
for (adherence, stressors, substances, medical causes), which the record cannot show.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from fhir_mapping.episode import in_current_episode, remission_on
from fhir_mapping.record import Role, Score, Trial, Verdict
from services import age_limits, cards, tables
from services.order_doses import trial_dose
from services.recommendation import Recommendation
from services.rules.context import RuleContext

TOPIC = "relapse-on-treatment"
_ANTIDEPRESSANT = Role.ANTIDEPRESSANT
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL


@dataclass(frozen=True, slots=True)
class Relapse:
    trial: Trial
    remission: tuple[Score, ...]  # the PHQ-9 run below the remission cut-off, oldest first
    since: tuple[Score, ...]  # the PHQ-9 totals after it, oldest first; the last is the latest


@cache
def _steps() -> dict[str, str]:
    return {row["step"]: row["text"] for row in tables._rows("relapse_steps.csv")}


def relapses(ctx: RuleContext) -> tuple[Relapse, ...]:
    """Running antidepressant courses started before the current episode that held remission
    and under which the latest PHQ-9 is at or above the relapse cut-off, oldest course first."""
    record, start = ctx.record, ctx.facts.episode_start
    latest = ctx.facts.latest_phq9
    cut_off = ctx.policy.mapping.relapse_phq9_at_least
    if start is None or latest is None or latest.value is None or latest.value < cut_off:
        return ()
    phq9 = sorted(
        [s for s in record.scores if s.instrument == "PHQ-9" and s.value is not None],
        key=lambda s: s.date,
    )
    found = []
    for trial in sorted(record.trials, key=lambda t: t.start):
        if (
            trial.role is not _ANTIDEPRESSANT
            or trial.verdict is _NOT_A_TRIAL
            or not trial.ongoing
            or trial.on_hold is not None  # not taken now: a relapse off the drug, not on it
            or in_current_episode(trial, start)
        ):
            continue
        remission = remission_on(trial, phq9, before=start)
        if not remission:
            continue
        since = tuple([s for s in phq9 if s.date > remission[-1].date])
        if since:
            found.append(Relapse(trial, remission, since))
    return tuple(found)


def _scores(scores: tuple[Score, ...]) -> str:
    return ", ".join(f"{s.value} on {s.date.isoformat()}" for s in scores)


def _dose_step(ctx: RuleContext, trial: Trial) -> str:
    """Raise within the range (to the older-adult maximum where one applies), or, at its top,
    switch or augment."""
    top = age_limits.capped(trial.ingredient, ctx.record.patient.age, trial.max_mg)
    upper = trial.current_mg_per_day_upper
    if top is not None and upper is not None and upper >= top:
        return (
            f"{trial.ingredient} is at the top of its range ({cards.fmt_mg(top)} mg/day): "
            "switch or augment (CANMAT 2023 Figure 7.1)."
        )
    reach = f" (range to {cards.fmt_mg(top)} mg/day)" if top is not None else ""
    return f"{trial.ingredient} {trial_dose(trial)}{reach}: {_steps()['optimise']}."


def rule(ctx: RuleContext) -> Recommendation | None:
    found = relapses(ctx)
    if not found:
        return None
    # Bipolar disorder or a primary psychotic disorder: the diagnosis-review card speaks; a
    # "raise the antidepressant" line beside it would contradict it.
    if ctx.facts.bipolar or ctx.facts.psychotic_disorder:
        return None
    first = found[0]
    trial, remission, since = first.trial, first.remission, first.since
    low, high = remission[-1], since[-1]
    dose = trial_dose(trial)
    arrow = (
        f"PHQ-9 {low.value} on {low.date.isoformat()} -> {high.value} on {high.date.isoformat()}"
    )
    summary = cards.fit_summary(
        f"Relapse on {trial.ingredient} {dose} ({arrow}): review, then optimise the dose first",
        f"Relapse on {trial.ingredient} {dose} ({arrow})",
        f"Relapse on {trial.ingredient} ({arrow})",
    )
    below = ctx.policy.mapping.remission_below
    held = (
        f"from {remission[0].date.isoformat()} to {low.date.isoformat()}"
        if len(remission) > 1
        else f"on {low.date.isoformat()}"
    )
    sections = [
        f"**Relapse on {trial.ingredient} {dose}** (running since {trial.start.isoformat()}): "
        f"in remission on it {held} (PHQ-9 {', '.join(str(s.value) for s in remission)}; "
        f"remission is PHQ-9 < {below}, CMS159), then PHQ-9 {_scores(since)} (>= "
        f"{ctx.policy.mapping.relapse_phq9_at_least} is moderate or worse, Kroenke 2001).",
        f"**Adherence on record:** {cards.adherence_text(trial)}.",
        f"**Review first:** {_steps()['review']} (CANMAT 2023 para 184).",
        f"**Then:** {_dose_step(ctx, trial)}",
    ]
    others = [r.trial.ingredient for r in found[1:]]
    if others:
        sections.append(f"Also running through the same remission: {cards.and_list(others)}.")
    sections.append(f"{_steps()['not-counted']} (this episode from {ctx.facts.episode_start}).")
    # The scores only: the trials table judges a course by its first and last score ("20 -> 18,
    # failed"), which is what this card says it is not.
    evidence = (cards.scores_evidence(ctx.record),)
    detail = cards.join_sections(
        *sections, *cards.evidence_sections(*evidence), cards.guideline_links("canmat2023")
    )
    return cards.make(TOPIC, summary=summary, detail=detail, evidence=evidence)
