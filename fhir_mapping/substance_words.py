"""The names a self-harm reader takes for a drug or pills: the drug tables' names
(drug_vocabulary: every antidepressant, antipsychotic, mood stabiliser ... generic, alias and
brand), data/sedative_names.csv's ("xanax", "heroin", "opioid*") and the `od_substance` rows of
data/self_harm_terms.csv ("tylenol", "pills").

One alternation for two readers: "OD" right before a substance is an overdose (od_lookalike.py,
fix text51b), and "<drug>" in a self-harm term reads a drug named after a preparatory verb
("saving up her seroquel", "hoarding her seroquel": self_harm_ideation.term_regex, session 36 fix
text68). Apart from both because od_lookalike.py imports self_harm_ideation.py: the names must sit
below them both."""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping import self_harm_terms
from fhir_mapping.drug_vocabulary import _names
from fhir_mapping.text_negation import normalise_text

__all__ = ["substance_alternation"]


@cache
def substance_alternation() -> str:
    """The substance names as one regex alternation (no group around it), longest first, each a
    whole word ("opioid*": any ending)."""
    table = resources.files("fhir_mapping").joinpath("data/sedative_names.csv").read_text("utf-8")
    names = [normalise_text(row["name"]) for row in csv.DictReader(table.splitlines())]
    names += [normalise_text(t) for t in self_harm_terms.terms("od_substance")]
    words = "|".join(
        re.escape(n.rstrip("*")) + (r"\w*" if n.endswith("*") else r"\b")
        for n in sorted(set(names), key=len, reverse=True)
    )
    return words + "|" + _names()[1].pattern
