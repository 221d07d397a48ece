"""How far a running course may be raised for this patient at this site (review s19 items 3, 4):
the top the optimise card raises toward, what set it, and what keeps a raise from being one click.

The top is the lowest of the ceilings the service already applies elsewhere, so a raise the card
proposes never goes where an order of the same dose would get a card:
- the range's own top: the drug row's (CANMAT 2023 Table 3.3), or the release formulation's
  where its label sets one (bupropion SR 400 mg/day: formulation_ceilings.py);
- the clinic's market's label where it stops lower (mirtazapine 45 mg/day in the US:
  label_maximums.py, policy drug_market);
- the labelled older-adult maximum (citalopram 20 mg/day from 60: age_limits.py);
- a labelled maximum in hepatic impairment (hepatic_doses.py), at the kidney function on record
  (renal_doses.py) and for a pharmacogenomic result (pgx_doses.py).
A label that limits the dose without a number here (venlafaxine: reduce by half in hepatic
impairment), a QTc the order check would name, a CYP result not interpreted, or a reaction to the
drug on record makes the raise text only (`Room.hold`): the prescriber settles it first.

A dose of the course that ended for an adverse effect (Trial.doses_not_tolerated: sertraline 150
mg/day stopped for GI upset, 100 mg ordered that day; review s20 RA finding 1) is never proposed
again: the top stops one labelled step below it (data/start_doses.csv), and where no step is left
between the running dose and it (or the drug has no step on record) there is no room, and
`stopped_above` says why for the card. Proposing the dose that was just stopped for side effects
would ask the prescriber to repeat a failed exposure; the safer reading holds at the tolerated dose
and leaves the adjunct and switch options to come next.
"""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping import pgx
from fhir_mapping.record import DoseBasis, Trial
from services import (
    age_limits,
    hepatic_doses,
    level_high_hold,
    older_adult_level_reading,
    pgx_doses,
    renal_doses,
    tolerability,
    unread_lab_gaps,
)
from services.order_checks.qtc import qtc_line
from services.recommendation import Indicator
from services.rules.context import RuleContext
from services.rules.optimize import ruled_against
from services.rules.optimize.lowered_failed import SHORT as FAILED_SHORT
from services.rules.optimize.lowered_failed import failed_above
from services.rules.optimize.lowered_failed import hold as lowered_failed_hold
from services.rules.optimize.stopped_dose import stopped_cap
from services.rules.optimize.two_orders import hold as two_orders_hold
from services.rules.per_context import per_context
from services.running_reactions import severe_rechallenged
from services.site_ceiling import site_ceiling, site_words


@dataclass(frozen=True, slots=True)
class Room:
    """A running course with room below the top of its range for this patient."""

    trial: Trial
    now: float  # the running dose (the upper end of a range: no raise toward a dose maybe taken)
    top: float  # the highest daily dose a raise goes toward
    ceiling: str  # what set `top`, after the range (" (the labelled maximum from age 60, ...)")
    hold: str | None = None  # why a raise is named, not one click (the card's sentence)
    hold_short: str | None = None  # the same in a few words, for the summary


@dataclass(frozen=True, slots=True)
class _Organs:
    """The liver and kidney readings on record with the drug's rows of the hepatic and renal
    tables: read once, since both a ceiling (`_caps`) and a hold (`_hold`) come from them."""

    liver: hepatic_doses.Liver | None
    hepatic: hepatic_doses.HepaticRow | None
    renal: renal_doses.RenalRow | None


def _organs(ctx: RuleContext, name: str) -> _Organs:
    kidney = renal_doses.reading(ctx.record, ctx.policy)
    return _Organs(
        hepatic_doses.reading(ctx.record),
        hepatic_doses.row_for(name),
        kidney.row(name) if kidney is not None else None,
    )


def _caps(ctx: RuleContext, trial: Trial, organs: _Organs) -> list[tuple[float, str]]:
    """Every ceiling that applies to this patient, each with its words."""
    name, record = trial.ingredient, ctx.record
    site = site_ceiling(ctx.policy, trial)
    found = [] if site is None else [(site, site_words(ctx.policy, trial, site))]
    limit = age_limits.limit_for(name, record.patient.age, trial.formulation)
    if limit is not None:
        found.append(
            (limit.max_mg, f" (the {limit.words()} from age {limit.min_age}, {limit.cite})")
        )
    liver, row = organs.liver, organs.hepatic
    if liver is not None and row is not None and row.action == "max" and row.max_mg is not None:
        words = f"the labelled maximum {hepatic_doses.if_severity(row)}"
        found.append((row.max_mg, f" ({words}, {hepatic_doses.cite(row)}; {liver.short()})"))
    band = organs.renal
    if band is not None and band.action in ("max", "reduce") and band.max_mg is not None:
        found.append((band.max_mg, f" (the labelled maximum in {band.band}, {band.cite})"))
    for pgx_row in pgx_doses.rows_for(name):
        result = pgx.latest(record.pgx_results, pgx_row.gene)
        if result is not None and result.phenotype == pgx_row.phenotype:
            what = f"{pgx_row.gene} {result.phenotype} metabolizer"
            found.append((pgx_row.max_mg_day, f" ({what}: {pgx_row.short}, {pgx_row.cite})"))
    return found


def report_hold(trial: Trial) -> str | None:
    """Why a raise of a course that rests on reports only (Trial.report_only: the patient's, or
    a medication-list statement whoever entered it) is text only, or None: no order or fill shows
    the dose dispensed, so the dose a raise starts from is to confirm first (the patient's as
    before; a clinician-entered or unsourced statement the same since branch statementraise).
    Read by this module's hold and by the below-range sections (dose.py, below_range.py), whose
    raise order is not offered either (orders.raise_dose_suggestion)."""
    if trial.patient_reported:
        said = "the patient's report"
    elif trial.statement_only:
        said = "on the medication list only"
    else:
        return None
    return (
        f"Its dose is {said} (no order or fill on record): confirm it before raising; not "
        "offered as a ready-to-accept order."
    )


def _hold(ctx: RuleContext, trial: Trial, organs: _Organs) -> tuple[str, str] | None:
    """Why a raise of this course is text only (the card's sentence, a few words), or None."""
    name, record = trial.ingredient, ctx.record
    # A course another card rules against (a contraindication, a label's "avoid", an
    # interaction that prefers a switch: K63b finding 6): reviewed, never raised.
    against = ruled_against.sentence(ctx, trial)
    if against is not None:
        return against, ruled_against.SHORT
    # An older adult's label that doses the drug by plasma level (nortriptyline: 30-50 mg/day,
    # levels 50-150 ng/mL; older_adult_levels.py): the mg/day alone never justifies a raise.
    levelled = older_adult_level_reading.for_trial(record, ctx.policy, trial)
    if levelled is not None and record.patient.age is not None:
        return levelled.hold_sentence(record.patient.age), levelled.step()
    # A level at or above its upper line (labs31 item 1: a toxic nortriptyline level read
    # "settle this first, then raise nortriptyline"): no raise, the level says what to do.
    high = level_high_hold.high_level(record, ctx.policy, trial)
    if high is not None:
        return high.sentence(name), level_high_hold.SHORT
    # A drug dosed by its level whose latest level could not be read (review s29 RL finding 2:
    # a nortriptyline "600" with no unit): it may be toxic, so no raise before it is read.
    unread = unread_lab_gaps.level_not_read(record, name, trial.drug_class)
    if unread is not None:
        return (
            f"Its latest level (on {unread.isoformat()}) could not be read: read it in the "
            "chart before raising; not offered as a ready-to-accept order.",
            "level not read",
        )
    course = tolerability.not_tolerated(record).get(name)
    if course is not None:
        return (
            f"A reaction to it is on record ({tolerability.brief(course)}): raise it only if it "
            "is tolerated now; not offered as a ready-to-accept order.",
            "reaction on record",
        )
    # A severe entry the running re-challenge has not let go (s30 allergy34 item 1).
    entry = tolerability.documented_without_a_course(record).get(name) or severe_rechallenged(
        record, name
    )
    if entry is not None:
        # An entry recorded against the drug's class ("SSRIs") is named as written (rx60).
        said = (
            f"A reaction to its class is on record ({tolerability.class_brief(entry)})"
            if entry.allergen_class
            else f"A reaction to it is on record ({tolerability.intolerance_brief(name, entry)})"
        )
        return (
            f"{said}, still active: reconcile it before raising; not offered as a "
            "ready-to-accept order.",
            "reaction on record",
        )
    reported = report_hold(trial)
    if reported is not None:
        return reported, "dose to confirm"
    # meds57: another prescriber's order of the drug still open beside the one counted; if both
    # are taken the dose is their sum, so no raise before the dose taken is known.
    orders = two_orders_hold(ctx, trial)
    if orders is not None:
        return orders
    qtc = qtc_line(ctx, name, trial.drug_class)
    if qtc is not None:
        return (
            f"{qtc}: a higher dose can lengthen the QTc; review the ECG before raising it (not "
            "offered as a ready-to-accept order).",
            "QTc first",
        )
    liver, row = organs.liver, organs.hepatic
    # A "caution" row is the order check's unless the table marks it a warning (as the
    # running-drug card reads it: rules/running_hepatic.py).
    if (
        liver is not None
        and row is not None
        and row.action != "max"
        and (row.action != "caution" or row.indicator is Indicator.WARNING)
    ):
        return (
            f"{liver.text()} is on record; the {name} label ({hepatic_doses.cite(row)}), "
            f"{hepatic_doses.if_severity(row)}: {row.says}. A raise is not offered as a "
            "ready-to-accept order.",
            "hepatic impairment",
        )
    band = organs.renal
    if band is not None and band.max_mg is None and band.indicator is Indicator.WARNING:
        return (
            f"At the kidney function on record the {name} label ({band.cite}) says: "
            f"{band.says}. A raise is not offered as a ready-to-accept order.",
            "kidney function",
        )
    for pgx_row in pgx_doses.rows_for(name):
        result = pgx.latest(record.pgx_results, pgx_row.gene)
        if result is not None and result.phenotype is None:
            return (
                f"A {pgx_row.gene} result is on record but not interpreted as a phenotype "
                f"({pgx_row.top} if a poor metabolizer, {pgx_row.cite}): interpret it before "
                "raising the dose (not offered as a ready-to-accept order).",
                f"{pgx_row.gene} result to interpret",
            )
    return None


# Asked by the dose-first section and the fixed-combination line of one card: once per
# evaluation and course (issue 14).
@per_context
def room(ctx: RuleContext, trial: Trial) -> Room | None:
    """The course's room to raise, or None: no daily dose read (or one to confirm), no top on
    record, or the running dose already at the top for this patient."""
    now = trial.current_mg_per_day_upper
    if (
        now is None
        or trial.dose_basis is not DoseBasis.DAILY
        or trial.dose_to_confirm_mg is not None
        or trial.min_adequate_mg is None
    ):
        return None
    organs = _organs(ctx, trial.ingredient)
    caps = _caps(ctx, trial, organs)
    stopped = stopped_cap(trial)
    if stopped is not None:
        caps.append(stopped)
    if not caps:
        return None
    top, words = min(caps, key=lambda cap: cap[0])
    if now >= top:
        return None
    hold = _hold(ctx, trial, organs)
    if hold is None and trial in ctx.facts.failed_trials:
        # orders43: back to a dose the course already failed on is no new step (lowered_failed).
        failed = failed_above(trial, now, ctx.policy.mapping.min_adequate_weeks)
        if failed is not None:
            hold = lowered_failed_hold(trial, failed, now, top), FAILED_SHORT
    return Room(
        trial,
        now,
        top,
        words,
        hold[0] if hold is not None else None,
        hold[1] if hold is not None else None,
    )
