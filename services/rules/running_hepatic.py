"""A running drug beyond its label's hepatic limit with liver disease coded (review 12 finding 9:
venlafaxine 225 mg/day running with alcoholic cirrhosis on record got no reduction line).

Each running antidepressant (the running course of each ingredient, not on hold) with a row in
data/hepatic_doses.csv is read against it when a chronic liver disease or cirrhosis code is on
record (services/hepatic_doses.reading), and all that are beyond it make ONE warning card:

- a labelled daily maximum the running dose is above (the upper end of a ranged dose), or whose
  dose could not be read (said so: it may be above);
- a label that calls the drug not recommended (vortioxetine, if severe);
- a label that asks for a reduced dose and the table marks it a warning (venlafaxine, sertraline),
  with a running dose above the drug's lowest adequate dose (data/antidepressants.csv; at or
  below it the dose may already be the reduced one): whether it is the reduced one the record
  cannot show, so the card asks to review it. Information rows (mirtazapine: dose with care) are left to the order check: on chart
  open they would be noise.

The code is read as hepatic impairment of unknown severity: the card names it with its date, says
the label's limit for the severity the label names, and asks for the Child-Pugh class to be
assessed; it never names a class the record does not show. Nothing is one click: whether to
lower, stop or switch is the prescriber's. A safety card: it speaks whatever the pathway stage.
Snoozable with a reason; the snooze is tied to the code and the drugs (`fingerprint`).
Duloxetine and nefazodone are the running-drug caution card's (data/drug_cautions.csv).

While the card is shown, the optimise card's proposals that raise such a drug or add an adjunct
to it are text, not one click (audit 13 WRONG 3; rules/one_click_hold.py): its dose is settled
first.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from services import cards, drugs, hepatic_doses, screen
from services.hepatic_doses import ASSESS_NOTE, HepaticRow, Liver
from services.interaction_table import Taking
from services.recommendation import Indicator, Recommendation, Suggestion
from services.rules import one_click_hold, running_cautions, running_dose
from services.rules.context import RuleContext

TOPIC = "running-drug-hepatic"


@dataclass(frozen=True, slots=True)
class Beyond:
    taking: Taking
    row: HepaticRow
    mg_per_day: float | None  # the running daily dose (the upper end of a range), None: not read
    # `mg_per_day` is the highest reading of a dose to confirm (running_dose.Reading): said
    # "up to N mg/day (dose to confirm)" and "may be above", never as the dose taken.
    to_confirm: bool = False

    @property
    def name(self) -> str:
        return self.taking.ingredient

    def dosed(self) -> str:
        """ "duloxetine 60 mg/day", "desvenlafaxine (dose not read)"."""
        return running_dose.dosed(self.name, self.mg_per_day, to_confirm=self.to_confirm)

    def says(self) -> str:
        row = self.row
        if row.action == "max" and row.max_mg is not None:
            top = cards.fmt_mg(row.max_mg)
            if self.mg_per_day is None:
                return f"dose not read; labelled maximum {top} mg/day"
            return f"{'may be ' if self.to_confirm else ''}above the labelled {top} mg/day"
        return f"label says {row.short}"

    def review(self) -> str:
        row = self.row
        if row.action == "avoid":
            return (
                "Review whether it should continue once the severity is known, and how to stop "
                "or switch it if not (not abruptly without a plan)"
            )
        if row.action == "max" and row.max_mg is not None:
            top = cards.fmt_mg(row.max_mg)
            if self.mg_per_day is None:
                return f"The running dose could not be read: review that it is {top} mg/day or less"
            if self.to_confirm:
                return (
                    f"Confirm the dose: its dosage lines read "
                    f"{running_dose.to_confirm_text(self.mg_per_day)}; {top} mg/day or less "
                    f"{hepatic_doses.if_severity(row)}"
                )
            return f"Review the dose: {top} mg/day or less {hepatic_doses.if_severity(row)}"
        return "Review the dose: the record cannot show whether it is the reduced one"


def _beyond(row: HepaticRow, mg_per_day: float | None) -> bool:
    if row.action == "avoid":
        return True
    if row.action == "max" and row.max_mg is not None:
        return mg_per_day is None or mg_per_day > row.max_mg
    if row.indicator is not Indicator.WARNING:
        return False  # "caution" rows are the order check's (see the docstring)
    # A "reduce" row: a running dose at or below the drug's lowest adequate dose may already be
    # the reduced one (sertraline 50 mg/day with cirrhosis), so only a dose above it, or one not
    # read, makes a card (venlafaxine 225 mg/day: review 12 finding 9); chart-open noise else.
    info = drugs.info(row.ingredient)
    floor = info.min_adequate_mg if info is not None else None
    return mg_per_day is None or floor is None or mg_per_day > floor


@dataclass(frozen=True, slots=True)
class Found:
    liver: Liver
    drugs: tuple[Beyond, ...]


def beyond_limits(ctx: RuleContext) -> Found | None:
    """The drugs running beyond their label's hepatic limit, or None (nearly every chart)."""
    taken = running_cautions.running(ctx)
    if not any(taking.ingredient in hepatic_doses.drugs() for taking, _ in taken):
        return None
    liver = hepatic_doses.reading(ctx.record)
    if liver is None:
        return None
    found: list[Beyond] = []
    seen: set[str] = set()
    for taking, _ in taken:
        row = hepatic_doses.row_for(taking.ingredient)
        if row is None or taking.ingredient in seen:
            continue
        seen.add(taking.ingredient)
        dose = running_dose.reading(ctx, taking)
        if _beyond(row, dose.mg):
            found.append(Beyond(taking, row, dose.mg, dose.to_confirm))
    return Found(liver, tuple(found)) if found else None


def _summary(found: Found) -> str:
    liver = found.liver
    if len(found.drugs) == 1:
        (d,) = found.drugs
        dosed = d.dosed()
        head = f"{dosed[0].upper()}{dosed[1:]} running {liver.with_()}"
        return cards.fit_summary(
            f"{head}: {d.says()} {hepatic_doses.if_severity(d.row)} (label)",
            f"{head}: {d.says()}",
            f"{d.name.capitalize()} running with liver disease coded: {d.says()}",
            f"{d.name.capitalize()} running with liver disease coded: review the dose (label)",
        )
    lead = f"Running beyond the labelled hepatic limit {liver.with_()}"
    return cards.fit_summary(
        f"{lead}: {cards.and_list([f'{d.dosed()} ({d.row.short})' for d in found.drugs])}",
        f"{lead}: {cards.and_list([d.dosed() for d in found.drugs])}",
        f"Running beyond the labelled hepatic limit: {cards.and_list([d.name for d in found.drugs])}",
    )


def detail(ctx: RuleContext, found: Found) -> str:
    lines = []
    for d in found.drugs:
        taking = d.taking.text()
        # Above the market's label too (mirtazapine 60 at a US site): said here, not on a card
        # of its own (running_dose.label_note, running_label_dose.py).
        label = running_dose.label_note(ctx, d.name)
        lines.append(
            f"- **{d.name.capitalize()}:** {taking[0].upper()}{taking[1:]}. "
            f"{found.liver.lead(d.row)} {d.review()}." + (f" {label}" if label else "")
        )
    return cards.join_sections(
        "\n".join(lines),
        ASSESS_NOTE,
        "Not offered as an order: whether to lower the dose, stop or switch is the "
        "prescriber's decision.",
    )


def fingerprint(found: Found) -> str:
    """The snooze fingerprint: the liver code read and each drug. Another drug, or a new liver
    code, ends a snooze."""
    return screen.pairs_key([found.liver.key()] + [f"drug|{d.name}" for d in found.drugs])


def rule(ctx: RuleContext) -> Recommendation | None:
    found = beyond_limits(ctx)
    if found is None:
        return None
    card = cards.make(TOPIC, summary=_summary(found), detail=detail(ctx, found))
    return screen.with_fields(card, evidence_key=fingerprint(found))


# --- the optimise card while this card is open --------------------------------------------------


def hold_one_click(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the optimise card's proposals that raise a drug beyond its hepatic limit, or
    add an adjunct to it, as text while this card is on the screen (not in `hidden`)."""
    if not one_click_hold.shown(recs, TOPIC, hidden):
        return list(recs)
    found = beyond_limits(ctx)
    if found is None:
        return list(recs)
    names = frozenset(d.name for d in found.drugs)

    def line(held: list[Suggestion]) -> str:
        return one_click_hold.held_line(
            "while a drug is beyond its hepatic limit",
            held,
            f"Each raises or keeps running {cards.and_list(sorted(names))}, whose dose the "
            "hepatic card asks to review: settle the dose first.",
        )

    return one_click_hold.hold_for_drugs(
        ctx,
        recs,
        names,
        line,
        held_by=f"{cards.and_list(sorted(names))} beyond its hepatic limit",
    )
