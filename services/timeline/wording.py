"""The words on the picture: dates, doses, verdicts, reasons, adherence and outcome."""

from __future__ import annotations

from datetime import date

from fhir_mapping.record import AdherenceStatus, InadequacyReason, Trial, Verdict

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_VERDICT_TEXT = {
    Verdict.ADEQUATE: "Adequate",
    Verdict.INADEQUATE: "Inadequate",
    Verdict.ONGOING: "Ongoing, not yet adequate",
    Verdict.NOT_A_TRIAL: "Not an antidepressant trial",
}
_REASON_TEXT = {
    InadequacyReason.DOSE_BELOW_MINIMUM: "dose below minimum",
    InadequacyReason.TOO_SHORT: "too short",
    InadequacyReason.POOR_ADHERENCE: "poor adherence",
    InadequacyReason.DOSE_UNKNOWN: "dose unknown",
    InadequacyReason.LOW_DOSE_OTHER_INDICATION: "low dose, other indication",
}


def day_text(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def mg_text(value: float) -> str:
    return f"{value:g}"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def range_text(trial: Trial) -> str:
    lo, hi = trial.min_adequate_mg, trial.max_mg
    if lo is not None and hi is not None:
        return f"{mg_text(lo)}–{mg_text(hi)} mg/day"
    if lo is not None:
        return f"≥ {mg_text(lo)} mg/day"
    return "range not verified"


def display_name(ingredient: str) -> str:
    return ingredient[:1].upper() + ingredient[1:]


def verdict_text(trial: Trial) -> str:
    return _VERDICT_TEXT.get(trial.verdict, str(trial.verdict))


def reasons_text(trial: Trial) -> str:
    return ", ".join(_REASON_TEXT.get(r, str(r)) for r in trial.reasons)


def adherence_text(trial: Trial) -> str:
    adherence = trial.adherence
    status = {
        AdherenceStatus.VERIFIED: "Adherence verified",
        AdherenceStatus.POOR: "Poor adherence",
    }.get(adherence.status, "Adherence unverified")
    parts = [status]
    if adherence.pdc is not None:
        parts.append(f"PDC {round(adherence.pdc * 100)} %")
    elif adherence.first_fill is not None:  # no refill to judge: the fill, not a PDC
        fill = adherence.first_fill
        supply = f"{day_text(fill.date)} ({plural(fill.days, 'day')})"
        parts.append(
            f"{plural(adherence.fills, 'fill')} from {supply} covering the course: no refill due"
        )
    elif adherence.status is AdherenceStatus.UNVERIFIED:
        parts.append("no refill data")
    if adherence.refill_gaps:
        parts.append(plural(len(adherence.refill_gaps), "refill gap"))
    return " · ".join(parts)


def outcome_text(trial: Trial) -> str:
    before, after = trial.baseline, trial.on_treatment
    if before is None or after is None or before.value is None or after.value is None:
        return ""
    if trial.remission:
        outcome = "remission"
    elif trial.response:
        outcome = "response"
    else:
        outcome = "no response"
    return f"PHQ-9 {before.value} → {after.value}: {outcome}"
