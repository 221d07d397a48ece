"""Order-card sources and summaries the review 14 recheck found (MINOR list).

- b03: the discontinuation line printed "Paxil label (discontinuation), UNVERIFIED (UNVERIFIED)":
  the cite column no longer carries the mark; the status column does, written once by the
  shared mark (services/pathway_options.unverified_mark).
- b03, y01: the discontinuation and boxed-warning cards had no source URL: their cites now have
  one in data/cite_urls.csv where a page was found (Pristiq's was not: no URL, never a guess).
- t04: "stop st john's wort" in lower case: a drug's display name (data/drug_display_names.csv).
- x01: codeine and metoprolol beside a drafted paroxetine: one card; both pairs do not fit in the
  summary (150 characters), so the most severe leads, never a milder one first, and the other is
  named after it ("; also paroxetine + codeine": review 20 RB finding 7; "(+1 more)" before).
- q02: the critical suicide-risk summary names the date of the result it rests on.
- t01: heart failure resolved in 2015 with liothyronine drafted: a caution naming it as past.
- b01: a differential bipolar entry refuted by a later one still blocks, naming the later entry.

Charts: the recheck's probe requests (project builders; US Core / Epic-shaped prefetch:
ICD-10-CM problem-list Conditions with clinical and verification status, RxNorm
MedicationRequests and MedicationDispenses, LOINC PHQ-9 panels), copied to recheck14_charts/.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services import drug_names, interaction_table, tables
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "recheck14_charts"
DATA = Path(__file__).parents[2] / "services" / "data"
Doc = dict[str, Any]

_chart = chart_files.loader(CHARTS)


def _cards(name: str, edit: Any = None) -> dict[str, Doc]:
    doc = _chart(name)
    if edit is not None:
        edit(doc)
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    return {c["source"]["topic"]["code"]: c for c in result.response.to_json()["cards"]}


# --- b03: the unverified mark once ------------------------------------------------------------


def test_the_discontinuation_line_marks_an_unverified_label_once() -> None:
    card = _cards("b03_paroxetine_stop_10d_draft_bupropion")["order-drug-caution"]
    assert "(Paxil label (discontinuation) (UNVERIFIED))." in card["detail"]
    assert card["detail"].count("UNVERIFIED") == 1
    assert card["source"]["label"] == "Paxil label (discontinuation)"


def test_no_discontinuation_cite_carries_the_mark_its_status_column_adds() -> None:
    with (DATA / "discontinuation_symptoms.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            assert "UNVERIFIED" not in row["cite"], row["ingredient"]


# --- b03, y01: source URLs --------------------------------------------------------------------


def test_the_discontinuation_card_links_the_label() -> None:
    card = _cards("b03_paroxetine_stop_10d_draft_bupropion")["order-drug-caution"]
    assert card["source"]["url"] == (
        "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?"
        "setid=ef3b5cbe-f9e1-c1ac-79da-cfe14e3a7e7e"
    )


def test_every_discontinuation_cite_has_a_url_except_the_one_not_found() -> None:
    assert tables.cite_url("Effexor XR label (discontinuation)") == (
        "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?"
        "setid=53c3e7ac-1852-4d70-d2b6-4fca819acf26"
    )
    assert tables.cite_url("Cymbalta label (discontinuation)") == tables.cite_url(
        "Cymbalta label 2 and 5.2"
    )
    # No Pristiq set id was read: the card keeps its label and no URL (never a guessed one).
    assert tables.cite_url("Pristiq label (discontinuation)") is None


def test_the_boxed_warning_card_links_the_fda_page() -> None:
    card = _cards("y01_age24_new_start_sertraline")["order-drug-caution"]
    assert card["source"]["label"] == "FDA boxed warning"
    assert card["source"]["url"].endswith("www.fda.gov/cder/drug/antidepressants/default.htm")


# --- t04: display names -----------------------------------------------------------------------


def test_st_johns_wort_is_written_with_its_capitals() -> None:
    card = _cards("t04_stjohnswort_running_draft_phenelzine")["order-maoi-interaction"]
    assert card["summary"] == (
        "Phenelzine (MAOI) ordered while St John's wort is running: stop St John's wort at "
        "least 14 days first"
    )
    assert "**St John's wort → phenelzine (MAOI)**: St John's wort is running" in card["detail"]
    assert "st john's wort" not in card["summary"] + card["detail"]


def test_a_generic_name_keeps_its_lower_case() -> None:
    assert drug_names.shown("phenelzine") == "phenelzine"
    assert drug_names.shown_first("phenelzine") == "Phenelzine"
    assert drug_names.shown_first("st john's wort") == "St John's wort"


# --- x01: two pairs on one interaction card ---------------------------------------------------


def test_codeine_and_metoprolol_on_one_card_lead_with_one_pair_and_count_the_other() -> None:
    card = _cards("x01_codeine_prn_and_metoprolol_draft_paroxetine")["order-drug-interaction"]
    # Both pairs in one summary take 150 characters (CDS Hooks: under 140): one leads, the other
    # is named (review 20 RB finding 7: a count hid which drugs), and each is complete in the
    # detail. The lead's action is kept before the other pair's name, the lead said shorter
    # (review s24 RB finding 1: a lithium level request dropped for "; also ..."): metoprolol's
    # order of 2022-01-01, never renewed, listed, not running (review s22), is said so in the
    # detail.
    assert card["summary"] == (
        "Paroxetine with metoprolol: raises metoprolol levels (bradycardia, hypotension); pulse "
        "and blood pressure; also paroxetine + codeine"
    )
    assert "**Paroxetine with metoprolol** (warning)" in card["detail"]
    assert "**Paroxetine with codeine** (warning)" in card["detail"]


def test_the_most_severe_pair_leads_the_summary() -> None:
    taking = interaction_table.Taking
    found = interaction_table.pairs(
        [
            taking("metoprolol", 50, date(2022, 1, 1), False, None),
            taking("thioridazine", 50, date(2020, 1, 1), False, None),
        ],
        news=[taking("paroxetine", 20, None, True, None)],
    )
    summary = found[0].summary(found[1:])
    # The lead's action kept before the other pair's name (review s24 RB finding 1).
    assert summary == (
        "Paroxetine with thioridazine: contraindicated (thioridazine levels, QT prolongation); "
        "do not combine; also paroxetine + metoprolol"
    )


# --- q02: the date in the critical summary ----------------------------------------------------


def test_the_critical_summary_names_the_date_of_its_result() -> None:
    card = _cards("q02_prelim_item9_2_older_than_final_item9_0")["suicide-risk"]
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "PHQ-9 (preliminary, not yet reviewed) item 9 = 2 (more than half the days) on "
        "2025-05-23: higher suicide risk, assess today"
    )


# --- t01: a resolved heart failure with liothyronine ------------------------------------------


def test_a_resolved_heart_failure_is_named_as_past_on_a_t3_order() -> None:
    card = _cards("t01_t3_heart_failure_resolved_2015")["order-drug-caution"]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Liothyronine with Heart failure, unspecified, resolved 2015 on record: use with "
        "caution, start at a lower dose (Cytomel label 5.1)"
    )
    assert "(ICD-10-CM I50.9, coded 2013-03-01, resolved 2015-06-01)" in card["detail"]


def test_an_active_heart_failure_is_not_called_resolved() -> None:
    card = _cards("t02_t3_heart_failure_active")["order-drug-caution"]
    assert "resolved" not in card["summary"] + card["detail"]
    assert "Chronic systolic (congestive) heart failure on record" in card["summary"]


# --- b01: a differential bipolar entry refuted later ------------------------------------------


def _bipolar_conditions(doc: Doc) -> list[Doc]:
    return [
        r
        for r in chart_files.prefetch_resources(doc)
        if r["resourceType"] == "Condition"
        and any(c.get("code", "").startswith("F31") for c in r["code"].get("coding", []))
    ]


def _refuting(doc: Doc) -> Doc:
    return next(
        r
        for r in _bipolar_conditions(doc)
        if r["verificationStatus"]["coding"][0]["code"] == "refuted"
    )


def test_a_refuted_differential_still_blocks_and_names_the_refuting_entry() -> None:
    card = _cards("b01_bipolar_differential_then_refuted")["diagnosis-review"]
    assert card["indicator"] == "warning"
    assert (
        "**Bipolar disorder on record (differential 2025-03-03; a later entry refutes it "
        "(2025-05-20): confirm):**"
    ) in card["detail"]
    # The refuting entry named by its date, not its id (cards.record_cite, session 20).
    assert "A later entry records it as refuted (2025-05-20), but" in card["detail"]
    assert "Condition/a0997451-aeb0-575d-a957-499aa5f30aa0" not in card["detail"]
    assert "the unipolar TRD pathway does not apply" in card["detail"]


def test_without_the_refuting_entry_the_differential_reads_as_before() -> None:
    def drop(doc: Doc) -> None:
        gone = _refuting(doc)["id"]
        for value in doc["prefetch"].values():
            if isinstance(value, dict) and value.get("resourceType") == "Bundle":
                value["entry"] = [
                    e for e in value.get("entry", []) if e["resource"].get("id") != gone
                ]

    card = _cards("b01_bipolar_differential_then_refuted", drop)["diagnosis-review"]
    assert "**Bipolar disorder on record (differential, not confirmed):**" in card["detail"]
    assert "refutes it (" not in card["detail"]


def test_a_refuting_entry_recorded_after_as_of_is_not_named() -> None:
    def later(doc: Doc) -> None:
        _refuting(doc)["recordedDate"] = "2025-06-20T09:30:00-05:00"

    card = _cards("b01_bipolar_differential_then_refuted", later)["diagnosis-review"]
    assert "refutes it (" not in card["detail"]
