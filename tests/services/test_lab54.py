"""lab54 (session 34 leftovers): the diagnosis-review labs as Epic / Oracle send them.

1. A thyroid panel (LOINC 24348-5) whose TSH did not come (members by hasMember not in the
   chart, or under local codes only; a component "see note") is named "thyroid panel on <date>:
   TSH not readable in the record" (it was "TSH not known" or "No TSH ... consider one"); one
   with its TSH and free T4 as components is read as both.
2. A TSH not compared ("see note", a data-absent reason, a unit not converted) names the last
   TSH read; an abnormal one behind it is judged (a recent TSH 12 holds, a 9.8 of two years ago
   asks for a repeat), never hidden.
3. A B12 "<111" under the moles code 14685-2, with or without its unit, or as a comparator, is
   read low; "<150" with no unit there is a bound either side (not compared).

Charts: tests/services/lab54_charts/ (made from lab53's K40b chart; all 19 prefetch keys).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
DIR = Path(__file__).parent / "lab54_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))
REVIEW = "diagnosis-review"
TMS = "tms-referral"


def _cards(name: str) -> dict[str, Doc]:
    return _at.by_topic(_chart(name))


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_whole(name: str) -> None:
    chart_files.check_chart(_chart(name))


@pytest.mark.parametrize(
    "name", ["a_panel_members_absent", "c_panel_component_see_note", "n_panel_members_local_only"]
)
def test_a_thyroid_panel_whose_tsh_did_not_come_is_named(name: str) -> None:
    review = _cards(name)[REVIEW]
    assert "thyroid panel on 2026-11-10: TSH not readable in the record" in review["summary"]
    assert "No TSH" not in review["summary"] and "TSH not known" not in review["summary"]
    assert "Order TSH" not in [s["label"] for s in review.get("suggestions", ())]


@pytest.mark.parametrize("name", ["b_panel_components_tsh_9_8", "k_panel_with_members_tsh_9_8"])
def test_a_thyroid_panel_read_with_its_tsh_and_free_t4(name: str) -> None:
    review = _cards(name)[REVIEW]
    assert "TSH high 9.8, free T4 normal (subclinical)" in review["summary"]
    assert "free T4 1.1 ng/dL, normal, 2026-11-10" in review["detail"]


@pytest.mark.parametrize(
    "name",
    ["d_old_tsh_9_8_new_see_note", "e_old_tsh_9_8_new_absent", "f_old_tsh_9_8_new_unit_iu_ml"],
)
def test_an_old_high_tsh_behind_an_unread_one_is_named(name: str) -> None:
    # Older than the TSH look-back: named as context, the newer result to read (lab55, K47c s35
    # finding 5; it was judged, "TSH high 9.8 on 2024-11-12: repeat").
    review = _cards(name)[REVIEW]
    assert "the last TSH read: 9.8 uIU/mL, high, 2024-11-12" in review["detail"]
    assert "read the 2026-11-10 result" in review["detail"]
    assert "TSH high 9.8" not in review["summary"]


def test_a_recent_high_tsh_behind_an_unread_one_holds() -> None:
    cards = _cards("d2_recent_tsh_12_new_see_note")
    assert "TSH high 12" in cards[REVIEW]["summary"]
    # Both dates named (lab55, K47c s35 finding 4).
    assert (
        "review TSH high 12 of 2026-06-01 (TSH of 2026-11-10 not readable) first"
        in (cards[TMS]["summary"])
    )


def test_an_old_normal_tsh_behind_an_unread_one_is_named_and_holds_nothing() -> None:
    cards = _cards("l_old_tsh_2_normal_new_see_note")
    assert "the last TSH read: 2 uIU/mL, normal, 2025-03-12" in cards[REVIEW]["detail"]
    assert "TSH high" not in cards[REVIEW]["summary"]
    assert "first" not in cards[TMS]["summary"]


@pytest.mark.parametrize(
    "name", ["g_b12_lt111_string_pmol", "h_b12_lt111_bare_string", "i_b12_lt111_comparator"]
)
def test_a_b12_below_111_pmol_is_low(name: str) -> None:
    cards = _cards(name)
    assert "low B12" in cards[REVIEW]["summary"]
    assert "<111 pmol/L" in cards[REVIEW]["detail"]
    assert "review low B12 first" in cards[TMS]["summary"]


def test_a_b12_bound_with_no_unit_says_the_unit_was_read_by_its_code() -> None:
    assert (
        "(no unit sent, read by its code's unit)"
        in _cards("h_b12_lt111_bare_string")[REVIEW]["detail"]
    )


def test_controls() -> None:
    assert "B12" not in _cards("j_b12_gt1476_comparator")[REVIEW]["summary"]
    review = _cards("m_b12_lt150_bare_moles")[REVIEW]["summary"]
    assert "vitamin B12 <150 pmol/L of 2026-11-10 not compared (a bound)" in review
