"""A card never states more than the record shows (review of the Epic-shaped chart).

The Epic chart (tests/fixtures/vendor_charts.py) has no PHQ-9 the service can read: its
sertraline course stopped after 12 weeks at an adequate dose and counts as failed by the
Fabbri 2021 EHR phenotype (fhir_mapping/record.py Trial.failed). The cards must say the failure
was inferred, and the Maudsley staging must say its severity was assumed, not scored.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from cds_hooks.offline import OfflineResult, evaluate_document
from fhir_mapping.record import Score, Trial
from services.payer_criteria.trials import trial_line
from tests.fixtures import vendor_charts as V
from tests.fixtures.test_vendor_charts import EPIC_POLICY


def _epic() -> OfflineResult:
    chart = V.epic_chart()
    return evaluate_document(
        V.hook_request(chart, "patient-view"),
        hook="patient-view",
        as_of=chart.as_of,
        policy=EPIC_POLICY,
    )


def _epic_cards() -> dict[str, str]:
    return {c.source.topic.code: c.detail or "" for c in _epic().response.cards if c.source.topic}


def _sertraline() -> Trial:
    (trial,) = [t for t in _epic().evaluation.record.trials if t.ingredient == "sertraline"]
    return trial


def test_the_optimise_card_says_which_failure_was_inferred() -> None:
    detail = _epic_cards()["optimize-switch-augment"]
    assert (
        "**Failure inferred:** sertraline (stopped after 12 weeks at an adequate dose): no PHQ-9 "
        "on treatment; confirm the response with the patient."
    ) in detail


def test_the_staging_says_the_severity_was_assumed() -> None:
    detail = _epic_cards()["optimize-switch-augment"]
    # Audit 13 WRONG 6: no score, so the coded severity, said as such (never "subsyndromal").
    assert (
        "Severity 3 (moderate; no PHQ-9 on record: from the coded diagnosis, Moderate recurrent "
        "major depression (disorder))"
    ) in detail


def test_payer_trial_lines_say_inferred_and_measured_apart() -> None:
    inferred = _sertraline()
    assert inferred.failed and inferred.outcome_inferred
    assert trial_line(inferred).endswith(
        "stopped after 12 weeks at an adequate dose, no PHQ-9 on treatment: failure inferred "
        "from stopping it"
    )
    # The same course with PHQ-9 19 -> 18 on record: a measured failure, said as one.
    measured = replace(
        inferred,
        baseline=Score("PHQ-9", 19, date(2023, 12, 1)),
        on_treatment=Score("PHQ-9", 18, date(2024, 2, 20)),
    )
    assert measured.failed and not measured.outcome_inferred
    assert trial_line(measured).endswith(
        "failed after 12 weeks at an adequate dose, PHQ-9 19 -> 18"
    )
