"""Session 33 fix drug48 (recheck K32a finding 3): a running medication the service cannot
identify is never silent on the TMS card or the bupropion option.

Charts: drug48_charts/ (all 19 prefetch keys; as of 2026-12-01; two failed trials, PHQ-9 18),
tms43's v31 chart with its levetiracetam taken out and one Epic-shaped MedicationRequest added:
- rxnorm_unidentified: active, an RxNorm code the tables do not hold (2599543), no display, no
  text; contained_unidentified: active, a contained Medication with only such a code (1991302).
  Before: the TMS card read "Met · ... Contraindications" and "No epilepsy/seizure disorder ...
  recognised", and "NDRI: bupropion" was a switch option. After: a safety-screen item ("running
  medication not identified (RxNorm 2599543): check it is not an antiseizure drug before
  referral"), the criterion not on record ("to screen"), bupropion not listed with why
  (services/unidentified_screen.py, data/unidentified_drug_words.csv, data/drug_cautions.csv).
- Controls, unchanged: named_unknown_code (the same unknown code WITH the text "ezetimibe 10 mg
  tablet": identified, off the pathway, quiet), rxnorm_unidentified_stopped (a stopped order: a
  data gap only), no_unidentified.
- At an order: a phenelzine draft beside the unidentified record already says the MAOI washout
  check could not include it (services/unidentified_running.py, review 18a M1: tested here on an
  Epic-shaped chart); a bupropion draft now also gets the caution line.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
HERE = Path(__file__).parent / "drug48_charts"
TMS = "tms-referral"
OPTIMIZE = "optimize-switch-augment"
QUALITY = "data-quality"
_cards = chart_files.topic_reader(HERE, AS_OF)
_load = chart_files.loader(HERE)
_ITEM = "running medication not identified (RxNorm {}): check it is not an antiseizure drug before referral"
_NOT_LISTED = "bupropion not listed: a running medication is not identified: rule out an antiseizure drug or an MAOI first"


def _order_cards(name: str) -> list[dict[str, Any]]:
    doc = _load(name)
    chart_files.check_chart(doc)
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    found: list[dict[str, Any]] = result.response.to_json()["cards"]
    return found


@pytest.mark.parametrize(
    ("chart", "code"), [("rxnorm_unidentified", "2599543"), ("contained_unidentified", "1991302")]
)
def test_a_running_unidentified_drug_is_a_tms_screen_item_and_holds_bupropion(
    chart: str, code: str
) -> None:
    cards = _cards(chart)
    tms = cards[TMS]
    item = _ITEM.format(code)
    assert (
        f"safety screen first: running medication not identified (RxNorm {code})" in tms["summary"]
    )
    assert len(tms["summary"]) <= 140
    # fix drug49: dated as its kind says it ("ordered"), not "recorded".
    assert f"**TMS safety screen required:** {item} (ordered 2025-03-10)" in tms["detail"]
    assert "**Not on record** · Contraindications: none of: seizure disorder" in tms["detail"]
    assert f"to screen: {item}" in tms["detail"]
    assert "Contraindications · Earlier TMS" not in tms["detail"]
    assert "No epilepsy/seizure disorder, metal or stimulator" not in tms["detail"]
    assert "but a running medication is not identified (to screen, above)" in tms["detail"]
    switch = cards[OPTIMIZE]["detail"]
    assert "NDRI: bupropion" not in switch
    assert f"{_NOT_LISTED} (RxNorm {code})." in switch


@pytest.mark.parametrize(
    "chart", ["named_unknown_code", "rxnorm_unidentified_stopped", "no_unidentified"]
)
def test_a_named_drug_a_stopped_one_or_none_changes_nothing(chart: str) -> None:
    cards = _cards(chart)
    tms = cards[TMS]
    assert "safety screen" not in tms["summary"]
    assert "not identified" not in tms["detail"]
    assert "Contraindications · Earlier TMS" in tms["detail"]
    assert (
        "No epilepsy/seizure disorder, metal or stimulator near the head, or other TMS"
        in tms["detail"]
    )
    assert "NDRI: bupropion" in cards[OPTIMIZE]["detail"]
    assert "bupropion not listed" not in cards[OPTIMIZE]["detail"]


def test_the_named_unknown_code_is_no_data_gap() -> None:
    # Identified by its text (off the pathway): not a record left out, nothing to say.
    assert "Data not read" not in _cards("named_unknown_code")[OPTIMIZE]["detail"]


def test_an_maoi_draft_says_the_unidentified_record_was_not_checked() -> None:
    cards = _order_cards("rxnorm_unidentified_draft_phenelzine")
    quality = [c for c in cards if c["source"]["topic"]["code"] == QUALITY]
    assert len(quality) == 1
    assert quality[0]["indicator"] == "critical"
    assert "could not be identified: the MAOI washout" in quality[0]["summary"]
    assert "the order of 2025-03-10 (RxNorm 2599543)" in quality[0]["detail"]
    assert (
        "could not include the medication record above whose drug was not identified"
        in quality[0]["detail"]
    )


def test_an_maoi_draft_beside_a_named_unknown_code_says_nothing_of_it() -> None:
    cards = _order_cards("named_unknown_code_draft_phenelzine")
    assert not [c for c in cards if c["source"]["topic"]["code"] == QUALITY]
    assert not any("not identified" in c["detail"] for c in cards)


def test_a_bupropion_draft_beside_an_unidentified_running_drug_is_warned() -> None:
    cards = _order_cards("rxnorm_unidentified_draft_bupropion")
    caution = [c for c in cards if c["source"]["topic"]["code"] == "order-drug-caution"]
    assert len(caution) == 1 and caution[0]["indicator"] == "warning"
    assert caution[0]["summary"] == (
        "Bupropion: a running medication is not identified: rule out an antiseizure drug or an MAOI "
        "first (RxNorm 2599543)"
    )
    assert not _order_cards("no_unidentified_draft_bupropion")
