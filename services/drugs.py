"""What the rules ask of the drug table (fhir_mapping.drug_table): which agents to propose.

Drug names never appear in rule logic: first-line adjuncts and antidepressants are the rows the
table marks with CANMAT 2023 line "1st" (Table 3.3 for antidepressants, Table 7.2 for adjuncts).
The table module is looked up at call time so tests can substitute a small table.
"""

from __future__ import annotations

from fhir_mapping import drug_table
from fhir_mapping.drug_table import DrugInfo
from fhir_mapping.record import Role

FIRST_LINE = "1st"  # the table's canmat_line value for CANMAT 2023 first-line agents


def info(ingredient: str) -> DrugInfo | None:
    return drug_table.drug_info(ingredient)


def first_line_augmenters() -> tuple[DrugInfo, ...]:
    """CANMAT 2023 Table 7.2 first-line adjuncts (aripiprazole, brexpiprazole), in table order."""
    return tuple(
        d
        for d in drug_table.all_drugs()
        if d.role is Role.AUGMENTATION and d.canmat_line == FIRST_LINE
    )


def first_line_antidepressants() -> tuple[DrugInfo, ...]:
    return tuple(
        d
        for d in drug_table.all_drugs()
        if d.role is Role.ANTIDEPRESSANT and d.canmat_line == FIRST_LINE
    )


def switch_candidates(excluded_classes: frozenset[str]) -> tuple[DrugInfo, ...]:
    """First-line antidepressants whose mechanism class has not failed adequately."""
    return tuple(d for d in first_line_antidepressants() if d.drug_class not in excluded_classes)
