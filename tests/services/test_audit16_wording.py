"""Audit 16 (a clinician's read of the cards): wording, sources and levels.

- W4 (d04, recheck 16 d05): a reported course with no end or duration is counted 30 days from its
  start (the conservative reading). The cards said "tried 2024-10-01 - 2024-10-31" (an end the
  record does not hold), "0 weeks at an adequate dose" with the dose unknown and "4.3 wk,
  possibly adequate" from the assumed days: they now say what is not recorded.
- W5 (f05, f06, f08): the drug-disease rows printed "(UNVERIFIED)" and had no source link; the
  AGS Beers 2023 and ADA/APA 2004 rows now cite their DOI, read where marked.
- W6 (data-gap card): "Part of the conditions and scores data" and "Conditions not (fully)
  available: pregnancy status (Observation)" when only Observations were withheld, the cause twice,
  FHIR words, and CANMAT as the source: now what may be incomplete, why once, plain words, and
  the chart's data as the source.
- Minors: f03 (capitalised, "6 months", a way on: a non-tricyclic, SADHART), g03 ("up to 10
  mg/day" after 5 mg), c04 (a short one-click label, the class effect in full on the card), f06
  ("a non-antipsychotic adjunct"), f04 (BPH with LUTS named as coded), e01 (the ECT reason tied
  to a hospitalised episode), f01 (rasagiline with an SSRI: the label's warning, not a washout).

Charts: the review's CDS Hooks requests in tests/services/review16_charts/.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.cds_hooks import test_fi1_withheld_results as withheld
from tests.services import chart_files
from tests.services.helpers import Evaluator
from tests.services.item9_answers import answered

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
_chart = chart_files.loader(Path(__file__).parent / "review16_charts")
Doc = dict[str, Any]


_at = Evaluator(AS_OF)
_cards = _at.by_topic


def test_reported_course_without_dose_or_duration_names_no_end_and_no_weeks() -> None:
    cards = _cards(_chart("d04_reported_request_reportedboolean"))
    review = cards["adherence-review"]
    assert "0 weeks" not in review["detail"]
    assert "weeks at an adequate dose unknown (needs 6)" in review["detail"]
    switch = cards["optimize-switch-augment"]["detail"]
    assert "2024-10-31" not in switch
    # Recheck 2 of review 16 W2: 2024-10-01 is the day the report was entered, not a start; the
    # order is `completed`, so the course had ended by then (review s19 item 1, rule 2e).
    assert "sertraline (tried before 2024-10-01; dose and dates not recorded)" in switch


def test_reported_course_with_dose_and_no_duration_is_not_weeks_on_record() -> None:
    cards = _cards(_chart("d05_reported_dose_known_duration_unknown"))
    review = cards["adherence-review"]
    assert "4.3" not in review["summary"] + review["detail"]
    # Recheck 2 of review 16 W2: the day the report was entered is not a start; the dose is named.
    # Ended by the day it was entered (review s19 item 1): "tried before", never "reported".
    assert (
        "(sertraline 100 mg/day tried before 2024-10-01, dates not recorded)" in (review["summary"])
    )
    assert "weeks at an adequate dose unknown: dates not recorded (needs 6)" in review["detail"]
    switch = cards["optimize-switch-augment"]["detail"]
    assert "sertraline (tried before 2024-10-01 at 100 mg/day; dates not recorded)" in switch


# --- W5: sources of the drug-disease rows -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "label", "url"),
    [
        (
            "f05_dementia_draft_paroxetine",
            "AGS Beers 2023 Table 3 (dementia or cognitive impairment)",
            "https://doi.org/10.1111/jgs.18372",
        ),
        (
            "f06_diabetes_draft_quetiapine_augment",
            "ADA/APA consensus 2004 (antipsychotics and diabetes)",
            "https://doi.org/10.2337/diacare.27.2.596",
        ),
    ],
)
def test_drug_disease_cards_link_their_source_and_print_no_unverified(
    name: str, label: str, url: str
) -> None:
    card = _cards(_chart(name))["order-drug-disease"]
    assert card["source"]["label"] == label
    assert card["source"]["url"] == url
    assert "UNVERIFIED" not in card["detail"]


def test_beers_card_for_nortriptyline_prints_no_unverified() -> None:
    card = _cards(_chart("f08_heart_failure_draft_nortriptyline"))[
        "order-older-adult-anticholinergic"
    ]
    assert "UNVERIFIED" not in card["detail"]


def test_metabolic_card_names_a_non_antipsychotic_adjunct() -> None:
    detail = _cards(_chart("f06_diabetes_draft_quetiapine_augment"))["order-drug-disease"]["detail"]
    assert "a non-antipsychotic adjunct: lithium, liothyronine" in detail
    assert "no antipsychotic" not in detail


# --- W6: the data-gap card --------------------------------------------------------------------


def _withheld(code: str) -> Doc:
    body: Doc = json.loads(withheld.ITEM9_REQUEST.read_text("utf-8"))
    bundle = body["prefetch"]["observations"]
    bundle["entry"] = [e for e in bundle["entry"] if withheld.ITEM9_LOINC not in json.dumps(e)]
    bundle["entry"].append(
        {"resource": withheld._outcome("warning", code), "search": {"mode": "outcome"}}
    )
    bundle["total"] = len(bundle["entry"]) - 1
    return body


@pytest.mark.parametrize(
    ("code", "cause"),
    [
        ("suppressed", "the EHR withheld some results (consent, privacy or access rules)"),
        ("timeout", "the EHR's search timed out"),
    ],
)
def test_withheld_observations_card_names_what_and_why_once_in_plain_words(
    code: str, cause: str
) -> None:
    found = _cards(_withheld(code))
    card = found["data-quality"]
    # Review 19 item 5: the PHQ-9s read have no item 9 (it was among the withheld results), so
    # the item-9 card speaks and names the scores left out, as a card resting on them does; the
    # data-quality card names what no card carries.
    item9 = found["phq9-item9-not-recorded"]
    assert "item 9 not read (scores incomplete)" in item9["summary"]
    assert f"- Scores may be incomplete: {cause}" in item9["detail"]
    assert card["summary"].startswith("Pregnancy status may be incomplete")
    assert f"- Pregnancy status may be incomplete: {cause}" in card["detail"]
    assert card["detail"].count(cause) == 1
    for jargon in ("Conditions", "OperationOutcome", "Bundle", "prefetch", "Observation"):
        assert jargon not in card["summary"] + card["detail"]
    # Its basis is the chart's data, not a guideline.
    assert "CANMAT" not in card["source"]["label"]
    assert "url" not in card["source"]


# --- minors -----------------------------------------------------------------------------------


def test_tca_after_recent_mi_card_reads_as_a_sentence_with_a_way_on() -> None:
    card = _cards(_chart("f03_recent_mi_draft_nortriptyline"))["order-drug-contraindicated"]
    detail = card["detail"]
    assert detail.startswith("Nortriptyline 25 mg/day and what is on record:")  # s25 FW item 2
    assert "onset 2025-05-05: within the last 6 months" in detail
    assert "183" not in detail
    assert "Choose a non-tricyclic antidepressant instead: sertraline" in detail
    assert "(SADHART)" in detail


def test_failed_adjunct_redraft_names_the_room_left_in_the_range() -> None:
    card = _cards(_chart("g03_complex_draft_aripiprazole_again"))["order-repeats-failed-trial"]
    assert "higher dose (up to 10 mg/day) or another strategy" in card["summary"]
    assert "a higher dose (up to 10 mg/day) or another strategy" in card["detail"]
    assert "2-10 mg/day" not in card["summary"] + card["detail"]


def test_class_effect_one_click_label_is_short_and_the_card_says_it_in_full() -> None:
    card = _cards(answered(_chart("c04_aripiprazole_allergy_augment_suggestions")))[
        "optimize-switch-augment"
    ]
    (brex,) = [s for s in card["suggestions"] if "brexpiprazole" in s["label"]]
    assert brex["label"] == (
        "Propose adjunctive brexpiprazole 0.5 mg/day (CANMAT first line; akathisia on "
        "aripiprazole 2024-01-10: class effect)"
    )
    assert (
        "brexpiprazole 0.5-2 mg/day (watch: akathisia on aripiprazole (2024-01-10), a class "
        "effect of the D2 partial agonists)"
    ) in card["detail"]


def test_bph_with_luts_is_named_as_coded_not_as_retention() -> None:
    card = _cards(_chart("f04_bph_retention_draft_amitriptyline"))[
        "order-older-adult-anticholinergic"
    ]
    assert (
        "**Benign prostatic hyperplasia with lower urinary tract symptoms on record**"
        in card["detail"]
    )
    assert "Urinary retention on record" not in card["detail"]
    assert "with urinary retention or BPH on record" in card["summary"]


def test_ect_suicide_reason_is_tied_to_a_hospitalised_episode() -> None:
    card = _cards(_chart("e01_ed_overdose_t43222a_encounter_dx"))["suicide-risk"]
    assert (
        "after a hospitalised episode it lowers suicide risk in the year after discharge"
        in card["detail"]
    )
    assert "ECT (CANMAT 2023 para 215: lower suicide risk" not in card["detail"]


def test_ssri_with_running_rasagiline_is_the_label_warning_not_a_washout() -> None:
    card = _cards(_chart("f01_parkinson_rasagiline_draft_sertraline"))["order-maoi-interaction"]
    assert card["indicator"] == "warning"
    assert "watch for serotonin syndrome" in card["summary"]
    assert "14 days off rasagiline first" not in card["summary"]
    assert "stop rasagiline, then" not in card["detail"]
    assert "neurologist's decision" in card["detail"]
    assert "UNVERIFIED" not in card["detail"]
    assert card["source"]["url"].startswith("https://dailymed.nlm.nih.gov/")


def _running_rasagiline_and() -> Doc:
    """f01 at patient-view, its sertraline draft recorded as a running order since March."""
    doc = _chart("f01_parkinson_rasagiline_draft_sertraline")
    (entry,) = doc["context"].pop("draftOrders")["entry"]
    order = entry["resource"]
    order["status"], order["authoredOn"] = "active", "2025-03-03T09:30:00-05:00"
    bundle = doc["prefetch"]["medicationRequests"]
    bundle.setdefault("entry", []).append({"resource": order})
    bundle["total"] = len(bundle["entry"])
    doc["hook"] = "patient-view"
    doc["context"].pop("selections", None)
    return doc


def test_rasagiline_and_a_running_ssri_are_a_warning_on_chart_open_too() -> None:
    """The chart-open card said critical and "stop one" where the label says "not recommended"
    (its order card is a warning): both running is the same warning, every chart open."""
    card = _cards(_running_rasagiline_and(), hook="patient-view")["maoi-combination"]
    assert card["indicator"] == "warning"
    assert "watch for serotonin syndrome" in card["summary"]
    assert "stop one" not in card["summary"]
    assert "neurologist's decision" in card["detail"]
