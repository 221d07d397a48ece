"""A Trial's outcome judgements kept once read (fhir_mapping/trial_outcome.py, issue 14): each kept
value is what the judgement computes afresh, on every trial of every chart the tests hold; a
trial copied with other fields computes its own; and nothing kept takes part in a trial's
equality, hash or fields."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from cds_hooks.offline import OfflineInputError, evaluate_document
from fhir_mapping.partial_response import partial_response
from fhir_mapping.trial import Trial
from fhir_mapping.trial_outcome import _KEPT_SLOTS, TrialOutcome
from services.policy import Policy

AS_OF = date(2026, 12, 1)
KEPT = [slot.removeprefix("_kept_") for slot in _KEPT_SLOTS]


def _afresh(trial: Trial, name: str) -> Any:
    """The judgement computed now, not read from its slot."""
    prop = TrialOutcome.__dict__[name]
    assert isinstance(prop, property) and prop.fget is not None
    return prop.fget.__wrapped__(trial)  # type: ignore[attr-defined]


def _trials() -> list[Trial]:
    """Every trial of the chart files the tests hold (their records as of one day)."""
    root = Path(__file__).resolve().parents[1]
    files = sorted(p for p in root.rglob("*.json") if "_charts" in str(p))
    found: list[Trial] = []
    for path in files:
        document = orjson.loads(path.read_bytes())
        if not isinstance(document, dict):
            continue
        try:
            result = evaluate_document(document, hook="patient-view", as_of=AS_OF, policy=Policy())
        except (OfflineInputError, ValueError):
            continue
        found.extend(result.evaluation.record.trials)
    return found


@pytest.fixture(scope="module")
def trials() -> list[Trial]:
    found = _trials()
    # Varied enough to mean something: failed, running and not-yet-judged courses alike.
    assert len(found) > 200
    assert {t.failed for t in found} == {True, False}
    assert {t.outcome_inferred for t in found} == {True, False}
    return found


def test_each_kept_judgement_is_the_judgement_computed_afresh(trials: list[Trial]) -> None:
    for trial in trials:
        for name in KEPT:
            expected = _afresh(trial, name)
            assert getattr(trial, name) == expected, (trial.ingredient, name)
            assert getattr(trial, name) == expected  # read again, from its slot


def test_a_copy_with_other_fields_computes_its_own(trials: list[Trial]) -> None:
    changed = 0
    for trial in trials:
        for name in KEPT:
            getattr(trial, name)  # kept on the original
        copy = dataclasses.replace(trial, on_treatment=None, ongoing=not trial.ongoing)
        for name in KEPT:
            assert getattr(copy, name) == _afresh(copy, name)
        changed += copy.failed != trial.failed
    assert changed  # the copies' judgements differ: the check above is not vacuous


def test_kept_values_are_no_fields_and_leave_equality_and_hash_alone(trials: list[Trial]) -> None:
    names = {f.name for f in dataclasses.fields(Trial)}
    assert names.isdisjoint(_KEPT_SLOTS)
    for trial in trials[:50]:
        copy = dataclasses.replace(trial)
        for name in KEPT:
            getattr(trial, name)
        assert copy == trial and hash(copy) == hash(trial)
        with pytest.raises(dataclasses.FrozenInstanceError):
            trial.ongoing = not trial.ongoing  # type: ignore[misc]
        # Nor can a kept judgement be set but through its slot's descriptor (Python 3.11 raises
        # TypeError for a frozen slotted dataclass's non-field names, not FrozenInstanceError).
        with pytest.raises((dataclasses.FrozenInstanceError, TypeError, AttributeError)):
            trial.failed = not trial.failed  # type: ignore[misc]


def test_partial_response_is_kept_and_is_what_it_computes_afresh(trials: list[Trial]) -> None:
    """partial_response.py keeps its answer in the trial's slot (`_KEPT_ELSEWHERE`): the same
    answer as computed now, on a first and a second reading, and a copy computes its own."""
    afresh = partial_response.__wrapped__  # type: ignore[attr-defined]
    partial = 0
    for trial in trials:
        expected = afresh(trial)
        assert partial_response(trial) == expected, trial.ingredient
        assert partial_response(trial) == expected  # from its slot
        partial += expected is not None
        copy = dataclasses.replace(trial, on_treatment=None)
        assert partial_response(copy) is None  # no pair on the copy: not the original's answer
    assert partial  # some trials are partial responders: the checks above are not vacuous
