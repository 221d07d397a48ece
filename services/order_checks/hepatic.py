"""The hepatic check of a drafted drug (review 12 findings 4 and 9): a chronic liver disease or
cirrhosis coded on record against the drug's labelled hepatic limit (data/hepatic_doses.csv,
services/hepatic_doses.py).

- a daily dose above the label's hepatic maximum: a warning naming both (citalopram 40 mg/day
  where the label allows 20; bupropion 300 where it allows 150 mg every other day if the
  impairment is moderate to severe); a dose that could not be read: information naming the
  maximum; a dose within it: no card;
- a label that calls the drug not recommended (vortioxetine, if severe): a warning;
- a label that asks to reduce the dose (venlafaxine by 50 %, sertraline lower or less often), or
  for care (mirtazapine): the row's own indicator, asking whether the dose is the reduced one.

The Child-Pugh class is rarely coded: the code is read as hepatic impairment of unknown severity
(services/hepatic_doses.py), named with its code and date, and the card asks for the severity to
be assessed; it never names a class the record does not show. No liver code: no card (noise).
Liver disease that is not read as impairment (chronic hepatitis B, NASH, a cirrhosis recorded
resolved or before a liver transplant: hepatic_doses.Unread) makes at most one information card
for drafts the limit would reach, saying the limit applies if there is impairment (recheck 12
findings 3 and 4).
Duloxetine and nefazodone with liver disease are the contraindication card's
(data/drug_cautions.csv). Several drafts of one drug are judged as one daily dose; several drugs
make ONE card naming each.
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.record import DoseBasis, DraftOrder, Role
from services import cards, hepatic_doses, order_doses
from services.hepatic_doses import ASSESS_NOTE, HepaticRow, Liver, Unread
from services.order_checks.model import OrderCheck
from services.order_doses import draft_dose
from services.recommendation import INDICATOR_ORDER, Indicator
from services.rules.context import RuleContext

HEPATIC = "order-hepatic-dose"


def _upper(draft: DraftOrder) -> float | None:
    """The drafted daily dose (the upper end of a range), None when not read as a daily dose."""
    return draft.mg_per_day_upper if draft.dose_basis is DoseBasis.DAILY else None


def _judge(draft: DraftOrder, row: HepaticRow) -> tuple[Indicator, str, str] | None:
    """(indicator, verdict, advice) for one drug, or None when its dose is within the label."""
    upper = _upper(draft)
    dose = f"{draft_dose(draft)}" if upper is not None else ""
    if row.action == "avoid":
        return (
            row.indicator,
            row.short,
            "Choose another drug unless the impairment is known to be milder, or record why.",
        )
    if row.action == "max" and row.max_mg is not None:
        top = cards.fmt_mg(row.max_mg)
        if upper is None:
            return (
                Indicator.INFO,
                f"dose not read (label: {row.short})",
                f"The dose of this order could not be read: check it is {top} mg/day or less.",
            )
        if upper <= row.max_mg:
            return None
        return (
            row.indicator,
            f"above the labelled {top} mg/day",
            f"Lower the daily dose to {top} mg/day or less, or record why.",
        )
    advice = (
        f"Check that {dose} is the reduced dose."
        if dose
        else "The dose of this order could not be read: check that it is the reduced dose."
    )
    if row.action == "caution":
        advice = "Dose with care; start low."
    return (row.indicator, f"label: {row.short}", advice)


def hepatic_card(ctx: RuleContext, selected: Sequence[DraftOrder]) -> OrderCheck | None:
    """The hepatic card of the selected drafts, or None: one per hook call, carried by the first
    draft with a finding."""
    liver = hepatic_doses.reading(ctx.record)
    if liver is None:
        unread = hepatic_doses.unread(ctx.record)
        return None if unread is None else _unread_card(unread, _judged(selected))
    found = _judged(selected)
    if not found:
        return None
    found.sort(key=lambda one: INDICATOR_ORDER[one[2]])
    return _card(liver, found)


Judged = tuple[DraftOrder, HepaticRow, Indicator, str, str, str]


def _judged(selected: Sequence[DraftOrder]) -> list[Judged]:
    """Each drafted drug whose dose the label's hepatic limit reaches: (draft, row, indicator,
    verdict, advice, " 40 mg/day" or "")."""
    found: list[Judged] = []
    seen: set[str] = set()
    for draft in selected:
        if draft.role is Role.INTERACTING or draft.ingredient in seen:
            continue
        row = hepatic_doses.row_for(draft.ingredient)
        if row is None or not row.at_order:
            continue
        seen.add(draft.ingredient)
        same = [d for d in selected if d.ingredient == draft.ingredient and d.role is draft.role]
        both = order_doses.together(same).get(draft.ingredient)
        judged = order_doses.as_one(draft, both) if both is not None else draft
        verdict = _judge(judged, row)
        if verdict is None:
            continue
        indicator, said, advice = verdict
        dose = f" {draft_dose(judged)}" if _upper(judged) is not None else ""
        found.append((draft, row, indicator, said, advice, dose))
    return found


def _unread_card(unread: Unread, found: list[Judged]) -> OrderCheck | None:
    """Information, once per hook call, for drafts the limit would reach when the liver disease
    on record is not read as impairment (chronic hepatitis B, NASH, a cirrhosis before a liver
    transplant: hepatic_doses.Unread): whether the label's limit applies is the liver
    function's, which the record does not show. None when no drafted dose is reached."""
    if not found:
        return None
    names = cards.and_list([d.ingredient for d, *_ in found])
    head = f"{names[0].upper()}{names[1:]} with {unread.named()} on record"
    summary = cards.fit_summary(
        f"{head}: the label's hepatic limit applies if there is hepatic impairment (assess)",
        f"{head}: hepatic limit applies if impaired (assess)",
        f"{names[0].upper()}{names[1:]}: hepatic limit in its label applies if impaired",
    )
    parts = [unread.why()]
    parts += [
        f"**{d.ingredient.capitalize()}{dose}:** {unread.line(row)}" for d, row, *_m, dose in found
    ]
    parts.append(
        "Assess the liver function (bilirubin, albumin, INR, ascites, encephalopathy: Child-Pugh) "
        "if the dose matters."
    )
    return OrderCheck(
        HEPATIC, found[0][0], summary, cards.join_sections(*parts), indicator=Indicator.INFO
    )


def _card(liver: Liver, found: list[Judged]) -> OrderCheck:
    first = found[0][0]
    if len(found) == 1:
        draft, row, indicator, said, _advice, dose = found[0]
        name = draft.ingredient.capitalize()
        summary = cards.fit_summary(
            f"{name}{dose} {liver.with_()}: {said} {hepatic_doses.if_severity(row)} (label)",
            f"{name}{dose} {liver.with_()}: {said} (label)",
            f"{name}{dose} with liver disease coded: {said}",
            f"{name} with liver disease coded: hepatic limit in its label",
        )
    else:
        names = cards.and_list([d.ingredient for d, *_ in found])
        head = f"{names[0].upper()}{names[1:]}"
        plain = "; ".join(f"{d.ingredient}{dose} {said}" for d, _r, _i, said, _a, dose in found)
        summary = cards.fit_summary(
            f"{head} {liver.with_()}: {plain} (labels)",
            f"{head} {liver.with_()}: hepatic limits in their labels, see each",
            f"{head}: hepatic limits in their labels, see each",
        )
    parts = [
        f"**{d.ingredient.capitalize()}{dose}:** {liver.lead(row)} {advice}"
        for d, row, _i, _s, advice, dose in found
    ]
    parts.append(ASSESS_NOTE)
    every_info = all(indicator is Indicator.INFO for _d, _r, indicator, *_ in found)
    return OrderCheck(
        HEPATIC,
        first,
        summary,
        cards.join_sections(*parts),
        indicator=Indicator.INFO if every_info else Indicator.WARNING,
    )
