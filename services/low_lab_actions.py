"""What the diagnosis review says to do about a recent low B12 or folate (data/low_lab_actions.csv).

The lab is done, so the action is treatment and a look for the cause, not a repeat order (review
18a M2: the "Low B12" and "Low folate" lines named the value and nothing to do). An old low result
with none since is a different line: it asks for the repeat, with its order one-click
(rules/diagnosis_medical.py)."""

from __future__ import annotations

from functools import cache

from services.drug_rule_rows import data_rows


@cache
def _table() -> dict[str, str]:
    return {row["test"].strip(): row["action"].strip() for row in data_rows("low_lab_actions.csv")}


def action(test: str) -> str:
    """The action for a recent low `test` ("b12", "folate"); "" when the table has none."""
    return _table().get(test, "")
