"""Measurement-based care: a PHQ-9 is due for a patient on an antidepressant.

Due when there is no PHQ-9 within policy.mbc_interval_days, or the current trial started at least
policy.mbc_after_trial_weeks ago and no PHQ-9 was recorded after its start (issue 4: "none since
the current trial started 4+ weeks ago"; response is judged after >= 4 weeks; CANMAT 2023 Table
5.1: use validated scales, Level 2).

The card never claims more than the record shows. With no PHQ-9 total read, it says "no PHQ-9
total on record" only when nothing of the scores was left out; with results named PHQ-9 that the
service could not recognise (an Epic flowsheet row under a local code only, a site's own form:
fhir_mapping/phq9_lookalike.py) it counts them and says a site code can be configured, and that
their item 9 answers are not known (never that none was positive); with other scores left out,
"in the data that could be read". A due PHQ-9 on a chart with such results says so too: one of
them may be the recent PHQ-9 this card asks for.

Other depression scales (review 13 W10): a HAM-D17, MADRS, QIDS-SR16 or BDI-II total that would
meet the same due checks silences the card (the course is measured, and judged on that scale:
fhir_mapping/score_windows.py); a card that fires names the latest one. A latest PHQ-9 left out
as incomplete (no total, no item 9; review 13 W11) is named, dated, in the summary and detail:
its suicide item is unknown, so it keeps the card even beside another scale. Recheck 2 m09: it
brings the card (warning) whatever the interval, with or without a trial running: "PHQ-9 on
2025-05-28: item 9 unanswered - ask it today".

Snoozes: while item 9 is unanswered the card is issued under a topic of its own,
ITEM9_TOPIC (data/topics.csv: not snoozable, as the suicide-risk card). Under the routine topic it
carried the pathway's fingerprint (failed trials, the band of the latest PHQ-9 total), which an
incomplete panel does not change: a "repeat the PHQ-9" card snoozed last week hid the unasked
suicide item today. It ends when a PHQ-9 with item 9 or a total is recorded.

While that card is shown, the optimise card's drug proposals are text, not one click
(`hold_one_click`), as while the suicide-risk card's signal is acute: the
suicide risk on the latest PHQ-9 is unknown, and a new antidepressant one click away (a tricyclic
or an MAOI above all: lethal in overdose, data/overdose_toxicity.csv) would go ahead of the
question the card asks today. Referrals (psychotherapy, ECT, the TMS packet) stay one click.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import date, timedelta

from fhir_mapping.record import DataDomain, DataGap, Score, Trial
from fhir_mapping.scale_outcomes import remission_text, scale_outcomes
from fhir_mapping.scores import INCOMPLETE_PHQ9
from services import (
    cards,
    data_gaps,
    preliminary_phq9,
    suggestions,
    tms_course,
    trial_dates,
    untotalled_phq9,
)
from services.recommendation import Indicator, Recommendation, Suggestion
from services.rules import one_click_hold
from services.rules.context import RuleContext
from services.rules.optimize import held_base

TOPIC = "measurement-based-care"
# The same card while the latest PHQ-9 leaves item 9 unanswered: never snoozed (module docstring).
ITEM9_TOPIC = "phq9-item9-unanswered"


def _due_reason(
    ctx: RuleContext, trial: Trial, latest: Score | None, unrecognised: tuple[DataGap, ...]
) -> str | None:
    as_of = ctx.record.as_of
    interval = ctx.policy.mbc_interval_days
    # "PHQ-9 total": an item-9 answer on its own (no total) does not measure response. But a
    # form filed since the latest total with its answers and no total (a hasMember panel whose
    # items were not all read, a lone item 9) is named: "no PHQ-9 total in 112 days" a week
    # after a PHQ-9 was done says something false (review 17 M4).
    untotalled = _untotalled_phq9(ctx, latest)
    if untotalled is not None:
        return untotalled_phq9.no_total_text(untotalled)
    if latest is None:
        if unrecognised:  # PHQ-9s on the chart the service could not read (module docstring)
            return "no PHQ-9 total could be read; " + data_gaps.unrecognised_phq9_text(unrecognised)
        # Scores not all seen (issue 10), or some left out: an absence is not proven, so say
        # what was read.
        if ctx.record.incomplete(DataDomain.SCORES) or ctx.record.gaps_in(DataDomain.SCORES):
            return "no PHQ-9 total in the data that could be read"
        return "no PHQ-9 total on record"
    # The unrecognised PHQ-9s' dates are not read: one may be more recent than the latest total.
    none = "no PHQ-9 total that could be read" if unrecognised else "no PHQ-9 total"
    if latest.date < as_of - timedelta(days=interval):
        return f"{none} in {(as_of - latest.date).days} days"
    checkpoint = trial.start + timedelta(weeks=ctx.policy.mbc_after_trial_weeks)
    if checkpoint <= as_of and latest.date <= trial.start:
        return f"{none} since {trial.ingredient} started"
    adequate = trial.adequate_from
    if (
        adequate is not None
        and adequate <= as_of
        and latest.date < adequate
        and trial.outcome_unmeasured
    ):
        # Review 7 finding 6: the course became an adequate trial after its last PHQ-9 (a
        # week-5 score does not show that a 6-week trial failed): the outcome needs a PHQ-9.
        return (
            f"adequate duration reached {adequate.isoformat()}, {none} since: outcome not measured"
        )
    return None


def _untotalled_phq9(ctx: RuleContext, latest: Score | None) -> Score | None:
    """The latest PHQ-9 read with answers but no total (value None, an item-9 answer recorded)
    when it is newer than the latest total and inside the measurement interval, else None."""
    since = ctx.record.as_of - timedelta(days=ctx.policy.mbc_interval_days)
    return untotalled_phq9.latest_untotalled(
        ctx.record, since, latest.date if latest is not None else None
    )


def _preliminary_phq9(ctx: RuleContext, latest: Score | None) -> Score | None:
    """The latest preliminary PHQ-9 total newer than the latest reviewed one (review 14 U1), or
    None. It judges no trial (not in `record.scores`: result_statuses.py), but a card that says
    "no PHQ-9 total in 147 days" a week after one was filed says something false: the card names
    it instead. Only `interim` statuses (preliminary): a cancelled form's total is no total
    (services/preliminary_phq9.py, which the trials table and the TMS card read too)."""
    return preliminary_phq9.latest_after(ctx.record, latest.date if latest is not None else None)


def _preliminary_text(score: Score) -> str:
    """ "latest PHQ-9 (preliminary, 2025-05-26): 18, not yet reviewed"."""
    return f"latest PHQ-9 (preliminary, {score.date.isoformat()}): {score.value}, not yet reviewed"


def _preliminary_section(score: Score) -> str:
    return (
        f"**Latest PHQ-9 not yet reviewed:** PHQ-9 {score.value} on {score.date.isoformat()} is "
        "filed as preliminary (FHIR: data may be incomplete or unverified; often a form the "
        "patient filled in, e.g. on the portal, before a clinician reviewed it). It is not used to judge "
        "response or TMS eligibility until it is final: review it with the patient and file it, "
        "or repeat the PHQ-9."
    )


def _other_scale_latest(ctx: RuleContext) -> Score | None:
    """The latest total of another depression scale the service reads and judges (HAM-D17,
    MADRS, QIDS-SR16, BDI-II: fhir_mapping/scale_outcomes.py), else None."""
    table = scale_outcomes()
    found = [s for s in ctx.record.scores if s.instrument in table and s.value is not None]
    return max(found, key=lambda s: s.date) if found else None


def _incomplete_phq9(ctx: RuleContext, latest: Score | None) -> tuple[DataGap, date] | None:
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


def _incomplete_text(gap: DataGap, day: date) -> str:
    """ "PHQ-9 on 2025-05-23 incomplete (items 7-9 unanswered): item 9 unknown"."""
    rest = gap.reason.removeprefix(INCOMPLETE_PHQ9)
    return f"PHQ-9 on {day.isoformat()} incomplete{rest}"


def _score_text(score: Score) -> str:
    return f"{score.instrument} {score.value} on {score.date.isoformat()}"


def _names_other_scale(trial: Trial) -> bool:
    """`_outcome_line` names the trial's pair: it was judged on another scale than the PHQ-9."""
    return (
        trial.outcome_scale != "PHQ-9"
        and trial.baseline is not None
        and trial.on_treatment is not None
    )


def _outcome_line(ctx: RuleContext, trial: Trial, other: Score | None) -> str:
    """Why the PHQ-9 is asked for. "Cannot be judged" only when nothing judges the current
    trial: a course judged on another scale (score_windows.py, review 13 W10) says so."""
    head = (
        f"PHQ-9 at least every {ctx.policy.mbc_interval_days} days on an antidepressant and once "
        f"after a new trial starts (checked from week "
        f"{cards.fmt_weeks(ctx.policy.mbc_after_trial_weeks)}): "
    )
    scale = trial.outcome_scale
    before, after = trial.baseline, trial.on_treatment
    if _names_other_scale(trial) and before is not None and after is not None:
        return (
            f"{head}the outcome of {trial.ingredient} so far rests on {scale} {before.value} "
            f"({before.date.isoformat()}) → {after.value} ({after.date.isoformat()}); remission "
            f"{remission_text(scale)}, response a drop of at least 50 %."
        )
    text = (
        f"{head}response and remission (PHQ-9 < {ctx.policy.remission_below}) cannot be judged "
        "without it."
    )
    if other is not None:
        # Another scale is on record but older than the interval too (else no card): named, so
        # the clinician may repeat that scale instead (its cut-offs: scale_outcomes.csv).
        text += f" Latest other depression scale: {_score_text(other)}."
    return text


def _unrecognised_section(unrecognised: tuple[DataGap, ...], any_total: bool) -> str:
    """What the results named PHQ-9 that could not be read mean for this card: their totals and
    item 9 answers are unknown (never "no positive item 9")."""
    if not unrecognised:
        return ""
    head = "" if any_total else "No PHQ-9 total could be read: "
    return (
        f"**PHQ-9s not read:** {head}{data_gaps.unrecognised_phq9_text(unrecognised)}. Their "
        "totals and their item 9 answers (thoughts of being better off dead or of self-harm) are "
        "not known: check them in the chart, and if an item 9 is above 0, assess suicide risk "
        "today."
    )


def _item9_summary(day: date) -> str:
    """Recheck 2 m09: the words the card leads with when the latest PHQ-9 left item 9 unanswered."""
    return f"PHQ-9 on {day.isoformat()}: item 9 unanswered - ask it today"


def _incomplete_section(incomplete: tuple[DataGap, date]) -> str:
    return (
        f"**Latest PHQ-9 incomplete:** {_incomplete_text(*incomplete)}: its total and the "
        "suicide item (item 9) are not known. Ask item 9 today; if above 0, assess suicide risk."
    )


def _item9_only(ctx: RuleContext, incomplete: tuple[DataGap, date]) -> Recommendation:
    """The card with no antidepressant trial running (or during a TMS course, whose own card asks
    for the scales): only the unanswered item 9 is said, since nothing else here is due."""
    resource = None
    if ctx.patient_id is not None:
        resource = suggestions.service_request(
            patient_id=ctx.patient_id,
            concept="phq9-panel",
            text="PHQ-9 with item 9 answered",
        )
    evidence = (cards.scores_evidence(ctx.record),)
    detail = cards.join_sections(
        _incomplete_section(incomplete),
        *cards.evidence_sections(*evidence),
        cards.guideline_links("canmat2023", "kroenke2001"),
    )
    return cards.make(
        ITEM9_TOPIC,
        summary=_item9_summary(incomplete[1]),
        detail=detail,
        suggestions=(suggestions.create("Ask for a PHQ-9", resource, recommended=True),),
        indicator=Indicator.WARNING,
        evidence=evidence,
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    latest = ctx.facts.latest_phq9  # the latest PHQ-9 total (record.latest_phq9)
    # Recheck 2 m09: the latest PHQ-9 with item 9 unanswered is named whatever the interval, the
    # trial or another scale: the suicide item is unknown, and a card that waits for the next
    # due PHQ-9 (90 days) leaves it unasked. Warning, not info (m11): it asks for a question
    # today, and is not the suicide-risk card's critical level since nothing says it is positive.
    incomplete = _incomplete_phq9(ctx, latest)
    ongoing = ctx.facts.ongoing_trials
    if not ongoing or tms_course.running_course(ctx.record, ctx.policy) is not None:
        # No trial to measure, or a TMS course (its card asks for the scales weekly): only the
        # unanswered item 9 is left to say.
        return _item9_only(ctx, incomplete) if incomplete is not None else None
    trial = max(ongoing, key=lambda t: t.start)  # the current trial: the latest started
    unrecognised = data_gaps.unrecognised_phq9(ctx.record)
    why = _due_reason(ctx, trial, latest, unrecognised)
    if why is None and incomplete is None:
        return None
    # A preliminary PHQ-9 newer than the latest reviewed total (review 14 U1): "no PHQ-9 total in
    # 147 days" is not said when one was filed a week ago. When it would meet the due checks,
    # the card asks for its review; else the reason names it as well.
    preliminary = _preliminary_phq9(ctx, latest) if why is not None else None
    review_it = False
    # Shorter wordings of a due reason that also names a preliminary total, for a summary the
    # long form does not fit: they keep the action (review or repeat) rather than lose it to a
    # cut (review 14 q07: "... not yet reviewed: repeat the P…").
    preliminary_short: list[str] = []
    if preliminary is not None and why is not None:
        if _due_reason(ctx, trial, preliminary, unrecognised) is None:
            why, review_it = _preliminary_text(preliminary), True
        else:
            reviewed = why.replace("no PHQ-9 total", "no reviewed PHQ-9 total", 1)
            why = f"{reviewed}; {_preliminary_text(preliminary)}"
            unreviewed = (
                f"preliminary PHQ-9 {preliminary.value} on {preliminary.date.isoformat()} "
                "not yet reviewed: review or repeat it"
            )
            preliminary_short = [f"{reviewed}; {unreviewed}", unreviewed]
    tail = "review it to measure response" if review_it else "repeat the PHQ-9 to measure response"
    short_tail = "review it" if review_it else "repeat the PHQ-9"
    untotalled = _untotalled_phq9(ctx, latest) if why is not None else None
    if untotalled is not None:
        # The form was done: its total is missing, not the measurement (review 17 M4); asked as
        # the optimise card asks it (audit 17 M5: services/untotalled_phq9.py).
        tail, short_tail = untotalled_phq9.ASK_SHORT, "score it"
    other = _other_scale_latest(ctx)
    if other is not None and incomplete is None and _due_reason(ctx, trial, other, ()) is None:
        # Review 13 W10: another depression scale (MADRS, HAM-D17, QIDS-SR16, BDI-II) measures
        # the course within the interval: care is measured, the trial is judged on that scale
        # (score_windows.py), and asking for a PHQ-9 as well is noise. An incomplete latest
        # PHQ-9 (item 9 unknown) still brings the card: its suicide item needs asking.
        return None
    candidates: list[str] = []
    if why is not None:
        # A drug on hold is not taken now (review 14 W6): not "on" it. The record gives no hold
        # date, only the last day it shows the drug taken (Trial.on_hold): said as the hold
        # card says it, "not taken since ... at the latest", never "on hold since" as if it
        # were the hold's own date (review 14 audit r10b).
        held = trial.on_hold
        taking = f"{trial.ingredient} on hold" if held is not None else f"On {trial.ingredient}"
        candidates += [
            # A start written to the year or month only as written (review 10 finding 5).
            f"{held_base.held_text(trial)}; {why}: {short_tail}"
            if held is not None
            else f"On {trial.ingredient} since {trial_dates.start_text(trial)}; {why}: {tail}",
            f"{taking}; {why}: {short_tail}",
            *(f"{taking}; {text}" for text in preliminary_short),
        ]
    if why is not None and unrecognised and latest is None:
        # The count in fewer words; the detail says what would fix it (a site code).
        short = data_gaps.unrecognised_phq9_text(unrecognised, short=True)
        candidates.append(
            f"On {trial.ingredient}; no PHQ-9 total could be read ({short}): repeat the PHQ-9"
        )
    if incomplete is not None:
        # The unanswered item 9 is said first, dated (review 13 W11; recheck 2 m09).
        candidates[:0] = [
            f"{_item9_summary(incomplete[1])}; on {trial.ingredient}, repeat the PHQ-9",
            _item9_summary(incomplete[1]),
        ]
    summary = cards.fit_summary(*candidates)
    resource = None
    if ctx.patient_id is not None:
        resource = suggestions.service_request(
            patient_id=ctx.patient_id,
            concept="phq9-panel",
            text="PHQ-9 to measure response to the current antidepressant",
        )
    # The outcome line names the current trial's pair when another scale judged it: the line
    # replacing the trials table does not say it again (recheck 13-2).
    named = (trial,) if _names_other_scale(trial) else ()
    trials = cards.trials_evidence(ongoing, ctx.policy.mapping, ctx.record, named=named)
    # With no total read and PHQ-9s not recognised, the shared scores section ("no PHQ-9 on
    # record") would claim more than the record shows: the section below says it instead.
    evidence = (
        (trials,)
        if unrecognised and latest is None
        # A preliminary total the card names in its own section is not named again there.
        else (trials, cards.scores_evidence(ctx.record, name_preliminary=preliminary is None))
    )
    incomplete_line = _incomplete_section(incomplete) if incomplete is not None else ""
    detail = cards.join_sections(
        _outcome_line(ctx, trial, other),
        incomplete_line,
        _preliminary_section(preliminary) if preliminary is not None else "",
        _unrecognised_section(unrecognised, latest is not None),
        *cards.evidence_sections(*evidence),
        cards.guideline_links("canmat2023", "kroenke2001"),
    )
    return cards.make(
        # An unasked suicide item is not hidden by a snooze of the routine card (ITEM9_TOPIC).
        ITEM9_TOPIC if incomplete is not None else TOPIC,
        summary=summary,
        detail=detail,
        # With a form to score, a new PHQ-9 is the fallback, not the ask (audit 17 M5).
        suggestions=(
            suggestions.create("Ask for a PHQ-9", resource, recommended=True)
            if untotalled is None
            else suggestions.create(untotalled_phq9.REPEAT_LABEL, resource),
        ),
        indicator=Indicator.WARNING if incomplete is not None else None,
        evidence=evidence,
    )


# --- the optimise card while this card asks for item 9 ------------------------------------------


def hold_one_click(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the optimise card's drug proposals as text while the unanswered-item-9 card
    (ITEM9_TOPIC) is on the screen, under one line saying why.

    Why (the safer choice): the card says suicide risk on the latest PHQ-9 is
    unknown until item 9 is asked. An acute suicide-risk signal already holds these proposals
    (optimize_switch_augment._acute_risk_line); an unknown one is held the same way, since a new
    drug one click away (a tricyclic or an MAOI above all, lethal in overdose) would be ordered
    before the question is. Only MedicationRequests are held (one_click_hold.orders_a_drug):
    psychotherapy, ECT and the TMS referral packet do not add means of overdose and stay one
    click. The card is not snoozable (data/topics.csv), so `hidden` never holds it; it is passed
    so the check reads as every other holding card's."""
    if not one_click_hold.shown(recs, ITEM9_TOPIC, hidden):
        return list(recs)
    incomplete = _incomplete_phq9(ctx, ctx.facts.latest_phq9)
    if incomplete is None:  # the card is shown only with one; kept for the type checker
        return list(recs)
    day = incomplete[1].isoformat()

    def line(held: list[Suggestion]) -> str | None:
        if not held:
            return None  # nothing one click to take off: nothing to say
        return (
            f"**One-click orders held:** item 9 of the latest PHQ-9 ({day}) unanswered - ask it "
            f"first; not one click until then: {'; '.join(s.label for s in held)}."
        )

    return one_click_hold.hold_drug_orders(
        recs, line, held_by="PHQ-9 item 9 unanswered: ask it first"
    )
