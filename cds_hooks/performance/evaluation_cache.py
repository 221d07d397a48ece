"""Evaluations of recently seen charts, so the same chart opened again is not mapped twice.

An EHR fires patient-view on every chart open, and order-select / order-sign follow one another
for the same patient within minutes: the same resources come back again and again. Mapping them to
a PatientRecord and running the rules costs milliseconds (issue 6); a lookup costs microseconds.

The key is a SHA-256 digest of everything `evaluate()` reads: hook, service, patient, as-of date,
selections, draft orders, what could not be had and why (unavailable, incomplete, unread
Medications), and each resource, named by (resourceType, id, meta.versionId,
meta.lastUpdated, subject or patient) when it carries a version, else by its full JSON; and of
where the chart came from (`origin`: the fhirServer, the token's issuer and tenant), so that one
tenant's chart is never answered with another's cards when both send the same ids and meta, nor a
resource whose subject changed without a new version (review 16 M1). FHIR servers change versionId
and lastUpdated with every change of a resource (R4 Resource.meta), so a versioned resource is
identified without serialising it again, which would cost as much as the rest of a cached answer
(issue 6); one without either (an EHR that builds prefetch itself, a draft) is identified by its
content, so a changed resource is never answered from a stale record. Entries expire after a short
TTL and the cache is bounded (LRU). Snoozes and dedupe are applied after the lookup, on every
call, so a cached evaluation never hides a snooze recorded since. The cache holds patient data
only in this process's memory, as the timeline cache does.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

import orjson

from services.evaluation import HookInput

T = TypeVar("T")

DEFAULT_TTL_SECONDS = 300.0


class Unset:
    """The type of UNSET: no key given (None is a key: "not cacheable")."""


UNSET = Unset()
DEFAULT_MAX_ENTRIES = 256
_NO_SUBJECT = object()  # equal to no JSON value: no subject named in full yet


def digest(hook_input: HookInput, origin: tuple[str | None, ...] = ()) -> bytes | None:
    """The cache key of a hook input from `origin` (fhirServer, issuer, tenant), or None when
    its resources are not plain JSON (then the input is evaluated without the cache)."""
    names: list[object] = []
    unversioned: list[object] = []
    # The last subject named in full when it was a plain one-key reference string: nearly every
    # resource of a chart has the same {"reference": "Patient/<id>"}, which a four-item name
    # stands for (issue 14: a third of the bytes hashed). Compared whole, one dict comparison
    # (issue 14: the type, length and reference checks of every resource were a third of the
    # walk): a JSON value equals it only when it is a one-key dict whose "reference" is that
    # same string (str equality is exact; 1 == True is not), and _NO_SUBJECT equals nothing.
    # A five-item name never reads as a four-item one.
    last_subject: object = _NO_SUBJECT
    for resource in hook_input.resources:
        # (resourceType, id, versionId, lastUpdated) of a versioned resource. Exact type checks
        # and no helper call: this runs for every resource of every call.
        meta = resource.get("meta")
        rid = resource.get("id")
        if type(meta) is dict and type(rid) is str and rid:
            version = meta.get("versionId")
            updated = meta.get("lastUpdated")
            if (type(version) is str and version) or (type(updated) is str and updated):
                # The subject too: ids are unique per server, not per tenant or patient.
                subject = resource.get("subject") or resource.get("patient")
                kind = resource.get("resourceType")
                if subject == last_subject:
                    names.append((kind, rid, version, updated))
                    continue
                if (
                    type(subject) is dict
                    and len(subject) == 1
                    and type(subject.get("reference")) is str
                ):
                    last_subject = subject
                else:
                    last_subject = _NO_SUBJECT
                names.append((kind, rid, version, updated, subject))
                continue
        names.append(len(unversioned))  # its position among the resources named by content
        unversioned.append(resource)
    try:
        payload = orjson.dumps(
            [
                origin,
                hook_input.service_id,
                hook_input.hook,
                hook_input.patient_id,
                hook_input.as_of.isoformat(),
                list(hook_input.selections),
                list(hook_input.draft_orders),
                sorted(hook_input.unavailable.items()),
                sorted(hook_input.incomplete.items()),
                sorted(hook_input.read_failed),
                sorted(hook_input.unread_medications.items()),
                names,
                unversioned,
            ]
        )
    except TypeError:  # orjson.JSONEncodeError: a value JSON cannot hold
        return None
    return hashlib.sha256(payload).digest()


class EvaluationCache(Generic[T]):
    """Holds what `compute` made of a hook input (an Evaluation, or the runner's rendering of one)."""

    def __init__(
        self,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl_seconds
        self._max = max_entries
        self._clock = clock
        self._items: OrderedDict[bytes, tuple[float, T]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def evaluate(
        self,
        hook_input: HookInput,
        compute: Callable[[HookInput], T],
        *,
        key: bytes | None | Unset = UNSET,
        origin: tuple[str | None, ...] = (),
    ) -> tuple[T, bool]:
        """(compute(hook_input), from the cache when the same input was seen within the TTL;
        whether it came from the cache). `key`: `digest(hook_input)` when the caller has it
        already (a miss on the event loop, runner.py), so a 160 KB chart is not digested twice."""
        if self._max <= 0:
            return compute(hook_input), False
        if isinstance(key, Unset):
            key = digest(hook_input, origin)
        if key is None:
            return compute(hook_input), False
        now = self._clock()
        with self._lock:
            entry = self._items.get(key)
            if entry is not None and entry[0] > now:
                self._items.move_to_end(key)
                self.hits += 1
                return entry[1], True
            if entry is not None:
                del self._items[key]
            self.misses += 1
        evaluation = compute(hook_input)
        with self._lock:
            self._items[key] = (self._clock() + self._ttl, evaluation)
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)
        return evaluation, False

    def get(self, hook_input: HookInput, origin: tuple[str | None, ...] = ()) -> T | None:
        """What the cache holds for `hook_input`, without computing anything (None: a miss)."""
        return self.lookup(hook_input, origin)[1]

    def lookup(
        self, hook_input: HookInput, origin: tuple[str | None, ...] = ()
    ) -> tuple[bytes | None, T | None]:
        """(the input's key, what the cache holds for it or None), without computing anything;
        the key can be handed to `evaluate` after a miss."""
        if self._max <= 0:
            return None, None
        key = digest(hook_input, origin)
        if key is None:
            return None, None
        with self._lock:
            entry = self._items.get(key)
            if entry is None or entry[0] <= self._clock():
                return key, None
            self._items.move_to_end(key)
            self.hits += 1
            return key, entry[1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
