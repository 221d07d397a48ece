"""Review s26 RC finding 1 (Oracle Health shapes): self-harm, a suicide attempt or an overdose in
words only raised no suicide-risk card.

An ED visit (EMER, finished 2026-11-25, reasonCode text "Overdose") after an intentional
sertraline overdose whose encounter diagnosis was coded only by an IMO code ("Intentional drug
overdose") or written only as code.text ("Intentional overdose of sertraline, suicide attempt")
got only the PHQ-9 card; the same chart coded T43.222A got the critical "Self-harm or suicide
attempt ... assess today (C-SSRS)". Now the words are read (fhir_mapping/self_harm_text.py,
data/self_harm_terms.csv, with text_negation.py) and the same critical card says "text only:
confirm". An overdose whose intent is not recorded ("Overdose") asks to assess without claiming
an attempt; an accidental one ("Accidental overdose of insulin") raises nothing, as its
accidental T-code does not.

Charts: tests/services/self_harm_text_charts/ (the RC review's c1, c2, c2b, c3; Oracle shaped,
every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"
Doc = dict[str, Any]

_chart = chart_files.loader(Path(__file__).parent / "self_harm_text_charts")
_by_topic = Evaluator(AS_OF).by_topic


def _entries(doc: Doc, key: str) -> list[Doc]:
    entries: list[Doc] = doc["prefetch"][key]["entry"]
    return entries


def _ed_diagnosis(doc: Doc) -> Doc:
    for entry in _entries(doc, "conditions"):
        resource: Doc = entry["resource"]
        if resource["category"][0]["coding"][0]["code"] == "encounter-diagnosis":
            return resource
    raise AssertionError("no encounter diagnosis")


def _encounter(doc: Doc) -> Doc:
    resource: Doc = _entries(doc, "encounters")[0]["resource"]
    return resource


def _worded(text: str, *, reason: str | None = None) -> Doc:
    """The free-text chart with its diagnosis (and the visit's reason) written as given."""
    doc = _chart("oracle_ed_overdose_free_text_dx")
    _ed_diagnosis(doc)["code"] = {"text": text}
    _encounter(doc)["reasonCode"] = [{"text": reason if reason is not None else text}]
    return doc


def _reason_only(doc: Doc, reason: str) -> Doc:
    """`doc` with no encounter diagnosis and the visit's reason as text only."""
    diagnosis = _ed_diagnosis(doc)
    conditions = doc["prefetch"]["conditions"]
    conditions["entry"] = [e for e in conditions["entry"] if e["resource"] is not diagnosis]
    conditions["total"] = len(conditions["entry"])
    _encounter(doc)["reasonCode"] = [{"text": reason}]
    return doc


def test_coded_chart_unchanged() -> None:
    card = _by_topic(_chart("oracle_ed_overdose_coded_t43222a"))[RISK]
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Self-harm or suicide attempt (T43.222A) at the ED visit on 2026-11-25: higher suicide "
        "risk, assess today (C-SSRS) and plan safety"
    )
    assert "text only" not in card["detail"]
    assert "Recent self-harm or a suicide attempt is on record" in card["detail"]


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("oracle_ed_overdose_imo_code_only", "Intentional drug overdose"),
        ("oracle_ed_overdose_free_text_dx", "Intentional overdose of sertraline, suicide attempt"),
    ],
)
def test_diagnosis_in_words_only_raises_the_critical_card(name: str, written: str) -> None:
    card = _by_topic(_chart(name)).get(RISK)
    assert card is not None, "an ED visit after a suicide attempt in words only said nothing"
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Self-harm or suicide attempt (diagnosis text only: confirm) at the ED visit on "
        "2026-11-25: higher suicide risk, assess today"
    )
    detail = card["detail"]
    assert (
        f"- {written} (diagnosis text only, no mapped code: confirm), encounter diagnosis of the "
        "ED visit on 2026-11-25: not yet assessed"
    ) in detail
    assert "recorded in text only (no mapped code): confirm with the patient" in detail
    # The intentional overdose of the running drug: the supply line, as for T43.222A.
    assert "an intentional overdose is on record (in text only on 2026-11-25)" in detail
    assert "sertraline is running" in detail


def test_resolved_encounter_diagnosis_in_words_still_counts() -> None:
    # An ED encounter diagnosis is resolved once the visit closes: the visit ended, not the risk
    # (as the self-harm code rows count when resolved).
    doc = _worded("Intentional overdose of sertraline, suicide attempt", reason="")
    _encounter(doc).pop("reasonCode")
    _ed_diagnosis(doc)["clinicalStatus"] = {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                "code": "resolved",
            }
        ]
    }
    card = _by_topic(doc)[RISK]
    assert card["indicator"] == "critical"
    assert "(diagnosis text only: confirm)" in card["summary"]


@pytest.mark.parametrize(
    "text",
    [
        "denies suicide attempt",
        "No self-harm",
        "History negative for overdose",
        "Family history of suicide attempt",
    ],
)
def test_negated_words_raise_nothing(text: str) -> None:
    assert RISK not in _by_topic(_worded(text))


def test_accidental_overdose_of_insulin_is_not_read_as_self_harm() -> None:
    # Decision: the record states the intent and it is not self-harm (NICE CG133 excludes
    # accidental harm to oneself); the accidental T-codes (6th character 1) are not read either.
    cards = _by_topic(_worded("Accidental overdose of insulin"))
    assert RISK not in cards


def test_overdose_of_unrecorded_intent_asks_without_claiming_an_attempt() -> None:
    # Decision: "Overdose" alone (the ED's reason) does not say whether it was intentional;
    # asking costs a question, missing an attempt a life. The card asks to confirm and assess,
    # never says "suicide attempt" or "intentional overdose" of it.
    doc = _reason_only(_chart("oracle_ed_overdose_free_text_dx"), "Overdose")
    card = _by_topic(doc)[RISK]
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Overdose, intent not recorded (visit reason text only: confirm) at the ED visit on "
        "2026-11-25: assess suicide risk today"
    )
    assert "an intentional overdose is on record" not in card["detail"]
    assert "whether it was intentional" in card["detail"]


def test_in_progress_ed_visit_reason_in_words_only() -> None:
    # Oracle's in-progress ED visit (class v2-0004 "E"), reasonCode text only, no diagnosis yet:
    # read as a finished visit's reason is, and named an ED visit.
    doc = _reason_only(_chart("oracle_ed_in_progress_v2_class"), "Intentional overdose")
    assert _encounter(doc)["status"] == "in-progress"
    card = _by_topic(doc)[RISK]
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Self-harm or suicide attempt (visit reason text only: confirm) at the ED visit on "
        "2026-11-25: higher suicide risk, assess today"
    )
    assert "reason for the ED visit on 2026-11-25" in card["detail"]


def test_in_progress_coded_chart_named_an_ed_visit() -> None:
    # v2-0004 "E" is an ED visit (HL7 v2 Table 0004), as v3 EMER is.
    card = _by_topic(_chart("oracle_ed_in_progress_v2_class"))[RISK]
    assert card["summary"].startswith(
        "Self-harm or suicide attempt (T43.222A) at the ED visit on 2026-11-25: "
    )
