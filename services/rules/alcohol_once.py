"""patient-view: drinking said once a screen (review s24 RN finding 7).

With duloxetine running and alcohol use on record (an F10.20, or an AUDIT-C at the clinic's
cut-off), two cards said the same fact: the running-drug caution card ("Duloxetine with Alcohol
dependence, uncomplicated on record: ordinarily not prescribed ... (hepatotoxicity)", Cymbalta
label 5.2) and the diagnosis review ("Review alcohol use disorder alongside escalation: alcohol
dependence, uncomplicated (ICD-10-CM F10.20); AUDIT-C 0 on 2026-11-02", CANMAT 2023 para 181).
One finding, two consequences: here they become ONE card, the finding named once in its summary
and at the head of its detail, each consequence a line of its own (the drug to review, the
drinking to address alongside escalation); the diagnosis review keeps its other lines (a TSH, a
bipolar history), without the alcohol one, and leaves the screen when that was its only line.

The card kept is the running-drug caution card (a safety card: whatever the pathway stage, its
indicator, its snooze fingerprint and the optimise card's hold that points to it stay); the
diagnosis review's alcohol line (its `advice` carried here: diagnosis_review.alcohol_lines) moves
only when the caution card's one pair is the alcohol row (`code_set` "alcohol-use"). A second
running-drug pair, or alcohol with other substance use, keeps both cards as they were: nothing
is dropped to fold. While either card
is snoozed, nothing is folded: the one on the screen says its part in full.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from services import cards, screen
from services.recommendation import Recommendation
from services.rules import diagnosis_review, running_cautions
from services.rules.context import RuleContext
from services.rules.diagnosis_item import Item
from services.rules.diagnosis_substance import alcohol_screen
from services.rules.running_caution_pairs import Pair

_ALCOHOL = "alcohol-use"  # data/finding_code_sets.csv: the set duloxetine's row narrows to
# The reason in brackets that ends a row's note: "(hepatotoxicity)".
_WHY = re.compile(r"\(([^()]*)\)\s*$")


def fold(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the diagnosis review's alcohol lines carried by the running-drug card, and
    the diagnosis review left off, when both say one drinking (module docstring)."""
    caution = next((r for r in recs if r.topic == running_cautions.TOPIC), None)
    review = next((r for r in recs if r.topic == diagnosis_review.TOPIC), None)
    if caution is None or review is None:
        return list(recs)
    if running_cautions.TOPIC in hidden or diagnosis_review.TOPIC in hidden:
        return list(recs)
    found = running_cautions.pairs(ctx)
    if len(found) != 1 or found[0].code_set != _ALCOHOL:
        return list(recs)
    items = diagnosis_review.alcohol_lines(ctx)
    if len(items) != 1:
        return list(recs)
    pair, item = found[0], items[0]
    merged = screen.with_fields(
        caution, summary=_summary(pair, item), detail=_detail(ctx, pair, item)
    )
    # The diagnosis review without the line (None when it was its only one). Its hold on the
    # optimise card is unchanged: an alcohol line is said alongside escalation and holds nothing.
    rest = diagnosis_review.card(ctx, leave_out=items)
    out: list[Recommendation] = []
    for rec in recs:
        if rec is caution:
            out.append(merged)
        elif rec is review:
            if rest is not None:
                out.append(rest)
        else:
            out.append(rec)
    return out


def _summary(pair: Pair, item: Item) -> str:
    """ "Alcohol dependence, uncomplicated (F10.20), AUDIT-C 0: review whether duloxetine
    continues (hepatotoxicity); address drinking alongside escalation", the finding as fully as
    the length allows (the diagnosis line's `named`, longest first)."""
    drug = pair.taking.ingredient
    match = _WHY.search(pair.note)
    why = match.group(1) if match else pair.cite
    acts = (
        f"review whether {drug} continues ({why}); address drinking alongside escalation",
        f"review {drug} ({why}); address drinking alongside escalation",
        f"review {drug} ({why}) and drinking",
    )
    names = [n[:1].upper() + n[1:] for n in (item.named or (item.short,))]
    return cards.fit_summary(*(f"{name}: {act}" for act in acts for name in names))


def _detail(ctx: RuleContext, pair: Pair, item: Item) -> str:
    """The finding once, then each consequence as a line."""
    screen_words = "" if pair.screen else alcohol_screen(ctx)
    return cards.join_sections(
        f"**Alcohol use on record:** {pair.finding}{screen_words}.\n"
        f"{pair.consequence()}\n"
        f"- **Alongside escalation:** {item.advice}",
        running_cautions.NOT_AN_ORDER,
    )
