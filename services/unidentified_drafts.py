"""A draft order whose drug could not be identified, said at the order (review 15 U2).

A draft MedicationRequest that names its drug only by a `medicationReference` the service could
not resolve (not in draftOrders, not in the prefetch, not readable from the FHIR server, no
display), or by a Medication or concept with no name and no standard drug code, could be anything:
sertraline drafted beside a running phenelzine gave a quiet `{"cards": []}`. None of the order
checks could run on it (MAOI washout, interactions, dose range, an earlier failed trial,
contraindications, intolerances), so the order hook says so on a `data-quality` card (warning)
naming each draft, whatever other cards the hook gives: it is the order being written, not a
record of the past, so it is not folded into the other cards' "Data not read" lines.

The mapping marks these gaps (fhir_mapping/draft_medication.py); this module words them.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence

from fhir_mapping.draft_medication import UNIDENTIFIED_DRAFT
from fhir_mapping.record import DataGap
from services import cards
from services.recommendation import Recommendation

TOPIC = "data-quality"
# What the order hooks check on an identified draft (services/order_hooks.py): what was not done.
_CHECKS = (
    "MAOI washout, interactions with the drugs running now, dose range, an earlier failed "
    "trial, contraindications and intolerances"
)


def with_unidentified_drafts(
    recommendations: Sequence[Recommendation], gaps: Sequence[DataGap]
) -> list[Recommendation]:
    """`recommendations` with the unidentified drafts `gaps` said: at the top of the data-quality
    card when there is one (cards.merged), else on a card of their own."""
    if not gaps:
        return list(recommendations)
    refs = list(dict.fromkeys(_ref(g) for g in gaps))
    card = dataclasses.replace(
        cards.make(
            TOPIC,
            summary=_summary(refs),
            detail=_section(gaps),
            # Answered once for these drafts, not repeated at order-sign (order cards' keys).
            dedupe_key=",".join(f"{r}:{TOPIC}:unidentified" for r in refs),
        ),
        # A snooze of the chart's data-quality card (another record it could not read) must not
        # hide an order nobody could check: the card rests on these drafts.
        evidence_key=_fingerprint(refs),
    )
    out = list(recommendations)
    for i, rec in enumerate(out):
        if rec.topic == TOPIC:
            # Merged, the drafts first: the card now speaks for these drafts and the other
            # card's statements, so an answer or a snooze given to either alone (its dedupe or
            # evidence key) hides neither (cards.merged).
            out[i] = cards.merged(card, rec)
            return out
    out.append(card)
    return out


def _fingerprint(refs: Sequence[str]) -> str:
    """The drafts' evidence fingerprint, hashed as services/screen.py `pairs_key` hashes its
    items (not imported from there: screen -> pathway -> ... -> data_gaps is a cycle)."""
    material = "\n".join(sorted({f"unidentified-draft {r}" for r in refs}))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]


def _ref(gap: DataGap) -> str:
    return str(gap.source) if gap.source is not None else "a draft MedicationRequest with no id"


def _why(gap: DataGap) -> str:
    return gap.reason.removeprefix(UNIDENTIFIED_DRAFT).lstrip(": ") or "no reason given"


def _summary(refs: Sequence[str]) -> str:
    if len(refs) == 1:
        return cards.fit_summary(
            f"Drafted order {refs[0]}: drug not identified, so no MAOI, interaction or dose "
            "check was made",
            "Drafted order's drug not identified: no MAOI, interaction or dose check was made",
        )
    return cards.fit_summary(
        f"{len(refs)} drafted orders' drugs not identified: no MAOI, interaction or dose check "
        "was made on them"
    )


def _section(gaps: Sequence[DataGap]) -> str:
    lines = [f"- {_ref(g)}: {_why(g)}" for g in gaps]
    return "\n".join(
        [
            "**Drafted medication not identified**: the decision support could not tell which "
            f"drug is being ordered, so none of its order checks were made ({_CHECKS}). Check "
            "the drug on the order against the medications the patient takes now before "
            "signing.",
            *lines,
        ]
    )
