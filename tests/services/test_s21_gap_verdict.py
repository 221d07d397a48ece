"""Session 21 G (fhir_mapping/verdict_before_gap.py): an adequate trial that failed before the
course's first supply gap of >= supply_gap_days stays a failed adequate trial once the supply is
taken up again. Charts in gap_verdict_charts are chart h3 (gap_trials_charts: duloxetine 60 mg
filled 02-03, 03-05, 04-04, none until 07-10, monthly since) with other PHQ-9 totals.

Before: g1 (18 -> 15 at week 6, no response after the restart either) read "1 trial not adequate
(duloxetine PDC 77 %): review dose and adherence before counting failures" on 2025-11-17, and no
failed trial: the PDC over the 67 days without supply unmade the failure the record had shown
since 2025-03-17.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.offline import evaluate_document
from fhir_mapping.record import Verdict
from services import catalog
from services.pathway import derive_facts
from services.policy import Policy
from tests.services import chart_files

_load = chart_files.loader(Path(__file__).parent / "gap_verdict_charts")
_H3 = chart_files.loader(Path(__file__).parent / "gap_trials_charts")
AS_OF = date(2025, 11, 17)
FAILED_GAP = "g1_duloxetine_failed_gap_restart_no_response_epic"
RESPONDED_GAP = "g2_duloxetine_responded_gap_restart_no_response_epic"


def _run(doc: dict, day: date = AS_OF):  # type: ignore[no-untyped-def,type-arg]
    return evaluate_document(doc, hook="patient-view", as_of=day, policy=Policy())


def _cards(doc: dict, day: date = AS_OF) -> list[dict]:  # type: ignore[type-arg]
    return _run(doc, day).response.to_json()["cards"]  # type: ignore[no-any-return]


def test_the_charts_are_valid_r4b_with_every_prefetch_key() -> None:
    declared = {key for s in catalog.services() for key, _template in s.prefetch}
    for name in (FAILED_GAP, RESPONDED_GAP):
        doc = _load(name)
        assert declared <= set(doc["prefetch"])
        for resource in chart_files.prefetch_resources(doc):
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def test_a_failure_before_the_gap_stands_after_the_restart() -> None:
    result = _run(_load(FAILED_GAP))
    (trial,) = result.evaluation.record.trials
    assert trial.verdict is Verdict.ADEQUATE and trial.failed
    assert len(derive_facts(result.evaluation.record, Policy()).failed_trials) == 1
    # Judged on a score taken on the drug (03-17), never on the one 8 days into the gap (05-12).
    assert trial.on_treatment is not None
    assert (trial.on_treatment.value, trial.on_treatment.date) == (15, date(2025, 3, 17))
    assert trial.before_gap is not None and trial.before_gap.failed
    assert (trial.before_gap.until, trial.before_gap.resumed) == (
        date(2025, 5, 4),
        date(2025, 7, 10),
    )
    # The whole course's adherence stays what it is: the gap is named, not hidden.
    assert trial.adherence.pdc is not None and trial.adherence.pdc < 0.8
    summaries = [c["summary"] for c in _cards(_load(FAILED_GAP))]
    assert any(s.startswith("1 adequate trial failed (duloxetine)") for s in summaries)
    assert not any("not adequate" in s for s in summaries)


def test_the_gap_card_asks_about_the_gap_without_holding_back_the_count() -> None:
    cards = _cards(_load(FAILED_GAP))
    # Before: "1 trial not adequate (duloxetine PDC 77 %): review dose and adherence before
    # counting failures"; a card saying "before counting the trial" beside one that counts it.
    assert cards[0]["summary"] == (
        "duloxetine: no supply dispensed for 67 days from 2025-05-04, after the trial had "
        "failed: ask about the gap"
    )
    assert not any("before counting" in c["summary"] for c in cards)
    assert (
        "An adequate trial that had failed before the gap (PHQ-9 15 on 2025-03-17): counted as "
        "a failed trial, the refills since do not change that." in cards[0]["detail"]
    )
    assert "Responded after restarting" not in cards[0]["detail"]


def test_a_response_before_the_gap_is_judged_over_the_whole_course_as_before() -> None:
    # The control (the rule can fail): 18 -> 8 at week 6, so no failure before the gap; the
    # course is judged over all of it, gap included, as it always was.
    result = _run(_load(RESPONDED_GAP))
    (trial,) = result.evaluation.record.trials
    assert not trial.failed and trial.before_gap is not None and not trial.before_gap.failed
    summaries = [c["summary"] for c in _cards(_load(RESPONDED_GAP))]
    assert summaries[0].startswith("1 trial not adequate (duloxetine PDC 77 %)")


def test_a_restart_that_responded_is_said_beside_the_failure() -> None:
    # Chart h3 on 2025-10-06: PHQ-9 9 (18 at baseline) three months after the restart. The
    # failure before the gap still counts (test_s20_gap_trials) and the gap card says the restart
    # responded; the optimise card is the responding course's (session 21 G2:
    # test_s21_restart_response.py), not "1 adequate trial failed (duloxetine): switch ...".
    day = date(2025, 10, 6)
    cards = _cards(_H3("duloxetine_refill_gap_asof_2025-10-06"), day)
    restarted = "Responded after restarting on 2025-07-10 (PHQ-9 9 on 2025-10-06)."
    assert restarted in cards[0]["detail"]
    assert not any(c["summary"].startswith("1 adequate trial failed (duloxetine):") for c in cards)
