"""What the measurement-based-care card (measurement_based_care.py) reads in the record: why a
PHQ-9 is due on the current trial (`due_reason`: none within the interval, none since the trial
started, none since it became adequate), and the PHQ-9s that change what the card can say: one
with answers and no total (review 17 M4), a preliminary total not yet reviewed (review 14 U1),
one left out as incomplete with item 9 unknown (review 13 W11), and another depression scale's
latest total (review 13 W10).

Apart from the card because it reads only the record and the policy, never the card's wording
(measurement_lines.py).
"""

from __future__ import annotations

from datetime import date, timedelta

from fhir_mapping.record import DataDomain, DataGap, Score, Trial
from fhir_mapping.scale_outcomes import scale_outcomes
from fhir_mapping.scores import INCOMPLETE_PHQ9
from services import data_gaps, phq9_disagreements, phq9_no_total, preliminary_phq9
from services.card_format import plural
from services.rules.context import RuleContext


def due_reason(
    ctx: RuleContext,
    trial: Trial,
    latest: Score | None,
    unrecognised: tuple[DataGap, ...],
    *,
    grace: bool = True,
) -> str | None:
    """`grace` False: the adequacy reason is given inside policy.mbc_adequacy_grace_days too
    (`early_non_response` asks whether the grace days alone keep the card away)."""
    as_of = ctx.record.as_of
    interval = ctx.policy.mbc_interval_days
    # "PHQ-9 total": an item-9 answer on its own (no total) does not measure response. But a
    # form filed since the latest total with its answers and no total (a hasMember panel whose
    # items were not all read, a lone item 9) is named: "no PHQ-9 total in 112 days" a week
    # after a PHQ-9 was done says something false (review 17 M4).
    untotalled = untotalled_phq9(ctx, latest)
    if untotalled is not None:
        return phq9_no_total.no_total_text(ctx.record, untotalled)
    if latest is not None and latest.total_conflict is not None:
        # Its total and its answers disagree (review s22 RS finding 1): it measures nothing until
        # the form is checked, however recent (phq9_disagreements.py).
        return f"PHQ-9 {phq9_disagreements.conflict_words(latest)}"
    if any(s.value is not None for s in ctx.record.after_today_item9):
        # A PHQ-9 total dated after today whose positive item 9 the suicide-risk card treats as
        # current (a date typed wrong): the PHQ-9 was done, and "no PHQ-9 total in 120 days"
        # beside that card contradicted it (review s23 RT finding 4). Its date is checked there.
        return None
    if latest is None:
        if unrecognised:  # PHQ-9s on the chart the service could not read (card docstring)
            return "no PHQ-9 total could be read; " + data_gaps.unrecognised_phq9_text(unrecognised)
        # Scores not all seen (issue 10), or some left out: an absence is not proven, so say
        # what was read.
        if ctx.record.incomplete(DataDomain.SCORES) or ctx.record.gaps_in(DataDomain.SCORES):
            return "no PHQ-9 total in the data that could be read"
        return "no PHQ-9 total on record"
    # The unrecognised PHQ-9s' dates are not read: one may be more recent than the latest total.
    none = "no PHQ-9 total that could be read" if unrecognised else "no PHQ-9 total"
    if latest.date < as_of - timedelta(days=interval):
        return f"{none} in {plural((as_of - latest.date).days, 'day')}"
    checkpoint = trial.start + timedelta(weeks=ctx.policy.mbc_after_trial_weeks)
    if checkpoint <= as_of and latest.date <= trial.start:
        return f"{none} since {trial.ingredient} started"
    adequate = trial.adequate_from
    if (
        adequate is not None
        and _adequate_since_latest(ctx, trial, latest)
        and (not grace or (as_of - latest.date).days > ctx.policy.mbc_adequacy_grace_days)
    ):
        # Review 7 finding 6: the course became an adequate trial after its last PHQ-9 (a
        # week-5 score does not show that a 6-week trial failed): the outcome needs a PHQ-9.
        # Not asked while that PHQ-9 is policy.mbc_adequacy_grace_days old or less (review s23
        # RT finding 6): a PHQ-9 of day 41 is not "repeat the PHQ-9" on day 42; from the next
        # visit on it is, so a non-response at week 6 is not left unsaid until the interval.
        return (
            f"adequate duration reached {adequate.isoformat()}, {none} since: outcome not measured"
        )
    return None


def _adequate_since_latest(ctx: RuleContext, trial: Trial, latest: Score) -> bool:
    """The course became an adequate trial on or before as-of, after its latest PHQ-9 total,
    so its outcome is not measured (review 7 finding 6)."""
    adequate = trial.adequate_from
    return (
        adequate is not None
        and adequate <= ctx.record.as_of
        and latest.date < adequate
        and trial.outcome_unmeasured
    )


def early_non_response(
    ctx: RuleContext, trial: Trial, latest: Score | None, unrecognised: tuple[DataGap, ...]
) -> str | None:
    """Inside policy.mbc_adequacy_grace_days, where `due_reason` asks for no repeat: the latest
    PHQ-9, taken before the course became adequate, when it shows no response so far
    (Trial.response False: under a 50 % drop from the course's baseline) as the card says it:
    "PHQ-9 20 → 19 on 2026-11-25, 6 days before adequate duration: no response so far". Review s23
    RR finding 6: with the repeat not asked (RT finding 6), no card named a week-5 PHQ-9 of
    20 → 19 for up to 7 days, though it says the trial is heading for failure. It does not judge
    the trial (a score before adequate duration proves no failure: REFERENCE.md 0.2), so the
    card asks nothing; the next PHQ-9 judges it. None for any other course or score (a mild
    baseline's pair is not judged: Trial.mild_residual)."""
    baseline, on = trial.baseline, trial.on_treatment
    if latest is None or baseline is None or on is None or on != latest:
        return None
    if trial.response is not False or due_reason(ctx, trial, latest, (), grace=False) is None:
        return None  # not a non-response, or something other than the grace days says no card
    if unrecognised or not _adequate_since_latest(ctx, trial, latest):
        return None
    if trial.mild_residual:
        return None
    assert trial.adequate_from is not None  # _adequate_since_latest
    before = plural((trial.adequate_from - latest.date).days, "day")
    return (
        f"PHQ-9 {baseline.value} → {latest.value} on {latest.date.isoformat()}, {before} before "
        "adequate duration: no response so far"
    )


def unread_answers(
    ctx: RuleContext, trial: Trial, unrecognised: tuple[DataGap, ...]
) -> tuple[DataGap, ...]:
    """The PHQ-9s not read (`unrecognised`) that may answer the due check: dated inside the
    measurement interval and since the trial started, or undated (review 19 I6). One of them
    may be the PHQ-9 the card would ask for, so the card asks to read it, not to repeat it."""
    if not unrecognised:
        return ()
    since = max(ctx.record.as_of - timedelta(days=ctx.policy.mbc_interval_days), trial.start)
    return tuple([g for g in unrecognised if g.date is None or g.date >= since])


def untotalled_phq9(ctx: RuleContext, latest: Score | None) -> Score | None:
    """The latest PHQ-9 read with answers but no total (value None, an item-9 answer recorded)
    when it is newer than the latest total and inside the measurement interval, else None."""
    since = ctx.record.as_of - timedelta(days=ctx.policy.mbc_interval_days)
    return phq9_no_total.latest_untotalled(
        ctx.record, since, latest.date if latest is not None else None
    )


def newer_preliminary_phq9(ctx: RuleContext, latest: Score | None) -> Score | None:
    """The latest preliminary PHQ-9 total newer than the latest reviewed one (review 14 U1), or
    None. It judges no trial (not in `record.scores`: result_statuses.py), but a card that says
    "no PHQ-9 total in 147 days" a week after one was filed says something false: the card names
    it instead. Only `interim` statuses (preliminary): a cancelled form's total is no total
    (services/preliminary_phq9.py, which the trials table and the TMS card read too)."""
    return preliminary_phq9.latest_after(ctx.record, latest.date if latest is not None else None)


def other_scale_latest(ctx: RuleContext) -> Score | None:
    """The latest total of another depression scale the service reads and judges (HAM-D17,
    MADRS, QIDS-SR16, BDI-II: fhir_mapping/scale_outcomes.py), else None."""
    table = scale_outcomes()
    found = [s for s in ctx.record.scores if s.instrument in table and s.value is not None]
    return max(found, key=lambda s: s.date) if found else None


def incomplete_phq9(ctx: RuleContext, latest: Score | None) -> tuple[DataGap, date] | None:
    """The latest PHQ-9 left out as incomplete (items answered, no total, no item 9; review 13
    W11) when it is newer than the latest PHQ-9 total: the latest PHQ-9 is then one whose total
    and suicide item are unknown, which changes what the card can say."""
    found = [
        (gap, gap.date)
        for gap in ctx.record.gaps_in(DataDomain.SCORES)
        if gap.reason.startswith(INCOMPLETE_PHQ9) and gap.date is not None
    ]
    if not found:
        return None
    gap, day = max(found, key=lambda pair: pair[1])
    if latest is not None and latest.date >= day:
        return None
    return gap, day
