"""The AUDIT-C filed as a panel Observation (LOINC 72109-2): its total, as recorded or computed
from its three item answers.

Synthea files the AUDIT-C total as a standalone Observation (75626-2, the result of a 72109-2
DiagnosticReport: scores.py reads it as any total). EHR flowsheets and form tools file the
panel as an Observation instead, whose `component`s hold the total (75626-2) and / or the three
item answers: 68518-0 (how often a drink), 68519-8 (drinks on a typical day), 68520-6 (six or
more on one occasion), each a LOINC answer (LA...) worth 0-4 points (data/auditc_answers.csv).

The panel's total, first match wins (`panel_total`):

1. its 75626-2 component, as recorded;
2. the panel's own value (some EHRs file the total on the panel, as they do a PHQ-9's);
3. the sum of the three item answers when all three are answered and readable: the AUDIT-C
   total is that sum by definition (Bush 1998). The Score says `total_computed`, and the card
   says "computed from items".

A panel with components but neither a readable total nor all three readable items is a DataGap
(never silence: two answers alone do not make the total, and a high one may be among the
missing); so is an item answer present but unreadable, or a total component out of range. A panel
with no components and no value (its members are separate Observations: `hasMember`) says nothing
of its own: its 75626-2 member is read as a standalone total.

An item answer: a LOINC answer code of that item's list (with or without its system), else the
answer's display or text ("Monthly or less"), else a whole number of points 0-4 (valueInteger,
valueQuantity, valueString of digits), as some flowsheets file the points. Each item's answers are
its own list: "Never" is 0 in both lists that hold it, but a code is only read for the item whose
list names it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.code_systems import LOINC, canonical_system
from fhir_mapping.fhir_fields import JSON_OBJECT, codings, number

Resource = Mapping[str, Any]

# DataGap reasons (fhir_mapping/record.py DataGap.reason), said once here.
NO_TOTAL = "an AUDIT-C panel without a readable total or all three item answers"
UNREADABLE_ITEM = "an AUDIT-C item answer that could not be read"
UNREADABLE_TOTAL = "an AUDIT-C score that is missing, not a number or out of range"


@dataclass(frozen=True, slots=True)
class _ItemList:
    """One AUDIT-C item's LOINC answer list: code -> points, normalised text -> points."""

    codes: Mapping[str, int]
    texts: Mapping[str, int]
    max_points: int


def _words(text: str) -> str:
    return " ".join(re.sub(r"[-_]", " ", text).lower().split())


@cache
def auditc_items() -> dict[str, _ItemList]:
    """Item LOINC code -> its answer list (data/auditc_answers.csv)."""
    text = resources.files("fhir_mapping").joinpath("data/auditc_answers.csv").read_text("utf-8")
    codes: dict[str, dict[str, int]] = {}
    texts: dict[str, dict[str, int]] = {}
    for row in csv.DictReader(text.splitlines()):
        if canonical_system(row["system"].strip()) != LOINC:
            raise ValueError(f"auditc_answers.csv: an answer outside LOINC: {row}")
        item = row["item_loinc"].strip()
        points = int(row["points"])
        codes.setdefault(item, {})[row["code"].strip()] = points
        texts.setdefault(item, {})[_words(row["display"])] = points
    return {item: _ItemList(codes[item], texts[item], max(codes[item].values())) for item in codes}


def item_of(component: Mapping[str, Any]) -> str | None:
    """The AUDIT-C item LOINC code a panel component is coded as, else None."""
    items = auditc_items()
    for system, code, _ in codings(component.get("code")):
        if system == LOINC and code in items:
            return code
    return None


def item_points(item: str, component: Mapping[str, Any]) -> int | None:
    """The points of one item answer (module docstring), else None (unreadable)."""
    answers = auditc_items()[item]
    concept = component.get("valueCodeableConcept")
    if isinstance(concept, JSON_OBJECT):
        coded = codings(concept)
        for system, code, _ in coded:
            # A LOINC answer code names one answer whatever system was left out (codes.py).
            if system in (LOINC, "") and code in answers.codes:
                return answers.codes[code]
        for _, _, display in coded:
            if display and _words(display) in answers.texts:
                return answers.texts[_words(display)]
        text = concept.get("text")
        if isinstance(text, str):
            return answers.texts.get(_words(text))
        return None
    raw: float | None = None
    if "valueInteger" in component:
        raw = number(component.get("valueInteger"))
    elif isinstance(quantity := component.get("valueQuantity"), JSON_OBJECT):
        raw = number(quantity.get("value"))
    elif isinstance(text := component.get("valueString"), str):
        if text.strip().isdecimal():
            raw = float(text.strip())
        else:
            return answers.texts.get(_words(text))
    if raw is None or raw != int(raw) or not 0 <= raw <= answers.max_points:
        return None
    return int(raw)


@dataclass(frozen=True, slots=True)
class PanelTotal:
    """What an AUDIT-C panel says: its total (None: none usable), whether it was computed from the
    items, and the DataGap reasons of what could not be read."""

    value: int | None
    computed: bool = False
    problems: tuple[str, ...] = ()


def panel_total(
    recorded: int | None,
    total_unreadable: bool,
    own: int | None,
    items: Mapping[str, int | None],
) -> PanelTotal:
    """The panel's total (module docstring, first match wins). `recorded`: its readable 75626-2
    component; `total_unreadable`: a 75626-2 component is there but could not be read; `own`:
    the panel's own readable value; `items`: item LOINC code -> points (None: unreadable) of the
    item components it holds."""
    problems: list[str] = []
    if total_unreadable:
        problems.append(UNREADABLE_TOTAL)
    if any(points is None for points in items.values()):
        problems.append(UNREADABLE_ITEM)
    if recorded is not None:
        return PanelTotal(recorded, False, tuple(problems))
    if own is not None:
        return PanelTotal(own, False, tuple(problems))
    answered = [points for points in items.values() if points is not None]
    if len(answered) == len(auditc_items()) and len(items) == len(answered):
        return PanelTotal(sum(answered), True, tuple(problems))
    if items or total_unreadable:
        problems.append(NO_TOTAL)
    return PanelTotal(None, False, tuple(problems))
