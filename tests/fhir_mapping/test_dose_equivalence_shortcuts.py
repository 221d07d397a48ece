"""The shortcuts of dose_basis.equivalence_of (issue 14, speed round 6) read as the plain reading.

- A row's words are looked for as plain text before its word-bounded pattern: `named_in` must
  answer what the pattern alone answers, for names holding a word, a word inside a longer word
  ("hbrx", "prehbr"), a prefix, or none.
- The rows are looked up by ingredient instead of scanning the table: `equivalence_of` must give
  the row the table scan with the pattern alone gave (written out here), for charts that name
  the product by RxCUI, by brand or salt in any concept, by the reference's display, or not.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import date
from typing import Any

from fhir_mapping.dose_basis import Equivalence, _names, equivalence_of, equivalences
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b

PID = "p-equivalence"
START = date(2024, 1, 2)


def _plain_equivalence_of(
    ingredient: str, resource: Mapping[str, Any], medication: Mapping[str, Any] | None, display: str
) -> Equivalence | None:
    """The reading the shortcuts replace: every row of the table, in order, by code or pattern."""
    rows = [e for e in equivalences().values() if e.ingredient == ingredient.lower()]
    if not rows:
        return None
    names, codes = _names(resource, medication, display)
    for row in rows:
        if row.rxcuis & codes or row.pattern.search(names):
            return row
    return None


# Names around every word of the table: whole, inside a longer word, as a prefix, hyphenated,
# at either end, split across two displays, in capitals (the names are read lower-cased).
_NAMES = [
    "",
    "24 hr bupropion hydrochloride 300 mg extended release oral tablet",
    "bupropion hydrobromide er",
    "bupropion hydrobromides",
    "hbr",
    "hbrx 348 mg",
    "prehbr 348 mg",
    "bupropion-hbr 348 mg",
    "aplenzin",
    "aplenzin348",
    "xaplenzin",
    "prozac weekly",
    "prozac  weekly",
    "prozac weeklyish",
    "fluoxetine 90 mg delayed release oral capsule",
    "fluoxetine 90 mg delayed-release",
    "delayed releases",
    "weekly",
    "biweekly",
    "weekly | daily",
    "fluoxetine | prozac | weekly",
]


def test_a_row_is_named_where_its_pattern_alone_finds_it() -> None:
    matched = 0
    for row in equivalences().values():
        for name in _NAMES:
            plain = row.pattern.search(name) is not None
            assert row.named_in(name) is plain, (row.key, name)
            matched += plain
    assert matched >= 8, "the names hold words of both rows"


def _concept(code: str | None, display: str | None, text: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if code is not None:
        coding: dict[str, Any] = {"system": "http://www.nlm.nih.gov/research/umls/rxnorm"}
        coding["code"] = code
        if display is not None:
            coding["display"] = display
        found["coding"] = [coding]
    if text is not None:
        found["text"] = text
    return found


# (RxCUI, display) of products with and without an equivalence, and of neither ingredient.
_PRODUCTS = [
    ("993557", "24 HR bupropion hydrochloride 300 MG Extended Release Oral Tablet"),
    ("993567", "24 HR bupropion hydrobromide 348 MG Extended Release Oral Tablet"),
    ("993567", None),
    ("835486", "Aplenzin"),
    (None, "Aplenzin 348 mg tablet"),
    ("310385", "fluoxetine 20 MG Oral Capsule"),
    ("313995", "fluoxetine 90 MG Delayed Release Oral Capsule"),
    (None, "Prozac Weekly 90 mg"),
    (None, "fluoxetine 20 mg WEEKLY review"),
    ("312941", "sertraline 50 MG Oral Tablet"),
]


def _resources() -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Orders naming the product in their concept, or through a Medication (its code or form),
    or by the reference's display alone."""
    found: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
    for rxcui, display in _PRODUCTS:
        order = b.medication_request(None, "placeholder", START, patient=PID)
        order["medicationCodeableConcept"] = _concept(rxcui, display, text=display)
        medication = b.medication(rxcui, display, id="med-1", text=display)
        by_reference = b.medication_request(
            None, None, START, medication_reference="med-1", patient=PID
        )
        assert_valid([order, by_reference, medication])
        found += [(order, None), (by_reference, medication)]
    for (_, first), (_, second) in itertools.combinations(_PRODUCTS, 2):
        # Two displays in one concept, a reference display, and a form that names the product.
        order = b.medication_request(None, None, START, medication_reference="med-2", patient=PID)
        order["medicationReference"]["display"] = first or "a product"
        medication = b.medication("1", first or "a product", id="med-2")
        medication["code"]["coding"].append(_concept("2", second or "another")["coding"][0])
        medication["form"] = {"text": second or "tablet"}
        assert_valid([order, medication])
        found.append((order, medication))
    return found


def test_equivalence_by_ingredient_reads_as_the_table_scan() -> None:
    rows_found = set()
    for resource, medication in _resources():
        for ingredient in ("bupropion", "Fluoxetine", "sertraline", ""):
            for display in ("", "bupropion hydrochloride 300 MG", "Aplenzin", "weekly"):
                found = equivalence_of(ingredient, resource, medication, display)
                assert found == _plain_equivalence_of(ingredient, resource, medication, display)
                rows_found.add(None if found is None else found.key)
    assert rows_found == {None, *equivalences()}, "every row is found, and no row"
