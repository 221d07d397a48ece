"""What a course was taken for, as its records say: the product it was taken in and the reasons
its orders and statements state (split from trial_record.py, session 26: code moved unchanged).

Contrave's bupropion (a weight-management product) is never a trial (combination_products.py);
a course whose every order and statement states a non-psychiatric reason (Zyban for smoking,
duloxetine for neuropathy) is no depression trial (indications.py); a product labelled for
another use whose order states depression is judged as any course. An adjunct whose every order
states a psychiatric use the drug itself is given for (buspirone for anxiety: indication_drugs.csv)
is no augmentation (fix meds50). `course_use` takes the
verdict the course's doses and adherence gave and answers it as its stated use leaves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from operator import attrgetter

from fhir_mapping.combination_products import course_product
from fhir_mapping.condition_indications import treats
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.indications import course_indication
from fhir_mapping.record import (
    InadequacyReason,
    IndicationCategory,
    Product,
    Role,
    StatedReason,
    Verdict,
)

_DISPENSE = EventKind.DISPENSE
_REASONS = attrgetter("reasons")
_DEPRESSION_REASON = IndicationCategory.DEPRESSION

Judged = tuple[Verdict, tuple[InadequacyReason, ...], tuple[str, ...]]


@cache
def _own_uses(ingredient: str) -> frozenset[str]:
    """The uses data/indication_drugs.csv says `ingredient` treats (indication_codes.csv labels)."""
    return frozenset(label for label, names in treats().items() if ingredient in names)


def course_use(
    events: Sequence[MedicationEvent], ingredient: str, judged: Judged, role: Role | None = None
) -> tuple[Judged, Product | None, tuple[StatedReason, ...]]:
    """(the verdict, reasons and notes as the course's product and stated reasons leave
    `judged`; the product it was taken in; its stated reasons, one per (category, text))."""
    verdict, reasons, verdict_notes = judged
    # Contrave's bupropion (a weight-management product) is never a trial (combination_products).
    product, not_a_trial = course_product([e.product for e in events], ingredient)
    before_product = (verdict, reasons, verdict_notes)
    if not_a_trial is not None:
        verdict, reasons, verdict_notes = not_a_trial
    # The orders' and statements' stated reasons (indications.py): a course whose every order
    # and statement states a non-psychiatric reason (Zyban for smoking, duloxetine for
    # neuropathy) is no depression trial. Most courses state none: one attribute read per event
    # (issue 14).
    stated: tuple[StatedReason, ...] = ()
    if any(map(_REASONS, events)):
        # READ12 finding 1: an order or statement stating no reason counts as it always has (a
        # dispense states none in R4, so it says nothing either way).
        unstated = any(not e.reasons and e.kind is not _DISPENSE for e in events)
        # Fix meds50 (review K59a finding 7): buspirone 15 mg twice daily ordered for GAD
        # (F41.1) beside venlafaxine scored "Augmentation 1 (used)" and, as an adjunct in its
        # first weeks, held back the optimise card. An adjunct ordered only for a psychiatric use
        # it is itself given for (indication_drugs.csv) is no augmentation, as a non-psychiatric
        # reason makes any course no trial. Only for adjuncts: an antidepressant ordered for
        # anxiety stays counted (its dose usually treats a co-occurring depression too). An
        # adjunct with no reason on some order is counted, as any course is (READ12 finding 1).
        adjunct = role is Role.AUGMENTATION
        stated, other_use = course_indication(
            [r for e in events for r in e.reasons],
            ingredient,
            unstated=unstated,
            own_uses=_own_uses(ingredient) if adjunct else frozenset(),
            counted_as="augmentation" if adjunct else "a depression trial",
        )
        depression = [r for r in stated if r.category is _DEPRESSION_REASON]
        if not_a_trial is not None and product is not None and depression:
            # A product labelled for another use (Zyban, Contrave) whose order states depression:
            # the prescriber's stated reason is the record's word on it, so the course is judged
            # as any (recheck of review 12, q29: Zyban with no reason is no trial).
            verdict, reasons, verdict_notes = before_product
            verdict_notes = (
                *verdict_notes,
                f"{ingredient} taken in {product.brand or product.name}, ordered for "
                f"{depression[0].text}: judged as a depression trial",
            )
        if other_use is not None:
            # The order's own stated reason says more than the product's label (Zyban ordered for
            # Z72.0: "ordered for smoking cessation (Z72.0)"), so it replaces the product's no.
            if verdict is Verdict.NOT_A_TRIAL and not_a_trial is None:
                # Already no trial (low dose, a fixed course, Contrave): its own reason stays,
                # and the stated indication is said beside it.
                verdict_notes = (*verdict_notes, other_use[2])
            else:
                verdict, reasons, verdict_notes = other_use[0], other_use[1], (other_use[2],)
    return (verdict, reasons, verdict_notes), product, stated
