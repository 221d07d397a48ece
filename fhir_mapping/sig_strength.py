"""The strength of one unit read from a sig that states it unambiguously (review s20 RA finding 9).

An order coded at the ingredient level (RxNorm IN 89013, aripiprazole) names no strength, so a
structured "1 tablet" daily could not become mg: the card read "aripiprazole unknown mg/day", and
the failed augmentation (8 weeks, PHQ-9 16 -> 15) was not judged. Epic writes the dose per
administration beside the count: "Take 1 tablet (5 mg) by mouth daily", "Take 2 tablets (10 mg
total) by mouth daily". Such a sig states the mg of N units, so one unit is mg / N.

Read only when it cannot be misread, else the dose stays unread (None; cards say "dose not read"):
- every dosage line's text has exactly one amount in mass units, and it stands in parentheses
  right after a count of tablets or capsules (units from data/dose_units.csv): "5 mg tablet: take
  2 daily" names the product's strength beside another count and is not read here;
- the count in the text is the line's structured count where it states one (doseQuantity of 2
  tablets with "Take 1 tablet (5 mg)" disagrees: not read);
- every line gives the same strength (two lines of different strengths are two products).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from fhir_mapping.dose_amount import ordered_dose, quantity_amount
from fhir_mapping.dose_tables import unit_factor
from fhir_mapping.fhir_fields import JSON_OBJECT
from fhir_mapping.sig_amounts import NUM

# "1 tablet (5 mg)", "2 tabs (10 mg total)", "0.5 tablet (2.5 mg)".
_COUNT_MASS = re.compile(
    rf"(?P<n>{NUM})\s*(?P<u>[a-z{{}}]+)\s*\(\s*(?P<m>{NUM})\s*(?P<mu>mg|mcg|ug|g)\b[^)]*\)"
)
# Any amount in mass units: the text must hold one only.
_MASS = re.compile(rf"{NUM}\s*(?:mg|mcg|ug|g)\b")


def _line_strength(line: Mapping[str, Any]) -> float | None:
    text = line.get("text")
    if not isinstance(text, str) or not text.strip():
        return None
    # Lower case only: dose_sig.normalise_sig folds "1 tablet (5 mg)" into "5 mg", the very
    # pairing read here.
    normal = " ".join(text.lower().split())
    found = list(_COUNT_MASS.finditer(normal))
    if len(found) != 1 or len(_MASS.findall(normal)) != 1:
        return None
    match = found[0]
    unit, mass = unit_factor(match.group("u")), unit_factor(match.group("mu"))
    if unit is None or unit[0] != "count" or mass is None or mass[0] != "mass":
        return None
    count = float(match.group("n")) * unit[1]
    if count <= 0:
        return None
    entry = ordered_dose(line)
    if entry is not None and "doseQuantity" in entry:
        stated = quantity_amount(entry.get("doseQuantity"))
        if stated is None or stated[1] != "count" or stated[0] != count:
            return None  # the structure says another count (or no count): not this sig's units
    return float(match.group("m")) * mass[1] / count


def sig_strength(dosages: Sequence[Mapping[str, Any]] | None) -> float | None:
    """mg in one tablet or capsule as every dosage line's sig states it, or None (docstring)."""
    if not dosages:
        return None
    strengths = set()
    for line in dosages:
        if not isinstance(line, JSON_OBJECT):
            return None
        strength = _line_strength(line)
        if strength is None:
            return None
        strengths.add(round(strength, 6))
    return strengths.pop() if len(strengths) == 1 else None
