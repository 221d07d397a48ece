"""Session 42 fix preg65 (recheck K68a finding 3 and the pregnancy-end readings session 41 left).

A "Pregnant" status of 2026-05-20 (EDD 2027-02-20) was read as ended, losing every pregnancy
warning (paroxetine), by a problem-list "History of ..." O80 / O72.1 / O70.2 entry, resolved or
inactive, with no onset, recorded 2026-06-15, or by an O80 entry dated only by a recordedDate four
weeks into the pregnancy: a past birth, not this one's end (fhir_mapping/past_delivery.py,
services/past_births.py). "postpartum day 2, plan discharge tomorrow" was read as no birth ("plan"
blocked it: visit_delivery.py `delivery-planned` / `delivery-discharge` rows). A birth read from
words printed an empty code slot ("(postpartum day 2,  )", "(,  )": services/rules/
delivery_names.py). O60.1x / O60.2x encounter diagnoses and a completed CPT 59430 (postpartum care
only) were not read as a delivery. Controls: an O80 encounter diagnosis of 2026-11-10 with a
delivery Procedure, a dated "History of" O80 and an undated O80 recorded in November still end it;
a numbered postpartum day with a plan and no discharge word, and a 59430 not done, do not.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "preg65_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

PREGNANT = {
    # item 1: a past delivery on the problem list
    "hx_O80_resolved": "fixed",
    "hx_O721_inactive": "fixed",
    "hx_O702_resolved": "fixed",
    "recorded_O80_4wks_resolved": "fixed",
    # a plan beside a numbered postpartum day with no discharge word stays blocked
    "reason_plan_postpartum_day_3_BP_check": "control",
    "ctl_proc_cpt59430_not_done": "control",
}
DELIVERED = {
    # item 2: the discharge of the birth stay planned
    "reason_postpartum_day_2_plan_discharge_tomorrow": "fixed",
    "reason_PPD_2_will_d_c_home_tomorrow": "fixed",
    "reason_PPD_1_discharge_planned_for_tomorrow": "fixed",
    "reason_postpartum_day_3_plan_discharge_home_today": "fixed",
    # item 4: O60.1x / O60.2x, CPT 59430
    "cond_O6014X0_preterm_delivery": "fixed",
    "cond_O6023X0_term_delivery": "fixed",
    "proc_cpt59430_postpartum_care": "fixed",
    # item 3: named by its words (the pregnancy ended before too)
    "proc_text_only_c_section_named": "fixed",
    # controls that ended the pregnancy before
    "ctl_O80_encdx_and_proc_nov": "control",
    "ctl_hx_O80_onset_nov": "control",
    "ctl_recorded_O80_nov_resolved": "control",
}
# item 3: the delivery line names the words it was read from, never an empty code slot
NAMED = {
    "reason_postpartum_day_2_plan_discharge_tomorrow": (
        "(visit reason: 'postpartum day 2, plan discharge tomorrow')"
    ),
    "proc_text_only_c_section_named": "(Procedure in words: 'C-section')",
    "cond_O6023X0_term_delivery": "ICD-10-CM O60.23X0)",
}


def _pregnancy_warning(cards: dict[str, Any]) -> bool:
    return any("pregnan" in c["summary"].lower() for c in cards.values())


def _delivery_lines(cards: dict[str, Any]) -> list[str]:
    return [
        line
        for c in cards.values()
        for line in (c.get("detail") or "").splitlines()
        if "postnatal year" in line
    ]


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, PREGNANT, DELIVERED)


@pytest.mark.parametrize("name", sorted(PREGNANT))
def test_still_pregnant(name: str) -> None:
    cards = _cards(name)
    assert _pregnancy_warning(cards), name
    # a past birth is not named as one dated by its recordedDate
    assert not _delivery_lines(cards), name


@pytest.mark.parametrize("name", sorted(DELIVERED))
def test_delivery_ends_pregnancy(name: str) -> None:
    cards = _cards(name)
    assert not _pregnancy_warning(cards), name
    assert _delivery_lines(cards), name


@pytest.mark.parametrize("name", sorted(NAMED))
def test_delivery_line_names_its_source(name: str) -> None:
    lines = _delivery_lines(_cards(name))
    assert any(NAMED[name] in line for line in lines), lines
    assert not any(",  )" in line or "(," in line or "()" in line for line in lines), lines
