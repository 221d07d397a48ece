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

This module holds the card (`rule`, and `hold_one_click` for the optimise card beside it; its
yield to the optimise card's own PHQ-9 request is measurement_yield.py). What
the card reads in the record (why a PHQ-9 is due; the untotalled, preliminary and incomplete
PHQ-9s; another scale's latest total) is measurement_due.py, and its detail sections and summary
words are measurement_lines.py: each is read and changed apart from the card's choices.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import date

from fhir_mapping.record import DataGap, Trial
from services import (
    cards,
    data_gaps,
    no_phq9_words,
    phq9_disagreements,
    phq9_no_total,
    preliminary_phq9,
    suggestions,
    taken_to_confirm,
    tms_course,
    trial_dates,
)
from services.recommendation import Indicator, Recommendation, Suggestion
from services.rules import one_click_hold
from services.rules.context import RuleContext
from services.rules.measurement_due import (
    due_reason,
    early_non_response,
    incomplete_phq9,
    newer_preliminary_phq9,
    other_scale_latest,
    unread_answers,
    untotalled_phq9,
)
from services.rules.measurement_lines import (
    incomplete_section,
    item9_summary,
    names_other_scale,
    not_received,
    outcome_line,
    preliminary_section,
    preliminary_text,
    unread_summaries,
    unrecognised_section,
)
from services.rules.optimize import held_base
from services.taken_to_confirm import RUNNING

TOPIC = "measurement-based-care"
# The same card while the latest PHQ-9 leaves item 9 unanswered: never snoozed (module docstring).
ITEM9_TOPIC = "phq9-item9-unanswered"


def measured(ctx: RuleContext) -> tuple[Trial, ...]:
    """The running courses this card measures: those every card says are running
    (taken_to_confirm.trial_claim is RUNNING), one state on every card. A listed course
    (Trial.listed: an old `active` statement, an order never filled or renewed, or one whose last
    fill ran out over statement_confirmed_days ago) is not a drug taken now, so no "On fluoxetine
    since 1993: measure response" (review s21 RN finding 5; session 23 L2 item 1). Nor is one
    that "may be running" (its supply ran out a month or more ago, its order still open:
    Trial.supply_ran_out) or one "ordered (no fill yet)" (Trial.awaiting_fill): "On venlafaxine
    since 2025-02-10; no PHQ-9 total in 568 days: repeat the PHQ-9" sat beside "venlafaxine: no
    supply since 2025-06-10 (539 days), its order still open: confirm whether it is still taken"
    (review s24 RN finding 2; the supply_ran_out_hold that drops it did not run with psychotic
    features or with the no-supply card snoozed). The adherence card asks to confirm such a
    course; the PHQ-9 is the next step once it is confirmed taken. An unanswered item 9 is
    still asked (`_item9_only`) whatever the courses."""
    return tuple(t for t in ctx.facts.ongoing_trials if taken_to_confirm.trial_claim(t) is RUNNING)


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
        incomplete_section(incomplete),
        *cards.evidence_sections(*evidence),
        cards.guideline_links("canmat2023", "kroenke2001"),
    )
    return cards.make(
        ITEM9_TOPIC,
        summary=item9_summary(incomplete[1], incomplete[0]),
        detail=detail,
        suggestions=(suggestions.create("Ask for a PHQ-9", resource, recommended=True),),
        indicator=Indicator.WARNING,
        evidence=evidence,
    )


def _early_card(
    ctx: RuleContext, trial: Trial, ongoing: tuple[Trial, ...], early: str
) -> Recommendation:
    """The latest PHQ-9 of the current trial, before it became adequate and inside
    policy.mbc_adequacy_grace_days, showing no response so far (measurement_due.
    early_non_response): named as information, with nothing asked (the repeat is not due yet;
    review s23 RR finding 6)."""
    adequate = trial.adequate_from
    assert adequate is not None  # early_non_response reads only a course that became adequate
    evidence = (
        cards.trials_evidence(ongoing, ctx.policy.mapping, ctx.record),
        cards.scores_evidence(ctx.record),
    )
    detail = cards.join_sections(
        f"{early[:1].upper()}{early[1:]} (a response is a drop of at least 50 %). The course "
        f"on {trial.ingredient} reached adequate duration on {adequate.isoformat()}, after this "
        "PHQ-9, so it does not "
        "judge the trial (a score before adequate duration shows no failure); the next PHQ-9 "
        "does.",
        *cards.evidence_sections(*evidence),
        cards.guideline_links("canmat2023", "kroenke2001"),
    )
    return cards.make(
        TOPIC,
        summary=cards.fit_summary(f"On {trial.ingredient}; {early}"),
        detail=detail,
        suggestions=(),
        indicator=Indicator.INFO,
        evidence=evidence,
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    latest = ctx.facts.latest_phq9  # the latest PHQ-9 total (record.latest_phq9)
    # Recheck 2 m09: the latest PHQ-9 with item 9 unanswered is named whatever the interval, the
    # trial or another scale: the suicide item is unknown, and a card that waits for the next
    # due PHQ-9 (90 days) leaves it unasked. Warning, not info (m11): it asks for a question
    # today, and is not the suicide-risk card's critical level since nothing says it is positive.
    incomplete = incomplete_phq9(ctx, latest)
    ongoing = measured(ctx)
    if not ongoing or tms_course.running_course(ctx.record, ctx.policy) is not None:
        # No trial to measure, or a TMS course (its card asks for the scales weekly): only the
        # unanswered item 9 is left to say.
        return _item9_only(ctx, incomplete) if incomplete is not None else None
    trial = max(ongoing, key=lambda t: t.start)  # the current trial: the latest started
    unrecognised = data_gaps.unrecognised_phq9(ctx.record)
    why = due_reason(ctx, trial, latest, unrecognised)
    if why is None and incomplete is None:
        early = early_non_response(ctx, trial, latest, unrecognised)
        return None if early is None else _early_card(ctx, trial, ongoing, early)
    # A preliminary PHQ-9 newer than the latest reviewed total (review 14 U1): "no PHQ-9 total in
    # 147 days" is not said when one was filed a week ago. When it would meet the due checks,
    # the card asks for its review; else the reason names it as well.
    preliminary = newer_preliminary_phq9(ctx, latest) if why is not None else None
    review_it = False
    # Shorter wordings of a due reason that also names a preliminary total, for a summary the
    # long form does not fit: they keep the action (review or repeat) rather than lose it to a
    # cut (review 14 q07: "... not yet reviewed: repeat the P…").
    preliminary_short: list[str] = []
    if preliminary is not None and why is not None:
        if due_reason(ctx, trial, preliminary, unrecognised) is None:
            why, review_it = preliminary_text(preliminary), True
        else:
            reviewed = why.replace("no PHQ-9 total", "no reviewed PHQ-9 total", 1)
            why = f"{reviewed}; {preliminary_text(preliminary)}"
            unreviewed = f"{preliminary_phq9.short_text(preliminary)}: review or repeat it"
            preliminary_short = [f"{reviewed}; {unreviewed}", unreviewed]
    tail = "review it to measure response" if review_it else "repeat the PHQ-9 to measure response"
    short_tail = "review it" if review_it else "repeat the PHQ-9"
    untotalled = untotalled_phq9(ctx, latest) if why is not None else None
    if untotalled is not None:
        # The form was done: its total is missing, not the measurement (review 17 M4); asked as
        # the optimise card asks it (audit 17 M5: services/phq9_no_total.py).
        tail, short_tail = phq9_no_total.ask_short(ctx.record, untotalled)
    # The latest total disagrees with its answers (review s22 RS finding 1): the form is checked
    # first, as a form without a total is scored first.
    conflicted = phq9_disagreements.latest_conflict(ctx.record) if why is not None else None
    if conflicted is not None and untotalled is None:
        tail = short_tail = phq9_disagreements.CHECK
    other = other_scale_latest(ctx)
    if other is not None and incomplete is None and due_reason(ctx, trial, other, ()) is None:
        # Review 13 W10: another depression scale (MADRS, HAM-D17, QIDS-SR16, BDI-II) measures
        # the course within the interval: care is measured, the trial is judged on that scale
        # (score_windows.py), and asking for a PHQ-9 as well is noise. An incomplete latest
        # PHQ-9 (item 9 unknown) still brings the card: its suicide item needs asking.
        return None
    # A newer PHQ-2 / PHQ-8 / EPDS is named, not left unsaid (review s22 RS finding 5).
    screen = no_phq9_words.newest_other_screen(ctx.record, latest.date if latest else None)
    if why is not None and screen is not None:
        why = f"{why} ({no_phq9_words.other_screen_words(screen)})"
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
    # No total read, results named PHQ-9 not read (an Epic flowsheet row under a site code
    # before `[codes]` maps it): the summary says what the record shows, not "repeat the PHQ-9"
    # beside one filed last month (review 19 I6). A repeat is asked for only when none of them
    # is recent enough to answer the due check (`unread_answers`).
    answers = bool(unread_answers(ctx, trial, unrecognised)) if latest is None else False
    if why is not None and unrecognised and latest is None:
        candidates = unread_summaries(trial.ingredient, unrecognised, repeat=not answers)
    if incomplete is not None:
        # The unanswered item 9 is said first, dated (review 13 W11; recheck 2 m09).
        item9_words = item9_summary(incomplete[1], incomplete[0])
        candidates[:0] = [f"{item9_words}; on {trial.ingredient}, repeat the PHQ-9", item9_words]
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
    named = (trial,) if names_other_scale(trial) else ()
    trials = cards.trials_evidence(ongoing, ctx.policy.mapping, ctx.record, named=named)
    # With no total read and PHQ-9s not recognised, the shared scores section ("no PHQ-9 on
    # record") would claim more than the record shows: the section below says it instead.
    evidence = (
        (trials,)
        if unrecognised and latest is None
        # A preliminary total the card names in its own section is not named again there.
        else (trials, cards.scores_evidence(ctx.record, name_preliminary=preliminary is None))
    )
    incomplete_line = incomplete_section(incomplete) if incomplete is not None else ""
    detail = cards.join_sections(
        outcome_line(ctx, trial, other),
        phq9_disagreements.conflict_section(conflicted) if conflicted is not None else "",
        incomplete_line,
        preliminary_section(preliminary) if preliminary is not None else "",
        unrecognised_section(unrecognised, latest is not None),
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
            # Not the recommended act while results named PHQ-9 that may answer it are unread.
            suggestions.create("Ask for a PHQ-9", resource, recommended=not answers)
            if untotalled is None and conflicted is None
            else suggestions.create(
                phq9_no_total.repeat_label(ctx.record, untotalled)
                if untotalled is not None
                else phq9_disagreements.REPEAT_LABEL,
                resource,
            ),
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
    (optimize/suicide_hold.py); an unknown one is held the same way, since a new
    drug one click away (a tricyclic or an MAOI above all, lethal in overdose) would be ordered
    before the question is. Only MedicationRequests are held (one_click_hold.orders_a_drug):
    psychotherapy, ECT and the TMS referral packet do not add means of overdose and stay one
    click. The card is not snoozable (data/topics.csv), so `hidden` never holds it; it is passed
    so the check reads as every other holding card's."""
    if not one_click_hold.shown(recs, ITEM9_TOPIC, hidden):
        return list(recs)
    incomplete = incomplete_phq9(ctx, ctx.facts.latest_phq9)
    if incomplete is None:  # the card is shown only with one; kept for the type checker
        return list(recs)
    day = incomplete[1].isoformat()
    # Its answers not received (measurement_lines.not_received): item 9 not seen, checked.
    state, step = ("not seen", "check") if not_received(incomplete[0]) else ("unanswered", "ask")

    def line(held: list[Suggestion]) -> str | None:
        if not held:
            return None  # nothing one click to take off: nothing to say
        return (
            f"**One-click orders held:** item 9 of the latest PHQ-9 ({day}) {state} - {step} it "
            f"first; not one click until then: {'; '.join(s.label for s in held)}."
        )

    sep = ": " if state == "unanswered" else ", "
    return one_click_hold.hold_drug_orders(
        recs, line, held_by=f"PHQ-9 item 9 {state}{sep}{step} it first", whole=True
    )
