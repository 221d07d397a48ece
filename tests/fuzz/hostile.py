"""Hostile values, request bodies and the checks every answer must pass (shared by the fuzz tests).

A clean answer is one of: 200 with a body that satisfies the CDS Hooks card rules (hook routes) or
`{"stored", "received"}` (feedback); a 4xx whose JSON body is `{"error": code, "message": text}`
(cds_hooks/errors.py). Never a 5xx: with TestClient's default `raise_server_exceptions`, an
unhandled exception is raised into the test with its own traceback, which is what makes a fuzz
failure debuggable; the status check backs that up.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import orjson
from fastapi.testclient import TestClient
from httpx2 import Response
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.cds_hooks.test_spec_examples import assert_spec_invariants
from tests.fixtures import scenarios

PATIENT_VIEW = "/cds-services/trd-patient-view"
ORDER_SELECT = "/cds-services/trd-order-select"
ORDER_SIGN = "/cds-services/trd-order-sign"
FEEDBACK = PATIENT_VIEW + "/feedback"
JSON = {"content-type": "application/json"}

# Bounded and derandomised: CI is reproducible and the folder runs in well under two minutes.
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.function_scoped_fixture,
    ],
)

# (service path, hook, scenario): realistic requests built by tests/fixtures/scenarios.py. The
# order hooks' base is a chart with order cards (order_select_low_dose has none since a first
# start below the range is titration: review s25 RO finding 5).
BASES: dict[str, tuple[str, str, str]] = {
    "patient-view": (PATIENT_VIEW, "patient-view", "trd_meets_tms"),
    "order-select": (ORDER_SELECT, "order-select", "order_select_failed_class"),
    "order-sign": (ORDER_SIGN, "order-sign", "order_select_failed_class"),
}


@functools.cache
def _base(kind: str) -> bytes:
    _path, hook, name = BASES[kind]
    return orjson.dumps(scenarios.cds_request(scenarios.scenario(name), hook))  # type: ignore[arg-type]


def base_request(kind: str = "patient-view") -> dict[str, Any]:
    """A fresh deep copy of a realistic request (built once, copied by re-parsing)."""
    return orjson.loads(_base(kind))  # type: ignore[no-any-return]


def encode(body: Any) -> bytes:
    """JSON bytes; the standard library's encoder where orjson refuses (integers past 64 bits)."""
    try:
        return orjson.dumps(body)
    except TypeError:
        return json.dumps(body, allow_nan=False, ensure_ascii=False).encode("utf-8")


def post(client: TestClient, path: str, body: Any) -> Response:
    content = body if isinstance(body, bytes) else encode(body)
    return client.post(path, content=content, headers=JSON)


def assert_clean(response: Response, *, feedback: bool = False) -> dict[str, Any]:
    """The answer is a 200 that keeps the protocol's rules or a 4xx with the JSON error body."""
    assert response.status_code < 500, response.text[:1000]
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert isinstance(body, dict), body
    if response.status_code == 200:
        if feedback:
            optional = {"unknownCards", "refused", "snoozed", "notSnoozed"}
            assert set(body) - optional == {"stored", "received"}, body
            assert 0 <= body["stored"] <= body["received"], body
            # Items naming no card issued to the caller are named (review 8 finding 5), as
            # paths into the request, never all of them (that is a 400); so are items refused
            # for what they say (an unknown suggestion, a contradicting answer; review 16 M2).
            unknown = body.get("unknownCards", [])
            refused = body.get("refused", [])
            assert body.get("unknownCards", ["x"]) != [], body  # absent rather than empty
            assert body.get("refused", ["x"]) != [], body
            assert len(unknown) + len(refused) < body["received"], body
            assert all(re.fullmatch(r"feedback\.\d+\.card", u) for u in unknown), body
            assert all(re.fullmatch(r"feedback\.\d+", r["item"]) for r in refused), body
            # Each override stored is said to have snoozed its card or not, and why (review s21
            # RE M2); absent rather than empty, never an item twice.
            snoozed = body.get("snoozed", [])
            kept = [k["item"] for k in body.get("notSnoozed", [])]
            assert body.get("snoozed", ["x"]) != [] and body.get("notSnoozed", ["x"]) != [], body
            assert all(re.fullmatch(r"feedback\.\d+", i) for i in snoozed + kept), body
            assert len(set(snoozed + kept)) == len(snoozed + kept) <= body["received"], body
            assert {k["reason"] for k in body.get("notSnoozed", [])} <= {
                "reason-not-offered",
                "no-override-reason",
                "card-not-snoozable",
                "snoozes-off",
            }, body
        else:
            assert_spec_invariants(body)
        return body
    assert 400 <= response.status_code < 500, response.status_code
    assert isinstance(body.get("error"), str) and body["error"], body
    assert isinstance(body.get("message"), str) and body["message"], body
    return body


def topics(body: dict[str, Any]) -> list[str]:
    return [card["source"]["topic"]["code"] for card in body["cards"]]


# --- hostile values ------------------------------------------------------------------------------
# Scalars that break naive code: wrong types, out-of-range numbers (2**64 parses as a float, 1e308
# overflows any arithmetic), impossible or unbounded dates (date + timedelta overflows at years 1
# and 9999), numbers and keywords in strings, control characters.
HOSTILE_SCALARS: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    5,
    2**53 + 1,
    -(2**63),
    2**64,
    1e308,
    -1e308,
    5e-324,
    0.5,
    -0.0,
    "",
    " ",
    "x",
    "5",
    "-5",
    "NaN",
    "Infinity",
    "1e999",
    "2024-13-45",
    "2024-02-30",
    "yesterday",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",
    "2024",
    "2024-06",
    "2024-06-01T25:61:00Z",
    "\x00",
    "\u202e\u0000\ufeff",
    "Patient/",
    "Medication/",
    "#",
    "urn:uuid:",
]
HOSTILE_SHAPES: list[Any] = [
    [],
    {},
    [None],
    [{}],
    [[]],
    ["x"],
    [5],
    {"coding": "x"},
    {"coding": [None]},
    {"coding": [{"system": 5, "code": []}]},
    {"value": "x"},
    {"value": 1e308, "unit": "mg"},
    {"value": -1, "unit": "mg"},
    {"reference": 5},
    {"reference": ""},
    {"start": "yesterday", "end": "2024-13-45"},
    {"start": "9999-12-31", "end": "0001-01-01"},
]

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
hostile_values = st.one_of(
    st.sampled_from(HOSTILE_SCALARS),
    st.sampled_from(HOSTILE_SHAPES).map(copy.deepcopy),  # each use gets its own object
    json_values,
)


# --- paths inside JSON documents -----------------------------------------------------------------
Path = tuple[str | int, ...]


def paths(value: Any, prefix: Path = ()) -> Iterator[Path]:
    """Every path to a value inside `value` (dict keys and list indexes), depth first."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from paths(item, (*prefix, index))


def set_at(document: Any, path: Path, value: Any) -> None:
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


def resources_of(request: dict[str, Any]) -> list[dict[str, Any]]:
    """The resource dicts inside a request's prefetch and draft orders (live references)."""
    found: list[dict[str, Any]] = []
    for value in (request.get("prefetch") or {}).values():
        if isinstance(value, dict) and value.get("resourceType") == "Bundle":
            found.extend(e["resource"] for e in value.get("entry", []))
        elif isinstance(value, dict):
            found.append(value)
    drafts = (request.get("context") or {}).get("draftOrders") or {}
    found.extend(e["resource"] for e in drafts.get("entry", []))
    return found


def deep(depth: int, leaf: bytes = b'"x"', *, array: bool = False) -> bytes:
    """Raw JSON nested `depth` levels (built as bytes: json.dumps itself would recurse)."""
    if array:
        return b"[" * depth + leaf + b"]" * depth
    return b'{"a":' * depth + leaf + b"}" * depth


def with_raw(document: dict[str, Any], marker_path: Path, raw: bytes) -> bytes:
    """`document` as JSON with the value at `marker_path` replaced by the raw bytes `raw`."""
    marked = copy.deepcopy(document)
    set_at(marked, marker_path, "__RAW_VALUE__")
    encoded = orjson.dumps(marked)
    assert encoded.count(b'"__RAW_VALUE__"') == 1
    return encoded.replace(b'"__RAW_VALUE__"', raw)


# --- feedback --------------------------------------------------------------------------------
def timestamps() -> st.SearchStrategy[Any]:
    offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
    aware = st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=offsets
    ).map(lambda d: d.isoformat())
    naive = st.datetimes().map(lambda d: d.isoformat())
    edges = st.sampled_from(
        [
            "9999-12-31T23:59:59Z",
            "9999-12-31T23:59:59-12:00",
            "0001-01-01T00:00:00Z",
            "0001-01-01T00:00:00+14:00",
            "2025-06-02",
            "2025-06-02T14:30:00",
            "2025-06-02T24:00:00Z",
            "2025-02-30T14:30:00Z",
            "yesterday",
            0,
            -1,
            1e308,
        ]
    )
    return st.one_of(edges, aware, naive, hostile_values)


def well_formed_items(cards: list[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Feedback items as an EHR writes them (CDS Hooks 2.0.1 #feedback), for issued cards or
    unknown ones, with timestamps anywhere in the calendar and any offset."""
    uuids = [card["uuid"] for card in cards]
    reasons = [r for card in cards for r in card.get("overrideReasons", [])]
    # Any character but NUL, which no EHR writes and the models refuse (models/text.py).
    text = st.characters(codec="utf-8", exclude_characters="\x00")
    card = st.one_of(st.sampled_from(uuids), st.text(text, min_size=1, max_size=50))
    offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
    stamp = st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=offsets
    ).map(lambda d: d.isoformat())
    accepted = st.fixed_dictionaries(
        {"card": card, "outcome": st.just("accepted"), "outcomeTimestamp": stamp},
        optional={
            "acceptedSuggestions": st.lists(
                st.fixed_dictionaries({"id": st.text(text, min_size=1, max_size=40)}), max_size=3
            )
        },
    )
    overridden = st.fixed_dictionaries(
        {"card": card, "outcome": st.just("overridden"), "outcomeTimestamp": stamp},
        optional={
            "overrideReason": st.fixed_dictionaries(
                {"reason": st.sampled_from(reasons)},
                optional={"userComment": st.text(text, max_size=200)},
            )
        },
    )
    return st.one_of(accepted, overridden)


# Where a feedback item is broken, and the hostile values that go there.
FEEDBACK_BREAKS: list[tuple[tuple[str, ...], st.SearchStrategy[Any]]] = [
    (("card",), hostile_values),
    (("outcome",), hostile_values),
    (("outcomeTimestamp",), timestamps()),
    (("overrideReason",), hostile_values),
    (("overrideReason", "reason"), hostile_values),
    (("overrideReason", "reason", "code"), hostile_values),
    (("overrideReason", "userComment"), hostile_values),
    (("acceptedSuggestions",), hostile_values),
    (("extension",), json_values),
]


def draw_feedback(data: st.DataObject, cards: list[dict[str, Any]]) -> tuple[str, Any]:
    """(shape, body): well-formed items, as written or with one field broken, or a broken body."""
    items = data.draw(st.lists(well_formed_items(cards), min_size=1, max_size=4), label="items")
    shape = data.draw(st.sampled_from(["as written", "one field broken", "body broken"]))
    body: Any = {"feedback": items}
    if shape == "one field broken":
        item = items[data.draw(st.integers(0, len(items) - 1), label="item")]
        where, values = data.draw(st.sampled_from(FEEDBACK_BREAKS), label="field")
        if where[0] == "overrideReason" and len(where) > 1:
            item["outcome"] = "overridden"
            item.pop("acceptedSuggestions", None)
            reason = item.setdefault("overrideReason", {"reason": {"code": "x", "display": "x"}})
            if len(where) > 2:
                reason["reason"] = dict(reason["reason"])
        set_at(item, where, data.draw(values, label="value"))
    elif shape == "body broken":
        body = data.draw(
            st.one_of(hostile_values, st.fixed_dictionaries({"feedback": hostile_values})),
            label="body",
        )
    return shape, body
