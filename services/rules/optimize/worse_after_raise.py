"""A PHQ-9 worse since a raise not yet judged: the optimise card leads with the worsening and
holds its drug proposals as text (review s20 R3 finding 2).

Sertraline raised 100 -> 150 mg/day on 2025-03-03 (PHQ-9 18 that day), PHQ-9 22 on 2025-03-24:
the card read "1 adequate trial failed (sertraline): raise sertraline 150 -> 200 mg/day first",
the raise one click, and named neither the raise three weeks before nor the worsening since. A
worse score inside the reassessment window (services/dose_raises.py; optimize/reassess.py holds
the card while the raise waits and steps aside for this) is a reason to see the patient, not to
escalate in one click: antidepressant labels ask for close watch for clinical worsening and
suicidal thoughts when a dose is changed (data/worse_after_raise.csv), and the worse score may
be the higher dose's side effects or missed doses rather than too little drug.

So the card's summary names the raise and the worsening ("Sertraline raised to 150 mg/day on
2025-03-03, PHQ-9 worse since (18 → 22): assess suicide risk, side effects and adherence"), its
first line says what to assess, and every proposal that orders a drug (the further raise, the
adjuncts) is named, not one click (one_click_hold), until a PHQ-9 from the reassessment day on
judges the raise. Holding the adjuncts as well as the raise is the safer reading of the review's
"hold the further raise": an adjunct started before the worsening is assessed is an escalation
too. Psychotherapy, ECT and TMS referrals stay one click. The switch and adjunct options stay
named in the detail.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from services import cards, screen
from services.order_doses import segment_dose
from services.recommendation import Recommendation, Suggestion
from services.rules import one_click_hold
from services.rules.context import RuleContext
from services.rules.optimize import reassess
from services.rules.optimize.courses import current_trials


@dataclass(frozen=True, slots=True)
class Assess:
    """What a worsening after a raise asks for (data/worse_after_raise.csv)."""

    short: str  # the summary's words
    assess: str  # the detail's list
    why: str
    cite: str
    status: str


@cache
def _assess() -> Assess:
    text = resources.files("services").joinpath("data/worse_after_raise.csv").read_text("utf-8")
    (row,) = list(csv.DictReader(text.splitlines()))
    return Assess(row["short"], row["assess"], row["why"], row["cite"], row["status"])


def _scores(found: reassess.Reassess) -> tuple[str, str]:
    """("18 → 22", "PHQ-9 18 on 2025-03-03 -> 22 on 2025-03-24"): the PHQ-9 at the raise and
    the worst since (reassess.worsened reads both)."""
    base, worse = found.baseline, found.worse
    assert base is not None and worse is not None
    return (
        f"{base.value} → {worse.value}",
        f"PHQ-9 {base.value} on {base.date.isoformat()} -> {worse.value} on "
        f"{worse.date.isoformat()}",
    )


def _line(found: tuple[reassess.Reassess, ...], held: list[Suggestion]) -> str:
    facts = _assess()
    flag = " (UNVERIFIED)" if facts.status == "UNVERIFIED" else ""
    said = "; ".join(
        f"{reassess.raised_text(r)}, {_scores(r)[1]}"
        + (f". {once}" if (once := reassess.once_stopped_text(r)) else "")
        for r in found
    )
    judge = found[0].judge.isoformat()
    text = (
        f"**PHQ-9 worse since the raise:** {said}. Assess {facts.assess} today, before any "
        f"further change: {facts.why} ({facts.cite}{flag}). A worse score is a reason to see "
        "the patient, not to raise again: the options below are named for after that "
        "assessment"
    )
    if held:
        text += (
            f"; not one click until a PHQ-9 from {judge} judges the raise: "
            f"{'; '.join(s.label for s in held)}"
        )
    return text + "."


def hold(ctx: RuleContext, rec: Recommendation) -> Recommendation:
    """`rec` (the optimise card) led by the worsening and its drug proposals held as text, or
    `rec` as it is when no raise waiting to be judged has a worse PHQ-9 since it."""
    found = reassess.worsened(ctx, current_trials(ctx))
    if not found:
        return rec
    first = found[0]
    name = first.trial.ingredient
    dose = segment_dose(first.trial, first.raised.segment)
    day = first.raised.segment.start.isoformat()
    worse, short = _scores(first)[0], _assess().short
    (held,) = one_click_hold.hold_drug_orders(
        [rec], lambda held: _line(found, held), held_by=short, whole=True
    )
    summary = cards.fit_summary(
        f"{name.capitalize()} raised to {dose} on {day}, PHQ-9 worse since ({worse}): {short}",
        f"PHQ-9 worse since {name} was raised to {dose} ({worse}): {short}",
        f"PHQ-9 worse since the raise ({worse}): {short}",
    )
    # The worse score in the card's snooze fingerprint (screen.stating_key): a PHQ-9 worse in the
    # same band (15 -> 19) leaves the pathway's fingerprint as it was, and a snooze given while
    # the raise waited would hide "assess suicide risk" (review s21 RE W1, the same pattern).
    key = screen.stating_key(held.evidence_key, ctx.facts, [_said(r) for r in found])
    return screen.with_fields(held, summary=summary, held_summary=None, evidence_key=key)


def _said(found: reassess.Reassess) -> str:
    """The worsening as a fingerprint item: the raise and the worst PHQ-9 since it."""
    worse = found.worse
    assert worse is not None
    step = found.raised.segment.start.isoformat()
    return f"worse after raise {found.trial.ingredient}@{step}: {worse.value}@{worse.date}"
