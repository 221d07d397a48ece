"""Which drugs a card may propose for whom: population rules and the psychotic-depression regimen.

Four tables in services/data, each row with its source and status (services/data/README.md):

- drug_class_groups.csv: drug-table classes that belong to a group ("antipsychotic"), so "any
  running antipsychotic" is read from the drug table's class column, never from a name list.
- age_restricted_antidepressants.csv: under 18, the agents in order (fluoxetine first, then
  sertraline, citalopram, escitalopram; NICE NG134, FDA), the ones never proposed (venlafaxine,
  paroxetine, tricyclics) and the suicidality boxed warning under 25 (FDA); for the agents the
  FDA label approves for depression from an age (fluoxetine 8, escitalopram 12), what the label
  says below it (`under_min_age`), said at a younger patient's order; the same for the agents a
  guideline makes no choice below an age (sertraline and citalopram under 12, NICE NG134:
  `min_age_basis` "guideline", review 14 W2), citing the guideline, never a label.
- condition_drug_rules.csv: what a finding on record rules out (paroxetine in pregnancy, bupropion
  with psychotic features, duloxetine with active alcohol use), makes text-only (antipsychotics in
  pregnancy) or names with a caveat of its own (esketamine and lithium in pregnancy), or with an
  information line at its order (a stimulant with a stimulant use disorder in remission). A row's
  `finding_codes` names a code set of finding_code_sets.csv that narrows its finding kind (the
  alcohol codes of the substance-use kind); empty, every finding of the kind counts. A set may
  also name screening scores (match "score": AUDIT-C 75626-2, AUDIT 75624-7), whose recent result
  at or above the clinic's cut-off counts for the row as a coded finding of the set does
  (rules/populations.py; review 9 finding 8).
- psychotic_depression_regimens.csv: antidepressant plus antipsychotic at antipsychotic-range doses
  (STOP-PD: sertraline 150-200 mg/day with olanzapine 15-20 mg/day).

And drug_cautions.csv as a course already running reads it (`running_cautions`: each row with its
`if_running` advice and status; the switch list and order checks read it through services/tables.py).

A rule names either one ingredient or a class (a drug-table class, or a group of this file), so
"TCA" and "antipsychotic" rows cover every drug of the class.

Here: the class groups, the population rules (DrugRule, age and condition rows) and the running
cautions. The code sets a condition row names are finding_code_sets.py, the psychotic-depression
regimens psychotic_regimens.py, and the CSV reading all three share drug_rule_rows.py; their
names stay importable from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache

from fhir_mapping.record import Finding, FindingKind
from services.drug_rule_rows import data_rows, optional_age
from services.finding_code_sets import CodeSet, code_set_named, code_sets
from services.psychotic_regimens import Regimen, psychotic_depression_regimens

# The names rules, order checks and tests import from here (the new modules' among them).
__all__ = ["CodeSet", "Regimen", "code_sets", "psychotic_depression_regimens"]


class Choice(StrEnum):
    """What a rule does to a drug for the patients it applies to."""

    FIRST = "first"  # the preferred agent (proposed before the others)
    NEXT = "next"  # proposed after the first choices
    NEVER = "never"  # never proposed (named on the card with the reason)
    NOT_ONE_CLICK = "not-one-click"  # named as text, never as a ready-to-accept order
    BOXED_WARNING = "boxed-warning"  # a note on every card that proposes antidepressants
    # A note of its own wherever the drug may come up for the patients the rule applies to (the
    # card's population notes, and a clinician's own order of it): esketamine and lithium in
    # pregnancy (review 7 finding 10). The drug is still named; the note says what to weigh.
    CAVEAT = "caveat"
    # An information line at a clinician's own order of the drug, and nowhere else: a history
    # to weigh, not a bar nor a caveat on every card (a stimulant use disorder in remission with
    # a stimulant ordered: recheck 13 n26). The order card is info when it says nothing more.
    INFO = "info"
    # The default age row of an antidepressant no other age row names (bupropion under 18: review
    # s27 RC finding 5): a warning line at a clinician's own order of it, and nowhere else.
    NOT_LABELLED = "not-labelled"


@cache
def class_groups() -> dict[str, frozenset[str]]:
    """Group name -> the drug-table classes in it (lower case)."""
    groups: dict[str, set[str]] = {}
    for row in data_rows("drug_class_groups.csv"):
        groups.setdefault(row["group"].strip(), set()).add(row["drug_class"].strip().lower())
    return {name: frozenset(classes) for name, classes in groups.items()}


@lru_cache(maxsize=256)
def in_group(drug_class: str, group: str) -> bool:
    # Cached by (class, group): both are drug-table and data-file values, a few dozen pairs, and
    # the cards ask it for every row of the drug table they weigh (issue 14).
    return drug_class.strip().lower() in class_groups().get(group, frozenset())


@lru_cache(maxsize=128)
def is_antipsychotic(drug_class: str) -> bool:
    # Cached by class (a drug-table value): asked for every course and adjunct a card weighs.
    return in_group(drug_class, "antipsychotic")


@dataclass(frozen=True, slots=True)
class DrugRule:
    """One row: a rule for one ingredient or one class (drug-table class or group)."""

    ingredient: str | None
    drug_class: str | None
    choice: Choice
    note: str
    cite: str  # the short citation a card shows ("NICE NG134")
    source: str
    rank: int | None = None
    min_age: int | None = None  # age rows: the rule applies from this age ...
    below_age: int | None = None  # ... up to this age (exclusive)
    finding: FindingKind | None = None  # condition rows: the finding on record it applies to
    # Condition rows: only the findings of that kind coded in this set count (alcohol use of
    # the substance-use kind); None, every finding of the kind.
    finding_codes: CodeSet | None = None
    # Age rows of an agent the FDA label approves for depression from `min_age` (fluoxetine 8,
    # escitalopram 12): what the label says below that age, and its short cite, said when a
    # younger patient's order names the agent (review 14 W4). "" on every other row.
    under_min_age: str = ""
    under_min_age_cite: str = ""
    # Who sets `min_age`: "label" (an FDA approval from that age: fluoxetine, escitalopram) or
    # "guideline" (NICE NG134 makes sertraline and citalopram no choice under 12; no label
    # approves them for pediatric depression at all). Only "label" rows are named as
    # "FDA-approved at <age>" (`labelled_at`). "" on every other row.
    min_age_basis: str = ""
    # Condition rows whose note is too long for a summary: the risk in a few words, so the summary
    # states it rather than "see the caveat" (review s26 RG finding 2: lithium in pregnancy). ""
    # on the rows whose note fits, and on every age row.
    short_note: str = ""

    def under_min_age_short(self) -> str:
        """The few words a short summary says below `min_age`: "not established for depression
        under 12" (a label's words) or "not a choice for depression under 12" (a guideline's)."""
        if self.min_age_basis == "guideline":
            return f"not a choice for depression under {self.min_age}"
        return f"not established for depression under {self.min_age}"

    def matching(self, found: tuple[Finding, ...]) -> tuple[Finding, ...]:
        """The findings of this row's kind, among `found`, that the row applies to."""
        codes = self.finding_codes
        if codes is None:
            return found  # most rows: every finding of the kind
        return tuple([f for f in found if codes.holds(f)])

    def covers(self, ingredient: str, drug_class: str) -> bool:
        """Whether the rule is about this drug (all drugs when it names neither)."""
        if self.ingredient is not None:
            return self.ingredient == ingredient.lower()
        if self.drug_class is not None:
            wanted = self.drug_class.lower()
            return drug_class.lower() == wanted or in_group(drug_class, self.drug_class)
        return True

    def label(self) -> str:
        """How the card names what the rule is about ("paroxetine", "TCA antidepressants")."""
        if self.ingredient is not None:
            return self.ingredient
        if self.drug_class == "TCA":
            return "tricyclic antidepressants"
        return f"{self.drug_class}s" if self.drug_class else "antidepressants"


@cache
def age_rules() -> tuple[DrugRule, ...]:
    return tuple(
        DrugRule(
            ingredient=row["ingredient"].strip().lower() or None,
            drug_class=row["drug_class"].strip() or None,
            choice=Choice(row["choice"].strip()),
            note=row["note"].strip(),
            cite=row["cite"].strip(),
            source=row["source"].strip(),
            rank=optional_age(row["rank"]),
            min_age=optional_age(row["min_age"]),
            below_age=optional_age(row["below_age"]),
            under_min_age=row["under_min_age"].strip(),
            under_min_age_cite=row["under_min_age_cite"].strip(),
            min_age_basis=row["min_age_basis"].strip(),
        )
        for row in data_rows("age_restricted_antidepressants.csv")
    )


def under_min_age(age: int | None, ingredient: str) -> DrugRule | None:
    """The age row whose lower age this patient is below, for this agent (escitalopram at 11:
    approved for depression from 12; sertraline at 11: NICE NG134's second line from 12), or None (age unknown, no such row, or old enough).
    rules_for_age leaves such a row out below its `min_age`, so the agent is never proposed; a
    clinician's own order of it is what this answers for (review 14 W4)."""
    if age is None:
        return None
    for rule in age_rules():
        if (
            rule.under_min_age
            and rule.min_age is not None
            and age < rule.min_age
            and rule.ingredient == ingredient.lower()
        ):
            return rule
    return None


def labelled_at(age: int | None) -> tuple[DrugRule, ...]:
    """The agents the FDA label approves for depression at this age (the rows with a labelled
    lower age that it reaches: fluoxetine from 8, escitalopram from 12), in the table's order.
    A guideline's lower age (sertraline from 12) is no FDA approval: left out."""
    return tuple(
        r
        for r in rules_for_age(age)
        if r.under_min_age and r.min_age_basis == "label" and r.ingredient is not None
    )


def age_rows_naming(ingredient: str, drug_class: str) -> tuple[DrugRule, ...]:
    """The age rows (with an upper age) that apply to this drug, at any age: what an order with
    no age read could not check. The not-labelled default (every antidepressant no other row
    names: review s27 RC finding 5) is left out: it would name itself for every drug."""
    return tuple(
        r
        for r in age_rules()
        if r.below_age is not None
        and r.choice is not Choice.NOT_LABELLED
        and r.covers(ingredient, drug_class)
    )


def rules_for_age(age: int | None) -> tuple[DrugRule, ...]:
    """The age rows that apply at this age (none when the age is unknown)."""
    if age is None or age >= _oldest_covered():
        return ()  # an adult past every age row: asked for every drug a card weighs
    return tuple(
        r
        for r in age_rules()
        if r.below_age is not None and age < r.below_age and (r.min_age is None or age >= r.min_age)
    )


@cache
def _oldest_covered() -> int:
    """The age from which no age row applies (the highest `below_age`; 0 when none has one)."""
    return max((r.below_age for r in age_rules() if r.below_age is not None), default=0)


def own_boxed_warning(ingredient: str, age: int | None) -> DrugRule | None:
    """The boxed-warning row naming this agent at this age (aripiprazole at 19: its own label
    carries the antidepressant suicidality boxed warning, review s27 RC findings 1 and 3), or
    None. The row without an ingredient is the antidepressants' (`populations.boxed_warning`);
    these rows name the agents outside the antidepressant table whose label carries it too."""
    for rule in rules_for_age(age):
        if rule.choice is Choice.BOXED_WARNING and rule.ingredient == ingredient.lower():
            return rule
    return None


def age_restricted(age: int | None) -> bool:
    """True when the age has an ordered list of agents: only those are proposed as a switch."""
    return any(r.choice in (Choice.FIRST, Choice.NEXT) for r in rules_for_age(age))


@cache
def condition_rules() -> tuple[DrugRule, ...]:
    return tuple(
        DrugRule(
            ingredient=row["ingredient"].strip().lower() or None,
            drug_class=row["drug_class"].strip() or None,
            choice=Choice(row["rule"].strip()),
            note=row["note"].strip(),
            cite=row["cite"].strip(),
            source=row["source"].strip(),
            finding=FindingKind(row["finding"].strip()),
            finding_codes=code_set_named(row.get("finding_codes") or ""),
            short_note=(row.get("short_note") or "").strip(),
        )
        for row in data_rows("condition_drug_rules.csv")
    )


@dataclass(frozen=True, slots=True)
class RunningCaution:
    """A drug_cautions.csv row as rules/running_cautions.py applies it to a running course."""

    ingredient: str
    finding: FindingKind
    note: str
    # What the label says of a course already running when the finding is on record (paroxetine
    # when pregnancy occurs: discuss, then stop tapered or switch); "" when it says nothing more
    # than its contraindication, and the card asks to review whether it should continue.
    if_running: str
    source: str
    status: str
    cite: str = ""  # what the card prints ("Cymbalta label 2 and 5.2"); `source` stays in the table
    # The row's words beside a pacemaker in use (services/pacing.py), for a running course:
    # first sentence the note, the rest what to do; "" on the rows a pacemaker does not soften
    # (s26 item 2; the order's words are `if_paced`, tables.DrugCaution).
    if_paced_running: str = ""
    # The running card's indicator for this row (`running_indicator`; "" is the topic's
    # warning): "critical" on the tricyclics' active high-grade AV block and acute-MI rows, the
    # order card's severity (review s26 RN finding 3); a pacemaker that softens the row
    # makes it a warning again (pacing.Pacing.severity, the one rule for both hooks).
    indicator: str = ""
    # The summary's words for what to do with the running course (`running_short`), said while
    # the row is not softened: "contraindicated (ECG and cardiology now; do not stop it
    # abruptly)"; "" asks to review whether it should continue (running_caution_pairs.REVIEW).
    short: str = ""


@cache
def running_cautions() -> tuple[RunningCaution, ...]:
    """Every row of drug_cautions.csv, in table order, for a course already running."""
    return tuple(
        RunningCaution(
            ingredient=row["ingredient"].strip().lower(),
            finding=FindingKind(row["finding"].strip()),
            note=row["note"].strip(),
            if_running=row["if_running"].strip(),
            source=row["source"].strip(),
            status=row["status"].strip(),
            cite=row["cite"].strip(),
            if_paced_running=(row.get("if_paced_running") or "").strip(),
            indicator=(row.get("running_indicator") or "").strip(),
            short=(row.get("running_short") or "").strip(),
        )
        for row in data_rows("drug_cautions.csv")
    )
