"""Session 36 fix mask47 (review K51b finding 3): a Condition whose code is masked or absent by a
data-absent-reason is a record the service could not read, never dropped in silence.

Charts: mask47_charts/ (drug48's no_unidentified chart, all 19 prefetch keys, as of 2026-12-01;
two failed trials, PHQ-9 18), one Condition added as US Core / Epic send a sensitive entry
(meta.security R; the data-absent-reason extension on `code` itself, a complex type):
- masked_extension (valueCode masked), masked_coding (US Core: a data-absent-reason coding
  "masked"), unknown_coding ("unknown"), masked_old_url (DSTU2's extension URL, as a C-CDA
  conversion sends it), masked_resolved (clinicalStatus resolved: a resolved seizure disorder or
  bipolar disorder is still read as history, so it is named, with its status). Before: no word
  of it; the TMS card said "No epilepsy/seizure disorder, metal or stimulator near the head, or
  other TMS safety item recognised in the chart's codes and text" and offered the referral as
  the recommended step. After: a TMS safety-screen item, the criterion "to screen", a diagnosis
  review line settled before escalating (the optimise card's drug one-clicks and the TMS referral
  held as for a bipolar finding), a "Data not read" line.
- Controls, unchanged: readable_condition (hyperlipidaemia), masked_entered_in_error
  (verificationStatus entered-in-error: no diagnosis stated, dropped as a readable one is),
  masked_recorded_later (recorded after as-of). masked_beside_epilepsy: a seizure disorder holds
  TMS by itself, so no screen item is added; the diagnosis review still names the entry.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "mask47_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
TMS = "tms-referral"
REVIEW = "diagnosis-review"
OPTIMIZE = "optimize-switch-augment"
_CLEAN = (
    "No epilepsy/seizure disorder, metal or stimulator near the head, or other TMS safety item "
    "recognised in the chart's codes and text"
)

MASKED = {
    "masked_extension": "masked",
    "masked_coding": "masked",
    "unknown_coding": "unknown",
    "masked_old_url": "masked",
    "masked_resolved": "masked, resolved",
}
CONTROLS = {
    "readable_condition": "control",
    "masked_entered_in_error": "control",
    "masked_recorded_later": "control",
}
BESIDE_EPILEPSY = {"masked_beside_epilepsy": "control"}


@pytest.mark.parametrize(("name", "said"), sorted(MASKED.items()))
def test_a_masked_diagnosis_is_screened_and_holds_the_referral(name: str, said: str) -> None:
    cards = _cards(name)
    tms = cards[TMS]
    item = f"diagnosis not readable ({said})"
    assert f"safety screen first: {item}" in tms["summary"]
    assert tms["summary"].startswith("PHQ-9 18: review the unreadable diagnosis first")
    assert len(tms["summary"]) <= 140
    assert _CLEAN not in tms["detail"]
    assert "but a diagnosis is not readable (to screen, above)" in tms["detail"]
    assert f"to screen: {item}: check it is not a seizure disorder" in tms["detail"]
    assert "(recorded 2025-09-12)" in tms["detail"]
    # Held: the referral is text until the review is done ("Not one click yet").
    assert not tms.get("suggestions")
    assert "**Not one click yet:** Refer for TMS evaluation" in tms["detail"]
    review = cards[REVIEW]
    assert review["indicator"] == "warning"
    assert (
        f"**Diagnosis not readable:** a diagnosis recorded 2025-09-12 was sent with its code {said}"
        in review["detail"]
    )
    assert "1 diagnosis could not be read (code withheld: data-absent-reason)" in review["detail"]
    assert not cards[OPTIMIZE].get("suggestions")
    assert "Not one click before the diagnosis review" in cards[OPTIMIZE]["detail"]


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_a_readable_or_voided_condition_changes_nothing(name: str) -> None:
    cards = _cards(name)
    tms = cards[TMS]
    assert _CLEAN in tms["detail"]
    assert "safety screen" not in tms["summary"]
    assert tms["suggestions"][0]["label"] == "Refer for TMS evaluation"
    assert tms["suggestions"][0].get("isRecommended") is True
    assert REVIEW not in cards
    assert "not readable" not in str(cards)


def test_beside_a_seizure_disorder_only_the_review_names_it() -> None:
    cards = _cards("masked_beside_epilepsy")
    assert TMS not in cards  # epilepsy holds TMS by itself
    assert "diagnosis not readable (masked)" in cards[REVIEW]["summary"]


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, MASKED, CONTROLS, BESIDE_EPILEPSY)
