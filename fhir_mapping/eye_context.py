"""Whether a record is the eye's, so "OD" in its words is the right eye (oculus dexter), never an
overdose (session 36 fix text70, recheck K52a findings 5 and 6).

Fix text68 read "OD" as the whole text as an overdose wherever it stood, and "here for OD",
"2019 OD" too: a Cataract (SNOMED 193570009) or POAG (H40.1111) entry noted "OD", an
ophthalmology visit whose reason was "OD" or "Here for OD", and a Cataract entry noted "CE/IOL:
2019 OD" raised the critical overdose card (or the past-overdose warning), the TMS referral held,
on every chart an eye clinic had touched. The decision it wrote argues an ED visit's reason.
A record is the eye's when:

- a Condition is coded in ICD-10-CM's eye chapter (H00-H59) or by an eye SNOMED CT disorder
  (data/eye_context.csv), or its own words hold a `lookalike_eye` word ("Cataract", "Glaucoma",
  self_harm_terms.csv): its words and notes are read with the eye's "OD" blanked
  (od_lookalike.eye_sided);
- an Encounter's type or serviceType names an eye visit (`visit_word`: "Ophthalmology",
  "Optometry", "Eye clinic", "Retina clinic"): its reasons are read so.

An overdose stated in such a record in other words ("s/p OD last night", "OD on insulin",
"intentional overdose") is still read: only a bare "OD", a dated one and one after a visit or
suspicion word are the eye's there. The table is data, UNVERIFIED (codes from memory).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping import self_harm_terms
from fhir_mapping.fhir_fields import codings, concept_text, one_or_many
from fhir_mapping.text_negation import normalise_text

__all__ = ["eye_condition", "eye_visit"]

_ICD10 = frozenset({"http://hl7.org/fhir/sid/icd-10-cm", "http://hl7.org/fhir/sid/icd-10"})
_SNOMED = "http://snomed.info/sct"


@cache
def _rows() -> dict[str, tuple[str, ...]]:
    text = resources.files("fhir_mapping").joinpath("data/eye_context.csv").read_text("utf-8")
    found: dict[str, list[str]] = {}
    for row in csv.DictReader(text.splitlines()):
        found.setdefault(row["kind"], []).append(row["term"].strip())
    return {kind: tuple(terms) for kind, terms in found.items()}


def _words(terms: tuple[str, ...]) -> re.Pattern[str]:
    """`terms` as whole words, a closing "*" any ending ("ophthalm*")."""
    body = "|".join(
        re.escape(normalise_text(t).rstrip("*")) + (r"\w*" if t.endswith("*") else r"\b")
        for t in sorted(terms, key=len, reverse=True)
    )
    return re.compile(r"\b(?:" + body + ")" if body else r"(?!)")


@cache
def _eye_words() -> re.Pattern[str]:
    return _words(self_harm_terms.terms("lookalike_eye"))


@cache
def _visit_words() -> re.Pattern[str]:
    return _words(_rows().get("visit_word", ()))


@cache
def _eye_codes() -> tuple[tuple[str, ...], frozenset[str]]:
    """(the ICD-10 prefixes upper-cased, the SNOMED codes): built once, not for every Condition
    of every chart (issue 14, perf15)."""
    rows = _rows()
    return tuple(p.upper() for p in rows.get("icd10_prefix", ())), frozenset(rows.get("snomed", ()))


def eye_condition(resource: Mapping[str, Any]) -> bool:
    """Whether a Condition is the eye's: an eye code, or an eye word in its own words."""
    concept = resource.get("code")
    coded = codings(concept)
    prefixes, snomed = _eye_codes()
    for system, code, _ in coded:
        if system in _ICD10 and prefixes and code.upper().startswith(prefixes):
            return True
        if system == _SNOMED and code in snomed:
            return True
    return _eye_words().search(normalise_text(concept_text(concept, coded))) is not None


def eye_visit(resource: Mapping[str, Any]) -> bool:
    """Whether an Encounter's type or serviceType names an eye visit ("Ophthalmology visit")."""
    concepts = [*one_or_many(resource.get("type")), *one_or_many(resource.get("serviceType"))]
    return any(_visit_words().search(normalise_text(concept_text(c))) for c in concepts)
