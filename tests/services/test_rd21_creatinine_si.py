"""Review s21 RD finding 6: a creatinine in SI units under LOINC 14682-9 (Creatinine
[Moles/volume]) was in neither observation_codes.csv nor the `labsSI` query, so a lithium order at
66 showed a 7-month-old normal 0.9 mg/dL as "the latest" creatinine. 14682-9 is now read and asked
for under `labsSI` (data/lab_si_units.csv, 88.4 umol/L per mg/dL). A creatinine the lab flags high
with no eGFR makes the renal card a warning (the lab's own range: lab_ranges.csv has none).

Charts: tests/services/rd21_populations_charts/ (US Core shaped, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services import catalog
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
AS_OF = date(2026, 12, 1)

_chart = chart_files.loader(Path(__file__).parent / "rd21_populations_charts")
_at = Evaluator(AS_OF)


def _renal(doc: Doc) -> Doc:
    cards = [c for c in _at.cards(doc, as_of=AS_OF) if "no eGFR on record" in c["summary"]]
    assert len(cards) == 1, [c["summary"] for c in _at.cards(doc, as_of=AS_OF)]
    return cards[0]


def _si_creatinine(doc: Doc) -> Doc:
    found = [
        e["resource"]
        for e in doc["prefetch"]["labsSI"]["entry"]
        if any(c.get("code") == "14682-9" for c in e["resource"]["code"]["coding"])
    ]
    assert len(found) == 1
    resource: Doc = found[0]
    return resource


def test_labs_si_query_asks_for_the_si_creatinine_code() -> None:
    templates = dict(catalog.services()[0].prefetch)
    assert "http://loinc.org|14682-9" in templates["labsSI"]
    assert "14682-9" not in templates["labs"]
    assert len(templates) == 19  # no new prefetch key


def test_si_creatinine_is_the_latest_one_named() -> None:
    card = _renal(_chart("creatinine_si_14682_lithium_sign"))
    assert "creatinine 240 umol/L on 2026-11-18" in card["summary"]
    assert "0.9 mg/dL" not in card["summary"] + card["detail"]


def test_creatinine_flagged_high_with_no_egfr_is_a_warning() -> None:
    for name in ("creatinine_si_14682_lithium_sign", "creatinine_240umol_2160_lithium_sign"):
        card = _renal(_chart(name))
        assert card["indicator"] == "warning", name
        assert "(above the lab's range)" in card["summary"]
        assert "above the range the lab reports" in card["detail"]


def test_creatinine_within_its_range_stays_information() -> None:
    doc = _chart("creatinine_si_14682_lithium_sign")
    lab = _si_creatinine(doc)
    lab["valueQuantity"]["value"] = 80
    lab["interpretation"][0]["coding"][0]["code"] = "N"
    card = _renal(doc)
    assert card["indicator"] == "info"
    assert "creatinine 80 umol/L on 2026-11-18: estimate CrCl" in card["summary"]
    assert "above the lab" not in card["summary"]
