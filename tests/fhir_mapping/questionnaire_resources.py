"""PHQ-9 QuestionnaireResponses shaped exactly like the vendor files in ../shared/fhir/vendor.

Each builder starts from the published file (US Core's and SDC's QuestionnaireResponse, LHC-Forms'
PHQ-9 Questionnaire) and only puts other answers, ids, dates and patients in, so the structure a
test reads is the vendor's own: US Core's "/<LOINC>" linkIds with LOINC answer codings and the
total as valueDecimal; SDC's opaque "H1/T1/Qn" linkIds nested in a group, answer codes without a
system ("Not-at-all", "More than half the days") and the total as valueQuantity {score}; LHC-Forms'
answerOptions (LOINC answer codes without a system, ordinalValue extensions).

`None` as an answer means the item is asked but unanswered (no `answer`), as form tools write it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any

from tests.conftest import require_shared

Resource = dict[str, Any]

# PHQ-9 items 1-9 in questionnaire order (codes.csv, MII PRO IG) and the total.
ITEMS = (
    "44250-9",
    "44255-8",
    "44259-0",
    "44254-1",
    "44251-7",
    "44258-2",
    "44252-5",
    "44253-3",
    "44260-8",
)
TOTAL = "44261-6"
LOINC = "http://loinc.org"
LOINC_ANSWERS = {
    0: ("LA6568-5", "Not at all"),
    1: ("LA6569-3", "Several days"),
    2: ("LA6570-1", "More than half the days"),
    3: ("LA6571-9", "Nearly every day"),
}
# SDC's codes, exactly as its ValueSet VSPHQ9 writes them (two with spaces).
SDC_ANSWERS = {
    0: ("Not-at-all", "Not at all"),
    1: ("Several-days", "Several days"),
    2: ("More than half the days", "More than half the days"),
    3: ("Nearly every day", "Nearly every day"),
}
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
US_CORE_PHQ9 = "http://hl7.org/fhir/us/core/Questionnaire/phq-9-example"
SDC_PHQ9 = "http://hl7.org/fhir/uv/sdc/Questionnaire/questionnaire-sdc-profile-example-PHQ9"

Answers = Sequence[int | None]


@cache
def _vendor_text(path: str) -> str:
    return (require_shared() / "fhir" / "vendor" / path).read_text("utf-8")


def vendor(path: str) -> Resource:
    """A fresh copy of a vendor file (tests may change it)."""
    loaded: Resource = json.loads(_vendor_text(path))
    return loaded


US_CORE_QR = "hl7__US-Core/QuestionnaireResponse-phq-9-example.json"
SDC_QR = "hl7__sdc_phq9/questionnaireresponse-sdc-profile-example-PHQ9.json"
LHC_Q = "lhncbc__lforms-fhir-app_phq9/phq9.json"


def _head(resource: Resource, qid: str, authored: date | None, patient: str, status: str) -> None:
    resource["id"] = qid
    resource["status"] = status
    resource["subject"] = {"reference": f"Patient/{patient}"}
    if authored is None:
        resource.pop("authored", None)
    else:
        resource["authored"] = f"{authored.isoformat()}T14:05:12-05:00"


def us_core(
    answers: Answers,
    total: int | None = None,
    *,
    qid: str = "qr-uscore",
    authored: date | None = date(2024, 5, 28),
    patient: str = "p-001",
    status: str = "completed",
) -> Resource:
    """US Core's PHQ-9 QuestionnaireResponse with these item answers (LOINC answer codings)."""
    qr = vendor(US_CORE_QR)
    _head(qr, qid, authored, patient, status)
    by_code = dict(zip(ITEMS, answers, strict=True))
    for item in qr["item"]:
        code = item["linkId"].lstrip("/")
        if code in by_code:
            value = by_code[code]
            if value is None:
                item.pop("answer")
            else:
                answer, display = LOINC_ANSWERS[value]
                item["answer"] = [
                    {"valueCoding": {"system": LOINC, "code": answer, "display": display}}
                ]
        elif code == TOTAL:
            if total is None:
                item.pop("answer")
            else:
                item["answer"] = [{"valueDecimal": total}]
    return qr


def sdc(
    answers: Answers,
    total: int | None = None,
    *,
    qid: str = "qr-sdc",
    authored: date | None = date(2024, 5, 28),
    patient: str = "p-001",
    status: str = "completed",
    questionnaire: str | None = None,
) -> Resource:
    """SDC's PHQ-9 QuestionnaireResponse: linkIds only, system-less answer codes, nested group."""
    qr = vendor(SDC_QR)
    _head(qr, qid, authored, patient, status)
    if questionnaire is not None:
        qr["questionnaire"] = questionnaire
    (group,) = qr["item"]
    for item in group["item"]:
        if item["linkId"] == "H1/TS":
            if total is None:
                item.pop("answer")
            else:
                item["answer"] = [{"valueQuantity": {"value": total, "unit": "{score}"}}]
            continue
        value = answers[int(item["linkId"].rsplit("Q", 1)[1]) - 1]
        if value is None:
            item.pop("answer")
        else:
            code, display = SDC_ANSWERS[value]
            item["answer"] = [{"valueCoding": {"code": code, "display": display}}]
    return qr


def lhc_forms(
    answers: Answers,
    total: int | None = None,
    *,
    qid: str = "qr-lhc",
    authored: date | None = date(2024, 5, 28),
    patient: str = "p-001",
    status: str = "completed",
    link_ids: Sequence[str] | None = None,
    item_codes: bool = False,
    questionnaire: str = "Questionnaire/44249-1-x",
) -> Resource:
    """The response LHC-Forms writes for its PHQ-9 Questionnaire (phq9.json): each answer is the
    chosen answerOption's valueCoding as the Questionnaire holds it (LOINC answer code without a
    system). `link_ids` replaces the "/<LOINC>" linkIds with opaque ones; `item_codes` copies the
    Questionnaire's item.code into each response item (form tools do; not an R4 element)."""
    questionnaire_resource = vendor(LHC_Q)
    items: list[Resource] = []
    for index, q_item in enumerate(questionnaire_resource["item"]):
        code = q_item["code"][0]["code"]
        link_id = q_item["linkId"] if link_ids is None else link_ids[index]
        item: Resource = {"linkId": link_id, "text": q_item["text"]}
        if item_codes:
            item["code"] = copy.deepcopy(q_item["code"])
        if code in ITEMS:
            value = answers[ITEMS.index(code)]
            if value is not None:
                option = next(
                    o
                    for o in q_item["answerOption"]
                    if any(
                        e["url"] == ORDINAL and e["valueDecimal"] == value
                        for e in o.get("extension", ())
                    )
                )
                item["answer"] = [{"valueCoding": copy.deepcopy(option["valueCoding"])}]
        elif code == TOTAL and total is not None:
            item["answer"] = [{"valueDecimal": total}]
        if code in ITEMS or code == TOTAL:
            items.append(item)
    qr: Resource = {
        "resourceType": "QuestionnaireResponse",
        "meta": {
            "profile": ["http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaireresponse"]
        },
        "questionnaire": questionnaire,
        "status": status,
        "item": items,
    }
    _head(qr, qid, authored, patient, status)
    return qr


def answers_for(total: int, item9: int) -> list[int]:
    """Nine answers summing to `total` with item 9 = `item9` (items 1-8 spread evenly)."""
    rest = total - item9
    base, extra = divmod(rest, 8)
    return [base + 1 if i < extra else base for i in range(8)] + [item9]
