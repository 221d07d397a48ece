"""Drug interactions beyond the MAOI table (review 7 finding 5): a small, sourced list of pairs.

data/drug_interactions.csv holds one row per interaction a psychiatrist must not miss on a TRD
pathway: clozapine with fluvoxamine (strong CYP1A2 inhibition: a third of the clozapine dose),
tramadol with serotonergic antidepressants or bupropion (serotonin syndrome, seizures), tamoxifen
with strong CYP2D6-inhibiting antidepressants (less endoxifen), fluvoxamine with tizanidine or
ramelteon (contraindicated), lithium with NSAIDs, ACE inhibitors, angiotensin II receptor blockers
and thiazide diuretics (higher lithium levels: a level within days), pimozide or thioridazine
with the antidepressants their labels contraindicate (QT prolongation), and the CYP3A4 rules of the
newer antidepressants' labels (review 15 W4): gepirone with a strong CYP3A4 inhibitor
(contraindicated), zuranolone with one (30 mg/day) or with a CYP3A4 inducer (avoid). Each row names
a drug, its
partners (ingredients, or `class:NAME` for a drug-table class such as `class:SSRI` or
`class:NSAID`), a severity (critical | warning | info), the risk, the action and the label section
it comes from; a row whose rule is a dose (zuranolone 30 mg/day with a strong CYP3A4 inhibitor)
names it in `dose_above_mg`, and a pair at or below it is not said. It is not an interaction
database: pairs outside it
are not checked, and the cards say so. MAOI combinations stay with the washout table
(services/washout.py), which also knows the intervals.

This module reads the table and finds the pairs among what a patient takes: courses running on the
as-of date (any role: tramadol, tamoxifen and lisinopril are `interacting` rows of the drug table,
never trials: fhir_mapping/data/interacting_drugs.csv, interaction_partners.csv), drugs an
active statement says are taken but whose dates could not be read (DataGap.taken_now: running,
the safer reading), and the drafts of an order. A course that has ended is not a partner: the
interactions listed here are of two drugs taken together.
A course that runs on only because an old active statement lists it is still a partner (the safer
reading), named as listed, last confirmed on its date: confirm it is still taken.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from fhir_mapping.drug_table import all_drugs, components, drug_info
from fhir_mapping.record import DraftOrder, PatientRecord, SourceRef, Trial
from services import cards, drug_names
from services.recommendation import Indicator

_RANK = {Indicator.CRITICAL: 0, Indicator.WARNING: 1, Indicator.INFO: 2}
_CLASS = "class:"

# Said on every interaction card: the table is short on purpose, so a card must not read as "all
# interactions were checked".
NOT_CHECKED = (
    "Only the interactions in this service's short interaction table and MAOI "
    "combinations are checked here; use the EHR's interaction screening for the rest."
)


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

    def applies(self, first: Taking, second: Taking) -> bool:
        """Whether the row speaks for this pair: always, unless its rule is a dose the row's own
        drug is already at or below (`dose_above_mg`)."""
        if self.dose_above_mg is None:
            return True
        own = first if self.is_about(first.ingredient) else second
        mg = own.mg_per_day
        return own.as_needed or mg is None or mg > self.dose_above_mg

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
    found.sort(key=lambda hit: _RANK[hit[1].severity])
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Taking:
    """A drug the patient takes, or that is on the order, as a card names it."""

    ingredient: str
    mg_per_day: float | None
    start: date | None
    on_order: bool
    source: SourceRef | None
    # The course runs on only because an active MedicationStatement lists it and nothing has
    # confirmed it for statement_confirmed_days (Trial.unconfirmed_since, review 6 finding 11):
    # the last date the record confirms it. Such a drug is named as listed, not as running
    # (review 9 finding 4: a thioridazine statement last asserted in 2016 read "running since
    # 2012"). None: confirmed by the record, on the order, or undated (a DataGap.taken_now).
    unconfirmed_since: date | None = None
    # Taken only as needed (DoseSegment.as_needed, DraftOrder.as_needed), with its daily ceiling:
    # named "400 mg as needed", never as mg/day (ibuprofen PRN beside lithium).
    as_needed: bool = False
    as_needed_max_mg: float | None = None

    @classmethod
    def of_trial(cls, trial: Trial) -> Taking:
        """A running course as a card names it: its latest dose, its start, its latest source."""
        last = trial.segments[-1] if trial.segments else None
        return cls(
            trial.ingredient,
            last.mg_per_day if last is not None else None,
            trial.start,
            False,
            trial.sources[-1] if trial.sources else None,
            trial.unconfirmed_since,
            last is not None and last.as_needed,
            None if last is None else last.as_needed_max_mg,
        )

    def state(self) -> str:
        """How a summary says the drug is taken: "running", or "listed (last confirmed 2016)"
        for a course only an old active statement keeps running."""
        if self.unconfirmed_since is None:
            return "running"
        return f"listed (last confirmed {self.unconfirmed_since.year})"

    def text(self) -> str:
        """ "clozapine 300 mg/day since 2020-03-02 (MedicationRequest/mr-1)", "fluvoxamine
        100 mg/day on this order", "thioridazine 50 mg/day, listed as active since 2012-04-01,
        last confirmed 2016-03-01 (MedicationStatement/ms-1): confirm it is still taken"; what
        is not recorded is said, never guessed."""
        if self.as_needed:
            dose = cards.as_needed_text(self.mg_per_day, None, self.as_needed_max_mg)
        elif self.mg_per_day is not None:
            dose = f"{cards.fmt_mg(self.mg_per_day)} mg/day"
        else:
            dose = "dose not read"
        parts = components(self.ingredient)
        if len(parts) > 1 and (self.as_needed or self.mg_per_day is not None):
            # A fixed combination's mg are those of the component its dose is read in (the
            # first of combination_of, as product_text reads Nuedexta and Auvelity): named, so
            # "dextromethorphan-quinidine 20 mg/day" never reads as 20 mg of the whole product.
            dose = f"({parts[0]} {dose})"
        if self.on_order:
            return f"{drug_names.shown(self.ingredient)} {dose} on this order"
        cite = f" ({self.source})" if self.source is not None else ""
        if self.unconfirmed_since is not None:
            # Never "running": the record shows a list entry, not that the drug is taken now.
            since = f" since {self.start.isoformat()}" if self.start else ""
            return (
                f"{drug_names.shown(self.ingredient)} {dose}, listed as active{since}, last confirmed "
                f"{self.unconfirmed_since.isoformat()}{cite}: confirm it is still taken"
            )
        when = f"since {self.start.isoformat()}" if self.start else "start not recorded"
        return f"{drug_names.shown(self.ingredient)} {dose}, running {when}{cite}"


@dataclass(frozen=True, slots=True)
class Pair:
    first: Taking
    second: Taking
    rows: tuple[InteractionRow, ...]

    @property
    def ordered(self) -> bool:
        """A drug of the pair is on the order (order hooks), not only taken (chart open)."""
        return self.first.on_order or self.second.on_order

    @property
    def severity(self) -> Indicator:
        """The table's severity, also when a drug is only listed (Taking.unconfirmed_since):
        review 9 finding 4 asked whether an old statement should lower a critical pair to info.
        It does not, the safer choice: the statement is the only evidence either way, the harm
        if the drug is in fact taken (thioridazine with fluoxetine: torsades, sudden death) is
        far worse than asking the patient, and the patient-view card drops info pairs, so the
        card would vanish. The wording says "listed ... confirm it is still taken" instead.
        Two drugs only taken take each row's chart severity (InteractionRow.chart_severity)."""
        ordered = self.ordered
        return min((r.severity_when(ordered=ordered) for r in self.rows), key=_RANK.__getitem__)

    @property
    def lead(self) -> InteractionRow:
        """The row the summary quotes: the most severe."""
        ordered = self.ordered
        return min(self.rows, key=lambda r: _RANK[r.severity_when(ordered=ordered)])

    def names(self) -> frozenset[str]:
        return frozenset({self.first.ingredient, self.second.ingredient})

    def summary(self, more: int) -> str:
        """ "Fluvoxamine ordered with clozapine running: raises clozapine levels; a third of the
        clozapine dose, or avoid" (+ how many more pairs the card holds)."""
        first, second = self.first, self.second
        # Display names ("St John's wort": review 14 recheck t04).
        a, b = drug_names.shown_first(first.ingredient), drug_names.shown(second.ingredient)
        if first.on_order and second.on_order:
            pair = f"{a} and {b} on one order"
        elif first.on_order:
            pair = f"{a} ordered with {b} {second.state()}"
        elif first.unconfirmed_since is None and second.unconfirmed_since is None:
            pair = f"{a} and {b} both running"
        else:
            pair = f"{a} {first.state()} and {b} {second.state()}"
        row = self.lead
        extra = f" (+{more} more)" if more else ""
        return cards.fit_summary(
            f"{pair}: {row.short}; {row.act}{extra}",
            f"{pair}: {row.short}{extra}",
            f"{a} with {b}: {row.short}{extra}",
        )

    def text(self) -> str:
        """One markdown paragraph: both drugs with dose and start, each risk, action, source."""
        lines = [
            # The row's cite, never its `source` notes (how the fact was read: review 11).
            f"{row.risk[0].upper()}{row.risk[1:]}: {row.action}. Source: {row.cite}"
            + (" (UNVERIFIED)" if row.status == "UNVERIFIED" else "")
            + "."
            for row in self.rows
        ]
        head = (
            f"**{drug_names.shown_first(self.first.ingredient)} with "
            f"{drug_names.shown(self.second.ingredient)}** "
            f"({self.severity.value}): {self.first.text()}; {self.second.text()}."
        )
        return head + " " + " ".join(lines)


def _latest_running(trials: Iterable[Trial]) -> dict[str, Trial]:
    latest: dict[str, Trial] = {}
    for trial in sorted(trials, key=lambda t: (t.end, t.start)):
        if trial.ongoing:
            latest[trial.ingredient] = trial
    return latest


def running(record: PatientRecord) -> list[Taking]:
    """What the patient takes on the as-of date: running courses, then undated active ones."""
    found = []
    for trial in _latest_running(record.trials).values():
        found.append(Taking.of_trial(trial))
    known = {t.ingredient for t in found}
    for gap in record.gaps:
        for ingredient in gap.taken_now:
            if ingredient not in known:
                known.add(ingredient)
                found.append(Taking(ingredient, None, None, False, gap.source))
    return found


def on_order(drafts: Sequence[DraftOrder]) -> list[Taking]:
    return [
        Taking(
            d.ingredient,
            d.mg_per_day,
            None,
            True,
            d.source,
            None,
            d.as_needed,
            d.as_needed_max_mg,
        )
        for d in drafts
    ]


def pairs(takings: Sequence[Taking], *, news: Sequence[Taking] | None = None) -> list[Pair]:
    """The pairs the table lists, each once. With `news` (the drafts of an order): only pairs
    with at least one of them in, each draft against everything taken and the other drafts;
    else every pair among `takings` (patient-view)."""
    everything = list(takings) + list(news or ())
    if not any(t.ingredient in row_drugs() for t in everything):
        # Nearly every chart: no clozapine, tramadol, tamoxifen, lithium, ... at all. Lisinopril
        # or ibuprofen alone stops here too: only a row's own drug (lithium) opens the pairs.
        return []
    found: list[Pair] = []
    seen: set[frozenset[str]] = set()
    firsts = everything if news is None else list(news)
    for first in firsts:
        for second in everything:
            key = frozenset({first.ingredient, second.ingredient})
            if len(key) < 2 or key in seen:
                continue
            rows = tuple(
                row
                for row in rows_for(first.ingredient, second.ingredient)
                if row.applies(first, second)
            )
            if not rows:
                continue
            seen.add(key)
            pair = Pair(first, second, rows)
            if news is None and not pair.lead.is_about(first.ingredient):
                # Two running drugs: the row's own drug first ("Tramadol and venlafaxine"),
                # whatever order the chart listed them in.
                pair = Pair(second, first, rows)
            found.append(pair)
    found.sort(key=lambda p: _RANK[p.severity])
    return found


def highest(found: Sequence[Pair]) -> Indicator:
    return min((p.severity for p in found), key=_RANK.__getitem__)
