"""How a documented intolerance is read and worded: the stop reason of a medication resource
(statusReason: HL7 `sintol` / `salg`, SNOMED CT, or words such as "side effects" in its text;
data/intolerance_reasons.csv, with sources), the table's "not causal" causality codes an
AdverseEvent's suspect may carry, the low-sodium reactions (`says_low_sodium`), and the label of a
reaction's manifestation (a bare mania code says what it means).

Apart from intolerance.py because it reads one code table and free text, nothing of which
resource says what; intolerance.py (allergies, `read_intolerances`) and intolerance_events.py
(AdverseEvent) word their reasons with it. Its names stay importable from intolerance.py.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.code_systems import canonical_system
from fhir_mapping.concept_words import concept_label, concepts, whole_words
from fhir_mapping.fhir_fields import codings
from fhir_mapping.manic_reaction import says_mania
from fhir_mapping.reaction_attribution import not_this_drugs
from fhir_mapping.record import Intolerance, SourceRef
from fhir_mapping.tms_safety import negated, normalise_text

# Statuses of a course still running or not begun: a stop reason cannot apply to them.
_RUNNING = frozenset({"active", "intended", "draft"})


@dataclass(frozen=True, slots=True)
class _Reasons:
    codes: Mapping[tuple[str, str], str]  # (canonical system, lower-case code) -> term
    terms: re.Pattern[str]
    not_causal: frozenset[tuple[str, str]]


@cache
def reason_table() -> _Reasons:
    text = (
        resources.files("fhir_mapping").joinpath("data/intolerance_reasons.csv").read_text("utf-8")
    )
    codes: dict[tuple[str, str], str] = {}
    terms: list[str] = []
    not_causal: set[tuple[str, str]] = set()
    for row in csv.DictReader(text.splitlines()):
        key = (canonical_system(row["system"]), row["code"].lower())
        if row["kind"] == "code":
            codes[key] = row["term"]
        elif row["kind"] == "term":
            terms.append(row["term"].lower())
        elif row["kind"] == "not-causal":
            not_causal.add(key)
    return _Reasons(codes, whole_words(terms), frozenset(not_causal))


@cache
def _low_sodium_words() -> re.Pattern[str]:
    """The words of the rows whose `reaction` is low-sodium, codes' terms included."""
    text = (
        resources.files("fhir_mapping").joinpath("data/intolerance_reasons.csv").read_text("utf-8")
    )
    return whole_words(
        row["term"].lower()
        for row in csv.DictReader(text.splitlines())
        if row.get("reaction") == "low-sodium"
    )


def says_low_sodium(intolerance: Intolerance) -> bool:
    """Whether a documented intolerance names a low sodium (hyponatraemia, SIADH) as its reaction:
    its reason as documented, or the table's term for a bare code (`intolerance_reason`). A
    drug-associated hyponatraemia does not expire: SSRIs and SNRIs can bring it back (the
    switch list says so: services/sodium_history.py)."""
    return _said(_low_sodium_words(), intolerance.reason)


def _said(words: re.Pattern[str], text: str) -> bool:
    """Whether any of `words` stands in `text` not negated ("Nausea. Sodium rechecked: no
    hyponatremia." names no low sodium: the recheck of review 12)."""
    normal = normalise_text(text)
    return any(not negated(normal, m.start(), m.end()) for m in words.finditer(normal))


def _drugs_reaction(words: re.Pattern[str], text: str, ingredient: str | None) -> bool:
    """As `_said`, and the reaction the drug stopped's: not resolved, another condition or
    another drug's (reaction_attribution.py, fix k64fix). Not for the low-sodium reading: a
    drug-associated hyponatraemia, resolved or not, can come back on an SSRI."""
    normal = normalise_text(text)
    return any(
        not negated(normal, m.start(), m.end())
        and not not_this_drugs(normal, m.start(), m.end(), ingredient)
        for m in words.finditer(normal)
    )


def intolerance_reason(concept: object, ingredient: str | None = None) -> str | None:
    """The documented reason when a stop reason says the drug was not tolerated, else None;
    `ingredient`: the drug stopped, where known (a reaction named as another drug's is not its)."""
    table = reason_table()
    for item in concepts(concept):
        for system, code, display in codings(item):
            term = table.codes.get((system, code.lower()))
            if term is not None:
                return concept_label(item) or display or term
        words = " ".join(
            [d for _, _, d in codings(item) if d]
            + ([item["text"]] if isinstance(item.get("text"), str) else [])
        ).lower()
        if words and _drugs_reaction(table.terms, words, ingredient):
            return concept_label(item)
    return None


def status_reason_intolerance(
    resource: Mapping[str, Any], ingredient: str, when: date | None
) -> Intolerance | None:
    """Intolerance stated as the stop reason of a medication resource (statusReason, or a
    dispense's statusReasonCodeableConcept), dated `when` (the course's stated end, where known).
    None for a resource with neither field (medications.py skips the call for those)."""
    status = resource.get("status")
    if isinstance(status, str) and status in _RUNNING:
        return None  # still being taken: whatever the reason says, the course was not stopped
    value = resource.get("statusReason")
    if value is None:
        value = resource.get("statusReasonCodeableConcept")
        if value is None:
            return None  # no stop reason: what nearly every medication resource says
    reason = intolerance_reason(value, ingredient)
    # A stop reason that says mania or hypomania (coded, or in words not negated) is a reaction
    # to the drug even with no intolerance code or word beside it: a manic switch.
    mania = next((said for c in concepts(value) if (said := says_mania(c)) is not None), None)
    if reason is None:
        if mania is None:
            return None
        reason = mania[2]
    rid = resource.get("id")
    source = SourceRef(str(resource.get("resourceType")), rid if isinstance(rid, str) else "")
    return Intolerance(ingredient, reason, when, source, manic_reaction=mania is not None)


def manifestation_label(concept: Mapping[str, Any]) -> str | None:
    """The manifestation as written, else, for a bare code that says mania or hypomania (SNOMED
    231494001 with no display: C-CDA conversions send codes so), what that code means."""
    label = concept_label(concept)
    if label is not None:
        return label
    said = says_mania(concept)
    return said[2] if said is not None else None
