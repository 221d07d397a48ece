"""Recheck of review 15: W-f, W-g, W-c and x07.

- W-f (e01, e01b): I67.1 "Cerebral aneurysm, nonruptured" with the text "Left MCA aneurysm,
  clipped 2015", resolved or active. The clip is written after a comma; the TMS screen's
  proximity term `clip* ~ aneurysm*` stopped at the comma, so the TMS card said no metal near the
  head was recognised. Now: no TMS card, and the optimise card's "Why no TMS referral" names the
  entry as a contraindication (LCD L34998/L37086 metal-in-head exclusion).
- W-g (e07): an aneurysm only in problem text (R90.89 "4 mm unruptured left ICA aneurysm on MRA -
  neurosurgery surveillance"): esketamine is not offered (SPRAVATO 4), and the TMS card names
  the entry on its "TMS safety screen required" line (not a contraindication: only a clip, coil
  or other metal is). Negated wording ("no aneurysm", "aneurysm ruled out") is not read.
- W-c (g01, g02): gepirone drafted with diltiazem running (a moderate CYP3A4 inhibitor): a
  warning to halve the dose (Exxua label 2, 7); with carbamazepine (a strong inducer): avoid.
- x07: sertraline 50 and 25 mg drafted together after a failed escitalopram: the failed-class
  paragraph and table are printed once.

Charts: the recheck's CDS Hooks requests (US Core / Epic-shaped prefetch with every key,
`encounters` included: ICD-10-CM + SNOMED problem-list Conditions, RxNorm or text-only
MedicationRequests, LOINC PHQ-9 Observations), copied to tests/services/recheck15_charts/; the
variants edit them in place.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping import vascular_text
from fhir_mapping.record import FindingKind
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "recheck15_charts"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
INTERACTION = "order-drug-interaction"
REPEATS = "order-repeats-failed-trial"
Doc = dict[str, Any]

_chart = chart_files.loader(CHARTS)
_resources = chart_files.prefetch_resources
_at = Evaluator(AS_OF)
_cards = _at.cards
_by_topic = _at.by_topic


def _line(card: Doc, marker: str) -> str:
    return next(line for line in card["detail"].split("\n") if marker in line)


def _condition_with_text(doc: Doc, words: str) -> Doc:
    return next(
        r
        for r in _resources(doc)
        if r["resourceType"] == "Condition" and words in r["code"].get("text", "")
    )


# --- W-f: a clip written after a comma on a coded aneurysm -----------------------------------


@pytest.mark.parametrize(
    "name", ["e01_aneurysm_resolved_clipped", "e01b_aneurysm_active_clipped_text"]
)
def test_clip_after_a_comma_on_an_i67_1_entry_rules_out_tms(name: str) -> None:
    cards = _by_topic(_chart(name))
    assert TMS not in cards
    why = _line(cards[OPTIMISE], "**Why no TMS referral:**")
    assert "contraindication: Left MCA aneurysm, clipped 2015" in why
    assert "I67.1" in why


def test_aneurysm_not_clipped_stays_a_screen_item_not_a_contraindication() -> None:
    doc = _chart("e01b_aneurysm_active_clipped_text")
    _condition_with_text(doc, "clipped 2015")["code"]["text"] = "Left MCA aneurysm, not clipped"
    cards = _by_topic(doc)
    assert TMS in cards
    screen = _line(cards[TMS], "**TMS safety screen required:**")
    assert "I67.1" in screen


# --- W-g: an aneurysm only in problem text ----------------------------------------------------


def test_aneurysm_in_problem_text_withholds_esketamine() -> None:
    cards = _by_topic(_chart("e07_aneurysm_text_only_problem"))
    not_offered = _line(cards[OPTIMISE], "**Not offered (contraindicated):**")
    assert "esketamine nasal spray: 4 mm unruptured left ICA aneurysm on MRA" in not_offered
    assert "SPRAVATO label 4" in not_offered
    assert "esketamine nasal spray (FDA" not in _line(cards[OPTIMISE], "**Beyond medication**")


def test_aneurysm_in_problem_text_is_screened_for_tms_not_a_contraindication() -> None:
    cards = _by_topic(_chart("e07_aneurysm_text_only_problem"))
    screen = _line(cards[TMS], "**TMS safety screen required:**")
    assert "4 mm unruptured left ICA aneurysm on MRA" in screen
    assert "**Met** · Adult · Diagnosis" in cards[TMS]["detail"]
    assert "Contraindications: none of" in cards[TMS]["detail"]  # to screen, not excluded


@pytest.mark.parametrize(
    "text", ["No cerebral aneurysm on MRA", "Aneurysm ruled out on CTA", "negative for AVM"]
)
def test_negated_aneurysm_text_offers_esketamine(text: str) -> None:
    doc = _chart("e07_aneurysm_text_only_problem")
    _condition_with_text(doc, "ICA aneurysm")["code"]["text"] = text
    optimise = _by_topic(doc)[OPTIMISE]
    assert "**Not offered (contraindicated):**" not in optimise["detail"]
    assert "esketamine nasal spray" in _line(optimise, "**Beyond medication**")


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        (
            "Hemorrhage, intracerebral, left basal ganglia 2019",
            {FindingKind.INTRACEREBRAL_HEMORRHAGE},
        ),
        ("Left frontal AVM", {FindingKind.ANEURYSM_AVM}),
        ("Hx of AAA s/p EVAR", {FindingKind.ANEURYSM_AVM}),
        ("rule out aneurysm", {FindingKind.ANEURYSM_AVM}),  # suspected: withheld until settled
        ("AAA screening negative", set()),
        ("family history of aneurysm", set()),
        ("Ischemic stroke", set()),
    ],
)
def test_vascular_text_terms(text: str, kinds: set[FindingKind]) -> None:
    assert set(vascular_text.text_kinds(text)) == kinds


# --- W-c: gepirone with a moderate CYP3A4 inhibitor or a strong inducer ---------------------


def test_gepirone_18mg_with_diltiazem_cannot_be_halved() -> None:
    cards = _by_topic(_chart("g01_gepirone_moderate_inhibitor_diltiazem"))
    card = cards[INTERACTION]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Gepirone ordered with diltiazem running")
    # 18.2 mg is the lowest strength: the label's half dose cannot be given (audit 17 W6).
    assert "18.2 mg (lowest strength) cannot be halved: replace either drug" in card["summary"]
    assert "gepirone 18.2 mg/day on this order" in card["detail"]
    assert "Exxua label 2, 7" in card["detail"]


def test_gepirone_with_carbamazepine_is_avoided() -> None:
    card = _by_topic(_chart("g02_gepirone_strong_inducer_carbamazepine"))[INTERACTION]
    assert card["indicator"] == "warning"
    assert "strong CYP3A4 inducer lowers gepirone levels; avoid the combination" in card["summary"]


# --- x07: one class warning for two drafts of one drug ---------------------------------------


def test_two_drafts_of_one_drug_print_the_class_warning_once() -> None:
    card = _by_topic(_chart("x07_two_ssri_drafts_order_select"))[REPEATS]
    assert card["detail"].count("sertraline belongs to SSRI") == 1
    assert card["detail"].count("| escitalopram (SSRI) |") == 1
