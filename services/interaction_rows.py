"""The interaction table's rows (data/drug_interactions.csv; interaction_table.py says what the
table holds and what it is not): each row's drug, partners, severity and words, when it speaks
for a pair (`InteractionRow.applies`: its dose rule; `severity_when`: the chart severity of two
drugs only taken), and the lookups by drug (`rows_about`, `rows_for`, `row_drugs`,
`with_taken`: the rows a drug a card might propose has with what the patient takes).

Apart from the pairs (interaction_table.py) because the optimise card and the running-drug
cards read the rows alone, without finding pairs; `SEVERITY_RANK` orders severities for both.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from fhir_mapping.drug_table import all_drugs, drug_info
from services.recommendation import Indicator

if TYPE_CHECKING:
    from services.interaction_takings import Taking

SEVERITY_RANK = {Indicator.CRITICAL: 0, Indicator.WARNING: 1, Indicator.INFO: 2}
# Within one severity, the pairs of a card are ordered by the row's `grade` (column grade: an
# interaction reference's grade, with its source in the row's `source`), so the most dangerous
# pair leads the summary (review 21 RF finding 5: "ibuprofen + lithium", lithium toxicity, was the
# tail of a summary led by the bleeding risk of ibuprofen with venlafaxine, both warnings). A row
# with no grade read ranks as moderate: neither promoted nor demoted.
GRADE_RANK = {"major": 0, "moderate": 1, "": 1, "minor": 2}
_CLASS = "class:"
# How far a dose may be from a strength and still be that strength (the gepirone strengths are
# rounded to 0.1 mg: InteractionRow.off_strength).
_STRENGTH_ROUNDING_MG = 0.1


@dataclass(frozen=True, slots=True)
class InteractionRow:
    id: str
    drug: str
    partners: tuple[str, ...]  # ingredients and class:NAME tokens
    severity: Indicator
    short: str  # the risk in a few words, for a card summary
    act: str  # the action in a few words, for a card summary
    risk: str
    action: str
    source: str
    status: str
    # A short citation for a clause on a card ("Orap label 4"): the optimise card names it when
    # it leaves a drug out of its lists or cautions one (review 9 finding 3); `source` is the
    # full one.
    cite: str = ""
    # The severity when both drugs are only running (the patient-view card, on every chart
    # open), when the table's column chart_severity gives one: an NSAID beside an SSRI is a
    # warning when either is ordered and info (no chart card) once both run (review 12 recheck
    # q14). None: the same as `severity`.
    chart_severity: Indicator | None = None
    # The row applies only when its own drug's daily dose is above this (column dose_above_mg):
    # the zuranolone label's answer to a strong CYP3A4 inhibitor is 30 mg/day, so a course or
    # draft at 30 mg already follows it and a card would be noise. A dose not read, or taken as
    # needed, is above (the safer reading). None: any dose.
    dose_above_mg: float | None = None
    # The lowest strength of the row's own drug where the row's dose rule cannot be followed
    # (column floor_mg): the gepirone label halves the dose with a moderate CYP3A4 inhibitor,
    # and 18.2 mg, its lowest strength, is a whole tablet (audit 17 W6: the summary said "halve
    # the gepirone dose" on an 18.2 mg order). At or below it the summary says `floor_summary`
    # in place of "short; act". None: the rule can always be followed.
    floor_mg: float | None = None
    floor_summary: str = ""
    # The row's dose rule as a factor of the own drug's dose (column dose_factor: 0.5, the
    # gepirone label's "reduce by 50 %"), and the strengths its tablets come in (column
    # strengths_mg). Review 17 second recheck M4: half of gepirone 54.5 mg is 27.3 mg, which no
    # tablet gives (they are swallowed whole), so "halve the dose" cannot be followed as said:
    # `off_strength` finds the strength to name instead. Empty: the rule is followed as said.
    dose_factor: float | None = None
    strengths_mg: tuple[float, ...] = ()
    # "major" | "moderate" | "minor" | "" (not read): orders pairs of one severity (GRADE_RANK).
    grade: str = ""
    # Column `settles` ("yes"): a standing risk the row's action manages by watching (an SSRI or
    # SNRI beside an anticoagulant or antiplatelet: bleeding), so a pair of it whose two drugs
    # have run together past policy.interaction_settled_days is no chart-open card
    # (rules/interactions.py). Blank: the pair shows however long it has run (a level to check,
    # a dose to lower, an effect lost, serotonin toxicity, QT).
    settles: bool = False
    # Column `prefer_switch` ("yes"): the row's action is another antidepressant in place of the
    # partner (tamoxifen: prefer venlafaxine, desvenlafaxine or mirtazapine), so the optimise
    # card never says "raise" the running partner beside it (K63b finding 6; optimize/
    # ruled_against.py). Blank: the pair is managed with both drugs kept.
    prefer_switch: bool = False

    @property
    def grade_rank(self) -> int:
        return GRADE_RANK.get(self.grade, GRADE_RANK[""])

    def applies(self, first: Taking, second: Taking) -> bool:
        """Whether the row speaks for this pair: always, unless its rule is a dose the row's own
        drug is already at or below (`dose_above_mg`)."""
        if self.dose_above_mg is None:
            return True
        own = first if self.is_about(first.ingredient) else second
        mg = own.mg_per_day
        return own.as_needed or mg is None or mg > self.dose_above_mg

    def at_floor(self, first: Taking, second: Taking) -> bool:
        """Whether the row's own drug is at or below `floor_mg`, where its dose rule cannot be
        followed. A dose not read, or taken as needed, is not: the general wording stands."""
        if self.floor_mg is None or not self.floor_summary:
            return False
        own = first if self.is_about(first.ingredient) else second
        mg = own.mg_per_day
        return not own.as_needed and mg is not None and mg <= self.floor_mg

    def off_strength(self, first: Taking, second: Taking) -> tuple[float, float, float] | None:
        """(dose, factor x dose, strength to use) when the row's dose rule gives a dose no
        strength matches (gepirone 54.5 mg halved: 27.3 mg); None when it does, or no rule, dose
        or strength is known. The strength to use is the largest at or below the target (18.2
        mg): the safer choice, since the next one up (36.3 mg) gives more exposure than the label
        allows with the inhibitor. Within 0.1 mg counts as a match: the strengths are rounded
        (half of 36.3 mg is 18.15, the 18.2 mg tablet). None at or below `floor_mg`, where
        `floor_summary` speaks."""
        if self.dose_factor is None or not self.strengths_mg or self.at_floor(first, second):
            return None
        own = first if self.is_about(first.ingredient) else second
        mg = own.mg_per_day
        if own.as_needed or mg is None:
            return None
        target = mg * self.dose_factor
        if any(abs(s - target) <= _STRENGTH_ROUNDING_MG for s in self.strengths_mg):
            return None
        below = [s for s in self.strengths_mg if s <= target]
        if not below:
            return None
        return mg, target, max(below)

    def severity_when(self, *, ordered: bool) -> Indicator:
        """The row's severity for a pair with a drug on the order (`ordered`) or of two drugs
        taken (chart open)."""
        if ordered or self.chart_severity is None:
            return self.severity
        return self.chart_severity

    def is_about(self, ingredient: str) -> bool:
        """Whether `ingredient` is the row's own drug: by name, or by its drug-table class when
        the row's drug is `class:NAME` (class:anticoagulant: warfarin, apixaban, ...; review 12
        finding 6), so one row holds a class's pairs."""
        if self.drug == ingredient:
            return True
        if not self.drug.startswith(_CLASS):
            return False
        info = drug_info(ingredient)
        return info is not None and f"{_CLASS}{info.drug_class.lower()}" == self.drug

    def names(self, ingredient: str) -> bool:
        """Whether `ingredient` is one of the partners (by name or by its drug-table class)."""
        if ingredient in self.partners:
            return True
        info = drug_info(ingredient)
        return info is not None and f"{_CLASS}{info.drug_class}" in self.partners


@cache
def table() -> tuple[InteractionRow, ...]:
    text = resources.files("services").joinpath("data/drug_interactions.csv").read_text("utf-8")
    rows = []
    for row in csv.DictReader(text.splitlines()):
        rows.append(
            InteractionRow(
                id=row["id"].strip(),
                drug=row["drug"].strip().lower(),
                partners=tuple(p.strip() for p in row["partners"].split(";") if p.strip()),
                severity=Indicator(row["severity"].strip()),
                short=row["short"].strip(),
                act=row["act"].strip(),
                risk=row["risk"].strip(),
                action=row["action"].strip(),
                source=row["source"].strip(),
                status=row["status"].strip(),
                cite=(row.get("cite") or "").strip(),
                chart_severity=(
                    Indicator(chart)
                    if (chart := (row.get("chart_severity") or "").strip())
                    else None
                ),
                dose_above_mg=(
                    float(above) if (above := (row.get("dose_above_mg") or "").strip()) else None
                ),
                floor_mg=(float(floor) if (floor := (row.get("floor_mg") or "").strip()) else None),
                floor_summary=(row.get("floor_summary") or "").strip(),
                dose_factor=(
                    float(factor) if (factor := (row.get("dose_factor") or "").strip()) else None
                ),
                strengths_mg=tuple(
                    float(mg) for mg in (row.get("strengths_mg") or "").split(";") if mg.strip()
                ),
                grade=(row.get("grade") or "").strip().lower(),
                settles=(row.get("settles") or "").strip().lower() == "yes",
                prefer_switch=(row.get("prefer_switch") or "").strip().lower() == "yes",
            )
        )
    return tuple(rows)


@cache
def rows_about(drug: str) -> tuple[InteractionRow, ...]:
    """The rows whose own drug is `drug` (lithium: its NSAID, ACE inhibitor, ARB and thiazide
    rows; apixaban: the class:anticoagulant row), in table order. By InteractionRow.is_about, so
    a class row counts for each member of its class (READ12 finding 5: an exact name match left
    the class rows out)."""
    return tuple(row for row in table() if row.is_about(drug))


@cache
def row_drugs() -> frozenset[str]:
    """The ingredients a row is about (clozapine, tramadol, lithium, pimozide, ...): a drug
    outside these never needs the partner lookup, and a list that weighs its drugs against what
    is taken asks no more when neither side is one of them."""
    own = {r.drug for r in table()}
    # A `class:NAME` row stands for every drug of that class in the drug table.
    classes = {d[len(_CLASS) :] for d in own if d.startswith(_CLASS)}
    members = {d.ingredient for d in all_drugs() if d.drug_class.lower() in classes}
    return frozenset(d for d in own if not d.startswith(_CLASS)) | members


def rows_for(a: str, b: str) -> tuple[InteractionRow, ...]:
    """The rows a pair of ingredients matches, either way round."""
    if a == b:
        return ()
    return tuple(
        row
        for row in table()
        if (row.is_about(a) and row.names(b)) or (row.is_about(b) and row.names(a))
    )


def with_taken(
    ingredient: str, takings: Sequence[Taking]
) -> tuple[tuple[Taking, InteractionRow], ...]:
    """The rows a drug a card might propose has with what the patient takes now (`running`):
    each (taking, row), most severe first. Read-only: the optimise card's switch and adjunct
    lists leave out a critical pair and caution a warning one (review 9 finding 3)."""
    drugs = row_drugs()
    if ingredient not in drugs and not any(t.ingredient in drugs for t in takings):
        return ()  # nearly every chart: no row's own drug on either side
    found = [
        (taking, row)
        for taking in takings
        if taking.ingredient != ingredient
        for row in rows_for(ingredient, taking.ingredient)
    ]
    found.sort(key=lambda hit: SEVERITY_RANK[hit[1].severity])
    return tuple(found)
