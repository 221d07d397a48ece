"""The demo's terminal rendering of cards (scripts/card_summary.py) and its EHR-side helpers
(scripts/ehr.py) that need no server."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from scripts import ehr
from scripts.card_summary import Style, clip, colour_wanted, detail_lines, render_cards, topics

CARD: dict[str, Any] = {
    "uuid": "c1",
    "summary": "PHQ-9 item 9 = 2 on 2025-05-23: assess today",
    "detail": (
        "**Basis:**\n- PHQ-9 item 9 = 2 (More than half the days), total 14\n\n"
        "| Drug | mg/day |\n|---|---|\n| fluoxetine | 20 |\n\n"
        "See [C-SSRS](https://example.org/cssrs) and `plan`.\n\nA fourth line."
    ),
    "indicator": "critical",
    "source": {"label": "Simon 2013", "topic": {"code": "suicide-risk"}},
    "suggestions": [
        {"label": "Order a same-day suicide risk assessment", "uuid": "s1", "isRecommended": True},
        {"label": "Refer to crisis team", "uuid": "s2"},
    ],
    "links": [
        {
            "label": "View treatment timeline",
            "url": "http://127.0.0.1:9/timeline/t",
            "type": "absolute",
        }
    ],
}


def test_detail_lines_drop_markup_and_tables() -> None:
    assert detail_lines(CARD["detail"]) == [
        "Basis:",
        "- PHQ-9 item 9 = 2 (More than half the days), total 14",
        "See C-SSRS and plan.",
    ]
    assert detail_lines(CARD["detail"], count=1) == ["Basis:"]


def test_render_card_plain() -> None:
    assert render_cards([CARD], Style(colour=False)) == [
        "  CRITICAL  PHQ-9 item 9 = 2 on 2025-05-23: assess today",
        "            Basis:",
        "            - PHQ-9 item 9 = 2 (More than half the days), total 14",
        "            See C-SSRS and plan.",
        "            * suggests: Order a same-day suicide risk assessment",
        "            - suggests: Refer to crisis team",
        "            View treatment timeline: http://127.0.0.1:9/timeline/t",
        "            source: Simon 2013",
    ]


def test_render_card_in_colour() -> None:
    first, *_, last = render_cards([CARD], Style(colour=True))
    assert first == (
        "  \x1b[1;31mCRITICAL\x1b[0m  \x1b[1mPHQ-9 item 9 = 2 on 2025-05-23: assess today\x1b[0m"
    )
    assert last == "\x1b[2m            source: Simon 2013\x1b[0m"


def test_no_cards() -> None:
    assert render_cards([], Style(colour=False)) == [
        "  no cards (nothing for the clinician to act on)"
    ]


def test_clip() -> None:
    assert clip("x" * 110) == "x" * 110
    assert clip("x" * 111) == "x" * 107 + "..."


def test_topics() -> None:
    assert topics([CARD, {"source": {"label": "no topic"}}]) == {"suicide-risk"}


class _Pipe:
    def isatty(self) -> bool:
        return False


class _Tty:
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert colour_wanted(_Tty()) is True  # type: ignore[arg-type]
    assert colour_wanted(_Pipe()) is False  # type: ignore[arg-type]
    monkeypatch.setenv("NO_COLOR", "1")
    assert colour_wanted(_Tty()) is False  # type: ignore[arg-type]


def test_fill_template() -> None:
    context = {"patientId": "p1", "userId": "Practitioner/u1"}
    assert ehr.fill_template("Patient/{{context.patientId}}", context) == "Patient/p1"
    assert (
        ehr.fill_template("Condition?patient={{context.patientId}}&_count=1000", context)
        == "Condition?patient=p1&_count=1000"
    )
    # A token this EHR cannot fill: the key is left out of prefetch.
    assert ehr.fill_template("Encounter/{{context.encounterId}}", context) is None
    assert ehr.fill_template("Practitioner/{{userPractitionerId}}", context) is None


class _Fhir:
    """An in-memory FHIR server with the two calls the EHR side makes."""

    base_url = "http://127.0.0.1:1/fhir"

    def __init__(self) -> None:
        self.queries: list[str] = []

    def get(self, query: str) -> dict[str, Any]:
        self.queries.append(query)
        if query == "Patient/p1":
            return {"resourceType": "Patient", "id": "p1"}
        raise requests.HTTPError("404")

    def search_all(self, query: str) -> list[dict[str, Any]]:
        self.queries.append(query)
        return [
            {"resourceType": "Condition", "id": "c1"},
            {"resourceType": "Condition", "id": "c2"},
        ]


def test_prefetch_fills_runs_and_wraps_each_template() -> None:
    fhir = _Fhir()
    templates = {
        "patient": "Patient/{{context.patientId}}",
        "conditions": "Condition?patient={{context.patientId}}",
        "encounter": "Encounter/{{context.encounterId}}",
        "missing": "Patient/nobody-{{context.patientId}}",
    }
    filled = ehr.prefetch(fhir, templates, {"patientId": "p1"})
    assert fhir.queries == ["Patient/p1", "Condition?patient=p1", "Patient/nobody-p1"]
    assert filled.data == {
        "patient": {"resourceType": "Patient", "id": "p1"},
        "conditions": {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": 2,
            "entry": [
                {
                    "fullUrl": "http://127.0.0.1:1/fhir/Condition/c1",
                    "resource": {"resourceType": "Condition", "id": "c1"},
                },
                {
                    "fullUrl": "http://127.0.0.1:1/fhir/Condition/c2",
                    "resource": {"resourceType": "Condition", "id": "c2"},
                },
            ],
        },
    }
    assert (filled.queries, filled.resources) == (2, 3)
    assert filled.left_out == ("encounter", "missing")


def test_hook_request_shapes() -> None:
    context = {"userId": "Practitioner/u1", "patientId": "p1"}
    with_prefetch = ehr.hook_request("patient-view", context, prefetch={"patient": {"id": "p1"}})
    assert set(with_prefetch) == {"hook", "hookInstance", "context", "prefetch"}
    assert with_prefetch["context"] == context
    self_fetch = ehr.hook_request(
        "patient-view", context, fhir_server="http://127.0.0.1:5/fhir", access_token="tok"
    )
    assert set(self_fetch) == {"hook", "hookInstance", "context", "fhirServer", "fhirAuthorization"}
    assert self_fetch["fhirAuthorization"] == {
        "access_token": "tok",
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "patient/*.read",
        "subject": "trd-cds-demo",
        "patient": "p1",
    }
    assert self_fetch["hookInstance"] != with_prefetch["hookInstance"]


def test_hook_answer_cards_only_on_200() -> None:
    assert ehr.HookAnswer(200, {"cards": [CARD]}, 0.1).cards == [CARD]
    assert ehr.HookAnswer(412, {"cards": [CARD]}, 0.1).cards == []
    assert ehr.HookAnswer(200, "not json", 0.1).cards == []
