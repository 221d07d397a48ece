"""The antipsychotic stacking check: a second antipsychotic ordered while one runs, or with
another on the same order (issue 11 item 3), at any dose and in any role."""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.record import DoseBasis, DraftOrder, Trial
from services import cards, drug_rules, held_dates, taken_to_confirm, trial_dates
from services.order_checks.model import STACKING, OrderCheck
from services.order_doses import in_component
from services.rules.context import RuleContext
from services.rules.optimize import injection_tail, interacting


def running_dose(trial: Trial, heading: str = "", *, supply_said: bool = False) -> str:
    """ "quetiapine 25 mg/day since 2024-02-05", or "escitalopram since 2026-05-04; 20 mg/day
    since 2026-05-25" when the dose changed (trial_dates.dose_since); a per-session or
    per-injection drug by its dose per administration (cards.dose_path), never as mg/day. No
    resource id (review 19 b01s): drug, dose and dates are what a clinician finds it by.

    A course whose supply ran out adds "(may be running: no supply since 2025-06-10)", or the
    fact alone, "(no supply since 2025-06-10)", under a `heading` (`running_heading`) that says
    it may be running already: "**May be running:** venlafaxine ... (may be running: ...)"
    said it twice (session 21 F4 item 3). `supply_said`: the line says the no-supply fact
    itself (its adherence words: trial_adherence_text.ran_out_text), so only the claim is
    added, when the heading does not make it."""
    named, since = trial_dates.dose_since(trial, _dose(trial))
    if trial.listed:  # its listing said whatever the heading (session 23 L2 item 1)
        return f"{named} {since} (listed: {taken_to_confirm.trial_listing(trial)})"
    if trial.awaiting_fill is not None:  # orders37: an order the fill feed shows no fill of yet
        return f"{named} {since} ({AWAITING})"
    ran_out = _ran_out(trial)
    if ran_out is None:
        return f"{named} {since}"
    claim = "" if heading == MAY_BE_RUNNING else "may be running"
    said = ": ".join(p for p in (claim, "" if supply_said else ran_out) if p)
    return f"{named} {since} ({said})" if said else f"{named} {since}"


def running_name(trial: Trial, verb: str = "running") -> str:
    """ "sertraline running" (`verb`: "already running", "still running"), or "sertraline may be
    running: no supply since 2025-06-05" for an open order whose supply ran out a month or more
    ago (Trial.supply_ran_out; review s20 W2 item 2: "(sertraline running)" was said of a drug
    with no supply for 18 months). Every order card that names a running drug says it so; a
    listed course (Trial.listed) is "fluoxetine listed: order of 2024-03-01 still active, last
    filled 2024-03-02", never running (session 23 L2 item 1)."""
    if trial.listed:
        return f"{trial.ingredient} listed: {taken_to_confirm.trial_listing(trial)}"
    # A course on hold is not taken now (recheck K6 s28 finding 1: "Two SSRIs (fluoxetine
    # running)" of an order held for 200 days): "fluoxetine on hold, not taken since ...".
    if (held := held_dates.held_text(trial)) is not None:
        return f"{trial.ingredient} {held}"
    if trial.awaiting_fill is not None:  # "venlafaxine ordered (2026-10-15, no fill yet)"
        return f"{trial.ingredient} {_awaiting(trial).removeprefix('is ')}"
    ran_out = _ran_out(trial)
    if ran_out is None:
        return f"{trial.ingredient} {verb}"
    return f"{trial.ingredient} may be running: {ran_out}"


def is_running(trial: Trial) -> str:
    """ "is running", or "may be running (no supply since 2025-06-05)" (`running_name`'s rule),
    after the drug's name and class ("while sertraline (SSRI) is running"); "is listed" for a
    listed course (Trial.listed: its listing is on the card's detail line, `running_dose`)."""
    if trial.listed:
        return "is listed"
    if (held := held_dates.held_text(trial)) is not None:
        return f"is {held}"
    if trial.awaiting_fill is not None:
        return _awaiting(trial)
    ran_out = _ran_out(trial)
    return "is running" if ran_out is None else f"may be running ({ran_out})"


# How a line listing the running drugs opens (order_checks/duplicate_other_class.py): "Still
# running" only of drugs the record shows taken; a drug whose supply ran out a month or more ago
# "may be running" (`running_name`'s rule; review s20 closing note: "**Still running:**
# sertraline ... (may be running: no supply since ...)" said both), as a drug that may be running
# by its record is headed at an order (order_checks/duplicate_maybe.py: "**May be running:**").
STILL_RUNNING = "**Still running:**"
MAY_BE_RUNNING = "**May be running:**"
SOME_MAY_BE_RUNNING = "**Still running, or may be:**"
RUNNING_HEADINGS = (STILL_RUNNING, MAY_BE_RUNNING, SOME_MAY_BE_RUNNING)


def running_heading(trials: Sequence[Trial]) -> str:
    """STILL_RUNNING when every one of `trials` is filled (no supply ran out), MAY_BE_RUNNING
    when none is, SOME_MAY_BE_RUNNING for a mix (each drug's own words say which)."""
    out = [t.supply_ran_out is not None or t.listed or t.awaiting_fill is not None for t in trials]
    if not any(out):
        return STILL_RUNNING
    return MAY_BE_RUNNING if all(out) else SOME_MAY_BE_RUNNING


# orders37: an order-only course the chart's fill feed shows no fill of yet (Trial.awaiting_fill)
# is never "running" on an order card either: "Desvenlafaxine ordered while venlafaxine (SNRI)
# is running" was said of a venlafaxine order never collected. The claim every other card says
# (taken_to_confirm.course_claim): "is ordered (2026-10-15, no fill yet)".
AWAITING = "ordered, no fill yet"


def _awaiting(trial: Trial) -> str:
    return taken_to_confirm.trial_claim(trial).verb


def _ran_out(trial: Trial) -> str | None:
    # The day alone: the order card says it inside parentheses, beside the drug's name. The
    # claim of the one rule every card and table reads (taken_to_confirm.trial_claim).
    return taken_to_confirm.trial_claim(trial).why or None


def _dose(trial: Trial) -> str:
    # A fixed combination's dose names its component: "(bupropion 210 mg/day)" (in_component).
    last = trial.segments[-1] if trial.segments else None
    if last is not None and last.as_needed:  # no daily dose: "25 mg as needed"
        return in_component(
            trial.ingredient,
            cards.as_needed_text(last.mg_per_day, last.mg_per_day_high, last.as_needed_max_mg),
        )
    if trial.dose_basis is DoseBasis.DAILY and trial.current_mg_per_day is None:
        # No dose read (a statement "1 tab daily" of an ingredient-only code): never "unknown
        # mg/day", which reads as if "unknown" were a dose (order_doses.dose_text's words;
        # review s27 RA finding 1's chart v15).
        return "(dose not read)"
    if trial.dose_basis is DoseBasis.DAILY:
        return in_component(trial.ingredient, f"{cards.fmt_mg(trial.current_mg_per_day)} mg/day")
    return cards.dose_path(trial)


def stacking_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """A second antipsychotic ordered while one runs, or after another one on the same order
    (issue 11 item 3; the pair is reported once, on the later draft). The class comes from the
    drug table (drug_class_groups.csv "antipsychotic": atypical, typical, SDAM), at any dose and
    in any role: quetiapine 25 mg at night for sleep is still an antipsychotic. A new dose of the
    running one is not stacking."""
    if not drug_rules.is_antipsychotic(draft.drug_class):
        return None
    running = [
        t
        for t in ctx.record.trials
        if t.ongoing
        and t.ingredient != draft.ingredient
        and drug_rules.is_antipsychotic(t.drug_class)
    ]
    drafts = list(ctx.record.draft_orders)
    earlier = drafts[: drafts.index(draft)] if draft in drafts else []
    others = [
        d
        for d in earlier
        if d.ingredient != draft.ingredient
        and drug_rules.is_antipsychotic(d.drug_class)
        and not draft.other_reading(d)
    ]
    # A long-acting injection past its cover but still acting (fix lai63: Abilify Maintena 400 mg
    # 52 days before, quetiapine drafted: no card): a second antipsychotic started now overlaps
    # it for weeks, and the injections may well continue (a missed or uncharted dose). The safer
    # error: a card that asks costs a confirmation, a doubled antipsychotic costs the patient.
    lapsed = [t for t in injection_tail.lapsed_injections(ctx) if t.ingredient != draft.ingredient]
    if not running and not others and not lapsed:
        return None
    # An antipsychotic prescribed for something else (pimozide for Tourette's: role `interacting`)
    # is still stacked on, but its dose and its replacement are its prescriber's: never "optimise
    # or replace" it (review 9 finding 5).
    theirs = [t for t in running if interacting.outside_regimen(t)]
    ours = [t for t in running if not interacting.outside_regimen(t)]
    held = (
        [running_dose(t) for t in ours]
        + [_outside_regimen(t) for t in theirs]
        + [f"{d.ingredient} on this same order" for d in others]
        + [injection_tail.still_acting(t) for t in lapsed]
    )
    name = draft.ingredient.capitalize()
    if running:
        lead = running[0]
        first = lead.ingredient
        summary = cards.fit_summary(
            f"{name} ordered while {first} (an antipsychotic) {is_running(lead)}: a second "
            "antipsychotic",
            f"{name}: a second antipsychotic ({running_name(lead, 'already running')})",
        )
    elif others:
        first = others[0].ingredient
        summary = cards.fit_summary(
            f"{name} and {first} on the same order: two antipsychotics",
            f"{name}: a second antipsychotic on the same order",
        )
    else:
        first = lapsed[0].ingredient
        summary = cards.fit_summary(
            f"{name} ordered while {first} (long-acting injection) is still acting: confirm "
            "whether injections continue before a second antipsychotic",
            f"{name}: {first} injection still acting: confirm whether injections continue",
            f"{name}: a long-acting antipsychotic injection still acting",
        )
    if not running and not others:  # a lapsed injection only (fix lai63)
        advice = (
            "confirm whether the injections continue: if they do, optimise or replace the "
            "injection rather than add a second antipsychotic; if they have stopped, the "
            "injection still acts for weeks beside the new one."
        )
    elif ours or not theirs:
        advice = (
            "optimise or replace the one running; when switching, plan the cross-taper and the "
            "stop date of the first."
        )
        if theirs:
            advice = advice.removesuffix(".") + f"; {_their_advice(theirs)}"
    else:
        advice = _their_advice(theirs)
    return OrderCheck(
        STACKING,
        draft,
        summary,
        f"{draft.ingredient} ({draft.drug_class}) would be a second antipsychotic: "
        + "; ".join(held)
        + ". Combining antipsychotics adds their side effects (metabolic, QT, movement) and is "
        "not a CANMAT 2023 strategy for depression (Table 7.2 adjuncts are single agents): "
        + advice,
    )


def _outside_regimen(trial: Trial) -> str:
    """ "pimozide 2 mg/day (running since 2019-03-04; not part of the depression regimen)"; an
    old statement is named as listed (interacting.course_state). No resource id (review 19)."""
    state = interacting.course_state(trial)
    return f"{trial.ingredient} {_dose(trial)} ({state}; not part of the depression regimen)"


def _their_advice(theirs: list[Trial]) -> str:
    """ "pimozide is prescribed for something else: discuss with its prescriber before adding an
    antipsychotic; not replaced for the depression." """
    names = " and ".join(t.ingredient for t in theirs)
    one = len(theirs) == 1
    return (
        f"{names} {'is' if one else 'are'} prescribed for something else: discuss with "
        f"{'its prescriber' if one else 'their prescribers'} before adding an antipsychotic; "
        "not replaced for the depression."
    )
