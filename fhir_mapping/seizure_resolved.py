"""Whether a seizure named in a Condition's words still counts once the entry is resolved
(fix tms50, fhir_mapping/condition_text.py): yes, as R56.9 resolved does (condition_codes.csv
counts_when_resolved), unless the words name only a febrile seizure, which its codes resolved
do not count (SNOMED CT 230432008: ILAE, febrile seizures are not epilepsy).

Fix tms51: the words are matched whole (a term ending in "*" as a word's start), so
"Afebrile seizure" and "Nonfebrile seizure" no longer read as febrile, and the febrile exception
holds only when every seizure word in the text is qualified as febrile ("febrile" just before it,
or just after it as "Convulsions, febrile"): "Seizure disorder; febrile seizures as a child" and
"Seizures (febrile and afebrile)" name a seizure that was not febrile, so they count, the safer
reading (a one-click TMS referral beside a past unprovoked seizure is the harm to avoid). A
`counted` word (an epilepsy word, "afebrile", "unprovoked", "seizure disorder") keeps it counted
whatever else is said; a text naming no `seizure` word this module knows counts too. The words
are data/seizure_resolved_terms.csv.

Fix tms52: the epilepsy word counts inside a word too (its term "*epilep*": a leading "*" lets
the word start earlier), so "Febrile seizure, treated with antiepileptic" and "Febrile seizure;
postepileptic confusion" stay held as before tms51: a word naming epilepsy beside a febrile
seizure says the seizure may not have been only febrile, and a one-click TMS referral beside
it is the harm to avoid (review K60a finding 1)."""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources


def _part(term: str) -> str:
    """One term as a regex: a trailing "*" lets the word run on ("seizure*"), a leading "*"
    lets it start earlier ("*epilep*" in "antiepileptic", fix tms52)."""
    head = r"\w*" if term.startswith("*") else ""
    tail = r"\w*" if term.endswith("*") else ""
    return head + re.escape(term.strip("*")) + tail


def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-word alternation of `terms` (see `_part` for "*")."""
    parts = [_part(t) for t in sorted(terms, key=len, reverse=True)]
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b")


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    text = resources.files("fhir_mapping").joinpath("data/seizure_resolved_terms.csv")
    found: dict[str, list[str]] = {}
    for row in csv.DictReader(text.read_text("utf-8").splitlines()):
        found.setdefault(row["role"], []).append(_normal(row["term"]).strip())
    return {role: _pattern(tuple(terms)) for role, terms in found.items()}


def _normal(text: str) -> str:
    # "non-febrile", "febrile-seizure": a hyphen joins words as a space does.
    return text.lower().replace("-", " ")


def _febrile_qualified(said: str, start: int, end: int, febrile: re.Pattern[str]) -> bool:
    """Whether the seizure word at said[start:end] is qualified as febrile: the febrile word
    right before it ("Hx febrile seizures"), or right after it, a comma between at most
    ("Convulsions, febrile", ICD index order). Anything further off is not read as qualifying
    it ("Seizures (febrile and afebrile)"), so the seizure counts, the safer reading."""
    if re.search(febrile.pattern + r"\s*$", said[:start]):
        return True
    return re.match(r"\s*,?\s*" + febrile.pattern, said[end:]) is not None


def counts_when_resolved(text: str) -> bool:
    """Whether the seizure the words name counts on an entry no longer active."""
    said = _normal(text)
    patterns = _patterns()
    counted = patterns.get("counted")
    if counted is not None and counted.search(said):
        return True
    febrile = patterns.get("not-counted")
    seizure = patterns.get("seizure")
    if febrile is None or seizure is None:
        return True
    words = list(seizure.finditer(said))
    # Not counted only when there is a seizure word and every one is febrile.
    return not words or not all(
        _febrile_qualified(said, m.start(), m.end(), febrile) for m in words
    )
