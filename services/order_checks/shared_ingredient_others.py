"""The other products of a drafted drug's ingredient (shared_ingredient.py's card): the running
courses and the other drafts that share an ingredient with the draft (`other_products`), each with
its daily dose when one can be added (`daily_mg`), the product it is taken in and its release
formulation; how the card names one with its dose (`named_with_dose`); the formulation every
product names (`shared_formulation`: its ceiling); and whether a running course of the draft's
own drug is taken in another product (`in_other_product`: a second product, never a renewal).

Apart from the card because it reads the record and the drafts only; the card adds up the doses
and words them. The order hook's renewal rule and the repeat check read `in_other_product` too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from fhir_mapping import formulations
from fhir_mapping.combination_products import product_label
from fhir_mapping.drug_table import component_mg, shared_ingredients
from fhir_mapping.formulations import Formulation
from fhir_mapping.record import DoseBasis, DraftOrder, Trial
from services import cards
from services.order_checks.stacking import running_dose
from services.order_doses import draft_dose
from services.rules.context import RuleContext


@dataclass(frozen=True, slots=True)
class _Other:
    """The other product of the shared ingredient: a running course or another draft."""

    ingredient: str
    shared: tuple[str, ...]  # the ingredients it has in common with the draft
    mg: float | None  # its daily dose (upper end); None: no daily dose to add
    line: str  # how the detail names it, with its dose, start and resource
    running: bool
    product: str | None = None  # the combination product it is taken in, when it is one drug
    # A running course's stop dated the day of the draft (Trial.stops_on), or its order's end
    # within a cross-taper's weeks (Trial.ends_soon); None: it runs on.
    stops_on: date | None = None
    ends_soon: date | None = None
    # The release formulation it names (Trial.formulation, DraftOrder.formulation), else None.
    formulation: str | None = None


def daily_mg(basis: DoseBasis, as_needed: bool, mg: float | None) -> float | None:
    """A daily dose that can be added to another: None for a dose taken as needed or per session
    or injection, or one that was not read."""
    if basis is not DoseBasis.DAILY or as_needed:
        return None
    return mg


def _trial_as_needed(trial: Trial) -> bool:
    last = trial.segments[-1] if trial.segments else None
    return last is not None and last.as_needed


def _product(trial: Trial) -> str:
    """How a card names the combination product a course was read from: "fluoxetine/olanzapine";
    "Contrave" for one taken for another indication (combination_products.product_label)."""
    if trial.product is None:
        return f"a combination product with {trial.ingredient}"
    return product_label(trial.product)


def _product_line(trial: Trial) -> str:
    """ " (in fluoxetine/olanzapine)"; " (Contrave's bupropion: naltrexone/bupropion for chronic
    weight management)", so the clinician knows which product to look for on the list."""
    product = trial.product
    if product is None or product.counts_as_trial or product.brand is None:
        return f" (in {_product(trial)})"
    use = f" for {product.indication}" if product.indication else ""
    if "/" not in product.name:
        # A product of the one drug (Zyban, bupropion SR for smoking cessation): its table name
        # "bupropion (smoking cessation)" said again as "Zyban's bupropion: bupropion (smoking
        # cessation) for smoking cessation" read garbled (audit 15 M5); the brand, the drug and
        # its release formulation when the course names one, then the use, once.
        form = formulations.get(trial.formulation)
        shown = f" {form.shown_as}" if form is not None else ""
        return f" ({product.brand}: {trial.ingredient}{shown}{use})"
    return f" ({product.brand}'s {trial.ingredient}: {product.name}{use})"


def in_other_product(trial: Trial, draft: DraftOrder) -> bool:
    """A running course of the draft's own drug taken in another product than the draft's
    (review 10 recheck R2): fluoxetine drafted while Symbyax runs, bupropion XL while Contrave
    runs, and the other way round, Contrave drafted while bupropion XL runs. It is a second product
    of the ingredient, never a renewal: the doses add up (bupropion 300 + Contrave's 360 = 660
    mg/day). The same product drafted again (Contrave while Contrave runs, Symbyax while Symbyax
    runs, plain bupropion while plain bupropion runs) is a renewal. Both sides name their product
    as it was read with the drug (Trial.product, DraftOrder.product:
    fhir_mapping/combination_products.py)."""
    return trial.ongoing and trial.ingredient == draft.ingredient and trial.product != draft.product


def other_products(
    ctx: RuleContext, draft: DraftOrder, selected: Sequence[DraftOrder]
) -> list[_Other]:
    found: list[_Other] = []
    for t in ctx.record.trials:
        shared = shared_ingredients(draft.ingredient, t.ingredient) if t.ongoing else ()
        if not shared and in_other_product(t, draft):
            shared = (t.ingredient,)
        if shared:
            mg = daily_mg(t.dose_basis, _trial_as_needed(t), t.current_mg_per_day_upper)
            # The course's own product when it is one (Contrave); plain bupropion beside a
            # drafted Contrave is named as itself.
            in_product = t.ingredient == draft.ingredient and t.product is not None
            product = _product(t) if in_product else None
            line = running_dose(t) + (_product_line(t) if product else "")
            found.append(
                _Other(
                    t.ingredient,
                    shared,
                    mg,
                    line,
                    running=True,
                    product=product,
                    stops_on=t.stops_on,
                    ends_soon=t.ends_soon,
                    formulation=t.formulation,
                )
            )
    drafts = list(ctx.record.draft_orders)
    here = drafts.index(draft) if draft in drafts else len(drafts)
    for i, d in enumerate(drafts):
        # A pair of drafts is said once, on the later one when the hook checks both; a draft the
        # hook does not check (not selected) is met from the one it does.
        if d is draft or (d in selected and i > here) or draft.other_reading(d):
            continue
        shared = shared_ingredients(draft.ingredient, d.ingredient)
        if shared:
            mg = daily_mg(d.dose_basis, d.as_needed, d.mg_per_day_upper)
            line = f"{d.ingredient} {draft_dose(d)} on this same order"
            found.append(
                _Other(d.ingredient, shared, mg, line, running=False, formulation=d.formulation)
            )
    return found


def named_with_dose(other: _Other, part: str) -> str:
    """ "bupropion 300 mg/day", "dextromethorphan-bupropion (bupropion 210 mg/day)",
    "fluoxetine/olanzapine (fluoxetine 25 mg/day)"."""
    mg = component_mg(other.ingredient, part, other.mg)
    if other.product is not None:
        return (
            other.product if mg is None else f"{other.product} ({part} {cards.fmt_mg(mg)} mg/day)"
        )
    if mg is None:
        return other.ingredient
    dose = f"{cards.fmt_mg(mg)} mg/day"
    return (
        f"{other.ingredient} {dose}"
        if other.ingredient == part
        else f"{other.ingredient} ({part} {dose})"
    )


def shared_formulation(draft: DraftOrder, same: Sequence[_Other]) -> Formulation | None:
    """The formulation the draft and every other product of the ingredient name, else None."""
    keys = {draft.formulation, *(o.formulation for o in same)}
    return formulations.get(keys.pop()) if len(keys) == 1 else None
