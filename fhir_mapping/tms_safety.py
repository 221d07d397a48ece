"""TMS safety screen: what in a chart rules TMS out, and what the TMS service must screen first.

Issue 11 item 6. Two severities, as data (data/tms_safety_codes.csv, data/tms_safety_terms.csv,
each row with its source and status):

- absolute -> FindingKind.IMPLANTED_DEVICE: conductive, ferromagnetic or magnetic-sensitive metal
  or a stimulator in or near the head (cochlear implants, DBS/VNS and other neurostimulators,
  aneurysm clips and coils, metal in the head or eye). The NeuroStar label contraindicates
  "metals implanted in the head within 30 cm of the treatment coil" and LCD L34998/L37086 name
  "implanted magnetic-sensitive devices or metal within 30 cm" (REFERENCE.md 3.2/3.4). The TMS
  card is not shown; the optimise card says why.
- caution -> FindingKind.TMS_CAUTION: pacemakers and ICDs (the label's "use with caution"),
  CSF shunts, stents, retained fragments whose location is not coded, stroke, brain tumour,
  traumatic brain injury and raised intracranial pressure. The TMS card stays and names each one
  on its "TMS safety screen required" line, with date and source, so the TMS service asks.

Where the sources disagree or are silent (a neurostimulator whose site is not coded, an
otological implant of unknown type), the row takes the safer severity and is marked UNVERIFIED.

Recognised from codes (ICD-10-CM exact codes and families, SNOMED CT) on Conditions, Device.type
and Procedures, and from free text: Condition.code text and displays, Device type text and
deviceName, Procedure.code text. Terms match on word boundaries ("tbi" is not "tibia"; "stroke"
is not "sunstroke"); a term "clip* ~ aneurysm*" matches both words in either order within five
words of one clause ("S/p clipping of left MCA aneurysm", "aneurysm clip"), and NegEx-style negation (data/text_negations.csv; Chapman et al. 2001)
drops "No pacemaker", "denies shunt", "Pacemaker: none"; phrases that contain a screened word
without asserting it ("heat stroke", "risk of stroke") are `exclude` rows. A negation cue applies
within five words of the term in the same clause (NegEx's window); a conjunction ("but") or
punctuation ends its scope. A fragment word beside a head or eye word in one clause is held (head_metal.py,
fix tms57). Text is read for a severity only when no code on the same resource
gave it, so a coded finding keeps its code and display.

A resolved or inactive Condition counts where the row says so (counts_when_resolved): metal
stays in place and a stroke, tumour or brain injury stays in the history; raised intracranial
pressure counts only while active.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources

from fhir_mapping import head_metal
from fhir_mapping.code_systems import ICD10CM, canonical_system
from fhir_mapping.fhir_fields import JSON_OBJECT, codings
from fhir_mapping.record import Finding, FindingKind, SourceRef
from fhir_mapping.safety_term_words import asserted, phrase
from fhir_mapping.safety_term_words import term_pattern as term_pattern

# The negation reader (text_negation.py), re-exported: the other text readers import it from here.
from fhir_mapping.text_negation import negated as negated
from fhir_mapping.text_negation import normalise_text as normalise_text


class Severity(StrEnum):
    ABSOLUTE = "absolute"  # no TMS card
    CAUTION = "caution"  # TMS card with a "TMS safety screen required" line


_SEVERITIES = tuple(Severity)  # in declaration order, without iterating the Enum on each read

KIND_OF: dict[Severity, FindingKind] = {
    Severity.ABSOLUTE: FindingKind.IMPLANTED_DEVICE,
    Severity.CAUTION: FindingKind.TMS_CAUTION,
}


@dataclass(frozen=True, slots=True)
class SafetyCode:
    severity: Severity
    what: str
    system: str
    code: str  # ICD-10-CM without the dot, upper case
    prefix: bool
    display: str
    applies_to: frozenset[str]  # "condition" | "device" | "procedure"
    counts_when_resolved: bool
    source: str
    code_status: str
    status: str  # of the severity classification


@dataclass(frozen=True, slots=True)
class SafetyTerm:
    severity: Severity | None  # None: an `exclude` phrase (contains a term, is not the finding)
    what: str
    pattern: re.Pattern[str]
    # As SafetyCode's, and "visit-reason": the seizure cautions a visit's reason names
    # (visit_seizure.py, fix dx61).
    applies_to: frozenset[str]
    counts_when_resolved: bool
    source: str
    status: str


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("fhir_mapping").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _code_key(system: str, code: str) -> str:
    code = code.strip()
    return code.replace(".", "").replace(" ", "").upper() if system == ICD10CM else code


@cache
def safety_codes() -> tuple[SafetyCode, ...]:
    rows = []
    for row in _rows("tms_safety_codes.csv"):
        system = canonical_system(row["system"])
        rows.append(
            SafetyCode(
                severity=Severity(row["severity"]),
                what=row["what"],
                system=system,
                code=_code_key(system, row["code"]),
                prefix=row["match"] == "prefix",
                display=row["display"],
                applies_to=frozenset(row["applies_to"].split()),
                counts_when_resolved=row["counts_when_resolved"] == "yes",
                source=row["source"],
                code_status=row["code_status"],
                status=row["status"],
            )
        )
    return tuple(rows)


@cache
def _code_index() -> tuple[dict[tuple[str, str], tuple[SafetyCode, ...]], tuple[SafetyCode, ...]]:
    exact: dict[tuple[str, str], list[SafetyCode]] = {}
    prefixes: list[SafetyCode] = []
    for row in safety_codes():
        if row.prefix:
            prefixes.append(row)
        else:
            exact.setdefault((row.system, row.code), []).append(row)
    return {k: tuple(v) for k, v in exact.items()}, tuple(prefixes)


# Remembered by value, as clinical_codes.condition_matches is (issue 14).
@lru_cache(maxsize=4096)
def code_rows(system: str, code: str, applies_to: str) -> tuple[SafetyCode, ...]:
    """The table rows a (system, code) falls under for this resource type."""
    exact, prefixes = _code_index()
    system = canonical_system(system)
    key = _code_key(system, code)
    found = [r for r in exact.get((system, key), ()) if applies_to in r.applies_to]
    if system == ICD10CM:
        found.extend(r for r in prefixes if applies_to in r.applies_to and key.startswith(r.code))
    return tuple(found)


@cache
def _head_term() -> SafetyTerm:
    """The absolute finding head_metal.py's rule gives: held as the "metal in the head or eye"
    rows are, for conditions and devices, and kept when resolved (the metal stays in place); a
    procedure names its removal as often as its finding."""
    words = head_metal.words()
    return SafetyTerm(
        Severity.ABSOLUTE, words.what, words.fragment, frozenset({"condition", "device"}),
        True, words.source, words.status,
    )  # fmt: skip


@cache
def _head_removed_term() -> SafetyTerm:
    """`_head_term` said removed (head_metal.said_removed; review K64a finding 4, fix tms61): a
    caution the TMS service screens, kept when resolved (the entry that says it was removed)."""
    words = head_metal.words()
    return SafetyTerm(
        Severity.CAUTION, f"{words.what}, said removed (removed is not retained: screen)",
        words.removed, frozenset({"condition", "device"}), True, words.source, words.status,
    )  # fmt: skip


@cache
def safety_terms() -> tuple[SafetyTerm, ...]:
    return tuple(
        SafetyTerm(
            severity=None if row["severity"] == "exclude" else Severity(row["severity"]),
            what=row["what"],
            pattern=phrase(normalise_text(row["term"])),
            applies_to=frozenset(row["applies_to"].split()),
            counts_when_resolved=row["counts_when_resolved"] == "yes",
            source=row["source"],
            status=row["status"],
        )
        for row in _rows("tms_safety_terms.csv")
    )


# Texts up to this length are remembered with what they assert (issue 14): the same condition
# and procedure names recur across charts (each is read twice per chart too: the cheap filter,
# then the finding), and reading one costs a pass of every term's and negation's pattern. The
# terms and negations are loaded once per process, so a text always reads the same.
_MEMO_TEXT_MAX = 512


def text_rows(text: str, applies_to: str, active: bool = True) -> tuple[SafetyTerm, ...]:
    """The terms asserted in `text` for this resource type: matched on word boundaries, not
    negated and not inside an `exclude` phrase. One row per severity, in table order. `active`
    False: a resolved or inactive entry (a foreign body it names may be read as removed:
    head_metal.said_removed)."""
    if len(text) <= _MEMO_TEXT_MAX:
        return _remembered_text_rows(text, applies_to, active)
    return _text_rows(text, applies_to, active)


@lru_cache(maxsize=8192)
def _remembered_text_rows(text: str, applies_to: str, active: bool) -> tuple[SafetyTerm, ...]:
    return _text_rows(text, applies_to, active)


def _text_rows(text: str, applies_to: str, active: bool = True) -> tuple[SafetyTerm, ...]:
    text = normalise_text(text)
    if not text:
        return ()
    terms = [t for t in safety_terms() if applies_to in t.applies_to]
    excluded = [
        (m.start(), m.end()) for t in terms if t.severity is None for m in t.pattern.finditer(text)
    ]
    found: dict[Severity, SafetyTerm] = {}
    for term in terms:
        if term.severity is None or term.severity in found:
            continue
        if next(asserted(text, term.pattern, excluded), None) is not None:
            found[term.severity] = term
    # A fragment beside a head or eye word is held (head_metal.py; review K63a 2-3, fix tms57).
    head = _head_term()
    if (
        Severity.ABSOLUTE not in found
        and applies_to in head.applies_to
        and head_metal.metal_in_head(text, excluded)
    ):
        if not head_metal.said_removed(text, excluded, active):
            found[Severity.ABSOLUTE] = head
        elif Severity.CAUTION not in found:
            # Removed is not retained: screened, not held (fix tms61).
            found[Severity.CAUTION] = _head_removed_term()
    return tuple(found[s] for s in _SEVERITIES if s in found)


Coded = Sequence[tuple[str, str, str]]  # `fhir_fields.codings` of a concept, read once


def wanted(concept: object, applies_to: str, text: str, coded: Coded | None = None) -> bool:
    """Cheap pre-validation check: does a code or the text name a screened item? `coded` is
    `codings(concept)` when the caller has it."""
    for system, code, _ in codings(concept) if coded is None else coded:
        if code_rows(system, code, applies_to):
            return True
    return bool(text_rows(text, applies_to))


def findings(
    concept: object,
    *,
    applies_to: str,
    text: str,
    label: str | None = None,
    active: bool,
    onset: date | None,
    source: SourceRef | None,
    coded: Coded | None = None,
    state: str = "active",
    abated: date | None = None,
) -> tuple[Finding, ...]:
    """At most one finding per severity for one resource.

    `concept` holds the codes (Condition.code, Device.type, Procedure.code); `text` is all the
    free text to read (displays included); `label` is what the card shows for a text-only match
    (the concept text or device name as the chart wrote it; None: `concept_label`, read only when
    a text matched, which is seldom); `active` is False for a resolved
    or inactive Condition, whose rows count only where counts_when_resolved says so; `coded` is
    `codings(concept)` when the caller has it. `state` and `abated` are kept on each finding as
    the resource said them (a Condition's state as of the day, a Device's status: "unknown" when
    not sent), so a reader that needs the thing in use (a pacemaker pacing: services/pacing.py)
    can tell; the screen itself counts by `active` and counts_when_resolved.
    """
    if coded is None:
        coded = codings(concept)
    found: dict[Severity, Finding] = {}
    for system, code, display in coded:
        for row in code_rows(system, code, applies_to):
            if (active or row.counts_when_resolved) and row.severity not in found:
                found[row.severity] = Finding(
                    KIND_OF[row.severity],
                    code,
                    system,
                    display or row.display,
                    onset,
                    source,
                    state=state,
                    abated=abated,
                )
    first = coded[0] if coded else ("", "", "")
    for term in text_rows(text, applies_to, active):
        assert term.severity is not None  # text_rows never returns exclude rows
        if term.severity in found or not (active or term.counts_when_resolved):
            continue
        if label is None:
            label = concept_label(concept, coded)
        found[term.severity] = Finding(
            KIND_OF[term.severity],
            first[1],
            first[0],
            label or first[2],
            onset,
            source,
            state=state,
            abated=abated,
        )
    if not found:  # nearly every resource: no walk of the severities
        return ()
    return tuple(found[s] for s in _SEVERITIES if s in found)


def concept_label(concept: object, coded: Coded | None = None) -> str:
    """The text a chart wrote for a CodeableConcept (as written, not lower-cased), else its
    first display (`coded`: `codings(concept)` when the caller has it)."""
    if isinstance(concept, JSON_OBJECT):
        text = concept.get("text")
        if isinstance(text, str) and text.strip():
            return text.strip()
    return next((d for _, _, d in (codings(concept) if coded is None else coded) if d), "")
