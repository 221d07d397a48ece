"""Daily doses of one drug ordered on several drafts, judged together (order-hook review).

Prescribers make a dose from two strengths (sertraline 100 mg + 25 mg = 125 mg/day) or order the
same drug twice by mistake (citalopram 20 mg twice = 40 mg/day, above the 20 mg/day limit over 60).
Judged one draft at a time, the first reads as "25 mg/day, below the minimum" and the second is
never tested against the limit. So the dose and age checks read the total per ingredient of the
drafts the hook is about; the card names the parts.

A ranged draft ("50-200 mg daily", "1-2 tablets") has two ends (DraftOrder.mg_per_day and
`mg_per_day_high`): the total carries both, and a ranged dose is written as its range, never as
one number that claims more than the order says (`fmt_dose`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from fhir_mapping.dose_basis import shown_dose
from fhir_mapping.drug_table import components
from fhir_mapping.record import DoseBasis, DoseSegment, DraftOrder, Trial
from fhir_mapping.sig_unclear import MARK as SIG_UNCLEAR
from services import cards
from services.dose_units import per_day
from services.microgram_doses import microgram_dose_text
from services.trial_dose_text import TO_CONFIRM, injection_dose, to_confirm_upto


def fmt_dose(mg: float | None, high: float | None) -> str:
    """A daily dose as the record states it: "50-200" for a range, "up to 200" for a range with
    no lower end, else cards.fmt_mg ("150", "unknown")."""
    if high is None:
        return cards.fmt_mg(mg)
    if mg is None:
        return f"up to {cards.fmt_mg(high)}"
    return f"{cards.fmt_mg(mg)}-{cards.fmt_mg(high)}"


def dose_text(
    mg: float | None,
    high: float | None = None,
    equivalence: str | None = None,
    *,
    as_needed: bool = False,
    as_needed_max: float | None = None,
    ingredient: str | None = None,
) -> str:
    """A daily dose with its unit, as the record states it: "150 mg/day", "50-200 mg/day"
    ("9 mg/24 h" for a patch: dose_units.per_day, given the `ingredient`), and
    for a product whose mg are not the range's mg the dose as written beside its equivalent
    ("HBr 522 mg/day (= 450 mg bupropion HCl)", "90 mg weekly (= 20 mg/day)"); a dose taken
    only as needed is no daily dose: "50 mg as needed" (cards.as_needed_text); none read at all:
    "dose not read"."""
    if as_needed:
        return cards.as_needed_text(mg, high, as_needed_max)
    if mg is None and high is None:
        # Nothing read from the record (review s20 RA finding 9: "aripiprazole unknown mg/day"
        # read as if "unknown" were a dose): say the dose was not read, as an as-needed one does.
        return "dose not read"
    return in_component(
        ingredient,
        shown_dose(equivalence, mg, high) or f"{fmt_dose(mg, high)} {per_day(ingredient)}",
    )


def in_component(ingredient: str | None, dose: str) -> str:
    """A fixed combination's dose named by the component it is read in, as Taking.text names
    it: "(bupropion 210 mg/day)" for dextromethorphan-bupropion, never "210 mg/day" beside the
    product's name, which reads as 210 mg of the product (Auvelity is 45/105 mg; review s23 RD
    leftover 3). Any other drug's dose as given."""
    if ingredient is None:
        return dose
    parts = components(ingredient)
    return f"({parts[0]} {dose})" if len(parts) > 1 else dose


def segment_dose(trial: Trial, segment: DoseSegment) -> str:
    """A segment's dose as the cards write it (the optimise and relapse cards, and the
    referral packet naming a raise not judged yet)."""
    return dose_text(
        segment.mg_per_day,
        segment.mg_per_day_high,
        trial.dose_equivalence,
        as_needed=segment.as_needed,
        as_needed_max=segment.as_needed_max_mg,
        ingredient=trial.ingredient,
    )


def draft_dose(draft: DraftOrder) -> str:
    """The draft's daily dose as `dose_text` writes it (with its unit); in micrograms for a drug
    dosed in them (microgram_doses.py)."""
    if not draft.as_needed and draft.dose_equivalence is None:
        shown = microgram_dose_text(draft.ingredient, draft.mg_per_day, draft.mg_per_day_high)
        if shown is not None:
            return shown
    return dose_text(
        draft.mg_per_day,
        draft.mg_per_day_high,
        draft.dose_equivalence,
        as_needed=draft.as_needed,
        as_needed_max=draft.as_needed_max_mg,
        ingredient=draft.ingredient,
    )


def draft_named(draft: DraftOrder) -> str:
    """The drafted drug as a card about the draft names it: with the dose it was read at
    ("Citalopram 40 mg/day"; s25 FW item 2: "Citalopram with QTc 485 ms" never said the 40 mg
    the order asks for), or its name alone when no daily dose was read or the drug is dosed per
    session or injection (esketamine: a per-session dose is no mg/day to name here)."""
    name = draft.ingredient.capitalize()
    if draft.dose_basis is not DoseBasis.DAILY or draft.mg_per_day_upper is None:
        return name
    return f"{name} {draft_dose(draft)}"


def dosed_summary(draft: DraftOrder, *candidates: str) -> str:
    """cards.fit_summary of `candidates` with the drafted dose named first: each candidate that
    leads with the drug's name is tried with its dose (draft_named) before any is tried without,
    so the summary names the dose whenever a form with it fits the 140 characters. A candidate
    that leads with another name (a partner drug) is left as it is. The card's detail names the
    dose when no form with it fits."""
    name, named = draft.ingredient.capitalize(), draft_named(draft)
    dosed = [
        named + c[len(name) :]
        for c in candidates
        if named != name
        and c.startswith(name)
        and c[len(name) : len(name) + 1] in (" ", ":", ",")
        and not c[len(name) + 1 : len(name) + 2].isdigit()  # a dose said already
    ]
    return cards.fit_summary(*dosed, *candidates)


def undosed(draft: DraftOrder, summary: str) -> str:
    """`summary` without the drafted dose dosed_summary put after the drug's name: a card that
    adds more to it (another QT-prolonging drug on the order) keeps that rather than the dose
    when both do not fit, the detail naming the dose."""
    name, named = draft.ingredient.capitalize(), draft_named(draft)
    return name + summary[len(named) :] if summary.startswith(named) else summary


def fills_basis(trial: Trial) -> str | None:
    """ "dose from fills, ordered 50-100 mg/day" when the running dose is the one the fills
    imply from their quantity and days and the order states another (Trial.ordered_mg_per_day,
    fhir_mapping/fill_dose.py; s22 RU review finding 6), else None. An order whose sig is unclear
    (fhir_mapping/sig_unclear.py: "at bedtime and at 9 PM") is quoted, so the clinician checks
    the sig the fills were read against (review s23 RR finding 3)."""
    if trial.ordered_mg_per_day is None and trial.ordered_mg_per_day_high is None:
        return None
    ordered = fmt_dose(trial.ordered_mg_per_day, trial.ordered_mg_per_day_high)
    unclear = next(
        (n[n.find(SIG_UNCLEAR) :] for n in reversed(trial.notes) if SIG_UNCLEAR in n), ""
    )
    said = f", {unclear}" if unclear else ""
    return f"dose from fills, ordered {ordered} {per_day(trial.ingredient)}{said}"


def dosed_subject(trial: Trial) -> str:
    """ "Nortriptyline 25 mg/day": the drug and its running dose (`trial_dose`) as a summary's
    subject, what a held act is said of when no longer head fits (HeldSummary.subject)."""
    return f"{trial.ingredient.capitalize()} {trial_dose(trial)}"


def trial_dose(trial: Trial, *, nested: bool = False) -> str:
    """The running dose of a trial as `dose_text` writes it (with its unit); in micrograms for a
    drug dosed in them ("liothyronine 25 µg/day", recheck 2 m25: microgram_doses.py). A dose to
    confirm, no dose read but its highest reading known, is "dose to confirm (up to 450
    mg/day)" (fix order47: "dose not read" said less than the record shows); `nested`: inside
    parentheses already, "dose to confirm, up to 450 mg/day"."""
    if trial.dose_basis is DoseBasis.INTERVAL:
        # A long-acting injection as given, never as its mg/day time average (fix lai61).
        return injection_dose(trial)
    last = trial.segments[-1] if trial.segments else None
    if trial.current_mg_per_day is None and trial.current_mg_per_day_high is None:
        upto = to_confirm_upto(trial)
        if upto is not None:
            return f"{TO_CONFIRM}, {upto}" if nested else f"{TO_CONFIRM} ({upto})"
    as_needed = last is not None and last.as_needed
    if not as_needed and trial.dose_equivalence is None:
        shown = microgram_dose_text(
            trial.ingredient, trial.current_mg_per_day, trial.current_mg_per_day_high
        )
        if shown is not None:
            return shown
    return dose_text(
        trial.current_mg_per_day,
        trial.current_mg_per_day_high,
        trial.dose_equivalence,
        as_needed=last is not None and last.as_needed,
        as_needed_max=None if last is None else last.as_needed_max_mg,
        ingredient=trial.ingredient,
    )


@dataclass(frozen=True, slots=True)
class Together:
    """Two or more daily drafts of one ingredient with readable doses."""

    ingredient: str
    parts: tuple[float, ...]  # mg/day of each draft (the lower end of a range), in draft order
    # The upper end of each part (the part itself when it is no range); empty: no part is ranged.
    parts_high: tuple[float, ...] = ()
    # Each draft's release formulation (DraftOrder.formulation), in draft order; empty: not read.
    formulations: tuple[str | None, ...] = ()

    @property
    def shared_formulation(self) -> str | None:
        """The formulation every draft names (two bupropion SR orders), else None: the total
        of SR and XL orders is judged against the drug's own maximum, not one of theirs
        (review 15 W3)."""
        named = set(self.formulations)
        return self.formulations[0] if len(named) == 1 else None

    @property
    def total(self) -> float:
        return sum(self.parts)

    @property
    def total_high(self) -> float | None:
        """The total at every part's upper end; None when no part is a range."""
        return sum(self.parts_high) if self.parts_high else None

    def parts_text(self) -> str:
        """ "225 + 150": each draft's dose, in draft order."""
        highs = self.parts_high or self.parts
        return " + ".join(
            fmt_dose(mg, high if high != mg else None)
            for mg, high in zip(self.parts, highs, strict=True)
        )

    def note(self) -> str:
        parts = self.parts_text()
        return (
            f"**{len(self.parts)} orders of {self.ingredient} together:** {parts} = "
            f"{fmt_dose(self.total, self.total_high)} mg/day, judged as one dose."
        )


def together(drafts: Sequence[DraftOrder]) -> dict[str, Together]:
    """Ingredient -> its drafts' doses, for ingredients drafted more than once at a daily dose
    that can be read. A draft dosed per session or injection, or whose dose cannot be read, is
    judged alone (its checks say so); so is one taken only as needed, which is no daily dose to
    add to another."""
    doses: dict[str, list[DraftOrder]] = {}
    for d in drafts:
        if d.dose_basis is DoseBasis.DAILY and d.mg_per_day is not None and not d.as_needed:
            doses.setdefault(d.ingredient, []).append(d)
    found: dict[str, Together] = {}
    for name, same in doses.items():
        if len(same) < 2:
            continue
        parts = tuple([d.mg_per_day for d in same if d.mg_per_day is not None])
        ranged = any(d.mg_per_day_high is not None for d in same)
        highs = tuple([d.mg_per_day_upper or 0.0 for d in same]) if ranged else ()
        found[name] = Together(name, parts, highs, tuple([d.formulation for d in same]))
    return found


def as_one(draft: DraftOrder, found: Together) -> DraftOrder:
    """The first draft of the ingredient carrying the total daily dose (both ends of a range),
    for the dose checks: judged against the formulation's ceiling only when every draft names
    the same one (`Together.shared_formulation`). A dose is one draft's, never the total's: each
    draft's single-dose limit is checked on its own (order_hooks), so the total carries none."""
    return dataclasses.replace(
        draft,
        mg_per_day=found.total,
        mg_per_day_high=found.total_high,
        formulation=found.shared_formulation,
        mg_per_dose=None,
    )
