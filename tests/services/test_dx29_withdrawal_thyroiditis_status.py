"""Recheck K11 s28 (fix FDX3, branch dx29): an old visit's withdrawal asks, not bars; withdrawal
in words; euthyroid Hashimoto's; a local status coding.

Charts (all 19 prefetch keys) are K11's, as-of 2025-06-01 (the suicide-risk one 2026-12-01):
- w04: F10.239 as the status-less encounter diagnosis of a 2019 visit. Before: the TMS card
  demanded the safety screen's clearance and bupropion was dropped as contraindicated while the
  diagnosis card asked "recorded at a 2019 visit". Now: no TMS screen line, bupropion listed
  with its caveat (asks about drinking). w03 (the same code active on the problem list since
  2019) keeps both, as before.
- w13, t3, t4: withdrawal written only in words read nothing; now the substance line, the TMS
  caution and the bupropion contraindication, as F10.239 on the problem list reads.
- e063: E06.3 with TSH 2.1 in range (2025-03-24), no levothyroxine: before held the adjuncts and
  TMS ("check it is treated"); now no line. With no TSH, as before.
- b_local_coding_refuted / r45851_local_refuted: a Cerner code-set coding "3306" "Refuted" read
  as no status (bipolar hold, suicide-risk card kept); now refuted.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.fhir_fields import status_code
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

# The topics and the control chart's summaries, as the dx28 tests state them (same base chart).
from tests.services.test_diagnosis_review28_rj import (
    CONTROL_OPTIMISE,
    CONTROL_TMS,
    DIAGNOSIS,
    OPTIMISE,
    TMS,
)

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]

_chart = chart_files.loader(Path(__file__).parent / "dx29_charts")
_at = Evaluator(date(2025, 6, 1))
_CHARTS = sorted(p.stem for p in (Path(__file__).parent / "dx29_charts").glob("*.json"))


def _summaries(doc: Doc, evaluator: Evaluator = _at) -> list[tuple[str, str]]:
    return [(c["indicator"], c["summary"]) for c in evaluator.cards(doc)]


def _conditions(doc: Doc) -> list[Doc]:
    return [e["resource"] for e in doc["prefetch"]["conditions"]["entry"]]


@pytest.mark.parametrize("name", _CHARTS)
def test_the_charts_are_as_an_ehr_sends_them(name: str) -> None:
    chart_files.check_chart(_chart(name))


# --- finding 1: an old visit's withdrawal asks, not bars ------------------------------------


def test_old_visit_withdrawal_asks_and_bars_nothing() -> None:
    cards = by_topic(_at.cards(_chart("w04_f10239_encdx_2019_nostatus")))
    assert cards[DIAGNOSIS]["summary"].endswith("recorded at a 2019 visit: ask")
    assert cards[TMS]["summary"] == CONTROL_TMS
    assert "TMS safety screen required" not in cards[TMS]["detail"]
    detail = cards[OPTIMISE]["detail"]
    assert "NDRI: bupropion (caveat: bupropion labels 4 and 5.3)" in detail
    assert "bupropion not listed" not in detail
    assert "**Bupropion, if considered:** seizure risk is higher with excessive alcohol" in detail


def test_problem_list_withdrawal_since_2019_is_read_as_before() -> None:
    cards = by_topic(_at.cards(_chart("w03_f10239_onset_2019_active")))
    assert cards[TMS]["summary"] == (
        "2 adequate trials failed; PHQ-9 18: consider TMS referral; safety screen first: Alcohol "
        "dependence with withdrawal, unspecified"
    )
    assert "bupropion not listed: contraindicated" in cards[OPTIMISE]["detail"]


def test_resolved_withdrawal_reads_nothing() -> None:
    assert _summaries(_chart("w01_f10239_resolved")) == [
        ("warning", CONTROL_OPTIMISE),
        ("info", CONTROL_TMS),
    ]


def _bupropion_beside(condition: Doc) -> list[tuple[str, str]]:
    doc = _chart("bupropion_draft_f1020_sign")
    conditions = doc["prefetch"]["conditions"]["entry"]
    conditions[-1]["resource"] = condition
    return _summaries(doc)


def test_bupropion_drafted_beside_an_old_visit_withdrawal_gets_the_caveat() -> None:
    old = _conditions(_chart("w04_f10239_encdx_2019_nostatus"))[-1]
    assert old["code"]["coding"][0]["code"] == "F10.239" and "clinicalStatus" not in old
    assert _bupropion_beside(copy.deepcopy(old)) == [
        (
            "warning",
            "Bupropion with alcohol use on record: see the caveat (bupropion labels 4 and 5.3)",
        )
    ]


def test_bupropion_drafted_beside_an_active_withdrawal_is_contraindicated() -> None:
    active = _conditions(_chart("w03_f10239_onset_2019_active"))[-1]
    assert active["code"]["coding"][0]["code"] == "F10.239"
    assert _bupropion_beside(copy.deepcopy(active)) == [
        (
            "warning",
            "Bupropion: contraindicated during abrupt discontinuation of alcohol, "
            "benzodiazepines, barbiturates or antiepileptic drugs (seizure risk)",
        )
    ]


# --- finding 2: withdrawal in words -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "words", "subject"),
    [
        ("w13_text_only_alcohol_withdrawal", "Alcohol withdrawal", "alcohol use disorder"),
        (
            "t3_text_alcohol_withdrawal_syndrome",
            "Alcohol withdrawal syndrome",
            "alcohol use disorder",
        ),
        ("t4_text_benzodiazepine_withdrawal", "Benzodiazepine withdrawal", "substance use"),
    ],
)
def test_withdrawal_in_words_is_read(name: str, words: str, subject: str) -> None:
    cards = by_topic(_at.cards(_chart(name)))
    assert cards[DIAGNOSIS]["summary"] == (
        f"Review {subject} alongside escalation: {words.lower()}"
    )
    assert cards[TMS]["summary"] == (
        f"2 adequate trials failed; PHQ-9 18: consider TMS referral; safety screen first: {words}; "
        "payer criteria not yet met"
    )
    assert f"**TMS safety screen required:** {words} (since 2025-05-20)" in cards[TMS]["detail"]
    assert "bupropion not listed: contraindicated" in cards[OPTIMISE]["detail"]


def test_withdrawal_in_words_resolved_reads_nothing() -> None:
    doc = _chart("w13_text_only_alcohol_withdrawal")
    _conditions(doc)[-1]["clinicalStatus"] = {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                "code": "resolved",
            }
        ]
    }
    assert _summaries(doc) == [("warning", CONTROL_OPTIMISE), ("info", CONTROL_TMS)]


# --- finding 3: euthyroid autoimmune thyroiditis --------------------------------------------


def test_hashimoto_with_a_recent_tsh_in_range_holds_nothing() -> None:
    assert _summaries(_chart("e063_hashimoto_tsh_in_range")) == [
        ("warning", CONTROL_OPTIMISE),
        ("info", CONTROL_TMS),
    ]


def _without_tsh(doc: Doc) -> Doc:
    labs = doc["prefetch"]["labs"]
    labs["entry"] = [
        e
        for e in labs["entry"]
        if e["resource"]["code"]["coding"][0]["code"] != "3016-3"  # TSH
    ]
    labs["total"] = len(labs["entry"])
    return doc


def _tsh(doc: Doc, value: float) -> Doc:
    for e in doc["prefetch"]["labs"]["entry"]:
        if e["resource"]["code"]["coding"][0]["code"] == "3016-3":
            e["resource"]["valueQuantity"]["value"] = value
            e["resource"].pop("interpretation", None)
    return doc


def test_hashimoto_without_a_tsh_still_asks_and_holds() -> None:
    summaries = _summaries(_without_tsh(_chart("e063_hashimoto_tsh_in_range")))
    assert summaries[0] == (
        "warning",
        "Confirm the diagnosis before escalating: hypothyroidism; no TSH in 365 days",
    )


def test_hashimoto_with_a_high_tsh_is_not_settled() -> None:
    summaries = _summaries(_tsh(_chart("e063_hashimoto_tsh_in_range"), 12.0))
    assert summaries[0][1].startswith("Confirm the diagnosis before escalating: TSH high 12")


def test_snomed_hashimoto_reads_as_e063() -> None:
    doc = _chart("e063_hashimoto_tsh_in_range")
    coding = _conditions(doc)[-1]["code"]["coding"][0]
    assert coding["code"] == "E06.3"
    coding.update(system="http://snomed.info/sct", code="21983002", display="Hashimoto thyroiditis")
    assert _summaries(doc) == [("warning", CONTROL_OPTIMISE), ("info", CONTROL_TMS)]
    summaries = _summaries(_without_tsh(doc))
    assert summaries[0] == (
        "warning",
        "Confirm the diagnosis before escalating: hypothyroidism; no TSH in 365 days",
    )


# --- finding 4: a local status coding ---------------------------------------------------------


def test_a_local_refuted_coding_refutes_the_bipolar_disorder() -> None:
    assert _summaries(_chart("b_local_coding_refuted")) == [
        ("warning", CONTROL_OPTIMISE),
        ("info", CONTROL_TMS),
    ]


def test_a_local_refuted_coding_refutes_the_suicidal_ideation() -> None:
    at = Evaluator(date(2026, 12, 1))
    cards = at.cards(_chart("r45851_local_refuted"))
    assert [c["source"]["topic"]["code"] for c in cards] == ["measurement-based-care"]


_LOCAL = "https://fhir.cerner.com/x/codeSet/12031"
_VER = "http://terminology.hl7.org/CodeSystem/condition-ver-status"


@pytest.mark.parametrize(
    ("concept", "read"),
    [
        ({"coding": [{"system": _LOCAL, "code": "3306", "display": "Refuted"}]}, "refuted"),
        ({"coding": [{"system": _LOCAL, "code": "3306"}], "text": "Refuted"}, "refuted"),
        ({"coding": [{"system": _LOCAL, "code": "3306", "display": "Other"}]}, None),
        (
            {
                "coding": [
                    {"system": _LOCAL, "code": "3305", "display": "Refuted"},
                    {"system": _VER, "code": "confirmed"},
                ]
            },
            "confirmed",
        ),
        ({"coding": [{"code": "resolved"}]}, "resolved"),
        ({"coding": [{"code": "3306"}]}, None),
        ({"coding": [{"system": _VER, "code": "refuted"}]}, "refuted"),
        ("refuted", "refuted"),
        (None, None),
    ],
)
def test_status_code_reads_only_the_fhir_status_systems(concept: object, read: str | None) -> None:
    assert status_code(concept) == read
