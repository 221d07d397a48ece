"""Visits and referrals whose words may name psychotherapy (care69, review K61a finding 6).

Six finished visits typed "Therapy visit", "Individual Therapy", "Counseling visit" or "BH
THERAPY" under a local code, or a ServiceRequest "Referral to therapist" / "Ambulatory referral
to Behavioral Health", with no Procedure: the psychotherapy card and the TMS payer line said "no
psychotherapy procedure, visit or referral on record". Bare "therapy" is not psychotherapy
(physical, occupational, speech, respiratory therapy, IV therapy), so such words are not read as
sessions or as a referral (data/procedure_terms.csv still decides those); but a card may not say
nothing is on record beside them. Those words (data/psychotherapy_maybe_terms.csv, each with
`unless` words that name the therapies that are not psychological) make a Referral of kind
`MAYBE`, which nothing reads as therapy had or arranged: the cards name it and ask to confirm
(services/maybe_psychotherapy.py), as they do a psychotherapy Procedure whose status was not read.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

# The Referral kind of a visit or request that may be psychotherapy (module docstring).
MAYBE = "psychotherapy-maybe"


@dataclass(frozen=True)
class _Term:
    pattern: re.Pattern[str]
    applies_to: frozenset[str]
    unless: tuple[re.Pattern[str], ...]


def _pattern(term: str) -> re.Pattern[str]:
    # As procedure_terms.csv's: "counsel*" starts a word, "therapist" is a whole word.
    if term.endswith("*"):
        return re.compile(r"\b" + re.escape(term[:-1]))
    return re.compile(r"\b" + re.escape(term) + r"\b")


@cache
def maybe_terms() -> tuple[_Term, ...]:
    path = resources.files("fhir_mapping").joinpath("data/psychotherapy_maybe_terms.csv")
    return tuple(
        _Term(
            _pattern(row["term"].strip().lower()),
            frozenset(row["applies_to"].split()),
            tuple(_pattern(w.strip().lower()) for w in row["unless"].split(";") if w.strip()),
        )
        for row in csv.DictReader(path.read_text("utf-8").splitlines())
    )


@lru_cache(maxsize=4096)  # visit types recur across charts; bounded
def may_be_psychotherapy(text: str, applies_to: str) -> bool:
    """Whether lower-cased `text` (a visit type's or a request's words) may name psychotherapy:
    a term of the table applying to `applies_to` ("encounter", "service-request") with none of
    its `unless` words (hyphens read as spaces: "IV-therapy")."""
    if not text:
        return False
    text = text.replace("-", " ")
    return any(
        applies_to in t.applies_to
        and t.pattern.search(text)
        and not any(u.search(text) for u in t.unless)
        for t in maybe_terms()
    )
