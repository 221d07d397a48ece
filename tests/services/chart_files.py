"""Probe charts kept as JSON request files beside a test module: each read once, handed out as a
fresh copy (a test may edit it), and the resources of its prefetch walked in document order."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

Doc = dict[str, Any]


@cache
def _text(path: Path) -> str:
    return path.read_text("utf-8")


def loader(folder: Path) -> Callable[[str], Doc]:
    """`load(name)`: a fresh copy of `folder/name.json` (the file is read once)."""

    def load(name: str) -> Doc:
        doc: Doc = json.loads(_text(folder / f"{name}.json"))
        return doc

    return load


def check_folder(folder: Path, *named: dict[str, str]) -> None:
    """Every chart of `folder` is named in one of the test module's tables (no stray or missing
    file) and passes `check_chart`: the check each self-harm probe module ran in its own copy."""
    names = {p.stem for p in folder.glob("*.json")}
    assert names == set().union(*named)
    load = loader(folder)
    for name in sorted(names):
        check_chart(load(name))


def check_chart(doc: Doc) -> None:
    """A probe chart as an EHR sends it: every prefetch key the services declare, and each
    prefetch resource and draft order valid FHIR R4B (the check each chart folder's tests ran
    in its own copy)."""
    from fhir.resources.R4B import get_fhir_model_class

    from services import catalog

    declared = {key for s in catalog.services() for key, _template in s.prefetch}
    missing = declared - set(doc["prefetch"])
    assert not missing, f"prefetch keys missing: {sorted(missing)}"
    for resource in prefetch_resources(doc):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    for entry in ((doc.get("context") or {}).get("draftOrders") or {}).get("entry", []):
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def prefetch_resources(doc: Doc) -> Iterator[Doc]:
    """Every resource of the request's prefetch, bundled or not (Bundles themselves left out)."""

    def walk(node: Any) -> Iterator[Doc]:
        if isinstance(node, dict):
            if "resourceType" in node and node["resourceType"] != "Bundle":
                yield node
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    yield from walk(doc["prefetch"])


def topic_reader(folder: Path, as_of: date) -> Callable[[str], dict[str, Any]]:
    """`cards(name)`: the patient-view cards of `folder/name.json` by topic, evaluated as of
    `as_of`, the chart checked first (`check_chart`: all 19 prefetch keys). One helper for the
    probe-chart test modules, each of which had written these lines again."""
    from tests.services.helpers import Evaluator  # helpers is the heavier module: imported late

    load = loader(folder)
    at = Evaluator(as_of)

    def cards(name: str) -> dict[str, Any]:
        doc = load(name)
        check_chart(doc)
        found: dict[str, Any] = at.by_topic(doc)
        return found

    return cards


# The topics the self-harm probe modules assert on (services/rules/suicide_risk.py, tms_referral.py).
RISK = "suicide-risk"
TMS = "tms-referral"


def assert_critical_without_tms(cards: dict[str, Any], name: str) -> None:
    """The chart `name` has the critical suicide-risk card and no TMS referral: the assertion the
    self-harm probe modules (text39-42, words40, forms37-38, sib37, heads42-43, neg43-45, eye43,
    od46-47, dose46-47) had each written again (duplicates --change, session 32)."""
    card = cards.get(RISK)
    assert card is not None and card["indicator"] == "critical", (name, card)
    assert TMS not in cards


def assert_quiet_with_tms(cards: dict[str, Any], name: str) -> None:
    """The chart `name` has no suicide-risk card and the TMS referral is offered."""
    assert RISK not in cards, (name, cards[RISK]["summary"])
    assert TMS in cards
