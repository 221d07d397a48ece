"""Which ServiceRequests a lab's name in the text makes a lab order (session 35 fix lab56).

Session 35 lith53 read a request under a local code only by its text (data/lab_lookalike_terms.csv),
so Epic's "LITHIUM LEVEL" (LAB143347) is a level ordered. But any request was read so: a consult
"Endocrinology consult: abnormal TSH" (category referral) was a TSH ordered, and the diagnosis
review dropped its "Order TSH" on a chart with no TSH ordered. A card must not claim more than the
record shows, so the text is read only:

- on a request whose category says laboratory (data/request_categories.csv `lab`);
- never on one whose category says another service (`other`: referral, imaging, counselling...);
- with no category the table knows (Epic sends many orders without one), only when every text of
  the code is the lab's name and nothing else but data/lab_order_words.csv words ("LITHIUM
  LEVEL", "Lithium, Serum", "TSH"). "Abnormal TSH", "TSH follow-up" are not read: a test
  proposed again beside an order is safer than a test never proposed beside a consult.

A request coded with a lab's LOINC code is a lab order whatever its category (referrals.py).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.fhir_fields import array, code_texts, codings
from fhir_mapping.lab_lookalike import lab_named, term_patterns
from fhir_mapping.text_negation import normalise_text

Resource = Mapping[str, Any]


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("fhir_mapping").joinpath(f"data/{name}")
    return list(csv.DictReader(text.read_text("utf-8").splitlines()))


@cache
def _categories() -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """(system, code) -> kind, and normalised category text -> kind."""
    coded: dict[tuple[str, str], str] = {}
    texts: dict[str, str] = {}
    for row in _rows("request_categories.csv"):
        if row["system"]:
            coded[(row["system"], row["code"])] = row["kind"]
        else:
            texts[normalise_text(row["text"])] = row["kind"]
    return coded, texts


@cache
def _filler() -> re.Pattern[str]:
    words = sorted((normalise_text(r["word"]) for r in _rows("lab_order_words.csv")), key=len)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in reversed(words)) + r")\b")


def _category_kinds(resource: Resource) -> set[str]:
    coded, texts = _categories()
    kinds: set[str] = set()
    for concept in array(resource.get("category")):
        found = codings(concept)
        kinds.update(coded[(s, c)] for s, c, _ in found if (s, c) in coded)
        names = [d for _, _, d in found]
        if isinstance(concept, Mapping) and isinstance(concept.get("text"), str):
            names.append(concept["text"])
        kinds.update(texts[n] for n in map(normalise_text, names) if n in texts)
    return kinds


def _only_the_name(resource: Resource, test: str) -> bool:
    """Whether every text of the code is `test`'s name with nothing but filler words beside it."""
    patterns = term_patterns(test)
    for text in code_texts(resource):
        rest = normalise_text(text)
        for pattern in patterns:
            rest = pattern.sub(" ", rest)
        if re.sub(r"\W+", "", _filler().sub(" ", rest)):
            return False
    return True


def lab_ordered(resource: Resource) -> str | None:
    """The test a ServiceRequest's text orders (lab_lookalike.lab_named), or None when its
    category says it is no lab order, or when it has no known category and its text says more
    than the lab's name."""
    kinds = _category_kinds(resource)
    if "other" in kinds and "lab" not in kinds:
        return None
    test = lab_named(resource)
    if test is None or "lab" in kinds or _only_the_name(resource, test):
        return test
    return None
