"""Session 38 fix meds50 (review K59a finding 7): buspirone counted as augmentation whatever it
was given for.

meds49 made buspirone an adjunct (augmentation_agents.csv). Added to tms50's chart with
sertraline and venlafaxine failed, buspirone 15 mg twice daily from 2026-11-10 ordered for GAD
(F41.1) scored Maudsley "Augmentation 1 (used)" (6 -> 7 of 15), met the Aetna payer augmentation
line, and removed the optimise / switch / augment card: as an adjunct in its first weeks it was
a course not yet judged (services/rules/optimize/courses._pending), and a course waiting holds
the card back. An adjunct ordered only for a psychiatric use it is itself given for
(fhir_mapping/data/indication_drugs.csv: buspirone, anxiety) is now no augmentation, as a
non-psychiatric reason already made quetiapine for insomnia (G47.0) no trial
(fhir_mapping/indications.course_indication, course_use.py).

Controls: buspirone ordered for depression, for depression and GAD, or with no reason stated is
counted as any adjunct is (READ12 finding 1: an order with no reason counts; aripiprazole 5 mg
from 2026-11-10 beside venlafaxine holds the card in its first weeks the same way). The tables
hold no minimum length for an augmentation course, so none is applied.

Charts: meds50_charts/ (all 19 prefetch keys; as of 2026-12-01), tms50's
c1_Denies_seizures_resolved with one buspirone MedicationRequest added.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "meds50_charts"
_AS_OF = date(2026, 12, 1)
_cards = chart_files.topic_reader(_FOLDER, _AS_OF)
_load = chart_files.loader(_FOLDER)
_AETNA = Evaluator(_AS_OF, policy=Policy(payer_criteria="aetna-cpb-0469"))
_OPTIMISE = "optimize-switch-augment"

# Ordered only for anxiety: no augmentation, the optimise card kept.
FOR_ANXIETY = {
    "f_buspirone_15_bid_for_gad_F41_1": "fixed: Epic's SNOMED, ICD-9 and F41.1 codings",
    "f_buspirone_15_bid_for_gad_icd_only": "fixed: F41.1 alone, text 'GAD'",
    "f_buspirone_10_tid_for_anxiety_text": "fixed: reason in words only, from 2026-10-01",
}
# Counted as augmentation used, as before.
COUNTED = {
    "c_buspirone_15_bid_for_depression_F33_1": "control",
    "c_buspirone_15_bid_for_depression_and_gad": "control: a depression reason counts",
    "c_buspirone_15_bid_no_reason": "control: no reason, counted as any adjunct",
}


def _payer_line(name: str) -> str:
    detail: str = _AETNA.by_topic(_load(name))[chart_files.TMS]["detail"]
    return next(line for line in detail.splitlines() if "· Augmentation" in line)


@pytest.mark.parametrize("name", sorted(FOR_ANXIETY))
def test_an_anxiolytic_for_anxiety_is_no_augmentation(name: str) -> None:
    cards = _cards(name)
    detail = cards[chart_files.TMS]["detail"]
    assert "6 of 15, mild" in detail
    assert "Augmentation 0 (not used)" in detail
    assert "**Met** · Augmentation" not in _payer_line(name)
    # The optimise card stays, and never names buspirone as an adjunct already used.
    optimise = cards[_OPTIMISE]
    assert optimise["summary"].startswith("2 adequate trials failed (sertraline, venlafaxine)")
    assert "Adjuncts already used in this episode: buspirone" not in optimise["detail"]


@pytest.mark.parametrize("name", sorted(COUNTED))
def test_buspirone_for_depression_or_no_reason_is_counted(name: str) -> None:
    cards = _cards(name)
    assert "Augmentation 1 (used)" in cards[chart_files.TMS]["detail"]
    assert "**Met** · Augmentation" in _payer_line(name)
    # An adjunct in its first weeks is waited on (optimize/courses._pending), as aripiprazole is.
    assert _OPTIMISE not in cards


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, FOR_ANXIETY, COUNTED)
