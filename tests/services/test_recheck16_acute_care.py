"""Recheck of review 16: acute care and suicide risk (U-b, W-a, W-c, the 2023 overdose).

- U-b (c02, c02b, c02c): an ED visit for suicidal ideation 10 days ago, recorded as a resolved
  encounter diagnosis (R45.851), an active one, or only the Encounter's reasonCode. It raised no
  card (resolved, reason only) or called the entry "on the problem list" (active). Now each
  raises the suicide-risk card naming the ED visit, and the adjunct one-clicks are held.
- W-a (c01): a pneumonia admission (reasonCode J18.9) with F33.2 as a secondary encounter
  diagnosis was "a psychiatric admission (F33.2)". Now only the reason, a principal diagnosis
  (rank 1, diagnosis-role AD / DD / CC) or a psychiatric unit make a stay psychiatric; c03 and
  c06 (reason F33.2; unit words only) keep their card.
- W-c (c04): a psychiatric admission in progress was not read. Now the pathway cards hold their
  outpatient one-clicks under a line naming the stay; no card of its own.
- c07: an intentional overdose in 2023 (T43.222A, an ED encounter diagnosis) makes no card by
  itself (a lifetime risk factor is nothing to act on today); when the suicide-risk card speaks
  it is named under "Risk factors" with the visit.

Charts: the recheck's CDS Hooks requests (tests/services/recheck16_charts/, US Core / Epic
shaped).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.admissions import read_admission
from fhir_mapping.record import FindingKind, PatientRecord
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import labels
from tests.services.item9_answers import answered

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "recheck16_charts"
Doc = dict[str, Any]
SUICIDE = "suicide-risk"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
ED_CONDITION = "Condition/a7ac2a83-b554-53e3-8b27-1a44b0f7e3e6"
ED_ENCOUNTER = "Encounter/1cda8377-23af-5440-990f-89c720ec7a9c"

_chart = chart_files.loader(CHARTS)


def _evaluate(doc: Doc, as_of: date = AS_OF) -> tuple[dict[str, Doc], PatientRecord]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=as_of, policy=Policy())
    cards: list[Doc] = result.response.to_json()["cards"]
    return {c["source"]["topic"]["code"]: c for c in cards}, result.evaluation.record


def _entries(doc: Doc, key: str) -> list[Doc]:
    entries: list[Doc] = doc["prefetch"][key]["entry"]
    return entries


def _resource(doc: Doc, key: str, reference: str) -> Doc:
    kind, rid = reference.split("/")
    for entry in _entries(doc, key):
        resource: Doc = entry["resource"]
        if resource["resourceType"] == kind and resource["id"] == rid:
            return resource
    raise KeyError(reference)


# --- U-b: an ED visit for suicidal ideation ---------------------------------------------------


def test_a_resolved_ed_encounter_diagnosis_of_suicidal_ideation_raises_the_card() -> None:
    doc = _chart("c02_ed_visit_suicidal_ideation_r45851")
    condition = _resource(doc, "conditions", ED_CONDITION)
    assert condition["clinicalStatus"]["coding"][0]["code"] == "resolved"
    cards, record = _evaluate(doc)
    card = cards[SUICIDE]
    assert card["indicator"] == "critical"
    assert "ED visit on 2025-05-23" in card["summary"]
    assert "problem list" not in card["summary"] + card["detail"]
    assert (
        "Suicidal ideations (ICD-10-CM R45.851), encounter diagnosis of the ED visit on "
        "2025-05-23: not yet assessed"
    ) in card["detail"]
    # One visit, one line: the Encounter's reasonCode R45.851 is the same finding.
    assert len(record.context.of(FindingKind.SUICIDAL_IDEATION)) == 1
    # The adjuncts wait for the assessment, as with any acute signal.
    assert not any("adjunctive" in label for label in labels(cards[OPTIMISE]))
    assert cards[OPTIMISE]["summary"].endswith(
        ": suicide risk assessment first, then augment or switch class"
    )


def test_an_active_ed_encounter_diagnosis_is_not_called_a_problem_list_entry() -> None:
    cards, _ = _evaluate(_chart("c02b_ed_si_encounter_dx_active"))
    card = cards[SUICIDE]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Suicidal ideations at the ED visit on 2025-05-23:")
    assert "problem list" not in card["summary"] + card["detail"]


def test_an_ed_visit_with_suicidal_ideation_only_as_its_reason_raises_the_card() -> None:
    doc = _chart("c02c_ed_si_reason_code_only")
    assert not any(
        e["resource"]["code"]["coding"][0]["code"] == "R45.851" for e in _entries(doc, "conditions")
    )
    cards, _ = _evaluate(doc)
    card = cards[SUICIDE]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Suicidal ideations at the ED visit on 2025-05-23:")
    assert (
        "Suicidal ideations (ICD-10-CM R45.851), reason for the ED visit on 2025-05-23: "
        "not yet assessed"
    ) in card["detail"]
    assert ED_ENCOUNTER not in card["detail"]  # named by its day (cards.record_cite)


def test_an_ed_visit_for_suicidal_ideation_past_the_window_is_no_current_signal() -> None:
    # 2025-05-23 + 91 days: past policy.suicide_condition_recent_days (90).
    cards, _ = _evaluate(_chart("c02_ed_visit_suicidal_ideation_r45851"), date(2025, 8, 22))
    assert SUICIDE not in cards


def test_an_entered_in_error_ed_diagnosis_and_a_cancelled_visit_raise_nothing() -> None:
    doc = _chart("c02_ed_visit_suicidal_ideation_r45851")
    condition = _resource(doc, "conditions", ED_CONDITION)
    condition["verificationStatus"]["coding"][0]["code"] = "entered-in-error"
    _resource(doc, "encounters", ED_ENCOUNTER)["status"] = "cancelled"
    cards, record = _evaluate(doc)
    assert SUICIDE not in cards
    assert not record.context.of(FindingKind.SUICIDAL_IDEATION)


# --- W-a: a medical stay with a depression secondary diagnosis --------------------------------


def test_a_pneumonia_admission_with_a_secondary_f33_is_not_a_psychiatric_admission() -> None:
    cards, record = _evaluate(_chart("c01_medical_admission_f32_secondary"))
    assert record.admissions == ()
    assert SUICIDE not in cards
    assert "psychiatric admission" not in " ".join(c["summary"] for c in cards.values())


def _stay(doc: Doc) -> tuple[Doc, list[Doc]]:
    stays = [
        e["resource"]
        for e in _entries(doc, "encounters")
        if e["resource"]["class"]["code"] == "IMP"
    ]
    conditions = [e["resource"] for e in _entries(doc, "conditions")]
    return stays[0], conditions


@pytest.mark.parametrize(
    "diagnosis",
    [
        {"rank": 1},
        {
            "use": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/diagnosis-role",
                        "code": "DD",
                        "display": "Discharge diagnosis",
                    }
                ]
            }
        },
    ],
    ids=["rank-1", "discharge-diagnosis"],
)
def test_a_principal_psychiatric_diagnosis_makes_the_stay_psychiatric(diagnosis: Doc) -> None:
    stay, conditions = _stay(_chart("c01_medical_admission_f32_secondary"))
    f33 = next(
        c
        for c in conditions
        if c["code"]["coding"][0]["code"] == "F33.2"
        and c.get("encounter", {}).get("reference") == f"Encounter/{stay['id']}"
    )
    stay["diagnosis"] = [{"condition": {"reference": f"Condition/{f33['id']}"}, **diagnosis}]
    found = read_admission(stay, conditions, as_of=AS_OF)
    assert found is not None and found.code == "F33.2"


def test_a_comorbidity_diagnosis_does_not_make_the_stay_psychiatric() -> None:
    stay, conditions = _stay(_chart("c01_medical_admission_f32_secondary"))
    f33 = next(
        c
        for c in conditions
        if c["code"]["coding"][0]["code"] == "F33.2"
        and c.get("encounter", {}).get("reference") == f"Encounter/{stay['id']}"
    )
    stay["diagnosis"] = [
        {
            "condition": {"reference": f"Condition/{f33['id']}"},
            "use": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/diagnosis-role",
                        "code": "CM",
                        "display": "Comorbidity diagnosis",
                    }
                ]
            },
            "rank": 2,
        }
    ]
    assert read_admission(stay, conditions, as_of=AS_OF) is None


@pytest.mark.parametrize(
    "name", ["c03_admission_ending_today", "c06_psych_unit_text_only_no_reason"]
)
def test_psychiatric_stays_keep_the_post_discharge_card(name: str) -> None:
    cards, record = _evaluate(_chart(name))
    assert len(record.admissions) == 1
    assert "after a psychiatric admission" in cards[SUICIDE]["summary"]


# --- W-c: a psychiatric admission in progress -------------------------------------------------


def test_an_admission_in_progress_holds_the_outpatient_one_clicks_and_names_the_stay() -> None:
    cards, record = _evaluate(_chart("c04_admission_in_progress"))
    assert [s.start for s in record.current_stays] == [date(2025, 5, 26)]
    assert record.admissions == ()  # no discharge: no post-discharge card
    assert SUICIDE not in cards
    line = "**Currently admitted (psychiatric) since 2025-05-26** (ICD-10-CM F33.2"
    # In full on the first held card, a pointer on the next (audit 17 M4).
    assert cards[OPTIMISE]["detail"].startswith(line)
    assert cards[TMS]["detail"].startswith("**Currently admitted** (named on the Optimise")
    for topic in (OPTIMISE, TMS):
        assert labels(cards[topic]) == [], topic
    assert cards[OPTIMISE]["summary"].endswith(
        ": ask the inpatient team (stay in progress) first, then augment or switch class"
    )


def test_a_stay_discharged_since_holds_nothing() -> None:
    # Item 9 answered: unrecorded, it comes first and the referral waits for it (review s26 RN
    # finding 6), which is not what this test is about.
    doc = answered(_chart("c04_admission_in_progress"))
    stay, _ = _stay(doc)
    stay["status"] = "finished"
    stay["period"]["end"] = "2025-06-01T12:00:00-05:00"
    cards, record = _evaluate(doc)
    assert record.current_stays == ()
    assert "Currently admitted" not in " ".join(c["detail"] for c in cards.values())
    assert "after a psychiatric admission" in cards[SUICIDE]["summary"]
    # The ward's hold is gone; what holds now is the discharge's own "assess today" (review s26
    # RK2 finding 2, services/suicide_today.py): no TMS card until the assessment is recorded.
    assert TMS not in cards


# --- the intentional overdose of 2023 ---------------------------------------------------------


def test_a_past_intentional_overdose_alone_makes_no_card() -> None:
    cards, record = _evaluate(_chart("c07_old_intentional_overdose_2023"))
    assert SUICIDE not in cards
    (past,) = record.context.of(FindingKind.SELF_HARM)
    assert (past.recorded, past.visit) == ("encounter diagnosis", "ED visit on 2023-03-01")


def test_a_past_intentional_overdose_is_named_as_a_risk_factor_when_the_card_speaks() -> None:
    doc = _chart("c07_old_intentional_overdose_2023")
    observations = _entries(doc, "observations")
    item9 = next(e for e in observations if e["resource"]["code"]["coding"][0]["code"] == "44260-8")
    positive = {
        "fullUrl": item9["fullUrl"].replace(item9["resource"]["id"], "item9-positive"),
        "resource": {
            **item9["resource"],
            "id": "item9-positive",
            "effectiveDateTime": "2025-05-12T09:30:00-05:00",
            "valueInteger": 1,
        },
        "search": {"mode": "match"},
    }
    observations.append(positive)
    cards, _ = _evaluate(doc)
    detail = cards[SUICIDE]["detail"]
    risk = detail.split("**Risk factors:**")[1]
    assert "T43.222A" in risk
    assert "encounter diagnosis of the ED visit on 2023-03-01" in risk
    assert "past self-harm (history): a risk factor" in risk
