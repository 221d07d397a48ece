"""Review 15 U1 and U3: aneurysms, AVMs and intracerebral haemorrhage against esketamine; aneurysm
clips against TMS.

- U1 (f07): TRD with I67.1 "Cerebral aneurysm, nonruptured" on the problem list: esketamine is
  not offered under "Beyond medication" and the card names it as contraindicated with the
  finding's code, date and SPRAVATO label 4. (f08): esketamine drafted at order-select: a
  critical order-drug-contraindicated card naming the condition, its date and the label section;
  the same for a history of intracerebral haemorrhage (I69.1x, SNOMED 274100004) and an AVM
  (Q28.2); none once the condition is gone (control).
- U3 (f05, f05b, f05c): an aneurysm clip recorded as a SNOMED Procedure "Clipping of aneurysm of
  cerebral artery", as problem-list text "S/p clipping of left MCA aneurysm (2012)" on Z98.890,
  or as ICD-10-PCS 03LG0CZ: no TMS card, and the optimise card's "Why no TMS referral" names the
  clip with its code, date and resource.

Charts: review 15's CDS Hooks requests (US Core / Epic-shaped prefetch: ICD-10-CM problem-list
Conditions, RxNorm MedicationRequests, LOINC PHQ-9 Observations, CPT and SNOMED Procedures; the
esketamine draft named by text only, as Epic sends a drug with no RxNorm code), copied to
tests/services/review15_charts/; the variants edit them in place.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping import tms_safety
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review15_charts"
OPTIMISE = "optimize-switch-augment"
CONTRAINDICATED = "order-drug-contraindicated"
TMS = "tms-referral"
Doc = dict[str, Any]

_chart = chart_files.loader(CHARTS)
_resources = chart_files.prefetch_resources
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"


_at = Evaluator(AS_OF)
_cards = _at.cards
_by_topic = _at.by_topic


def _aneurysm(doc: Doc) -> Doc:
    return next(
        r
        for r in _resources(doc)
        if r["resourceType"] == "Condition"
        and any(c.get("code") == "I67.1" for c in r["code"].get("coding", []))
    )


def _recode(doc: Doc, system: str, code: str, display: str) -> None:
    condition = _aneurysm(doc)
    condition["code"] = {"coding": [{"system": system, "code": code, "display": display}]}
    condition["code"]["text"] = display


def _beyond_line(card: Doc) -> str:
    return next(line for line in card["detail"].split("\n") if "**Beyond medication**" in line)


# --- U1: esketamine with a cerebral aneurysm --------------------------------------------------


def test_esketamine_not_offered_with_a_cerebral_aneurysm() -> None:
    card = _by_topic(_chart("f07_trd_cerebral_aneurysm_esketamine"))[OPTIMISE]
    assert "esketamine" not in _beyond_line(card)
    assert "ECT" in _beyond_line(card)  # the rest of the pathway is still named
    line = next(x for x in card["detail"].split("\n") if x.startswith("**Not offered"))
    assert "esketamine nasal spray" in line
    assert "Cerebral aneurysm, nonruptured (ICD-10-CM I67.1, since 2023-04-01)" in line
    assert "SPRAVATO label 4" in line


def test_esketamine_offered_without_one() -> None:
    doc = _chart("f07_trd_cerebral_aneurysm_esketamine")
    aneurysm = _aneurysm(doc)
    for bundle in doc["prefetch"].values():
        if isinstance(bundle, dict) and bundle.get("resourceType") == "Bundle":
            bundle["entry"] = [e for e in bundle.get("entry", []) if e["resource"] is not aneurysm]
    card = _by_topic(doc)[OPTIMISE]
    assert "esketamine nasal spray" in _beyond_line(card)
    assert "Not offered" not in card["detail"]


def test_esketamine_draft_with_a_cerebral_aneurysm_is_critical() -> None:
    card = _by_topic(_chart("f08_esketamine_draft_cerebral_aneurysm"))[CONTRAINDICATED]
    assert card["indicator"] == "critical"
    assert "Cerebral aneurysm, nonruptured" in card["summary"]
    assert "I67.1, since 2023-04-01" in card["detail"]
    assert "SPRAVATO label 4" in card["detail"]
    assert "SPRAVATO label 4" in card["source"]["label"]


@pytest.mark.parametrize(
    ("system", "code", "display"),
    [
        (
            ICD10CM,
            "I69.159",
            "Hemiplegia and hemiparesis following nontraumatic intracerebral hemorrhage "
            "affecting unspecified side",
        ),
        ("http://snomed.info/sct", "274100004", "Intracerebral hemorrhage"),
        (ICD10CM, "Q28.2", "Arteriovenous malformation of cerebral vessels"),
        (ICD10CM, "I71.40", "Abdominal aortic aneurysm, without rupture, unspecified"),
    ],
)
def test_esketamine_draft_with_other_label_contraindications(
    system: str, code: str, display: str
) -> None:
    doc = _chart("f08_esketamine_draft_cerebral_aneurysm")
    _recode(doc, system, code, display)
    card = _by_topic(doc)[CONTRAINDICATED]
    assert card["indicator"] == "critical"
    assert f"{code}, since 2023-04-01" in card["detail"]
    assert "SPRAVATO label 4" in card["detail"]


def test_esketamine_draft_without_one_gets_no_contraindication() -> None:
    doc = _chart("f08_esketamine_draft_cerebral_aneurysm")
    _recode(doc, ICD10CM, "I10", "Essential (primary) hypertension")
    assert CONTRAINDICATED not in _by_topic(doc)


# --- U3: aneurysm clips against TMS -----------------------------------------------------------


@pytest.mark.parametrize(
    ("chart", "named"),
    [
        (
            "f05_aneurysm_clip_procedure",
            "contraindication: Clipping of aneurysm of cerebral artery (SNOMED CT 48016001, "
            "2012-06-01)",
        ),
        (
            "f05b_aneurysm_clip_problem_text",
            "contraindication: S/p clipping of left MCA aneurysm (2012) (ICD-10-CM Z98.890, "
            "2012-06-01)",
        ),
        (
            "f05c_aneurysm_clip_procedure_icd9_text",
            "contraindication: Occlusion of Intracranial Artery with Extraluminal Device, Open "
            "Approach (ICD-10-PCS 03LG0CZ, 2012-06-01)",
        ),
    ],
)
def test_aneurysm_clip_rules_tms_out(chart: str, named: str) -> None:
    cards = _by_topic(_chart(chart))
    assert TMS not in cards
    assert named in cards[OPTIMISE]["detail"]


@pytest.mark.parametrize(
    "text",
    [
        "S/p clipping of left MCA aneurysm (2012)",
        "Clipping of aneurysm of cerebral artery",
        "aneurysm clip",
        "Right PCOM aneurysm coiling 2019",
    ],
)
def test_clip_and_aneurysm_in_either_order(text: str) -> None:
    rows = tms_safety.text_rows(text, "condition")
    assert [r.severity for r in rows][:1] == [tms_safety.Severity.ABSOLUTE]


@pytest.mark.parametrize(
    "text",
    [
        "Cerebral aneurysm. Clip of the nail bed 2019",  # another clause
        "No clipping of aneurysm",  # negated
        "Aneurysm, unruptured; clipping not done",
    ],
)
def test_clip_and_aneurysm_apart_or_negated(text: str) -> None:
    rows = tms_safety.text_rows(text, "condition")
    assert tms_safety.Severity.ABSOLUTE not in [r.severity for r in rows]
