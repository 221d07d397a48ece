"""How a course's poor adherence is said in a few words, from what made it poor: the
adherence card's reason (rules/adherence_review._short_reason) and the TMS card's running-trial
line (rules/tms_running_trial.py: a course past its weeks, not adequate because of adherence)."""

from __future__ import annotations

from fhir_mapping.record import Trial


def poor_adherence_words(trial: Trial) -> str:
    """ "non-adherence documented", "ward MAR 24 % given", "given on 13 of 52 ward days (MAR)",
    "PDC 61 % (estimated)", "refill gaps", or "gaps between its orders" (`orders_only_gaps`)."""
    adherence = trial.adherence
    if adherence.documented:  # US Core medication-adherence extension (issue 10)
        return "non-adherence documented"
    if (ward := adherence.ward_deciding()) is not None:  # s25 RK4 finding 7
        return f"ward MAR {ward} given"
    if adherence.pdc is not None:
        estimated = " (estimated)" if adherence.estimated else ""
        # "given on 13 of 52 ward days (MAR)" when the ward alone gave it (s27 RB finding 4).
        return f"{adherence.pdc_words()}{estimated}"
    return "gaps between its orders" if orders_only_gaps(trial) else "refill gaps"


def orders_only_gaps(trial: Trial) -> bool:
    """Whether the course's gaps are its orders' alone (fhir_mapping/order_gaps.py), no fill of
    it on record (fix span74): no refill data shows them, whatever other drugs' fills the chart
    carries (orders34 p8: venlafaxine orders, lisinopril fills, read "refill gaps")."""
    return trial.adherence.fills == 0 and trial.adherence.pdc is None
