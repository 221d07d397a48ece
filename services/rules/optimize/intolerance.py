"""Off treatment after a course that was not tolerated, with nothing failed: the card as a
switch to a better-tolerated agent (CANMAT 2023 para 190)."""

from __future__ import annotations

from fhir_mapping.record import Trial
from services import cards, tolerability, unidentified_options
from services.recommendation import Recommendation
from services.rules import populations
from services.rules.context import RuleContext
from services.rules.optimize.card import TOPIC, basis, card_evidence, opening
from services.rules.optimize.courses import current_trials
from services.rules.optimize.switch import safety_lines, switch_candidates


def after_intolerance(ctx: RuleContext) -> tuple[Trial, ...]:
    """Courses of this episode ended for documented intolerance (PathwayFacts.intolerant_trials)
    while no antidepressant or adjunct runs now: the patient is off treatment because the last
    drug was not tolerated. () otherwise (e.g. already on the next drug: it is left to run)."""
    if current_trials(ctx):
        return ()
    return ctx.facts.intolerant_trials


def switch_for_intolerance(ctx: RuleContext) -> Recommendation:
    """Off treatment after a course that was not tolerated, with nothing failed: switch to a
    better-tolerated agent (CANMAT 2023 para 190: switch first when tolerability is poor). The
    intolerant drug is never proposed; the rest of its class is (an intolerance is of a drug,
    not a mechanism failure), and the options stay text: which agent depends on the side effect
    and the clinician's choice, so nothing is ready to accept."""
    stopped = after_intolerance(ctx)
    last = stopped[-1]
    intolerance = last.intolerance
    reason = intolerance.reason if intolerance is not None else "not tolerated"
    when = intolerance.date.isoformat() if intolerance is not None and intolerance.date else None
    sections = opening(ctx)
    sections.append(
        "**Stopped for intolerance, no antidepressant running:** "
        + "; ".join(tolerability.course_line(t) for t in stopped)
        + ". Not a failure of efficacy (not counted toward treatment resistance) and not a "
        "question of adherence; never proposed again. CANMAT 2023 (para 190): switch when "
        "tolerability is poor; choose an agent with a different side-effect profile."
    )
    names, notes, heading = switch_candidates(ctx)
    lines: list[str] = []
    if names:
        separator = "; then " if populations.age_choices(ctx) else "; "
        lines.append(f"{heading}: {separator.join(names)}.")
    else:
        lines.append(
            "No first-line agent is left (not tolerated or ruled out): choose the next agent "
            "with psychiatry."
        )
    lines.extend(safety_lines(ctx, names))
    sections.append("**Switch:** " + " ".join(lines + notes))
    # A running record not identified may be one of the agents named (fix meds47, as meds46).
    sections.append(unidentified_options.options_line(ctx.record) or "")
    sections.append(tolerability.line(ctx.record, named=(t.ingredient for t in stopped)))
    name = last.ingredient.capitalize()
    dated = f"{reason}, {when}" if when else reason
    summary = cards.fit_summary(
        f"{name} not tolerated ({dated}) and no antidepressant running: switch to a "
        "better-tolerated agent (CANMAT 2023)",
        f"{name} not tolerated ({dated}), no antidepressant running: switch to a "
        "better-tolerated agent",
        f"{name} not tolerated ({when or 'date not recorded'}), no antidepressant running: "
        "switch to a better-tolerated agent",
        f"{name} not tolerated, no antidepressant running: switch to a better-tolerated agent",
    )
    evidence = card_evidence(ctx)
    return cards.make(
        TOPIC,
        summary=summary,
        detail=cards.join_sections(*sections, *basis(ctx, evidence=evidence)),
        evidence=evidence,
    )
