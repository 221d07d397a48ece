"""Session 35 fix score53: a PHQ-9 total replaced by a correction of it was replaced in silence
(session 34 leftovers). The charts in score53_charts/ (all 19 prefetch keys; as of 2026-12-01)
are score52's base chart (2 failed trials; PHQ-9 Observations 19, 17, 18 up to 2026-10-30) with
PHQ-9 total Observations effective 2026-11-20T09:30-05:00 added: a `final` one issued 10:05, a
`corrected` (or `amended`) one of the same effective time issued the next morning (as Oracle
Health and interfaces send a correction: a new resource, not a new version of the same id),
and an `entered-in-error` one.

Failing before (the corrected total stood and no card said it replaced another):
- c_corrected_14_from_7: a final 7 (a response from venlafaxine's baseline 17) corrected to 14
  (none): "PHQ-9 14 (corrected from 7) on 2026-11-20".
- c_amended_14_from_7: the same sent `amended`: "(amended from 7)".
- c_corrected_7_from_14: the other way round.
- c_corrected_16_from_15: was named too (a line in the data-gap list); since fix score54 (review
  K47b finding 2) a correction that changes no conclusion (same band, no response either way)
  is not named: a control now.
- c_corrected_14_from_7_and_eie_3: with an entered-in-error 3 of the same time as well: it is
  ignored (never read, never named), the correction named as above.
Controls: c_final_14_only, c_corrected_same_14 (a correction of the same value: nothing to
name), c_final_14_eie_3 (an entered-in-error 3 beside a final 14: ignored, cards as the final
alone).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "score53_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

NAMED = {
    # Where the score is shown (fix score54, review K47b finding 1: was "PHQ-9 14 (corrected
    # from 7) on 2026-11-20" under "Data not read"): the TMS severity line, the scores section.
    "c_corrected_14_from_7": "PHQ-9 14 on 2026-11-20 (corrected from 7)",
    "c_amended_14_from_7": "PHQ-9 14 on 2026-11-20 (amended from 7)",
    "c_corrected_7_from_14": "PHQ-9 7 (mild) on 2026-11-20 (corrected from 14)",
    "c_corrected_14_from_7_and_eie_3": "PHQ-9 14 on 2026-11-20 (corrected from 7)",
}
UNNAMED = {
    "c_final_14_only": "",
    "c_corrected_same_14": "",
    "c_final_14_eie_3": "",
    "c_corrected_16_from_15": "",  # same band, no response either way (fix score54)
}


def _words(cards: dict[str, Any]) -> str:
    return " ".join(f"{c['summary']} {c.get('detail', '')}" for c in cards.values())


@pytest.mark.parametrize(("name", "words"), sorted(NAMED.items()))
def test_a_replaced_final_total_is_named(name: str, words: str) -> None:
    said = _words(_cards(name))
    assert words in said, name
    assert said.count("from 7)") + said.count("from 14)") + said.count("from 15)") == 1
    assert "replaced by its correction" not in said  # read, not "not read" (fix score54)


def test_the_corrected_total_is_the_one_used() -> None:
    tms = _cards("c_corrected_14_from_7")["tms-referral"]
    assert "PHQ-9 14" in tms["summary"]


def test_entered_in_error_is_ignored() -> None:
    with_eie = _cards("c_corrected_14_from_7_and_eie_3")
    assert _words(with_eie) == _words(_cards("c_corrected_14_from_7"))
    assert _words(_cards("c_final_14_eie_3")) == _words(_cards("c_final_14_only"))


@pytest.mark.parametrize("name", sorted(UNNAMED))
def test_controls_name_no_correction(name: str) -> None:
    said = _words(_cards(name))
    assert "corrected from" not in said and "amended from" not in said
    assert "replaced by its correction" not in said
    if name != "c_corrected_16_from_15":  # a 16 is not a 14
        assert said == _words(_cards("c_final_14_only"))


def test_charts() -> None:
    chart_files.check_folder(_FOLDER, NAMED, UNNAMED)
