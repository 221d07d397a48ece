"""The optimise card's judgement resting on a PHQ-9 older than the measurement interval (review s20
RA finding 3).

Escitalopram judged failed on a PHQ-9 of 2024-09-23 read "1 adequate trial failed
(escitalopram): switch ... or augment (aripiprazole or brexpiprazole)" with the adjuncts one
click through 2025-12-01, 14 months on, and said nowhere how old the score was (only a separate
measurement card said "no PHQ-9 total in 434 days"). A failure, a partial response or a response
is a statement about the patient's depression now; a score past policy.mbc_interval_days (the
interval CANMAT 2023 Table 5.1 measurement-based care keeps a PHQ-9 within: services/policy/)
does not say it. So the card leads with the score's date and age and asks for a new one, and its
drug proposals stay named, not one click (one_click_hold), until a PHQ-9 is repeated. The safer
choice: an adjunct (an antipsychotic) or a switch started on a year-old score may treat a
depression that has remitted, or miss one that has worsened.

Review s22 RS finding 1: a newer PHQ-9 whose total and answers disagree judges nothing
(services/phq9_disagreements.py), so the judgement rests on the score before it, which is what
"older than the interval" is asked of; the card then leads with the form to check, not with a
repeat two weeks after one was done.

Review s24 RN finding 6: a PHQ-2, PHQ-8 or EPDS newer than the latest PHQ-9 total (item 9 not
asked) and results named PHQ-9 that could not be read (an item 9 row under a site code) were said
only on the measurement card, which asked for the same PHQ-9 again ("On venlafaxine; no PHQ-9
total in 183 days (PHQ-2 6 on 2026-11-16: not a PHQ-9, item 9 not asked): repeat the PHQ-9").
This card says both (`newer_words`), so one card makes the request with every reason, and the
measurement card yields to it (measurement_yield.yield_to_optimise).
"""

from __future__ import annotations

from datetime import date, timedelta

from fhir_mapping.record import Score
from fhir_mapping.scale_outcomes import remission_below, remission_text, scale_outcomes
from services import cards, no_phq9_words, phq9_disagreements, screen, tms_severity, trial_count
from services.card_format import plural
from services.recommendation import Recommendation, Suggestion
from services.rules import one_click_hold
from services.rules.context import RuleContext
from services.staging_duration import months_between

HELD_BY = "repeat the PHQ-9 first"
HELD_BY_FORM = "check the PHQ-9 form first"


def stale(ctx: RuleContext) -> Score | None:
    """The latest PHQ-9 total when the card's judgement rests on it (a failed or partial trial
    counted) and it is older than policy.mbc_interval_days, else None. Not with psychotic
    features: that card rests on them (antidepressant plus antipsychotic, or ECT: CANMAT 2023
    Table 3.6), not on a PHQ-9 outcome, and its summary naming them is kept."""
    if not ctx.facts.failed_trials or ctx.facts.psychotic:
        return None
    latest = phq9_disagreements.latest_judged(ctx.record)
    if latest is None:
        return None
    if latest.date >= ctx.record.as_of - timedelta(days=ctx.policy.mbc_interval_days):
        return None
    return latest


def form_to_check(ctx: RuleContext) -> Score | None:
    """The latest PHQ-9 whose total and answers disagree (phq9_disagreements.latest_conflict)
    when the card's judgement rests on PHQ-9 outcomes (as `stale`), whatever the age of the
    score before it, else None. Review s24 RA finding 7: a form filed today with a total of 12
    and answers summing to 16 held the card only when the score before it was stale; the
    severity now is unknown either way, so the drug proposals wait for the form as the TMS
    referral does (tms_referral_held._score)."""
    if not ctx.facts.failed_trials or ctx.facts.psychotic:
        return None
    return phq9_disagreements.latest_conflict(ctx.record)


def _age(ctx: RuleContext, score: Score) -> str:
    months = months_between(score.date, ctx.record.as_of)
    if months >= 1:
        return f"{plural(months, 'month')} ago"
    return f"{plural((ctx.record.as_of - score.date).days, 'day')} ago"


def lead(ctx: RuleContext, score: Score) -> str:
    """ "Last PHQ-9 14 on 2024-09-23 (14 months ago)"."""
    return f"Last PHQ-9 {score.value} on {score.date.isoformat()} ({_age(ctx, score)})"


def hold(ctx: RuleContext, rec: Recommendation, *, asks_already: bool) -> Recommendation:
    """`rec` (the optimise card) led by the stale score and its drug proposals held as text; as
    it is when the latest PHQ-9 is recent or no trial is judged on one. `asks_already`: the card
    already asks for a PHQ-9 for a running course (not measured on it, a form with no total:
    optimize/unscored.py), holds its options and says why more precisely; no second ask."""
    score = stale(ctx)
    if asks_already:
        return rec
    if score is None:
        newer = form_to_check(ctx)
        return rec if newer is None else _form_hold(ctx, rec, newer)
    head = lead(ctx, score)
    failed, failed_short = trial_count.failed_words(ctx.facts.failed_trials, ctx.record)
    newer = phq9_disagreements.latest_conflict(ctx.record)
    ask = "repeat before switching or augmenting"
    if newer is not None:
        ask = f"{phq9_disagreements.CHECK} before switching or augmenting"
    since, since_short, since_line = newer_words(ctx, score)

    def line(held: list[Suggestion]) -> str:
        text = (
            f"**{head}:** the outcome this card judges rests on it, and it is older than the "
            f"clinic's {ctx.policy.mbc_interval_days}-day measurement interval (measurement-based "
            "care: CANMAT 2023 Table 5.1). Repeat the PHQ-9 (with item 9) before switching or "
            "augmenting."
        )
        if newer is not None:
            text = (
                f"**{head}:** the outcome this card judges rests on it, older than the clinic's "
                f"{ctx.policy.mbc_interval_days}-day measurement interval (CANMAT 2023 Table "
                f"5.1); the newer PHQ-9 judges nothing ({phq9_disagreements.conflict_words(newer)}"
                "). Check that form, or repeat the PHQ-9 (with item 9), before switching or "
                "augmenting."
            )
        text += since_line
        if held:
            text += f" Not one click until then: {'; '.join(s.label for s in held)}."
        if newer is not None:
            # What the disagreement means, said here once: the measurement card that said it
            # too yields to this one (measurement_yield.py; review s24 RN finding 5).
            text += f"\n\n{phq9_disagreements.conflict_section(newer)}"
        return text

    (held,) = one_click_hold.hold_drug_orders([rec], line, held_by=HELD_BY, whole=True)
    # The failed trials first, as every summary of this card counts them ("1 adequate trial
    # failed (sertraline); venlafaxine not measured yet: repeat the PHQ-9 ..."), then the score.
    last = head[0].lower() + head[1:]
    if newer is not None:
        last = f"PHQ-9 {phq9_disagreements.conflict_words(newer)}"
    upper = f"{last[0].upper()}{last[1:]}"
    # The marks as one count when they do not fit (trial_count.failed_brief): the count kept,
    # never dropped with them (recheck K5 s28 finding 10).
    brief = trial_count.failed_brief(ctx.facts.failed_trials, ctx.record)
    summary = cards.fit_summary(
        f"{failed}; {last}{since}: {ask}",
        f"{failed_short}; {last}{since}: {ask}",
        f"{brief}; {last}{since}: {ask}",
        f"{upper}{since}: {ask}",
        f"{upper}{since_short}: {ask}",
    )
    return screen.with_fields(held, summary=summary, held_summary=None)


def _form_hold(ctx: RuleContext, rec: Recommendation, newer: Score) -> Recommendation:
    """`rec` led by the latest form whose total and answers disagree (`form_to_check`) while
    the score before it is recent: the outcome judged stands on that score, but the severity
    now is not known, so the drug proposals wait for the form, as with a stale score before it
    (`hold`, whose words these follow)."""
    failed, failed_short = trial_count.failed_words(ctx.facts.failed_trials, ctx.record)
    words = phq9_disagreements.conflict_words(newer)
    ask = f"{phq9_disagreements.CHECK} before switching or augmenting"

    def line(held: list[Suggestion]) -> str:
        text = (
            f"**PHQ-9 {words}:** the newest PHQ-9 judges nothing, and which total is right "
            "decides how severe the depression is now. Check that form, or repeat the PHQ-9 "
            "(with item 9), before switching or augmenting."
        )
        if held:
            text += f" Not one click until then: {'; '.join(s.label for s in held)}."
        # What the disagreement means, said here once: the measurement card that said it too
        # yields to this one (measurement_yield.py).
        return f"{text}\n\n{phq9_disagreements.conflict_section(newer)}"

    (held,) = one_click_hold.hold_drug_orders([rec], line, held_by=HELD_BY_FORM, whole=True)
    brief = trial_count.failed_brief(ctx.facts.failed_trials, ctx.record)
    summary = cards.fit_summary(
        f"{failed}; PHQ-9 {words}: {ask}",
        f"{failed_short}; PHQ-9 {words}: {ask}",
        f"{brief}; PHQ-9 {words}: {ask}",
        f"PHQ-9 {words}: {ask}",
    )
    return screen.with_fields(held, summary=summary, held_summary=None)


def newer_words(ctx: RuleContext, score: Score) -> tuple[str, str, str]:
    """What the record holds after the stale score that is no PHQ-9 total read (module
    docstring): the newest PHQ-2, PHQ-8 or EPDS after the latest PHQ-9 total (and another
    validated scale's total: `newer_scale_words`, detail only), said in the
    summary ("; PHQ-2 6 on 2026-11-16: not a PHQ-9, item 9 not asked", and a shorter form
    keeping "item 9 not asked"), and a detail sentence naming it and the results named PHQ-9
    dated after the score that could not be read. ("", "", "") when there is neither."""
    latest = ctx.facts.latest_phq9
    other = no_phq9_words.newest_other_screen(ctx.record, latest.date if latest else None)
    unread = no_phq9_words.unread_since(ctx.record, score.date)
    line = ""
    since = short = ""
    if other is not None:
        words = no_phq9_words.other_screen_words(other)
        since = f"; {words}"
        short = f"; {other.instrument} on {other.date.isoformat()}, item 9 not asked"
        line += (
            f" Since then: {words}; it does not replace the PHQ-9, whose item 9 (the suicide "
            "item) it does not ask."
        )
    # Another validated scale after it, as `newer_screen_line` names one (review K39a finding 2).
    scale = newer_scale_words(ctx, latest.date if latest else score.date)
    if scale:
        line += f" Since then{' also' if other is not None else ''}: {scale}"
    if unread:
        day = no_phq9_words.latest_unread(unread)
        dated = f", latest {day.isoformat()}" if day is not None else ""
        line += (
            f" Since then also: {no_phq9_words.unread_phq9_words(unread)}{dated}, not read: "
            "their totals and item 9 answers are not known; check them in the chart (if an "
            "item 9 is above 0, assess suicide risk today): one may be the repeat asked here."
        )
    return since, short, line


def newer_screen_line(ctx: RuleContext) -> str:
    """A PHQ-2, PHQ-8 or EPDS newer than a PHQ-9 still within the measurement interval, named on
    the optimise card's basis (review s28 RI finding 6: an EPDS of 22 nine days after a PHQ-9 of
    23 was on no card, since `newer_words` speaks only beside a stale PHQ-9 and the measurement
    card only when one is due). The card judges PHQ-9 totals: the screen is named, not counted.
    "" when there is none, or when the PHQ-9 is older (the stale hold or the measurement card
    names it then)."""
    latest = ctx.facts.latest_phq9
    if latest is None or latest.date < ctx.record.as_of - timedelta(
        days=ctx.policy.mbc_interval_days
    ):
        return ""
    said = []
    other = no_phq9_words.newest_other_screen(ctx.record, latest.date)
    if other is not None:
        said.append(
            f"{no_phq9_words.other_screen_words(other)}; this card judges PHQ-9 totals, so it "
            "is named here, not counted."
        )
    scale = newer_scale_words(ctx, latest.date)
    if scale:
        said.append(scale)
    if not said:
        return ""
    return f"**Since the PHQ-9 of {latest.date.isoformat()}:** {' '.join(said)}"


def newer_scale_words(ctx: RuleContext, after: date) -> str:
    """The newest total of another validated depression scale (HAM-D17, MADRS, QIDS-SR16,
    BDI-II: fhir_mapping/scale_outcomes.py) dated after `after` (the latest PHQ-9's day), as a
    sentence: "MADRS 8 (mild, Snaith 1986) on 2026-11-15, in the remission range (MADRS <= 10:
    Hawley 2002; Riedel 2010): the failed count rests on PHQ-9 totals, so it is named here;
    weigh it before augmenting or switching." "" when there is none. Review K39a finding 2: a
    MADRS of 8 after the last PHQ-9 was named on the TMS card only, while this card called the
    course failed; the newer PHQ-2 was named here (`newer_screen_line`), the MADRS not."""
    outcomes = scale_outcomes()
    found = [
        s
        for s in ctx.record.scores
        if s.instrument in outcomes and s.value is not None and s.date > after
    ]
    if not found:
        return ""
    # The newest; of one day, the preferred scale (a clinician's rating first), as the TMS
    # card's severity reads them (tms_severity.severity_score).
    score = max(found, key=lambda s: (s.date, -outcomes[s.instrument].preference))
    below = remission_below(score.instrument)
    remission = (
        f", in the remission range ({remission_text(score.instrument).replace(' (', ': ', 1)}"
        if below is not None and score.value is not None and score.value < below
        else ""
    )
    return (
        f"{tms_severity.score_text(score)} on {score.date.isoformat()}{remission}: the failed "
        "count rests on PHQ-9 totals, so it is named here; weigh it before augmenting or "
        "switching."
    )


def same_day_line(ctx: RuleContext) -> str:
    """The PHQ-9s this card's verdicts rest on (each failed trial's score on treatment, and the
    latest PHQ-9) that share their day with another, different PHQ-9 total, in the TMS card's
    words: "**PHQ-9 of 2026-11-15:** 2 PHQ-9s that day (23, 4): the higher is used, and this
    card's verdicts rest on it." Review K39a finding 6: a 23 at 09:30 and a 4 at 16:00 were both
    final; the TMS severity line said so, this card called venlafaxine failed on the 23 and
    named the 4 nowhere (nor anywhere once no TMS card came). "" when there is none (nearly
    every chart); the higher is still used (phq9_disagreements.py says why)."""
    scores = [t.on_treatment for t in ctx.facts.failed_trials]
    scores.append(ctx.facts.latest_phq9)
    said: dict[date, str] = {}
    for score in scores:
        if score is None or score.date in said:
            continue
        words = phq9_disagreements.same_day_words(ctx.record, score)
        if words:
            said[score.date] = f"**PHQ-9 of {score.date.isoformat()}:** {words}"
    if not said:
        return ""
    which = "it" if len(said) == 1 else "them"
    return "; ".join(said.values()) + f", and this card's verdicts rest on {which}."
