"""Session 36 fix text70 (recheck K52a findings 5 and 6): noise text68 brought in with "OD".

- "OD" alone was read as an overdose in every field: a Cataract or POAG entry noted "OD", an
  ophthalmology visit's reason "OD" or "Here for OD" raised the critical card, TMS held. Now
  "OD" alone is an overdose only as an ED visit's or a stay's reason or a problem's own words
  (od_lookalike.unless_bare), and an eye record (eye_context.py: an eye code or word, an eye
  visit type) reads its "OD", "2019 OD", "here for OD" as the right eye (od_lookalike.eye_sided);
  an overdose in other words in it ("s/p OD last night") is still read.
- "Eye clinic visit for OD", "Ophthalmology visit for OD", "Retina clinic: here for OD" (an
  `od_eye_visit` word before an `od_visit` row), the suspicion rows now closing their clause
  ("concern for OD infection", "Likely OD PVD"), "2019 OD" before an eye procedure or finding
  ("2019 OD PPV", `lookalike_eye_next` rows) are quiet.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text70_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_OD": "control",
    "e_ED_visit_for_OD": "control",
    "e_Suspected_OD": "control",
    "e_concern_for_OD": "control",
    "e_Possible_OD_on_tylenol": "control",
    "e_2020_OD_again_today": "control",
    "e_s_p_OD_last_night": "control",
    "c_text_OD": "control (a problem's own words, no eye context)",
    "c_cataract_note_s_p_OD_last_night": "control",
    "v_ophthalmology_reason_s_p_OD_last_night": "control",
}

QUIET = {
    "e_Eye_clinic_visit_for_OD": "fixed",
    "e_Ophthalmology_visit_for_OD": "fixed",
    "e_Retina_clinic_here_for_OD": "fixed",
    "e_concern_for_OD_infection": "fixed",
    "e_Possible_OD_infection": "fixed",
    "e_r_o_OD_endophthalmitis": "fixed",
    "e_Likely_OD_PVD": "fixed",
    "e_possible_OD_FB": "fixed",
    "c_cataract_note_OD": "fixed",
    "c_POAG_note_OD": "fixed",
    "c_depression_note_OD": "fixed",
    "v_ophthalmology_reason_OD": "fixed",
    "v_ophthalmology_reason_Here_for_OD": "fixed",
    "v_office_reason_OD": "fixed",
}

# The past-overdose warning before (a dated "OD" read as an overdose): nothing now.
PAST_BEFORE = {
    "e_2019_OD_PPV": "fixed",
    "e_2019_OD_CRVO": "fixed",
    "e_2019_OD_ERM_peel": "fixed",
    "e_2019_OD_RD_repair": "fixed",
    "c_cataract_note_CE_IOL_2019_OD": "fixed",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted({**QUIET, **PAST_BEFORE}))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET, PAST_BEFORE)
