"""Session 35 fix score54: review K47b findings on fix score53. Charts (K47b's probes; all 19
prefetch keys; as of 2026-12-01) are score52's base chart (2 failed trials; PHQ-9 19, 17, 18 up
to 2026-10-30) with a PHQ-9 added.

- Finding 1 (WRONG, new with score53): a final total replaced by a corrected one of the same time
  was listed under "Data not read (the conclusion may change once it is)" as "1 rating-scale
  result could not be read (a final total replaced by its correction)": the correction was read
  and applied. It is now named where the score is shown: c_corrected_19_from_7 (a final 7
  corrected to 19 the next morning) says "Severity: PHQ-9 19 on 2026-11-20 (corrected from 7)"
  on the TMS card, and nothing under "Data not read".
- Finding 2 (NOISE): only when it changes a conclusion (a trial's response, remission or
  baseline, or the TMS severity band/threshold): score53's c_corrected_16_from_15 no longer says
  it (test_score53.py).
- Finding 3 (WRONG, older): a newer PHQ-9 in progress (u_inprogress_total_3: a final 18 of
  2026-10-30, then a form of 2026-11-15 in progress, total 3 as filed) was not named on the TMS
  card, which offered the referral on the 18 while the measurement card said "complete it". It is
  named beside the severity criterion, as a preliminary total is; the card stays.
Controls: c_final_7_only (no correction: no words), u_prelim_7_only (a preliminary 7: its line
as before, no "in progress" line).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "score54_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
TMS = "tms-referral"

FIXED = {
    "c_corrected_19_from_7": "Severity: PHQ-9 19 on 2026-11-20 (corrected from 7)",
    "u_inprogress_total_3": (
        "- Severity: the PHQ-9 of 2026-11-15 is in progress, total 3 as filed, its answers sum "
        "to 0 (not final); severity and eligibility rest on completed forms only"
    ),
    "u_inprogress_total_23": (
        "- Severity: the PHQ-9 of 2026-11-15 is in progress, total 23 as filed (not final); "
        "severity and eligibility rest on completed forms only"
    ),
}
CONTROLS = {"c_final_7_only": "", "u_prelim_7_only": ""}


def _words(cards: dict[str, Any]) -> str:
    return " ".join(f"{c['summary']} {c.get('detail', '')}" for c in cards.values())


@pytest.mark.parametrize(("name", "line"), sorted(FIXED.items()))
def test_named_on_the_tms_criteria(name: str, line: str) -> None:
    cards = _cards(name)
    assert line in cards[TMS]["detail"], name


def test_a_correction_is_not_data_not_read() -> None:
    said = _words(_cards("c_corrected_19_from_7"))
    assert "replaced by its correction" not in said
    assert "could not be read (a final" not in said
    assert said.count("(corrected from 7)") == 1


def test_an_unfinished_form_keeps_the_card_on_the_completed_total() -> None:
    cards = _cards("u_inprogress_total_3")
    tms = cards[TMS]
    # The severity and the one-click stay on the completed 18: a total so far is no outcome.
    assert "PHQ-9 18 on 2026-10-30" in tms["detail"]
    assert "consider TMS referral" in tms["summary"]
    assert tms["suggestions"][0]["label"] == "Refer for TMS evaluation"
    assert "complete it" in cards["measurement-based-care"]["summary"]


def test_controls() -> None:
    final = _words(_cards("c_final_7_only"))
    assert "corrected from" not in final
    prelim = _cards("u_prelim_7_only")[TMS]["detail"]
    assert "- Severity: a preliminary PHQ-9 of 2026-11-20 (7) is not yet reviewed" in prelim
    assert "in progress" not in prelim


def test_charts() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)
