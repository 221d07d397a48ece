"""A seizure, metal or an implant written in a Condition's or a Procedure's note, for the TMS
safety screen (fix tms58, review K63a finding 5).

Epic and Oracle Health problems and procedures carry the clinician's comments in `note`; only
self-harm and mania were read there (condition_harm_notes.py, mania_notes.py). An "Anxiety"
problem noted "h/o seizure 2015, off keppra" gave a one-click TMS referral whose packet said "No
epilepsy or seizure disorder ... recognised in the chart's codes and text", and a "Craniotomy"
noted "MCA aneurysm clipped" passed the screen. The notes are now read for the screen, the safer
of the two choices the review offered (reading them, or saying they were not read): a seizure in
words as condition_text.py reads the entry's own text (the same negation, relative and
febrile-seizure rules: "no seizures", "FHx epilepsy" say nothing of the patient), held as a
seizure is and worded as a note's mention to confirm ("a problem's note mentions a seizure"),
never a seizure disorder on record; metal and implants by tms_safety.py's terms for the
resource's type. Only these kinds: the other diagnoses a note names are not the entry's. A note
dated after the as-of day is not read.

A seizure caution a note clears is not asked (session 40 review K64a finding 9, fix tms61): "seizure
precautions not needed" (Migraine) and "PNES, EEG normal, not epilepsy" (Conversion disorder)
asked for a seizure screen. A note naming only a seizure caution (tms_safety_terms.csv rows
marked `visit-reason`: seizure precautions, PNES) beside a clearing word
(data/seizure_caution_cleared.csv: "not needed", "not epilepsy", "EEG normal") states no seizure
risk; a seizure itself ("h/o seizure 2015, off keppra") is read as before and still held.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping import seizure_resolved, tms_safety
from fhir_mapping.condition_dates import abatement_date
from fhir_mapping.condition_harm_notes import has_harm_note
from fhir_mapping.condition_text import TEXT_MENTION, text_findings
from fhir_mapping.diagnosis_text import text_kinds
from fhir_mapping.mania_notes import _notes
from fhir_mapping.record import Finding, FindingKind, SourceRef
from fhir_mapping.safety_term_words import phrase
from fhir_mapping.text_negation import normalise_text

__all__ = ["has_safety_note", "kept_for_notes", "safety_note_findings"]

_SEIZURE = FindingKind.EPILEPSY
# How the cards name a seizure a note mentions (services/finding_words.py `named_as`).
_NOTED_SEIZURE = "a note mentions a seizure"
_QUOTE_CHARS = 160
_CAUTION_SEVERITY = tms_safety.Severity.CAUTION
_CAUTION = tms_safety.KIND_OF[_CAUTION_SEVERITY]
# The tms_safety_terms.csv rows a visit's reason is read for: the seizure cautions (visit_seizure).
_SEIZURE_CAUTION = "visit-reason"


@cache
def _cleared() -> re.Pattern[str]:
    text = resources.files("fhir_mapping").joinpath("data/seizure_caution_cleared.csv")
    rows = csv.DictReader(text.read_text("utf-8").splitlines())
    return re.compile("|".join(f"(?:{phrase(normalise_text(r['term'])).pattern})" for r in rows))


def _caution_cleared(text: str, applies_to: str) -> bool:
    """Whether the note's caution is a seizure caution it clears (module docstring, fix tms61)."""
    rows = [r for r in tms_safety.text_rows(text, applies_to) if r.severity is _CAUTION_SEVERITY]
    return (
        bool(rows)
        and all(_SEIZURE_CAUTION in r.applies_to for r in rows)
        and bool(_cleared().search(normalise_text(text)))
    )


def has_safety_note(resource: Mapping[str, Any], applies_to: str) -> bool:
    """Whether a note of the resource may name a seizure or a screened implant (whatever its
    date): the readers keep the resource for `safety_note_findings`."""
    return any(
        _SEIZURE in text_kinds(text) or bool(tms_safety.text_rows(text, applies_to))
        for text, _ in _notes(resource)
    )


def kept_for_notes(resource: Mapping[str, Any]) -> bool:
    """Whether a Condition's notes may name self-harm, ideation or a plan
    (condition_harm_notes.py) or a seizure or screened implant (here): conditions.wants_condition
    keeps the entry for their readers."""
    return has_harm_note(resource) or has_safety_note(resource, "condition")


def safety_note_findings(
    resource: Mapping[str, Any],
    applies_to: str,
    state: str,
    onset: date | None,
    source: SourceRef | None,
    as_of: date,
    label: str,
) -> tuple[Finding, ...]:
    """The seizure and TMS safety findings the resource's notes state, the first note naming
    each kind (module docstring). `state`: the entry's ("active" for a procedure)."""
    abated = abatement_date(resource)[1] if state != "active" else None
    found: dict[FindingKind, Finding] = {}
    for text, on in _notes(resource):
        if on is not None and on > as_of:
            continue
        said = " ".join(text.split())
        if len(said) > _QUOTE_CHARS:
            said = said[: _QUOTE_CHARS - 3].rstrip() + "..."
        # A febrile seizure a note names is a childhood history ("h/o febrile seizure age 2"),
        # read as the Condition's own words resolved are: not counted (seizure_resolved.py;
        # review K64a finding 8, fix tms60). Other seizure words keep the entry's state.
        read_as = state if seizure_resolved.counts_when_resolved(text) else "resolved"
        seizure = text_findings(text, said, read_as, on or onset, source, abated=abated).get(
            _SEIZURE
        )
        if seizure is not None:
            found.setdefault(
                _SEIZURE,
                replace(seizure, verification=TEXT_MENTION, named_as=_NOTED_SEIZURE, noted_on=on),
            )
        for finding in tms_safety.findings(
            None,
            applies_to=applies_to,
            text=text,
            label=f"{label}: note '{said}'" if label else f"note '{said}'",
            active=state == "active",
            onset=on or onset,
            source=source,
            state=state,
            abated=abated,
        ):
            if finding.kind is _CAUTION and _caution_cleared(text, applies_to):
                continue  # "seizure precautions not needed" (fix tms61)
            found.setdefault(finding.kind, finding)
    return tuple(found.values())
