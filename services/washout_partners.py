"""The drugs an MAOI washout card names beside its lead (review K34, session 32): every drug
that still matters to the washout, the stopped ones with their stop day and the days of washout
left, and each running partner with its dose ("also running: sertraline 100 mg/day, trazodone
50 mg/day"). The chart card (rules/maoi_combination.py) and the order card
(order_checks/maoi_mixed.py) said the stopped drug's date and left the running partners to the
detail when the summary had no room: a card that reads "phenelzine stopped 2026-11-21,
trazodone running" hides the sertraline that runs beside it too."""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.record import DoseBasis, PatientRecord, Trial
from services import drug_names, order_doses, taken_to_confirm
from services.card_format import plural
from services.trial_dose_text import to_confirm_upto
from services.washout_exposures import Exposure
from services.washout_words import kind_label


def _trial(record: PatientRecord, ingredient: str) -> Trial | None:
    return next((t for t in record.trials if t.ongoing and t.ingredient == ingredient), None)


def dose(record: PatientRecord, ingredient: str, *, to_confirm: bool = True) -> str:
    """The running course's current daily dose as the order cards write it ("100 mg/day",
    "25 mg as needed"); "(dose to confirm, up to 100 mg/day)" for a dose to confirm (fix
    order47: the summary said "stop fluoxetine" alone); "" when no course runs or no dose was
    read (a name alone, never "dose not read" inside a summary), or it is to confirm and not
    `to_confirm` (a summary's shorter form, which keeps the clear doses beside it)."""
    trial = _trial(record, ingredient)
    if trial is None or not trial.segments:
        return ""
    if trial.dose_basis is DoseBasis.DAILY and trial.current_mg_per_day is None:
        upto = to_confirm_upto(trial) if to_confirm else None
        return f"(dose to confirm, {upto})" if upto is not None else ""
    return order_doses.segment_dose(trial, trial.segments[-1])


def running_named(
    record: PatientRecord, e: Exposure, *, with_dose: bool = True, to_confirm: bool = True
) -> str:
    """ "sertraline 100 mg/day", "phenelzine (MAOI) 45 mg/day"."""
    name = drug_names.shown(e.ingredient)
    if e.row.is_maoi:
        name = f"{name} ({kind_label(e.row)})"
    said = dose(record, e.ingredient, to_confirm=to_confirm) if with_dose else ""
    return f"{name} {said}" if said else name


def also_running(
    record: PatientRecord, running: Sequence[Exposure], *, with_dose: bool = True
) -> str:
    """ "also running: sertraline 100 mg/day, trazodone 50 mg/day" ("" for none). A course the
    record does not show plainly taken is named under its own claim, as the lead would have
    said it ("also ordered (no fill yet): trazodone 50 mg/day"; "also possibly running: ...")."""
    by_claim: dict[str, dict[str, None]] = {}
    for e in running:
        said = e.claim.bare
        by_claim.setdefault(said, {})[running_named(record, e, with_dose=with_dose)] = None
    return "; ".join(f"also {said}: " + ", ".join(names) for said, names in by_claim.items())


def beside(record: PatientRecord, running: Sequence[Exposure], *, with_dose: bool = True) -> str:
    """ "sertraline 100 mg/day running" for one partner; `also_running` for more."""
    if len(running) == 1:
        e = running[0]
        return f"{running_named(record, e, with_dose=with_dose)} {e.claim.bare}"
    return also_running(record, running, with_dose=with_dose)


def left_text(days: int) -> str:
    """ "4 days of washout left" ("1 day"); "washout ends today" at 0."""
    if days <= 0:
        return "washout ends today"
    return f"{plural(days, 'day')} of washout left"


def stop_then_wait(
    record: PatientRecord,
    waits: Sequence[tuple[Exposure, int]],
    *,
    with_dose: bool = True,
    to_confirm: bool = True,
) -> str:
    """ "stop fluoxetine 20 mg/day, then 35 days; stop trazodone 50 mg/day, then 14 days": each
    running partner of an MAOI draft with its own washout into the draft, the longest first (review K36a finding 7: a stopped drug's "4 days of washout left" led and
    read as the first safe day, while the fluoxetine running beside it needs stopping and then
    35 days). Partners of one interval and one claim share a clause; a course the record does
    not show plainly taken says its claim ("trazodone ordered (no fill yet): stop, then 14
    days")."""
    groups: dict[tuple[int, str], dict[str, None]] = {}
    for e, days in sorted(waits, key=lambda w: -w[1]):
        groups.setdefault((days, e.claim.bare), {})[
            running_named(record, e, with_dose=with_dose, to_confirm=to_confirm)
        ] = None
    clauses = []
    for (days, said), names in groups.items():
        named = " and ".join(names) if len(names) <= 2 else ", ".join(names)
        wait = f"then {plural(days, 'day')}"
        if said == taken_to_confirm.RUNNING.bare:
            clauses.append(f"stop {named}, {wait}")
        else:
            clauses.append(f"{named} {said}: stop, {wait}")
    return "; ".join(clauses)


def claimed(names: Sequence[str], said: str) -> str:
    """ "fluoxetine, trazodone (both ordered, no fill yet)"; the names alone when running."""
    joined = ", ".join(names)
    if said == taken_to_confirm.RUNNING.bare:
        return joined
    said = said.replace(" (", ", ").replace(")", "")
    both = "" if len(names) == 1 else "both " if len(names) == 2 else "all "
    return f"{joined} ({both}{said})"


def back_into_maoi(record: PatientRecord, waits: Sequence[tuple[Exposure, int]]) -> str:
    """ "fluoxetine 20 mg/day running: 35 days off it before any MAOI" for the chart card
    (review K36a finding 7): a running partner whose own washout into the stopped MAOI is
    longer than the MAOI's into it, so the stopped MAOI's days left are not when it may be
    taken again."""
    groups: dict[int, dict[str, None]] = {}
    for e, days in sorted(waits, key=lambda w: -w[1]):
        groups.setdefault(days, {})[f"{running_named(record, e)} {e.claim.bare}"] = None
    return "; ".join(
        f"{' and '.join(names)}: {plural(days, 'day')} off it before any MAOI"
        for days, names in groups.items()
    )
