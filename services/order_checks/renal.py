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

This module makes the one card of a hook call (`renal_card`: each drafted drug judged, then
gathered). A drug against its labelled band on an eGFR, a code or a stage (`_card`) is
renal_band.py; no eGFR that can be compared at an older age, or an old one above every band
(`_no_egfr`, `_old_above_bands`), with every band of the label named (`label_bands`), is
renal_no_egfr.py. `label_bands` stays importable from here.
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.record import DraftOrder, Role
from services import cards, order_doses, renal_doses, renal_table
from services.order_checks.model import OrderCheck
from services.order_checks.renal_band import RENAL, _card, _Said
from services.order_checks.renal_no_egfr import _no_egfr, _old_above_bands, label_bands
from services.recommendation import Indicator
from services.renal_doses import CRCL_NOTE, CkdStage, Kidney, KidneyFailure
from services.rules.context import RuleContext

# The names other modules and tests use, kept importable from here (renal_no_egfr.py's among
# them).
__all__ = ["label_bands", "renal_card"]


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
    # The release form's own rows when the table has them (paroxetine CR: rk3 finding 11).
    row = kidney.row(renal_table.key_for(draft.ingredient, draft.formulation))
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
