"""patient-view: two serotonin reuptake inhibitors running together (review 17 recheck R3).

The order hooks ask "a switch or an addition?" when the second one is drafted
(order_checks/duplicate_other_class.py); once both run, nothing said so when the chart opened:
venlafaxine 225 mg/day and sertraline 100 mg/day, both active and filled for three months, read
as "sertraline failed; venlafaxine not measured yet". Two serotonin reuptake inhibitors
(services/serotonin_reuptake.py) add serotonin-syndrome risk (the SSRI and SNRI labels'
Serotonin Syndrome warnings; Keks et al. 2016) and are no combination CANMAT 2023 gives
evidence for (Table 7.2: other antidepressant combinations third line, Level 3).

Both running means, for each course: ongoing on the as-of date with no stop dated that day
(Trial.stops_on), and either at least one fill on record and no supply gap reaching the as-of
date, or no fill at all while an `active` MedicationStatement (the patient's report, a
clinician's reconciliation) or a home medication the patient reports says it is taken now
(`reported_taken`, review s27 RA finding 1: sertraline 100 mg reported taken since 2026-10-01
beside filled venlafaxine got no line and the adjuncts stayed one click, while the same drug as
an order with fills got both, so the more certain-sounding record was the quieter). An order
with no fill, or one whose supply ran out, may be a stale order: no line, as the brief of the
recheck asks ("both active, both filled within their days' supply"); so is a listing nothing
has confirmed for a year (Trial.listed). A pair where either
course's order ends within the policy's cross-taper window (Trial.ends_soon) is a cross-taper
under way and is left out; so is a pair sharing an ingredient (the shared-ingredient check's).

Said once a screen: one line at the top of the optimise card when that card speaks (it is the
card that judges the two courses: the line tells the reader the PHQ-9s since the later start
were taken on both), else one warning card of its own. Nothing is one click: which one to stop,
or whether to keep a deliberate combination, is the prescriber's decision. The card is
snoozable with a reason (a combination chosen and monitored on purpose).
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from fhir_mapping.drug_table import shared_ingredients
from fhir_mapping.record import Trial
from services import cards, maybe_running, screen, serotonin_reuptake
from services.order_checks.stacking import running_dose
from services.recommendation import Recommendation, Suggestion
from services.rules import one_click_hold, running_reuptake_maybe
from services.rules.context import RuleContext
from services.rules.optimize import card as optimise_card
from services.trial_adherence_text import adherence_text

TOPIC = "running-reuptake-pair"
_STATEMENT = "MedicationStatement"
# How a course only a report keeps running is said where a filled one has its refills.
_REPORTED = "reported taken"


def _filled_through(trial: Trial) -> bool:
    """At least one fill, and no refill or supply gap that reaches the course's last day (the
    as-of date for an ongoing course): the supply on record covers today."""
    adherence = trial.adherence
    if adherence.fills == 0 or trial.supply_ran_out is not None:
        # No supply for a month or more (Trial.supply_ran_out, review s20 RA finding 4): the
        # trailing gap is judged there, not among the supply gaps.
        return False
    gaps = (*adherence.refill_gaps, *adherence.supply_gaps)
    return not any(g.end >= trial.end for g in gaps)


def reported_taken(trial: Trial) -> bool:
    """A course no fill shows that a statement or the patient's report says is taken now: no
    fill on record, not a stale listing (Trial.listed), not on hold, not an order awaiting its
    first fill, and a MedicationStatement among its records or every record the patient's own report
    (Trial.patient_reported: a home medication). Read as running for the pair, the safer
    reading: the record says the drug is taken, and two reuptake inhibitors taken together are
    the serotonin-syndrome risk whoever wrote the record (review s27 RA finding 1)."""
    if (
        trial.adherence.fills
        or trial.listed
        or trial.awaiting_fill is not None
        or trial.on_hold is not None  # held: not taken now (Trial.on_hold)
    ):
        return False
    # Trial.report_only: also a reported order a clinician entered (recheck K4 s27 finding 1).
    return trial.report_only or any(s.resource_type == _STATEMENT for s in trial.sources)


def _running(trial: Trial) -> bool:
    return (
        trial.ongoing
        and trial.stops_on is None
        and serotonin_reuptake.inhibits_reuptake(trial.ingredient, trial.drug_class)
        # Held supply_gap_days or more (Trial.held_long): not taken now.
        and not trial.held_long
        and (_filled_through(trial) or reported_taken(trial))
    )


def _running_courses(ctx: RuleContext) -> list[Trial]:
    """The serotonin reuptake inhibitor courses running, earliest start first, one per
    ingredient (a course sharing an ingredient with an earlier one is left out)."""
    found: list[Trial] = []
    running = (t for t in ctx.record.trials if _running(t))
    for t in sorted(running, key=lambda t: t.start):
        if any(
            t.ingredient == f.ingredient or shared_ingredients(t.ingredient, f.ingredient)
            for f in found
        ):
            continue
        found.append(t)
    return found


def running_pair(ctx: RuleContext) -> tuple[Trial, ...]:
    """The serotonin reuptake inhibitors running together, earliest start first; () unless two
    or more of different ingredients run and none of them is ending in a cross-taper."""
    found = _running_courses(ctx)
    if len(found) < 2 or any(t.ends_soon is not None for t in found):
        return ()
    return tuple(found)


def _dosed(trial: Trial) -> str:
    """ "sertraline 100 mg/day" (running_dose without its start and source)."""
    return running_dose(trial).split(" since ", 1)[0]


def _taken(trial: Trial) -> str:
    """The course's adherence words (refills on time, PDC), or, for one only a report keeps
    running (`reported_taken`), that report: "reported taken by the patient, no order or fill
    on record"."""
    if not reported_taken(trial):
        return adherence_text(trial)
    if trial.patient_reported:
        return f"{_REPORTED} by the patient, no order or fill on record"
    if trial.listed_order:  # a reported order a clinician entered (recheck K4 s27 finding 1)
        return f"{_REPORTED} (medication list), no fill on record"
    return f"{_REPORTED} (medication statement), no fill on record"


def _both(pair: Sequence[Trial], said: Sequence[str]) -> str:
    """ "venlafaxine 225 mg and sertraline 100 mg both running", or "venlafaxine 225 mg running
    and sertraline 100 mg reported taken" when a course is only reported (`reported_taken`)."""
    if not any(reported_taken(t) for t in pair):
        return f"{cards.and_list(list(said))} both running"
    return cards.and_list(
        [
            f"{w} {_REPORTED if reported_taken(t) else 'running'}"
            for t, w in zip(pair, said, strict=True)
        ]
    )


def _summary(pair: Sequence[Trial]) -> str:
    """ "Venlafaxine 225 mg and sertraline 100 mg both running: two serotonin reuptake
    inhibitors - unfinished switch or third-line combination? ...", longest that fits first
    ("... running and sertraline 100 mg reported taken: ..." for a course only reported)."""
    dosed = _both(pair, [_dosed(t).replace(" mg/day", " mg") for t in pair])
    names = _both(pair, [t.ingredient for t in pair])
    question = "unfinished switch or third-line combination?"
    candidates = [
        f"{who}: two serotonin reuptake inhibitors - {question} {tail}".rstrip()
        for who in (dosed, names)
        for tail in ("Serotonin-syndrome risk", "")
    ]
    candidates.append(f"{names}: two serotonin reuptake inhibitors")
    return cards.fit_summary(*(f"{c[:1].upper()}{c[1:]}" for c in candidates))


def _taken_on_both(ctx: RuleContext, pair: Sequence[Trial]) -> str:
    """ "PHQ-9 16 on 2025-05-23 was taken on both: it measures them together, not sertraline
    alone." for the latest valued PHQ-9 since the later start; "" when there is none. The trial
    windows give such a score to the later course alone (fhir_mapping/score_windows.py: a course's
    window ends where the next one starts), so the optimise card may call that course failed
    and the earlier one unmeasured."""
    later = max(pair, key=lambda t: t.start)
    score = ctx.record.latest_phq9()
    if score is None or score.date < later.start:
        return ""
    return (
        f" PHQ-9 {score.value} on {score.date.isoformat()} was taken on both: it measures them "
        f"together, not {later.ingredient} alone."
    )


def line(ctx: RuleContext, pair: Sequence[Trial]) -> str:
    """The pair as one paragraph: each course (dose, start, source, class, refills or the report
    it rests on), since when both run, the question, the risk and its sources, and what a PHQ-9
    since then measures."""
    since = max(t.start for t in pair).isoformat()
    each = "; ".join(f"{running_dose(t)} ({t.drug_class}; {_taken(t)})" for t in pair)
    notes = [
        f"{t.ingredient}: {why}"
        for t in pair
        if (why := serotonin_reuptake.member_note(t.ingredient))
    ]
    members = f" ({'; '.join(notes)})" if notes else ""
    return (
        f"**Two serotonin reuptake inhibitors running:** {each}. Both inhibit serotonin "
        f"reuptake{members}, together since {since}, and no stop of either is dated. A switch "
        "not finished (date the stop of the one being replaced) or a combination? Together they "
        f"add serotonin-syndrome risk ({serotonin_reuptake.serotonin_syndrome_cite()}) and are "
        f"{serotonin_reuptake.NOT_A_STRATEGY}." + _taken_on_both(ctx, pair)
    )


def still_running_beside(ctx: RuleContext) -> dict[str, str]:
    """Ingredient -> ", still running beside venlafaxine: failed?" for each course of the pair
    (the switch list's "Failed, not proposed" names a failed course still running so; review 17
    recheck R3: "sertraline" read as a finished, failed trial while it ran beside venlafaxine and
    its PHQ-9 was taken on both). {} when no pair runs."""
    pair = running_pair(ctx)
    return {
        t.ingredient: ", still running beside "
        + cards.and_list([o.ingredient for o in pair if o is not t])
        + ": failed?"
        for t in pair
    }


def on_screen(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the pair said once: a line at the top of the optimise card when it is on the
    screen (not in `hidden`), else a warning card of this topic (none while it is snoozed).
    With no two courses running, a course beside a reuptake inhibitor that may be running
    (rules/running_reuptake_maybe.py, fix 20 W1) is said the same way. Any other antidepressant
    that may be running is named with it (running_reuptake_maybe.others_line); with no pair, on
    the optimise card only.

    On the optimise card the drug proposals that keep a drug of the pair going (a raise of
    either, an adjunct to them, a new antidepressant started beside them:
    one_click_hold.keeps_running) are held as text (session 20 closing note): raising one of two
    serotonergic drugs before the pair is settled (a switch to finish, a combination to confirm)
    is the less safe action, and which one continues is the prescriber's decision."""
    pair = running_pair(ctx)
    maybe = None if pair else running_reuptake_maybe.maybe_pair(ctx, _running_courses(ctx))
    if pair:
        said, summary, names = line(ctx, pair), _summary(pair), [t.ingredient for t in pair]
        held_by, lead = "two serotonin reuptake inhibitors", "while both run"
        why = "Settle first which one continues (a switch to finish, or a combination kept on purpose)."
    elif maybe is not None:
        said, summary = running_reuptake_maybe.line(maybe), running_reuptake_maybe.summary(maybe)
        names = [t.ingredient for t in maybe.running] + [m.ingredient for m in maybe.maybes]
        held_by, lead = f"{maybe.concern} if both are taken", "until it is confirmed"
        why = f"Confirm first whether the patient takes {maybe_running.named(maybe.maybes)}."
    else:
        said = summary = held_by = lead = why = ""
        names = []
    also = running_reuptake_maybe.others_line(running_reuptake_maybe.others(ctx, set(names)))
    if not said and not also:
        return list(recs)
    if any(r.topic == optimise_card.TOPIC for r in recs) and optimise_card.TOPIC not in hidden:
        if not said:
            return [
                screen.with_fields(r, detail=cards.join_sections(also, r.detail))
                if r.topic == optimise_card.TOPIC
                else r
                for r in recs
            ]
        drugs = frozenset(names)
        antidepressants = one_click_hold.running_antidepressants(ctx)

        def line_for(held: list[Suggestion]) -> str:
            hold = one_click_hold.held_line(lead, held, why) if held else ""
            return cards.join_sections(said, hold, also)

        return one_click_hold.hold_drug_orders(
            recs,
            line_for,
            lambda s: one_click_hold.keeps_running(s, drugs, antidepressants),
            held_by=held_by,
            whole=False,
        )
    if TOPIC in hidden or not said:
        return list(recs)
    card = cards.make(
        TOPIC,
        summary=summary,
        detail=cards.join_sections(
            said,
            also,
            "Not offered as an order: which one to stop, or whether the combination is kept on "
            "purpose, is the prescriber's decision.",
        ),
    )
    card = screen.with_fields(card, evidence_key=screen.pairs_key(names))
    return list(cards.ordered([*recs, card]))
