"""Review s24 RB recheck, findings 1-5 and 11 (the protocol findings 6-9 are pinned in
tests/cds_hooks: test_prefetch_wrong_type.py, test_feedback_timestamp.py,
test_fhir_authorization_fields.py).

- 1: lithium + ibuprofen started 3 days ago, no lithium level, a second pair: the summary said
  "...: raises lithium levels (toxicity risk); also ibuprofen + venlafaxine", the level request
  gone. Pair.summary now tries the pair said shorter with its action before any base without it.
- 2: a sodium under a local code beside a read LOINC sodium that is newer, or of the same day and
  value (the same result sent twice): the look-alike gap no longer raises the data-quality card.
  A local-code result newer than the read one still does (the card may rest on the older value).
- 3: a LOINC urine sodium (2955-3) with text "Sodium", and text "Sodium" with the display
  "SODIUM, URINE RANDOM", were read as an unread serum sodium: a code the service knows is
  another test (data/lab_lookalike_other_codes.csv), or an `unless` word in any of the code's
  texts, names no test.
- 4: "QTcF" / "QTcB" under a local code named nothing (silent beside running citalopram): rows.
- 5: "EGFR T790M" / "EGFR L858R" (tumour mutations) were named eGFR: `unless` words.
- 11: F50.89 other specified eating disorder gets the F50.9 kind's bupropion caveat.

Charts: tests/services/recheck24_charts/ (from the comorbidity24, card_rail24 and review18a
charts, Epic shaped, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.lab_lookalike import lab_named
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
QUALITY = "data-quality"
LOW_SODIUM = "running-drug-low-sodium"
INTERACTION = "drug-interaction"
CAUTION = "order-drug-caution"
NOT_READ = "named sodium under a code this service does not know"

_DIR = Path(__file__).parent / "recheck24_charts"
_chart = chart_files.loader(_DIR)
_at = Evaluator(AS_OF)


def _cards(doc: Doc, *, as_of: date = AS_OF) -> dict[str, Doc]:
    return by_topic(_at.cards(doc, as_of=as_of))


@pytest.mark.parametrize("name", sorted(p.stem for p in _DIR.glob("*.json")))
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)
    for entry in doc["context"].get("draftOrders", {}).get("entry", []):
        get_fhir_model_class("MedicationRequest").model_validate(entry["resource"])


# --- finding 1: the lithium level request stays in the summary --------------------------------


def test_lithium_pair_with_no_level_and_a_second_pair_keeps_the_level_request() -> None:
    card = _cards(_chart("lithium_ibuprofen_started_3_days_ago_no_level_pv"))[INTERACTION]
    assert card["summary"] == (
        "Lithium with ibuprofen: raises lithium levels (toxicity risk); lithium level 5-7 days "
        "after 2026-11-28; also ibuprofen + venlafaxine"
    )
    assert "no lithium level" in card["detail"]


# --- finding 2: a look-alike beside the same test read under LOINC -----------------------------


def test_a_newer_loinc_sodium_makes_the_older_local_one_no_data_quality_card() -> None:
    cards = _cards(_chart("sodium140_loinc_newer_than_local127_78yo_venlafaxine_pv"))
    assert QUALITY not in cards
    assert LOW_SODIUM not in cards  # the newer sodium, 140, is the one judged


def test_the_same_sodium_sent_under_loinc_and_a_local_code_is_one_result() -> None:
    cards = _cards(_chart("sodium127_loinc_and_local_same_draw_78yo_venlafaxine_pv"))
    assert QUALITY not in cards
    assert cards[LOW_SODIUM]["summary"].startswith("Sodium 127 mmol/L on 2026-11-20")
    assert NOT_READ not in cards[LOW_SODIUM]["detail"]  # not "Data not read" beside itself


def test_a_local_code_sodium_newer_than_the_loinc_one_is_still_said() -> None:
    """The safer reading: the card judged the older LOINC value, the newer one was not read."""
    doc = _chart("sodium140_loinc_newer_than_local127_78yo_venlafaxine_pv")
    for entry in doc["prefetch"]["labs"]["entry"]:
        resource = entry["resource"]
        if resource["code"].get("text") == "Sodium":
            resource["effectiveDateTime"] = "2026-11-27T08:10:00-05:00"
            resource["issued"] = "2026-11-27T11:00:00-05:00"
    # Since labs71 (finding 3) the newer local-coded 127 mmol/L is compared, "under a local
    # code", and named not read beside it.
    card = _cards(doc)[LOW_SODIUM]
    assert card["summary"].startswith("Sodium 127 mmol/L on 2026-11-27 under a local code")
    assert NOT_READ in card["detail"]


def test_same_day_another_value_is_still_said() -> None:
    doc = _chart("sodium127_loinc_and_local_same_draw_78yo_venlafaxine_pv")
    for entry in doc["prefetch"]["labs"]["entry"]:
        resource = entry["resource"]
        if resource["code"].get("text") == "Sodium":
            resource["valueQuantity"]["value"] = 124
    cards = _cards(doc)
    # The read 127 is judged; the 124 of the same day is said as not read beside it.
    assert cards[LOW_SODIUM]["summary"].startswith("Sodium 127 mmol/L on 2026-11-20")
    assert NOT_READ in cards[LOW_SODIUM]["detail"]


# --- finding 3: urine sodium is another test ---------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "urine_sodium_loinc2955_text_sodium_78yo_venlafaxine_pv",
        "urine_sodium_local_display_urine_random_78yo_venlafaxine_pv",
    ],
)
def test_a_urine_sodium_is_no_unread_serum_sodium(name: str) -> None:
    assert QUALITY not in _cards(_chart(name))


def test_a_loinc_urine_sodium_without_its_display_is_known_by_its_code() -> None:
    doc = _chart("urine_sodium_loinc2955_text_sodium_78yo_venlafaxine_pv")
    for entry in doc["prefetch"]["labs"]["entry"]:
        for coding in entry["resource"]["code"].get("coding", []):
            if coding.get("code") == "2955-3":
                coding.pop("display")
    assert QUALITY not in _cards(doc)


def test_a_sodium_under_a_loinc_code_the_service_does_not_list_is_still_said() -> None:
    """Any other LOINC code still names its test: a serum sodium under a code missing from
    data/observation_codes.csv is safer said as not read than dropped."""
    resource = {
        "resourceType": "Observation",
        "code": {"coding": [{"system": "http://loinc.org", "code": "0000-0"}], "text": "Sodium"},
    }
    assert lab_named(resource) == "sodium"


# --- findings 4 and 5: names -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "test"),
    [
        ("QTcF", "qtc"),
        ("QTcB", "qtc"),
        ("EGFR T790M", None),
        ("EGFR L858R", None),
        ("EGFR exon 19 deletion (del19)", None),
        ("eGFR", "egfr"),
        ("Na", None),  # deliberately not a term (data/README.md)
        ("Na+", None),
    ],
)
def test_lookalike_names(text: str, test: str | None) -> None:
    resource = {
        "resourceType": "Observation",
        "code": {
            "coding": [{"system": "urn:oid:1.2.840.114350.1.13.0.1.7.5.737384.99", "code": "1"}],
            "text": text,
        },
    }
    assert lab_named(resource) == test


@pytest.mark.parametrize("name", ["qtcf", "qtcb"])
def test_a_local_code_qtc_beside_running_citalopram_is_said_on_chart_open(name: str) -> None:
    cards = _cards(_chart(f"{name}510_local_code_citalopram40_running_pv"), as_of=date(2025, 6, 2))
    card = cards[QUALITY]
    assert card["summary"] == "1 lab result could not be read: this chart was judged without it"
    assert "named QTc under a code this service does not know" in card["detail"]


# --- finding 11: F50.89 ------------------------------------------------------------------------


def test_other_specified_eating_disorder_gets_the_bupropion_caveat() -> None:
    card = _cards(_chart("eating_disorder_other_specified_f5089_bupropion_select"))[CAUTION]
    assert card["summary"] == (
        "Bupropion: ask whether the eating disorder was anorexia or bulimia (both contraindicate "
        "it) (Other specified eating disorder on record)"
    )


# --- finding 10: a citalopram order above the 500 ms line is critical --------------------------


def _with_qtc(doc: Doc, value: float) -> Doc:
    for entry in doc["prefetch"]["observations"]["entry"]:
        resource = entry["resource"]
        if any(c.get("code") == "8636-3" for c in resource["code"].get("coding", [])):
            resource["valueQuantity"]["value"] = value
    return doc


@pytest.mark.parametrize(
    ("value", "indicator", "summary"),
    [
        (495, "warning", "above 480 ms, close to the 500 ms line where the label says to stop it"),
        (500, "warning", "above 480 ms, close to the 500 ms line where the label says to stop it"),
        (501, "critical", "above 500 ms, where the label says to stop it"),
        (520, "critical", "above 500 ms, where the label says to stop it"),
    ],
)
def test_a_citalopram_order_above_500_ms_is_critical(
    value: float, indicator: str, summary: str
) -> None:
    doc = _with_qtc(_chart("qtc501_68yo_citalopram40_select"), value)
    card = _cards(doc)["order-qtc"]
    assert card["indicator"] == indicator
    assert card["summary"] == f"Citalopram 40 mg/day with QTc {value:g} ms on 2026-11-10: {summary}"


def test_an_escitalopram_order_above_500_ms_is_critical_its_line_unverified() -> None:
    doc = _chart("qtc501_68yo_citalopram40_select")
    for entry in doc["context"]["draftOrders"]["entry"]:
        entry["resource"]["medicationCodeableConcept"] = {
            "coding": [
                {
                    "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                    "code": "351250",
                    "display": "escitalopram 10 MG Oral Tablet",
                }
            ],
            "text": "escitalopram 10 MG Oral Tablet",
        }
    card = _cards(doc)["order-qtc"]
    assert card["indicator"] == "critical"
    assert "this line is not read in its own label (UNVERIFIED)" in card["detail"]
