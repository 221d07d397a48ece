"""The optimise card while the antidepressant an adjunct would be added to is on hold (review 14
recheck r10b: escitalopram held since March, and aripiprazole and brexpiprazole were one click
"adjunct to the current antidepressant").

An augmentation presumes the base drug is taken: an adjunct is, by definition, added to an
antidepressant that continues (CANMAT 2023 Figure 7.1, para 185-186: switch or add an adjunct).
A course on hold (Trial.on_hold: its latest order or statement is `on-hold`; FHIR R4
MedicationRequest.status "actions implied by the prescription are to be temporarily halted") is
not taken now. While every running antidepressant is on hold, the card's
adjunct proposals and a higher dose of a held drug are named, not one click, under one line that
says why; a switch (an order of an antidepressant not running now) is not about the held drug and
stays as it is. When another antidepressant is taken, adjuncts go onto that one: only a higher dose
of the held drug is held.
"""

from __future__ import annotations

from fhir_mapping import drug_table
from fhir_mapping.record import InadequacyReason, Role, Trial
from services import cards
from services.recommendation import Recommendation, Suggestion
from services.rules import one_click_hold
from services.rules.adherence_lapses import ward_hold
from services.rules.context import RuleContext

_ANTIDEPRESSANT = Role.ANTIDEPRESSANT
_NOT_SHOWN_TAKEN = InadequacyReason.NOT_SHOWN_TAKEN


def _running(ctx: RuleContext) -> list[Trial]:
    return [t for t in ctx.record.trials if t.ongoing and t.role is _ANTIDEPRESSANT]


def held_bases(ctx: RuleContext) -> tuple[Trial, ...]:
    """The running antidepressant courses on hold (Trial.on_hold), in record order."""
    return tuple([t for t in _running(ctx) if t.on_hold is not None])


def _taken(ctx: RuleContext) -> bool:
    """Whether a running antidepressant is taken now: not on hold, and shown taken (a planned or
    unknown-status order with no fill or statement is no base either: InadequacyReason.
    NOT_SHOWN_TAKEN)."""
    return any(t.on_hold is None and _NOT_SHOWN_TAKEN not in t.reasons for t in _running(ctx))


def _antidepressants() -> frozenset[str]:
    """Ingredients with an antidepressant row in the drug table: what a switch orders. Read per
    card, only when a held course is on record (no process-wide cache: the tests swap the
    table)."""
    return frozenset(d.ingredient for d in drug_table.all_drugs() if d.role is _ANTIDEPRESSANT)


def _is_switch(
    ordered: frozenset[str], running: frozenset[str], antidepressants: frozenset[str]
) -> bool:
    """An order that only starts antidepressants not running now: a switch, not an adjunct."""
    return bool(ordered) and ordered <= antidepressants and not ordered & running


def held_text(trial: Trial) -> str:
    """ "escitalopram on hold (not taken since 2025-03-02 at the latest)"; a hold never filled
    is "on hold, never filled". The record gives no hold date, only the last day it shows the
    drug taken (Trial.on_hold; review 14 W6): never "since" as if it were the hold's own date."""
    if _NOT_SHOWN_TAKEN in trial.reasons or trial.on_hold is None:
        return f"{trial.ingredient} on hold, never filled"
    return f"{trial.ingredient} on hold (not taken since {trial.on_hold.isoformat()} at the latest)"


def _line(held: tuple[Trial, ...], proposals: list[Suggestion], *, adjuncts: bool) -> str:
    """ "**Not taken now:** escitalopram on hold (...): confirm it is resumed before adding to
    it; not one click until then: <the proposals held>. Switch options are not affected." """
    names = cards.and_list([held_text(t) for t in held])
    it, is_ = ("them", "they are") if len(held) > 1 else ("it", "it is")
    drugs = frozenset(t.ingredient for t in held)
    raised = any(one_click_hold.ordered_ingredients(s) & drugs for s in proposals)
    actions = ([f"adding to {it}"] if adjuncts else []) + ([f"raising {it}"] if raised else [])
    head = f"**Not taken now:** {names}: confirm {is_} resumed before {' or '.join(actions)}"
    if not proposals:
        return head + "."
    labels = "; ".join(s.label for s in proposals)
    tail = " Switch options are not affected." if adjuncts else ""
    return f"{head}; not one click until then: {labels}.{tail}"


def hold_onto_held(ctx: RuleContext, rec: Recommendation) -> Recommendation:
    """`rec` (the optimise card) with its proposals that build on a held antidepressant taken
    off as one-click actions, named under one line (`_line`); `rec` as it is when no running
    antidepressant is on hold."""
    held = held_bases(ctx)
    if not held:
        return rec  # nearly every chart
    names = frozenset(t.ingredient for t in held)
    running = frozenset(t.ingredient for t in _running(ctx))
    adjuncts = not _taken(ctx)
    antidepressants = _antidepressants()

    def holds(suggestion: Suggestion) -> bool:
        ordered = one_click_hold.ordered_ingredients(suggestion)
        if not ordered:
            return False  # a referral (ECT, psychotherapy): not about the held drug
        if ordered & names:
            return True  # a higher dose of a drug that is not taken now
        return adjuncts and not _is_switch(ordered, running, antidepressants)

    def line_for(proposals: list[Suggestion]) -> str | None:
        if not proposals and not adjuncts:
            return None  # another antidepressant is taken and nothing builds on the held one
        return _line(held, proposals, adjuncts=adjuncts)

    # Held on the ward during the stay in progress (adherence_lapses.ward_hold): the ward's
    # decision, which the adherence card names as information; nothing to record, so the
    # summary's step is the stay's own, "ask the inpatient team" (hold_words; s25 FN item 4),
    # never "record why it is on hold".
    ward = all(ward_hold(ctx, t) is not None for t in held)
    on_hold = f"{cards.and_list(sorted(names))} on hold{' during the stay' if ward else ''}"
    return one_click_hold.hold_drug_orders([rec], line_for, holds, held_by=on_hold, whole=False)[0]
