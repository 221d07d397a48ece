"""Hypothesis-generated hostile requests through the whole app (issue 5, "Fault tolerance": no 5xx,
ever). Each test starts from a realistic request (tests/fixtures/scenarios.py) and breaks one
thing: a field of the envelope, a prefetch value, a field deep inside a resource, the patient id,
Bundle entries, a feedback item. Every answer must be clean (hostile.assert_clean), and each test
also pins the status the break must produce.

Settings are bounded and derandomised so CI is reproducible and the folder runs in well under two
minutes on two cores.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import event, given
from hypothesis import strategies as st

from cds_hooks.storage.issued_cards import IssuedCard
from tests.faults.harness import ALL_KEYS
from tests.fuzz.hostile import (
    BASES,
    FEEDBACK,
    FUZZ,
    PATIENT_VIEW,
    assert_clean,
    base_request,
    draw_feedback,
    hostile_values,
    paths,
    post,
    resources_of,
    set_at,
    topics,
)

KINDS = sorted(BASES)


def _path_of(kind: str) -> str:
    return BASES[kind][0]


@pytest.fixture(scope="module")
def base_topics(fuzz_client: TestClient) -> dict[str, list[str]]:
    answers = {k: assert_clean(post(fuzz_client, _path_of(k), base_request(k))) for k in KINDS}
    for kind, body in answers.items():
        assert body["cards"], f"the {kind} base scenario must produce cards"
    return {kind: topics(body) for kind, body in answers.items()}


# --- the envelope -------------------------------------------------------------------------------
# Every field of a hook request (CDS Hooks 2.0.1 #http-request), the whole body, and the parents of
# nested fields. fhirAuthorization is added first where one of its fields is targeted.
ENVELOPE_PATHS: list[tuple[str, ...]] = [
    (),
    ("hook",),
    ("hookInstance",),
    ("fhirServer",),
    ("fhirAuthorization",),
    ("fhirAuthorization", "access_token"),
    ("fhirAuthorization", "token_type"),
    ("fhirAuthorization", "expires_in"),
    ("fhirAuthorization", "scope"),
    ("fhirAuthorization", "subject"),
    ("context",),
    ("context", "userId"),
    ("context", "patientId"),
    ("context", "encounterId"),
    ("context", "selections"),
    ("context", "draftOrders"),
    ("context", "draftOrders", "resourceType"),
    ("context", "draftOrders", "entry"),
    ("prefetch",),
]


def _no_url(value: Any) -> bool:
    # Belt and braces: a generated fhirServer must never look like a server the service may call.
    return "://" not in repr(value)


@FUZZ
@given(
    kind=st.sampled_from(KINDS),
    where=st.sampled_from(ENVELOPE_PATHS),
    value=hostile_values.filter(_no_url),
)
def test_wrong_types_at_every_envelope_field(
    fuzz_client: TestClient, kind: str, where: tuple[str, ...], value: Any
) -> None:
    request: Any = base_request(kind)
    if where[:1] == ("fhirAuthorization",) and len(where) > 1:
        request["fhirAuthorization"] = {"access_token": "opaque", "token_type": "Bearer"}
    if where[:2] == ("context", "draftOrders") and len(where) > 2:
        request["context"].setdefault("draftOrders", {"resourceType": "Bundle", "entry": []})
    if where:
        set_at(request, where, value)
    else:
        request = value
    response = post(fuzz_client, _path_of(kind), request)
    event(f"status {response.status_code}")  # --hypothesis-show-statistics
    assert_clean(response)
    # 412: the prefetch was replaced by something with no data, and there is no fhirServer.
    assert response.status_code in (200, 400, 412)


@FUZZ
@given(
    kind=st.sampled_from(KINDS),
    replaced=st.dictionaries(
        st.sampled_from([*ALL_KEYS, "an-ehr-own-key"]),
        st.one_of(hostile_values, st.just("__ABSENT__")),
        min_size=1,
        max_size=4,
    ),
)
def test_prefetch_values_of_every_json_type(
    fuzz_client: TestClient, kind: str, replaced: dict[str, Any]
) -> None:
    request = base_request(kind)
    for key, value in replaced.items():
        if value == "__ABSENT__":
            request["prefetch"].pop(key, None)
        else:
            request["prefetch"][key] = value
    response = post(fuzz_client, _path_of(kind), request)
    event(f"status {response.status_code}")  # --hypothesis-show-statistics
    assert_clean(response)
    # The envelope is intact, so never a 400; a required key without data and without a
    # fhirServer to fetch it from is a 412.
    assert response.status_code in (200, 412)


# --- Bundles and resources ----------------------------------------------------------------------
def _not_a_resource_entry(value: Any) -> bool:
    resource = value.get("resource") if isinstance(value, dict) else None
    return not (isinstance(resource, dict) and isinstance(resource.get("resourceType"), str))


@FUZZ
@given(
    kind=st.sampled_from(KINDS),
    data=st.data(),
    junk=st.lists(
        st.one_of(
            hostile_values,
            st.fixed_dictionaries({"resource": hostile_values}),
            st.fixed_dictionaries({"search": hostile_values, "fullUrl": hostile_values}),
        ).filter(_not_a_resource_entry),
        min_size=1,
        max_size=8,
    ),
)
def test_bundle_entries_that_are_junk_lose_nothing_and_are_said(
    fuzz_client: TestClient,
    base_topics: dict[str, list[str]],
    kind: str,
    data: st.DataObject,
    junk: list[Any],
) -> None:
    request = base_request(kind)
    bundles = sorted(k for k, v in request["prefetch"].items() if v.get("resourceType") == "Bundle")
    for item in junk:
        bundle = request["prefetch"][data.draw(st.sampled_from(bundles), label="bundle")]
        entries = bundle.setdefault("entry", [])
        entries.insert(data.draw(st.integers(0, len(entries)), label="position"), item)
    response = post(fuzz_client, _path_of(kind), request)
    # Entries that hold no resource are skipped and counted, and their key's data is incomplete
    # (review 19 R2 W3: not "none on record"): every card the readable entries give is still
    # given, and a card added says what could not be read (a data-quality card, an order check
    # not made: "Allergies could not be read", "lab results could not all be read").
    event(f"status {response.status_code}")  # --hypothesis-show-statistics
    body = assert_clean(response)
    assert [t for t in topics(body) if t in base_topics[kind]] == base_topics[kind]
    for card in body["cards"]:
        if card["source"]["topic"]["code"] not in base_topics[kind]:
            assert "could not" in card["summary"] or "incomplete" in card["summary"], card


# FHIR element names the mapping reads (medications, scores, labs, context), added where they are
# absent so that a hostile value can also appear in a field the resource did not have. Swept
# name by name, each with a value of every JSON type, in test_field_swaps.py.
READ_FIELDS = [
    "authoredOn",
    "dosageInstruction",
    "dispenseRequest",
    "medicationCodeableConcept",
    "medicationReference",
    "effectiveDateTime",
    "effectivePeriod",
    "dateAsserted",
    "whenHandedOver",
    "daysSupply",
    "quantity",
    "valueQuantity",
    "valueInteger",
    "valueCodeableConcept",
    "component",
    "hasMember",
    "derivedFrom",
    "interpretation",  # review 19 R2 W1: `true` here was a 500
    "referenceRange",
    "diagnosis",
    "issue",
    "code",
    "category",
    "status",
    "subject",
    "clinicalStatus",
    "verificationStatus",
    "onsetDateTime",
    "abatementDateTime",
    "recordedDate",
    "performedDateTime",
    "performedPeriod",
    "occurrenceDateTime",
    "birthDate",
    "gender",
    "meta",
    "contained",
]


@FUZZ
@given(
    kind=st.sampled_from(KINDS),
    data=st.data(),
    value=hostile_values,
    fresh_id=st.booleans(),
)
def test_resources_with_wrong_typed_fields(
    fuzz_client: TestClient, kind: str, data: st.DataObject, value: Any, fresh_id: bool
) -> None:
    request = base_request(kind)
    resources = resources_of(request)
    resource = resources[data.draw(st.integers(0, len(resources) - 1), label="resource")]
    if data.draw(st.booleans(), label="add a field"):
        set_at(resource, (data.draw(st.sampled_from(READ_FIELDS), label="field"),), value)
    else:
        where = [p for p in paths(resource) if p != ("resourceType",)]
        set_at(resource, data.draw(st.sampled_from(where), label="path"), value)
    if fresh_id:
        # A new id forces model validation; the same id (with the same meta) may be answered from
        # the validation cache, as a server that does not version its resources would make happen.
        resource["id"] = "fuzzed-" + str(resource.get("id"))[:40]
    response = post(fuzz_client, _path_of(kind), request)
    event(f"status {response.status_code}")  # --hypothesis-show-statistics
    assert_clean(response)
    # A broken resource is skipped, never fatal (fhir_mapping/parse.py): the chart is answered.
    # A broken draft order or selection is the order hooks' input, also answered.
    assert response.status_code == 200


ODD_PATIENT_IDS = [
    "Patient/",
    "Patient/Patient/x",
    "../../Patient/x",
    "x/_history/1",
    "x?_format=xml",
    "Patient/x#y",
    " ",
    "\x00",
    "\u202e",
    "-",
    ".",
    "a" * 65,
    "a" * 10_000,
]


@FUZZ
@given(
    kind=st.sampled_from(KINDS),
    patient_id=st.one_of(
        st.sampled_from(ODD_PATIENT_IDS),
        st.text(max_size=80),
        st.text(max_size=40).map(lambda t: "Patient/" + t),
    ),
)
def test_patient_ids_of_odd_shapes(fuzz_client: TestClient, kind: str, patient_id: str) -> None:
    request = base_request(kind)
    request["context"]["patientId"] = patient_id
    response = post(fuzz_client, _path_of(kind), request)
    event(f"status {response.status_code}")  # --hypothesis-show-statistics
    body = assert_clean(response)
    # Any string is a patient id to the envelope, but the prefetch is all another patient's (or
    # the id is blank): a 400 naming context.patientId, never cards about the wrong patient.
    assert response.status_code == 400
    assert "context.patientId" in body["message"]


# --- feedback -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def issued_cards(fuzz_client: TestClient) -> list[dict[str, Any]]:
    """Cards the service really issued (their feedback reaches the snooze logic)."""
    body = assert_clean(post(fuzz_client, PATIENT_VIEW, base_request("patient-view")))
    cards: list[dict[str, Any]] = body["cards"]
    assert any(card.get("overrideReasons") for card in cards)
    return cards


@FUZZ
@given(data=st.data())
def test_feedback_bodies(
    fuzz_client: TestClient, issued_cards: list[dict[str, Any]], data: st.DataObject
) -> None:
    shape, body = draw_feedback(data, issued_cards)
    response = post(fuzz_client, FEEDBACK, body)
    event(f"{shape}: status {response.status_code}")  # --hypothesis-show-statistics
    assert_clean(response, feedback=True)
    # 409: every item contradicts the answer an earlier example stored for its card.
    assert response.status_code in (200, 400, 409)
    if shape == "as written":  # every well-formed item naming an issued card is stored ...
        issued = {card["uuid"] for card in issued_cards}
        unknown = [
            f"feedback.{n}.card"
            for n, item in enumerate(body["feedback"])
            if item["card"] not in issued
        ]
        answer = response.json()
        if len(unknown) < len(body["feedback"]):  # ... and the others named (review 8 #5) ...
            if response.status_code == 200:
                assert answer.get("unknownCards", []) == unknown
            else:  # ... but items saying what their card refuses (review 16 M2) are not
                assert answer["details"].get("unknownCards", []) == unknown
                refused = answer["details"]["refused"]
                assert len(refused) + len(unknown) == len(body["feedback"])
        else:  # ... unless none names a card the service issued: then the batch is refused
            assert response.json()["error"] == "unknown-card"


def _unanswered(fuzz_client: TestClient, card: dict[str, Any]) -> dict[str, Any]:
    """`card` issued again under a new uuid, as another hook call would issue it: the fuzzed
    bodies above answered the module's cards already, and a card has one answer (another is
    refused, 409: review 16 M2)."""
    store = fuzz_client.app.state.store  # type: ignore[attr-defined]
    issued = store.issued_card(card["uuid"])
    again = dataclasses.replace(issued, card_uuid=str(uuid.uuid4()))
    store.record_issued([again], datetime.now(UTC))
    return {**card, "uuid": again.card_uuid}


@pytest.mark.parametrize("stamp", ["9999-12-31T23:59:59Z", "9000-01-01T00:00:00+05:00"])
def test_feedback_far_in_the_future_snoozes_from_now(
    fuzz_client: TestClient, issued_cards: list[dict[str, Any]], stamp: str
) -> None:
    """An override stamped near the end of time (a broken EHR clock) is stored, and its snooze
    runs from now, not from that stamp: a future stamp must not silence a topic for ever (and
    the stamp plus the snooze must not overflow the date)."""
    store = fuzz_client.app.state.store  # type: ignore[attr-defined]
    policy = fuzz_client.app.state.settings.clinical_policy()  # type: ignore[attr-defined]
    card = next(
        c
        for c in issued_cards
        if c.get("overrideReasons") and store.issued_card(c["uuid"]).snoozable
    )
    card = _unanswered(fuzz_client, card)
    issued = store.issued_card(card["uuid"])
    assert issued.patient_key is not None
    item = {
        "card": card["uuid"],
        "outcome": "overridden",
        "overrideReason": {"reason": card["overrideReasons"][0]},
        "outcomeTimestamp": stamp,
    }
    response = post(fuzz_client, FEEDBACK, {"feedback": [item]})
    assert assert_clean(response, feedback=True) == {
        "stored": 1,
        "received": 1,
        "snoozed": ["feedback.0"],
    }
    now = datetime.now(UTC)
    assert issued.topic in store.snoozed_topics(issued.patient_key, now)
    later = now + timedelta(days=policy.snooze_days, minutes=5)
    assert issued.topic not in store.snoozed_topics(issued.patient_key, later)


_OUT_OF_RANGE = "outcomeTimestamp is out of range once converted to UTC"
_NOT_RFC3339 = "outcomeTimestamp must be an RFC 3339 date-time string with an offset"


@pytest.mark.parametrize(
    ("stamp", "status", "says"),
    [
        ("0001-01-01T00:00:00Z", 200, ""),
        ("0001-01-01T00:00:00+14:00", 400, _OUT_OF_RANGE),  # year 0 in UTC
        ("9999-12-31T23:59:59-12:00", 400, _OUT_OF_RANGE),  # year 10000 in UTC
        # Not RFC 3339 date-times (review s24 M3: they were read as UTC midnight, UTC, epoch).
        ("2025-06-02T14:30:00", 400, _NOT_RFC3339),  # no offset: whose zone?
        ("2025-06-02", 400, _NOT_RFC3339),
        (1764900000, 400, _NOT_RFC3339),
    ],
)
def test_feedback_stamps_at_the_ends_of_the_calendar(
    fuzz_client: TestClient,
    issued_cards: list[dict[str, Any]],
    stamp: str | int,
    status: int,
    says: str,
) -> None:
    card = _unanswered(fuzz_client, next(c for c in issued_cards if c.get("overrideReasons")))
    item = {
        "card": card["uuid"],
        "outcome": "overridden",
        "overrideReason": {"reason": card["overrideReasons"][0]},
        "outcomeTimestamp": stamp,
    }
    response = post(fuzz_client, FEEDBACK, {"feedback": [item]})
    body = assert_clean(response, feedback=True)
    assert response.status_code == status, body
    if status == 400:
        assert body["message"].startswith(
            f"invalid feedback.0.outcomeTimestamp: Value error, {says}"
        )


@pytest.mark.parametrize(("count", "status"), [(1000, 200), (1001, 400)])
def test_feedback_item_count_is_bounded(fuzz_client: TestClient, count: int, status: int) -> None:
    items = [
        {"card": f"card-{n}", "outcome": "accepted", "outcomeTimestamp": "2025-06-02T14:30:00Z"}
        for n in range(count)
    ]
    # Feedback is accepted only for cards the service issued (store.py): these were.
    store = fuzz_client.app.state.store  # type: ignore[attr-defined]
    store.record_issued(
        [
            IssuedCard(item["card"], "trd-patient-view", "h-1", "tms-referral", None, None, True)
            for item in items
        ],
        datetime.now(UTC),
    )
    response = post(fuzz_client, FEEDBACK, {"feedback": items})
    assert_clean(response, feedback=True)
    assert response.status_code == status
