"""Cautions of a thyroid hormone proposed or drafted as augmentation:
liothyronine (T3) with a cardiac history coded, or beside thyroid hormone replacement already
taken (data/thyroid_hormone_cautions.csv).

Before, only an arrhythmia coded after T3 started was read (rules/adjunct_harm.py: its possible
adverse effect). A patient with atrial fibrillation or coronary disease coded before any T3 got
"liothyronine (25-50 µg/day)" on the optimise card, a one-click "Raise liothyronine" for a course
below its range, and no word on a T3 order. The Cytomel label (5.1) asks for caution and lower
starting doses in cardiovascular disease: the safer choice here is that the optimise card names
T3 with the caution and offers nothing about it as one click (`holds_one_click`), and a T3 order
gets a warning line naming the coded condition (order_checks/cautions.py).

A patient on levothyroxine (hypothyroidism) is on thyroid hormone already: T3 added to it raises
the total dose, so a caution line asks for TSH-guided adjustment with endocrine input. It is a
line, not a hold: the combination is a recognised regimen. Levothyroxine is recognised only for
this (fhir_mapping/data/interaction_partners.csv, role interacting): never a trial.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from fhir_mapping.record import Finding, FindingKind
from services import tables
from services.interaction_table import Taking
from services.pathway_options import unverified_mark

if TYPE_CHECKING:  # the rule context imports the services modules: no import cycle at run time
    from services.rules.context import RuleContext

_FINDING = "finding"  # `when`: a finding of kind `what` is on record
_RUNNING = "running"  # `when`: the drug `what` is taken now


@dataclass(frozen=True, slots=True)
class CautionRow:
    """A row of data/thyroid_hormone_cautions.csv."""

    drug: str
    when: str  # "finding" or "running"
    what: str  # a FindingKind value, or an ingredient
    name: str  # "an arrhythmia", "levothyroxine (thyroid hormone replacement)"
    note: str
    holds_one_click: bool  # the optimise card names the drug as text only
    warning: bool  # an order card line at warning level (else information)
    cite: str
    status: str


@dataclass(frozen=True, slots=True)
class Caution:
    """One row that applies to this patient, with what on record makes it apply."""

    row: CautionRow
    finding: Finding | None = None
    taking: Taking | None = None

    def basis(self) -> str:
        """ "Unspecified atrial fibrillation (ICD-10-CM I48.91, coded 2019-03-01)" or
        "levothyroxine (thyroid hormone replacement), taken since 2016-01-04"."""
        if self.finding is not None:
            f = self.finding
            return (
                f"{f.display} ({f.coding}, coded {f.onset_text or 'with no onset date'}"
                f"{_resolved(f)})"
            )
        assert self.taking is not None
        since = f", taken since {self.taking.start.isoformat()}" if self.taking.start else ", taken"
        return f"{self.row.name}{since}"

    def short(self) -> str:
        """What a summary names: the finding's display ("Heart failure, unspecified, resolved
        2015" when no longer active), or the row's name."""
        if self.finding is None:
            return self.row.name
        return self.finding.display + _resolved(self.finding, short=True)

    def line(self) -> str:
        drug = self.row.drug.capitalize()
        head = (
            f"{drug} with {self.basis()} on record"
            if self.finding is not None
            else f"{drug} beside {self.basis()}"
        )
        return f"{head}: {self.row.note} ({self.row.cite}{unverified_mark(self.row.status)})."


def _resolved(finding: Finding, *, short: bool = False) -> str:
    """ ", resolved 2015-03-01" for a finding no longer active (a past heart failure: review 14
    recheck t01), the year alone in a summary; "" for an active one. A cardiac history stays a
    caution for thyroid hormone: the card names it as past, never as current."""
    if finding.state == "active":
        return ""
    if finding.abated is None:
        return ", resolved (date not recorded)" if not short else ", resolved"
    return f", resolved {finding.abated.year if short else finding.abated.isoformat()}"


@cache
def rows() -> tuple[CautionRow, ...]:
    return tuple(
        CautionRow(
            drug=r["drug"].strip().lower(),
            when=r["when"].strip(),
            what=r["what"].strip().lower(),
            name=r["name"].strip(),
            note=r["note"].strip(),
            holds_one_click=r["holds_one_click"].strip() == "true",
            warning=r["indicator"].strip() == "warning",
            cite=r["cite"].strip(),
            status=r["status"].strip(),
        )
        for r in tables._rows("thyroid_hormone_cautions.csv")
    )


@cache
def drugs() -> frozenset[str]:
    """The drugs the table has cautions for (liothyronine): nearly every call stops here."""
    return frozenset(r.drug for r in rows())


def cautions(ctx: RuleContext, ingredient: str) -> tuple[Caution, ...]:
    """Every row for `ingredient` that applies to this patient, in table order; () for any other
    drug. A finding row names the latest-dated finding of its kind (undated last); a cardiac
    history coded at any time counts (before or after a running T3: the safer reading)."""
    drug = ingredient.lower()
    if drug not in drugs():
        return ()
    taken: dict[str, Taking] | None = None
    found: list[Caution] = []
    for row in rows():
        if row.drug != drug:
            continue
        if row.when == _FINDING:
            coded = ctx.facts.findings_of(FindingKind(row.what))
            if coded:
                latest = max(coded, key=lambda f: f.onset or date.min)
                found.append(Caution(row, finding=latest))
        elif row.when == _RUNNING:
            if taken is None:
                taken = {t.ingredient: t for t in ctx.running_takings}
            if row.what in taken:
                found.append(Caution(row, taking=taken[row.what]))
    return tuple(found)


def holding(ctx: RuleContext, ingredient: str) -> tuple[Caution, ...]:
    """The cautions that keep `ingredient` off the optimise card's one-click proposals."""
    return tuple(c for c in cautions(ctx, ingredient) if c.row.holds_one_click)


def card_lines(ctx: RuleContext, ingredient: str) -> list[str]:
    """The optimise card's lines for `ingredient` named on it: each caution, and, when one holds
    it, that it is not offered as a ready-to-accept order."""
    found = cautions(ctx, ingredient)
    lines = [c.line() for c in found]
    if any(c.row.holds_one_click for c in found):
        lines.append(
            f"{ingredient.capitalize()} is named here, not offered as a ready-to-accept order: "
            "the dose to start or raise to is the prescriber's, with the cardiac history."
        )
    return lines
