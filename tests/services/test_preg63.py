"""Session 41 review K65b finding 1 (UNSAFE, fix preg63): a delivery in vendor codes still read as
pregnant.

A "Pregnant" status of 2026-05-20 and a birth on 2026-11-10 recorded only as CPT 59400/59409/
59510/59622, ICD-10-PCS 10E0XZZ/10D00Z1, SNOMED 274130007/48782003, a Procedure "C-section" in
words, a Condition O70.1 or O72.1, a 169762003
postnatal visit, or a visit reason "s/p SVD 11/10, postpartum day 2" / "PPD#2" kept her pregnant
in December (paroxetine: "avoid starting it in pregnancy"). Each now ends the pregnancy and gives
the postnatal-year breastfeeding line, as 236973005 and O80 did. Controls: a planned C-section
(visit reason, Procedure in preparation), an L&D triage (ED class) visit, an Epic inpatient stay
typed LABOR AND DELIVERY with no delivery code (antepartum admissions are typed so) and O60.03 preterm
labour without delivery keep the pregnancy warning.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "preg63_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

DELIVERED = {
    "proc_cpt59400": "fixed",
    "proc_cpt59409": "fixed",
    "proc_cpt59510": "fixed",
    "proc_cpt59622": "fixed",
    "proc_pcs_10E0XZZ": "fixed",
    "proc_pcs_10D00Z1": "fixed",
    "proc_snomed_emerg_cs_274130007": "fixed",
    "proc_snomed_48782003": "fixed",
    "proc_text_only_csection": "fixed",
    "cond_O7002_tear": "fixed",
    "cond_O721_pph": "fixed",
    "enc_postpartum_visit_snomed": "fixed",
    "enc_reason_text_delivered": "fixed",
    "enc_reason_PPD2": "fixed",
    # controls that ended the pregnancy before
    "proc_snomed_236973005": "control",
    "cond_O80": "control",
}
PREGNANT = {
    "ctl_pregnant_may": "control",
    "ctl_reason_scheduled_c_section": "control",
    "ctl_LD_triage_emer": "control",
    # an inpatient stay typed L&D alone: antepartum admissions are typed so too (lead's decision)
    "enc_LD_epic_text": "control",
    "ctl_proc_csection_preparation": "control",
    "ctl_cond_O6003_preterm_labor": "control",
}


def _pregnancy_warning(cards: dict[str, Any]) -> bool:
    return any("pregnan" in c["summary"].lower() for c in cards.values())


def _postnatal_line(cards: dict[str, Any]) -> bool:
    return any("postnatal year" in (c.get("detail") or "") for c in cards.values())


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, DELIVERED, PREGNANT)


@pytest.mark.parametrize("name", sorted(DELIVERED))
def test_delivery_ends_pregnancy(name: str) -> None:
    cards = _cards(name)
    assert not _pregnancy_warning(cards), name
    assert _postnatal_line(cards), name


@pytest.mark.parametrize("name", sorted(PREGNANT))
def test_still_pregnant(name: str) -> None:
    cards = _cards(name)
    assert _pregnancy_warning(cards), name
    assert not _postnatal_line(cards), name
