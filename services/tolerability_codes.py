"""The adverse-effect codes no course explains, as the line of a card that proposes drugs says
them (services/tolerability.line): moved out of tolerability.py to keep it under 400 lines (s30
allergy35)."""

from __future__ import annotations

from fhir_mapping.record import Intolerance, PatientRecord, Trial
from services import trial_dates


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


def severe_contradicted(entries: list[tuple[Intolerance, Trial]]) -> str:
    """ "**Severe allergy contradicted by later dosing:** sertraline (documented allergy:
    Anaphylaxis, 2023-03-20), a course 2025-01-06 – 2025-08-08 taken since with no reaction
    recorded: reconcile the allergy list before ordering it.": each active severe entry an ended
    course taken after it settled (tolerability.settled_by). The drug is no longer held back,
    but at chart open nothing named the entry while a switch list offered the drug (s31
    allergy38 item 1); "" when there are none."""
    found = [
        f"{i.ingredient} ({i.reason}, {i.date.isoformat() if i.date else 'date not recorded'}), "
        f"a course {trial_dates.dates_text(t)} taken since with no reaction recorded"
        for i, t in entries
        if not i.allergen_class
    ]
    if not found:
        return ""
    return (
        "**Severe allergy contradicted by later dosing:** "
        + "; ".join(dict.fromkeys(found))
        + ": reconcile the allergy list before ordering it."
    )
