"""Review s26 RN finding 8: an order a renewal replaced, neither filled, then one fill years later,
is one course counted from the fill (fhir_mapping/renewal_fill.py, rule 3a of episodes.py).

A fluoxetine order of 2024-03-01 (`completed` when renewed: meta.lastUpdated 2025-01-10), its
renewal of 2025-01-10 (`active`, priorPrescription the old order), and one 30-day fill of the
renewal on 2026-10-20 read as two courses: the old order a 30-day course of 2024 of its own
(rule 2d), so card 1 said "2 trials not adequate (fluoxetine duration not recorded; fluoxetine
PDC 71 %)" while card 2 said "On fluoxetine since 2026-10-20". The same chart with the old order
left `active` already read one course. Now both read one: "1 trial not adequate (fluoxetine PDC
71 %)" (its one fill ran out on 2026-11-19: the running trial's refill data, not its length,
are what the card asks about), and the old order is named in the course's notes.

An old order that was filled is a course of its own as before (the rule reads only orders no
fill shows taken), and a running trial short of its 6 weeks with its refills on time gets no
"not adequate" card (pinned: adherence_review._ongoing_but_unfair, unchanged).

Charts: tests/services/renewal_fill_charts/ (the sig_renewal23 fluoxetine chart, and the same
chart with the 2024 order filled once), Epic / US Core shaped, every prefetch key.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.record import Verdict
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
_chart = chart_files.loader(Path(__file__).parent / "renewal_fill_charts")
RENEWED = "fluoxetine_order2024_completed_on_renewal_first_fill_2026_10"
FILLED = "fluoxetine_order2024_filled_once_renewed_first_fill_2026_10"
OLD_ORDER = "440d4da1-9b48-5f92-8716-3e1a55b0d280"


def _evaluate(doc: Doc, as_of: date) -> Any:
    return evaluate_document(doc, hook="patient-view", as_of=as_of, policy=Policy())


def _summaries(doc: Doc, as_of: date = date(2026, 12, 1)) -> list[str]:
    return [c["summary"] for c in _evaluate(doc, as_of).response.to_json()["cards"]]


def _fluoxetine(doc: Doc, as_of: date = date(2026, 12, 1)) -> list[Any]:
    record = _evaluate(doc, as_of).evaluation.record
    return [t for t in record.trials if t.ingredient == "fluoxetine"]


def test_the_renewed_order_is_no_course_of_its_own() -> None:
    trials = _fluoxetine(_chart(RENEWED))
    assert len(trials) == 1
    (trial,) = trials
    assert trial.start == date(2026, 10, 20)
    assert trial.ongoing
    assert OLD_ORDER in {s.id for s in trial.sources}
    assert any(
        f"MedicationRequest/{OLD_ORDER}: renewed 2025-01-10, no fill until 2026-10-20" in n
        for n in trial.notes
    )


def test_cards_count_one_course() -> None:
    summaries = _summaries(_chart(RENEWED))
    assert summaries == [
        "1 trial not adequate (fluoxetine PDC 71 %): review dose and adherence before counting "
        "failures",
        "On fluoxetine since 2026-10-20; no PHQ-9 total on record: repeat the PHQ-9 to measure "
        "response",
    ]
    assert not any("duration not recorded" in s for s in summaries)


def test_an_old_order_that_was_filled_stays_its_own_course() -> None:
    trials = _fluoxetine(_chart(FILLED))
    assert [t.start for t in trials] == [date(2024, 3, 2), date(2026, 10, 20)]
    assert trials[0].verdict is Verdict.INADEQUATE


def test_a_running_trial_short_of_six_weeks_on_time_gets_no_not_adequate_card() -> None:
    # 2026-11-15: 26 days into the one 30-day fill.
    (trial,) = _fluoxetine(_chart(RENEWED), date(2026, 11, 15))
    assert trial.verdict is Verdict.ONGOING
    summaries = _summaries(_chart(RENEWED), date(2026, 11, 15))
    assert not any("not adequate" in s for s in summaries)
