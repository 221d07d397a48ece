"""Bodies no JSON library would write: nesting past any parser's limit, huge strings, bytes that are
not UTF-8, NaN and Infinity literals, duplicate keys, absurd entry counts (issue 5, "Fault
tolerance": no 5xx, ever). Built as raw bytes, at the exact boundaries that matter:

- orjson refuses nesting deeper than 1024 (the body is a 400 before any Python recursion);
- orjson *serialises* at most 254 levels, and the mapping, the validation cache and the evaluation
  cache serialise resources (fhir_mapping/build.py `_canonical`, fhir_mapping/parse.py,
  cds_hooks/performance/evaluation_cache.py), so depths on both sides of 254 inside a resource are tested;
- the body limit is `server.max_body_bytes` (5 MiB by default), enforced from Content-Length and,
  for chunked bodies, while reading.
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from cds_hooks.config.settings import Settings
from cds_hooks.storage.issued_cards import IssuedCard
from cds_hooks.storage.timestamps import utcnow
from tests.fuzz.hostile import (
    FEEDBACK,
    JSON,
    PATIENT_VIEW,
    assert_clean,
    base_request,
    deep,
    post,
    resources_of,
    topics,
    with_raw,
)

PARSER_DEPTH_LIMIT = 1024  # orjson.loads
SERIALISER_DEPTH_LIMIT = 254  # orjson.dumps


def _feedback_body() -> dict[str, Any]:
    return {
        "feedback": [
            {
                "card": "7d6c6e3b-61b4-4d0b-9a43-f0e7b1f0c0a1",
                "outcome": "accepted",
                "outcomeTimestamp": "2025-06-02T14:30:00Z",
            }
        ]
    }


@pytest.fixture(scope="module")
def base_topics(fuzz_client: TestClient) -> list[str]:
    body = assert_clean(post(fuzz_client, PATIENT_VIEW, base_request()))
    assert body["cards"], "the base scenario must produce cards, or the comparisons prove nothing"
    return topics(body)


# --- nesting ------------------------------------------------------------------------------------
@pytest.mark.parametrize("depth", [PARSER_DEPTH_LIMIT + 1, 10_000, 100_000])
@pytest.mark.parametrize("array", [False, True], ids=["objects", "arrays"])
@pytest.mark.parametrize(
    ("path", "where"),
    [
        (PATIENT_VIEW, None),
        (PATIENT_VIEW, ("context", "patientId")),
        (PATIENT_VIEW, ("prefetch", "conditions", "entry", 0, "resource", "code")),
        (FEEDBACK, None),
        (FEEDBACK, ("feedback", 0, "card")),
    ],
    ids=["hook-root", "hook-context", "hook-resource", "feedback-root", "feedback-item"],
)
def test_nesting_past_the_parser_limit_is_a_400(
    fuzz_client: TestClient, path: str, where: tuple[Any, ...] | None, depth: int, array: bool
) -> None:
    if where is None:
        raw = deep(depth, array=array)
    else:
        document = base_request() if path == PATIENT_VIEW else _feedback_body()
        raw = with_raw(document, where, deep(depth, array=array))
    response = post(fuzz_client, path, raw)
    body = assert_clean(response, feedback=path == FEEDBACK)
    assert response.status_code == 400
    assert body["error"] == "bad-request"
    assert "depth limit exceeded" in body["message"]


def _place(kind: str, depth: int) -> bytes:
    """A realistic request with a value nested `depth` levels at the place `kind` names."""
    request = base_request()
    condition = request["prefetch"]["conditions"]["entry"][0]["resource"]
    if kind == "context-extra":
        return with_raw(request, ("context", "extra"), deep(depth))
    if kind == "prefetch-value":
        return with_raw(request, ("prefetch", "extra"), deep(depth))
    if kind == "resource-with-id":
        return with_raw(
            request, ("prefetch", "conditions", "entry", 0, "resource", "code"), deep(depth)
        )
    if kind == "resource-without-id":
        del condition["id"]
        return with_raw(
            request, ("prefetch", "conditions", "entry", 0, "resource", "code"), deep(depth)
        )
    if kind == "duplicate-ids":  # the same resource twice, both deep: dedupe compares versions
        request["prefetch"]["extra"] = {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [{"resource": dict(condition, code="__SECOND__")}],
        }
        raw = with_raw(
            request, ("prefetch", "conditions", "entry", 0, "resource", "code"), deep(depth)
        )
        return raw.replace(b'"__SECOND__"', deep(depth))
    raise AssertionError(kind)


@pytest.mark.parametrize("depth", [1, SERIALISER_DEPTH_LIMIT - 10, 300, 1000])
@pytest.mark.parametrize(
    "kind",
    ["context-extra", "prefetch-value", "resource-with-id", "resource-without-id", "duplicate-ids"],
)
def test_nesting_the_parser_accepts_is_answered(
    fuzz_client: TestClient, kind: str, depth: int
) -> None:
    # Past 254 levels, the mapping's dedupe could not serialise a resource without an id or with
    # a repeated id (fhir_mapping/build.py _canonical) and the TypeError was a 500.
    response = post(fuzz_client, PATIENT_VIEW, _place(kind, depth))
    assert_clean(response)
    # A value the rules do not read, or a resource the model validation rejects (a Condition
    # whose code is not a CodeableConcept), is skipped: the chart is still answered.
    assert response.status_code == 200


def test_feedback_with_deep_extra_fields_is_stored(fuzz_client: TestClient) -> None:
    body = _feedback_body()
    store = fuzz_client.app.state.store  # type: ignore[attr-defined]
    store.record_issued(  # feedback is accepted only for cards the service issued
        [
            IssuedCard(
                body["feedback"][0]["card"],
                "trd-patient-view",
                "h",
                "tms-referral",
                None,
                None,
                True,
            )
        ],
        utcnow(),
    )
    raw = with_raw(body, ("feedback", 0, "extension"), deep(1000))
    response = post(fuzz_client, FEEDBACK, raw)
    assert assert_clean(response, feedback=True) == {"stored": 1, "received": 1}


# --- sizes --------------------------------------------------------------------------------------
# (where the huge string goes, the status it must get): fields with a declared maximum length are
# refused with a 400; free fields and resource text are read and the chart is answered.
_HUGE_PLACES: list[tuple[tuple[Any, ...], int]] = [
    (("hook",), 400),
    (("hookInstance",), 400),
    (("fhirServer",), 400),
    (("context", "patientId"), 400),  # then no prefetched resource is about that patient
    (("context", "userId"), 200),
    (("context", "encounterId"), 200),
    (("context", "selections"), 200),
    (("prefetch", "conditions", "entry", 0, "resource", "code", "text"), 200),
    (("prefetch", "conditions", "entry", 0, "resource", "id"), 200),
    (("prefetch", "huge-key"), 200),
]


@pytest.mark.parametrize(("where", "status"), _HUGE_PLACES, ids=lambda v: str(v))
def test_huge_strings_within_the_body_limit(
    fuzz_client: TestClient, fuzz_settings: Settings, where: tuple[Any, ...], status: int
) -> None:
    request = base_request()
    room = fuzz_settings.server.max_body_bytes - len(orjson.dumps(request)) - 1024
    value: Any = "\u00e9" * (room // 2)  # two bytes each in UTF-8
    if where == ("context", "selections"):
        value = [value]
    if where == ("prefetch", "huge-key"):
        request["prefetch"][value] = None
    else:
        request_at = request
        for step in where[:-1]:
            request_at = request_at[step]
        request_at[where[-1]] = value
    raw = orjson.dumps(request)
    assert (
        fuzz_settings.server.max_body_bytes - 4096 < len(raw) <= fuzz_settings.server.max_body_bytes
    )
    response = post(fuzz_client, PATIENT_VIEW, raw)
    assert_clean(response)
    assert response.status_code == status


def test_huge_feedback_comment_is_a_400(fuzz_client: TestClient) -> None:
    body = _feedback_body()
    body["feedback"][0].update(
        outcome="overridden",
        overrideReason={"reason": {"code": "patient-refuses"}, "userComment": "x" * 2_000_000},
    )
    response = post(fuzz_client, FEEDBACK, body)
    assert assert_clean(response, feedback=True)["error"] == "bad-request"
    assert response.status_code == 400


@pytest.mark.parametrize("extra", [1, 1024 * 1024])
@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("path", [PATIENT_VIEW, FEEDBACK])
def test_a_body_over_the_limit_is_a_413(
    fuzz_client: TestClient, fuzz_settings: Settings, path: str, chunked: bool, extra: int
) -> None:
    limit = fuzz_settings.server.max_body_bytes
    head = b'{"hook": "patient-view", "padding": "'
    raw = head + b"x" * (limit + extra - len(head) - 2) + b'"}'
    assert len(raw) == limit + extra

    def chunks() -> Any:
        for start in range(0, len(raw), 65536):
            yield raw[start : start + 65536]

    response = fuzz_client.post(path, content=chunks() if chunked else raw, headers=JSON)
    body = assert_clean(response, feedback=path == FEEDBACK)
    assert response.status_code == 413
    assert body["error"] == "payload-too-large"


def test_a_body_exactly_at_the_limit_is_read(
    fuzz_client: TestClient, fuzz_settings: Settings, base_topics: list[str]
) -> None:
    head = orjson.dumps(base_request())[:-1] + b',"padding":"'
    raw = head + b"x" * (fuzz_settings.server.max_body_bytes - len(head) - 2) + b'"}'
    assert len(raw) == fuzz_settings.server.max_body_bytes
    response = post(fuzz_client, PATIENT_VIEW, raw)
    assert topics(assert_clean(response)) == base_topics


# --- encodings and literals ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "request body is empty; a JSON object is expected"),
        (b"  \n\t ", "request body is empty; a JSON object is expected"),
        (b"\xef\xbb\xbf{}", "request body is not valid JSON"),  # a UTF-8 byte order mark
        ('{"hook": "patient-view"}'.encode("utf-16"), "request body is not valid UTF-8"),
        (b'{"hook": "patient-\xc0\xafview"}', "request body is not valid UTF-8"),  # overlong "/"
        (b'{"hook": "\xed\xa0\x80"}', "request body is not valid UTF-8"),  # a UTF-16 surrogate
        (b'{"hook": "\\ud800"}', "request body is not valid JSON"),  # an unpaired escape
        (b'{"hook": "patient-view"', "request body is not valid JSON"),
        (b'{"hook": "patient-view"}}', "request body is not valid JSON"),
        (b"[]", "request body must be a JSON object, not list"),
        (b'"patient-view"', "request body must be a JSON object, not str"),
        (b"null", "request body must be a JSON object, not NoneType"),
        (b"5", "request body must be a JSON object, not int"),
    ],
    ids=lambda v: repr(v)[:40],
)
@pytest.mark.parametrize("path", [PATIENT_VIEW, FEEDBACK])
def test_bodies_that_are_not_a_json_object(
    fuzz_client: TestClient, path: str, raw: bytes, message: str
) -> None:
    response = post(fuzz_client, path, raw)
    body = assert_clean(response, feedback=path == FEEDBACK)
    assert response.status_code == 400
    assert body["message"].startswith(message), body


@pytest.mark.parametrize(
    "literal", [b"NaN", b"-NaN", b"Infinity", b"-Infinity", b"1e999", b"-1e400"]
)
@pytest.mark.parametrize(
    ("path", "where"),
    [
        (PATIENT_VIEW, ("context", "patientId")),
        (PATIENT_VIEW, ("prefetch", "observations", "entry", 0, "resource", "valueQuantity")),
        (FEEDBACK, ("feedback", 0, "outcomeTimestamp")),
    ],
    ids=["hook-context", "hook-resource", "feedback-item"],
)
def test_non_finite_number_literals_are_a_400(
    fuzz_client: TestClient, path: str, where: tuple[Any, ...], literal: bytes
) -> None:
    document = base_request() if path == PATIENT_VIEW else _feedback_body()
    response = post(fuzz_client, path, with_raw(document, where, literal))
    body = assert_clean(response, feedback=path == FEEDBACK)
    assert response.status_code == 400
    assert body["message"].startswith("request body is not valid JSON"), body


def test_duplicate_keys_the_last_one_wins(fuzz_client: TestClient, base_topics: list[str]) -> None:
    """orjson keeps the last of duplicate keys (as Python's json does): document what that means."""
    raw = orjson.dumps(base_request())
    assert raw.startswith(b'{"hook":"patient-view",')
    # A hook written twice: the last names the service's hook, so the chart is answered...
    answered = post(fuzz_client, PATIENT_VIEW, b'{"hook":"order-sign",' + raw[1:])
    assert topics(assert_clean(answered)) == base_topics
    # ...and when the last one is wrong, it is refused naming the field (not its value).
    refused = post(fuzz_client, PATIENT_VIEW, raw[:-1] + b',"hook":"order-sign"}')
    assert assert_clean(refused)["message"].startswith("the request's hook does not match")
    assert refused.status_code == 400
    # A prefetch written twice, the last one null: no data, no fhirServer to fetch from -> 412.
    nulled = post(fuzz_client, PATIENT_VIEW, raw[:-1] + b',"prefetch":null}')
    assert assert_clean(nulled)["error"] == "prefetch-unavailable"
    assert nulled.status_code == 412


# --- counts -------------------------------------------------------------------------------------
def test_fifty_thousand_junk_entries_lose_nothing_and_are_said(
    fuzz_client: TestClient, base_topics: list[str]
) -> None:
    """Each is skipped and counted; the scores are incomplete (review 19 R2 W3), said on a
    data-quality card with the item 9 caveat, and every card of the readable chart stays."""
    request = base_request()
    junk: list[Any] = [{}, None, 5, "x", [], {"resource": None}, {"resource": {"id": "x"}}]
    entries = request["prefetch"]["observations"]["entry"]
    entries.extend(junk[i % len(junk)] for i in range(50_000))
    response = post(fuzz_client, PATIENT_VIEW, request)
    body = assert_clean(response)
    assert sorted(topics(body)) == sorted([*base_topics, "data-quality"])
    details = "\n".join(card["detail"] for card in body["cards"])
    assert (
        "Scores may be incomplete: 50000 entries of the prefetched 'observations' Bundle could "
        "not be read" in details
    )
    assert "A later PHQ-9 item 9 answer cannot be ruled out" in details


def test_fifteen_thousand_irrelevant_observations(
    fuzz_client: TestClient, base_topics: list[str]
) -> None:
    request = base_request()
    patient = request["context"]["patientId"]
    heart_rate = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
        "subject": {"reference": f"Patient/{patient}"},
        "effectiveDateTime": "2025-01-01T09:30:00-05:00",
        "valueQuantity": {"value": 72, "unit": "/min"},
    }
    entries = request["prefetch"]["observations"]["entry"]
    entries.extend({"resource": dict(heart_rate, id=f"hr-{i}")} for i in range(15_000))
    assert len(orjson.dumps(request)) < 5 * 1024 * 1024
    response = post(fuzz_client, PATIENT_VIEW, request)
    assert topics(assert_clean(response)) == base_topics


def test_three_thousand_prescriptions(fuzz_client: TestClient) -> None:
    """Many distinct prescriptions (fresh ids) of the same courses: bounded work, a clean answer."""
    request = base_request()
    bundle = request["prefetch"]["medicationRequests"]
    originals = [e["resource"] for e in bundle["entry"]]
    copies = 3000 // max(1, len(originals))
    bundle["entry"] = [
        {"resource": dict(resource, id=f"{resource['id']}-{n}")}
        for resource in originals
        for n in range(copies)
    ]
    assert len(bundle["entry"]) >= 2000
    response = post(fuzz_client, PATIENT_VIEW, request)
    assert_clean(response)
    assert response.status_code == 200


def test_the_base_request_has_what_the_tests_mutate() -> None:
    """Guards the paths used above (a renamed fixture key would turn the tests into no-ops)."""
    request = base_request()
    assert request["context"]["patientId"]
    for key in ("conditions", "observations", "medicationRequests"):
        assert request["prefetch"][key]["entry"], key
    assert request["prefetch"]["conditions"]["entry"][0]["resource"]["id"]
    assert "valueQuantity" in request["prefetch"]["observations"]["entry"][0]["resource"]
    assert len(resources_of(request)) > 10
