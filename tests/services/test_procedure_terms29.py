"""Review s29 RK findings 1-5: procedure TERMS and the referral / refusal reading.

1. A work-up or consult named in words (a local code) was read as a session: "Pre-ECT
   anesthesia evaluation" made an ECT course of one session (Maudsley "ECT 1", the cards held
   for its outcome), "TMS consultation" an "earlier course stopped after 1 session", and "ECT
   consultation - patient declined ECT" an ECT session. Work-up words are no session
   (fhir_mapping/data/procedure_workup_terms.csv), refusal words a refusal (ECT_DECLINED, as a
   not-done Procedure is); the TMS motor threshold and mapping stay the course's first session
   (CPT 90867 bundles them with the first treatment).
2. "CBT session" under a local code was not psychotherapy: the CBT/IPT card and unmet TMS
   criteria. "cbt" and the spelled-out names of other therapies are procedure_terms.csv rows;
   "CBT-I" is CBT for insomnia, not a course for depression.
3. Esketamine Procedures coded HCPCS S0013 (to 2025-12-31) or J0013 (from 2026-01-01) were not read.
4. An ECT referral `completed` with no Procedure left ECT offered as untried with nothing said.
5. A TMS Procedure not-done that the patient refused went unsaid on the TMS card.

Charts: tests/services/procedure_terms29_charts/ (RK's review charts, trd_meets_tms shifted,
as patient-view requests with every prefetch key), as of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.procedures_devices import procedure_facts
from fhir_mapping.record import FindingKind
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
CHARTS = Path(__file__).parent / "procedure_terms29_charts"
_chart = chart_files.loader(CHARTS)
NAMES = [
    "pre_ect_anesthesia_evaluation",
    "ect_consult_patient_declined",
    "tms_consultation_only",
    "tms_consult_motor_threshold",
    "cbt_local_code",
    "esketamine_s0013_procedures",
    "ect_referral_completed_no_session",
    "tms_not_done_refused",
]


def _cards(doc: Doc) -> list[Doc]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    cards: list[Doc] = result.response.to_json()["cards"]
    return cards


def _topic(cards: list[Doc], topic: str) -> Doc:
    (card,) = [c for c in cards if c["source"]["topic"]["code"] == topic]
    return card


def _text(cards: list[Doc]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in cards)


def _procedure(doc: Doc, rid: str) -> Doc:
    (found,) = [r for r in chart_files.prefetch_resources(doc) if r.get("id") == rid]
    return found


def _set_display(doc: Doc, rid: str, display: str) -> None:
    for r in chart_files.prefetch_resources(doc):
        if r.get("id") == rid or (rid.endswith("*") and str(r.get("id", "")).startswith(rid[:-1])):
            r["code"]["coding"][0]["display"] = display


@pytest.mark.parametrize("name", NAMES)
def test_the_charts_are_requests_as_an_ehr_sends_them(name: str) -> None:
    chart_files.check_chart(_chart(name))


# --- 1. work-up and refusal words ---------------------------------------------------------------


@pytest.mark.parametrize("display", ["Pre-ECT anesthesia evaluation", "ECT evaluation"])
def test_an_ect_work_up_is_no_ect_session(display: str) -> None:
    doc = _chart("pre_ect_anesthesia_evaluation")
    _set_display(doc, "preect", display)
    records, findings = procedure_facts(_procedure(doc, "preect"), as_of=AS_OF)
    assert records == () and findings == ()
    text = _text(_cards(doc))
    # Before: "record the ECT course's outcome (a PHQ-9) first", Maudsley "ECT 1 (used)".
    assert "ECT course" not in text
    assert "ECT 0 (not used)" in text
    assert "ECT 1" not in text


def test_an_ect_consult_the_patient_declined_is_a_refusal() -> None:
    doc = _chart("ect_consult_patient_declined")
    records, findings = procedure_facts(_procedure(doc, "ectcons"), as_of=AS_OF)
    assert records == ()
    assert [(f.kind, f.display, f.onset) for f in findings] == [
        (FindingKind.ECT_DECLINED, "ECT consultation - patient declined ECT", date(2026, 11, 10))
    ]
    optimise = _topic(_cards(doc), "optimize-switch-augment")
    # Before: ECT read as a session, so not offered, and nothing said of the refusal.
    assert (
        'ECT (declined, "ECT consultation - patient declined ECT", recorded 2026-11-10: '
        "revisit with the patient;" in optimise["detail"]
    )


def test_a_tms_consultation_is_no_course() -> None:
    doc = _chart("tms_consultation_only")
    records, _ = procedure_facts(_procedure(doc, "tmsc"), as_of=AS_OF)
    assert records == ()
    tms = _topic(_cards(doc), "tms-referral")
    # Before: "consider TMS referral (earlier course 2026-11 stopped after 1 session)".
    assert "stopped after" not in tms["summary"] + tms["detail"], tms["summary"]


def test_motor_threshold_mapping_is_the_first_session_of_a_course() -> None:
    """CPT 90867 'initial, including cortical mapping, motor threshold determination, delivery and
    management': the mapping is the first treatment, even named beside a consultation."""
    doc = _chart("tms_consult_motor_threshold")
    records, _ = procedure_facts(_procedure(doc, "tmsmap"), as_of=AS_OF)
    assert [r.kind.value for r in records] == ["tms"]
    tms = _topic(_cards(doc), "tms-referral")
    assert "stopped after 1 session" in tms["summary"]


def test_a_coded_session_is_read_by_its_code_whatever_its_display() -> None:
    doc = _chart("tms_consultation_only")
    resource = _procedure(doc, "tmsc")
    resource["code"]["coding"] = [
        {"system": "http://www.ama-assn.org/go/cpt", "code": "90868", "display": "TMS consult"}
    ]
    records, _ = procedure_facts(resource, as_of=AS_OF)
    assert [r.kind.value for r in records] == ["tms"]


# --- 2. CBT under a local code -------------------------------------------------------------------


def test_cbt_sessions_under_a_local_code_are_psychotherapy() -> None:
    cards = _cards(_chart("cbt_local_code"))
    topics = [c["source"]["topic"]["code"] for c in cards]
    text = _text(cards)
    # Before: "no psychotherapy procedure, visit or referral on record: consider CBT or IPT", and
    # the TMS card "payer criteria not yet met (... a psychotherapy trial)".
    assert "consider CBT or IPT" not in text
    assert "payer criteria not yet met" not in _topic(cards, "tms-referral")["summary"]
    assert "psychotherapy" not in topics


def test_cbt_for_insomnia_is_no_course_of_therapy_for_depression() -> None:
    doc = _chart("cbt_local_code")
    _set_display(doc, "cbt*", "CBT-I session")
    cards = _cards(doc)
    text = _text(cards)
    assert "CBT for insomnia treats the insomnia, not the depression." in text
    assert "consider a CBT or IPT referral" in text


@pytest.mark.parametrize("display", ["DBT screening mammogram", "ACT level"])
def test_abbreviations_with_other_meanings_are_not_read(display: str) -> None:
    doc = _chart("cbt_local_code")
    resource = _procedure(doc, "cbt0")
    resource["code"]["coding"][0]["display"] = display
    records, _ = procedure_facts(resource, as_of=AS_OF)
    assert records == ()


# --- 3. esketamine as HCPCS S0013 / J0013 --------------------------------------------------------


@pytest.mark.parametrize("code", ["S0013", "J0013"])
def test_esketamine_drug_codes_are_sessions(code: str) -> None:
    doc = _chart("esketamine_s0013_procedures")
    for r in chart_files.prefetch_resources(doc):
        if str(r.get("id", "")).startswith("esk"):
            r["code"]["coding"][0]["code"] = code
    optimise = _topic(_cards(doc), "optimize-switch-augment")
    # Before: esketamine offered beyond medication as untried, augmentation 0.
    assert (
        "**Esketamine in this episode:** running since 2026-10-05 (12 sessions so far)"
        in (optimise["detail"])
    )


# --- 4. a completed ECT referral with no session -------------------------------------------------


def test_a_completed_ect_referral_with_no_session_is_said() -> None:
    optimise = _topic(
        _cards(_chart("ect_referral_completed_no_session")), "optimize-switch-augment"
    )
    assert (
        "ECT (an earlier ECT referral was completed (2026-09-01); no sessions or outcome on "
        "record: ask the ECT service;" in optimise["detail"]
    )


# --- 5. TMS refused -------------------------------------------------------------------------------


def test_a_tms_refusal_is_named_on_the_tms_card() -> None:
    doc = _chart("tms_not_done_refused")
    _, findings = procedure_facts(_procedure(doc, "tmsnd"), as_of=AS_OF)
    assert [f.kind for f in findings] == [FindingKind.TMS_DECLINED]
    tms = _topic(_cards(doc), "tms-referral")
    assert (
        '**TMS declined:** the patient declined TMS, "Procedure refused", recorded 2026-10-10: '
        "ask before referring." in tms["detail"]
    )


def test_a_tms_session_after_the_refusal_silences_it() -> None:
    doc = _chart("tms_not_done_refused")
    session = {
        "resourceType": "Procedure",
        "id": "tms-after",
        "status": "completed",
        "subject": _procedure(doc, "tmsnd")["subject"],
        "code": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "90867"}]},
        "performedDateTime": "2026-10-20",
    }
    doc["prefetch"]["procedures"]["entry"].append({"resource": session})
    assert "TMS declined" not in _text(_cards(doc))


def test_a_session_named_with_evaluation_and_management_is_still_read() -> None:
    """CPT 90833's words under a local code: "evaluation and management" names the visit the
    psychotherapy was added to, not a work-up."""
    doc = _chart("cbt_local_code")
    resource = _procedure(doc, "cbt0")
    resource["code"]["coding"][0]["display"] = (
        "Psychotherapy, 30 minutes with patient when performed with an evaluation and "
        "management service"
    )
    records, _ = procedure_facts(resource, as_of=AS_OF)
    assert [r.kind.value for r in records] == ["psychotherapy"]
    resource["code"]["coding"][0]["display"] = "Psychotherapy evaluation"
    records, _ = procedure_facts(resource, as_of=AS_OF)
    assert records == ()
