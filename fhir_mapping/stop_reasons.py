"""A course stopped for a reason that says nothing of the drug's efficacy or tolerability (RC
review s23 finding 5): a MedicationRequest `statusReason` `preg` ("Parent is pregnant/breast
feeding"; HL7 medicationrequest-status-reason, or its v3 ActReason twin PREG), a hospital
admission, scheduled surgery, a planned lab test, a washout, ... (data/stop_reasons.csv, with
sources). Sertraline stopped at conception after 5 weeks was read as a short course with no
reason: "possibly adequate - review ... ask about missed doses, side effects and cost". The
stop reason answers that question: the course is "stopped for pregnancy or breastfeeding, not
a failure", and the adherence card does not ask about it.

Intolerance stop reasons (`sintol`, `salg`, "side effects") are intolerance_reasons.py's; this
module reads the others. A stop reason on a record still running (`active`, `intended`, `draft`)
says nothing of a stop, as there.
"""

from __future__ import annotations

import csv
import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Protocol

from fhir_mapping.code_systems import canonical_system
from fhir_mapping.concept_words import concepts, whole_words
from fhir_mapping.events import MedicationEvent
from fhir_mapping.fhir_fields import codings
from fhir_mapping.tms_safety import negated, normalise_text
from fhir_mapping.trial import Trial

# Statuses of a course still running or not begun (intolerance_reasons._RUNNING: the same rule).
_RUNNING = frozenset({"active", "intended", "draft"})
# The words a text-only stop reason says pregnancy with (the `term` row's reason).
_PREGNANCY_WORDS = ("pregnancy", "pregnant", "breastfeeding", "breast feeding", "breast-feeding")


@dataclass(frozen=True, slots=True)
class _Table:
    codes: Mapping[tuple[str, str], str]  # (canonical system, lower-case code) -> reason
    words: re.Pattern[str]
    word_reason: str


@cache
def _table() -> _Table:
    text = resources.files("fhir_mapping").joinpath("data/stop_reasons.csv").read_text("utf-8")
    codes: dict[tuple[str, str], str] = {}
    word_reason = ""
    for row in csv.DictReader(text.splitlines()):
        if row["kind"] == "code":
            codes[(canonical_system(row["system"]), row["code"].lower())] = row["reason"]
        elif row["kind"] == "term":
            word_reason = row["reason"]
    return _Table(codes, whole_words(_PREGNANCY_WORDS), word_reason)


def stopped_for(resource: Mapping[str, Any]) -> str | None:
    """ "pregnancy or breastfeeding" when the record's stop reason (statusReason, or a dispense's
    statusReasonCodeableConcept) is one of the table's non-efficacy reasons, by code or, for
    pregnancy, by words not negated; None otherwise (nearly every record)."""
    status = resource.get("status")
    if isinstance(status, str) and status in _RUNNING:
        return None
    value = resource.get("statusReason")
    if value is None:
        value = resource.get("statusReasonCodeableConcept")
    table = _table()
    for concept in concepts(value):
        for system, code, _ in codings(concept):
            reason = table.codes.get((system, code.lower()))
            if reason is not None:
                return reason
        words = normalise_text(
            " ".join(
                [d for _, _, d in codings(concept) if d]
                + ([concept["text"]] if isinstance(concept.get("text"), str) else [])
            )
        )
        if any(not negated(words, m.start(), m.end()) for m in table.words.finditer(words)):
            return table.word_reason
    return None


class _Spanned(Protocol):
    """What `with_stop_reason` reads of an event_spans._Span."""

    @property
    def event(self) -> MedicationEvent: ...


def with_stop_reason(trial: Trial, spans: Sequence[_Spanned]) -> Trial:
    """The trial with `stopped_for` set from its latest record stating such a stop reason, when
    the course has ended and not for intolerance (a stated intolerance is the stronger fact and
    has its own wording); the trial itself otherwise (nearly always: no record states one)."""
    stated = [s.event for s in spans if s.event.stopped_for is not None]
    if not stated or trial.ongoing or trial.intolerance is not None:
        return trial
    latest = max(stated, key=lambda e: (e.end or e.start, e.start))
    return dataclasses.replace(trial, stopped_for=latest.stopped_for)
