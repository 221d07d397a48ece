"""Review s21 RD finding 1: a cochlear implant or a brain/nerve stimulator recorded only as a
CPT-coded Procedure (the common Epic shape: the code, often no display) was not read by the TMS
safety screen, so the TMS referral card and its one-click were offered. CPT 69930 (cochlear),
61863/61864/61867/61868 (DBS), 61850/61860 (cortical), 61885/61886 (cranial neurostimulator
generator), 64568/64569 (VNS) and HCPCS L8614 (cochlear device) are now `absolute` rows of
fhir_mapping/data/tms_safety_codes.csv, "cochlear device*" a term (the CPT wording), and ICD-10-CM
Z96.89 (functional implant, type not coded) a caution that keeps the card and asks.

Charts: tests/services/rd21_populations_charts/ (US Core shaped, every prefetch key).
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
AS_OF = date(2026, 12, 1)
TMS = "tms-referral"
OPTIMISE = "optimize-switch-augment"
CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"

_chart = chart_files.loader(Path(__file__).parent / "rd21_populations_charts")
_at = Evaluator(AS_OF)


def _device_procedure(doc: Doc) -> Doc:
    """The chart's one Procedure that is not a psychotherapy session."""
    found = [
        e["resource"]
        for e in doc["prefetch"]["procedures"]["entry"]
        if not any(c.get("code") == "90837" for c in e["resource"]["code"]["coding"])
    ]
    assert len(found) == 1
    resource: Doc = found[0]
    return resource


def _with_code(system: str, code: str, display: str | None = None) -> Doc:
    doc = _chart("cochlear_cpt69930_no_display_pv")
    coding: Doc = {"system": system, "code": code}
    if display:
        coding["display"] = display
    _device_procedure(doc)["code"] = {"coding": [coding]}
    return doc


def _topics(doc: Doc) -> dict[str, Doc]:
    return _at.by_topic(doc, as_of=AS_OF)


def test_control_without_a_device_offers_tms() -> None:
    cards = _topics(_chart("base_no_device_pv"))
    assert "consider TMS referral" in cards[TMS]["summary"]


@pytest.mark.parametrize(
    "name, shown",
    [
        ("cochlear_cpt69930_no_display_pv", "CPT 69930"),
        ("cochlear_cpt69930_display_pv", "Cochlear device implantation"),
        ("dbs_cpt61867_no_display_pv", "CPT 61867"),
    ],
)
def test_chart_device_procedure_blocks_tms(name: str, shown: str) -> None:
    cards = _topics(_chart(name))
    assert TMS not in cards
    why = cards[OPTIMISE]["detail"]
    assert "Why no TMS referral:** contraindication:" in why
    assert shown in why


@pytest.mark.parametrize(
    "system, code",
    [
        (CPT, "69930"),
        (CPT, "61863"),
        (CPT, "61864"),
        (CPT, "61867"),
        (CPT, "61868"),
        (CPT, "61850"),
        (CPT, "61860"),
        (CPT, "61885"),
        (CPT, "61886"),
        (CPT, "64568"),
        (CPT, "64569"),
        (HCPCS, "L8614"),
        ("urn:oid:2.16.840.1.113883.6.12", "61867"),  # CPT by its OID, as some senders write it
    ],
)
def test_coded_device_procedure_without_display_blocks_tms(system: str, code: str) -> None:
    cards = _topics(_with_code(system, code))
    assert TMS not in cards
    assert "contraindication:" in cards[OPTIMISE]["detail"]


def test_cochlear_device_words_alone_block_tms() -> None:
    doc = _chart("cochlear_cpt69930_no_display_pv")
    _device_procedure(doc)["code"] = {"text": "Cochlear device implantation, left ear"}
    assert TMS not in _topics(doc)


def test_unrelated_cpt_procedure_keeps_tms() -> None:
    # CPT 69930's neighbour 69801 (labyrinthotomy) is not a device: the card stays.
    cards = _topics(_with_code(CPT, "69801"))
    assert "consider TMS referral" in cards[TMS]["summary"]


def test_functional_implant_type_not_coded_asks_first() -> None:
    doc = _chart("base_no_device_pv")
    entries = doc["prefetch"]["conditions"]["entry"]
    extra = copy.deepcopy(entries[0])
    extra["fullUrl"] = extra["fullUrl"].rsplit("/", 1)[0] + "/rd21-z9689"
    extra["resource"]["id"] = "rd21-z9689"
    extra["resource"]["code"] = {
        "coding": [
            {
                "system": "http://hl7.org/fhir/sid/icd-10-cm",
                "code": "Z96.89",
                "display": "Presence of other specified functional implants",
            }
        ]
    }
    entries.append(extra)
    summary = _topics(doc)[TMS]["summary"]
    assert "safety screen first: Presence of other specified functional implants" in summary
