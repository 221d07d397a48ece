"""A site's local codes read as the standard codes they map to (fhir_mapping/site_codes.py).

Epic files flowsheet rows (the PHQ-9 total and item 9 among them) under a local code only
(../shared/fhir/vendor/README.md, trap 8): `urn:oid:1.2.840.114350.1.13.0.1.7.2.707679|3049`.
The row ids here are examples; each Epic site has its own.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from fhir_mapping.build import build_record
from fhir_mapping.code_systems import LOINC, RXNORM
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import PatientRecord
from fhir_mapping.site_codes import LocalCode, QuestionnaireLink, SiteCodes
from tests.fhir_mapping.fhir_resources import PATIENT, assert_valid, patient, subject

AS_OF = date(2025, 6, 2)
FLOWSHEET = "urn:oid:1.2.840.114350.1.13.0.1.7.2.707679"  # Epic flowsheet rows (example site)
ERX = "urn:oid:1.2.840.114350.1.13.0.1.7.2.698288"  # Epic medication records (example site)
Resource = dict[str, Any]

SITE = SiteCodes(
    local_codes=(
        LocalCode(FLOWSHEET, "3049", LOINC, "44261-6", "PHQ-9 total"),
        LocalCode(FLOWSHEET, "3048", LOINC, "44260-8", "PHQ-9 item 9"),
        LocalCode(ERX, "70784", RXNORM, "312941", "sertraline 50 mg tablet"),
    ),
    questionnaire_links=(
        QuestionnaireLink("https://forms.example.org/Questionnaire/phq9-local", "q9", "44260-8"),
    ),
)


def flowsheet_row(oid: str, row: str, name: str, day: date, value: str) -> Resource:
    """An Epic flowsheet Observation: the row's local code only, the value as a string."""
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": FLOWSHEET, "code": row, "display": name}], "text": name},
        "subject": {"reference": f"Patient/{PATIENT}", "display": "Doe, Jane"},
        "effectiveDateTime": f"{day.isoformat()}T15:02:00Z",
        "issued": f"{day.isoformat()}T15:05:00Z",
        "valueString": value,
    }


def epic_phq9(day: date, total: str, item9: str) -> list[Resource]:
    return [
        flowsheet_row("flo-total", "3049", "PHQ-9 Total Score", day, total),
        flowsheet_row("flo-q9", "3048", "PHQ-9 Q9 Thoughts of self-harm", day, item9),
    ]


def local_sertraline_order() -> Resource:
    """An order naming the drug by a local medication code only (no RxNorm, no display)."""
    return {
        "resourceType": "MedicationRequest",
        "id": "mr-local",
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": {"coding": [{"system": ERX, "code": "70784"}]},
        "subject": subject(),
        "authoredOn": "2025-03-03",
        "dosageInstruction": [
            {
                "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                "doseAndRate": [{"doseQuantity": {"value": 1}}],
            }
        ],
    }


def _record(resources: list[Resource], site: SiteCodes | None) -> PatientRecord:
    assert_valid(resources)
    policy = MappingPolicy(site_codes=site) if site is not None else MappingPolicy()
    return build_record([patient(), *resources], as_of=AS_OF, patient_id=PATIENT, policy=policy)


def test_epic_flowsheet_phq9_is_read_with_the_site_map() -> None:
    (score,) = _record(epic_phq9(date(2025, 5, 30), "14", "2"), SITE).phq9()
    assert (score.value, score.item9, score.date) == (14, 2, date(2025, 5, 30))


def test_epic_flowsheet_phq9_is_not_read_without_the_site_map() -> None:
    """No total and no answer is read; the item-9 row is an answer not read (its words name item
    9: fhir_mapping/screen_lookalike.py, review s22 RS finding 2), so the suicide-risk rule
    still sees it."""
    (item9,) = _record(epic_phq9(date(2025, 5, 30), "14", "2"), None).phq9()
    assert (item9.value, item9.item9) == (None, None)
    assert item9.item9_unread is not None


def test_a_local_drug_code_reads_as_its_rxnorm_product() -> None:
    (trial,) = _record([local_sertraline_order()], SITE).antidepressant_trials()
    assert trial.ingredient == "sertraline"
    assert [s.mg_per_day for s in trial.segments] == [50.0]
    assert _record([local_sertraline_order()], None).antidepressant_trials() == ()


def test_the_callers_resources_are_not_changed() -> None:
    resources = [*epic_phq9(date(2025, 5, 30), "14", "2"), local_sertraline_order()]
    before = copy.deepcopy(resources)
    _record(resources, SITE)
    assert resources == before


def test_a_resource_without_local_codes_is_returned_as_it_is() -> None:
    observation = flowsheet_row("flo-bp", "5", "BP", date(2025, 5, 30), "120/80")
    assert SITE.with_standard_codes(observation) is observation


def test_the_standard_coding_is_added_beside_the_local_one() -> None:
    row = flowsheet_row("flo-total", "3049", "PHQ-9 Total Score", date(2025, 5, 30), "14")
    seen = SITE.with_standard_codes(row)
    assert seen["code"]["coding"] == [
        {"system": FLOWSHEET, "code": "3049", "display": "PHQ-9 Total Score"},
        {"system": LOINC, "code": "44261-6", "display": "PHQ-9 Total Score"},
    ]
    assert seen["subject"] is row["subject"]  # copied only along the path that changes


def test_components_and_contained_medications_are_mapped() -> None:
    panel = {
        "resourceType": "Observation",
        "component": [
            {"code": {"coding": [{"system": FLOWSHEET, "code": "3048"}]}, "valueInteger": 1}
        ],
    }
    order = {
        "resourceType": "MedicationRequest",
        "contained": [
            {
                "resourceType": "Medication",
                "id": "m",
                "code": {"coding": [{"system": ERX, "code": "70784"}]},
            }
        ],
    }
    component = SITE.with_standard_codes(panel)["component"][0]
    assert {"system": LOINC, "code": "44260-8"} in component["code"]["coding"]
    medication = SITE.with_standard_codes(order)["contained"][0]
    assert {"system": RXNORM, "code": "312941"} in medication["code"]["coding"]


def test_a_standard_coding_already_present_is_not_repeated() -> None:
    row = flowsheet_row("flo-total", "3049", "PHQ-9 Total Score", date(2025, 5, 30), "14")
    row["code"]["coding"].append({"system": "https://loinc.org/", "code": "44261-6"})
    assert SITE.with_standard_codes(row) is row


def test_local_systems_match_under_other_spellings_of_a_known_system() -> None:
    # A site that maps NDC codes: the EHR may send the NDC OID instead of the URI configured.
    site = SiteCodes((LocalCode("http://hl7.org/fhir/sid/ndc", "16729-0214-01", RXNORM, "312941"),))
    concept = {"coding": [{"system": "urn:oid:2.16.840.1.113883.6.69", "code": "16729-0214-01"}]}
    seen = site.with_standard_codes({"resourceType": "Medication", "code": concept})
    assert {"system": RXNORM, "code": "312941"} in seen["code"]["coding"]


def test_questionnaire_items_of_the_site() -> None:
    url = "https://forms.example.org/Questionnaire/phq9-local"
    assert SITE.questionnaire_items == {(url, "q9"): "44260-8"}
    assert SITE.questionnaire_item(url + "|2.1", "q9") == "44260-8"
    assert SITE.questionnaire_item(url, "q8") is None


def test_site_codes_are_values() -> None:
    again = SiteCodes(SITE.local_codes, SITE.questionnaire_links)
    assert again == SITE and hash(again) == hash(SITE)
    assert not SiteCodes() and SITE
    assert prefetch_pairs() == ((FLOWSHEET, "3049"), (FLOWSHEET, "3048"))


def prefetch_pairs() -> tuple[tuple[str, str], ...]:
    return SITE.local_codes_for([(LOINC, "44261-6"), (LOINC, "44260-8"), (LOINC, "3016-3")])
