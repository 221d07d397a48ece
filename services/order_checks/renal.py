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
- dialysis coded (Z99.2, SNOMED dependence on dialysis) or a dialysis Procedure within
  policy.dialysis_procedure_recent_days (SNOMED 302497006, CPT 90935-90970), or kidney failure
  coded (N18.6) with no eGFR of the last policy.lab_recent_days: read as the label's ESRD band
  (its lowest), named as the code or session and its date, never as an eGFR
  (renal_doses.reading);
- CKD stage 4 or 3 coded with no eGFR on record: the stage's eGFR range (KDIGO) against the
  label's bands, "CKD stage 4 coded (eGFR 15-29 by definition, KDIGO)", asking for a measured eGFR
  before dosing; a band covering part of the range is said as "may be 30-50"; a stage meeting no
  band of the drug falls back to the no-eGFR line below (renal_doses.CkdStage);
- at policy.older_adult_age or more, no eGFR on record (or none whose value can be read, or lab
  results that could not all be obtained) for a drug with a renal row: information, never silence
  (kidney function falls with age and is the reason the labels' bands exist), naming every band
  of the table for the drug (`label_bands`: lithium "not recommended below 30, caution below 90",
  never the edge of the bands that make a card; review 14 k04).

Several drafts of one drug are judged as one daily dose, on the first of them (order_doses).
Several drugs drafted together make ONE card whose summary names every one of them with what its
label says (review 11 recheck finding 2: lithium at eGFR 25 was hidden in the second paragraph of
a card titled for duloxetine), the most severe first; the detail gives each drug its paragraph.

The mild bands (eGFR 60-89: venlafaxine, bupropion, lithium) make no order card (the table's
`at_order`, review 11 recheck finding 7): most adults over 50 are there, so the card would come
with nearly every order of those drugs; the rows stay in the table for reference.

No eGFR but a creatinine on record (review 11 recheck finding 9): the summary names the creatinine
value and date and asks to estimate the creatinine clearance (the labels' bands are clearance);
information, since no clearance is computed here (weight is not read).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fhir_mapping.record import DoseBasis, DraftOrder, Role
from services import card_evidence, cards, lab_safety, order_doses, renal_doses
from services.order_checks.model import OrderCheck
from services.order_doses import draft_dose
from services.recommendation import INDICATOR_ORDER, Indicator
from services.renal_doses import CRCL_NOTE, CkdStage, Egfr, Kidney, KidneyFailure, RenalRow
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


def renal_card(ctx: RuleContext, selected: Sequence[DraftOrder]) -> OrderCheck | None:
    """The renal card of the selected drafts, or None: one per hook call (review 11 wave 4: it
    was worked out again for every draft, each time judging them all). One card naming every
    drug beyond its band, never one per topic whose summary names the first drug only; carried
    by the first draft (in the order's order) with a finding, so that the hook files it where it
    did when it ran per draft."""
    said = _each(ctx, selected)
    if not said:
        return None
    if len(said) == 1:
        return said[0].check
    first = min(said, key=lambda one: selected.index(one.first)).first
    return _together(first, said)


def _each(ctx: RuleContext, selected: Sequence[DraftOrder]) -> list[_Said]:
    """Each drafted drug's finding, the most severe first (a stable sort: else the drafts' order)."""
    kidney = renal_doses.reading(ctx.record, ctx.policy)
    found: list[_Said] = []
    seen: set[tuple[str, Role]] = set()
    for draft in selected:
        if draft.role is Role.INTERACTING or draft.ingredient not in renal_doses.drugs():
            continue
        if (draft.ingredient, draft.role) in seen:
            continue  # said once, on the first draft of the drug
        seen.add((draft.ingredient, draft.role))
        same = [d for d in selected if d.ingredient == draft.ingredient and d.role is draft.role]
        both = order_doses.together(same).get(draft.ingredient)
        judged = order_doses.as_one(draft, both) if both is not None else draft
        one = _judge(ctx, judged, kidney)
        if one is None:
            continue
        check = one.check
        if both is not None:
            check = OrderCheck(
                check.topic,
                draft,
                check.summary,
                cards.join_sections(both.note(), check.detail),
                check.indicator,
                evidence=check.evidence,
            )
        found.append(_Said(draft, check, one.where, one.verdict, one.dose))
    return sorted(found, key=_Said.rank)


def _judge(ctx: RuleContext, draft: DraftOrder, kidney: Kidney | None) -> _Said | None:
    if kidney is None:
        return _no_egfr(ctx, draft)
    row = kidney.row(draft.ingredient)
    if row is not None and not row.at_order:
        row = None  # a mild band: no order card (see the module doc)
    if row is None:
        if isinstance(kidney, CkdStage):
            return _no_egfr(ctx, draft)  # the stage meets no band of this drug: no eGFR, as before
        if isinstance(kidney, KidneyFailure) or kidney.recent:
            return None
        return _old_above_bands(ctx, draft, kidney)
    return _card(ctx, draft, row, kidney)


def _together(draft: DraftOrder, said: list[_Said]) -> OrderCheck:
    """One card for several drugs: the summary names each with its verdict; each drug's detail is
    its own paragraph (the clearance note once, at the end)."""
    names = [f"{one.first.ingredient}" for one in said]
    listed = cards.and_list(names)
    head = f"{listed[0].upper()}{listed[1:]}"
    wheres = {one.where for one in said}
    where = f" {said[0].where}" if len(wheres) == 1 else ""
    dosed = "; ".join(f"{one.first.ingredient}{one.dose} {one.verdict}" for one in said)
    plain = "; ".join(f"{one.first.ingredient} {one.verdict}" for one in said)

    # Too long with every verdict: the warnings keep theirs, an information one is named only.
    def warned(with_dose: bool) -> str:
        return "; ".join(
            f"{one.first.ingredient}{one.dose if with_dose else ''} {one.verdict}"
            if one.check.indicator is not Indicator.INFO
            else f"{one.first.ingredient} (see detail)"
            for one in said
        )

    summary = cards.fit_summary(
        f"{head}{where}: {dosed} (labels)",
        f"{head}{where}: {plain} (labels)",
        f"{head}{where}: {warned(True)} (labels)",
        f"{head}{where}: {warned(False)} (labels)",
        f"{head}: {plain} (labels)",
        f"{head}{where}: renal limits in their labels, see each",
        f"{head}: renal limits in their labels, see each",
    )
    parts: list[str] = []
    note = False
    for one in said:
        text = one.check.detail
        if CRCL_NOTE in text:
            note = True
            text = " ".join(text.replace(CRCL_NOTE, "").split())
        parts.append(f"**{one.first.ingredient.capitalize()}{one.dose}:** {text}")
    if note:
        parts.append(CRCL_NOTE)
    every_info = all(one.check.indicator is Indicator.INFO for one in said)
    return OrderCheck(
        RENAL,
        draft,
        summary,
        cards.join_sections(*parts),
        indicator=Indicator.INFO if every_info else Indicator.WARNING,
    )


def _older(ctx: RuleContext) -> int | None:
    """The patient's age when at or above policy.older_adult_age, else None."""
    age = ctx.record.patient.age
    return age if age is not None and age >= ctx.policy.older_adult_age else None


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
    # The stage's range is an eGFR range too, compared with the labels' clearance bands.
    note = CRCL_NOTE if isinstance(egfr, Egfr | CkdStage) else ""
    detail = (
        f"{egfr.lead(ctx.policy, row, draft.ingredient)} {advice}{egfr.old(ctx.policy)}"
        f"{egfr.later()} {note}"
    )
    check = OrderCheck(RENAL, draft, summary, " ".join(detail.split()), indicator=indicator)
    return _Said(draft, check, egfr.with_(), verdict, dose)


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
        (r for r in renal_doses.rows() if r.ingredient == ingredient), key=lambda r: r.egfr_from
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
        f"The {ingredient} label ({cites}) in renal impairment: {spans}.",
    )


def _no_egfr(ctx: RuleContext, draft: DraftOrder) -> _Said | None:
    """No eGFR that can be compared, at policy.older_adult_age or more: say so (information).
    A creatinine on record is named in the summary with its date, with "estimate CrCl": the
    labels' bands are creatinine clearance, which needs the weight this service does not read, so
    nothing is computed here (information, never a band the record does not show)."""
    age = _older(ctx)
    if age is None or not renal_doses.limits_dose(draft.ingredient):
        return None
    name = draft.ingredient.capitalize()
    dose = _dose(draft)
    bands, spans = label_bands(draft.ingredient)
    creatinine = lab_safety.latest(ctx.record, "creatinine")
    known = (
        f" The latest creatinine is {lab_safety.text(creatinine)}: estimate the creatinine "
        "clearance from it (Cockcroft-Gault, with the patient's weight)."
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
    elif creatinine is None:
        # Neither is on record: said as the lithium level card says it, and shared with it, so
        # the screen says it once, here (review 14 audit, k04; services/screen.py).
        what, short = "no creatinine or eGFR on record", "no eGFR on record"
    else:
        what, short = "no eGFR on record", "no eGFR on record"
    if creatinine is not None:
        short = f"{short}; creatinine {lab_safety.text(creatinine)}: estimate CrCl"
    check = OrderCheck(
        RENAL,
        draft,
        cards.fit_summary(
            f"{name}{dose} at {age}: {short}; {bands}",
            f"{name} at {age}: {short}; {bands}",
            f"{name} at {age}: {short}",
        ),
        f"At {age}, {what}. {spans} Check kidney function before dosing.{known}",
        indicator=Indicator.INFO,
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
    if age is None or not renal_doses.limits_dose(draft.ingredient):
        return None
    name = draft.ingredient.capitalize()
    dose = _dose(draft)
    below = cards.fmt_mg(renal_doses.top_band(draft.ingredient))
    bands, spans = label_bands(draft.ingredient)
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
