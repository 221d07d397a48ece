"""A course still running short of a fair test, named on the TMS card (review K30c finding 2).

Venlafaxine stopped and bupropion 300 mg/day started three weeks before: the optimise card stays
quiet while a current trial has not run long enough to be judged (optimize_switch_augment:
no switch or adjunct on a course before its fair test), and the TMS card, the only card left,
offered the referral without naming the trial running. A psychiatrist deciding on TMS needs to
know a third antidepressant is under way and when it can be judged: >= 6 weeks at an adequate
dose (REFERENCE.md 0 item 2, policy mapping.min_adequate_weeks). The line informs; it does not
hold the referral (two adequate trials have failed, and the referral is an evaluation).

A course below its adequate dose (bupropion 75 mg/day, range 150-450) is said so: its 6 weeks
count from an adequate dose, not from its start (recheck K31b finding 5).
"""

from __future__ import annotations

from fhir_mapping.record import AdherenceStatus, InadequacyReason, Role, Trial
from services.adherence_words import poor_adherence_words
from services.card_format import plural, weeks_text
from services.dose_units import per_day
from services.rules.context import RuleContext
from services.rules.optimize.courses import not_yet_judged
from services.rules.optimize.first_fill_wait import awaiting_first_fill, ordered_words
from services.rules.optimize.tapered_and_prn import tapering
from services.rules.optimize.wording import dose_since_text, range_label
from services.trial_dates import weeks_at_present_dose


def _below(trial: Trial) -> bool:
    """The running dose is below the course's adequate dose (its range's minimum)."""
    low, upper = trial.min_adequate_mg, trial.current_mg_per_day_upper
    return low is not None and upper is not None and upper < low


def _course(ctx: RuleContext, trial: Trial) -> str:
    """ "bupropion 300 mg/day since 2026-11-08 (3 weeks)"; below its adequate dose, with
    ", below its adequate dose (150-450 mg/day)"."""
    said = f"{dose_since_text(trial)} ({plural(weeks_at_present_dose(trial)[0], 'week')})"
    if not _below(trial):
        return said
    label = range_label(ctx, trial)
    unit = "" if per_day(trial.ingredient) in label else f" {per_day(trial.ingredient)}"
    return f"{said}, below its adequate dose ({label}{unit})"


def _past_but_poor(ctx: RuleContext, trial: Trial) -> bool:
    """Already at its adequate dose for the weeks a fair test needs, but not adequate because
    of adherence (review K34: "judge it once 6 weeks ... are reached" of venlafaxine 7 weeks
    in, refused on 39 of 52 ward days: a date already passed)."""
    poor = (
        InadequacyReason.POOR_ADHERENCE in trial.reasons
        or trial.adherence.status is AdherenceStatus.POOR
    )
    weeks = weeks_at_present_dose(trial)[0]
    return poor and not _below(trial) and weeks >= ctx.policy.mapping.min_adequate_weeks


def running_line(ctx: RuleContext) -> str:
    """ "**Trial running, not judged yet:** bupropion 300 mg/day since 2026-11-08 (3 weeks):
    judge it once 6 weeks at an adequate dose are reached (...)", or "" with none. A course
    already past those weeks whose adherence keeps it from a fair test says so, from the
    record, never a date already passed: "venlafaxine 150 mg/day since 2026-10-10 (7 weeks),
    but given on 13 of 52 ward days (MAR): not an adequate trial until taken as prescribed". An
    order awaiting its first fill is said as ordered (`_ordered_line`)."""
    tapered = tapering(ctx)
    # Antidepressant courses only: an adjunct (esketamine sessions, lithium) is no trial the
    # referral counts, and the TMS card names a running esketamine course itself.
    waiting = [t for t in not_yet_judged(ctx) if t.role is Role.ANTIDEPRESSANT and t not in tapered]
    if not waiting:
        return ""
    # An order awaiting its first fill is no trial running yet (orders39): said as ordered.
    ordered = [t for t in waiting if awaiting_first_fill(t)]
    waiting = [t for t in waiting if t not in ordered]
    poor = [t for t in waiting if _past_but_poor(ctx, t)]
    rest = [t for t in waiting if t not in poor]
    parts = []
    if rest:
        needed = weeks_text(ctx.policy.mapping.min_adequate_weeks)
        said = "; ".join(_course(ctx, t) for t in rest)
        them = "it" if len(rest) == 1 else "each"
        judge = f"judge {them} once {needed} at an adequate dose are reached"
        if any(_below(t) for t in rest):
            # The weeks count from an adequate dose, not from the start of a dose below it.
            judge = f"the {needed} count from an adequate dose: judge {them} once they are reached"
        parts.append(f"{said}: {judge}")
    parts += [
        f"{_course(ctx, t)}, but {poor_adherence_words(t)}: not an adequate trial until taken "
        "as prescribed"
        for t in poor
    ]
    said = (
        f"**Trial running, not judged yet:** {'; '.join(parts)} (this service's adequate "
        "trial); the optimise card proposes no switch or adjunct before then."
        if parts
        else ""
    )
    return " ".join([s for s in (_ordered_line(ordered), said) if s])


def _ordered_line(ordered: list[Trial]) -> str:
    """ "**Ordered, no fill yet:** bupropion 150 mg/day ordered 2026-11-10, no fill yet: its
    weeks count from its first fill (check it was collected)." or "" with none."""
    if not ordered:
        return ""
    return (
        f"**Ordered, no fill yet:** {'; '.join(map(ordered_words, ordered))}: no trial running "
        "until a fill shows it taken, its weeks counted from that fill (check it was collected: "
        "ask the patient, the pharmacy)."
    )
