"""A switch option that shares a mechanism with a drug class the patient is severely allergic to,
without belonging to the class (services/data/allergy_class_caveats.csv): vortioxetine after an
"SSRIs" allergy with anaphylaxis (audit 16 W3, review 16 c03b).

Vortioxetine inhibits the serotonin transporter (label 12.1) but is no SSRI by class, and no
source read says whether an SSRI allergy carries over to it. Leaving it out would take one of the
few first-line options left after an SSRI class allergy on a word no source gives; offering it
bare would hide the question. The option stays, with the caveat beside it. Vilazodone, which its
label calls an SSRI, is held back with the class instead (fhir_mapping/data/
allergy_class_members.csv). Only a severe class allergy (criticality high, anaphylaxis or
angioedema: Intolerance.severe) gets the caveat: after a rash the question is the prescriber's
usual one, and the line would be noise on every such chart.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache
from importlib import resources

from fhir_mapping import drug_table
from fhir_mapping.record import Intolerance


@cache
def _rows() -> tuple[tuple[str, str, str], ...]:
    """(drug class lower case, ingredient, relation) of each row."""
    text = resources.files("services").joinpath("data/allergy_class_caveats.csv").read_text("utf-8")
    return tuple(
        (r["drug_class"].strip().lower(), r["ingredient"].strip(), r["relation"].strip())
        for r in csv.DictReader(text.splitlines())
    )


def _severe_class_allergies(intolerances: Iterable[Intolerance]) -> dict[str, str]:
    """Drug class (lower case) -> the allergen as written ("SSRIs"), for each class allergy
    recorded with a severe reaction."""
    found: dict[str, str] = {}
    for entry in intolerances:
        if not (entry.allergen_class and entry.severe):
            continue
        info = drug_table.drug_info(entry.ingredient)
        if info is not None:
            found.setdefault(info.drug_class.lower(), entry.allergen_class)
    return found


def caveat(intolerances: Iterable[Intolerance], ingredient: str) -> str | None:
    """The caveat an option carries beside it, or None: "a serotonin reuptake inhibitor, not an
    SSRI by class: cross-sensitivity with the recorded allergy (SSRIs, severe) not established;
    ..." (the row's `{allergen}` is the allergen as written)."""
    rows = [r for r in _rows() if r[1] == ingredient]
    if not rows:
        return None
    classes = _severe_class_allergies(intolerances)
    for drug_class, _, relation in rows:
        allergen = classes.get(drug_class)
        if allergen is not None:
            return relation.replace("{allergen}", allergen)
    return None
