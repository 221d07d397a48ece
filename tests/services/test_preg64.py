"""Session 41 recheck K68a findings 1, 2 and 4 (UNSAFE, fix preg64): a pregnancy read as ended while
it goes on.

A "Pregnant" status of 2026-05-20 (EDD 2027-02-20) was read as ended, losing every pregnancy
warning (paroxetine, valproate), by a prenatal visit whose reason names a PREVIOUS delivery ("G3P2
s/p C-section x2, prenatal visit", "s/p NSVD x1, now 28 wks", "prev pregnancy: PPD#2 ..."), a
PLANNED postpartum visit ("postpartum check scheduled for 1/20", "discussed postpartum day
plans"), a 169762003 postnatal visit type on a visit not yet finished, or a global OB package
Procedure (CPT 59400 / 59510 "including antepartum care") in-progress since June, not-done or in
preparation. Each now keeps the pregnancy (a birth missed keeps a warning the clinician can
dismiss). Controls: "postpartum day 2" and "PPD#3, breastfeeding well" on an office visit still end
it (visit_delivery.py, procedure_terms.csv `delivery-not-now` rows, procedures_devices.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "preg64_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

PREGNANT = {
    # finding 1: a previous delivery named on a prenatal visit
    "reason_G3P2_s_p_C_section_x2_prenatal_visit": "fixed",
    "reason_prenatal_visit_s_p_c_section_2019_desires_TOLAC": "fixed",
    "reason_prenatal_visit_hx_PPH_s_p_SVD_2021": "fixed",
    "reason_s_p_NSVD_x1_now_28_wks": "fixed",
    "reason_s_p_delivery_of_twin_A_twin_B_in_utero": "fixed",
    "reason_prev_pregnancy_PPD_2_readmit_for_HTN": "fixed",
    # finding 2: a planned postpartum visit
    "reason_discussed_postpartum_day_plans": "fixed",
    "reason_Postpartum_visit_planning_discussed": "fixed",
    "reason_postpartum_check_scheduled_for_1_20": "fixed",
    "reason_29_wks_postpartum_visit_in_6_wks_after_birth": "fixed",
    # a coded postnatal visit type counts only on a finished visit
    "enc_postnatal_type_in_progress": "fixed",
    "enc_postnatal_type_arrived": "fixed",
    # finding 4: a delivery Procedure counts only completed (not-done, preparation: never did)
    "proc_cpt59400_in_progress": "fixed",
    "proc_cpt59510_in_progress": "fixed",
    "proc_cpt59400_not_done": "control",
    "proc_cpt59510_preparation": "control",
}
DELIVERED = {
    "ctl_delivered_postpartum_day_2": "control",
    "ctl_delivered_PPD_3_breastfeeding_well": "control",
}


def _pregnancy_warning(cards: dict[str, Any]) -> bool:
    return any("pregnan" in c["summary"].lower() for c in cards.values())


def _postnatal_line(cards: dict[str, Any]) -> bool:
    return any("postnatal year" in (c.get("detail") or "") for c in cards.values())


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, PREGNANT, DELIVERED)


@pytest.mark.parametrize("name", sorted(PREGNANT))
def test_still_pregnant(name: str) -> None:
    cards = _cards(name)
    assert _pregnancy_warning(cards), name
    assert not _postnatal_line(cards), name


@pytest.mark.parametrize("name", sorted(DELIVERED))
def test_delivery_ends_pregnancy(name: str) -> None:
    cards = _cards(name)
    assert not _pregnancy_warning(cards), name
    assert _postnatal_line(cards), name
