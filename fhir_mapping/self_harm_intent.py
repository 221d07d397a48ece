"""What a poisoning or external-cause code says of intent (data/self_harm_intent_codes.csv): the
one reader of that table, for a Condition (conditions.py) and a visit's reasonCode
(visit_risk.py).

ICD-10-CM carries the intent inside the code: T36-T65 and T71 in the 6th character (or the 5th
where there is no 6th level: T43.94XA), 1 accidental, 2 intentional self-harm, 3 assault,
4 undetermined; chapter 20 by block (X71-X83 intentional self-harm, Y21-Y33 undetermined intent).
WHO ICD-10 (system http://hl7.org/fhir/sid/icd-10, its own: code_systems.py) has no intent
character: its chapter XX blocks state the intent of a poisoning too (X60-X84 intentional
self-harm, read by condition_codes.csv; Y10-Y19 poisoning and Y20-Y34 other events of
undetermined intent, read here as the ICD-10-CM undetermined rows are; session 27 fix
fx-selfharm: a WHO Y14 was read only by its words, if any).
Two readings follow:

- `intent_coded`: any such code states the intent, so the entry's words are not read for
  self-harm (self_harm_text.py): "T43.211A Poisoning by tricyclic antidepressants, accidental"
  is the coder's statement, and its words ("overdose") do not turn it into an unknown intent;
- `undetermined`: a code of undetermined intent (T43.224A, T43.94XA, Y21-Y33, SNOMED CT
  269736006) is read as a self-harm finding marked UNDETERMINED (review s26 UD finding 1: such a
  poisoning at an ED visit raised nothing, while the free text "Overdose" asked). The coder
  states that the record could not settle the intent (ICD-10-CM codes undetermined only then;
  otherwise accidental), the very question the free-text card asks a clinician to settle, so
  the same card asks it: confirm the intent and assess suicide risk today, never "suicide
  attempt" (services/risk_wording.py). The MHRN health systems count undetermined-intent
  poisonings with the self-inflicted ones for the same reason (Simon et al. 2017).

Decision on an accidental code (6th character 1) of an antidepressant or another psychotropic in
a depressed patient: silent. The code is the record's own statement of the intent, NICE CG133
excludes accidental harm from self-harm, and NHSR 108 leaves the accidental codes out of the
self-harm case definition. Caveat written down for the clinical lead: ICD-10-CM codes an intent
not documented as accidental, so an accidental code can hide an intent nobody asked about; a
clinic that wants those asked needs a rule of its own (not built: see the review report).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from fhir_mapping.bounded_memo import remember
from fhir_mapping.clinical_codes import normalise_code
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.record import Finding, FindingKind, SourceRef

# Finding.verification of a self-harm finding coded with undetermined intent.
UNDETERMINED = "intent-undetermined"
_UNDETERMINED_ROW = "undetermined"


@dataclass(frozen=True, slots=True)
class IntentCode:
    """A row of data/self_harm_intent_codes.csv: `intent` "undetermined" or "stated" (the code
    states an intent, whichever); `name` what a card calls an undetermined one."""

    system: str
    pattern: re.Pattern[str]
    intent: str
    name: str


@cache
def _rows() -> tuple[IntentCode, ...]:
    text = (
        resources.files("fhir_mapping")
        .joinpath("data/self_harm_intent_codes.csv")
        .read_text("utf-8")
    )
    rows = []
    for row in csv.DictReader(text.splitlines()):
        code = row["code"] if row["match"] == "pattern" else re.escape(row["code"]) + "$"
        rows.append(
            IntentCode(
                canonical_system(row["system"]), re.compile(code), row["intent"], row["name"]
            )
        )
    return tuple(rows)


def intent_of(system: str, code: str) -> IntentCode | None:
    """The first row of the table the code matches (the undetermined rows come first),
    remembered by (system, code) as sent: every coding of every Condition and visit reason asks,
    and the same few codes come back chart after chart, while the answer walked the table's
    patterns each time (issue 14). The answer depends on the table alone, so a remembered one is
    the same answer."""
    key = (system, code)
    found = _remembered_intents.get(key, _UNSEEN)
    if found is _UNSEEN:
        found = remember(_remembered_intents, key, _intent_of(system, code), _INTENT_MEMO_MAX)
    return found  # type: ignore[return-value]


_UNSEEN = object()
_INTENT_MEMO_MAX = 4096  # bounded (bounded_memo.py): codes are the sender's to choose
_remembered_intents: dict[tuple[str, str], IntentCode | None | object] = {}


def _intent_of(system: str, code: str) -> IntentCode | None:
    system = canonical_system(system)
    key = normalise_code(system, code)
    return next((r for r in _rows() if r.system == system and r.pattern.match(key)), None)


def intent_coded(coded: Iterable[tuple[str, str, str]]) -> bool:
    """Whether any (system, code, display) is a poisoning or external-cause code that states
    the intent: the entry's words are then not read for self-harm (module docstring)."""
    return any(intent_of(system, code) is not None for system, code, _ in coded)


def undetermined(coded: Iterable[tuple[str, str, str]]) -> tuple[str, str, str] | None:
    """The first (system, code, display) of undetermined intent (module docstring), or None."""
    for system, code, display in coded:
        row = intent_of(system, code)
        if row is not None and row.intent == _UNDETERMINED_ROW:
            return system, code, display
    return None


def undetermined_name(system: str, code: str) -> str:
    """What a card calls a finding coded with undetermined intent ("Poisoning of undetermined
    intent", "Injury of undetermined intent")."""
    row = intent_of(system, code)
    return row.name if row is not None and row.name else "Overdose or injury of undetermined intent"


def undetermined_finding(
    coded: Iterable[tuple[str, str, str]],
    label: str,
    onset: date | None,
    source: SourceRef | None,
    state: str,
) -> Finding | None:
    """A Condition's self-harm finding when one of its codes is of undetermined intent: counted
    whatever the clinical status, as the self-harm code rows are (an ED encounter diagnosis is
    resolved once the visit closes: the visit ended, not the risk)."""
    found = undetermined(coded)
    if found is None:
        return None
    system, code, display = found
    return Finding(
        kind=FindingKind.SELF_HARM,
        code=code,
        system=system,
        display=display or label or undetermined_name(system, code),
        onset=onset,
        source=source,
        state=state,
        verification=UNDETERMINED,
    )
