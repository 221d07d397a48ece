"""Session 39 review K61a findings 5, 7, 8, 9 and 12 (fix dx68): substance use, sleep apnea and
the DAST-10 the service missed.

- Finding 5 (UNSAFE): alcohol typed in as "EtOH dependence", "ETOH abuse", "EtOH use disorder",
  "Alcohol use d/o", "Heavy drinker", and "OUD on buprenorphine", raised no diagnosis-review card,
  and a bupropion draft beside the alcohol ones no "alcohol use on record" caution (seizure risk)
  while "Alcohol use disorder" did: diagnosis_terms.csv substance-use rows and finding_code_sets.csv
  alcohol-use terms. Controls: "EtOH: denies", "no EtOH", "social EtOH", "Social drinker", "Loud
  snoring" (not OUD).
- Finding 9: F10.20 / F11.20 sent without a display showed the table's note "f10.x (alcohol/drug
  use disorders; ...)": condition_codes.csv substance rows carry a clinician display.
- Finding 8: a DAST-10 (LOINC 82667-7) of 8 said nothing: read as a scale, and at or above policy
  dast10_positive_from (3) a diagnosis-review line, as a high AUDIT-C's.
- Finding 7: "Obstructive sleep apnea", "OSA", "Severe OSA", "Obstructive sleep apnea (HCC)" typed in
  were not read (now as G47.33 is, its treatment words too); G47.33 beside a Device "BiPAP",
  "AutoPAP" or "APAP" was "untreated sleep apnea" (a Device now reads the sleep-apnea treatment
  words: device_words.py).
- Finding 12: G47.33 "OSA s/p UPPP 2016, resolved on repeat PSG" with no clinicalStatus was
  "untreated sleep apnea": said resolved with no status stated, it is read resolved.
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

_FOLDER = Path(__file__).parent / "dx68_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2025, 6, 1))
_load = chart_files.loader(_FOLDER)
_at = Evaluator(date(2025, 6, 1))

REVIEW = "diagnosis-review"
CAUTION = "Bupropion with alcohol use on record: see the caveat (bupropion labels 4 and 5.3)"
UNTREATED = "Confirm the diagnosis before escalating: untreated sleep apnea"

# Patient-view charts whose diagnosis review names the words (failing before the fix).
REVIEWED = {
    "t_EtOH_dependence": "Review alcohol use disorder alongside escalation: EtOH dependence",
    "t_ETOH_abuse": "Review alcohol use disorder alongside escalation: ETOH abuse",
    "t_EtOH_use_disorder": "Review alcohol use disorder alongside escalation: EtOH use disorder",
    "t_Alcohol_use_d_o": "Review alcohol use disorder alongside escalation: alcohol use d/o",
    "t_Heavy_drinker": "Review alcohol use disorder alongside escalation: heavy drinker",
    "t_OUD_on_buprenorphine": "Review substance use alongside escalation: OUD on buprenorphine",
    "f_F10_20_no_display": (
        "Review alcohol use disorder alongside escalation: alcohol use disorder (ICD-10-CM F10.20)"
    ),
    "f_F11_20_no_display": (
        "Review substance use alongside escalation: opioid use disorder (ICD-10-CM F11.20)"
    ),
    "d_DAST10_8": (
        "Review drug use alongside escalation: DAST-10 8 on 2025-05-20 (clinic cut-off 3), "
        "no drug use disorder coded"
    ),
    "d_DAST10_3": (
        "Review drug use alongside escalation: DAST-10 3 on 2025-05-20 (clinic cut-off 3), "
        "no drug use disorder coded"
    ),
    "s_Obstructive_sleep_apnea": UNTREATED,
    "s_OSA": UNTREATED,
    "s_Severe_OSA": UNTREATED,
    "s_Obstructive_sleep_apnea_HCC": UNTREATED,
    # Controls: the same card before and after.
    "rc_G47_33_OSA_not_resolved_no_status": UNTREATED,
    "rc_G47_33_OSA_resolved_but_active": UNTREATED,  # a stated status wins over the words
    "vc_G47_33_Glucose_meter": UNTREATED,
}

# Patient-view charts with no diagnosis review: the fixed ones (a PAP Device, resolved words)
# and the controls.
NOT_REVIEWED = {
    "v_G47_33_BiPAP": "fixed",
    "v_G47_33_AutoPAP": "fixed",
    "v_G47_33_APAP": "fixed",
    "r_G47_33_OSA_resolved_no_status": "fixed",
    "vc_G47_33_CPAP": "control",
    "sc_OSA_on_CPAP_nightly": "control",
    "sc_Snoring_no_OSA": "control",
    "c_EtOH_denies": "control",
    "c_no_EtOH": "control",
    "c_social_EtOH": "control",
    "c_Social_drinker": "control",
    "c_Loud_snoring": "control",
    "dc_DAST10_2": "control",
}

# Order-sign charts: a bupropion draft beside a text-only problem.
BUPROPION = {
    "b_EtOH_dependence": "fixed",
    "b_ETOH_abuse": "fixed",
    "b_Alcohol_use_d_o": "fixed",
    "b_Heavy_drinker": "fixed",
    "bc_Alcohol_use_disorder": "control",
}
BUPROPION_QUIET = {"bc_Social_drinker": "control", "bc_EtOH_denies": "control"}


@pytest.mark.parametrize("name", sorted(REVIEWED))
def test_the_diagnosis_review_names_it(name: str) -> None:
    cards = _cards(name)
    assert REVIEW in cards, name
    assert cards[REVIEW]["summary"] == REVIEWED[name]
    assert "tms-referral" in cards  # a line alongside, never the TMS card withheld


@pytest.mark.parametrize("name", sorted(NOT_REVIEWED))
def test_no_diagnosis_review(name: str) -> None:
    cards = _cards(name)
    assert REVIEW not in cards, cards.get(REVIEW, {}).get("summary")
    assert "tms-referral" in cards


def test_a_dast10_line_says_it_is_a_screen() -> None:
    detail = _cards("d_DAST10_8")[REVIEW]["detail"]
    assert "**DAST-10 8 on 2025-05-20, no drug use disorder coded:** at or above the clinic's" in (
        detail
    )
    assert "assess for a drug use disorder" in detail


def test_the_table_note_is_no_longer_shown() -> None:
    for name in ("f_F10_20_no_display", "f_F11_20_no_display"):
        detail = _cards(name)[REVIEW]["detail"]
        assert "F17 nicotine excluded" not in detail
        assert "alcohol/drug use disorders" not in detail


def _summaries(name: str) -> list[str]:
    doc = _load(name)
    chart_files.check_chart(doc)
    return [c["summary"] for c in _at.cards(doc)]


@pytest.mark.parametrize("name", sorted(BUPROPION))
def test_bupropion_beside_alcohol_in_words_gets_the_caveat(name: str) -> None:
    assert _summaries(name) == [CAUTION]


@pytest.mark.parametrize("name", sorted(BUPROPION_QUIET))
def test_bupropion_beside_no_alcohol_use_is_quiet(name: str) -> None:
    assert _summaries(name) == []


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, REVIEWED, NOT_REVIEWED, BUPROPION, BUPROPION_QUIET)
