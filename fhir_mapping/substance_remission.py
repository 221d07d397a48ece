"""A Condition's substance-use finding read as in remission when one of its codes or its words
say so (moved out of conditions.py, which reads the whole Condition, to keep it under 400 lines:
one reading, one module)."""

from __future__ import annotations

from fhir_mapping.diagnosis_text import says_in_remission
from fhir_mapping.record import Finding, FindingKind

_SUBSTANCE_USE = FindingKind.SUBSTANCE_USE
_IN_REMISSION = FindingKind.SUBSTANCE_USE_IN_REMISSION


def substance_in_remission(found: dict[FindingKind, Finding], text: str) -> None:
    """One Condition's substance-use finding, made SUBSTANCE_USE_IN_REMISSION when one of its
    codes (F10.21 beside the F10 family row) or its text says so. In place: the remission reading
    wins over the family code ("Alcohol dependence, uncomplicated" with text "in sustained
    remission" is the clinician's current word)."""
    if _IN_REMISSION not in found:
        if not says_in_remission(text):
            return
        active = found[_SUBSTANCE_USE]
        found[_IN_REMISSION] = Finding(
            _IN_REMISSION, active.code, active.system, active.display, active.onset, active.source
        )
    del found[_SUBSTANCE_USE]
