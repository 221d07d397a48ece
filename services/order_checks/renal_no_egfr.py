"""The renal order check (renal.py) with no current eGFR to compare, at policy.older_adult_age or
more: none on record, none whose value can be read, lab results that could not all be obtained,
or a CKD stage meeting no band of the drug (`_no_egfr`: information, never silence, naming a
creatinine on record with "estimate CrCl"); or an eGFR above every band but older than the
window (`_old_above_bands`: named as old). Both name every band of the label as
data/renal_doses.csv reads it (`label_bands`; review 14 k04).

Apart from renal_band.py because no band is compared here: the card says what is missing and
what the label says at every band.
"""

from __future__ import annotations

from fhir_mapping.record import DraftOrder
from services import card_evidence, cards, lab_safety, renal_doses, renal_table
from services.order_checks.model import OrderCheck
from services.order_checks.renal_band import RENAL, _dose, _Said, _upper
from services.recommendation import Indicator
from services.renal_doses import Egfr, RenalRow
from services.rules.context import RuleContext


def _older(ctx: RuleContext) -> int | None:
    """The patient's age when at or above policy.older_adult_age, else None."""
    age = ctx.record.patient.age
    return age if age is not None and age >= ctx.policy.older_adult_age else None


def within_every_band(draft: DraftOrder) -> bool:
    """Whether the drafted daily dose is within every band of its label: each band a labelled
    maximum ("max") and the dose at or below the lowest (paroxetine 20 mg/day: at most 40 mg/day
    below 30 mL/min). No kidney function could place it beyond a band then, so the card would ask
    for a measurement that changes nothing (review s24 RN finding 12, "asks for nothing"), as the
    banded check says nothing of a dose within a band's maximum (renal_band._card). A band the
    label says to avoid, reduce in or use with caution always leaves the card."""
    upper = _upper(draft)
    key = renal_table.key_for(draft.ingredient, draft.formulation)
    bands = [r for r in renal_doses.rows() if r.key == key]
    if upper is None or not bands:
        return False
    if any(r.action != "max" or r.max_mg is None for r in bands):
        return False
    return upper <= min(r.max_mg for r in bands if r.max_mg is not None)


def _band_words(row: RenalRow) -> str:
    """A band's action in the few words a summary says: the row's own for "avoid" ("not
    recommended"), its maximum for "max"."""
    if row.action == "avoid":
        return row.short
    if row.action == "max" and row.max_mg is not None:
        return f"at most {cards.fmt_mg(row.max_mg)} mg/day"
    return "reduce the dose" if row.action == "reduce" else "caution"


def _band_range(egfr_from: float, egfr_below: float) -> str:
    """ "below 30", "30-59" (the table's bands: from inclusive, below exclusive)."""
    if egfr_from <= 0:
        return f"below {cards.fmt_mg(egfr_below)}"
    return f"{cards.fmt_mg(egfr_from)}-{cards.fmt_mg(egfr_below - 1)}"


def label_bands(ingredient: str) -> tuple[str, str]:
    """What data/renal_doses.csv says of the drug's label, every band of it (the mild ones too),
    as (summary words, detail sentence): "label: not recommended below 30, caution below 90
    mL/min" and "The lithium label (lithium label 2 and 8.6) in renal impairment: below 30
    mL/min, not recommended; 30-89 mL/min, start lower, titrate slowly, check levels often."

    The table is the one source: the no-eGFR card said lithium's label "limits it below 60"
    (review 14 k04), the edge of the bands that make an order card, while the table reads the
    label as caution from 90 and not recommended below 30. The summary names the lowest band
    and the highest (where the label starts to say anything), once when their words agree."""
    bands = sorted(
        (r for r in renal_doses.rows() if r.key == ingredient), key=lambda r: r.egfr_from
    )
    if not bands:
        return "", ""
    lowest, top = bands[0], bands[-1]
    parts = [f"{_band_words(lowest)} {lowest.upper_words()}"]
    if _band_words(top) != _band_words(lowest):
        parts.append(f"{_band_words(top)} {top.upper_words()}")
    elif top is not lowest:
        parts = [f"{_band_words(top)} {top.upper_words()}"]
    # Adjacent bands with the same words are said once ("30-89 mL/min").
    merged: list[tuple[float, float, str]] = []
    for row in bands:
        if merged and merged[-1][2] == row.short and merged[-1][1] == row.egfr_from:
            merged[-1] = (merged[-1][0], row.egfr_below, row.short)
        else:
            merged.append((row.egfr_from, row.egfr_below, row.short))
    spans = "; ".join(f"{_band_range(a, b)} mL/min, {short}" for a, b, short in merged)
    cites = "; ".join(dict.fromkeys(r.cite for r in bands))
    return (
        f"label: {', '.join(parts)} mL/min",
        f"The {renal_table.drug_words(ingredient)} label ({cites}) in renal impairment: {spans}.",
    )


def _no_egfr(ctx: RuleContext, draft: DraftOrder) -> _Said | None:
    """No eGFR that can be compared, at policy.older_adult_age or more: say so (information).
    A creatinine on record is named in the summary with its date, with "estimate CrCl": the
    labels' bands are creatinine clearance, which needs the weight this service does not read, so
    nothing is computed here (information, never a band the record does not show).

    A creatinine the lab itself flags high (its interpretation H/HH, or above the result's own
    reference range: fhir_mapping/labs.py) makes the card a warning (review s21 RD finding 6:
    240 umol/L at 66 on a lithium order, about 2.7 mg/dL, read as "estimate CrCl" [info]).
    data/lab_ranges.csv has no creatinine interval of its own (ranges differ by sex, age and
    assay, so it is never compared there): the lab's flag is the only threshold, and no CrCl
    band is inferred from it; the card still asks for the estimate."""
    age = _older(ctx)
    key = renal_table.key_for(draft.ingredient, draft.formulation)  # paroxetine CR: its rows
    if age is None or not renal_doses.limits_dose(key) or within_every_band(draft):
        return None
    words = renal_table.drug_words(key)
    name = words[:1].upper() + words[1:]  # "Paroxetine CR"
    dose = _dose(draft)
    bands, spans = label_bands(key)
    creatinine = lab_safety.latest(ctx.record, "creatinine")
    known = (
        f" The latest creatinine is {lab_safety.text(creatinine)}"
        f"{', above the range the lab reports' if creatinine.flag == 'high' else ''}: estimate "
        "the creatinine clearance from it (Cockcroft-Gault, with the patient's weight)."
        if creatinine is not None
        else ""
    )
    unread = renal_doses.unread(ctx.record)
    if lab_safety.labs_missing(ctx.record) and unread is None:
        what = f"eGFR not checked: {lab_safety.labs_unread_words(ctx.record)}"
        short = "eGFR not checked"
    elif unread is not None:
        # Named by its day, never its resource id (a lab result is always dated: session 21).
        what = f"the eGFR of {unread.date.isoformat()} has no value this service can compare"
        short = f"eGFR of {unread.date.isoformat()} not compared"
    elif creatinine is None:
        # Neither is on record: said as the lithium level card says it, and shared with it, so
        # the screen says it once, here (review 14 audit, k04; services/screen.py).
        what, short = "no creatinine or eGFR on record", "no eGFR on record"
    else:
        what, short = "no eGFR on record", "no eGFR on record"
    high = creatinine is not None and creatinine.flag == "high"
    flagged = " (above the lab's range)" if high else ""
    if creatinine is not None:
        short = f"{short}; creatinine {lab_safety.text(creatinine)}{flagged}: estimate CrCl"
    check = OrderCheck(
        RENAL,
        draft,
        cards.fit_summary(
            f"{name}{dose} at {age}: {short}; {bands}",
            f"{name} at {age}: {short}; {bands}",
            f"{name} at {age}: {short}",
        ),
        f"At {age}, {what}. {spans} Check kidney function before dosing.{known}",
        indicator=Indicator.WARNING if high else Indicator.INFO,
        evidence=(
            (
                card_evidence.no_kidney_labs_evidence(
                    f"At {age}, {what}.", pointer=card_evidence.KIDNEY_POINTER
                ),
            )
            if what == "no creatinine or eGFR on record"
            else ()
        ),
    )
    return _Said(draft, check, f"at {age}: {short}", bands, dose)


def _old_above_bands(ctx: RuleContext, draft: DraftOrder, egfr: Egfr) -> _Said | None:
    """An eGFR above every band of the drug but older than the window, at policy.older_adult_age
    or more: named as old, never as current (information)."""
    age = _older(ctx)
    key = renal_table.key_for(draft.ingredient, draft.formulation)  # paroxetine CR: its rows
    if age is None or not renal_doses.limits_dose(key) or within_every_band(draft):
        return None
    words = renal_table.drug_words(key)
    name = words[:1].upper() + words[1:]  # "Paroxetine CR"
    dose = _dose(draft)
    below = cards.fmt_mg(renal_doses.top_band(key))
    bands, spans = label_bands(key)
    check = OrderCheck(
        RENAL,
        draft,
        cards.fit_summary(
            f"{name}{dose} at {age}: last {egfr.short()}; {bands}",
            f"{name} at {age}: last {egfr.short()}; {bands}",
            f"{name} at {age}: last {egfr.short()}",
        ),
        # "At or above {below}": the bands that make an order card (a mild band, lithium's
        # 60-89, does not: review 11 recheck finding 7); the table's every band is named.
        f"The latest {egfr.text(ctx.policy)} is at or above {below} mL/min, but it is not "
        f"current: at {age}, repeat it before dosing. {spans}{egfr.later()}",
        indicator=Indicator.INFO,
    )
    return _Said(draft, check, egfr.with_(), f"{bands}; repeat the eGFR", dose)
