"""What an order check returns: `OrderCheck`, the card topics of the order hooks and the
dedupe key a card carries (one place, so every check module and the hook agree on them)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fhir_mapping.record import DraftOrder
from services import cards, data_gaps
from services.recommendation import Evidence, Indicator

# Every order check's topic starts so: a card about a drafted drug (the boxed warning goes on the
# first of them shown: order_hooks, review s21 RD finding 9).
ORDER_TOPIC_PREFIX = "order-"
REPEATS = "order-repeats-failed-trial"
ABOVE = "order-dose-above-range"
BELOW = "order-dose-below-range"
BIPOLAR = "order-bipolar-no-mood-stabiliser"
CONTRAINDICATED = "order-drug-contraindicated"
# A label warning or caution (not a contraindication) with a condition on record: its own topic,
# so the EHR and the feedback store tell the two apart (audit 13 item 15).
CAUTION = "order-drug-caution"
MAOI = "order-maoi-interaction"
AGE_LIMIT = "order-dose-above-age-limit"
NOT_TOLERATED = "order-not-tolerated"
STACKING = "order-antipsychotic-stacking"
SAME_CLASS = "order-same-class-running"
# Two or more adjuncts started on one order (review 20 RB finding 4: order_checks/adjuncts_together.py).
ADJUNCTS_TOGETHER = "order-adjuncts-together"
# A draft whose dose or the patient's age could not be read, and no other card to carry it: the
# data-quality card says which checks were not done (issue 10 "never silent"; review finding 12).
NOT_CHECKED = data_gaps.TOPIC
# A card covering many drafts would get a long joined key: past this length it is hashed, so it
# stays short and still identical for the same drafts and doses at order-select and order-sign.
DEDUPE_KEY_MAX = 200


@dataclass(frozen=True, slots=True)
class OrderCheck:
    """One check's result for one draft, before drafts of the same topic are merged."""

    topic: str
    draft: DraftOrder
    summary: str
    detail: str
    # Instead of the topic's indicator (None: the topic's), lower or higher: a repeat of a trial
    # whose failure was inferred, not measured, is information (review finding 8); a lithium
    # level above the target but within the usual range is information, and one at or above
    # lithium-toxic (1.5 mmol/L) is critical, as the chart-open lithium card is
    # (order_checks/labs.py). Findings merged into one card take the most severe
    # (order_cards._merge).
    indicator: Indicator | None = None
    # What the card rests on, when not the topic's guideline: the rows' short cites ("Serzone
    # boxed warning"). The card's source label names them (order_cards._merge).
    basis: tuple[str, ...] = ()
    # The shared sections the detail holds (card_evidence.no_kidney_labs_evidence), so the screen
    # says each once (services/screen.py; order_cards._merge passes them to the card).
    evidence: tuple[Evidence, ...] = ()
    # The summary's shorter form, when the check has one: a card that puts another concern in
    # front of this one (two SSRIs before a repeat: duplicate.py) falls back to it.
    short: str | None = None
    # Whether removing the draft would end what the card is about, so that a critical card may
    # offer it (order_cards._merge, draft_removal.py). False for a draft that only re-orders a
    # running course beside an MAOI it already runs with (order_checks/maoi_running.py):
    # removing it leaves the pair, at the old dose.
    removable: bool = True
    # The other drafts of the order the card names beside `draft` ("Fluoxetine and escitalopram
    # are both drafted"): the card's dedupe key names them too, so it is the same key whichever
    # of them is selected at order-select and at order-sign (review s28 RG finding 2).
    named: tuple[DraftOrder, ...] = ()


def drug_key(draft: DraftOrder) -> str:
    """The drug a draft names, as read: its ingredient, and the release formulation and the
    combination product when it names them ("bupropion|xl", "fluoxetine|fluoxetine/olanzapine")."""
    product = draft.product.name if draft.product is not None else None
    return "|".join(p for p in (draft.ingredient, draft.formulation, product) if p)


def dedupe_key(draft: DraftOrder, topic: str) -> str:
    """ "{draft id}:{drug}:{topic}:{mg/day}". The drug is part of it: an EHR may keep an order
    line's id while the drug is changed in the composer, or number drafts by position, and an
    answer given for escitalopram says nothing about fluoxetine (review 18b U1). Keys stored
    before the drug was in them ("{draft id}:{topic}:{mg/day}") match no card now: such an
    answer simply stops hiding its card, which is the safe direction."""
    return f"{draft.id}:{drug_key(draft)}:{topic}:{cards.fmt_mg(draft.mg_per_day)}"


def joined_key(topic: str, drafts: Iterable[DraftOrder], order: Sequence[DraftOrder] = ()) -> str:
    """The dedupe key of a card covering several drafts: their keys, each once, joined with ","
    in the order's own order (`order`: the record's drafts; a draft not in it after them, as
    met), hashed when longer than DEDUPE_KEY_MAX. The same drafts and doses give the same key
    at order-select and order-sign, whichever draft carried the finding (s28 RG finding 2)."""
    place = {(d.id, d.ingredient): i for i, d in reversed(list(enumerate(order)))}
    met = list(dict.fromkeys(drafts))
    ranked = sorted(
        range(len(met)), key=lambda i: (place.get((met[i].id, met[i].ingredient), len(order)), i)
    )
    keys = ",".join(dict.fromkeys(dedupe_key(met[i], topic) for i in ranked))
    if len(keys) > DEDUPE_KEY_MAX:
        return f"{topic}:sha256:{hashlib.sha256(keys.encode()).hexdigest()}"
    return keys
