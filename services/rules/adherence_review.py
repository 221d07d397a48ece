"""Adherence and adequacy review: the trials in this episode that were not a fair test, and why.

An inadequate trial (below the minimum adequate dose, too short, adherence contradicted by refill
data, or dose unknown) does not count toward treatment resistance; CANMAT 2023 (para 184) asks to
assess adherence before concluding that an antidepressant failed. Also listed:
- ongoing trials whose refill data already contradict adherence, and ongoing trials that have run
  for the minimum adequate duration without being adequate (e.g. 12 weeks below the minimum dose),
  unless the dose has since been raised into the adequate range and adherence is not contradicted
  (the clinician has acted: the trial is now running fairly and becomes adequate with time);
- 4 to < 6 weeks at an adequate dose: "possibly adequate - review" (REFERENCE.md 0.2), not counted;
- treatment-resistant depression on the problem list (SNOMED 1153570009) while the chart documents
  fewer adequate failed trials than the TRD definition needs: the history is outside the chart, so
  the card asks for it to be recorded before anything is escalated on it (no TMS on zero trials).
- supply gaps (review 6 finding 1): a stretch of >= supply_gap_days (policy, default 30) with no
  drug dispensed inside a trial of this episode, named even when the PDC looks fine; when the
  trial's outcome PHQ-9 was taken in the gap the trial is not counted as failed, and a response
  before the gap reads as a relapse off the drug;
- courses whose latest statement is `on-hold`, or whose order is on hold with no dispense
  (review 6 finding 3): not taken now;
- courses kept running only by an `active` MedicationStatement that nothing has confirmed for
  statement_confirmed_days (policy, default 365; review 6 finding 11): "listed as active; not
  confirmed since ...", a reconciliation prompt; the time after it is not counted.
Low-dose use for another indication (e.g. trazodone for sleep) is not an antidepressant trial and
is not flagged.

The supply gaps, holds and unconfirmed listings (which trials, and their bullets and summary) are
adherence_lapses.py's.
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.record import AdherenceStatus, InadequacyReason, Trial, Verdict
from fhir_mapping.refills_unread import REFILLS_INCOMPLETE
from services import cards, screen, trial_dates
from services.adherence_words import poor_adherence_words
from services.answered_courses import already_answered
from services.card_format import weeks_text
from services.recommendation import Recommendation
from services.rules import contraindicated_trials, optimize_switch_augment
from services.rules.adherence_lapses import (
    lapse_line,
    lapse_summary,
    lapsed_trials,
    lapses_indicator,
    lapses_title,
    listed_text,
    listing_said,
)
from services.rules.adherence_trd import undocumented_trd as undocumented_trd
from services.rules.adherence_trd import undocumented_trd_text
from services.rules.context import RuleContext
from services.trial_table import (
    adequate_only_as_needed,
    below_only_as_needed,
    dose_unknown_text,
    top_dose_text,
)

TOPIC = "adherence-review"
FLAGGED_REASONS = (
    InadequacyReason.DOSE_BELOW_MINIMUM,
    InadequacyReason.TOO_SHORT,
    InadequacyReason.POOR_ADHERENCE,
    InadequacyReason.DOSE_UNKNOWN,
    # Refill data could not be read (fhir_mapping/refills_unread.py, review s21 RC W2): confirm
    # adherence before concluding the drug failed, as for refills that contradict it.
    InadequacyReason.ADHERENCE_NOT_READ,
)


def flagged_trials(ctx: RuleContext) -> tuple[Trial, ...]:
    flagged = [
        t
        for t in ctx.facts.inadequate_trials
        if any(r in FLAGGED_REASONS for r in t.reasons) or not t.reasons
    ]
    flagged += [t for t in ctx.facts.ongoing_trials if _ongoing_but_unfair(ctx, t)]
    # One card per concern (issue 12): a running trial below its minimum dose whose adherence is
    # not contradicted is the optimise card's ("raise the dose", with the weeks below it); this
    # card keeps the ones whose refills contradict adherence.
    # Kept by equality, first one first, without hashing: a Trial's hash walks every segment
    # and score it holds, and these lists are a few trials long.
    raised = optimize_switch_augment.subtherapeutic(ctx)
    kept: list[Trial] = []
    for trial in flagged:
        if already_answered(trial, ctx.record.trials):
            continue  # a later adequate course, or a stop reason (RC s23 findings 4, 5)
        if trial not in raised and trial not in kept:
            kept.append(trial)
    return tuple(sorted(kept, key=lambda t: t.start))


def _now_adequate_dose(trial: Trial) -> bool:
    current, minimum = trial.current_mg_per_day, trial.min_adequate_mg
    return current is not None and minimum is not None and current >= minimum


def _ongoing_but_unfair(ctx: RuleContext, trial: Trial) -> bool:
    """A running trial already contradicted by refill data, or one that has run long enough to be
    adequate but is not (e.g. 12 weeks below the minimum dose) and is still not at an adequate
    dose today."""
    if trial.verdict is not Verdict.ONGOING or trial.feed_unfilled:
        # orders36: a never-filled order's listing (adherence_lapses) says it; orders37: one
        # awaiting its first fill is the optimise card's (optimize/awaiting_fill.py).
        return False
    if trial.adherence.status is AdherenceStatus.POOR:
        return True
    if InadequacyReason.ADHERENCE_NOT_READ in trial.reasons:
        # Long enough at an adequate dose, its refill data not read (fhir_mapping/
        # refills_unread.py): adherence is the one question left, as for refills that
        # contradict it (review s21 RC W2).
        return True
    if trial_dates.listed_undated(trial):
        # Review s23 RT finding 2 (fhir_mapping/listed_start.py): known only from a listing, long
        # enough since it and not responding on a PHQ-9: it would be a failed trial if begun by
        # then, so its start is asked before a switch or TMS rests on it.
        return (
            trial.on_treatment is not None
            and trial.weeks_at_adequate_dose >= ctx.policy.mapping.min_adequate_weeks
            and trial.response is not True
            and trial.remission is not True
        )
    if _now_adequate_dose(trial):
        return False  # titrated into range: a fair trial is now running
    weeks_running = (ctx.record.as_of - trial.start).days / 7
    return weeks_running >= ctx.policy.mapping.min_adequate_weeks and any(
        r in FLAGGED_REASONS for r in trial.reasons
    )


def _unknown_dose_short(trial: Trial) -> str:
    """A course with no dose read that is also too short (review 16 M4): its weeks at an adequate
    dose are 0 because no dose is known, so "sertraline 0 wk" said nothing true. Said as d03's
    "sertraline dose not recorded" is, with what is known of its length: "sertraline dose and
    duration not recorded" when no record of it states a duration (every day of it counted by
    the rule for records without one: Trial.assumed_days), else its weeks on record."""
    dose = dose_unknown_text(trial, nested=True)
    span = (trial.end - trial.start).days
    if trial.taken_before is not None or (
        trial.assumed_days is not None and trial.assumed_days >= span
    ):
        # Dated only by the day it was reported: no start on record either (recheck 2 of
        # review 16, W2).
        length = "dates" if trial_dates.reported_undated(trial) else "duration"
        if dose == "dose not recorded":
            return f"{trial.ingredient} dose and {length} not recorded"
        return f"{trial.ingredient} {dose}, {length} not recorded"
    if trial.written_dates is not None:  # review 10 finding 5: no weeks to quote
        return f"{trial.ingredient} {dose}, dates {trial.written_dates.precision} only"
    return f"{trial.ingredient} {dose}, {cards.fmt_weeks(span / 7)} wk on record"


def _short_reason(ctx: RuleContext, trial: Trial) -> str:
    reasons = trial.reasons
    low = cards.below_minimum(trial)
    if InadequacyReason.DOSE_BELOW_MINIMUM in reasons and low is not None:
        # Below the minimum only as needed: one administration's dose, never a mg/day.
        unit = "mg as needed" if below_only_as_needed(trial) else "mg/day"
        return (
            f"{trial.ingredient} {cards.fmt_mg(low[0])} {unit} "
            f"< {cards.fmt_mg(trial.min_adequate_mg)} minimum"
        )
    if InadequacyReason.POOR_ADHERENCE in reasons or trial.adherence.status is AdherenceStatus.POOR:
        return f"{trial.ingredient} {poor_adherence_words(trial)}"
    if (
        InadequacyReason.TOO_SHORT in reasons
        and InadequacyReason.DOSE_UNKNOWN in reasons
        and trial.min_adequate_mg is not None
    ):
        return _unknown_dose_short(trial)
    if InadequacyReason.TOO_SHORT in reasons:
        if trial_dates.duration_to_confirm(trial):
            # Session 21 F3 item 1: adequate only counted up to a stop whose day was not
            # recorded; the card asks how long it was taken.
            return (
                f"{trial.ingredient} duration to confirm, at most "
                f"{cards.fmt_weeks(trial.weeks_at_adequate_dose)} wk"
            )
        if trial.written_dates is not None:  # review 10 finding 5: no weeks to quote
            return f"{trial.ingredient} dates {trial.written_dates.precision} only"
        if trial_dates.listed_undated(trial):  # review s23 RT finding 2
            return f"{trial.ingredient} {trial_dates.listed_text(trial)}"
        if trial_dates.reported_undated(trial):
            # Reported with a dose and no dates: its start is the day the report was entered,
            # not a day it was taken (recheck 2 of review 16, W2).
            return (
                f"{trial.ingredient} {top_dose_text(trial)} "
                f"{trial_dates.entry_text(trial)}, dates not recorded"
            )
        if trial_dates.start_unknown(trial):
            # An end-only statement (review s27 RA finding 4): "0 wk" would read as measured,
            # as the trial line says (trial_verdict_text: "start not recorded").
            return f"{trial.ingredient} start not recorded"
        if trial_dates.whole_course_assumed(trial) is not None:
            # Its weeks are the assumed 30 days, not a length on record (recheck 16 d05).
            return f"{trial.ingredient} duration not recorded"
        weeks = f"{trial.ingredient} {cards.fmt_weeks(trial.weeks_at_adequate_dose)} wk"
        if adequate_only_as_needed(trial):  # review 10 recheck R11: say why it is 0 wk
            return f"{weeks}, ordered as needed"
        if cards.possibly_adequate(trial, ctx.policy.mapping):
            return f"{weeks}, possibly adequate"
        return weeks
    if InadequacyReason.ADHERENCE_NOT_READ in reasons:
        if trial.adherence.not_verified == REFILLS_INCOMPLETE:  # s21 RR finding 4
            return f"{trial.ingredient} refill data incomplete"
        return f"{trial.ingredient} refill data not read"
    if InadequacyReason.DOSE_UNKNOWN in reasons:
        if trial.min_adequate_mg is None:
            return f"{trial.ingredient}: no dose range on file"
        return f"{trial.ingredient} {dose_unknown_text(trial, nested=True)}"
    return f"{trial.ingredient} not adequate"


def unjudged(trial: Trial) -> bool:
    """Whether the trial's adequacy could not be judged at all: the drug table has no verified
    minimum adequate dose for it (maprotiline, amoxapine, isocarboxazid: REFERENCE.md 1.6) and
    nothing else (adherence) speaks against it. Review 17 M9: "not adequate" read as a judgement
    the table cannot make; such a trial is "adequacy not judged", still not counted as failed."""
    return (
        trial.min_adequate_mg is None
        and InadequacyReason.DOSE_UNKNOWN in trial.reasons
        and InadequacyReason.POOR_ADHERENCE not in trial.reasons
        and trial.adherence.status is not AdherenceStatus.POOR
    )


def _reason_lines(ctx: RuleContext, trial: Trial) -> list[str]:
    mapping = ctx.policy.mapping
    # Session 21 F3 item 1: a course adequate only up to a stop whose day was not recorded; the
    # card asks for its length on the line that names it.
    ask = ": confirm how long it was taken" if trial_dates.duration_to_confirm(trial) else ""
    # Each said once: a dose cut that broke a run is in the "possibly adequate" words of both
    # reasons (trial_verdict_text.reason_text, adeq71).
    lines = list(
        dict.fromkeys(
            cards.reason_text(trial, r, mapping) + (ask if r is InadequacyReason.TOO_SHORT else "")
            for r in trial.reasons
            if r in FLAGGED_REASONS
        )
    )
    if trial.verdict is Verdict.ONGOING:
        poor = trial.adherence.status is AdherenceStatus.POOR
        if listing_said(trial):
            # Never "ongoing" (Trial.listed, session 23 L2 item 1); a course whose supply ran out
            # once adequate is said by its lapse line (adherence_lapses.ran_out_line).
            lines.append(listed_text(trial))
        elif poor and InadequacyReason.POOR_ADHERENCE not in trial.reasons:
            lines.append(
                f"ongoing; refill data contradict adherence ({cards.adherence_text(trial)})"
            )
        else:
            lines.append("ongoing")
    return lines


def _flagged_summary(ctx: RuleContext, flagged: Sequence[Trial]) -> str:
    count = len(flagged)
    noun = "trial" if count == 1 else "trials"
    parts = "; ".join(_short_reason(ctx, t) for t in flagged)
    if all(unjudged(t) for t in flagged):
        # No dose range to judge by (review 17 M9): said as such, not as "not adequate".
        return cards.fit_summary(
            f"Adequacy not judged for {count} {noun} ({parts}): judge the dose clinically "
            "before counting failures",
            f"Adequacy not judged for {count} {noun} ({parts})",
            f"Adequacy not judged for {count} {noun} ({cards.names(flagged)}): no dose "
            "range on file",
        )
    judged = "not adequate or not judged" if any(map(unjudged, flagged)) else "not adequate"
    return cards.fit_summary(
        f"{count} {noun} {judged} ({parts}): review dose and adherence before counting failures",
        f"{count} {noun} {judged} ({parts}): review before counting as failed",
        f"{count} antidepressant {noun} {judged} ({cards.names(flagged)}): review dose, "
        "duration and adherence",
        f"{count} antidepressant {noun} {judged}: review dose, duration and adherence",
    )


def _bullet(ctx: RuleContext, trial: Trial, then: str = "") -> str:
    why = "; ".join([*_reason_lines(ctx, trial), *([then] if then else [])])
    # A start the record does not state is not shown as one (review 6 finding 8), nor the day a
    # report was entered (recheck 2 of review 16, W2: the reason says "dates not recorded"; the
    # reported dose is named).
    head = f"({trial_dates.start_iso(trial)})"
    if trial_dates.listed_undated(trial):  # its reason names the start not recorded
        head = f"(listed {trial.start.isoformat()})"
    if trial_dates.reported_undated(trial):
        dose = top_dose_text(trial)
        named = "" if dose == "dose unknown" else f"{dose} "
        head = f"{named}({trial_dates.entry_text(trial)})"
    return f"- **{trial.ingredient}** {head}: {why}"


def rule(ctx: RuleContext) -> Recommendation | None:
    flagged = flagged_trials(ctx)
    trd = undocumented_trd(ctx)
    lapsed = lapsed_trials(ctx, flagged)
    if not flagged and not trd and not lapsed:
        return None
    mapping = ctx.policy.mapping
    sections: list[str] = []
    summary = ""
    # Whether the card asks to review a dose or adherence: not of a trial not to retry alone.
    review = bool(trd or lapsed)
    if trd:
        summary, bullet = undocumented_trd_text(ctx)
        sections.append("**Treatment history not in the chart:**\n" + bullet)
    if flagged:
        # A trial of a drug an active, critical contraindication rules out is not one to review
        # the dose of: "not to retry", in a section of its own (rules/contraindicated_trials.py).
        fair, barred = contraindicated_trials.split(ctx, flagged)
        review = review or bool(fair)
        summary = _flagged_summary(ctx, fair) if fair else contraindicated_trials.summary(barred)
        if fair:
            heading = "Adequacy not judged" if all(map(unjudged, fair)) else "Not a fair test yet"
            sections.append(f"**{heading}:**\n" + "\n".join(_bullet(ctx, t) for t in fair))
        if barred:
            sections.append(
                "**Not to retry (contraindicated on record):**\n"
                + "\n".join(_bullet(ctx, b.trial, b.line) for b in barred)
            )
    if lapsed:
        if not summary:
            summary = lapse_summary(ctx, lapsed)
        title = lapses_title(lapsed)
        sections.append(f"**{title}:**\n" + "\n".join(lapse_line(ctx, t) for t in lapsed))
    trials = ctx.facts.episode_trials
    # On a screen the table and scores go behind the timeline (this card wants it: topics.csv):
    # built only if shown (RuleContext.composed), as on the optimise card.
    deferred = ctx.composed
    table = (
        cards.trials_evidence(trials, mapping, ctx.record, deferred=deferred) if trials else None
    )
    scores = cards.scores_evidence(ctx.record, deferred=deferred)
    detail = cards.join_sections(
        *sections,
        table.text if table is not None else "",
        (
            f"Adequate trial = at least the minimum adequate dose (CANMAT 2023 Table 3.3) for "
            f"{weeks_text(mapping.min_adequate_weeks)}, adherence not contradicted "
            f"(PDC at least {cards.fmt_pct(mapping.pdc_threshold)}, no refill gap over "
            f"{weeks_text(mapping.refill_gap_weeks)}); "
            f"{cards.fmt_weeks(mapping.possibly_adequate_weeks)} to under "
            f"{weeks_text(mapping.min_adequate_weeks)} is possibly adequate and needs "
            "review."
            + (
                " Ask about missed doses, side effects and cost; confirm the dose taken; record "
                "intolerance if the drug was stopped for side effects."
                if review
                else ""
            )
        ),
        scores.text,
        cards.guideline_links("canmat2023"),
    )
    evidence = (table, scores) if table is not None else (scores,)
    shown = lapses_indicator(ctx, flagged, lapsed, trd)  # ward holds alone: information
    card = cards.make(TOPIC, summary=summary, detail=detail, evidence=evidence, indicator=shown)
    return screen.with_fields(card, evidence_key=fingerprint(ctx, flagged, lapsed, trd))


def fingerprint(
    ctx: RuleContext, flagged: Sequence[Trial], lapsed: Sequence[Trial], trd: bool
) -> str:
    """The card's own snooze fingerprint: the pathway's (screen.evidence_key: the trials table
    and the PHQ-9 band it shows) and each trial it names, with why (review 18b W2: a snooze hid
    a new poorly filled trial). A flagged trial by drug, start, reasons and PDC band; a lapsed
    one by drug, start and its gaps, hold and unconfirmed listing. A new trial, a new reason, a
    PDC falling into a lower band or a new supply gap ends the snooze."""
    items = [f"pathway {screen.evidence_key(ctx.facts)}"]
    items += [
        f"flagged {t.ingredient}@{t.start.isoformat()} "
        + ",".join(sorted(r.value for r in t.reasons))
        + f" pdc {_pdc_band(t.adherence.pdc)}"
        for t in flagged
    ]
    items += [
        f"lapsed {t.ingredient}@{t.start.isoformat()} "
        + ",".join(g.start.isoformat() for g in t.adherence.supply_gaps)
        + f" hold {t.on_hold} listed {t.unconfirmed_since}"
        for t in lapsed
    ]
    if trd:
        items.append("trd not documented")
    return screen.pairs_key(items)


def _pdc_band(pdc: float | None) -> str:
    """The PDC by tenths ("4" for 40 to under 50 %): a refill moves the PDC by a few points, which
    a snooze should outlast; a fall into a lower tenth is a change the clinician has not seen.
    The line a PDC is judged by (policy pdc_threshold, 80 %) is a tenth's edge."""
    return "none" if pdc is None else str(min(int(pdc * 10), 10))
