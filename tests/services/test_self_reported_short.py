"""A summary that falls back to its short form keeps the "self-reported" mark: a course only the patient reports (Trial.patient_reported: fhir_mapping/
patient_reported.py) is marked wherever the summary counts it, not only in the long form that
names the drugs. Before, "2 adequate trials failed, sertraline self-reported" became "2 adequate
trials failed" once the long form passed 140 characters, presenting a reported course as a
documented one."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any, cast

from services.card_format import SUMMARY_MAX
from services.rules import optimize_switch_augment, tms_referral
from services.rules.context import RuleContext
from tests.services import factories as f
from tests.services.test_postpartum_psychosis_catatonia import (
    F061,
    LORAZEPAM,
    _optimise,
    _two_failed,
)


def _ctx(*failed: Any) -> RuleContext:
    # The record: the count's "to confirm" marks read it (services/trial_count.py).
    return cast(
        RuleContext,
        SimpleNamespace(
            facts=SimpleNamespace(failed_trials=failed), record=f.record(trials=failed)
        ),
    )


def _reported(ingredient: str, drug_class: str) -> Any:
    return dataclasses.replace(f.trial(ingredient, drug_class), patient_reported=True)


def test_the_optimise_short_form_keeps_the_mark() -> None:
    long, short = optimize_switch_augment._failed_words(
        _ctx(_reported("sertraline", "SSRI"), f.trial("venlafaxine", "SNRI"))
    )
    assert long == "2 adequate trials failed (sertraline, venlafaxine), sertraline self-reported"
    assert short == "2 adequate trials failed, sertraline self-reported"


def test_every_trial_reported_short_form() -> None:
    _, short = optimize_switch_augment._failed_words(_ctx(_reported("sertraline", "SSRI")))
    assert short == "1 adequate trial failed, self-reported"


def test_no_reported_course_no_mark() -> None:
    long, short = optimize_switch_augment._failed_words(_ctx(f.trial("sertraline", "SSRI")))
    assert (long, short) == ("1 adequate trial failed (sertraline)", "1 adequate trial failed")


def test_the_tms_count_short_form_keeps_the_mark() -> None:
    reported = _reported("sertraline", "SSRI")
    long, short = tms_referral._counted((reported, f.trial("venlafaxine", "SNRI")), f.record())
    assert "sertraline self-reported" in long
    assert short == "2 adequate trials failed, sertraline self-reported"


def test_a_chart_whose_long_summary_is_too_long_keeps_the_mark() -> None:
    # C2 with catatonia: sertraline is a MedicationStatement only (self-reported); the long
    # summary naming both drugs passes SUMMARY_MAX, so the card uses a shorter form.
    card = _optimise(_two_failed(F061, LORAZEPAM))
    long = (
        "Catatonia (F06.1) and 2 adequate trials failed (sertraline, venlafaxine), sertraline "
        "self-reported: lorazepam running; consider ECT evaluation"
    )
    assert len(long) > SUMMARY_MAX
    assert "sertraline self-reported" in card.summary
    assert len(card.summary) <= SUMMARY_MAX
