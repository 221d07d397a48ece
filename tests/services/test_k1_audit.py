"""What the review 14 audit's MINOR list still found in the cards' words and sources.

- s01, b05: "substance use" where the finding is alcohol (F10.20, an AUDIT-C at the cut-off): the
  summary and the line name alcohol; other substances keep "substance use".
- d01, y04: the same-class line read as if both drugs continue ("if both are meant to continue,
  say why") although the running course's stop is dated on record.
- desvenlafaxine: the table stores the label's 30-50 mL/min band as "below 51"; the words say the
  label's "at or below 50", and the eGFR values each band matches are unchanged.
- k04: "No creatinine or eGFR on record" on the lithium level card and the renal card of one
  lithium order: said once, on the renal card.
- 23 interaction and label cards had the DailyMed home page as their source URL: a source URL
  names the cited label or is left out.

Charts: the review's probe requests (US Core / Epic-shaped prefetch: ICD-10-CM problem-list
Conditions, RxNorm MedicationRequests, LOINC AUDIT-C, PHQ-9 and lithium results), in
review14_charts/ (s01, d01) and audit14_charts/ (b05, i01, k04, y04).
"""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.record import FindingKind
from services import renal_doses
from services.order_checks.renal import label_bands
from services.order_hooks import run_order_checks
from services.policy import Policy
from services.rules import diagnosis_review
from services.rules.context import build_context
from tests.services import chart_files
from tests.services import factories as f
from tests.services.helpers import Evaluator, ctx

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
Doc = dict[str, Any]
HOME_PAGE = "https://dailymed.nlm.nih.gov/dailymed/"

_review = chart_files.loader(Path(__file__).parent / "review14_charts")
_audit = chart_files.loader(Path(__file__).parent / "audit14_charts")
_at = Evaluator(AS_OF)
_cards = _at.cards
_by_topic = _at.by_topic


# --- s01, b05: alcohol named -----------------------------------------------------------------


def test_an_alcohol_use_disorder_is_named_as_alcohol_on_the_diagnosis_review() -> None:
    review = _by_topic(_review("s01_aud_auditc_9"))["diagnosis-review"]
    # Before: "... before escalating: active substance use" and "**Substance use:** ...".
    # Reviewed alongside escalation (audit 14 s01: the adjuncts stay one click).
    assert review["summary"] == (
        "Review alcohol use disorder alongside escalation: alcohol dependence, uncomplicated "
        "(ICD-10-CM F10.20); AUDIT-C 9 on 2025-05-12"
    )
    assert (
        "**Alcohol use disorder:** Alcohol dependence, uncomplicated (ICD-10-CM F10.20"
        in (review["detail"])
    )
    assert "AUDIT-C 9 on 2025-05-12" in review["detail"]


def test_other_substances_keep_substance_use_and_a_mix_names_both() -> None:
    cannabis = f.finding(
        FindingKind.SUBSTANCE_USE,
        code="F12.20",
        system=f.ICD10,
        display="Cannabis dependence, uncomplicated",
    )
    alcohol = f.finding(
        FindingKind.SUBSTANCE_USE,
        code="F10.20",
        system=f.ICD10,
        display="Alcohol dependence, uncomplicated",
    )
    alone = diagnosis_review.rule(ctx(f.trd_record(findings=(f.mdd(), cannabis))))
    assert alone is not None
    assert alone.summary == (
        "Review substance use alongside escalation: cannabis dependence, uncomplicated "
        "(ICD-10-CM F12.20)"
    )
    assert "**Substance use:** Cannabis dependence" in alone.detail
    both = diagnosis_review.rule(ctx(f.trd_record(findings=(f.mdd(), cannabis, alcohol))))
    assert both is not None
    assert "Review alcohol and other substance use alongside escalation" in both.summary


def test_bupropion_with_a_high_audit_c_names_alcohol_and_the_screen() -> None:
    (card,) = _cards(_audit("b05_auditc_positive_no_aud_dx_draft_bupropion"))
    # Before: "Bupropion with substance use on record: see the caveat (...)".
    assert card["summary"] == (
        "Bupropion with alcohol use on record (AUDIT-C 8 on 2025-05-12): see the caveat "
        "(bupropion labels 4 and 5.3)"
    )
    assert "substance use" not in card["summary"]


# --- d01, y04: a dated stop is a replacement ---------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "old", "stop"),
    [
        (_review("d01_paroxetine_abrupt_stop_draft_sertraline"), "paroxetine", "2025-06-02"),
        (_audit("y04_age22_switch_not_new_start"), "escitalopram", "2025-06-02"),
    ],
)
def test_a_stop_on_record_is_said_as_a_replacement_not_as_both_continuing(
    doc: Doc, old: str, stop: str
) -> None:
    detail = _by_topic(doc)["order-repeats-failed-trial"]["detail"]
    assert "meant to continue" not in detail
    assert f"sertraline (SSRI) replacing {old} " in detail
    assert f"({old}'s stop dated {stop})" in detail
    assert "Plan the switch (direct, or a short cross-taper)." in detail


# --- desvenlafaxine: the label's band edge --------------------------------------------------------


def test_desvenlafaxine_band_reads_as_the_label_and_matches_the_same_values() -> None:
    summary, detail = label_bands("desvenlafaxine")
    assert summary == "label: at most 25 mg/day below 30, at most 50 mg/day at or below 50 mL/min"
    assert "51" not in summary and "30-50 mL/min, at most 50 mg/day" in detail
    # Which eGFR values match is unchanged: 50 is in the moderate band, 51 in none, 29 severe.
    assert renal_doses.row_for("desvenlafaxine", 50).max_mg == 50  # type: ignore[union-attr]
    assert renal_doses.row_for("desvenlafaxine", 30).max_mg == 50  # type: ignore[union-attr]
    assert renal_doses.row_for("desvenlafaxine", 51) is None
    assert renal_doses.row_for("desvenlafaxine", 29).max_mg == 25  # type: ignore[union-attr]
    # Other drugs keep "below": lithium's label says caution below 90.
    assert label_bands("lithium")[0] == "label: not recommended below 30, caution below 90 mL/min"


def test_every_renal_band_edge_is_a_label_edge_or_one_above_it() -> None:
    """RenalRow.upper_words reads an edge one above a multiple of 5 as a band the label closes
    at its edge: a row with any other edge would be worded wrongly."""
    text = resources.files("services").joinpath("data/renal_doses.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        below = int(float(row["egfr_below"]))
        assert below % 5 in (0, 1), (row["ingredient"], below)


# --- k04: no kidney labs said once -------------------------------------------------------------


def test_no_creatinine_or_egfr_is_said_once_on_the_renal_card() -> None:
    cards = _by_topic(_audit("k04_lithium_085_age65"))
    level, renal = cards["order-lithium-level"], cards["order-renal-dose"]
    said = "creatinine or eGFR on record"
    everything = " ".join(c["detail"] for c in cards.values())
    assert everything.count(said) == 1  # before: on both cards
    assert f"At 65, no {said}." in renal["detail"]
    assert "Kidney function: see the renal dose card." in level["detail"]
    assert said not in level["detail"]


def test_without_the_renal_card_the_level_card_keeps_the_sentence() -> None:
    """Control: the level card's sentence goes only when the renal card is on the screen (a
    hidden renal card, answered or snoozed, leaves it where it was)."""
    doc = _audit("k04_lithium_085_age65")
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    evaluation = result.evaluation
    context = build_context(evaluation.record, Policy(), doc["hook"])
    shown = run_order_checks(context, evaluation.selections, hidden=frozenset({"order-renal-dose"}))
    (level,) = [r for r in shown if r.topic == "order-lithium-level"]
    assert "No creatinine or eGFR on record." in level.detail
    assert "renal dose card" not in level.detail


# --- interaction cards: no home page as a source -------------------------------------------------


@pytest.mark.parametrize(
    "doc",
    [_audit("i01_tizanidine_running_draft_fluvoxamine"), _audit("k04_lithium_085_age65")],
)
def test_no_card_is_sourced_to_the_dailymed_home_page(doc: Doc) -> None:
    cards = _cards(doc)
    assert cards
    for card in cards:
        assert card["source"].get("url") != HOME_PAGE, card["summary"]
        assert f"]({HOME_PAGE})" not in card.get("detail", "")
    for card in cards:
        if card["source"]["topic"]["code"] == "order-drug-interaction":
            # No label URL is on file for these cites (data/cite_urls.csv): left out, never "".
            assert "url" not in card["source"]
            assert card["source"]["label"]
