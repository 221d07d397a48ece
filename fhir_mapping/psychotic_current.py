"""Whether a Condition's words name a hallucination or delusion that is not a current psychotic
symptom (review K64a finding 3, fix tms60).

tms58 read "hallucination*", "hearing voices" and "paranoid delusion*" as psychotic features
(data/diagnosis_terms.csv), which turns the optimise card to the antipsychotic/ECT headline and
holds TMS. "History of hallucinations", "hallucinations resolved 2019", "Hypnagogic
hallucinations", "Attends hearing voices group", "Charles Bonnet syndrome (visual
hallucinations ...)" or "Alcohol withdrawal hallucinations 2015" name no current psychotic
depression: past or resolved words read as the withdrawal episodes are
(diagnosis_text.said_as_not_current), and a named cause or a sleep phenomenon
(data/psychotic_not_current.csv). A card that prompts an antipsychotic dose on such words claims
more than the record shows; what stays read ("Auditory hallucinations" active) still holds.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping.diagnosis_text import said_as_not_current
from fhir_mapping.record import FindingKind
from fhir_mapping.safety_term_words import phrase
from fhir_mapping.text_negation import normalise_text

__all__ = ["not_current_psychotic", "said_not_current"]

_PSYCHOTIC = FindingKind.PSYCHOTIC
# The symptom words tms58 added: only these are read as not current by a cue, so "MDD with
# psychotic features" keeps its reading.
_SYMPTOM = re.compile(r"\b(?:hallucinat\w*|hearing voices|hears voices|\w+ delusions?)\b")
_RESOLVED_AFTER_COMMA = re.compile(r",\s*(?=resolved\b)", re.IGNORECASE)


@cache
def _cues() -> re.Pattern[str]:
    text = resources.files("fhir_mapping").joinpath("data/psychotic_not_current.csv")
    rows = csv.DictReader(text.read_text("utf-8").splitlines())
    return re.compile("|".join(f"(?:{phrase(normalise_text(r['term'])).pattern})" for r in rows))


def not_current_psychotic(text: str) -> bool:
    """Whether the psychotic symptom `text` names is past, resolved or has a named non-psychotic
    cause (module docstring). False for text that names none of the symptom words."""
    said = normalise_text(text)
    if not _SYMPTOM.search(said):
        return False
    # "Paranoid delusions, resolved 2020": the comma before "resolved" ends no statement here.
    joined = _RESOLVED_AFTER_COMMA.sub(" ", text)
    return said_as_not_current(joined, _PSYCHOTIC) or bool(_cues().search(said))


def said_not_current(text: str) -> bool:
    """`not_current_psychotic`, or any psychotic word ("Psychosis", "AH/VH") said as past or
    resolved: "Hx psychosis 2015, resolved" as an ED visit's reason (visit_psychotic.py, fix
    tms61). Only the visit reader asks this: a problem-list "MDD with psychotic features" keeps
    the reading tms58 gave it."""
    joined = _RESOLVED_AFTER_COMMA.sub(" ", text)
    return not_current_psychotic(text) or said_as_not_current(joined, _PSYCHOTIC)
