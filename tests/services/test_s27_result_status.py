"""Review s27 RF findings 1, 6 and 8: result statuses no row named, a C-SSRS risk level's short
text, and a PHQ-9 total in a unit that is no score's.

- Finding 1 (UNSAFE): a PHQ-9 item 9 = 3 filed with status `unknown` or `registered` was dropped
  with no trace (no suicide-risk card, no gap) while `preliminary` or `cancelled` raised the
  critical card. Now `unknown` reads as preliminary (FHIR R4: one of the statuses is presumed to
  apply, the sender does not know which), `registered` as a cancelled form's answers (no result,
  but a positive item 9 raises the card named with the status), a status string no row names as
  answers too, named; a registered or unrecognised total is a gap. entered-in-error stays no
  result, for Observations, QuestionnaireResponses and C-SSRS screens alike.
- Finding 6 (MINOR): "C-SSRS: risk level high (+-1 more)" for a risk level and no yes answer.
- Finding 8 (MINOR): a PHQ-9 total 44261-6 of 4 % was read as PHQ-9 4 (remission): now a gap
  "not a PHQ-9 score (unit %)" (data/score_units.csv).

Charts: tests/services/s27_result_status_charts/ (the RF review's charts: the TRD TMS fixture
plus one newer reading on 2025-06-10; every prefetch key).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping import result_statuses
from fhir_mapping.record import Score
from fhir_mapping.result_statuses import OBSERVATION, RESPONSE, Reads
from fhir_mapping.score_units import refused_unit
from fhir_mapping.suicide_screen import SuicideScreen
from services import preliminary_phq9, risk_wording
from services.rules import measurement_lines
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 15)
Doc = dict[str, Any]
FOLDER = Path(__file__).parent / "s27_result_status_charts"

_chart = chart_files.loader(FOLDER)
_cards = Evaluator(AS_OF).cards


def _with_status(doc: Doc, resource_type: str, status: str) -> Doc:
    """The chart with the status of its 2025-06-10 reading replaced."""
    for value in doc["prefetch"].values():
        for entry in (value or {}).get("entry", []) if isinstance(value, dict) else []:
            resource = entry["resource"]
            if resource.get("resourceType") == resource_type and "2025-06-10" in json.dumps(
                resource
            ):
                resource["status"] = status
    return doc


def _suicide(cards: list[Doc]) -> list[Doc]:
    return [c for c in cards if c["source"]["topic"]["code"] == "suicide-risk"]


def _details(cards: list[Doc]) -> str:
    return "\n".join(c.get("detail", "") for c in cards)


def test_charts_carry_every_prefetch_key() -> None:
    for path in sorted(FOLDER.glob("*.json")):
        chart_files.check_chart(_chart(path.stem))


# Finding 1: item 9 = 3 of each Observation status.


@pytest.mark.parametrize(
    ("chart", "named"),
    [
        ("item9_3_status_unknown", "PHQ-9 (status unknown) item 9 = 3"),
        ("item9_3_status_registered", "PHQ-9 (registered, no result yet) item 9 = 3"),
        ("item9_3_status_preliminary", "PHQ-9 (preliminary, not yet reviewed) item 9 = 3"),
        ("total6_and_item9_3_status_unknown", "PHQ-9 (status unknown) item 9 = 3"),
    ],
)
def test_item9_3_of_a_status_not_final_raises_the_critical_card(chart: str, named: str) -> None:
    # Before: unknown and registered gave no suicide-risk card and no gap.
    found = _suicide(_cards(_chart(chart)))
    assert len(found) == 1
    assert found[0]["indicator"] == "critical"
    assert found[0]["summary"].startswith(named), found[0]["summary"]


def test_item9_3_of_a_status_no_row_names_raises_the_card_naming_it() -> None:
    doc = _with_status(_chart("item9_3_status_unknown"), "Observation", "signed")
    found = _suicide(_cards(doc))
    assert [c["indicator"] for c in found] == ["critical"]
    assert found[0]["summary"].startswith("PHQ-9 (status 'signed' not recognised) item 9 = 3")


def test_item9_3_entered_in_error_is_no_result() -> None:
    doc = _with_status(_chart("item9_3_status_unknown"), "Observation", "entered-in-error")
    assert _suicide(_cards(doc)) == []


def test_a_status_unknown_total_is_named_by_its_status_not_as_preliminary() -> None:
    cards = _cards(_chart("total4_status_unknown"))
    text = _details(cards)
    assert "PHQ-9 4 on 2025-06-10 (status unknown)" in text
    assert "the PHQ-9 of 2025-06-10 (4) is not final (status unknown)" in text
    assert "preliminary PHQ-9 4" not in text
    # It judges nothing: the TMS card still rests on the reviewed 18.
    assert any("PHQ-9 18" in c["summary"] for c in cards)


def test_a_registered_total_is_a_gap_not_silence() -> None:
    # Before: a registered 4 after a final 18 left "PHQ-9 18: consider TMS referral" with
    # nothing said; now "Data not read" names it.
    text = _details(_cards(_chart("total4_status_registered")))
    assert "PHQ-9 total with status registered (no result yet): not read as a result" in text


def test_a_total_of_a_status_no_row_names_is_a_gap() -> None:
    doc = _with_status(_chart("total4_status_registered"), "Observation", "bogus")
    text = _details(_cards(doc))
    assert "PHQ-9 total with status 'bogus' not recognised: not read as a result" in text


def test_an_entered_in_error_total_is_no_gap() -> None:
    text = _details(_cards(_chart("total4_entered_in_error")))
    assert "not read as a result" not in text


# Finding 1: the same statuses for QuestionnaireResponses and C-SSRS screens.


@pytest.mark.parametrize(
    ("status", "card"),
    [
        ("completed", True),
        ("amended", True),
        ("in-progress", True),
        ("stopped", True),
        ("entered-in-error", False),
        ("bogus", True),  # a status no row names: read as answers, never dropped
    ],
)
def test_questionnaire_response_item9_3_by_status(status: str, card: bool) -> None:
    doc = _with_status(_chart("qr_item9_3_completed"), "QuestionnaireResponse", status)
    found = _suicide(_cards(doc))
    assert [c["indicator"] for c in found] == (["critical"] if card else [])


@pytest.mark.parametrize(
    ("status", "card"),
    [
        ("final", True),
        ("preliminary", True),
        ("unknown", True),
        ("registered", True),
        ("cancelled", True),
        ("entered-in-error", False),
        ("bogus", True),
    ],
)
def test_cssrs_high_risk_level_by_status(status: str, card: bool) -> None:
    doc = _with_status(_chart("cssrs_risk_level_high_string"), "Observation", status)
    found = _suicide(_cards(doc))
    assert [c["indicator"] for c in found] == (["critical"] if card else [])


def test_reads_by_status() -> None:
    assert result_statuses.reads(OBSERVATION, "unknown") is Reads.INTERIM
    assert result_statuses.reads(OBSERVATION, "registered") is Reads.ANSWERS
    assert result_statuses.reads(OBSERVATION, "entered-in-error") is None
    assert result_statuses.reads(RESPONSE, "entered-in-error") is None
    assert result_statuses.reads(OBSERVATION, "Final") is Reads.ANSWERS  # no row: named
    assert result_statuses.reads(OBSERVATION, "") is None  # malformed: absent
    assert result_statuses.reads(OBSERVATION, ["final"]) is None
    assert result_statuses.named(OBSERVATION, "x") == "status 'x' not recognised"
    assert result_statuses.named_as_gap(OBSERVATION, "registered")
    assert result_statuses.named_as_gap(OBSERVATION, "x")
    assert not result_statuses.named_as_gap(OBSERVATION, "cancelled")
    assert not result_statuses.named_as_gap(OBSERVATION, "entered-in-error")


def test_status_unknown_words_on_the_measurement_card() -> None:
    unknown = Score("PHQ-9", 4, date(2025, 6, 10), status="unknown")
    prelim = Score("PHQ-9", 4, date(2025, 6, 10), status="preliminary")
    assert measurement_lines.preliminary_text(unknown) == (
        "latest PHQ-9 (status unknown, 2025-06-10): 4, not final"
    )
    assert measurement_lines.preliminary_text(prelim) == (
        "latest PHQ-9 (preliminary, 2025-06-10): 4, not yet reviewed"
    )
    assert "filed with status unknown" in measurement_lines.preliminary_section(unknown)
    assert preliminary_phq9.short_text(unknown) == "PHQ-9 4 on 2025-06-10 (status unknown)"
    assert preliminary_phq9.short_text(prelim) == (
        "preliminary PHQ-9 4 on 2025-06-10 not yet reviewed"
    )
    assert preliminary_phq9.row_text(unknown) == "PHQ-9 2025-06-10: 4 (status unknown)"


# Finding 6: "(+-1 more)".


@pytest.mark.parametrize(
    "chart",
    [
        "cssrs_risk_level_high_string",
        "cssrs_risk_level_high_local_concept",
        "cssrs_risk_level_high_la_code",
    ],
)
def test_risk_level_alone_counts_no_more(chart: str) -> None:
    found = _suicide(_cards(_chart(chart)))
    assert len(found) == 1
    summary = found[0]["summary"]
    assert summary.startswith("C-SSRS: risk level high on 2025-06-10"), summary
    assert "more)" not in summary


def _screen(positive: tuple[str, ...], level: str | None) -> SuicideScreen:
    return SuicideScreen(date(2025, 6, 10), True, positive, (), (), True, risk_level=level)


def test_screen_short_text_counts() -> None:
    assert risk_wording.screen_text(_screen((), "high"))[1] == "C-SSRS: risk level high"
    both = risk_wording.screen_text(_screen(("thoughts of suicide",), "high"))[1]
    assert both == "C-SSRS: thoughts of suicide (+1 more)"
    two = risk_wording.screen_text(_screen(("wish dead", "thoughts of suicide"), None))[1]
    assert two == "C-SSRS: wish dead (+1 more)"


# Finding 8: a total in %.


def test_phq9_total_in_percent_is_a_gap_not_a_score() -> None:
    # Before: read as PHQ-9 4 (remission): no card at all.
    cards = _cards(_chart("phq9_total_4_percent"))
    assert "not a PHQ-9 score (unit %)" in _details(cards)
    assert any("PHQ-9 18" in c["summary"] for c in cards)


def test_score_units() -> None:
    assert refused_unit({"value": 4, "unit": "%", "code": "%"}) == "%"
    assert refused_unit({"value": 4, "unit": "mg/dL"}) == "mg/dL"
    assert refused_unit({"value": 4, "unit": "{score}", "code": "{score}"}) is None
    assert refused_unit({"value": 4, "unit": "Score", "code": "{score}"}) is None
    assert refused_unit({"value": 4, "unit": "Points"}) is None
    assert refused_unit({"value": 4, "code": "1"}) is None
    assert refused_unit({"value": 4}) is None
