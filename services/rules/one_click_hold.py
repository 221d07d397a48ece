"""The optimise card's medication proposals held as text while a safety card on the same screen
says the drug itself needs settling first (a low sodium on an SSRI, a strongly anticholinergic
drug at 80): an adjunct or a higher dose would keep running it. The holding card supplies the line
that says why; the proposals stay on the card, named, not one click.

Some holding cards are about one or two running drugs, not about every proposal (audit 13 UNSAFE
1-2, WRONG 3): an interaction card (fluvoxamine with theophylline), a condition on record that
rules against a running drug (bupropion with bulimia, duloxetine with cirrhosis), a drug beyond its
hepatic limit. Those hold only what keeps that drug going (`keeps_running`): a higher dose of it,
and an adjunct while it is the antidepressant the adjunct would be added to. A proposal that does
neither (a switch that starts a new antidepressant, with no held one running) stays one click."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet

from fhir_mapping.record import Role
from services import cards, screen, tables
from services.recommendation import HELD, Recommendation, Suggestion
from services.rules.context import RuleContext
from services.rules.optimize import card as optimise_card
from services.rules.optimize import orders as optimise_orders


def orders_a_drug(suggestion: Suggestion) -> bool:
    return any(
        action.resource is not None and action.resource.get("resourceType") == "MedicationRequest"
        for action in suggestion.actions
    )


def ordered_ingredients(suggestion: Suggestion) -> frozenset[str]:
    """The ingredients a suggestion's MedicationRequests order (medicationCodeableConcept.text,
    as services/suggestions.medication_request writes it), lower case."""
    found = set()
    for action in suggestion.actions:
        resource = action.resource
        if resource is None or resource.get("resourceType") != "MedicationRequest":
            continue
        concept = resource.get("medicationCodeableConcept") or {}
        text = concept.get("text")
        if isinstance(text, str) and text:
            found.add(text.strip().lower())
    return frozenset(found)


def running_antidepressants(ctx: RuleContext) -> frozenset[str]:
    """The antidepressants running now: the base an adjunct proposal would be added to."""
    return frozenset(
        t.ingredient for t in ctx.record.trials if t.ongoing and t.role is Role.ANTIDEPRESSANT
    )


def keeps_running(
    suggestion: Suggestion, drugs: AbstractSet[str], antidepressants: AbstractSet[str]
) -> bool:
    """Whether accepting `suggestion` keeps one of `drugs` going: it orders one of them (a
    higher dose), or it adds a drug not running now while one of them is a running
    antidepressant (`antidepressants`): an adjunct to it ("adjunct to the current
    antidepressant", an antipsychotic added to it for psychotic features)."""
    ordered = ordered_ingredients(suggestion)
    if not ordered:
        return False
    if ordered & drugs:
        return True
    return bool(drugs & antidepressants) and bool(ordered - antidepressants)


def hold_drug_orders(
    recs: Sequence[Recommendation],
    line_for: Callable[[list[Suggestion]], str | None],
    holds: Callable[[Suggestion], bool] = orders_a_drug,
    *,
    held_by: str,
) -> list[Recommendation]:
    """`recs` with the optimise card's medication proposals taken off as one-click actions and a
    line at the top of its detail: `line_for(held)` (the proposals taken off, maybe none) writes
    it; None leaves the card as it is. `holds`: which proposals (default: every one that orders a
    drug; `keeps_running` for a card about one drug). `held_by`: the holding card's reason (its
    short finding, or what the raise waits for), as the summary says it (`held_summary`)."""
    out: list[Recommendation] = []
    for rec in recs:
        if rec.topic != optimise_card.TOPIC:
            out.append(rec)
            continue
        held = [s for s in rec.suggestions if holds(s)]
        line = line_for(held)
        if line is None:
            out.append(rec)
            continue
        kept = tuple(s for s in rec.suggestions if not holds(s))
        out.append(
            held_summary(
                screen.with_fields(
                    rec, suggestions=kept, detail=cards.join_sections(line, rec.detail)
                ),
                held,
                held_by,
            )
        )
    return out


def held_summary(rec: Recommendation, held: Sequence[Suggestion], held_by: str) -> Recommendation:
    """`rec` with the summary its `held_summary` gives when a suggestion `held` orders the drug
    the summary proposes to raise: "Sertraline 50 mg/day is below the adequate range (100-200
    mg/day): raise held (suicide risk assessment first)"; "daily dose held (...)" when the held
    suggestion is a daily dose of a drug ordered as needed (HeldSummary.what). A summary that said "raise it" while
    the card held the raise as text (review 14: the suicide-risk, postpartum-psychosis and
    lithium-level holds; the cardiac T3 hold words its own at build time) proposed what the
    screen had just withheld. Every hold comes through here, so each says it alike; the first
    hold that takes the raise off words the summary (the later ones find it worded).
    `held_by`: the holding card's reason, named in the summary itself: a pointer to the detail's
    first line ("see the first line") sent the clinician to a line an EHR showing summaries only
    does not show (review 14), so every hold names its own."""
    found = rec.held_summary
    if found is None or not any(found.orders in ordered_ingredients(s) for s in held):
        return _adjuncts_held(rec, held, held_by)
    # The adjuncts held with the raise (fix19l item 2): a summary that went on "then an
    # adjunct" or "then switch or augment" proposed what the same hold took off; it names no
    # next step then (the detail's first line lists what is held, the options stay as text).
    both = bool(found.adjuncts_held) and any(_is_adjunct(s) for s in held)
    texts = found.adjuncts_held if both else found.summaries
    act = f"{found.what} held ({held_by})"
    return screen.with_fields(
        rec,
        summary=cards.fit_summary(*(text.replace(HELD, act) for text in texts)),
        held_summary=None,
    )


def _is_adjunct(suggestion: Suggestion) -> bool:
    """Whether a proposal is one of the optimise card's adjuncts (its label says so)."""
    return suggestion.label.startswith(optimise_orders.ADJUNCT_LABEL)


# "augment (aripiprazole or brexpiprazole)": the adjuncts a summary proposes, in brackets.
_AUGMENT = re.compile(r"\baugment \([^)]*\)")
# A summary that proposes an adjunct in other words (review s20 R3 finding 9: the partial
# response's "add an adjunct to escitalopram first (CANMAT para 190)"; optimize/summary.py).
_PROPOSES_ADJUNCT = re.compile(r"\baugment\b|\badd an adjunct\b|\banother adjunct\b")
# The guideline cite that closes such a summary: the held reason may take its place.
_CITE = re.compile(r" \(CANMAT (?:2023 )?para \d+\)")
_ADJUNCTS_HELD = "adjuncts held"


def _adjuncts_held(rec: Recommendation, held: Sequence[Suggestion], held_by: str) -> Recommendation:
    """`rec` with "adjuncts held (<why>)" in a summary that proposes an adjunct while a hold
    takes its adjunct one-clicks off (audit 14 leftover: only a raise said so); the first hold
    words it. The adjuncts' names give way before the reason does: the detail names them."""
    summary = rec.summary
    if (
        not _PROPOSES_ADJUNCT.search(summary)
        or _ADJUNCTS_HELD in summary
        or not any(_is_adjunct(s) for s in held)
    ):
        return rec
    candidates = [f"{summary}; {_ADJUNCTS_HELD} ({held_by})"]
    if _AUGMENT.search(summary):
        candidates.append(_AUGMENT.sub(f"augment ({_ADJUNCTS_HELD}: {held_by})", summary, 1))
    if _CITE.search(summary):
        candidates.append(_CITE.sub(f" ({_ADJUNCTS_HELD}: {held_by})", summary, 1))
    candidates.append(f"{summary}; {_ADJUNCTS_HELD}")
    fits = [c for c in candidates if len(c) <= cards.SUMMARY_MAX]
    return screen.with_fields(rec, summary=fits[0]) if fits else rec


def shown(recs: Sequence[Recommendation], topic: str, hidden: AbstractSet[str]) -> bool:
    """Whether the holding card of `topic` is on this screen: among `recs` and not snoozed
    (`hidden`). Each holding card asks it before it takes the proposals off."""
    return topic not in hidden and any(r.topic == topic for r in recs)


def hold_for_drugs(
    ctx: RuleContext,
    recs: Sequence[Recommendation],
    drugs: AbstractSet[str],
    line_for: Callable[[list[Suggestion]], str],
    *,
    held_by: str,
) -> list[Recommendation]:
    """`recs` with the optimise card's proposals that keep one of `drugs` going (`keeps_running`)
    taken off as one-click actions, with `line_for(held)` at the top of its detail; the card as it
    is when none does; `held_by` as `hold_drug_orders` takes it. The caller has checked its card
    is shown (`shown`)."""
    if not drugs:
        return list(recs)
    antidepressants = running_antidepressants(ctx)

    def holds(suggestion: Suggestion) -> bool:
        return keeps_running(suggestion, drugs, antidepressants)

    return hold_drug_orders(
        recs, lambda held: line_for(held) if held else None, holds, held_by=held_by
    )


def held_line(lead: str, held: Sequence[Suggestion], why: str) -> str:
    """The line a holding card puts on the optimise card: "**Not one click <lead>:** <the
    proposals held>. <why>" (`why`: what to settle first, and where)."""
    labels = "; ".join(s.label for s in held)
    return f"**Not one click {lead}:** {labels}. {why}"


def hold_while_shown(
    recs: Sequence[Recommendation], hidden: AbstractSet[str], topic: str, while_: str, why: str
) -> list[Recommendation]:
    """`recs` with the optimise card's drug proposals as text while the card of `topic` is on the
    screen (not in `hidden`), under one line: "**Not one click while <while_>** (<card> card):
    <the proposals held>. <why>" (nothing when no proposal is held). The low-sodium, long-QTc and
    lithium-level cards hold this way: each only says what to settle first."""
    if not shown(recs, topic, hidden):
        return list(recs)

    def line(held: list[Suggestion]) -> str | None:
        if not held:
            return None
        return (
            f"**Not one click while {while_}** ({tables.topic(topic).display} card): "
            f"{'; '.join(s.label for s in held)}. {why}"
        )

    return hold_drug_orders(recs, line, held_by=while_)
