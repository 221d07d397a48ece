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
names it in `dose_above_mg`, and a pair at or below it is not said; a row whose rule cannot be
followed at its drug's lowest strength (gepirone 18.2 mg cannot be halved) names that strength in
`floor_mg`, and a summary at it says `floor_summary` instead. It is not an interaction
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

This module holds the pairs (`Pair`, `pairs`, `highest`) and the line every interaction card
carries (`NOT_CHECKED`). The table's rows and their lookups (`InteractionRow`, `table`,
`rows_about`, `rows_for`, `row_drugs`, `with_taken`) are interaction_rows.py, and what the
patient takes or the order drafts as a card names it (`Taking`, `running`, `on_order`) is
interaction_takings.py; their names stay importable from here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from services import cards, drug_names, tables, taken_to_confirm
from services.interaction_rows import (
    SEVERITY_RANK,
    InteractionRow,
    row_drugs,
    rows_about,
    rows_for,
    table,
    with_taken,
)
from services.interaction_takings import Taking, on_order, running
from services.recommendation import Indicator, Source

# The names other modules and tests use, kept importable from here (the rows' and the takings'
# among them).
__all__ = [
    "NOT_CHECKED",
    "InteractionRow",
    "Pair",
    "Taking",
    "confirm_lines",
    "highest",
    "linked_source",
    "on_order",
    "pairs",
    "row_drugs",
    "rows_about",
    "rows_for",
    "running",
    "table",
    "with_taken",
]

# Said on every interaction card: the table is short on purpose, so a card must not read as "all
# interactions were checked".
# What a pair neither of whose drugs is shown taken asks first (Pair.confirm_first).
CONFIRM_FIRST = "confirm each first"

NOT_CHECKED = (
    "Only the interactions in this service's short interaction table and MAOI "
    "combinations are checked here; use the EHR's interaction screening for the rest."
)


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
        return min(
            (r.severity_when(ordered=ordered) for r in self.rows), key=SEVERITY_RANK.__getitem__
        )

    @property
    def lead(self) -> InteractionRow:
        """The row the summary quotes: the most severe, then the highest grade."""
        ordered = self.ordered
        return min(
            self.rows,
            key=lambda r: (SEVERITY_RANK[r.severity_when(ordered=ordered)], r.grade_rank),
        )

    @property
    def rank(self) -> tuple[int, int]:
        """How the pairs of a card are ordered: severity, then the lead row's grade (review 21
        RF finding 5: the most dangerous pair leads the summary and the detail)."""
        return SEVERITY_RANK[self.severity], self.lead.grade_rank

    def names(self) -> frozenset[str]:
        return frozenset({self.first.ingredient, self.second.ingredient})

    @property
    def neither_shown_taken(self) -> bool:
        """Two drugs of the chart, neither of which the record shows taken now: each only
        listed or possibly running (taken_to_confirm.course_claim: an old statement, an order
        never filled, a supply run out long ago, a record to confirm). Review s24 RN finding 4:
        "Nortriptyline possibly running and fluoxetine possibly running: ...; lower tricyclic
        dose, check its level" sat beside "no supply for 518 days": nothing is lowered before
        either is confirmed taken."""
        return not self.ordered and not self.first.confirmed and not self.second.confirmed

    @property
    def confirm_first(self) -> bool:
        """Whether the pair is worded from its courses' state, not as two drugs running
        (`neither_shown_taken`), and its action waits for the patient's answer. Never for a
        critical pair (thioridazine listed beside fluoxetine listed: torsades if both are
        taken; the safer reading keeps the table's action in the summary, as `severity`
        keeps its indicator) and never for an MAOI, which the washout card says (services/
        washout.py: not this table)."""
        return self.neither_shown_taken and self.severity is not Indicator.CRITICAL

    def summary(self, others: Sequence[Pair] = (), *, act: str = "") -> str:
        """ "Fluvoxamine ordered with clozapine running: raises clozapine levels; a third of the
        clozapine dose, or avoid", then the card's other pairs by name ("; also tramadol +
        bupropion, ibuprofen + sertraline": review 20 RB finding 7, where "(+2 more)" hid a
        seizure warning); "(+n more)" only when the names do not fit. `act`: what to do in
        place of the row's `act` (the lithium card's wording from the pair's dates:
        rules/interactions.py); a pair neither of whose drugs is shown taken says to confirm
        them first (`confirm_first`)."""
        first, second = self.first, self.second
        # Display names ("St John's wort": review 14 recheck t04).
        a, b = drug_names.shown_first(first.ingredient), drug_names.shown(second.ingredient)
        if first.on_order and second.on_order:
            pair = f"{a} and {b} on one order"
        elif first.on_order and second.to_confirm:
            # A record whose code and name disagree does not show it runs (fix 19a).
            pair = f"{a} ordered while {b} {taken_to_confirm.claim(second.to_confirm).verb}"
        elif first.on_order:
            pair = f"{a} ordered with {b} {_partner_state(second)}"
        elif first.confirmed and second.confirmed:
            pair = f"{a} and {b} both running"
        else:
            pair = f"{a} {first.state()} and {b} {second.state()}"
        row = self.lead
        if row.at_floor(first, second):
            # The row's own drug at its lowest strength: its dose rule ("halve the gepirone
            # dose") cannot be followed, so the summary says what can (audit 17 W6).
            bases = [f"{pair}: {row.floor_summary}", f"{a} with {b}: {row.floor_summary}"]
        elif (off := row.off_strength(first, second)) is not None:
            # Half the dose is no strength (review 17 second recheck M4): name the one to use.
            _, target, use = off
            said = f"reduce to {_mg(use)} mg (no {_mg(target)} mg tablet; do not split)"
            bases = [
                f"{pair}: {row.short}; {said}",
                f"{a} with {b}: {row.short}; {said}",
                f"{pair}: {said}",
                f"{a} with {b}: {said}",
            ]
        elif self.confirm_first:
            # Said from the courses' state: the risk if both are taken, then the ask that
            # comes first; the row's action is the detail's, for once both are confirmed.
            bases = [
                f"{pair}: {row.short} if both are taken; {CONFIRM_FIRST}",
                f"{pair}: {row.short} if both taken; {CONFIRM_FIRST}",
                f"{a} with {b}: {row.short} if both taken; {CONFIRM_FIRST}",
                f"{a} with {b}, if both taken: {row.short}",
            ]
        else:
            bases = [
                f"{pair}: {row.short}; {act or row.act}",
                f"{pair}: {row.short}",
                f"{a} with {b}: {row.short}",
            ]
            if others:
                # Beside the other pairs' names the action stays, the pair said shorter ("X with
                # Y": its state is the detail's first line), before any base without it (review
                # s24 RB finding 1: "lithium level 5-7 days after ..." dropped for "; also
                # ibuprofen + venlafaxine"). A lone pair keeps its state words first, as before.
                bases.insert(1, f"{a} with {b}: {row.short}; {act or row.act}")
        if not others:
            return cards.fit_summary(*bases)
        named = "; also " + ", ".join(p.names_text() for p in others)
        counted = f" (+{len(others)} more)"
        # The action kept beside the first other pairs by name and the rest counted, before any
        # base without it (review s28 RG finding 5: lithium + ibuprofen at sign lost "lithium
        # level in 5-7 days" to a third pair's name, which select, with two pairs, kept).
        act_said = act or row.act
        acting = [b for b in bases if act_said and b.endswith(f"; {act_said}")]
        some = [
            "; also "
            + ", ".join(p.names_text() for p in others[:k])
            + f" (+{len(others) - k} more)"
            for k in range(len(others) - 1, 0, -1)
        ]
        return cards.fit_summary(
            *(b + named for b in acting),
            *(b + part for b in acting for part in some),
            *(b + named for b in bases),
            *(b + counted for b in bases),
        )

    def names_text(self) -> str:
        """ "tramadol + bupropion": the pair by its drugs, for another pair's summary."""
        return (
            f"{drug_names.shown(self.first.ingredient)} + "
            f"{drug_names.shown(self.second.ingredient)}"
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
        for row in self.rows:
            if (off := row.off_strength(self.first, self.second)) is not None:
                mg, target, use = off
                strengths = ", ".join(_mg(s) for s in row.strengths_mg)
                share = f"{_mg(row.dose_factor * 100 if row.dose_factor else 100)} %"
                lines.append(
                    f"{share} of {_mg(mg)} mg/day is {_mg(target)} mg, which no tablet gives "
                    f"(strengths {strengths} mg, swallowed whole, not split): use {_mg(use)} mg, "
                    "the strength below it (a higher one would exceed the label's reduction), "
                    "or replace the inhibitor."
                )
        head = (
            f"**{drug_names.shown_first(self.first.ingredient)} with "
            f"{drug_names.shown(self.second.ingredient)}** "
            f"({self.severity.value}): {self.first.text()}; {self.second.text()}."
        )
        if self.confirm_first:
            # Neither is shown taken: the ask first, the row's action for once both are.
            lines.insert(
                0,
                "Neither is shown taken now: confirm whether each is taken before acting on "
                "this; what follows applies if both are.",
            )
        return head + " " + " ".join(lines)


# `_partner_state`'s words; order_boxed keeps them when it shortens a summary to its point.
PARTNER_AWAITING_FILL = "(prescribed, no fill yet)"


def _partner_state(taking: Taking) -> str:
    """A running course's state beside a drafted drug: "ordered (no fill yet)" of a course
    awaiting its first fill read as drafted too ("Fluoxetine ordered with amitriptyline ordered",
    once a summary cut its parenthesis: session 29 orders30 item 2), so it is "(prescribed, no
    fill yet)" there; "ordered" is the draft's word."""
    state = taking.state()
    return PARTNER_AWAITING_FILL if state == taken_to_confirm.AWAITING_FILL else state


def _mg(mg: float) -> str:
    """ "27.3", "18.2", "72": a dose as a card says it (one decimal, none when whole)."""
    # Half up, as a label rounds (27.25 -> 27.3), not to even as float formatting does.
    text = str(Decimal(str(mg)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return text.removesuffix(".0")


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
            if len(key) < 2 or key in seen or first.other_reading(second):
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
    found.sort(key=lambda p: p.rank)
    return found


def confirm_lines(found: Sequence[Pair]) -> list[str]:
    """The drug-to-confirm line of each record to confirm a pair reads a drug from (its code and
    name give different drugs: services/taken_to_confirm.py), once each."""
    return taken_to_confirm.confirm_lines(
        [(t.record, t.to_confirm) for p in found for t in (p.first, p.second)]
    )


def highest(found: Sequence[Pair]) -> Indicator:
    return min((p.severity for p in found), key=SEVERITY_RANK.__getitem__)


def linked_source(topic: str, found: Sequence[Pair]) -> Source | None:
    """The card's source when a row's cite has its label's page on file (data/cite_urls.csv):
    the cites as its label and the first page found as its URL, as the other order cards
    (order_cards._merge; audit 17 W6: the gepirone cards cited "Exxua label 2, 7" with no
    link). None when no cite has one: the topic's source (the FDA labels as a set, no URL)."""
    cites = list(dict.fromkeys(row.cite for p in found for row in p.rows if row.cite))
    url = next((u for u in map(tables.cite_url, cites) if u), None)
    if url is None:
        return None
    return dataclasses.replace(cards.source_for(topic), label="; ".join(cites), url=url)
