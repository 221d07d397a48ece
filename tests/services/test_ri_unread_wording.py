"""Review s21 RI findings 4 and 12: the words for data not had.

- Finding 12: with the `labs` key simply not sent, the TSH line said "lab results could not all
  be read". Since session 21 a read that failed (GapCause.NOT_READ) is told apart from a key not
  sent (NOT_PROVIDED): now "not available" for the one and "could not be read" for the other, in
  one rule (services/lab_readings.labs_unread_words) that the TSH line, the eGFR and the order
  lab checks share.
- Finding 4: another patient's records, named on the data-quality card, were "The request held N
  records of another patient" although the FHIR server may have answered with them (a server
  ignoring ?patient=); the Excluded head already said "the data sent or fetched". The card's
  summary and lead now say the same.

Charts: tests/services/ri_wording_charts/ (two_failed_trials_no_tsh_on_record: the
trd_meets_tms fixture; other_patient_records_in_prefetch: review 17's e01), Epic / US Core
shaped, every prefetch key, valid R4B; the test takes out or replaces the `labs` key itself.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services import data_gaps
from services.data_gap_section import EXCLUDED_HEAD, SENT_OR_FETCHED
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
DIAGNOSIS = "diagnosis-review"
QUALITY = "data-quality"
FOLDER = Path(__file__).parent / "ri_wording_charts"
_chart = chart_files.loader(FOLDER)
_at = Evaluator(date(2026, 12, 1))
FAILED_SEARCH = {
    "resourceType": "OperationOutcome",
    "issue": [{"severity": "error", "code": "exception", "diagnostics": "search failed"}],
}


@pytest.mark.parametrize("name", sorted(p.stem for p in FOLDER.glob("*.json")))
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    assert_valid(chart_files.prefetch_resources(doc))
    keys = set(_chart("two_failed_trials_no_tsh_on_record")["prefetch"])
    assert set(doc["prefetch"]) == keys and {"encounters", "labsSI"} <= keys


def _labs(how: str) -> Doc:
    doc = copy.deepcopy(_chart("two_failed_trials_no_tsh_on_record"))
    if how == "not sent":
        del doc["prefetch"]["labs"]
    else:
        doc["prefetch"]["labs"] = FAILED_SEARCH
    return doc


def _tsh_card(doc: Doc) -> Doc:
    return _at.by_topic(doc)[DIAGNOSIS]


def test_labs_not_sent_the_tsh_is_not_known_as_labs_not_available() -> None:
    card = _tsh_card(_labs("not sent"))
    assert card["summary"].startswith("TSH not known (lab results not available) after 2 ")
    assert (
        "**TSH not known:** lab results not available. After 2 adequate trials" in (card["detail"])
    )
    assert "could not" not in card["detail"].split("**Data not read**")[0]


def test_labs_whose_read_failed_could_not_be_read() -> None:
    card = _tsh_card(_labs("failed"))
    assert card["summary"].startswith("TSH not known (lab results could not be read) after 2 ")
    assert "**TSH not known:** lab results could not be read. After 2" in card["detail"]
    assert "Observation could not be read: prefetch key 'labs'" in card["detail"]


def test_with_labs_sent_the_tsh_is_absent_not_unknown() -> None:
    """The chart as sent: no TSH on record, so "No TSH", never "not known"."""
    card = _tsh_card(_chart("two_failed_trials_no_tsh_on_record"))
    assert "No TSH in the last 365 days" in card["detail"]
    assert "TSH not known" not in card["detail"]


def test_another_patients_records_are_said_as_among_the_data_sent_or_fetched() -> None:
    doc = _chart("other_patient_records_in_prefetch")
    cards = _at.by_topic(doc)
    card = cards[QUALITY]
    assert card["summary"] == (
        "2 rating-scale results of another patient among the data sent or fetched: excluded, "
        "never read for this patient"
    )
    assert card["detail"].startswith(
        "The data sent or fetched from the EHR held records of another patient (an interface, "
        "proxy or FHIR server error)."
    )
    assert EXCLUDED_HEAD in card["detail"]
    said = " ".join(c["summary"] + c["detail"] for c in cards.values())
    assert "The request held" not in said


def test_the_card_and_the_excluded_head_use_one_phrase() -> None:
    assert SENT_OR_FETCHED in EXCLUDED_HEAD
    assert data_gaps.EXCLUDED_LEAD.lower().startswith(SENT_OR_FETCHED)
