"""Sentences a card says about another card of its screen, and the topic each names.

A card is built on its own (services/rules), before the screen is known: the low-sodium card
cannot tell whether an optimise card stands beside it. "While this card is open, the optimise
card's medication proposals are not one click" is true only when that card is on the screen
(audit 13 item 18: c2, a long-QTc card alone on its screen, said it). Each such sentence is
written here once; the rule puts it in its detail, and the screen pass (services/screen.py,
`compose`) takes it out when the card it names is not shown (not produced, snoozed or answered),
so what a card says of its neighbours is always about a card the clinician can see.
"""

from __future__ import annotations

OPTIMISE = "optimize-switch-augment"

# The holding cards' line (rules/one_click_hold.py holds the proposals themselves).
HOLDS_OPTIMISE = (
    "While this card is open, the optimise card's medication proposals are not one click."
)
# adjunct_harm.py, a history of tardive dyskinesia only: the antipsychotic proposals are held.
HOLDS_OPTIMISE_ANTIPSYCHOTICS = (
    "While tardive dyskinesia is on record, the optimise card's antipsychotic proposals are not "
    "one click."
)
# postpartum_psychosis.py: the pathway cards stay, the optimise card's drugs as text.
OPTIMISE_AS_TEXT = (
    "The pathway cards stay; the optimise card names its drug options as text until the screen "
    "is done."
)

# Sentence -> the topic of the card it speaks of.
NAMES_CARD: dict[str, str] = {
    HOLDS_OPTIMISE: OPTIMISE,
    HOLDS_OPTIMISE_ANTIPSYCHOTICS: OPTIMISE,
    OPTIMISE_AS_TEXT: OPTIMISE,
}


def without_absent(detail: str, shown: frozenset[str]) -> str:
    """`detail` without each NAMES_CARD sentence whose card is not among the `shown` topics.
    The sentence goes with the space or blank line that joined it; a section it was alone in
    goes whole."""
    for sentence, topic in NAMES_CARD.items():
        if topic in shown or sentence not in detail:
            continue
        for old in (" " + sentence, sentence + " ", "\n\n" + sentence, sentence + "\n\n", sentence):
            if old in detail:
                detail = detail.replace(old, "", 1)
                break
    return detail
