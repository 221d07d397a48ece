"""One drafted drug against the band its label sets for the patient's kidney function (the renal
order check, renal.py): avoid or not recommended, a daily dose above the band's maximum (or one
that could not be read), reduce or caution; an eGFR reported as a bound, or a CKD stage whose
range a band covers only in part, said as "may be" (`_card`). Also the finding each drug's
judgement yields (`_Said`), which renal.py gathers into one card.

Apart from renal.py because it judges one drug against one band, never several drafts; apart from
renal_no_egfr.py, which speaks when there is no current eGFR to compare.
"""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping.record import DoseBasis, DraftOrder
from services import cards
from services.order_checks.model import OrderCheck
from services.order_doses import draft_dose
from services.recommendation import INDICATOR_ORDER, Indicator
from services.renal_doses import CkdStage, Egfr, Kidney, RenalRow, crcl_note
from services.rules.context import RuleContext

RENAL = "order-renal-dose"


@dataclass(frozen=True, slots=True)
class _Said:
    """One drug's renal finding: its card as if alone, and its words for a card naming several."""

    first: DraftOrder  # the drug's first draft (the card is said on the first such draft)
    check: OrderCheck
    where: str  # what the verdict rests on: "with eGFR 25 on 2025-05-20", "at 82: no eGFR ..."
    verdict: str  # "avoid", "above the labelled 25 mg/day"
    dose: str  # " 60 mg/day" or ""

    def rank(self) -> int:
        return INDICATOR_ORDER[self.check.indicator or Indicator.WARNING]


def _upper(draft: DraftOrder) -> float | None:
    """The drafted daily dose (the upper end of a range), None when not read as a daily dose."""
    return draft.mg_per_day_upper if draft.dose_basis is DoseBasis.DAILY else None


def _dose(draft: DraftOrder) -> str:
    """ " 60 mg/day" when the daily dose was read, else ""."""
    if draft.dose_basis is not DoseBasis.DAILY or draft.mg_per_day_upper is None:
        return ""
    return f" {draft_dose(draft)}"


def _card(ctx: RuleContext, draft: DraftOrder, row: RenalRow, egfr: Kidney) -> _Said | None:
    name = draft.ingredient.capitalize()
    dose = _dose(draft)
    where = f"{name}{dose} {egfr.with_()}"
    indicator: Indicator | None = row.indicator
    # An eGFR reported as "< 60" is placed in the worst band it could be in (Egfr.row): the
    # summary says it "may be below 30" there, never that it is (review 11 recheck 2 finding 2).
    # A CKD stage whose range the band covers only in part ("may be 30-50") is said the same way.
    bound = egfr.may_be(row) if isinstance(egfr, Egfr | CkdStage) else None
    if bound is not None:
        top = cards.fmt_mg(row.max_mg) if row.max_mg is not None else None
        said = f"at most {top} mg/day" if row.action == "max" and top else row.short
        if row.action == "max" and row.max_mg is not None:
            upper = _upper(draft)
            if upper is not None and upper <= row.max_mg:
                return None  # within the worst band's maximum: within every band's
        summary = cards.fit_summary(
            f"{where}: may be {bound}, where the label says {said}: get a measured value",
            f"{where}: may be {bound} (label: {said}): get a measured value",
            f"{name} {egfr.with_()}: may be {bound} (label: {said})",
        )
        verdict = f"{said} if {bound}"
        if row.action == "avoid":
            advice = "Choose another drug, or record why it is needed despite the label."
        elif row.action == "max":
            advice = f"Keep to {top} mg/day or less until a measured eGFR places the band."
        else:
            advice = "Check whether the dose should be reduced once the band is known."
    elif row.action == "avoid":
        # An eGFR is compared with the band's edge; a code is read as the band itself.
        edge = f"{row.upper_words()} mL/min" if isinstance(egfr, Egfr) else f"in {row.band}"
        summary = cards.fit_summary(
            f"{where}: {row.short} {edge} (label)",
            f"{name} {egfr.with_()}: {row.short} (label)",
        )
        verdict = row.short
        advice = "Choose another drug, or record why it is needed despite the label."
    elif row.max_mg is not None and (upper := _upper(draft)) is not None and upper > row.max_mg:
        # Above the band's labelled maximum: a "max" row, or a "reduce" row with a ceiling
        # (milnacipran below 30: 50 mg/day maintenance, up to 100 by response).
        top = cards.fmt_mg(row.max_mg)
        summary = cards.fit_summary(
            f"{where}: above the labelled {top} mg/day in {row.band}",
            f"{where}: above the labelled {top} mg/day",
            f"{name}{dose}: above the labelled renal maximum of {top} mg/day",
        )
        verdict = f"above the labelled {top} mg/day"
        advice = f"Lower the daily dose to {top} mg/day or less, or record why."
    elif row.action == "max" and row.max_mg is not None:
        if _upper(draft) is not None:
            return None  # within the band's maximum
        top = cards.fmt_mg(row.max_mg)
        indicator = Indicator.INFO
        summary = cards.fit_summary(
            f"{name} {egfr.with_()}: dose not read; labelled maximum {top} mg/day in {row.band}",
            f"{name} {egfr.with_()}: dose not read; labelled maximum {top} mg/day",
        )
        verdict = f"dose not read (at most {top} mg/day)"
        advice = f"The dose of this order could not be read: check it is {top} mg/day or less."
    else:
        summary = cards.fit_summary(
            f"{where}: label says {row.short}",
            f"{name} {egfr.with_()}: label says {row.short}",
        )
        verdict = row.short
        advice = f"Check that {dose.strip()} is the reduced dose." if row.action == "reduce" else ""
        if row.action == "reduce" and not dose:
            advice = "The dose of this order could not be read: check that it is the reduced dose."
    # The stage's range is an eGFR range too, compared with the labels' clearance bands; a
    # creatinine clearance read (renal50) is the labels' own measure: no note.
    note = crcl_note(egfr)
    detail = (
        f"{egfr.lead(ctx.policy, row, draft.ingredient)} {advice}{egfr.old(ctx.policy)}"
        f"{egfr.later()} {note}"
    )
    check = OrderCheck(RENAL, draft, summary, " ".join(detail.split()), indicator=indicator)
    return _Said(draft, check, egfr.with_(), verdict, dose)
