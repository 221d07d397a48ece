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
from dataclasses import replace

from fhir_mapping.record import Role
from services import cards, screen, tables
from services.recommendation import HELD, HeldSummary, HoldWording, Recommendation, Suggestion
from services.rules import hold_words
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
    whole: bool,
) -> list[Recommendation]:
    """`recs` with the optimise card's medication proposals taken off as one-click actions and a
    line at the top of its detail: `line_for(held)` (the proposals taken off, maybe none) writes
    it; None leaves the card as it is. `holds`: which proposals (default: every one that orders a
    drug; `keeps_running` for a card about one drug). `held_by`: the holding card's reason (its
    short finding, or what the raise waits for), as the summary says it (`held_summary`).
    `whole`: the hold is about the patient's whole drug plan (a suicide-risk check, a stay in
    hospital), not about one drug; the summary then holds every step, a switch too, after the
    check (hold_words). Said by each hold, never read off `holds` (review s24 FH: a stay that
    holds everything through its own predicate read as a hold about one drug)."""
    out: list[Recommendation] = []
    for rec in recs:
        if rec.topic != optimise_card.TOPIC:
            out.append(rec)
            continue
        held = [s for s in rec.suggestions if holds(s)]
        line = line_for(held)
        below = False
        if line is None:
            # A hold with nothing left to take off says nothing by its own line (the low sodium,
            # a dose above its maximum), though the proposals an earlier hold took off wait for
            # it too (s25 FA item 3: behind an acute suicide risk its step was said on no
            # summary). It says them, under the earlier hold's line, and its step joins the
            # summary's (hold_words.ordered: the suicide-risk step first).
            held = _earlier_held(rec, holds)
            line = _listed_above(line_for(held), held) if held else None
            below = True
        if line is None:
            out.append(rec)
            continue
        kept = tuple(s for s in rec.suggestions if not holds(s))
        detail = _under_top(rec.detail, line) if below else cards.join_sections(line, rec.detail)
        out.append(
            held_summary(
                screen.with_fields(rec, suggestions=kept, detail=detail),
                held,
                held_by,
                whole=whole,
            )
        )
    return out


def _earlier_held(rec: Recommendation, holds: Callable[[Suggestion], bool]) -> list[Suggestion]:
    """The proposals an earlier hold on `rec` took off (its `hold_wording`) that `holds` holds too:
    still held by this hold, though no longer on the card to take off."""
    before = rec.hold_wording
    return [] if before is None else [s for s in before.held if holds(s)]


# What a second hold's line says in place of proposals an earlier hold's line lists already.
LISTED_ABOVE = "also held (listed above)"


def _listed_above(line: str | None, held: Sequence[Suggestion]) -> str | None:
    """A later hold's `line` with the proposals it names cut to `LISTED_ABOVE` where they are the
    `held` an earlier hold's line lists already: its reason and what to settle are its own, the
    list is not (s25 RK1 finding 4: an item 9 of 2 and a long QTc listed "Propose adjunctive
    aripiprazole ...; brexpiprazole ..." twice, one under the other). A line that does not name
    them as one "; " run (its own wording) stands as written."""
    labels = "; ".join(s.label for s in held)
    if line is None or not labels or labels not in line:
        return line
    return line.replace(labels, LISTED_ABOVE, 1)


def _under_top(detail: str, line: str) -> str:
    """`detail` with `line` under its first section, the line of the hold that took the
    proposals off (a suicide-risk one first: what the summary says first is read first)."""
    top, sep, rest = detail.partition("\n\n")
    return cards.join_sections(top, line, rest) if sep else cards.join_sections(detail, line)


def held_summary(
    rec: Recommendation, held: Sequence[Suggestion], held_by: str, *, whole: bool
) -> Recommendation:
    """`rec` with its summary saying why `held` are taken off: THE rule every hold's summary
    follows. An EHR that shows summaries only shows nothing else, so the reason is always said
    (session 21 F4 item 1: "...or augment (aripiprazole or brexpiprazole); adjuncts held" named
    none). `held_by`, the holding card's reason, as written ("PHQ-9 item 9 not recorded, ask it
    first"); where it does not fit, its first clause (`short_reason`: "PHQ-9 item 9 not
    recorded"); where that does not fit, the summary's own words yield (the detail says them in
    full), never the reason. Every hold on the card is said (recheck s24 RC finding 1: the first
    to run words the summary, and a second, PHQ-9 item 9 not recorded behind a low sodium, was
    said on no card): each hold's reason is kept on the card (`hold_wording`) and the summary
    worded again from the one built, with every reason, the suicide-risk ones first
    (hold_words.ordered).

    How it is said: a summary that proposes a raise of the held drug (its `held_summary`)
    says "<what> held (<why>)" in its place ("Sertraline 50 mg/day is below the adequate range
    (100-200 mg/day): raise held (suicide risk assessment first)"; review 14: a summary that
    said "raise it" beside a held raise proposed what the screen had just withheld); one that
    proposes anything else leads with the check and says the held step after it
    (hold_words.first_then; review s24 RN finding 10: "augment (adjuncts held: ...) or switch
    class" proposed and held in one line). `whole`: the hold takes every drug proposal off (the
    switch waits too), not only those that keep one drug running. Nothing held (by this hold or,
    for a `whole` one, an earlier one): `rec` as it is."""
    before = rec.hold_wording
    # A hold about the whole plan finds the proposals an earlier hold took off (the low sodium
    # before item 9): it holds them too, so its reason is said with the first one's.
    if not held and (before is None or not whole):
        return rec
    if before is None:
        wording = HoldWording(rec.summary, rec.held_summary, ((held_by, whole),), tuple(held))
    elif rec.summary != before.said or any(why == held_by for why, _ in before.reasons):
        # Reworded since by the rule that held it (a stale score's "repeat the PHQ-9 ...", a
        # worsening's "assess suicide risk"): its own words for the hold stand; or said already.
        return rec
    else:
        more = tuple(s for s in held if s not in before.held)
        wording = replace(
            before, reasons=(*before.reasons, (held_by, whole)), held=before.held + more
        )
    summary = _worded(wording)
    return screen.with_fields(
        rec, summary=summary, held_summary=None, hold_wording=replace(wording, said=summary)
    )


def _worded(wording: HoldWording) -> str:
    """The summary `wording.base` with every hold of `wording` said (`held_summary`)."""
    found = wording.base_held
    why = hold_words.ordered([reason for reason, _ in wording.reasons])
    if found is not None and any(found.orders in ordered_ingredients(s) for s in wording.held):
        return _raise_held(found, wording.held, why)
    if _ADJUNCTS_HELD in wording.base:
        # Built saying what it holds and why (optimize/not_mdd.summary): said once.
        return wording.base
    # The check first, the held step after it (review s24 RN finding 10: "add an adjunct
    # to escitalopram first (adjuncts held: the sodium is low)" proposed and held at once).
    return hold_words.first_then_all(wording.base, wording.reasons)


def short_reason(held_by: str) -> str:
    """A hold's reason cut to its first clause, the finding without what to do about it (the
    detail's line says that): "PHQ-9 item 9 not recorded, ask it first" -> "PHQ-9 item 9 not
    recorded"; "PHQ-9 item 9 unanswered: ask it first" -> "PHQ-9 item 9 unanswered"."""
    return re.split(r", |: ", held_by, maxsplit=1)[0]


def _fit(
    candidates: Callable[[str], list[str]], held_by: Sequence[str], last: Callable[[str], str]
) -> str:
    """The first of `candidates(why)` that fits a summary, `why` the reasons as written, then
    their short forms, joined by "; "; `last(short forms)` when none does (the summary's words
    yield there: every reason is said)."""
    full = "; ".join(held_by)
    short = "; ".join(dict.fromkeys(short_reason(why) for why in held_by))
    for why in dict.fromkeys((full, short)):
        fits = [c for c in candidates(why) if len(c) <= cards.SUMMARY_MAX]
        if fits:
            return fits[0]
    return last(short)


def _raise_held(found: HeldSummary, held: Sequence[Suggestion], held_by: Sequence[str]) -> str:
    """The summary with "<what> held (<why>)" where the raise was proposed (`held_by`: every
    hold's reason, in the order said)."""
    # The adjuncts held with the raise (fix19l item 2): a summary that went on "then an
    # adjunct" or "then switch or augment" proposed what the same hold took off; it names no
    # next step then (the detail's first line lists what is held, the options stay as text).
    both = bool(found.adjuncts_held) and any(is_adjunct(s) for s in held)
    texts = found.adjuncts_held if both else found.summaries

    def act(why: str) -> str:
        return f"{found.what} held ({why})"

    # None fits: the shortest one's words before the act yield, the act is said whole (what
    # follows it, a next step, is left to the detail).
    head = texts[-1].split(HELD, 1)[0]
    # The colon before the act kept where the head is cut ("...minimum…: raise held (...)"):
    # "75…raise held" read as one phrase.
    sep = ": " if head.endswith(": ") else ""
    return _fit(
        lambda why: [text.replace(HELD, act(why)) for text in texts],
        held_by,
        lambda why: cards.fit_with_tail(head.removesuffix(sep), f"{sep}{act(why)}", found.subject),
    )


def is_adjunct(suggestion: Suggestion) -> bool:
    """Whether a proposal is one of the optimise card's adjuncts (its label says so)."""
    return suggestion.label.startswith(optimise_orders.ADJUNCT_LABEL)


_ADJUNCTS_HELD = "adjuncts held"


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
        recs, lambda held: line_for(held) if held else None, holds, held_by=held_by, whole=False
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

    return hold_drug_orders(recs, line, held_by=while_, whole=True)
