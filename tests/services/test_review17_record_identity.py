"""Review 17 U1, M6, M7: whose record a resource is, and how what is not read is worded.

- U1 (e04): an active phenelzine order whose `subject` is only an identifier (the Patient's own
  MRN, same system and value) was dropped as "another patient's resource" beside running
  venlafaxine: no MAOI card. A subject identifier matching an identifier of the context Patient
  is the patient's and is read; one matching none is "subject not confirmed as this patient",
  named with its drug on a data-quality card, never "another patient's"; a reference to another
  Patient stays excluded.
- M6 (e02): a Patient with `active: false` and `link.type: replaced-by` (a merge) was not
  mentioned: one line now says the record was merged, naming the link.
- M7 (e01): another patient's resources, rightly excluded, were listed under "Data not read (the
  conclusion may change once it is)": they are worded as excluded, never to be read.

Charts: review 17's CDS Hooks requests (tests/services/review17_charts/, US Core / Epic shaped).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.build import build_record, patient_counts
from fhir_mapping.gaps import (
    ANOTHER_PATIENT,
    PATIENT_INACTIVE,
    PATIENT_REPLACED,
    SUBJECT_UNCONFIRMED,
)
from fhir_mapping.record import DataDomain
from fhir_mapping.request_resources import not_belonging, patient_identifiers
from services import data_gaps
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review17_charts"
Doc = dict[str, Any]
MAOI_COMBINATION = "maoi-combination"
QUALITY = "data-quality"
OPTIMISE = "optimize-switch-augment"
E04_ORDER = "MedicationRequest/8bd4e05d-cc71-51ab-aebe-99daa2841654"
E02_PATIENT = "Patient/fa1f2005-70d7-5fa9-b60b-c9d23cd19619"
OLD_HEAD = "**Data not read** (the conclusion may change once it is)"

_chart = chart_files.loader(CHARTS)
_at = Evaluator(AS_OF)
_evaluate = _at.by_topic_and_record


def _phenelzine_order(doc: Doc) -> Doc:
    for entry in doc["prefetch"]["medicationRequests"]["entry"]:
        if "identifier" in entry["resource"].get("subject", {}):
            found: Doc = entry["resource"]
            return found
    raise AssertionError("no identifier-only order in e04")


# --- U1: a subject given as an identifier ---------------------------------------------------------


def test_an_order_whose_subject_is_the_patients_own_mrn_is_read_and_the_maoi_card_fires() -> None:
    doc = _chart("e04_mr_subject_identifier_only")
    subject = _phenelzine_order(doc)["subject"]
    assert "reference" not in subject
    assert subject["identifier"]["value"] == doc["prefetch"]["patient"]["identifier"][0]["value"]
    cards, record = _evaluate(doc)
    assert cards[MAOI_COMBINATION]["indicator"] == "critical"
    assert "phenelzine" in cards[MAOI_COMBINATION]["summary"].lower()
    assert "phenelzine" in {t.ingredient for t in record.trials}
    assert not record.gaps
    assert not any("another patient" in c["detail"] for c in cards.values())


def test_an_unmatched_subject_identifier_is_named_as_unconfirmed_with_its_drug() -> None:
    doc = _chart("e04_mr_subject_identifier_only")
    _phenelzine_order(doc)["subject"]["identifier"]["value"] = "X9999999"
    cards, record = _evaluate(doc)
    # Not read as this patient's: it may be someone else's ...
    assert MAOI_COMBINATION not in cards
    assert "phenelzine" not in {t.ingredient for t in record.trials}
    [gap] = record.gaps
    assert gap.reason == SUBJECT_UNCONFIRMED
    assert gap.stated == "MAOI phenelzine, active"
    # ... but said on a card of its own whose summary names the drug, not as another patient's.
    quality = cards[QUALITY]
    assert quality["indicator"] == "warning"
    assert quality["summary"] == (
        "An active phenelzine (MAOI) order under another identifier: confirm whose it is (with "
        "venlafaxine running it would be critical)"
    )
    assert f"{E04_ORDER} (MAOI phenelzine, active)" in quality["detail"]
    assert "an MAOI with a serotonergic drug" in quality["detail"]
    assert not any("another patient" in c["detail"] for c in cards.values())
    # Said once: not also in the optimise card's footnote.
    assert E04_ORDER not in cards[OPTIMISE]["detail"]


def test_a_subject_identifier_without_its_system_confirms_nothing() -> None:
    doc = _chart("e04_mr_subject_identifier_only")
    del _phenelzine_order(doc)["subject"]["identifier"]["system"]
    cards, record = _evaluate(doc)
    assert MAOI_COMBINATION not in cards
    assert [g.reason for g in record.gaps] == [SUBJECT_UNCONFIRMED]


def test_a_reference_to_another_patient_stays_excluded_whatever_its_identifier() -> None:
    doc = _chart("e04_mr_subject_identifier_only")
    _phenelzine_order(doc)["subject"]["reference"] = "Patient/someone-else"
    cards, record = _evaluate(doc)
    assert MAOI_COMBINATION not in cards
    assert [g.reason for g in record.gaps] == [ANOTHER_PATIENT]


def test_the_protocol_layer_counts_an_identifier_subject_as_the_patients() -> None:
    doc = _chart("e04_mr_subject_identifier_only")
    patient = doc["prefetch"]["patient"]
    order = _phenelzine_order(doc)
    pid = patient["id"]
    assert patient_identifiers([patient, order], pid) == {
        ("urn:oid:1.2.840.114350.1.13.0.1.7.5.737384.14", "E1785995")
    }
    assert not_belonging(order, pid) == SUBJECT_UNCONFIRMED  # no Patient to match against
    # Only the identifier-only order beside its Patient: the request is not refused as foreign.
    assert patient_counts([patient, order], pid) == (2, 0)  # the Patient and the order


# --- M6: a merged Patient record ------------------------------------------------------------------


def test_a_patient_replaced_by_another_record_is_said_naming_the_link() -> None:
    doc = _chart("e02_patient_link_replaced_by")
    cards, record = _evaluate(doc)
    [gap] = [g for g in record.gaps if g.reason == PATIENT_REPLACED]
    assert gap.domain is DataDomain.MEDICATIONS
    assert gap.stated == "replaced by Patient/merged-survivor-12345; marked inactive"
    assert (
        f"Patient record merged into another: {E02_PATIENT} (replaced by "
        "Patient/merged-survivor-12345; marked inactive): part of the history may be on the "
        "surviving record and was not read here; check it"
    ) in cards[OPTIMISE]["detail"]


def test_a_merged_record_alone_raises_the_data_quality_card() -> None:
    doc = _chart("e02_patient_link_replaced_by")
    record = build_record(
        [doc["prefetch"]["patient"]], as_of=AS_OF, patient_id=doc["context"]["patientId"]
    )
    card = data_gaps._card(record, record.gaps)
    assert card.summary == (
        "This patient record was merged into another: part of the history may be on the "
        "surviving record"
    )


def test_a_patient_without_a_replaced_by_link_gets_no_line() -> None:
    doc = _chart("e02_patient_link_replaced_by")
    doc["prefetch"]["patient"]["link"][0]["type"] = "replaces"  # this record is the survivor
    doc["prefetch"]["patient"]["active"] = True
    _, record = _evaluate(doc)
    assert not record.gaps
    # A survivor marked inactive is an inactive record (review 19 E2: the flag is believed,
    # the link says where the rest may be), never a merged one.
    doc["prefetch"]["patient"]["active"] = False
    _, record = _evaluate(doc)
    assert [(g.reason, g.stated) for g in record.gaps] == [
        (PATIENT_INACTIVE, "linked to Patient/merged-survivor-12345 (replaces)")
    ]


# --- M7: another patient's resources --------------------------------------------------------------


def test_another_patients_resources_are_worded_as_excluded_not_unread() -> None:
    cards, record = _evaluate(_chart("e01_other_patient_in_prefetch"))
    assert {g.reason for g in record.gaps} == {ANOTHER_PATIENT}
    detail = cards[OPTIMISE]["detail"]
    assert OLD_HEAD not in detail
    assert data_gaps.EXCLUDED_HEAD in detail
    assert (
        "- 1 medication record of another patient excluded: "
        "MedicationRequest/57b59014-78a7-5f98-806f-42e264ed26bf"
    ) in detail
    # Said once, by the heading (audit 17 M2: three times on one card).
    assert detail.count("report it to the EHR team") == 1
    assert detail.count("never read for this patient") == 1
    assert "could not be read" not in detail
    tms = cards["tms-referral"]["detail"]
    assert "**Excluded** (another patient's records): listed on the Optimise" in tms
    assert OLD_HEAD not in tms


def test_excluded_and_unread_records_are_said_in_two_blocks() -> None:
    doc = _chart("e01_other_patient_in_prefetch")
    record = build_record(
        chart_files.prefetch_resources(doc),
        as_of=AS_OF,
        patient_id=doc["context"]["patientId"],
        unavailable={"Procedure": "prefetch key 'procedures' was not sent"},
    )
    text = data_gaps.section(record.gaps)
    unread, _, excluded = text.partition(data_gaps.EXCLUDED_HEAD)
    assert unread.startswith(OLD_HEAD)
    assert "Procedures not (fully) available" in unread
    assert "of another patient excluded" in excluded
    assert "another patient" not in unread


def test_only_another_patients_records_raise_a_card_worded_as_excluded() -> None:
    doc = _chart("e01_other_patient_in_prefetch")
    record = build_record(
        chart_files.prefetch_resources(doc), as_of=AS_OF, patient_id=doc["context"]["patientId"]
    )
    card = data_gaps._card(record, record.gaps)
    assert card.summary == (
        "1 medication record and 2 rating-scale results of another patient among the data sent "
        "or fetched: excluded, never read for this patient"
    )
    assert card.detail.startswith(data_gaps.EXCLUDED_LEAD)
    assert OLD_HEAD not in card.detail
