"""A Trial with other PHQ-9 scores, built fast (issue 14): score_windows.py builds one per course
and phq9_conflict_readings.py one per reading of a disagreeing score."""

from __future__ import annotations

import dataclasses
from operator import attrgetter

from fhir_mapping.record import Score, Trial

# Trial's fields in order, read at C speed: dataclasses.replace walks them in Python (issue 14).
_TRIAL_FIELDS = tuple(f.name for f in dataclasses.fields(Trial))
assert all(f.init for f in dataclasses.fields(Trial))  # every field is an __init__ argument
_trial_values = attrgetter(*_TRIAL_FIELDS)
_BASELINE, _ON_TREATMENT = _TRIAL_FIELDS.index("baseline"), _TRIAL_FIELDS.index("on_treatment")


def with_scores(trial: Trial, baseline: Score | None, on_treatment: Score | None) -> Trial:
    """dataclasses.replace(trial, baseline=..., on_treatment=...), built from the field values
    in order; the trial itself when neither changes."""
    if baseline is trial.baseline and on_treatment is trial.on_treatment:
        return trial
    values = list(_trial_values(trial))
    values[_BASELINE], values[_ON_TREATMENT] = baseline, on_treatment
    return Trial(*values)
