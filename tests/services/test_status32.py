"""Session 30 status32 (the lead's decisions, the safer reading for the patient):

1. A drug-safety lab (lithium, TCA level, sodium, QTc, eGFR / creatinine, hCG) with a value and a
   missing / malformed / unrecognised status is read as a result (fhir_mapping/lab_status.py),
   its card line naming the status beside the date: the lithium 1.6 of status31's chart with
   no status gave a data-quality warning only; now the toxicity card of a final 1.6, "(status
   missing)", and the interaction card cites the level instead of "no lithium level since".
   `entered-in-error` and `cancelled` stay dropped, a result with no value (pending) stays
   out, and a test outside the list (a TSH) keeps status31's gap.
2. Psychotherapy Procedures whose status could not be read are counted where the card said "no
   psychotherapy procedure, visit or referral on record" (the psychotherapy card and the TMS
   card's payer criterion: services/unread_psychotherapy.py).

Charts: status31's lithium and TRD fixture charts (tests/services/status31_charts) and
status32_charts/lithium_1_6_with_tsh (the lithium chart plus a final TSH 9.0 of 2026-11-20); every
prefetch key, valid R4B: the tests take the status away.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
FOLDER = Path(__file__).parent / "status32_charts"
_chart = chart_files.loader(FOLDER)
_chart31 = chart_files.loader(Path(__file__).parent / "status31_charts")
_lithium_cards = Evaluator(date(2026, 12, 1)).cards
_fixture_cards = Evaluator(date(2025, 6, 2)).cards
_REMOVED = object()
LITHIUM = "14334-7"


def _set_status(doc: Doc, types: tuple[str, ...], value: object, only: str) -> Doc:
    """`doc` with the status of each prefetch resource of `types` whose JSON holds `only`
    replaced by `value` (removed for _REMOVED)."""
    for resource in chart_files.prefetch_resources(doc):
        if resource.get("resourceType") in types and only in json.dumps(resource):
            if value is _REMOVED:
                resource.pop("status", None)
            else:
                resource["status"] = value
    return doc


def _topic(cards: list[Doc], topic: str) -> list[Doc]:
    return [c for c in cards if c["source"]["topic"]["code"] == topic]


def _text(cards: list[Doc]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in cards)


def test_charts_carry_every_prefetch_key() -> None:
    for path in sorted(FOLDER.glob("*.json")):
        chart_files.check_chart(_chart(path.stem))


# 1. The lithium 1.6 mmol/L of 2026-11-18 with no readable status.


@pytest.mark.parametrize(
    ("value", "named"),
    [
        (_REMOVED, "status missing"),
        (None, "status missing"),
        ("", "status missing"),
        ({"x": 1}, "status not readable"),
        (["final"], "status not readable"),
        (3, "status not readable"),
        ("final-ish", "status 'final-ish' not recognised"),
    ],
)
def test_a_lithium_level_with_no_readable_status_is_read(value: object, named: str) -> None:
    # Before: a data-quality warning only ("lithium level result whose status is missing or
    # not recognised"), no toxicity card, and "no lithium level since 2026-09-10".
    doc = _set_status(_chart("lithium_1_6_with_tsh"), ("Observation",), value, LITHIUM)
    cards = _lithium_cards(doc)
    critical = [c for c in cards if c["indicator"] == "critical"]
    assert len(critical) == 1
    assert critical[0]["summary"].startswith(
        f"Lithium 1.6 mmol/L on 2026-11-18 ({named}) (at or above 1.5, toxicity risk)"
    ), critical[0]["summary"]
    text = _text(cards)
    assert "no lithium level since" not in text
    assert "long-standing, last level 1.6 on 2026-11-18" in text  # the interaction card
    assert "lithium level result whose status is missing" not in text  # read, not a gap


def test_lithium_final_control() -> None:
    cards = _lithium_cards(_chart("lithium_1_6_with_tsh"))
    critical = [c for c in cards if c["indicator"] == "critical"]
    assert [c["summary"][:44] for c in critical] == ["Lithium 1.6 mmol/L on 2026-11-18 (at or abov"]


@pytest.mark.parametrize("value", ["entered-in-error", "cancelled"])
def test_a_withdrawn_or_cancelled_lithium_level_stays_dropped(value: str) -> None:
    doc = _set_status(_chart("lithium_1_6_with_tsh"), ("Observation",), value, LITHIUM)
    cards = _lithium_cards(doc)
    assert not any("Lithium 1.6" in c["summary"] for c in cards)
    assert "1.6 mmol/L" not in _text(cards)


def test_a_pending_lithium_level_with_no_status_is_not_read() -> None:
    # No value: nothing a check reads is there (a pending result), as before.
    doc = _set_status(_chart("lithium_1_6_with_tsh"), ("Observation",), _REMOVED, LITHIUM)
    for resource in chart_files.prefetch_resources(doc):
        if LITHIUM in json.dumps(resource):
            resource.pop("valueQuantity", None)
    cards = _lithium_cards(doc)
    assert not [c for c in cards if c["indicator"] == "critical"]
    assert "2026-11-18 (status missing)" not in _text(cards)


def test_a_tsh_with_no_status_keeps_its_gap() -> None:
    # A test outside the drug-safety labs: status31's gap, not read as a result.
    doc = _set_status(_chart("lithium_1_6_with_tsh"), ("Observation",), _REMOVED, "status32-tsh")
    text = _text(_lithium_cards(doc))
    assert "TSH result whose status is missing or not recognised" in text
    assert "TSH 9" not in text


# 2. The psychotherapy Procedures of the TRD fixture with no readable status.


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (_REMOVED, "status missing"),
        ([], "status not readable"),
        ("done", "status 'done'"),
    ],
)
def test_psychotherapy_with_no_readable_status_is_never_none_on_record(
    value: object, said: str
) -> None:
    # Before: "no psychotherapy procedure, visit or referral on record" on the psychotherapy
    # card and the TMS card's criterion, beside the 11 Procedures listed as unread.
    doc = _set_status(_chart31("psychotherapy_final"), ("Procedure",), value, "90837")
    cards = _fixture_cards(doc)
    text = _text(cards)
    assert "no psychotherapy procedure, visit or referral on record" not in text.lower()
    words = f"11 psychotherapy procedures with {said} (not read): confirm"
    found = _topic(cards, "psychotherapy")
    assert len(found) == 1
    assert words in found[0]["summary"], found[0]["summary"]
    assert f"Psychotherapy: {words}" in text  # the TMS card's payer criterion


def test_psychotherapy_controls() -> None:
    # Final: no psychotherapy card; not-done: no session, named as recorded not done (care65:
    # "none on record" claimed less than the record shows), never read as a session.
    assert _topic(_fixture_cards(_chart31("psychotherapy_final")), "psychotherapy") == []
    doc = _set_status(_chart31("psychotherapy_final"), ("Procedure",), "not-done", "90837")
    text = _text(_fixture_cards(doc))
    assert "recorded as not done" in text
    assert "no psychotherapy procedure, visit or referral on record" not in text
    assert "(not read): confirm" not in text
