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
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from fhir_mapping import formulations
from fhir_mapping.combination_products import product_label
from fhir_mapping.drug_table import component_mg, drug_info, shared_ingredients
from fhir_mapping.formulations import Formulation
from fhir_mapping.record import DoseBasis, DraftOrder, Role, Trial
from services import cards
from services.order_checks.model import ABOVE, REPEATS, SAME_CLASS, OrderCheck
from services.order_checks.stacking import running_dose
from services.order_doses import draft_dose
from services.recommendation import Indicator
from services.rules.context import RuleContext


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


def _daily(basis: DoseBasis, as_needed: bool, mg: float | None) -> float | None:
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


def _draft_label(draft: DraftOrder) -> str:
    """How the card names the drafted product: "Contrave", "fluoxetine/olanzapine" for one read as
    a combination product (as a running course's is named), else its drug ("bupropion")."""
    return draft.ingredient if draft.product is None else product_label(draft.product)


def _others(ctx: RuleContext, draft: DraftOrder, selected: Sequence[DraftOrder]) -> list[_Other]:
    found: list[_Other] = []
    for t in ctx.record.trials:
        shared = shared_ingredients(draft.ingredient, t.ingredient) if t.ongoing else ()
        if not shared and in_other_product(t, draft):
            shared = (t.ingredient,)
        if shared:
            mg = _daily(t.dose_basis, _trial_as_needed(t), t.current_mg_per_day_upper)
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
        if d is draft or (d in selected and i > here):
            continue
        shared = shared_ingredients(draft.ingredient, d.ingredient)
        if shared:
            mg = _daily(d.dose_basis, d.as_needed, d.mg_per_day_upper)
            line = f"{d.ingredient} {draft_dose(d)} on this same order"
            found.append(
                _Other(d.ingredient, shared, mg, line, running=False, formulation=d.formulation)
            )
    return found


def _named(other: _Other, part: str) -> str:
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


def shared_ingredient_check(
    ctx: RuleContext, draft: DraftOrder, selected: Sequence[DraftOrder] = ()
) -> OrderCheck | None:
    """The card of a draft that shares an ingredient with a running drug or another draft; None
    when it shares none (a renewal of the same product shares none: drug_table.shared_ingredients).
    `selected`: the drafts the hook checks (a pair of them is said once)."""
    others = _others(ctx, draft, selected)
    if not others:
        return None
    part = others[0].shared[0]  # the ingredient the card is about (bupropion)
    same = [o for o in others if part in o.shared]
    draft_mg = component_mg(
        draft.ingredient, part, _daily(draft.dose_basis, draft.as_needed, draft.mg_per_day_upper)
    )
    parts = [draft_mg, *(component_mg(o.ingredient, part, o.mg) for o in same)]
    known = [mg for mg in parts if mg is not None]
    total = sum(known) if len(known) == len(parts) else None
    info = drug_info(part)
    top = info.max_mg if info is not None else None
    # Review 15 W3: when every product is the one formulation (Zyban beside Wellbutrin SR: both
    # bupropion SR), the total meets that formulation's ceiling (400 mg/day, not 450); products
    # of several formulations (SR and XL) meet the ingredient's own maximum.
    form = _shared_formulation(draft, same)
    if form is not None and form.max_mg_day is not None:
        top = form.max_mg_day
    above = total is not None and top is not None and total > top
    risk = _risks().get(part)
    label = _draft_label(draft)
    name = label[:1].upper() + label[1:]
    first = same[0]
    held = _named(first, part)
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
        if draft.ingredient == part or draft_mg is None
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


def _shared_formulation(draft: DraftOrder, same: Sequence[_Other]) -> Formulation | None:
    """The formulation the draft and every other product of the ingredient name, else None."""
    keys = {draft.formulation, *(o.formulation for o in same)}
    return formulations.get(keys.pop()) if len(keys) == 1 else None


def failed_component_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """A draft that shares an ingredient with an antidepressant that failed, ended or still
    running (review 10 finding 1): bupropion after dextromethorphan-bupropion failed, or
    dextromethorphan-bupropion after bupropion failed, is no new mechanism (the switch list
    leaves it out: rules/optimize/switch.py). Said on the repeat card (topic REPEATS, merged with
    the repeat check's own finding for the draft), beside the shared-ingredient card when the
    failed product still runs (two concerns: the dose that adds up, and the mechanism that is
    not new). A failure only inferred from a stop (no PHQ-9 on treatment) is said as what the
    record shows, as information (review finding 8). A draft of a drug running now renews it
    (the repeat check's rule)."""
    if draft.role is not Role.ANTIDEPRESSANT:
        return None
    if draft.product is not None and not draft.product.counts_as_trial:
        # Contrave's bupropion is taken for weight, never chosen as a mechanism for the
        # depression (combination_products.py): "consider a different mechanism" does not apply.
        return None
    running = {t.ingredient for t in ctx.record.trials if t.ongoing}
    if draft.ingredient in running:
        return None
    failed = [
        t
        for t in ctx.record.antidepressant_trials()
        if t.failed and shared_ingredients(draft.ingredient, t.ingredient)
    ]
    if not failed:
        return None
    measured = [t for t in failed if not t.outcome_unmeasured]
    t = (measured or failed)[-1]
    part = shared_ingredients(draft.ingredient, t.ingredient)[0]
    name = draft.ingredient.capitalize()
    # "Bupropion: dextromethorphan-bupropion, which contains it, ..."; "Dextromethorphan-
    # bupropion contains bupropion, which ..."
    which = (
        f"{name}: {t.ingredient}, which contains it,"
        if draft.ingredient == part
        else f"{name} contains {part}: {t.ingredient}"
    )
    # Never "bupropion shares its bupropion" (review 10 recheck R11).
    if draft.ingredient == part:
        shares = f"{t.ingredient} contains {part}"
    elif t.ingredient == part:
        shares = f"{draft.ingredient} contains {part}"
    else:
        shares = f"{draft.ingredient} shares {part} with {t.ingredient}"
    weeks = cards.fmt_weeks((t.end - t.start).days / 7)
    top = cards.fmt_mg(t.max_mg_per_day)
    end = "ongoing" if t.ongoing else t.end.isoformat()
    if measured:
        when = "still running" if t.ongoing else f"ended {end}"
        summary = cards.fit_summary(
            f"{which} failed an adequate trial ({top} mg/day, {when}): "
            "consider a different mechanism",
            f"{which} failed an adequate trial: consider a different mechanism",
        )
        body = (
            f"An adequate trial of {t.ingredient} up to {top} mg/day ({t.start.isoformat()} – "
            f"{end}) did not bring response or remission. {shares}: "
            "a fixed combination counts as each of its components, so this "
            "is not a new mechanism; after a failure CANMAT 2023 prefers a distinct one "
            "(Figure 7.1)."
        )
        indicator = None
    else:
        summary = cards.fit_summary(
            f"{which} was stopped after {weeks} weeks at up to {top} mg/day; failure inferred "
            "(no PHQ-9 on it)",
            f"{which} was stopped after {weeks} weeks; failure inferred",
        )
        body = (
            f"{t.ingredient} was stopped after {weeks} weeks at up to {top} mg/day "
            f"({t.start.isoformat()} – {t.end.isoformat()}); whether it worked is not recorded "
            f"(no PHQ-9 on treatment): ask the patient. {shares}: "
            "if it did not work, CANMAT 2023 prefers a distinct mechanism (Figure 7.1)."
        )
        indicator = Indicator.INFO
    return OrderCheck(
        REPEATS,
        draft,
        summary,
        cards.join_sections(body, cards.trial_table([t], ctx.policy.mapping)),
        indicator,
    )
