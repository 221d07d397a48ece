"""Leftovers of review 13 and its recheck (wording and partial fixes).

- W5 partly: at 65 and older the angle-closure / urinary-retention line sat only in the Beers
  card's detail (g1, g3); the summary now names the coded condition. Paroxetine already running
  at 65 with angle-closure glaucoma coded (g2) named the glaucoma nowhere; the running Beers card
  now does (open-angle glaucoma stays unnamed: noise).
- W7 partly (a2): the antipsychotic metabolic line now names a coded diabetes and the last HbA1c
  (8.9 %, a year old).
- M3 (o5): citalopram 60 mg/day drafted: the above-the-maximum card gives the reason (QT
  prolongation, FDA 2011/2012), not only CANMAT's range.
- M4 (y1): the 16-year-old's summary no longer says "TMS: adults only" beside a detail naming an
  adolescent clearance.
- n09: quetiapine alone: the augment paragraph no longer lists adjuncts to quetiapine.

Charts: review 13's charts and the recheck's probe n09 (CDS Hooks requests, US Core / Epic-shaped
prefetch: ICD-10-CM + SNOMED problem-list Conditions, RxNorm MedicationRequests, LOINC lab
Observations), copied to tests/services/r13_leftover_charts/; the controls edit them in place.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "r13_leftover_charts"
BEERS_ORDER = "order-older-adult-anticholinergic"
BEERS_RUNNING = "older-adult-anticholinergic"
OPTIMISE = "optimize-switch-augment"
Doc = dict[str, Any]


_chart = chart_files.loader(CHARTS)
_resources = chart_files.prefetch_resources


def _conditions_coded(doc: Doc, *codes: str) -> list[Doc]:
    return [
        r
        for r in _resources(doc)
        if r["resourceType"] == "Condition"
        and any(c.get("code") in codes for c in r["code"].get("coding", []))
    ]


_at = Evaluator(AS_OF)
_cards = _at.by_topic


# --- W5: angle-closure glaucoma / urinary retention at 65 and older -------------------------------


@pytest.mark.parametrize(
    ("name", "words", "coded"),
    [
        (
            "g1_angle_closure_draft_nortriptyline",
            "angle-closure glaucoma",
            "Unspecified primary angle-closure glaucoma, stage unspecified",
        ),
        # The kind holds BPH with LUTS too: the summary names both, the line the code's display
        # (audit 16 f04).
        ("g3_bph_retention_draft_amitriptyline", "urinary retention or BPH", "Retention of urine"),
    ],
)
def test_beers_order_card_names_the_coded_condition_in_its_summary(
    name: str, words: str, coded: str
) -> None:
    card = _cards(_chart(name))[BEERS_ORDER]
    assert f"with {words} on record" in card["summary"]
    assert "AGS Beers 2023" in card["summary"]
    assert f"**{coded}" in card["detail"]


def test_paroxetine_running_at_65_with_angle_closure_names_the_glaucoma() -> None:
    """Chart g2: paroxetine 20 mg/day running since 2025-01-06, H40.20X0 coded, patient-view."""
    card = _cards(_chart("g2_angle_closure_paroxetine_running"))[BEERS_RUNNING]
    assert "with angle-closure glaucoma" in card["summary"]
    assert (
        "**Unspecified primary angle-closure glaucoma, stage unspecified on record**"
        in card["detail"]
    )
    assert "H40.20X0" in card["detail"]
    assert "iridotomy" in card["detail"]


def test_open_angle_glaucoma_is_not_named_on_the_running_card() -> None:
    """Noise check: primary open-angle glaucoma (H40.11x) is not what the labels warn of."""
    doc = _chart("g2_angle_closure_paroxetine_running")
    found = _conditions_coded(doc, "H40.20X0", "392291006")
    assert found
    for condition in found:
        condition["code"] = {
            "coding": [
                {
                    "system": "http://hl7.org/fhir/sid/icd-10-cm",
                    "code": "H40.1130",
                    "display": "Primary open-angle glaucoma, bilateral, stage unspecified",
                }
            ],
            "text": "Primary open-angle glaucoma",
        }
    card = _cards(doc)[BEERS_RUNNING]
    assert "glaucoma" not in card["summary"]
    assert "glaucoma" not in card["detail"].lower()


# --- W7: the antipsychotic metabolic line names a coded diabetes ----------------------------------


def test_metabolic_line_names_the_diabetes_and_the_last_hba1c() -> None:
    """Chart a2: quetiapine with escitalopram, type 2 diabetes (E11.9, SNOMED 44054006), last
    HbA1c 8.9 % on 2024-06-01, none since quetiapine started."""
    detail = _cards(_chart("a2_quetiapine_t2dm_no_a1c"))[OPTIMISE]["detail"]
    line = next(p for p in detail.split("\n\n") if p.startswith("**Augment:**"))
    assert "Quetiapine running" in line
    assert "Type 2 diabetes mellitus without complications on record" in line
    assert "ICD-10-CM E11.9" in line
    assert "last HbA1c 8.9 % on 2024-06-01" in line


def test_no_diabetes_coded_no_diabetes_words() -> None:
    doc = _chart("a2_quetiapine_t2dm_no_a1c")
    found = _conditions_coded(doc, "E11.9", "44054006")
    assert found
    for condition in found:
        condition["code"] = {
            "coding": [
                {
                    "system": "http://hl7.org/fhir/sid/icd-10-cm",
                    "code": "I10",
                    "display": "Essential (primary) hypertension",
                }
            ]
        }
    detail = _cards(doc)[OPTIMISE]["detail"]
    assert "diabetes" not in detail.lower()
    assert "HbA1c 8.9" not in detail


# --- M3: citalopram above 40 mg/day: the QT reason -------------------------------------------------


def test_citalopram_60_says_why_40_is_the_ceiling() -> None:
    cards = _cards(_chart("o5_draft_citalopram_60"))
    card = next(c for c in cards.values() if c["summary"].startswith("Citalopram 60 mg/day"))
    assert "QT prolongation" in card["summary"]
    assert "FDA Drug Safety Communication 2011, revised 2012" in card["summary"]
    assert "prolong the QT interval" in card["detail"]
    assert "CANMAT 2023 Table 3.3 range (20-40 mg/day" in card["detail"]


# --- M4: the 16-year-old's TMS words ---------------------------------------------------------------


def test_tms_summary_under_18_is_true_to_its_detail() -> None:
    card = _cards(_chart("y1_age16_two_failed_tms"))[OPTIMISE]
    assert "adults only" not in card["summary"]
    assert "TMS: outside adult payer policy (age 16)" in card["summary"]
    assert "NeuroStar, ages 15-21" in card["detail"]


# --- n09: quetiapine alone: nothing to augment -----------------------------------------------------


def test_quetiapine_alone_detail_matches_its_summary() -> None:
    card = _cards(_chart("n09_quetiapine_monotherapy"))[OPTIMISE]
    assert "switch to an antidepressant" in card["summary"]
    augment = next(p for p in card["detail"].split("\n\n") if p.startswith("**Augment:**"))
    assert "no antidepressant to augment" in augment
    assert "add one to it" in augment
    # No adjuncts to quetiapine: not lithium, liothyronine, bupropion or an antipsychotic.
    for adjunct in ("lithium", "liothyronine", "bupropion", "aripiprazole", "optimise or replace"):
        assert adjunct not in augment
    assert "Quetiapine running: monitor weight" in augment
