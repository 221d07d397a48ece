"""The pharmacogenomic dose check of a drafted drug (review 13 W4): the latest CYP2C19 or CYP2D6
result on record (fhir_mapping/pgx.py) against the drug's limit for that phenotype
(data/pgx_doses.csv, services/pgx_doses.py).

- a poor metabolizer and a daily dose above the row's maximum: the row's indicator (a warning
  for the label limits: citalopram 40 mg/day where Celexa allows 20; information for
  escitalopram, whose limit is CPIC's and DPWG's, not the label's), naming the result, its date
  and resource, and the label line;
- a poor metabolizer and a dose that could not be read: information naming the maximum;
- a result on record that the lab did not interpret as a phenotype (a genotype alone) and a dose
  above the poor-metabolizer maximum, or not read: information. The phenotype is never guessed
  from the genotype: the card asks for the lab's interpretation;
- a dose within the limit, or another phenotype: no card.

One card per hook call for every drug it names, carried by the first (as the hepatic card).
No result for the gene because PGx data could not be read (the `pgx` key not sent nor fetched,
pages not read, an undated result): a line on a card the draft already gets, only for a draft
above the poor-metabolizer limit (where a result would change the conclusion), never a card of
its own and never on every card (data_gaps.py: a kind of data not provided raises no card).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from fhir_mapping import pgx
from fhir_mapping.gaps import describe
from fhir_mapping.record import DataDomain, DoseBasis, DraftOrder, PgxResult, Role
from services import cards, order_doses, pgx_doses
from services.card_format import record_cite
from services.order_checks.model import OrderCheck
from services.order_doses import draft_dose
from services.pgx_doses import PgxRow
from services.recommendation import INDICATOR_ORDER, Indicator
from services.rules.context import RuleContext

TOPIC = "order-pgx-dose"

# (the drug's first draft, row, result, indicator, detail line)
Finding = tuple[DraftOrder, PgxRow, PgxResult, Indicator, str]


def _upper(draft: DraftOrder) -> float | None:
    """The drafted daily dose (the upper end of a range), None when not read as a daily dose."""
    return draft.mg_per_day_upper if draft.dose_basis is DoseBasis.DAILY else None


def _judged_drafts(selected: Sequence[DraftOrder]) -> list[tuple[DraftOrder, DraftOrder]]:
    """(first draft, the drug's drafts judged as one daily dose) for each drafted drug with a
    row, in draft order."""
    found: list[tuple[DraftOrder, DraftOrder]] = []
    seen: set[str] = set()
    for draft in selected:
        if draft.role is Role.INTERACTING or draft.ingredient in seen:
            continue
        if not pgx_doses.rows_for(draft.ingredient):
            continue
        seen.add(draft.ingredient)
        same = [d for d in selected if d.ingredient == draft.ingredient and d.role is draft.role]
        both = order_doses.together(same).get(draft.ingredient)
        found.append((draft, order_doses.as_one(draft, both) if both is not None else draft))
    return found


def _judged_of(first: DraftOrder, selected: Sequence[DraftOrder]) -> DraftOrder:
    return next(j for f, j in _judged_drafts(selected) if f is first)


def _cited(result: PgxResult) -> str:
    """ "CYP2C19 poor metabolizer on record (2024-08-01)": a result is always dated, so named by
    its day, never its resource id (cards.record_cite, session 20)."""
    where = result.date.isoformat() + record_cite(result.source, True, ", {}")
    if result.phenotype is None:
        shown = f" {result.text}" if result.text else ""
        return f"{result.gene} result{shown} on record ({where}), not interpreted as a phenotype"
    return f"{result.gene} {result.phenotype} metabolizer on record ({where})"


def _judge(judged: DraftOrder, row: PgxRow, result: PgxResult) -> tuple[Indicator, str] | None:
    upper = _upper(judged)
    name = f"{judged.ingredient.capitalize()}"
    dose = f" {draft_dose(judged)}" if upper is not None else ""
    label = f"{row.cite}{row.flag}: {row.says}."
    if result.phenotype is None:
        if upper is not None and upper <= row.max_mg_day:
            return None
        return (
            Indicator.INFO,
            f"**{name}{dose}:** {_cited(result)}. In a {row.gene} {row.phenotype} metabolizer, "
            f"{label} Ask the lab (or a pharmacist) for the phenotype before going above "
            f"{row.top}.",
        )
    if result.phenotype != row.phenotype:
        return None
    if upper is None:
        return (
            Indicator.INFO,
            f"**{name}:** {_cited(result)}. {label} The dose of this order could not be read: "
            f"check it is {row.top} or less.",
        )
    if upper <= row.max_mg_day:
        return None
    return (
        row.indicator,
        f"**{name}{dose}:** {_cited(result)}. {label} Lower the daily dose to {row.top} or "
        f"less, choose a drug not mainly cleared by {row.gene}, or record why.",
    )


def pgx_card(ctx: RuleContext, selected: Sequence[DraftOrder]) -> OrderCheck | None:
    """The PGx card of the selected drafts, or None: one per hook call, carried by the first
    draft with a finding."""
    results = ctx.record.pgx_results
    if not results:
        return None
    found: list[Finding] = []
    for first, judged in _judged_drafts(selected):
        for row in pgx_doses.rows_for(judged.ingredient):
            result = pgx.latest(results, row.gene)
            if result is None:
                continue
            verdict = _judge(judged, row, result)
            if verdict is not None:
                found.append((first, row, result, *verdict))
    if not found:
        return None
    found.sort(key=lambda one: INDICATOR_ORDER[one[3]])
    first, row, result, _indicator, _line = found[0]
    names = cards.and_list(list(dict.fromkeys(f[0].ingredient for f in found)))
    head = f"{names[0].upper()}{names[1:]}"
    when = result.date.isoformat()
    if len(found) > 1:
        summary = cards.fit_summary(
            f"{head} above their limits for the "
            f"{' and '.join(sorted({f[2].gene for f in found}))} results on record: see each",
            f"{head}: pharmacogenomic dose limits, see each",
        )
    elif result.phenotype is None:
        summary = cards.fit_summary(
            f"{head} with a {row.gene} result ({when}) not interpreted as a phenotype: "
            f"{row.top} if a poor metabolizer ({row.cite})",
            f"{head}: {row.gene} result not interpreted; {row.top} if a poor metabolizer",
        )
    else:
        dose = _upper(_judged_of(first, selected))
        shown = f" {cards.fmt_mg(dose)} mg/day" if dose is not None else ""
        summary = cards.fit_summary(
            f"{head}{shown} with a {result.gene} {result.phenotype} metabolizer result ({when}): "
            f"{row.short} ({row.cite})",
            f"{head}{shown}, {result.gene} {result.phenotype} metabolizer: {row.short}",
            f"{head}: {result.gene} {result.phenotype} metabolizer, see the limit",
        )
    every_info = all(f[3] is Indicator.INFO for f in found)
    return OrderCheck(
        TOPIC,
        first,
        summary,
        cards.join_sections(*(f[4] for f in found)),
        indicator=Indicator.INFO if every_info else Indicator.WARNING,
        basis=tuple(dict.fromkeys(f[1].cite for f in found)),
    )


def carry_pgx_gap(
    ctx: RuleContext, selected: Sequence[DraftOrder], by_topic: dict[str, list[OrderCheck]]
) -> None:
    """Name the PGx data not read on a card the draft already gets, for each drafted drug above
    its poor-metabolizer limit (or with a dose not read) whose gene has no result on record
    while PGx data could not all be read. Nothing when the draft has no other card: a kind of
    data not provided raises no card of its own (services/data_gaps.py)."""
    gaps = ctx.record.gaps_in(DataDomain.PGX)
    if not gaps:
        return
    why = "; ".join(describe(gaps))
    for first, judged in _judged_drafts(selected):
        upper = _upper(judged)
        rows = [
            r
            for r in pgx_doses.rows_for(judged.ingredient)
            if pgx.latest(ctx.record.pgx_results, r.gene) is None
            and (upper is None or upper > r.max_mg_day)
        ]
        if not rows:
            continue
        carrier = next(
            (
                (topic, i)
                for topic, checks in by_topic.items()
                for i, check in enumerate(checks)
                if check.draft is first
            ),
            None,
        )
        if carrier is None:
            continue
        limits = "; ".join(
            f"{r.gene} {r.phenotype} metabolizer: {r.short} ({r.cite}{r.flag})" for r in rows
        )
        line = (
            f"**Pharmacogenomic result not read** ({why}): {judged.ingredient} has a limit by "
            f"genotype ({limits}); check the chart for a result."
        )
        topic, i = carrier
        check = by_topic[topic][i]
        by_topic[topic][i] = dataclasses.replace(
            check, detail=cards.join_sections(check.detail, line)
        )
