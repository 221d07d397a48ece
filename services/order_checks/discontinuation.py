"""Discontinuation symptoms: a short half-life SSRI or SNRI stopped abruptly just before the draft
(review 14 M4: venlafaxine XR 225 mg/day ended the day bupropion was drafted, and no card said
that bupropion does not cover venlafaxine's discontinuation symptoms).

data/discontinuation_symptoms.csv names the drugs (paroxetine, venlafaxine, desvenlafaxine,
duloxetine: the labels recommend a gradual reduction rather than abrupt cessation), how recently
the stop must lie to matter (`within_days`), and the classes whose drafted drug carries on the
reuptake inhibition and so covers a direct switch (`covered_by_classes`: SSRI, SNRI). A course
counts when it ended within that window, or ends on the day of the draft (Trial.stops_on, or a
draft of the order that halts it: draft_tapers.stops_running), with no dose step down on record
before its end (no taper). Its line goes on the order-drug-caution card:
a label caution for this order, not a contraindication.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.record import DraftOrder, Role, Trial
from services import cards, draft_tapers
from services.order_checks.model import CAUTION, OrderCheck
from services.pathway_options import unverified_mark
from services.rules.context import RuleContext


@dataclass(frozen=True, slots=True)
class DiscontinuationRow:
    ingredient: str
    within_days: int
    covered_by: frozenset[str]  # drug classes, lower case
    symptoms: str
    advice: str
    cite: str
    status: str


@cache
def rows() -> dict[str, DiscontinuationRow]:
    text = resources.files("services").joinpath("data/discontinuation_symptoms.csv")
    found = {}
    for row in csv.DictReader(text.read_text("utf-8").splitlines()):
        name = row["ingredient"].strip().lower()
        found[name] = DiscontinuationRow(
            ingredient=name,
            within_days=int(row["within_days"]),
            covered_by=frozenset(
                c.strip().lower() for c in row["covered_by_classes"].split(";") if c.strip()
            ),
            symptoms=row["symptoms"].strip(),
            advice=row["advice"].strip(),
            cite=row["cite"].strip(),
            status=row["status"].strip(),
        )
    return found


def _untapered(trial: Trial) -> bool:
    """No dose step down on record before the course ended: its last dose is not below the one
    before it (a taper is recorded as lower doses, fhir_mapping/taper.py)."""
    doses = [s.mg_per_day for s in trial.segments if s.mg_per_day is not None]
    return len(doses) < 2 or doses[-1] >= doses[-2]


def _stopped_recently(ctx: RuleContext, row: DiscontinuationRow) -> Trial | None:
    """The latest course of the row's drug that ended within its window (or ends on as-of by a
    stated end), untapered; None otherwise."""
    as_of = ctx.record.as_of
    found = None
    for t in ctx.record.trials:
        if t.ingredient != row.ingredient or t.role is Role.INTERACTING:
            continue
        if t.ongoing and t.stops_on is None and not _halted(ctx, t):
            continue  # still taken: not stopped
        if (as_of - t.end).days > row.within_days or not _untapered(t):
            continue
        if found is None or t.end > found.end:
            found = t
    return found


def _halted(ctx: RuleContext, trial: Trial) -> bool:
    """Whether a draft of this order halts the running course (stopped, cancelled, dosed 0:
    draft_tapers.stops_running): stopped today, abruptly (review s27 RD finding 1)."""
    return trial.ongoing and any(
        d.ingredient == trial.ingredient for d in draft_tapers.stops_running(ctx.record)
    )


def discontinuation_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """The line for a drafted drug that does not carry on a recently, abruptly stopped short
    half-life SSRI/SNRI (bupropion, mirtazapine after venlafaxine); None when nothing applies (a
    direct switch to another SSRI or SNRI, the same drug restarted, or no such stop)."""
    if not ctx.record.trials:
        return None
    for row in rows().values():
        if draft.ingredient == row.ingredient or draft.drug_class.lower() in row.covered_by:
            continue
        stopped = _stopped_recently(ctx, row)
        if stopped is None:
            continue
        name = stopped.ingredient
        dose = cards.fmt_mg(stopped.current_mg_per_day)
        when = (
            f"stop dated {stopped.stops_on.isoformat()}"
            if stopped.stops_on is not None
            else f"stopped on this order ({ctx.record.as_of.isoformat()})"
            if _halted(ctx, stopped)
            else f"ended {stopped.end.isoformat()}"
        )
        cite = f"{row.cite}{unverified_mark(row.status)}"
        detail = (
            f"**Discontinuation symptoms:** {name} {dose} mg/day, {when}, with no dose reduction "
            f"on record. {draft.ingredient.capitalize()} ({draft.drug_class}) does not prevent "
            f"{name} discontinuation symptoms ({row.symptoms}): {row.advice} ({cite})."
        )
        summary = cards.fit_summary(
            f"{draft.ingredient.capitalize()} after {name} stopped with no taper: "
            "watch for discontinuation symptoms or taper",
            f"{name.capitalize()} stopped with no taper: discontinuation symptoms",
        )
        return OrderCheck(CAUTION, draft, summary, detail, basis=(row.cite,))
    return None
