"""The renal check of a drafted drug (review 11 finding 1): the latest eGFR against the drug's
labelled renal bands (data/renal_doses.csv, services/renal_doses.py).

- a drug the label says to avoid (or calls not recommended) in the patient's band: a warning
  (duloxetine below 30 mL/min; lithium below 30; levomilnacipran and milnacipran in end-stage
  renal disease);
- a daily dose above the band's labelled maximum: a warning naming both (desvenlafaxine 100 mg/day
  where the label allows 25); a dose that could not be read: information naming the maximum;
- a label that asks to reduce the dose or to use caution in the band: the row's own indicator
  (venlafaxine below 30 and lithium 30-59 warn; the milder bands inform);
- an eGFR older than policy.lab_recent_days is still compared (low kidney function rarely
  recovers: the safer reading) and named as old; at policy.older_adult_age or more, an old eGFR
  above every band says it is old;
- dialysis coded (Z99.2, SNOMED dependence on dialysis), or kidney failure coded (N18.6) with no
  eGFR of the last policy.lab_recent_days: read as the label's ESRD band (its lowest), named as
  the code and its date, never as an eGFR (renal_doses.reading);
- at policy.older_adult_age or more, no eGFR on record (or none whose value can be read, or lab
  results that could not all be obtained) for a drug with a renal row: information, never silence
  (kidney function falls with age and is the reason the labels' bands exist).

Several drafts of one drug are judged as one daily dose, on the first of them (order_doses).
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.record import DoseBasis, DraftOrder, Role
from services import cards, lab_safety, order_doses, renal_doses
from services.order_checks.model import OrderCheck
from services.order_doses import draft_dose
from services.recommendation import Indicator
from services.renal_doses import CRCL_NOTE, Egfr, Kidney, KidneyFailure, RenalRow
from services.rules.context import RuleContext

RENAL = "order-renal-dose"


def renal_check(
    ctx: RuleContext, draft: DraftOrder, selected: Sequence[DraftOrder]
) -> OrderCheck | None:
    if draft.role is Role.INTERACTING or draft.ingredient not in renal_doses.drugs():
        return None
    same = [d for d in selected if d.ingredient == draft.ingredient and d.role is draft.role]
    if same and same[0].id != draft.id:
        return None  # said once, on the first draft of the drug
    both = order_doses.together(same).get(draft.ingredient)
    judged = order_doses.as_one(draft, both) if both is not None else draft
    egfr = renal_doses.reading(ctx.record, ctx.policy)
    if egfr is None:
        return _no_egfr(ctx, judged)
    row = egfr.row(draft.ingredient)
    if row is None:
        if isinstance(egfr, KidneyFailure) or egfr.recent:
            return None
        return _old_above_bands(ctx, judged, egfr)
    found = _card(ctx, judged, row, egfr)
    if found is None or both is None:
        return found
    return OrderCheck(
        found.topic,
        draft,
        found.summary,
        cards.join_sections(both.note(), found.detail),
        found.indicator,
    )


def _older(ctx: RuleContext) -> int | None:
    """The patient's age when at or above policy.older_adult_age, else None."""
    age = ctx.record.patient.age
    return age if age is not None and age >= ctx.policy.older_adult_age else None


def _dose(draft: DraftOrder) -> str:
    """ " 60 mg/day" when the daily dose was read, else ""."""
    if draft.dose_basis is not DoseBasis.DAILY or draft.mg_per_day_upper is None:
        return ""
    return f" {draft_dose(draft)}"


def _card(ctx: RuleContext, draft: DraftOrder, row: RenalRow, egfr: Kidney) -> OrderCheck | None:
    name = draft.ingredient.capitalize()
    dose = _dose(draft)
    where = f"{name}{dose} {egfr.with_()}"
    indicator: Indicator | None = row.indicator
    if row.action == "avoid":
        # An eGFR is compared with the band's edge; a code is read as the band itself.
        edge = (
            f"below {cards.fmt_mg(row.egfr_below)} mL/min"
            if isinstance(egfr, Egfr)
            else f"in {row.band}"
        )
        summary = cards.fit_summary(
            f"{where}: {row.short} {edge} (label)",
            f"{name} {egfr.with_()}: {row.short} (label)",
        )
        advice = "Choose another drug, or record why it is needed despite the label."
    elif row.action == "max" and row.max_mg is not None:
        upper = draft.mg_per_day_upper if draft.dose_basis is DoseBasis.DAILY else None
        top = cards.fmt_mg(row.max_mg)
        if upper is None:
            indicator = Indicator.INFO
            summary = cards.fit_summary(
                f"{name} {egfr.with_()}: dose not read; labelled maximum {top} mg/day "
                f"in {row.band}",
                f"{name} {egfr.with_()}: dose not read; labelled maximum {top} mg/day",
            )
            advice = f"The dose of this order could not be read: check it is {top} mg/day or less."
        elif upper > row.max_mg:
            summary = cards.fit_summary(
                f"{where}: above the labelled {top} mg/day in {row.band}",
                f"{where}: above the labelled {top} mg/day",
                f"{name}{dose}: above the labelled renal maximum of {top} mg/day",
            )
            advice = f"Lower the daily dose to {top} mg/day or less, or record why."
        else:
            return None
    else:
        summary = cards.fit_summary(
            f"{where}: label says {row.short}",
            f"{name} {egfr.with_()}: label says {row.short}",
        )
        advice = f"Check that {dose.strip()} is the reduced dose." if row.action == "reduce" else ""
        if row.action == "reduce" and not dose:
            advice = "The dose of this order could not be read: check that it is the reduced dose."
    note = CRCL_NOTE if isinstance(egfr, Egfr) else ""
    detail = (
        f"{egfr.lead(ctx.policy, row, draft.ingredient)} {advice}{egfr.old(ctx.policy)}"
        f"{egfr.later()} {note}"
    )
    return OrderCheck(RENAL, draft, summary, " ".join(detail.split()), indicator=indicator)


def _no_egfr(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """No eGFR that can be compared, at policy.older_adult_age or more: say so (information)."""
    age = _older(ctx)
    if age is None or not renal_doses.limits_dose(draft.ingredient):
        return None
    name = draft.ingredient.capitalize()
    below = cards.fmt_mg(renal_doses.top_band(draft.ingredient))
    creatinine = lab_safety.latest(ctx.record, "creatinine")
    known = (
        f" The latest creatinine is {lab_safety.text(creatinine)}: estimate the creatinine "
        "clearance from it."
        if creatinine is not None
        else ""
    )
    unread = renal_doses.unread(ctx.record)
    if lab_safety.labs_missing(ctx.record) and unread is None:
        what, short = "eGFR not checked: lab results could not all be read", "eGFR not checked"
    elif unread is not None:
        ref = f" ({unread.source})" if unread.source is not None else ""
        what = f"the eGFR of {unread.date.isoformat()}{ref} has no value this service can compare"
        short = f"eGFR of {unread.date.isoformat()} not compared"
    else:
        what, short = "no eGFR on record", "no eGFR on record"
    return OrderCheck(
        RENAL,
        draft,
        cards.fit_summary(
            f"{name}{_dose(draft)} at {age}: {short}; its label limits it below {below} mL/min",
            f"{name} at {age}: {short}",
        ),
        f"At {age}, {what}. The {draft.ingredient} label limits it in renal impairment (below "
        f"{below} mL/min); check kidney function before dosing.{known}",
        indicator=Indicator.INFO,
    )


def _old_above_bands(ctx: RuleContext, draft: DraftOrder, egfr: Egfr) -> OrderCheck | None:
    """An eGFR above every band of the drug but older than the window, at policy.older_adult_age
    or more: named as old, never as current (information)."""
    age = _older(ctx)
    if age is None or not renal_doses.limits_dose(draft.ingredient):
        return None
    name = draft.ingredient.capitalize()
    below = cards.fmt_mg(renal_doses.top_band(draft.ingredient))
    return OrderCheck(
        RENAL,
        draft,
        cards.fit_summary(
            f"{name}{_dose(draft)} at {age}: last {egfr.short()}; its label limits it below "
            f"{below} mL/min",
            f"{name} at {age}: last {egfr.short()}",
        ),
        f"The latest {egfr.text(ctx.policy)} is above the bands where the {draft.ingredient} "
        f"label limits it (below {below} mL/min), but it is not current: at {age}, repeat it "
        f"before dosing.{egfr.later()}",
        indicator=Indicator.INFO,
    )
