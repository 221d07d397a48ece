"""The adherence review card's lapses (adherence_review.py): the episode's trials with a supply
gap (review 6 finding 1), on hold (review 6 finding 3, review 14 W6), or kept running only by an
`active` statement nothing has confirmed (review 6 finding 11), that the card's "not a fair test"
list does not name already; each one's bullet (the gap, what it does to the trial, what to ask)
and the card's summary when they are all it says.

Apart from the card because it reads gaps, holds and listings, nothing of the adequacy verdicts
the card's other sections word.

A course put on hold during an inpatient stay still in progress (`ward_hold`; review s25 RI
finding 7: a home SSRI held on a pneumonia admission was a warning of its own, "record why it was
held") is a line, and when the card says nothing else the card is information, not a warning
(`lapses_indicator`): holding home medicines on admission is routine ward practice, the ward records
the reason on its own MAR, and the inpatient team is the reader. What matters to the pathway is
said: the time on hold is not counted as a trial nor as missed doses, and whether it restarts is
the discharge question. After discharge (no stay in progress) a hold that persists is the
warning it was: then nobody may have decided it.
"""

from __future__ import annotations

from fhir_mapping.adherence import response_before_gap
from fhir_mapping.record import CurrentStay, InadequacyReason, Trial, Verdict
from services import cards, taken_to_confirm, trial_dates
from services.card_format import plural
from services.recommendation import Indicator
from services.rules.context import RuleContext
from services.trial_adherence_text import no_supply_for, no_supply_since, still_open


def listed_text(trial: Trial) -> str:
    """Review 6 finding 11: a stale `active` statement is a reconciliation question, not weeks;
    so is an order left active whose last fill ran out long ago (Trial.supply_out_since, session
    23 L2 item 1: the card said "ongoing" of an order filled once in 2024-03)."""
    since = trial.unconfirmed_since
    if since is None:
        assert trial.supply_out_since is not None
        listing = taken_to_confirm.trial_listing(trial)
        return (
            f"{listing}, supply ran out {trial.supply_out_since.isoformat()}: confirm it is "
            "still taken (reconcile the medication list: still taken? dose?)"
        )
    counted = trial.segments[-1].end.isoformat() if trial.segments else since.isoformat()
    if trial.unconfirmed_order:
        # An order left active, no fill or renewal since (review s21 RN finding 5): never called
        # taken; the question is whether it still is.
        refills = taken_to_confirm.refills_of(trial)
        listing = taken_to_confirm.unfilled_listing(since, trial.patient_reported, refills=refills)
        # A fill declined or cancelled says why (review s23 RR2 finding 5).
        refused = f" ({trial.fill_refused})" if trial.fill_refused else ""
        # "never filled or renewed since"; not after "no fill read (refill data incomplete)".
        never = not trial.patient_reported and listing.endswith(taken_to_confirm.NEVER_FILLED)
        return (
            f"{listing}{' since' if never else ''}{refused}: time after "
            f"{counted} not "
            "counted. Confirm it is still taken (reconcile the medication list: still taken? "
            "dose?)"
        )
    if trial.patient_reported:
        # The patient's own statement shows the drug taken up to the day it was made, no further
        # (fhir_mapping/reported_window.py, review K61b finding 4).
        return (
            f"reported taking on {since.isoformat()} (the patient's statement); since then not "
            f"on record: time after {counted} not counted. Confirm it is still taken (dose?)"
        )
    return (
        f"listed as active in a statement; not confirmed since {since.isoformat()}: time after "
        f"{counted} not counted. Reconcile the medication list (still taken? dose?)"
    )


def listing_said(trial: Trial) -> bool:
    """Whether the card says the course's listing (Trial.listed): not for one whose supply ran
    out once adequate, which its own line says (`ran_out_line`: judged up to then, likely
    stopped, confirm whether it is still taken)."""
    return trial.listed and trial.supply_ran_out is None


def lapsed_trials(ctx: RuleContext, flagged: tuple[Trial, ...]) -> tuple[Trial, ...]:
    """The episode's trials with a supply gap or on hold that `flagged` does not list already
    (a flagged trial names its gaps in its adherence text)."""
    facts = ctx.facts
    # A stale listing is named even when it began before this episode (a 2012 C-CDA entry still
    # "active" beside today's drug, review 6 finding 11): it is a reconciliation question.
    listed = [
        t
        for t in ctx.record.antidepressant_trials()
        if t.listed and t.ongoing and t not in facts.episode_trials
    ]
    return tuple(
        t
        for t in (*facts.episode_trials, *listed)
        if (
            t.adherence.supply_gaps
            or t.on_hold is not None
            or t.listed
            or t.supply_ran_out is not None
        )
        # A held order never filled is no trial, and this card says so (review 14 W6: it was
        # counted as a failed trial by the optimise card beside it).
        and (t.verdict is not Verdict.NOT_A_TRIAL or _held_unfilled(t))
        and t not in flagged
    )


def _held_unfilled(trial: Trial) -> bool:
    """A course on hold that nothing shows was taken (InadequacyReason.NOT_SHOWN_TAKEN)."""
    return trial.on_hold is not None and InadequacyReason.NOT_SHOWN_TAKEN in trial.reasons


def ward_hold(ctx: RuleContext, trial: Trial) -> CurrentStay | None:
    """The inpatient stay in progress (not contradicted by later outpatient evidence) that a
    course was put on hold in: the course shows it taken up to the admission day or later. None
    for a course held before the admission (nobody on the ward decided that hold) or never
    filled (`_held_unfilled`: whether it was ever taken is the question, stay or not). An ED
    visit is no ward: a home drug is not held there."""
    held = trial.on_hold
    if held is None or _held_unfilled(trial):
        return None
    return next(
        (
            stay
            for stay in ctx.record.current_stays
            if not stay.contradicted
            and not stay.ed_visit
            and stay.start is not None
            and held >= stay.start
        ),
        None,
    )


def lapses_indicator(
    ctx: RuleContext, flagged: tuple[Trial, ...], lapsed: tuple[Trial, ...], trd: bool
) -> Indicator | None:
    """Information when the card's only lapses are holds during the stay in progress (module
    docstring); the topic's own indicator (None) otherwise."""
    if flagged or trd or not lapsed or not all(ward_hold(ctx, t) for t in lapsed):
        return None
    return Indicator.INFO


def _ward_hold_line(ctx: RuleContext, trial: Trial, stay: CurrentStay) -> str:
    assert trial.on_hold is not None and stay.start is not None
    return (
        f"on hold during the {stay.setting.value} stay in progress since "
        f"{stay.start.isoformat()} (not taken since {trial.on_hold.isoformat()} at the latest): "
        "a hold on admission is the ward's decision; time on hold is not counted as a trial, "
        f"nor as missed doses.{_held_score_text(ctx, trial)} At discharge, confirm whether it "
        "is restarted."
    )


def lapse_line(ctx: RuleContext, trial: Trial) -> str:
    """One bullet: the gap (or the hold), what it does to the trial, what to ask."""
    # Dates to the year or month only as written (review 10 finding 5).
    # A listing's day is no start (review s23 RT finding 2): "(listed 2026-10-02)", as `_bullet`.
    head = f"- **{trial.ingredient}** ({trial_dates.lapse_day(trial)}): "
    if trial.unconfirmed_since is not None and trial.on_hold is None:
        return f"{head}{listed_text(trial)}."
    if _held_unfilled(trial):
        return (
            f"{head}on hold, never filled in this record: not counted as a trial until the "
            "record shows it was taken. Confirm whether and when it was taken, and why it is held."
        )
    stay = ward_hold(ctx, trial)
    if stay is not None:
        return f"{head}{_ward_hold_line(ctx, trial, stay)}"
    if trial.on_hold is not None:
        # The record gives no hold date (review 14 W6): the last day it shows the drug taken.
        return (
            f"{head}on hold, not taken since {trial.on_hold.isoformat()} at the latest; time on "
            f"hold is not counted as a trial, nor as missed doses.{_held_score_text(ctx, trial)} "
            "Record when and why it was stopped (side effects: record the intolerance)."
        )
    if trial.supply_ran_out is not None:
        return f"{head}{ran_out_line(trial)}"
    if trial.supply_out_since is not None:  # listed: its last fill ran out long ago
        return f"{head}{listed_text(trial)}."
    gaps = trial.adherence.supply_gaps
    lapses = ", ".join(f"{plural(g.days, 'day')} from {g.start.isoformat()}" for g in gaps)
    pdc = trial.adherence.pdc
    estimated = (
        ", estimated from quantity and the order's dose" if trial.adherence.estimated else ""
    )
    refills = f" (PDC {trial.adherence.pdc_percent()}{estimated})" if pdc is not None else ""
    line = f"{head}no supply dispensed for {lapses}{refills}: not counted as time on the drug."
    score = trial.on_treatment
    if trial.before_gap is not None and trial.before_gap.failed:
        return f"{line}{failed_before_gap_text(trial)} Ask about the gap (cost, side effects, stopped on purpose)."
    if trial.outcome_gap is not None and score is not None and score.value is not None:
        earlier = response_before_gap(
            trial, ctx.record.phq9(), from_week=ctx.policy.mapping.on_treatment_from_week
        )
        taken = f"{score.instrument} {score.value} on {score.date.isoformat()} was taken in the gap"
        if earlier is not None:
            line += (
                f" {taken}, after a response ({earlier.value} on {earlier.date.isoformat()}): "
                "a relapse off the drug, not counted as a failed trial."
            )
        else:
            line += f" {taken}: outcome to confirm, not counted as a failed trial."
    return line + " Ask about the gap (cost, side effects, stopped on purpose)."


def failed_before_gap_text(trial: Trial) -> str:
    """What a verdict reached before the course's first supply gap does to the count (session 21
    G, fhir_mapping/verdict_before_gap.py): " An adequate trial that had failed before the gap
    (PHQ-9 16 on 2025-05-12): counted as a failed trial, the refills since do not change that.",
    and, when the restart responded, " Responded after restarting on 2025-07-10 (PHQ-9 9 on
    2025-10-06)."."""
    gap, score = trial.before_gap, trial.on_treatment
    assert gap is not None and score is not None
    text = (
        f" An adequate trial that had failed before the gap ({score.instrument} {score.value} on "
        f"{score.date.isoformat()}): counted as a failed trial, the refills since do not change "
        "that."
    )
    after = gap.after
    if after is not None:
        text += (
            f" Responded after restarting on {gap.resumed.isoformat()} ({after.instrument} "
            f"{after.value} on {after.date.isoformat()})."
        )
    return text


def ran_out_line(trial: Trial) -> str:
    """The bullet of a course whose supply ran out a month or more ago, its order still open
    (Trial.supply_ran_out, review s20 RA finding 4): judged up to that day, as a course that
    stopped, so its count stands; whether it is still taken is the question."""
    assert trial.supply_ran_out is not None
    counted = "counted up to then as a failed trial" if trial.failed else "judged up to then"
    if trial.unread_fills:
        # Fills since that could not be read (review s21 RR2 finding 4): never "no fill since"
        # nor "likely stopped", which the record does not show.
        return (
            f"{no_supply_since(trial)}, its {still_open(trial)}; {counted}, the days since not "
            "counted as time on the drug. Confirm whether it is still taken (check the pharmacy "
            "record of those fills) before raising or adding to it."
        )
    if taken_to_confirm.fills_to_confirm(trial):
        # A fill read after it whose status says neither handed over nor not (lab57 item 3,
        # Trial.fills_to_confirm): never "no fill since" nor "likely stopped"; that fill named.
        return (
            f"{no_supply_since(trial)}, its {still_open(trial)}; {counted}, the days since not "
            "counted as time on the drug. Confirm that fill (the pharmacy record) and whether it "
            "is still taken before raising or adding to it."
        )
    if trial.no_fill_feed:
        # An order-only course on a chart that sends no dispense, its authorised supply run out
        # (orders33): neither "no fill since" nor "likely stopped", which only a fill feed shows.
        return (
            f"{no_supply_since(trial)} (the supply its order of {trial.start.isoformat()} "
            # span74: an order before the feed's fills says when they start (no_fill_words).
            f"authorised; {taken_to_confirm.no_fill_words(trial)}), its order still open; "
            f"{counted}, the days since not counted "
            "as time on the drug. Confirm whether it is still taken (a renewal, the pharmacy "
            "record) before raising or adding to it."
        )
    return (
        f"{no_supply_since(trial)} and no fill since, its "
        f"{still_open(trial)}: likely stopped; {counted}, the days since not counted as time on the "
        "drug. Confirm whether it is still taken (cost, side effects, stopped on purpose) before "
        "raising or adding to it."
    )


def _held_score_text(ctx: RuleContext, trial: Trial) -> str:
    """The PHQ-9 a held course is judged by when it was taken in the days after the last supply
    (Trial.held_scored_until; review 14 recheck r10b), said with why it still counts; else ""."""
    score = trial.on_treatment
    held = trial.on_hold
    if score is None or score.value is None or held is None or score.date <= held:
        return ""
    if trial.scored_while_held(score.date):
        return ""
    days = (score.date - held).days
    window = ctx.policy.mapping.on_treatment_days_after_end
    return (
        f" {score.instrument} {score.value} on {score.date.isoformat()}, {plural(days, 'day')}"
        " after the last supply, is read as on treatment (within "
        f"{plural(window, 'day')}, as after any course that stopped)."
    )


def _counted(trial: Trial) -> bool:
    """A held course counted as a trial up to the hold: adequate, its outcome measured."""
    return trial.verdict is Verdict.ADEQUATE and trial.on_treatment is not None


def lapses_title(lapsed: tuple[Trial, ...]) -> str:
    """The heading of the card's lapses section."""
    if any(map(listing_said, lapsed)):
        return "Supply gaps, holds and unconfirmed listings"
    return "Supply gaps and holds"


def lapse_summary(ctx: RuleContext, lapsed: tuple[Trial, ...]) -> str:
    if all(ward_hold(ctx, t) for t in lapsed):
        # Held on the ward (module docstring): what it means for the count, and when to ask.
        first = ward_hold(ctx, lapsed[0])
        assert first is not None and first.start is not None
        held = cards.names(lapsed)
        return cards.fit_summary(
            f"{held} on hold during the stay (since {first.start.isoformat()}): not counted as "
            "missed doses; confirm at discharge whether it restarts",
            f"{held} on hold during the stay: confirm at discharge whether it restarts",
        )
    if len(lapsed) == 1:
        trial = lapsed[0]
        if _held_unfilled(trial):
            return cards.fit_summary(
                f"{trial.ingredient} on hold, never filled: confirm it was taken before counting "
                "it as a trial",
                f"{trial.ingredient} on hold, never filled: confirm it was taken",
            )
        if trial.on_hold is not None and _counted(trial) and trial.failed:
            # Counted up to the hold (its weeks filled, scored on them): the card asks only why
            # it is held, never to hold back a count the optimise card beside it makes.
            return cards.fit_summary(
                f"{trial.ingredient} on hold, not taken since {trial.on_hold.isoformat()} at the "
                "latest: record why it was held",
                f"{trial.ingredient} on hold, not taken now: record why",
            )
        if trial.on_hold is not None:
            return cards.fit_summary(
                f"{trial.ingredient} on hold, not taken since {trial.on_hold.isoformat()} at the "
                "latest: record why before counting it as a trial",
                f"{trial.ingredient} on hold, not taken now: record why",
            )
        if trial.unconfirmed_since is not None and trial.unconfirmed_order:
            since = trial.unconfirmed_since.isoformat()
            listing = taken_to_confirm.unfilled_listing(
                trial.unconfirmed_since,
                trial.patient_reported,
                trial.fill_refused,
                taken_to_confirm.refills_of(trial),
            )
            # A fill declined or cancelled says why (review s23 RR2 finding 5), short form too.
            unfilled = f", {trial.fill_refused}" if trial.fill_refused else " never renewed"
            return cards.fit_summary(
                f"{trial.ingredient}: {listing}: confirm it is still taken before counting it "
                "as a trial",
                f"{trial.ingredient}: home medication of {since}, no fill: confirm it is taken"
                if trial.patient_reported
                else f"{trial.ingredient}: order of {since}{unfilled}: confirm it is taken",
            )
        if trial.unconfirmed_since is not None and trial.patient_reported:
            since = trial.unconfirmed_since.isoformat()
            return cards.fit_summary(
                f"{trial.ingredient} reported taking on {since}; since then not on record: "
                "confirm it is still taken before counting more time",
                f"{trial.ingredient} reported taking on {since}, not on record since: confirm",
            )
        if trial.unconfirmed_since is not None:
            since = trial.unconfirmed_since.isoformat()
            return cards.fit_summary(
                f"{trial.ingredient} listed as active, not confirmed since {since}: reconcile "
                "the medication list before counting it as a trial",
                f"{trial.ingredient} listed as active, not confirmed since {since}: reconcile",
            )
        if trial.supply_ran_out is not None:
            return cards.fit_summary(
                f"{trial.ingredient}: {no_supply_since(trial)}, its {still_open(trial)}: confirm "
                "whether it is still taken",
                f"{trial.ingredient}: {no_supply_for(trial)}: confirm it is still taken",
            )
        if trial.supply_out_since is not None:
            return cards.fit_summary(
                f"{trial.ingredient}: {taken_to_confirm.trial_listing(trial)}: confirm it is "
                "still taken before counting it as a trial",
                f"{trial.ingredient}: last filled long ago: confirm it is still taken",
            )
        gap = trial.adherence.supply_gaps[0]
        if trial.before_gap is not None and trial.before_gap.failed:
            # Counted as failed before the gap (session 21 G): the card asks about the gap,
            # never to hold back a count the optimise card beside it makes.
            return cards.fit_summary(
                f"{trial.ingredient}: no supply dispensed for {plural(gap.days, 'day')} from "
                f"{gap.start.isoformat()}, after the trial had failed: ask about the gap",
                f"{trial.ingredient}: {gap.days}-day supply gap after it failed: ask about it",
            )
        return cards.fit_summary(
            f"{trial.ingredient}: no supply dispensed for {plural(gap.days, 'day')} from "
            f"{gap.start.isoformat()}: ask about the gap before counting the trial",
            f"{trial.ingredient}: {gap.days}-day supply gap: ask before counting the trial",
        )
    what = (
        "a supply gap, on hold or not confirmed"
        if any(map(listing_said, lapsed))
        else "a supply gap or on hold"
    )
    return cards.fit_summary(
        f"{len(lapsed)} trials with {what} ({cards.names(lapsed)}): ask before counting them",
        f"{len(lapsed)} trials with {what}: ask before counting them",
    )
