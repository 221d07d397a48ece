"""The daily ceiling of a running course's release formulation (review 15 W3): the top of the
range the optimise card states and never raises beyond, and the line the running-dose card reads.

One drug row has one usual maximum, but the labels set it per formulation (fhir_mapping/data/
formulations.csv): bupropion SR stops at 400 mg/day where IR and XL go to 450, so a patient on
bupropion SR 300 mg/day offered a raise "within 150-450 mg/day" was offered a dose the SR label
rules out (its seizure risk is dose-related). A course taken in a formulation with its own
ceiling (Trial.formulation) is judged against that ceiling; any other against the drug row's.
"""

from __future__ import annotations

from fhir_mapping import formulations
from fhir_mapping.formulations import Formulation
from fhir_mapping.record import Trial


def formulation(trial: Trial) -> Formulation | None:
    return formulations.get(trial.formulation)


def daily_ceiling(trial: Trial) -> float | None:
    """The course's daily maximum: its formulation's when it states one (bupropion SR 400,
    paroxetine CR 62.5), else the drug row's."""
    form = formulation(trial)
    if form is not None and form.max_mg_day is not None:
        return form.max_mg_day
    return trial.max_mg


def own_ceiling(trial: Trial) -> Formulation | None:
    """The course's formulation when its ceiling is not the drug row's (bupropion SR 400 against
    450, paroxetine CR 62.5 against 50), so the card must say whose maximum it states; None when
    the two agree (bupropion XL 450, venlafaxine XR 225) or no formulation is named."""
    form = formulation(trial)
    if form is None or form.max_mg_day is None or form.max_mg_day == trial.max_mg:
        return None
    return form


def ceiling_words(trial: Trial, top: float | None) -> str:
    """ " (the SR maximum, bupropion SR label)" after a range whose top is the formulation's own
    ceiling; "" otherwise (the drug row's range and cite say it)."""
    form = own_ceiling(trial)
    if form is None or top != form.max_mg_day:
        return ""
    return f" (the {form.shown_as} maximum, {form.cite}{form.flag})"
