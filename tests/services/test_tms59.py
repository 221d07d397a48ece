"""Session 40 fix tms59 (review K63a findings 8 and 11; tms58 leftovers).

- Finding 8 (WRONG): an earlier TMS course recorded only as a Condition ("History of TMS
  treatment 2023 (good response)", "s/p TMS 2022", "Hx rTMS", "Failed TMS 2021 (no benefit)")
  left the packet "TMS: none on record" and the payer row "Earlier TMS: Met: ... initial course".
  Now the row is "Not on record" (its response and a relapse since to document), the response
  quoted as written or "response not on record", and the packet lists the course
  (services/tms_stated.py).
- tms58 leftover (UNSAFE, small): "+AH/VH", "Endorses AH", "c/o VH", "AH/VH" typed in were not
  read as psychotic symptoms (one-click TMS); now held as "Auditory hallucinations" is. Negated
  ("no AH/VH", "AH/VH: denies") and the other meanings ("Alcoholic hepatitis (AH)", "Vitreous
  hemorrhage (VH) OS": abbreviation_contexts.csv) stay one-click.
- Finding 11: a pregnancy in text only ("Pregnant", "Intrauterine pregnancy, 14 weeks", "G2P1 at
  20 wks") gave no pregnancy line; now read as the coded one is. "Not pregnant", "Pregnancy test
  negative", "h/o pregnancy loss", "G2P2" stay without one.
"""

from __future__ import annotations

import base64
import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "tms59_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_OPTIMISE = "optimize-switch-augment"
_PREGNANCY = "**Pregnancy on record:**"

EARLIER = {
    "t_History_of_TMS_treatment_2023_good_response": "good response",
    "t_s_p_TMS_2022": "response not on record",
    "t_Hx_rTMS": "response not on record",
    "t_Failed_TMS_2021_no_benefit": "response as stated: Failed TMS 2021",
}
INITIAL = {"c_TMS_referral_discussed": "control", "c_No_history_of_TMS": "control"}
HELD = {
    "h_plus_AH_VH": "fixed",
    "h_Endorses_AH": "fixed",
    "h_c_o_VH": "fixed",
    "h_AH_VH": "fixed",
}
QUIET = {
    "q_no_AH_VH": "control",
    "q_AH_VH_denies": "control",
    "q_Alcoholic_hepatitis_AH": "control",
    "q_Vitreous_hemorrhage_VH_OS": "control",
}
PREGNANT = {
    "p_Pregnant": "fixed",
    "p_Intrauterine_pregnancy_14_weeks": "fixed",
    "p_G2P1_at_20_wks": "fixed",
}
NOT_PREGNANT = {
    "n_Not_pregnant": "control",
    "n_Pregnancy_test_negative": "control",
    "n_h_o_pregnancy_loss": "control",
    "n_G2P2": "control",
}


def _detail(cards: dict[str, Any]) -> str:
    detail: str = cards[chart_files.TMS]["detail"]
    return detail


def _packet(cards: dict[str, Any]) -> str:
    for suggestion in cards[chart_files.TMS].get("suggestions", []):
        for action in suggestion["actions"]:
            resource = action.get("resource") or {}
            if resource.get("resourceType") == "DocumentReference":
                page = base64.b64decode(resource["content"][0]["attachment"]["data"]).decode()
                return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    raise AssertionError("no packet")


@pytest.mark.parametrize("name", sorted(EARLIER))
def test_an_earlier_course_on_the_problem_list_is_on_record(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)
    detail, packet = _detail(cards), _packet(cards)
    assert "**Not on record** · Earlier TMS: earlier TMS course on record:" in detail, name
    assert EARLIER[name] in detail, name
    assert "initial course" not in detail and "initial course" not in packet, name
    assert "TMS: none on record" not in packet, name
    assert "TMS: earlier course on record:" in packet, name


@pytest.mark.parametrize("name", sorted(INITIAL))
def test_a_referral_or_a_denied_course_is_no_earlier_course(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)
    assert "TMS: none on record" in _packet(cards), name
    assert "no earlier TMS course on record: initial course" in _packet(cards), name


@pytest.mark.parametrize("name", sorted(HELD))
def test_hallucinations_abbreviated_hold_tms(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards, name
    assert chart_files.RISK not in cards, name
    assert "**Psychotic features:**" in cards[_OPTIMISE]["detail"], name


@pytest.mark.parametrize("name", sorted(QUIET))
def test_denied_or_other_meaning_stays_one_click(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)
    assert "Psychotic features: none on record" in _packet(cards), name


@pytest.mark.parametrize("name", sorted(PREGNANT))
def test_pregnancy_in_words_gets_the_pregnancy_line(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)
    assert _PREGNANCY in _detail(cards), name


@pytest.mark.parametrize("name", sorted(NOT_PREGNANT))
def test_no_current_pregnancy_gets_no_line(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)
    assert _PREGNANCY not in _detail(cards), name


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, EARLIER, INITIAL, HELD, QUIET, PREGNANT, NOT_PREGNANT)
