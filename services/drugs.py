"""What the rules ask of the drug table (fhir_mapping.drug_table): which agents to propose.

Drug names never appear in rule logic: first-line adjuncts and antidepressants are the rows the
table marks with CANMAT 2023 line "1st" (Table 3.3 for antidepressants, Table 7.2 for adjuncts),
second-line adjuncts line "2nd" (Table 7.2).
The table module is looked up at call time so tests can substitute a small table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fhir_mapping import drug_table
from fhir_mapping.drug_table import DrugInfo
from fhir_mapping.record import Role

FIRST_LINE = "1st"  # the table's canmat_line value for CANMAT 2023 first-line agents
SECOND_LINE = "2nd"  # the table's canmat_line value for CANMAT 2023 second-line agents
# Compared for every row of the table: on Python 3.11 reading a member off its Enum class costs
# about ten times reading a global (issue 14).
_AUGMENTATION = Role.AUGMENTATION
_ANTIDEPRESSANT = Role.ANTIDEPRESSANT


def info(ingredient: str) -> DrugInfo | None:
    return drug_table.drug_info(ingredient)


@dataclass(frozen=True, slots=True)
class Lines:
    """The rows a card proposes from, each group in table order."""

    first_line_antidepressants: tuple[DrugInfo, ...]  # CANMAT 2023 Table 3.3, line "1st"
    first_line_augmenters: tuple[DrugInfo, ...]  # CANMAT 2023 Table 7.2, line "1st"
    second_line_augmenters: tuple[DrugInfo, ...]  # CANMAT 2023 Table 7.2, line "2nd"


# The groups `lines` read, kept with the `drug_table.all_drugs` function they were read through.
# They depend on the table alone, which never changes in a process (drug_table._rows is read
# once); a test that substitutes a small table replaces `all_drugs` with another function, so
# the groups are read again from it. Issue 14: walking the 174 rows on every evaluation was
# about 2 % of the rules' instructions on a typical chart.
_KEPT_LINES: tuple[Callable[[], tuple[DrugInfo, ...]], Lines] | None = None


def lines() -> Lines:
    """The table's first-line antidepressants and first- and second-line adjuncts, read in one
    pass (the optimise card weighs all three; RuleContext.drug_lines keeps them for one
    evaluation)."""
    global _KEPT_LINES
    source = drug_table.all_drugs
    kept = _KEPT_LINES  # read once: another thread may replace it, never mutate it
    if kept is not None and kept[0] is source:
        return kept[1]
    found = _read_lines(source())
    _KEPT_LINES = (source, found)
    return found


def _read_lines(rows: tuple[DrugInfo, ...]) -> Lines:
    antidepressants: list[DrugInfo] = []
    first: list[DrugInfo] = []
    second: list[DrugInfo] = []
    for d in rows:
        role, line = d.role, d.canmat_line
        if role is _ANTIDEPRESSANT:
            if line == FIRST_LINE:
                antidepressants.append(d)
        elif role is _AUGMENTATION:
            if line == FIRST_LINE:
                first.append(d)
            elif line == SECOND_LINE:
                second.append(d)
    return Lines(tuple(antidepressants), tuple(first), tuple(second))


def first_line_augmenters() -> tuple[DrugInfo, ...]:
    """CANMAT 2023 Table 7.2 first-line adjuncts (aripiprazole, brexpiprazole), in table order."""
    return lines().first_line_augmenters


def first_line_antidepressants() -> tuple[DrugInfo, ...]:
    return lines().first_line_antidepressants


def switch_candidates(
    excluded_classes: frozenset[str], first_line: tuple[DrugInfo, ...] | None = None
) -> tuple[DrugInfo, ...]:
    """First-line antidepressants whose mechanism class has not failed adequately.
    `first_line`: `first_line_antidepressants()` when the caller has read them already."""
    if first_line is None:
        first_line = first_line_antidepressants()
    return tuple([d for d in first_line if d.drug_class not in excluded_classes])


# What a row without a dose_source column (a substituted test table) is cited as: the CANMAT
# table its line comes from. Every row of the real table with a dose names its own source
# (a drug-table test checks it).
_CANMAT_TABLE = {
    Role.ANTIDEPRESSANT: "CANMAT 2023 Table 3.3",
    Role.AUGMENTATION: "CANMAT 2023 Table 7.2",
}


def dose_cite(ingredient: str, role: Role = Role.ANTIDEPRESSANT) -> str | None:
    """The short cite of a drug's dose range, from its own row (column dose_source): "CANMAT
    2023 Table 3.3" for most, "CPS 2023 Table 6" for fluvoxamine (no CANMAT row captured),
    "EXXUA label" for gepirone. None: no row, or a row with no source for its doses."""
    # By scan, not drug_info(name, role): called only when a dose card is written.
    name = ingredient.lower()
    row = next(
        (d for d in drug_table.all_drugs() if d.ingredient == name and d.role is role), None
    ) or info(ingredient)
    if row is None:
        return None
    if row.dose_source is not None:
        return row.dose_source
    return _CANMAT_TABLE.get(row.role) if row.canmat_line else None


def is_label_cite(cite: str) -> bool:
    """A dose range read from a product label ("EXXUA label"), not a guideline table."""
    return cite.endswith(" label")
