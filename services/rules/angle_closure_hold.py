"""patient-view: the optimise card's one-click raise of a running tricyclic held while
angle-closure glaucoma is on record (review 13 W5).

A tricyclic is strongly anticholinergic, and its mydriasis can close a narrow angle
(data/drug_disease_cautions.csv). A running course is a regimen someone chose (often with the
angles treated), so the chart gets no card of its own for it; but a higher dose raises the
anticholinergic load, and the optimise card must not offer it as one click: the proposal stays on
the card as text, with a line naming the finding, so the raise is decided with the eye in mind.
Other proposals (an adjunct, a referral) are left as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fhir_mapping.record import FindingKind
from services import cards, screen
from services.order_checks import drug_disease
from services.recommendation import Recommendation, Suggestion
from services.rules import one_click_hold
from services.rules.context import RuleContext
from services.rules.optimize import card as optimise_card

_TCA = "TCA"


def _drug_words(resource: dict[str, Any]) -> set[str]:
    concept = resource.get("medicationCodeableConcept")
    words: set[str] = set()
    if not isinstance(concept, dict):
        return words
    if isinstance(concept.get("text"), str):
        words.add(concept["text"].strip().lower())
    for coding in concept.get("coding") or ():
        if isinstance(coding, dict) and isinstance(coding.get("display"), str):
            words.add(coding["display"].strip().lower())
    return words


def _orders_one_of(suggestion: Suggestion, ingredients: set[str]) -> bool:
    for action in suggestion.actions:
        resource = action.resource
        if resource is None or resource.get("resourceType") != "MedicationRequest":
            continue
        if _drug_words(resource) & ingredients:
            return True
    return False


def hold_one_click(ctx: RuleContext, recs: Sequence[Recommendation]) -> list[Recommendation]:
    """`recs` with the optimise card's proposals of a running tricyclic as text while
    angle-closure glaucoma is on record."""
    finding = drug_disease.latest(ctx, FindingKind.ANGLE_CLOSURE)
    if finding is None:
        return list(recs)
    running = {t.ingredient for t in ctx.facts.ongoing_trials if t.drug_class == _TCA}
    if not running:
        return list(recs)
    out: list[Recommendation] = []
    for rec in recs:
        held = (
            [s for s in rec.suggestions if _orders_one_of(s, running)]
            if rec.topic == optimise_card.TOPIC
            else []
        )
        if not held:
            out.append(rec)
            continue
        kept = tuple(s for s in rec.suggestions if s not in held)
        line = (
            f"**Angle-closure glaucoma on record** ({drug_disease.named(finding)}): a tricyclic is "
            "strongly anticholinergic and a higher dose can set off an angle-closure attack. Not "
            f"one click: {'; '.join(s.label for s in held)}. Check with ophthalmology that the "
            "angles are treated (a patent iridotomy) before raising it."
        )
        # The summary says the raise is held, as every hold's does (one_click_hold.held_summary).
        out.append(
            one_click_hold.held_summary(
                screen.with_fields(
                    rec, suggestions=kept, detail=cards.join_sections(line, rec.detail)
                ),
                held,
                "angle-closure glaucoma on record",
                whole=False,  # only the running tricyclic's raise is held
            )
        )
    return out
