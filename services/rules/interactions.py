"""patient-view: two running drugs that interact (review 7 finding 5), beyond the MAOI table.

The order hooks check a pair when it is ordered (order_checks/interactions.py); a chart can still
hold both running (started by another prescriber: tramadol from the pain clinic, tamoxifen from
oncology). One card per patient for every pair found in data/drug_interactions.csv
(services/interaction_table.py), at the highest severity among them, so several pairs do not make
several cards. Pairs the table marks `info` (clozapine with sertraline: monitor) are left to the
order hooks: a stable regimen is not a card on every chart view. So is a row whose chart_severity
is info (an NSAID beside an SSRI or SNRI: a warning when either is ordered, no card once both run;
review 12 recheck q14): a listed NSAID, often as needed, beside an SSRI is common and usually
intended, and a warning on every chart open would teach the reader to skip the card. So is a
warning pair of a row marked `settles` (a bleeding risk managed by watching: an SSRI or SNRI
beside an anticoagulant or antiplatelet) whose two drugs have run together longer than
policy.interaction_settled_days (review s21 RN finding 4: clopidogrel with sertraline since 2001);
a pair whose later drug started (or whose dose changed) within that window is new and shows,
leading the card; a critical pair, and a warning row about a level, a dose or a lost effect,
always shows. When the card
shows anyway (apixaban beside the SSRI), those info pairs are named in its detail too: the reader
then sees every bleeding risk the table knows at once, at no cost in noise.

A safety card: it speaks whatever the pathway stage (in remission, tramadol with venlafaxine is
still a seizure and serotonin-syndrome risk). Snoozable with a reason (data/topics.csv): a
deliberate, monitored combination (clozapine already at a third of its dose) is the prescriber's
call. Nothing is one-click: which drug to change is the prescribers' decision.

While the card is shown, the optimise card's proposals that raise a drug of a critical or warning
pair are text, not one click (audit 13 UNSAFE 1: "Raise fluvoxamine to 150 mg/day" beside a
critical fluvoxamine-theophylline card): more of the drug is weighed against the interaction first
(rules/one_click_hold.py, as the low-sodium and QTc cards do). An adjunct added to a drug of the
pair (the running antidepressant) is held for a critical pair, and for a warning pair only when
the adjunct itself has a row with the pair's other drug (recheck 13 n13: aripiprazole is no
bleeding risk beside apixaban with venlafaxine; `_keeps_in_pair`). Info pairs hold nothing.
Beside a critical pair the optimise card's summary does not say "raise the dose" of a drug of the
pair either (review 14 M7: "raise the dose before judging response" beside "fluvoxamine with
tizanidine: do not combine"): it says to settle the interaction first, as the order hooks do.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from services import card_format, cards, interaction_table, screen
from services.interaction_table import Pair
from services.recommendation import Indicator, Recommendation, Suggestion
from services.rules import lithium_level, lithium_pair_timing, one_click_hold
from services.rules.context import RuleContext
from services.rules.optimize import card as optimise_card
from services.rules.optimize import dose as optimise_dose

TOPIC = "drug-interaction"


def _card_pairs(ctx: RuleContext) -> tuple[list[Pair], list[Pair]]:
    """Every pair among the running drugs, and those the card is shown for (not info, not a
    settled warning pair: `_settled`)."""
    every = interaction_table.pairs(ctx.running_takings)
    shown = [p for p in every if p.severity is not Indicator.INFO and not _settled(ctx, p)]
    return every, shown


def _settled(ctx: RuleContext, pair: Pair) -> bool:
    """A warning pair of rows that settle (data/drug_interactions.csv `settles`: a bleeding risk
    managed by watching) whose two drugs have run together, each at its present dose, for longer
    than policy.interaction_settled_days: a stable regimen, left to the order hooks like an info
    pair (module docstring). A critical pair never is, nor a pair with any other warning row (a
    lithium level, a tricyclic dose, tamoxifen's lost effect stay on the chart); nor a pair with
    a drug on order, an undated drug or one only listed by an old statement (its start says
    nothing of how long the two ran together: the safer reading is a new pair). An order left
    active, never filled or renewed (Taking.unconfirmed_order), counts from its own day: two
    such orders of 2001 are no new pair in 2026 (review s21 RN findings 4-5). A dose changed
    within the window counts as new (the labels' INR check when a dose changes)."""
    if pair.severity is not Indicator.WARNING:
        return False
    if not all(
        row.settles for row in pair.rows if row.severity_when(ordered=False) is not Indicator.INFO
    ):
        return False
    starts = []
    for taking in (pair.first, pair.second):
        if taking.on_order or taking.start is None or taking.to_confirm:
            return False
        if taking.unconfirmed_since is not None and not taking.unconfirmed_order:
            return False
        starts.append(max(taking.start, taking.dose_began or taking.start))
    together = (ctx.record.as_of - max(starts)).days
    return together > ctx.policy.interaction_settled_days


def rule(ctx: RuleContext) -> Recommendation | None:
    every, found = _card_pairs(ctx)
    if not found:
        return None
    # Most severe first (pairs() sorts them): the info pairs come last in the detail.
    others = [p for p in every if p is not found[0]]
    # A lithium pair leading the card asks from its dates, not always "level in 5-7 days"
    # (review s24 RN finding 9: rules/lithium_pair_timing.py).
    timing = lithium_pair_timing.of(ctx, found[0])
    act = timing.act() if timing is not None else ""
    summary = found[0].summary(others, act=act)
    level = ""
    if any("lithium" in p.names() for p in found):
        # The last lithium level on record beside the pair that raises it (review 13 U1: "level
        # in 5-7 days" beside a 1.4 mmol/L already on record): rules/lithium_level.py.
        said = lithium_level.level_words(ctx)
        dated = f" {timing.line()}" if timing is not None else ""
        level = f"**Lithium level:** {said}.{dated}"
        if "lithium" in found[0].names() and said.startswith("last level"):
            summary = _with_level(found[0], said, others, timing) or summary
    card = cards.make(
        TOPIC,
        summary=summary,
        detail=cards.join_sections(
            *interaction_table.confirm_lines(every),
            *(p.text() for p in every),
            level,
            interaction_table.NOT_CHECKED,
        ),
        indicator=interaction_table.highest(found),
        source=interaction_table.linked_source(TOPIC, every),
    )
    # Its own snooze fingerprint: the two drugs and the table rows of each pair, so a pair that
    # appears later (tramadol added beside a snoozed clozapine-fluvoxamine) brings the card back.
    key = screen.pairs_key(
        "+".join(sorted((p.first.ingredient, p.second.ingredient)))
        + "|"
        + ";".join(sorted(row.id for row in p.rows))
        for p in found
    )
    return screen.with_fields(card, evidence_key=key)


def _with_level(
    pair: interaction_table.Pair,
    said: str,
    others: Sequence[interaction_table.Pair],
    timing: lithium_pair_timing.PairTiming | None,
) -> str | None:
    """The pair's summary with the last lithium level in place of the row's action alone:
    "Lithium and lisinopril both running: raises lithium levels (toxicity risk); last level
    1.4 mmol/L on 2025-05-29, above the 0.5-0.8 mmol/L target"; None when no wording fits.
    What it asks follows the pair's dates (`timing`): a long-standing pair asks for no new
    level ("long-standing; last level ..."), a new one for the level at steady state."""
    first, second = pair.first, pair.second
    if first.on_order or second.on_order or not (first.confirmed and second.confirmed):
        return None  # patient-view pairs are both running; any other wording stays the table's
    row = pair.lead
    head = f"{first.ingredient.capitalize()} and {second.ingredient} both running: {row.short}"
    short = said.split(", above")[0].split(", below")[0]
    if timing is not None and timing.checked:
        lead = "long-standing, level due" if timing.due() else "long-standing"
        bases = (f"{head}; {lead}; {said}", f"{head}; {lead}; {short}", f"{head}; {short}")
    elif timing is not None:
        # A new pair: its ask before the level, which predates it (the detail names it).
        ask = timing.act()
        bases = (f"{head}; {said}; {ask}", f"{head}; {short}; {ask}", f"{head}; {ask}")
    else:
        bases = (f"{head}; {said}; {row.act}", f"{head}; {said}", f"{head}; {short}")
    # The other pairs by name when they fit, else counted (Pair.summary's rule).
    named = "; also " + ", ".join(p.names_text() for p in others) if others else ""
    counted = f" (+{len(others)} more)" if others else ""
    for text in (*(b + named for b in bases), *(b + counted for b in bases)):
        if len(text) <= card_format.SUMMARY_MAX:
            return text
    return None


# --- the optimise card while this card is open --------------------------------------------------


def hold_one_click(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the optimise card's proposals that keep a drug of a shown pair going as text
    while this card is on the screen (not in `hidden`): see the module docstring and
    `_keeps_in_pair`."""
    if not one_click_hold.shown(recs, TOPIC, hidden):
        return list(recs)
    _, found = _card_pairs(ctx)
    by_drug: dict[str, list[Pair]] = {}
    for pair in found:
        for drug in pair.names():
            by_drug.setdefault(drug, []).append(pair)
    if not by_drug:
        return list(recs)
    antidepressants = one_click_hold.running_antidepressants(ctx)

    def keeps(suggestion: Suggestion, drug: str) -> bool:
        return _keeps_in_pair(suggestion, drug, by_drug[drug], antidepressants)

    def holds(suggestion: Suggestion) -> bool:
        return any(keeps(suggestion, drug) for drug in by_drug)

    def line(held: list[Suggestion]) -> str | None:
        if not held:
            return None
        kept = [d for d in by_drug if any(keeps(s, d) for s in held)]
        weighed = "; ".join(
            f"{d} with "
            + cards.and_list([f"{_other(p, d)} ({p.severity.value})" for p in by_drug[d]])
            for d in kept
        )
        return one_click_hold.held_line(
            "beside a drug interaction",
            held,
            f"Each raises or keeps running {cards.and_list(kept)}, which the interaction card "
            f"weighs against another running drug ({weighed}): settle the interaction first.",
        )

    held = one_click_hold.hold_drug_orders(
        recs, line, holds, held_by="settle the interaction first", whole=False
    )
    critical = {d for p in found if p.severity is Indicator.CRITICAL for d in p.names()}
    return _without_raise_summary(ctx, held, critical) if critical else held


def _without_raise_summary(
    ctx: RuleContext, recs: Sequence[Recommendation], critical: AbstractSet[str]
) -> list[Recommendation]:
    """`recs` with the optimise card's "below the adequate range: raise the dose" summary of a
    drug in a shown critical pair (`critical`) reworded to settle the interaction first. Only
    that exact summary is replaced (optimise/dose.py writes both), so a card about anything
    else keeps its own."""
    swaps = {
        optimise_dose.low_summary(ctx, t): optimise_dose.low_summary_held(ctx, t)
        for t in ctx.record.trials
        if t.ongoing and t.ingredient in critical and t.min_adequate_mg is not None
    }
    return [
        screen.with_fields(rec, summary=swaps[rec.summary])
        if rec.topic == optimise_card.TOPIC and rec.summary in swaps
        else rec
        for rec in recs
    ]


def _other(pair: Pair, drug: str) -> str:
    return pair.second.ingredient if pair.first.ingredient == drug else pair.first.ingredient


def _keeps_in_pair(
    suggestion: Suggestion, drug: str, pairs: Sequence[Pair], antidepressants: AbstractSet[str]
) -> bool:
    """Whether `suggestion` is held beside the shown `pairs` of `drug` (recheck 13 n13).

    - It orders `drug` (a higher dose): held for warning and critical pairs alike, as more of a
      drug raises the pair's risk (fluvoxamine with theophylline, p3; venlafaxine with apixaban).
    - It adds an adjunct while `drug` is the running antidepressant the adjunct goes onto
      (one_click_hold.keeps_running): held for a critical pair, where continuing the drug at all
      is in question (contraindicated, or a third of the dose), so building on it waits; for a
      warning pair only when the adjunct itself carries the pair's risk, i.e. the table has a
      warning or critical row of the adjunct with the pair's other drug (mirtazapine added to
      venlafaxine beside tramadol: serotonergic too). A warning pair is a combination to watch,
      not to end (apixaban with venlafaxine: "watch for bleeding"); aripiprazole or
      brexpiprazole add no bleeding risk, and holding them kept an effective option off one
      click for the commonest anticoagulated TRD patient while making the pair no safer.
    The safer choice when unsure stays: a critical pair holds every adjunct."""
    ordered = one_click_hold.ordered_ingredients(suggestion)
    if not ordered:
        return False
    if drug in ordered:
        return True
    if not one_click_hold.keeps_running(suggestion, {drug}, antidepressants):
        return False
    added = ordered - antidepressants
    for pair in pairs:
        if pair.severity is Indicator.CRITICAL:
            return True
        other = _other(pair, drug)
        if any(
            row.severity_when(ordered=True) is not Indicator.INFO
            for adjunct in added
            for row in interaction_table.rows_for(adjunct, other)
        ):
            return True
    return False
