"""The adverse-effect codes no course explains, as the line of a card that proposes drugs says
them (services/tolerability.line): moved out of tolerability.py to keep it under 400 lines (s30
allergy35)."""

from __future__ import annotations

from fhir_mapping.record import PatientRecord


def coded_without_a_course(record: PatientRecord) -> str:
    """ "**Adverse-effect code:** adverse effect of an SSRI coded 2025-06-21 (ICD-10-CM
    T43.225A); drug not on this chart: check before choosing an SSRI.": the codes no course of
    their class begun on or before them explains (a course begun before the code was marked by
    it or taken past it: fhir_mapping/adverse_effect_codes.py), so an SSRI is not offered
    plainly after one (s29 RN finding 3); "" when there are none."""
    found = [
        f"adverse effect of {c.label} coded {c.day.isoformat()} (ICD-10-CM {c.code}); drug not "
        f"on this chart: check before choosing {c.label}"
        for c in record.adverse_effect_codes
        if not any(t.ingredient in c.covers and t.start <= c.day for t in record.trials)
    ]
    if not found:
        return ""
    return "**Adverse-effect code:** " + "; ".join(dict.fromkeys(found)) + "."
