"""Review 16 W4 and M8: a recent psychiatric admission, and the running supply after an overdose.

- W4 (e03): an inpatient stay (Encounter class IMP, 28 Apr - 9 May 2025, reasonCode F33.2, an
  encounter-diagnosis Condition pointing back at it) was not read at all. The first 3 months
  after a psychiatric discharge carry the highest suicide risk (Chung 2017): the suicide-risk
  card names the discharge and, with nothing else raising it, fires with a same-day assessment,
  critical since review s26 RN finding 5 (it was a warning: the same "assess today" as a
  positive item 9, services/data/suicide_urgency.csv); once an assessment follows the discharge it is information (patient-view only).
- M8 (e01): after an intentional SSRI overdose (T43.222A, 13 days ago) the critical card did not
  ask to limit the quantity of the running antidepressant (venlafaxine) supplied at a time.

Charts: the review's CDS Hooks requests (US Core / Epic-shaped prefetch) in
tests/services/review16_charts/.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.findings import Finding
from fhir_mapping.record import FindingKind
from services.policy import Policy
from services.rules import suicide_risk_overdose
from tests.fixtures import builders as b
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
HERE = Path(__file__).parent
_chart = chart_files.loader(HERE / "review16_charts")
SUICIDE = "suicide-risk"
OPTIMISE = "optimize-switch-augment"
ADMISSION = "Encounter/311b7267-ce31-5232-a36f-4834faaaa4e8"
Doc = dict[str, Any]


def _cards(doc: Doc, *, hook: str | None = None, as_of: date = AS_OF) -> list[Doc]:
    result = evaluate_document(doc, hook=hook or doc["hook"], as_of=as_of, policy=Policy())
    cards: list[Doc] = result.response.to_json()["cards"]
    return cards


def _by_topic(doc: Doc, **kw: Any) -> dict[str, Doc]:
    return {c["source"]["topic"]["code"]: c for c in _cards(doc, **kw)}


def _add(doc: Doc, key: str, resource: Doc) -> None:
    bundle = doc["prefetch"][key]
    entries = bundle.setdefault("entry", [])
    entries.append(
        {
            "fullUrl": f"https://ehr.example.org/fhir/R4/{resource['resourceType']}/{resource['id']}",
            "resource": resource,
            "search": {"mode": "match"},
        }
    )
    bundle["total"] = len(entries)


def _resource(doc: Doc, key: str, rid: str) -> Doc:
    entries = doc["prefetch"][key]["entry"]
    found: Doc = next(e["resource"] for e in entries if e["resource"]["id"] == rid)
    return found


def _order_select(doc: Doc) -> Doc:
    """The chart at order-select, drafting the running venlafaxine order again."""
    running = next(
        e["resource"]
        for e in doc["prefetch"]["medicationRequests"]["entry"]
        if "venlafaxine" in e["resource"]["medicationCodeableConcept"]["text"].lower()
        and e["resource"]["status"] == "active"
    )
    draft = copy.deepcopy(running)
    draft.update(id="w4-draft", status="draft", authoredOn="2025-06-02T09:30:00-05:00")
    doc["hook"] = "order-select"
    doc["context"]["selections"] = ["MedicationRequest/w4-draft"]
    doc["context"]["draftOrders"] = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": draft}],
    }
    return doc


# --- W4: a psychiatric discharge 24 days ago ---------------------------------------------------


def test_recent_psychiatric_discharge_makes_a_critical_suicide_risk_card_first() -> None:
    cards = _cards(_chart("e03_inpatient_admission_last_month"))
    first = cards[0]
    assert first["source"]["topic"]["code"] == SUICIDE
    assert first["indicator"] == "critical"  # review s26 RN finding 5 (was warning)
    summary = first["summary"]
    assert summary.startswith("Discharged 2025-05-09 after a psychiatric admission (F33.2)")
    assert "assess today" in summary
    assert len(summary) <= 140
    detail = first["detail"]
    assert (
        "**Recent psychiatric discharge:** Psychiatric inpatient stay 2025-04-28 to 2025-05-09"
        in (detail)
    )
    assert "ICD-10-CM F33.2" in detail and ADMISSION not in detail  # named by its dates
    assert "Chung et al., JAMA Psychiatry 2017" in detail
    assert "until 2025-08-07" in detail  # 90 days after discharge
    # ECT after a hospitalised episode (CANMAT para 215) is named once: on the "Not TMS now"
    # line, now that the unassessed discharge holds TMS (review s26 RK2 finding 2).
    assert "**Not TMS now:**" in detail and detail.count("para 215") == 1
    assert "after a hospitalised episode it lowers suicide risk" in detail
    (suggestion,) = first["suggestions"]
    request = suggestion["actions"][0]["resource"]
    assert request["resourceType"] == "ServiceRequest"
    assert request["priority"] == "asap"
    assert request["reasonReference"] == [{"reference": ADMISSION}]


def test_discharge_card_also_at_order_select() -> None:
    # A draft of the running antidepressant: the order hook sees the same unassessed period.
    doc = _order_select(_chart("e03_inpatient_admission_last_month"))
    card = _by_topic(doc)[SUICIDE]
    assert card["indicator"] == "critical"
    # venlafaxine is in the overdose table: the order hooks' quantity line comes too.
    assert (
        "**Quantity on this order:** venlafaxine is an SNRI whose case fatality" in card["detail"]
    )


def test_assessment_after_discharge_lowers_it_to_information_at_patient_view_only() -> None:
    doc = _chart("e03_inpatient_admission_last_month")
    patient = doc["context"]["patientId"]
    done = b.procedure(
        b.SNOMED,
        "225337009",
        "Suicide risk assessment (procedure)",
        date(2025, 5, 12),
        patient=patient,
        id="w4-risk-assessment",
    )
    _add(doc, "procedures", done)
    card = _by_topic(doc)[SUICIDE]
    assert card["indicator"] == "info"
    assert "suicide risk assessed 2025-05-12" in card["summary"]
    assert not card.get("suggestions")
    assert SUICIDE not in _by_topic(_order_select(doc))


def test_assessment_before_discharge_does_not_count() -> None:
    doc = _chart("e03_inpatient_admission_last_month")
    patient = doc["context"]["patientId"]
    _add(
        doc,
        "procedures",
        b.procedure(
            b.SNOMED,
            "225337009",
            "Suicide risk assessment (procedure)",
            date(2025, 5, 1),  # during the stay
            patient=patient,
            id="w4-risk-assessment-inpatient",
        ),
    )
    assert _by_topic(doc)[SUICIDE]["indicator"] == "critical"


def test_discharge_older_than_the_window_makes_no_card() -> None:
    doc = _chart("e03_inpatient_admission_last_month")
    # 2025-05-09 + 91 days: past the default 90-day post-discharge period.
    assert SUICIDE not in _by_topic(doc, as_of=date(2025, 8, 8))


def test_inpatient_stay_that_is_not_psychiatric_makes_no_card() -> None:
    doc = _chart("e03_inpatient_admission_last_month")
    stay = _resource(doc, "encounters", ADMISSION.split("/")[1])
    stay["reasonCode"] = [
        {
            "coding": [
                {
                    "system": "http://hl7.org/fhir/sid/icd-10-cm",
                    "code": "J18.9",
                    "display": "Pneumonia, unspecified organism",
                }
            ],
            "text": "Pneumonia, unspecified organism",
        }
    ]
    # ... and the F33.2 encounter diagnosis no longer points at it.
    for entry in doc["prefetch"]["conditions"]["entry"]:
        if entry["resource"].get("encounter", {}).get("reference") == ADMISSION:
            del entry["resource"]["encounter"]
    assert SUICIDE not in _by_topic(doc)


def test_encounter_diagnosis_alone_makes_the_stay_psychiatric() -> None:
    """Epic sends the diagnosis as a Condition (category encounter-diagnosis) whose `encounter`
    points at the stay, often with no reasonCode."""
    doc = _chart("e03_inpatient_admission_last_month")
    stay = _resource(doc, "encounters", ADMISSION.split("/")[1])
    del stay["reasonCode"]
    card = _by_topic(doc)[SUICIDE]
    assert card["summary"].startswith("Discharged 2025-05-09 after a psychiatric admission (F33.2)")


def test_discharge_beside_a_current_overdose_is_a_section_of_the_critical_card() -> None:
    doc = _chart("e01_ed_overdose_t43222a_encounter_dx")
    patient = doc["context"]["patientId"]
    stay = b.encounter(
        date(2025, 5, 21),
        "32485007",
        "Hospital admission (procedure)",
        patient=patient,
        class_code="IMP",
        minutes=5 * 24 * 60,
        reason=(
            b.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
        ),
        id="w4-stay-after-overdose",
    )
    _add(doc, "encounters", stay)
    card = _by_topic(doc)[SUICIDE]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Self-harm or suicide attempt (T43.222A)")
    detail = card["detail"]
    assert "**Recent psychiatric discharge:**" in detail
    # ECT is named once: by the acute-risk line, not again by the discharge section.
    assert "**ECT after a hospitalised episode:**" not in detail
    assert detail.count("para 215") == 1


# --- M8: the running supply after an intentional overdose --------------------------------------


def test_overdose_card_asks_to_limit_the_running_antidepressant_supply() -> None:
    card = _by_topic(_chart("e01_ed_overdose_t43222a_encounter_dx"))[SUICIDE]
    assert card["indicator"] == "critical"
    line = next(x for x in card["detail"].split("\n") if x.startswith("**Quantity supplied:**"))
    assert "intentional overdose is on record (ICD-10-CM T43.222A on 2025-05-20)" in line
    assert "venlafaxine is running" in line
    assert "an SNRI whose case fatality in overdose is above the SSRIs'" in line
    assert "limit the quantity supplied at a time" in line


def test_no_supply_line_without_a_running_drug() -> None:
    doc = _chart("e01_ed_overdose_t43222a_encounter_dx")
    for key in ("medicationRequests", "medicationStatements", "medicationDispenses"):
        bundle = doc["prefetch"].get(key)
        if isinstance(bundle, dict):
            bundle["entry"] = []
            bundle["total"] = 0
    card = _by_topic(doc)[SUICIDE]
    assert "**Quantity supplied:**" not in card["detail"]


@pytest.mark.parametrize(
    ("system", "code", "overdose"),
    [
        ("http://hl7.org/fhir/sid/icd-10-cm", "T43.222A", True),  # SSRI, intentional
        ("http://hl7.org/fhir/sid/icd-10-cm", "T42.4X2A", True),  # benzodiazepines
        ("http://hl7.org/fhir/sid/icd-10-cm", "T50.902A", True),
        ("http://hl7.org/fhir/sid/icd-10-cm", "T43.221A", False),  # accidental
        ("http://hl7.org/fhir/sid/icd-10-cm", "T58.02XA", False),  # carbon monoxide: no drug
        ("http://hl7.org/fhir/sid/icd-10-cm", "T14.91XA", False),  # suicide attempt, no means
        ("http://hl7.org/fhir/sid/icd-10-cm", "X78.9XXA", False),  # sharp object
        ("http://snomed.info/sct", "86849004", True),  # suicidal poisoning
        ("http://snomed.info/sct", "287185009", False),  # cut/stab
    ],
)
def test_which_self_harm_codes_are_an_overdose(system: str, code: str, overdose: bool) -> None:
    finding = Finding(FindingKind.SELF_HARM, code, system, "self-harm", date(2025, 5, 20))
    assert suicide_risk_overdose.is_overdose(finding) is overdose


def test_post_discharge_window_is_policy() -> None:
    doc = _chart("e03_inpatient_admission_last_month")
    short = Policy(suicide_post_discharge_days=20)  # discharged 24 days before as-of
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=short)
    topics = {c["source"]["topic"]["code"] for c in result.response.to_json()["cards"]}
    assert SUICIDE not in topics
