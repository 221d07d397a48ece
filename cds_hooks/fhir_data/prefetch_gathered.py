"""What gathering a hook call's data yields (`Gathered`): the resources, the keys read from the
FHIR server, the keys missing and why, and, by feed, what could not be had or is incomplete.

Apart from prefetch.py because both the gathering there and the fetching in prefetch_fetch.py fill
it in. Importable from prefetch.py too.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Gathered:
    resources: list[dict[str, Any]] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)  # keys read from the FHIR server
    missing: dict[str, str] = field(default_factory=dict)  # key -> why it could not be had
    # Prefetched Bundles that report a failed search: key -> the OperationOutcome's issue codes.
    failed: dict[str, str] = field(default_factory=dict)
    # Prefetched values holding none of their key's resource type (prefetch_types.py): key ->
    # what they hold ("holds Patient, not Condition"), a failed prefetch as `failed` is.
    wrong_type: dict[str, str] = field(default_factory=dict)
    skipped: int = 0  # entries that were not FHIR resources
    # The same, by feed (a resource type, or "Observation:labs": fhir_mapping/gap_feeds.py `feed`), for
    # the mapping: "not available" rather than "not on record".
    unavailable: dict[str, str] = field(default_factory=dict)  # feed -> why none could be had
    incomplete: dict[str, str] = field(default_factory=dict)  # feed -> why some may be missing
    # The feeds among `unavailable` whose read was tried and failed (a FHIR search that answered
    # an error, timed out or was unreadable; a prefetch key the EHR filled with an error
    # OperationOutcome), apart from data merely not offered: the mapping names them on every
    # card they touch (GapCause.NOT_READ; review s21 RC W1-W3).
    read_failed: set[str] = field(default_factory=set)
    # The resources read from the FHIR server (the same objects as in `resources`): another
    # patient's among them is the server's fault, not the request's (hook_context, s21 RC M1).
    served: list[dict[str, Any]] = field(default_factory=list)
    # Prefetched Bundles with a `next` link: (key, the feeds they hold, the next url).
    pages: list[tuple[str, tuple[str, ...], str]] = field(default_factory=list)
    # Those Bundles' own match entries and declared `total`, by key: the next pages read must
    # bring the matches up to it, or the data is incomplete (review K51b finding 5).
    page_counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Referenced Medications nobody sent that the FHIR server did not give, or that no server
    # could be asked for: id -> why, in the service's own words (no token, no response body).
    unread_medications: dict[str, str] = field(default_factory=dict)
    # Keys whose absence fails the call though the service does not require them: the `patient`
    # read when the FHIR server does not know the patient and nothing of the patient's own was
    # had (review 16 W1; `unknown_patient`). Settled when `gather` returns.
    fatal_missing: set[str] = field(default_factory=set)

    def mark_missing(
        self, key: str, fed: str, reason: str, *, long: str | None = None, failed: bool = False
    ) -> None:
        """`fed`: the feed of the key's data; `reason` for the 412 body (keyed by the key
        already); `long` for the cards. `failed`: the read was tried and failed (the server
        answered an error, or the EHR sent an error OperationOutcome in place of the data), as
        opposed to data nobody offered."""
        self.missing[key] = reason
        self.unavailable.setdefault(fed, long or f"prefetch key {key!r}: {reason}")
        if failed:
            self.read_failed.add(fed)

    def required_missing(self, required: AbstractSet[str]) -> dict[str, str]:
        """Why each key the call cannot go without could not be had: the required keys missing,
        else the keys `gather` found fatal. One rule for the HTTP 412 (runner.py) and offline
        evaluation (offline.py), so both name the same keys with the same reasons (review s26 RX
        finding 2: offline called a key sent as an OperationOutcome "lacking")."""
        keys = sorted(set(self.missing) & required) or sorted(self.fatal_missing)
        return {key: self.missing[key] for key in keys}

    def mark_incomplete(self, feeds: Sequence[str], reason: str) -> None:
        for fed in feeds:
            self.incomplete.setdefault(fed, reason)
