"""An order left active for decades, never filled or renewed, is not a running drug (review s21
RN finding 5, Milan Beatty of ../shared/fhir/synthea/smart-2019: fluoxetine ordered 1993, last
seen 2020).

Before: "On fluoxetine since 1993-01-09; no PHQ-9 total on record: repeat the PHQ-9 to measure
response", 33 years on. An `active` order that states no supply (no quantity, no duration) and
that no fill or later record of the drug confirms now counts, as an old `active` statement does
(rule 2c, fhir_mapping/event_spans.py), only up to mapping.statement_confirmed_days (365) after
its day: past that it is listed, not running. The measurement card no longer speaks of it; the
adherence card asks to confirm it ("order of DATE still active, never filled or renewed: confirm
it is still taken"). The safety checks still see it (an MAOI drafted beside it stays critical).

Chart: tests/services/stale_records_charts/fluoxetine_order_1993_never_renewed.json (US Core
shaped, every prefetch key): MDD since 1993, fluoxetine 20 mg ordered 1993-01-17 and left
active, no fill, last visit 2020-09-05, no PHQ-9.
"""

from __future__ import annotations

import copy
import json
import os
from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.chart_files import Doc
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
NAME = "fluoxetine_order_1993_never_renewed"
ASK = (
    # orders33: the chart sends no dispense: "no fill on record", not "never filled or renewed".
    "fluoxetine: order of 1993-01-17 still active, no fill on record: confirm it is still "
    "taken before counting it as a trial"
)

_chart = chart_files.loader(Path(__file__).parent / "stale_records_charts")
_cards = Evaluator(AS_OF).cards


def _text(cards: list[Doc]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in cards)


def _ordered_on(doc: Doc, day: str) -> Doc:
    (entry,) = doc["prefetch"]["medicationRequests"]["entry"]
    entry["resource"]["authoredOn"] = f"{day}T09:30:00-05:00"
    return doc


def test_a_decades_old_unrenewed_order_is_asked_about_not_called_running() -> None:
    cards = _cards(_chart(NAME))
    assert [c["summary"] for c in cards] == [ASK]
    text = _text(cards)
    assert "On fluoxetine" not in text
    assert "running" not in text
    assert "measure response" not in text
    assert "time after 1994-01-17 not counted" in text


def test_an_order_within_the_year_is_still_running() -> None:
    (card,) = _cards(_ordered_on(_chart(NAME), "2026-06-01"))
    assert card["summary"].startswith("On fluoxetine since 2026-06-01")


def test_an_maoi_drafted_beside_it_is_still_stopped() -> None:
    # The listed order stays in view of the safety checks (the safer reading).
    doc = _chart(NAME)
    draft = copy.deepcopy(doc["prefetch"]["medicationRequests"]["entry"][0]["resource"])
    draft.update(id="draft-phenelzine-1", status="draft", authoredOn="2026-12-01")
    draft["medicationCodeableConcept"] = {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": "8123",
                "display": "phenelzine",
            }
        ],
        "text": "phenelzine 15 MG Oral Tablet",
    }
    doc["hook"] = "order-select"
    doc["context"]["draftOrders"] = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": draft}],
    }
    doc["context"]["selections"] = ["MedicationRequest/draft-phenelzine-1"]
    first = _cards(doc)[0]
    assert first["indicator"] == "critical"
    # The 1993 order is listed (review s23 RR finding 5): named with what keeps it listed.
    assert first["summary"].startswith(
        "Phenelzine (MAOI) with fluoxetine listed (order of 1993-01-17, no fill on record): "
        "confirm it is not taken (35-day washout if taken)"
    )  # orders33: no dispense on the chart, "no fill on record" (was "never filled")


# --- the Synthea patient of the finding (../shared/fhir/synthea) ------------------------------

SYNTHEA = Path(__file__).resolve().parents[2] / ".." / "shared" / "fhir" / "synthea"


def test_milan_beatty_is_asked_to_confirm_not_to_measure_response() -> None:
    found = sorted(SYNTHEA.glob("**/*Milan_Beatty*.json")) if SYNTHEA.is_dir() else []
    if not found:
        message = "../shared/fhir/synthea (Milan_Beatty) is missing"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    doc = json.loads(found[0].read_text("utf-8"))
    summaries = [c["summary"] for c in _cards(doc, "patient-view")]
    assert summaries == [
        "fluoxetine: order of 1993-01-17 still active, no fill on record: confirm it is "
        "still taken before counting it as a trial"
    ]
