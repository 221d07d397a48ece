"""Review 15 recheck: drafts beside an MAOI, a Medication named only by its text, and one drug
drafted in two release formulations.

- W-b (d02): phenelzine 15 mg three times daily running; a draft whose `medicationReference`
  resolves to nothing. The unidentified-draft card was a generic warning that never named the
  MAOI. It now names it and is critical: an unknown drug drafted beside an MAOI may be the
  antidepressant, opioid or stimulant it must not meet. d05 (escitalopram running, no MAOI) keeps
  the warning.
- W-a (d03): the probe's Medication was sent with no `code` at all (its builder dropped a display
  given without an RxNorm code), so "the referenced Medication has no drug code or name" was
  true; with phenelzine running that draft now gets the critical MAOI-named card above. d03b is
  the chart the probe meant: the Medication's only name is `code.text` "sertraline 50 mg tablet",
  read as the draft's own text is: the critical MAOI card. The same Medication as a contained
  resource, and behind a running order on the chart, are read the same way.
- f01: bupropion XL 450 mg + SR 150 mg twice daily drafted together (750 mg/day) said only
  "above the usual maximum" where a second bupropion product at 510 mg/day said "seizure risk;
  do not combine". Two release formulations now get the second product's wording.

Charts: tests/services/recheck15_charts/ (the recheck's CDS Hooks requests, US Core / Epic shaped;
d03b is d03 with the Medication's `code` the probe meant to send).
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.offline import evaluate_document
from fhir_mapping.record import PatientRecord
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "recheck15_charts"
Doc = dict[str, Any]
MAOI = "order-maoi-interaction"
QUALITY = "data-quality"
ABOVE = "order-dose-above-range"

_chart = chart_files.loader(CHARTS)


def _evaluate(doc: Doc, hook: str | None = None) -> tuple[list[Doc], PatientRecord]:
    result = evaluate_document(doc, hook=hook or doc["hook"], as_of=AS_OF, policy=Policy())
    cards: list[Doc] = result.response.to_json()["cards"]
    return cards, result.evaluation.record


def _draft(doc: Doc) -> Doc:
    draft: Doc = doc["context"]["draftOrders"]["entry"][0]["resource"]
    return draft


def _prefetched_medication(doc: Doc) -> Doc:
    return next(
        e["resource"]
        for e in doc["prefetch"]["medicationRequests"]["entry"]
        if e["resource"]["resourceType"] == "Medication"
    )


@pytest.mark.parametrize(
    "name",
    [
        "d02_unidentified_draft_beside_maoi",
        "d03_medication_text_only_in_prefetch",
        "d03b_medication_code_text_only",
        "d05_unidentified_draft_no_antidepressant",
        "f01_sign_bupropion_xl450_plus_sr150",
    ],
)
def test_the_charts_are_valid_r4_and_carry_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    assert "encounters" in doc["prefetch"]
    for resource in chart_files.prefetch_resources(doc):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    for entry in doc["context"]["draftOrders"]["entry"]:
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])


# --- W-b: an unidentified draft beside a running MAOI -------------------------------------------


def test_an_unidentified_draft_beside_a_running_maoi_names_it_and_is_critical() -> None:
    cards, _ = _evaluate(_chart("d02_unidentified_draft_beside_maoi"))
    found = by_topic(cards)
    assert list(found) == [QUALITY]
    card = found[QUALITY]
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Phenelzine (MAOI) is running (since 2025-01-06): an antidepressant drafted now could be contraindicated; "
        "identify the drug before signing"
    )
    detail = card["detail"]
    # The MAOI's own record, what it must not meet, and the draft with why it was not read.
    # Named by its start, not its resource id (review 19 b01s).
    assert "- Phenelzine (MAOI) is running (since " in detail
    assert "is running (MedicationRequest/" not in detail
    assert "serotonergic opioids (tramadol, meperidine" in detail
    assert "sympathomimetic stimulants (" in detail
    assert (
        "medication reference not read: offline evaluation does not fetch from a FHIR server"
        in detail
    )
    assert "MedicationRequest/ae2613e4-dcc6-5962-913a-314117636f72" in detail


def test_an_unidentified_draft_with_no_maoi_on_record_keeps_the_warning() -> None:
    cards, _ = _evaluate(_chart("d05_unidentified_draft_no_antidepressant"))
    card = by_topic(cards)[QUALITY]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Drafted order MedicationRequest/")
    assert "MAOI is on record" not in card["detail"]


def test_an_maoi_stopped_within_its_washout_is_named_with_its_end() -> None:
    """Phenelzine stopped, its last fill (2025-05-06, 20 days' supply) ending 2025-05-25: within
    the 14 days an antidepressant needs after it (CPS 2023 Table 5), so the unknown draft is still
    critical, and the card says until when; the end is the last fill's supply, no recorded stop
    day, so "supply ran out" (fix maoi56, as washout_state.stop_said words it)."""
    doc = _chart("d02_unidentified_draft_beside_maoi")
    (order,) = [
        e["resource"]
        for e in doc["prefetch"]["medicationRequests"]["entry"]
        if e["resource"]["resourceType"] == "MedicationRequest"
    ]
    order["status"] = "stopped"
    last = doc["prefetch"]["medicationDispenses"]["entry"][-1]["resource"]
    assert last["whenHandedOver"].startswith("2025-05-06")
    last["daysSupply"]["value"] = 20
    last["quantity"]["value"] = 60
    cards, record = _evaluate(doc)
    (trial,) = record.trials
    assert not trial.ongoing
    ago = (AS_OF - trial.end).days
    until = trial.end.toordinal() + 14
    card = by_topic(cards)[QUALITY]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith(
        f"Phenelzine (MAOI) supply ran out {ago} days ago (14-day washout, until "
        f"{date.fromordinal(until).isoformat()})"
    )


# --- W-a: a Medication named only by its text -------------------------------------------------


def test_the_probe_medication_has_no_name_and_its_draft_now_names_the_maoi() -> None:
    doc = _chart("d03_medication_text_only_in_prefetch")
    assert "code" not in _prefetched_medication(doc)
    cards, _ = _evaluate(doc)
    card = by_topic(cards)[QUALITY]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Phenelzine (MAOI) is running")
    assert "the referenced Medication has no drug code or name" in card["detail"]


def _assert_sertraline_maoi_card(doc: Doc) -> None:
    cards, record = _evaluate(doc)
    found = by_topic(cards)
    assert list(found) == [MAOI]
    assert found[MAOI]["indicator"] == "critical"
    assert found[MAOI]["summary"].startswith("Sertraline ordered while phenelzine (MAOI)")
    assert [(d.ingredient, d.mg_per_day) for d in record.draft_orders] == [("sertraline", 50.0)]


def test_a_referenced_medication_named_only_by_code_text_is_read() -> None:
    doc = _chart("d03b_medication_code_text_only")
    assert _prefetched_medication(doc)["code"] == {"text": "sertraline 50 mg tablet"}
    _assert_sertraline_maoi_card(doc)


@pytest.mark.parametrize(
    "code",
    [
        # Epic's local medication id with its display, no RxNorm code.
        {
            "coding": [
                {
                    "system": "urn:oid:1.2.840.114350.1.13.0.1.7.2.698288",
                    "code": "27446",
                    "display": "SERTRALINE 50 MG PO TABS",
                }
            ]
        },
        {"coding": [{"display": "sertraline 50 mg tablet"}]},
    ],
)
def test_a_referenced_medication_named_only_by_a_coding_display_is_read(code: Doc) -> None:
    doc = _chart("d03b_medication_code_text_only")
    _prefetched_medication(doc)["code"] = code
    _assert_sertraline_maoi_card(doc)


def test_a_contained_medication_named_only_by_code_text_is_read() -> None:
    doc = _chart("d03b_medication_code_text_only")
    medication = _prefetched_medication(doc)
    entries = doc["prefetch"]["medicationRequests"]["entry"]
    doc["prefetch"]["medicationRequests"]["entry"] = [
        e for e in entries if e["resource"] is not medication
    ]
    draft = _draft(doc)
    draft["contained"] = [
        {"resourceType": "Medication", "id": "med1", "code": {"text": "sertraline 50 mg tablet"}}
    ]
    draft["medicationReference"] = {"reference": "#med1"}
    get_fhir_model_class("MedicationRequest").model_validate(draft)
    _assert_sertraline_maoi_card(doc)


def test_on_the_chart_a_running_order_of_a_text_only_medication_is_a_course() -> None:
    """The chart path: the same Medication behind an active order in the prefetch is read as a
    running sertraline course, and at chart open the MAOI combination card names both."""
    doc = _chart("d03b_medication_code_text_only")
    order = copy.deepcopy(_draft(doc))
    order["status"] = "active"
    order["authoredOn"] = "2025-05-01T09:30:00-05:00"
    doc["prefetch"]["medicationRequests"]["entry"].append(
        {"fullUrl": f"MedicationRequest/{order['id']}", "resource": order}
    )
    doc["hook"] = "patient-view"
    doc["context"] = {"userId": doc["context"]["userId"], "patientId": doc["context"]["patientId"]}
    cards, record = _evaluate(doc)
    running = {t.ingredient for t in record.trials if t.ongoing}
    assert running == {"phenelzine", "sertraline"}
    combo = by_topic(cards)["maoi-combination"]
    assert combo["indicator"] == "critical"
    assert "sertraline" in combo["summary"].lower()
    assert "phenelzine" in combo["summary"].lower()


# --- f01: one drug drafted in two release formulations ----------------------------------------


def test_bupropion_xl_and_sr_drafted_above_the_maximum_say_do_not_combine() -> None:
    cards, record = _evaluate(_chart("f01_sign_bupropion_xl450_plus_sr150"))
    assert sorted(d.formulation or "" for d in record.draft_orders) == [
        "bupropion-sr",
        "bupropion-xl",
    ]
    card = by_topic(cards)[ABOVE]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Bupropion XL and SR drafted together: 750 mg/day total, above 450; seizure risk; "
        "do not combine"
    )
    detail = card["detail"]
    assert "450 + 300 = 750 mg/day" in detail
    assert "seizure risk rises with the total daily dose" in detail
    assert "Use one bupropion product: keep one of the orders" in detail


def test_two_drafts_of_one_release_formulation_keep_its_ceiling_card() -> None:
    """Control: bupropion SR 150 mg once daily + SR 150 mg twice daily (450 mg/day) is one
    product made of two orders: the SR ceiling card (400 mg/day, dose-related seizure risk)."""
    doc = _chart("f01_sign_bupropion_xl450_plus_sr150")
    first = _draft(doc)
    second = doc["context"]["draftOrders"]["entry"][1]["resource"]
    first["medicationCodeableConcept"] = copy.deepcopy(second["medicationCodeableConcept"])
    first["dosageInstruction"][0]["text"] = "Take 1 tablet (150 mg) by mouth every morning"
    cards, _ = _evaluate(doc)
    card = by_topic(cards)[ABOVE]
    assert "do not combine" not in card["summary"]
    assert "SR maximum of 400 mg/day" in card["summary"]
