"""patient-view: a strongly anticholinergic antidepressant running in an older adult (review 11
finding 1).

Amitriptyline 75 mg at 84 with repeated falls, paroxetine 40 mg at 81 with falls: the optimise
card offered one-click aripiprazole "adjunct to the current antidepressant", and neither "fall"
nor "anticholinergic" appeared on any card. AGS Beers 2023 (data/older_adult_cautions.csv) says to
avoid these drugs from 65 (strongly anticholinergic, sedating, orthostatic hypotension), and with a
history of falls to avoid antidepressants unless safer alternatives are not available.

One warning card names each such drug running (dose, start, source), the age, the falls on record
(data/falls_codes.csv, with code and date) and the Beers lines with their status, and asks to
consider switching rather than building on the drug. Nothing is one click: whether and how to
taper is the prescriber's decision (stopping a tricyclic abruptly has its own withdrawal risk).

While the card is on the screen (not snoozed), the optimise card carries one line saying so, and
its medication proposals are text, not one click: an adjunct or a higher dose commits the patient
further to the drug the criteria say to avoid (the safer reading; the low-sodium card does the
same, rules/running_sodium.py). A snooze with a reason brings the one-click proposals back.

A drug its label doses by level at this age (data/older_adult_level_doses.csv: nortriptyline,
30-50 mg/day for elderly patients, 50-150 ng/mL) running above the label's older-adult range
gets the order check's line (order_checks/older_adult_level_dose.py, one reading:
older_adult_level_reading.for_trial) under its Beers line, and the summary names it when it fits
(review K30c, cards45 item 2: at 78 on 75 mg/day chart open said only "strongly anticholinergic"
while the order check for the same dose said "above the label's older-adult 30-50 mg/day" and
asked for a level and an ECG). A level on the current dose says what it shows instead.

A safety card: it speaks whatever the pathway stage (the anticholinergic load does not lapse with
remission). Its snooze fingerprint is the drugs and the falls records, so a new fall, or another
such drug started, brings it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from fhir_mapping.record import Finding
from services import (
    cards,
    older_adult_cautions,
    older_adult_level_reading,
    older_adult_levels,
    screen,
    screen_refs,
    tables,
)
from services.interaction_table import Taking
from services.older_adult_cautions import OlderAdultCaution
from services.order_checks import drug_disease
from services.order_checks.drug_disease import DrugDiseaseCaution
from services.recommendation import Recommendation, Suggestion
from services.rules import one_click_hold, running_cautions
from services.rules.context import RuleContext

TOPIC = "older-adult-anticholinergic"


@dataclass(frozen=True, slots=True)
class Running:
    taking: Taking
    row: OlderAdultCaution
    falls_row: OlderAdultCaution | None
    # Angle-closure glaucoma or urinary retention coded, with this drug's row of
    # data/drug_disease_cautions.csv (review 13 recheck, W5 partly: paroxetine running at 65 with
    # angle-closure glaucoma named the glaucoma nowhere). Open-angle glaucoma is not this finding.
    conditions: tuple[tuple[DrugDiseaseCaution, Finding], ...] = ()
    # Above the label's older-adult range of a drug dosed by level (`_level_line`): the range,
    # "30-50 mg/day", and the line; "" for none.
    above_label: str = ""
    level_line: str = ""


@dataclass(frozen=True, slots=True)
class Found:
    age: int
    drugs: tuple[Running, ...]
    falls: tuple[Finding, ...]


def found(ctx: RuleContext) -> Found | None:
    age = ctx.record.patient.age
    if age is None:
        return None
    falls = older_adult_cautions.falls_on_record(ctx)
    drugs: list[Running] = []
    for taking, drug_class in running_cautions.running(ctx):
        # An as-needed dose is no daily dose: read as not known (doxepin: the safer reading).
        daily = None if taking.as_needed else taking.mg_per_day
        row = older_adult_cautions.anticholinergic(taking.ingredient, daily, age)
        if row is not None:
            fall_row = older_adult_cautions.falls_row(drug_class, age) if falls else None
            conditions = drug_disease.coded_for(ctx, taking.ingredient, drug_class)
            above, level = _level_line(ctx, taking, daily, age)
            drugs.append(Running(taking, row, fall_row, conditions, above, level))
    if not drugs:
        return None
    return Found(age, tuple(drugs), falls)


def _level_line(ctx: RuleContext, taking: Taking, daily: float | None, age: int) -> tuple[str, str]:
    """The label's older-adult range and the order check's line for a running dose above it
    (order_checks/older_adult_level_dose.py: "at 78 its label gives 30-50 mg/day for elderly
    patients and optimal responses at plasma levels of 50-150 ng/mL (...): check a nortriptyline
    level (and an ECG) before any raise, ..."), read by the level on the current dose of the
    running course; ("", "") within the range, or a dose not read. Said as on
    the prescriber's own order (`at_order`): this card offers no order either."""
    row = older_adult_levels.for_patient(taking.ingredient, age)
    if row is None or daily is None or daily <= row.label_high:
        return "", ""
    # The running course, in or before this episode (a remission's episode has no trials yet:
    # the level on record still counts).
    running = [t for t in ctx.record.trials if t.ongoing and t.ingredient == taking.ingredient]
    levelled = (
        older_adult_level_reading.for_trial(
            ctx.record, ctx.policy, max(running, key=lambda t: t.start)
        )
        if running
        else None
    )
    check = (levelled or row).check_words(at_order=True)
    return row.label_range(), (
        f"Above the label's older-adult {row.label_range()}: {row.label_words(age)}: {check}"
    )


def _dose(taking: Taking) -> str:
    if taking.mg_per_day is None or taking.as_needed:
        return taking.ingredient
    return f"{taking.ingredient} {cards.fmt_mg(taking.mg_per_day)} mg/day"


def _conditions(f: Found) -> list[str]:
    """ "angle-closure glaucoma", "urinary retention": the drug-disease findings of the drugs."""
    kinds = dict.fromkeys(row.finding for d in f.drugs for row, _ in d.conditions)
    return [drug_disease.words(kind) for kind in kinds]


def _summary(f: Found) -> str:
    cite = f.drugs[0].row.cite
    # The coded condition leads: it is the more specific danger (review 13 recheck, W5).
    found = [w for w in (*_conditions(f), older_adult_cautions.falls_words(f.falls)) if w]
    falls = f" with {cards.and_list(found)}" if found else ""
    if len(f.drugs) == 1:
        dose = _dose(f.drugs[0].taking)
        name = f"{dose[0].upper()}{dose[1:]}"
        short = f.drugs[0].taking.ingredient.capitalize()
        above = f.drugs[0].above_label
        label = f", above the label's older-adult {above}" if above else ""
        return cards.fit_summary(
            *(
                (
                    f"{name} at {f.age}{falls}: strongly anticholinergic ({cite}){label}; "
                    "consider switching",
                    f"{short} at {f.age}{falls}: strongly anticholinergic ({cite}){label}",
                )
                if above
                else ()
            ),
            f"{name} at {f.age}{falls}: strongly anticholinergic ({cite}); consider switching "
            "rather than building on it",
            f"{short} at {f.age}{falls}: strongly anticholinergic ({cite}); consider switching "
            "rather than building on it",
            f"{short} at {f.age}{falls}: strongly anticholinergic ({cite})",
        )
    names = cards.and_list([d.taking.ingredient for d in f.drugs])
    return cards.fit_summary(
        f"{names.capitalize()} at {f.age}{falls}: strongly anticholinergic ({cite}); consider "
        "switching",
        f"{names.capitalize()} at {f.age}: strongly anticholinergic ({cite})",
    )


def _line(d: Running) -> str:
    text = d.taking.text()
    flag = " (UNVERIFIED)" if d.row.unverified else ""
    unread = (
        f" The daily dose was not read; the line applies above "
        f"{cards.fmt_mg(d.row.above_mg_day)} mg/day."
        if d.row.above_mg_day is not None and (d.taking.mg_per_day is None or d.taking.as_needed)
        else ""
    )
    line = f"- {text[0].upper()}{text[1:]}: {d.row.cite}: {d.row.line}{flag}.{unread}"
    if d.level_line:
        line += f"\n  - {d.level_line}"
    for row, finding in d.conditions:
        # The same words as the order card's line (order_checks/drug_disease.py), for a drug
        # already running: the condition is named and the action stays the prescriber's.
        status = " (UNVERIFIED)" if row.status == "UNVERIFIED" else ""
        line += (
            f"\n  - {drug_disease.on_record(row.finding, finding)}: {d.taking.ingredient}: "
            f"{row.note} "
            f"({row.cite}{status}). {row.action[0].upper()}{row.action[1:]}."
        )
    return line


def detail(f: Found) -> str:
    falls_row = next((d.falls_row for d in f.drugs if d.falls_row is not None), None)
    return cards.join_sections(
        f"**At {f.age}, strongly anticholinergic** ({f.drugs[0].row.cite}, adults "
        f"{f.drugs[0].row.min_age} and older):\n" + "\n".join(_line(d) for d in f.drugs),
        older_adult_cautions.falls_line(falls_row, f.falls),
        "Consider switching to an antidepressant that is not strongly anticholinergic rather "
        "than adding to it or raising it. Not offered as an order: whether and how to taper is "
        f"the prescriber's decision. {screen_refs.HOLDS_OPTIMISE}",
        older_adult_cautions.source_line(*(d.row for d in f.drugs), falls_row),
    )


def fingerprint(f: Found) -> str:
    """The drugs and the falls records: a new fall or another such drug ends a snooze."""
    return screen.pairs_key(
        [f"drug|{d.taking.ingredient}" for d in f.drugs]
        + [f"cond|{x.code}|{x.onset}" for d in f.drugs for _, x in d.conditions]
        + [f"fall|{x.code}|{x.onset}|{x.source}" for x in f.falls]
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    f = found(ctx)
    if f is None:
        return None
    card = cards.make(TOPIC, summary=_summary(f), detail=detail(f))
    return screen.with_fields(card, evidence_key=fingerprint(f))


# --- the optimise card while this card is open --------------------------------------------------


def hold_one_click(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with one line on the optimise card, and its medication proposals as text, while
    this card is on the screen (not in `hidden`): see the module docstring."""
    if not one_click_hold.shown(recs, TOPIC, hidden):
        return list(recs)
    f = found(ctx)
    if f is None:
        return list(recs)
    names = cards.and_list([_dose(d.taking) for d in f.drugs])

    def line(held: list[Suggestion]) -> str:
        proposals = f" Not one click: {'; '.join(s.label for s in held)}." if held else ""
        return (
            f"**{names[0].upper()}{names[1:]} at {f.age}: strongly anticholinergic** "
            f"({f.drugs[0].row.cite}; {tables.topic(TOPIC).display} card): consider switching "
            f"before adding to it or raising it.{proposals}"
        )

    return one_click_hold.hold_drug_orders(
        recs, line, held_by=f"strongly anticholinergic at {f.age}", whole=True
    )
