"""Two (or more) adjunctive agents started on one order (review 20 RB finding 4: aripiprazole and
lithium, or lithium and liothyronine, drafted together got no card).

An adjunct is a draft the drug table reads in the augmentation role (the rows of
fhir_mapping/data/augmentation_agents.csv, CANMAT 2023 Table 7.2), never a list written here.
Started together, neither a response nor a side effect can be put down to one of them, so the
next step (keep, raise, stop) is a guess for both: the card asks to start one, assess it, then
add the other. CANMAT 2023 (REFERENCE.md 1.7, para 190 and Figure 7.1) speaks of adding an
adjunct, one agent, and its Table 7.2 lists single agents; a sentence saying "one at a time" was
not found in ../shared/clinical (data/topics.csv marks the topic UNVERIFIED). A warning, not
critical: a clinician may mean it, and the card asks for the reason.

Only drugs the order STARTS count: a renewal or a new dose of an adjunct the patient takes now
beside one new adjunct starts a single drug. Silent with bipolar disorder or a primary psychotic
disorder on record: there an antimanic pair started together (lithium with an antipsychotic in
mania) is a standard combination (CANMAT/ISBD 2018), not a depression augmentation.

Two antidepressants started together with no antidepressant taken now (mirtazapine and
venlafaxine on one order: review s23 RD finding 6, leftover 4) are the same question: CANMAT 2023
adds a second antidepressant as an adjunct after an inadequate response to the first
(REFERENCE.md 1.7: mirtazapine/mianserin and bupropion 2nd-line adjuncts, other antidepressants in
combination 3rd-line, Table 7.2; the sequence optimise, then switch or add, para 185-190 and
Figure 7.1), not as a first start. Said as information (`together_from_nothing`): a combination
meant from the start (a sedating antidepressant beside another for insomnia) is a deliberate
choice; the card asks for the reason. With an antidepressant running, the duplicate and
same-class cards speak instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.drug_table import drug_info
from fhir_mapping.record import DraftOrder, Role
from services import cards
from services.card_format import count_word
from services.order_checks.model import ADJUNCTS_TOGETHER, OrderCheck
from services.order_doses import draft_dose
from services.recommendation import Indicator
from services.rules.context import RuleContext


def _table_adjunct(draft: DraftOrder) -> bool:
    """A draft read in the augmentation role whose row has a CANMAT 2023 line (Table 7.2). The
    table's antipsychotics without one (lurasidone, haloperidol: rows kept so a running one is
    seen) are no depression adjunct; two of them are the stacking card's (stacking.py)."""
    if draft.role is not Role.AUGMENTATION:
        return False
    row = drug_info(draft.ingredient, Role.AUGMENTATION)
    return row is not None and bool(row.canmat_line)


def _started(ctx: RuleContext) -> list[DraftOrder]:
    """The order's adjunct drafts that start a drug not taken now, one per drug, in the order's
    own order (two readings of one draft whose drug is to confirm are one drug)."""
    taken = {t.ingredient for t in ctx.record.trials if t.ongoing}
    kept: list[DraftOrder] = []
    for d in ctx.record.draft_orders:
        if not _table_adjunct(d) or d.ingredient in taken:
            continue
        if any(k.ingredient == d.ingredient or d.other_reading(k) for k in kept):
            continue
        kept.append(d)
    return kept


def adjuncts_together_check(ctx: RuleContext, selected: Sequence[DraftOrder]) -> list[OrderCheck]:
    """One finding per selected draft among two or more adjuncts started on the order (merged
    into one card whose key names them); empty otherwise."""
    if ctx.facts.bipolar or ctx.facts.psychotic_disorder:
        return []
    started = _started(ctx)
    if len(started) < 2:
        return []
    chosen = {id(d) for d in selected}
    # At order-select, the selected line may be a second draft of a drug already kept.
    carriers = [
        d for d in ctx.record.draft_orders if id(d) in chosen and d.role is Role.AUGMENTATION
    ]
    carriers = [d for d in carriers if any(d.ingredient == s.ingredient for s in started)]
    if not carriers:
        return []
    summary, on_order = _together(started, "adjuncts")
    detail = (
        on_order
        + ". Each is an adjunctive (augmenting) agent of CANMAT 2023 Table 7.2, and none is "
        "taken now. Started together, neither a benefit nor a side effect can be put down to "
        "one of them, so whether to keep, raise or stop each becomes a guess. Start one, "
        "assess its response and tolerability at its target dose, then add the next if it is "
        "still needed (CANMAT 2023: add an adjunct after a partial response, para 190 and "
        "Figure 7.1). If they are meant to start together, record why."
    )
    # The card names every adjunct started: its key does too, whichever is selected (s28 RG 2).
    return [
        OrderCheck(ADJUNCTS_TOGETHER, d, summary, detail, named=_others(started, d))
        for d in carriers
    ]


def _antidepressants_started(ctx: RuleContext) -> list[DraftOrder]:
    """The order's antidepressant drafts, one per drug, when no antidepressant is taken now and
    none of them tapers a drug to a stop; empty otherwise."""
    if any(t.ongoing and t.role is Role.ANTIDEPRESSANT for t in ctx.record.trials):
        return []
    kept: list[DraftOrder] = []
    for d in ctx.record.draft_orders:
        if d.role is not Role.ANTIDEPRESSANT or d.tapers_to_stop:
            continue
        if any(k.ingredient == d.ingredient or d.other_reading(k) for k in kept):
            continue
        kept.append(d)
    return kept


def together_from_nothing(ctx: RuleContext, selected: Sequence[DraftOrder]) -> list[OrderCheck]:
    """Two or more antidepressants started on one order with none taken now (module
    docstring): one information finding per selected one of them; empty otherwise."""
    if ctx.facts.bipolar or ctx.facts.psychotic_disorder:
        return []
    started = _antidepressants_started(ctx)
    # Two of one class on the order: the same-class card ("two SSRIs on one order; keep one",
    # duplicate_drafts.py) already asks for one of them.
    if len(started) < 2 or len({d.drug_class for d in started}) < len(started):
        return []
    chosen = {id(d) for d in selected}
    carriers = [d for d in started if id(d) in chosen]
    if not carriers:
        return []
    summary, on_order = _together(started, "antidepressants")
    detail = (
        on_order
        + ". No antidepressant is taken now. CANMAT 2023 adds a second antidepressant as an "
        "adjunct after an inadequate response to the first (mirtazapine or bupropion 2nd-line, "
        "other antidepressants in combination 3rd-line, Table 7.2; para 190 and Figure 7.1), "
        "not as a first start. Started together, neither a benefit nor a side effect can be put "
        "down to one of them. Start one, assess its response and tolerability at an adequate "
        "dose, then add the other if it is still needed. If they are meant to start together, "
        "record why."
    )
    return [
        OrderCheck(
            ADJUNCTS_TOGETHER,
            d,
            summary,
            detail,
            indicator=Indicator.INFO,
            named=_others(started, d),
        )
        for d in carriers
    ]


def _others(started: Sequence[DraftOrder], carrier: DraftOrder) -> tuple[DraftOrder, ...]:
    """The drafts a card of drugs started together names beside its carrier."""
    return tuple(d for d in started if d is not carrier)


def _together(started: Sequence[DraftOrder], kind: str) -> tuple[str, str]:
    """The summary of drugs of one `kind` ("adjuncts", "antidepressants") started together, and
    the detail's opening "**On this order:** ..." listing each with its dose and class."""
    names = cards.and_list([d.ingredient for d in started])
    lead = names[:1].upper() + names[1:]
    count = count_word(len(started))
    summary = cards.fit_summary(
        f"{lead} started together: {count} {kind} at once; start one, assess, then add",
        f"{lead}: {count} {kind} at once; start one, assess, then add",
        f"{count.capitalize()} {kind} on one order: start one, assess, then add",
    )
    listed = "; ".join(f"{d.ingredient} {draft_dose(d)} ({d.drug_class})" for d in started)
    return summary, f"**On this order:** {listed}"
