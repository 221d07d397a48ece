"""Session 38 fix meds53 (review K60a findings 5 and 6).

- Finding 5 (new with meds50): buspirone whose order's reason says it augments ("Augmentation of
  antidepressant - anxiety", "SSRI augmentation for anxiety", "Anxiety - adjunct to SSRI") was
  read as ordered for anxiety, its own use, and no longer counted as augmentation (Maudsley
  "Augmentation 1 (used)" -> 0). Words saying the drug is an adjunct (indication_codes.csv
  `adjunct-word` rows) name the reason by the chart's words, so it is counted again. Buspirone for
  GAD (F41.1) alone stays no augmentation (control; tests/services/test_meds50.py holds more).
- Finding 6 (older): five escitalopram fills sent status "Completed" read `unknown`, so no fill:
  "order of 2025-01-06 still active, never filled or renewed" beside the data-quality list naming
  the fills. A fill's case-only variant of a defined status is now read as it
  (medication_statuses.status_read); a fill whose status is missing or `unknown` is named on the
  listing ("no fill read as made: 5 fills since whose status could not be read"), never "never
  filled". Charts as of 2025-06-02 (K60a); a fill with no status at all reads the same (checked
  by hand: K60a disp_MISSING.json) but is no valid R4B chart (status is required), so not kept.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "meds53_charts"
_buspirone = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_fills = chart_files.topic_reader(_FOLDER, date(2025, 6, 2))
_ADHERENCE = "adherence-review"
_OPTIMISE = "optimize-switch-augment"

AUGMENTS = {
    "f_buspirone_augmentation_of_antidepressant_anxiety": "fixed: text only",
    "f_buspirone_ssri_augmentation_for_anxiety": "fixed: text only",
    "f_buspirone_anxiety_adjunct_to_ssri": "fixed: text only, 'adjunct'",
}
FOR_ANXIETY = {"c_buspirone_gad_F41_1": "control: Epic's GAD codings, no augmentation"}
FILLS_READ = {
    "f_escitalopram_fills_Completed": "fixed: 'Completed' read as completed",
    "c_escitalopram_fills_completed": "control",
}
FILLS_UNREAD = {
    "f_escitalopram_fills_status_unknown": "fixed: status unknown, fills named",
}


@pytest.mark.parametrize("name", sorted(AUGMENTS))
def test_augmentation_words_keep_buspirone_counted(name: str) -> None:
    detail = _buspirone(name)[chart_files.TMS]["detail"]
    assert "7 of 15, moderate" in detail
    assert "Augmentation 1 (used)" in detail


@pytest.mark.parametrize("name", sorted(FOR_ANXIETY))
def test_buspirone_for_anxiety_alone_stays_no_augmentation(name: str) -> None:
    detail = _buspirone(name)[chart_files.TMS]["detail"]
    assert "Augmentation 0 (not used)" in detail


@pytest.mark.parametrize("name", sorted(FILLS_READ))
def test_completed_fills_in_any_case_are_read(name: str) -> None:
    cards = _fills(name)
    assert _ADHERENCE not in cards
    assert cards[_OPTIMISE]["summary"].startswith(
        "2 adequate trials failed (sertraline, escitalopram)"
    )
    assert all("never filled" not in c.get("detail", "") for c in cards.values())


@pytest.mark.parametrize("name", sorted(FILLS_UNREAD))
def test_fills_of_unread_status_are_named_not_never_filled(name: str) -> None:
    cards = _fills(name)
    detail = cards[_ADHERENCE]["detail"]
    assert (
        "order of 2025-01-06 still active, no fill read as made: 5 fills since whose status "
        "could not be read (2025-01-06 to 2025-05-06)"
    ) in detail
    assert all("never filled" not in c.get("detail", "") for c in cards.values())
    # Not counted as a trial until the fills are confirmed: the safer reading for the TMS decision.
    assert cards[_OPTIMISE]["summary"].startswith("1 adequate trial failed (sertraline)")


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, AUGMENTS, FOR_ANXIETY, FILLS_READ, FILLS_UNREAD)
