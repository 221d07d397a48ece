"""A low B12, folate or vitamin D already under replacement (data/deficiency_replacements.csv):
the diagnosis review's line for it (review s28 RJ finding 3: oral cyanocobalamin started four
days after a low B12, or monthly B12 injections given for two months, still held the adjuncts as
"low B12 ... replace B12").

The hold, weighed (the safe side): CANMAT 2023 para 184 asks to rule out medical contributors on
poor response; a deficiency is ruled out by treating it, and the treatment is what the low line
asks for ("replace B12"). Replacement started on or after the low result is that treatment under
way: holding the one-click adjuncts until the recheck (3 months for B12) would hold a change of
treatment for a depression that has already failed two trials, for a step already taken. So the
line names the replacement, its start and the recheck, alongside escalation, holding nothing.
It is still named, never dropped: the recheck is what confirms the deficiency corrected. A
replacement that began before the low result (still low on it: dose, route or absorption), or
that only an old list shows (not confirmed taken), is not the answer to that result: the low line
stays as it was (held, or alongside for vitamin D) and names the replacement beside it.

Apart from diagnosis_medical.py because it reads the drugs taken, which the lab lines do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from fhir_mapping.lab_names import LAB_NAMES
from fhir_mapping.months import add_months
from fhir_mapping.record import LabResult
from services import drug_names
from services.drug_rule_rows import data_rows
from services.interaction_takings import Taking
from services.rules.context import RuleContext
from services.rules.diagnosis_item import Item


@dataclass(frozen=True, slots=True)
class Replacement:
    test: str  # "b12", "folate", "vitamin-d"
    ingredient: str  # as the drug table names it: "cyanocobalamin"
    recheck_months: int
    recheck: str  # "recheck B12 after about 3 months of treatment"
    # A test to check under this replacement when none is on record, or to treat when it is low,
    # and its own replacement is not running (folic acid: B12, since folic acid alone can let a
    # B12 neuropathy progress), and why; "" for none.
    check_first: str = ""
    check_why: str = ""


@cache
def _rows() -> dict[str, Replacement]:
    """Ingredient -> its row (an ingredient treats one deficiency here)."""
    return {
        row["ingredient"].strip(): Replacement(
            row["test"].strip(),
            row["ingredient"].strip(),
            int(row["recheck_months"]),
            row["recheck"].strip(),
            (row.get("check_first") or "").strip(),
            (row.get("check_why") or "").strip(),
        )
        for row in data_rows("deficiency_replacements.csv")
    }


def taken(ctx: RuleContext, test: str) -> tuple[Taking, Replacement] | None:
    """The replacement for `test` running on the as-of date (the first in table order), with its
    row; None when none is."""
    rows = _rows()
    for taking in ctx.running_takings:
        row = rows.get(taking.ingredient)
        if row is not None and row.test == test:
            return taking, row
    return None


def _since(taking: Taking) -> str:
    return f" since {taking.start.isoformat()}" if taking.start is not None else ""


def treats(taking: Taking, lab: LabResult) -> bool:
    """Whether the replacement is the answer to this low result: confirmed taken (not only
    listed) and started on or after the result's day."""
    return taking.confirmed and taking.start is not None and taking.start >= lab.date


def under_replacement(
    ctx: RuleContext,
    replaced: tuple[Taking, Replacement],
    lab: LabResult,
    label: str,
    lab_ref: str,
    checked: LabResult | None,
) -> Item:
    """ "Low B12 under replacement: 150 pg/mL, low, 2025-05-01; cyanocobalamin running since
    2025-05-05: recheck B12 after about 3 months of treatment (from about 2025-08-05); not a
    reason to hold escalation." Alongside and minor: it holds nothing (module docstring).
    `checked`: the latest result of the row's `check_first` test, None when none is on record.
    With none, and its own replacement not running, the line asks for it (folic acid: B12), with
    its order; with a low one not replaced, it gives the same caution (recheck K13 s28 finding 2:
    folic acid beside a low B12 left untreated read "not a reason to hold" with no caution, while
    with no B12 on record it warned). The low B12 has its own line, which asks to replace it: no
    order here."""
    taking, row = replaced
    name = drug_names.shown(taking.ingredient)
    due = ""
    if taking.start is not None:
        due = f" (from about {add_months(taking.start, row.recheck_months).isoformat()})"
    ask, order = "", ""
    if row.check_first and taken(ctx, row.check_first) is None:
        first = LAB_NAMES.get(row.check_first, row.check_first)
        if checked is None:
            ask, order = f"; no {first} on record: check it ({row.check_why})", row.check_first
        elif checked.flag == "low":
            ask = f"; {first} low and not replaced: treat it too ({row.check_why})"
    return Item(
        f"low {label} on {name}{_since(taking)}",
        f"**Low {label}, under replacement:** {lab_ref}; {name} running{_since(taking)}, after "
        f"this result: {row.recheck}{due}{ask}; not a reason to hold escalation.",
        alongside=True,
        minor=not ask,
        order=order,
        named=(
            f"low {label} on {name}{_since(taking)}: {row.recheck}",
            f"low {label} on {name}{_since(taking)}",
        ),
    )


def beside(taking: Taking) -> str:
    """ "; on cyanocobalamin since 2024-01-10, before this result: check its dose, route and that
    it is taken" for a low result the replacement did not answer (`treats` false)."""
    name = drug_names.shown(taking.ingredient)
    if not taking.confirmed:
        return f"; {name} listed{_since(taking)}: confirm it is taken"
    return f"; on {name}{_since(taking)}, before this result: check its dose, route and that it is taken"
