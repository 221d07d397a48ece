"""A drug ordered beside another product of one of its ingredients (review 10 finding 1):
bupropion XL drafted while Auvelity (dextromethorphan-bupropion) runs, Auvelity drafted while
bupropion runs, or both on one order.

A fixed combination counts as each of its components (fhir_mapping/drug_table.py `components`,
the drug table's `combination_of` column). Its class ("NMDA antagonist") is not its components'
("NDRI") and its name is not theirs, so neither the same-class check nor the renewal check sees
the duplicate. The patient would take both, and the shared ingredient adds up: bupropion 300 mg/day
+ Auvelity's 210 = 510 mg/day, above the 450 mg/day maximum, and bupropion's seizure risk is
dose-related (services/data/shared_ingredient_risks.csv). The Auvelity label asks prescribers to
screen for other medicines that contain bupropion or dextromethorphan.

The card is one per draft: the above-range card when the shared ingredient's total is above its
maximum (the drug table's `max_mg_day`), else the same-class card ("both contain bupropion"), in
both cases asking for one product (plan the switch, stop the other). The total reads the upper end
of a ranged dose (what the patient may take). A dose that cannot be added (as needed, per session,
not read) is said, never counted as zero.

This module holds the card (`shared_ingredient_check`) and the risk words a second product of an
ingredient adds (`risk_words`, data/shared_ingredient_risks.csv). The other products it finds (a
running course or another draft, with its dose, product and formulation) are
shared_ingredient_others.py, and a draft sharing an ingredient with a product that failed (the
repeat card's finding) is failed_component.py; their public names stay importable from here.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.combination_products import product_label
from fhir_mapping.drug_table import component_mg, components, drug_info
from fhir_mapping.record import DraftOrder
from services import cards
from services.order_checks.failed_component import failed_component_check
from services.order_checks.model import ABOVE, SAME_CLASS, OrderCheck
from services.order_checks.shared_ingredient_others import (
    daily_mg,
    in_other_product,
    named_with_dose,
    other_products,
    shared_formulation,
)
from services.order_doses import draft_dose
from services.recommendation import Indicator
from services.rules.context import RuleContext

# The names other modules use, kept importable from here (the other products' and the failed
# component check among them).
__all__ = [
    "failed_component_check",
    "in_other_product",
    "risk_words",
    "shared_ingredient_check",
]


@dataclass(frozen=True, slots=True)
class _Risk:
    risk: str  # why the total matters, for the card's detail
    short: str  # the same in two or three words, for the summary ("seizure risk")


@cache
def _risks() -> dict[str, _Risk]:
    """services/data/shared_ingredient_risks.csv: ingredient -> what a second product of it adds."""
    text = (
        resources.files("services").joinpath("data/shared_ingredient_risks.csv").read_text("utf-8")
    )
    return {
        row["ingredient"].strip(): _Risk(row["risk"].strip(), row["short"].strip())
        for row in csv.DictReader(text.splitlines())
    }


def risk_words(ingredient: str) -> tuple[str, str] | None:
    """(why a second product of `ingredient` matters, the same in a few words) from
    data/shared_ingredient_risks.csv, or None: the wording the mixed-release total of one drug's
    drafts shares with this card (order_checks/release_mix.py)."""
    found = _risks().get(ingredient)
    return None if found is None else (found.risk, found.short)


def _draft_label(draft: DraftOrder) -> str:
    """How the card names the drafted product: "Contrave", "fluoxetine/olanzapine" for one read as
    a combination product (as a running course's is named), else its drug ("bupropion")."""
    return draft.ingredient if draft.product is None else product_label(draft.product)


def shared_ingredient_check(
    ctx: RuleContext, draft: DraftOrder, selected: Sequence[DraftOrder] = ()
) -> OrderCheck | None:
    """The card of a draft that shares an ingredient with a running drug or another draft; None
    when it shares none (a renewal of the same product shares none: drug_table.shared_ingredients).
    `selected`: the drafts the hook checks (a pair of them is said once)."""
    others = other_products(ctx, draft, selected)
    if not others:
        return None
    part = others[0].shared[0]  # the ingredient the card is about (bupropion)
    same = [o for o in others if part in o.shared]
    draft_mg = component_mg(
        draft.ingredient, part, daily_mg(draft.dose_basis, draft.as_needed, draft.mg_per_day_upper)
    )
    parts = [draft_mg, *(component_mg(o.ingredient, part, o.mg) for o in same)]
    known = [mg for mg in parts if mg is not None]
    total = sum(known) if len(known) == len(parts) else None
    info = drug_info(part)
    top = info.max_mg if info is not None else None
    # Review 15 W3: when every product is the one formulation (Zyban beside Wellbutrin SR: both
    # bupropion SR), the total meets that formulation's ceiling (400 mg/day, not 450); products
    # of several formulations (SR and XL) meet the ingredient's own maximum.
    form = shared_formulation(draft, same)
    if form is not None and form.max_mg_day is not None:
        top = form.max_mg_day
    above = total is not None and top is not None and total > top
    risk = _risks().get(part)
    label = _draft_label(draft)
    name = label[:1].upper() + label[1:]
    first = same[0]
    held = named_with_dose(first, part)
    first_name = first.product or first.ingredient
    # "Bupropion ordered while X runs", "Bupropion and X on one order"
    lead = (
        (f"{name} ordered while {held} runs", f"{name} ordered while {first_name} runs")
        if first.running
        else (f"{name} and {held} on one order", f"{name} and {first_name} on one order")
    )
    if above:
        short = f"; {risk.short}" if risk is not None else ""
        # "510 mg/day total" is the draft's own drug when it is the shared one; a combination
        # drafted (Auvelity, Contrave) says whose mg they are.
        of = "" if draft.ingredient == part and draft.product is None else f"{part} "
        summary = cards.fit_summary(
            f"{lead[0]}: {of}{cards.fmt_mg(total)} mg/day total, above "
            f"{cards.fmt_mg(top)}{short}; do not combine",
            f"{name} with {first_name}: {part} {cards.fmt_mg(total)} mg/day, above "
            f"{cards.fmt_mg(top)}{short}; do not combine",
        )
    else:
        summary = cards.fit_summary(
            f"{lead[1]}: both contain {part}; use one product",
            f"{name}: {first_name} also contains {part}; use one product",
        )
    draft_part = (
        f"{label} (this order: {draft.ingredient} {draft_dose(draft)})"
        if draft.product is not None
        else f"{draft.ingredient} {draft_dose(draft)} (this order)"
        # The dose already read in the shared part names it: "(bupropion 210 mg/day)".
        if draft.ingredient == part or draft_mg is None or components(draft.ingredient)[0] == part
        else f"{draft.ingredient} {draft_dose(draft)} (this order: {part} "
        f"{cards.fmt_mg(draft_mg)} mg/day)"
    )
    lines = [
        f"**Products that contain {part}:** {draft_part}; " + "; ".join(o.line for o in same) + "."
    ]
    if total is not None:
        whose = (
            f"{form.shown_as} maximum ({form.cite}{form.flag})"
            if form is not None and form.max_mg_day is not None
            else "maximum (CANMAT 2023 Table 3.3)"
        )
        limit = (
            f", above the {cards.fmt_mg(top)} mg/day {whose}"
            if above
            else (f", within the {cards.fmt_mg(top)} mg/day maximum" if top is not None else "")
        )
        lines.append(f"Together: {part} {cards.fmt_mg(total)} mg/day{limit}.")
    else:
        lines.append(
            f"The {part} total could not be added up (a dose that was not read, taken as "
            "needed, or whose share of it the drug table does not hold): check it by hand."
        )
    if risk is not None:
        lines.append(f"{risk.risk[0].upper()}{risk.risk[1:]}.")
    indicator: Indicator | None = None
    if first.running and first.stops_on is not None:
        # The running product's stop is dated the day of the draft (review 14 audit d01 / y04):
        # a planned switch, the two are not taken together; said as such, as information, not
        # "if both are meant to continue, say why".
        day = first.stops_on.isoformat()
        lines.append(
            f"Use one {part} product: {first_name}'s stop is dated {day}; start {label} after "
            "its last dose, not beside it."
        )
        summary = cards.fit_summary(
            f"{name} replacing {first_name} (stop dated {day}): both contain {part}; start it "
            "after the last dose",
            f"{name} replacing {first_name} (stop dated {day}): both contain {part}",
        )
        indicator = Indicator.INFO
    elif first.running and first.ends_soon is not None:
        # Its order ends within a cross-taper's weeks: the products overlap until then, so the
        # card stays a warning (the total adds up while both are taken); it says the date.
        lines.append(
            f"Use one {part} product: {first_name}'s order ends {first.ends_soon.isoformat()}; "
            f"if {label} replaces it, the {part} of both adds up until then (start {label} "
            f"after its last dose, or lower one); renewing {first_name} would keep both."
        )
    elif first.running:
        lines.append(
            f"Use one {part} product: if {label} replaces {first_name}, stop "
            f"{first_name} when {label} starts and record the stop date; if both "
            "are meant to continue, say why."
        )
    else:
        lines.append(f"Use one {part} product: keep one of the two orders.")
    topic = ABOVE if above else SAME_CLASS
    return OrderCheck(topic, draft, summary, " ".join(lines), indicator)
