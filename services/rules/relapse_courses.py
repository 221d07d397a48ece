"""Which running antidepressant courses relapsed (relapse.py's card): a course started before the
current episode that held remission (the latest run of PHQ-9 below the remission cut-off while
it ran) and is still running while the latest PHQ-9 is at or above the relapse cut-off.

Apart from the card because it reads only the record (the courses, the episode and the PHQ-9
totals), never the card's wording; the dose history (relapse_dose_history.py) and the dose step
(relapse_dose_step.py) take its `Relapse`.
"""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping.episode import in_current_episode, remission_on
from fhir_mapping.record import Role, Score, Trial, Verdict
from services.rules.context import RuleContext
from services.rules.relapse_steps import valued_phq9

_ANTIDEPRESSANT = Role.ANTIDEPRESSANT
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL


@dataclass(frozen=True, slots=True)
class Relapse:
    trial: Trial
    remission: tuple[Score, ...]  # the PHQ-9 run below the remission cut-off, oldest first
    since: tuple[Score, ...]  # the PHQ-9 totals after it, oldest first; the last is the latest
    # A course of this episode that brought response or remission, then the relapse on it
    # (Trial.relapsed_from, review s23 RC finding 1): `remission` then holds that one score,
    # which may be a response without remission.
    in_episode: bool = False


def relapses(ctx: RuleContext, phq9: tuple[Score, ...] | None = None) -> tuple[Relapse, ...]:
    """Running antidepressant courses started before the current episode that held remission
    and under which the latest PHQ-9 is at or above the relapse cut-off, oldest course first.
    `phq9`: the record's valued PHQ-9 totals, oldest first, when already read."""
    record, start = ctx.record, ctx.facts.episode_start
    latest = ctx.facts.latest_phq9
    cut_off = ctx.policy.mapping.relapse_phq9_at_least
    if start is None or latest is None or latest.value is None or latest.value < cut_off:
        return ()
    if phq9 is None:
        phq9 = valued_phq9(record)
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
    return tuple(found) + _in_episode(ctx, phq9, found)


def _in_episode(
    ctx: RuleContext, phq9: tuple[Score, ...], found: list[Relapse]
) -> tuple[Relapse, ...]:
    """Running courses of this episode that brought response or remission and relapsed on the
    drug (Trial.relapsed_from, fhir_mapping/relapse_on_drug.py: sertraline 21 -> 5 -> 19), oldest
    first: not failed trials, so no other card would say what the latest PHQ-9 asks for."""
    said = {id(r.trial) for r in found}
    more = []
    for trial in sorted(ctx.record.trials, key=lambda t: t.start):
        responded = trial.relapsed_from
        if (
            responded is None
            or id(trial) in said
            or trial.role is not _ANTIDEPRESSANT
            or trial.verdict is not Verdict.ADEQUATE
            or not trial.ongoing
            or trial.on_hold is not None
            or trial.supply_ran_out is not None  # whether it is still taken comes first
        ):
            continue
        since = tuple([s for s in phq9 if s.date > responded.date])
        if since:
            more.append(Relapse(trial, (responded,), since, in_episode=True))
    return tuple(more)
