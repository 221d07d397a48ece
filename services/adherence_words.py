"""How a course's poor adherence is said in a few words, from what made it poor: the
adherence card's reason (rules/adherence_review._short_reason) and the TMS card's running-trial
line (rules/tms_running_trial.py: a course past its weeks, not adequate because of adherence)."""

from __future__ import annotations

from fhir_mapping.record import Trial


def poor_adherence_words(trial: Trial) -> str:
    """ "non-adherence documented", "ward MAR 24 % given", "given on 13 of 52 ward days (MAR)",
    "PDC 61 % (estimated)", or "refill gaps"."""
    adherence = trial.adherence
    if adherence.documented:  # US Core medication-adherence extension (issue 10)
        return "non-adherence documented"
    if (ward := adherence.ward_deciding()) is not None:  # s25 RK4 finding 7
        return f"ward MAR {ward} given"
    if adherence.pdc is not None:
        estimated = " (estimated)" if adherence.estimated else ""
        # "given on 13 of 52 ward days (MAR)" when the ward alone gave it (s27 RB finding 4).
        return f"{adherence.pdc_words()}{estimated}"
    return "refill gaps"
