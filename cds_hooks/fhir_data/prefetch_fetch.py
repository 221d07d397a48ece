"""What a hook call reads from the FHIR server (prefetch.py's `gather` decides what is needed):
the absent keys and the prefetched Bundles' `next` pages (on the EHR's own server only: the token
goes with them), fetched concurrently within the call's budget; the Medications that medication
resources reference but nobody sent (each read by id; one unreadable is named on the cards, never a
412); and a `patient` read that finds no such patient with nothing of the patient's own had
(`UNKNOWN_PATIENT`: the call fails with a 412 naming it, review 16 W1).

Apart from prefetch.py because this is the I/O (executor, deadlines, FhirError handling), where
prefetch.py reads what the EHR sent. Importable from prefetch.py too.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import Executor, Future
from typing import Any
from urllib.parse import urljoin

from cds_hooks.fhir_data.fhir_source import (
    FhirError,
    FhirNotFound,
    FhirRedirected,
    FhirSource,
    SearchResults,
    same_origin,
)
from cds_hooks.fhir_data.medication_references import unresolved_medications
from cds_hooks.fhir_data.prefetch_gathered import Gathered
from cds_hooks.fhir_data.prefetch_templates import template_type
from cds_hooks.fhir_data.prefetch_types import suspect_types
from cds_hooks.models.request import HookRequest
from fhir_mapping.gaps import feed
from fhir_mapping.request_resources import has_own_resource

# Why a `patient` read answering 404 (or with no Patient) is named: the FHIR server does not know
# the context's patient id, usually an id-mapping mistake (an MRN sent instead of the FHIR id).
UNKNOWN_PATIENT = (
    "the FHIR server does not know context.patientId (the Patient read answered {how}): "
    "check that the EHR sends the FHIR server's Patient id, not an MRN"
)

# Why a `patient` read answering a redirect (301/302/307/308) is named: Epic answers the read of a
# merged patient so (its 4107 "merged"), and the searches by the old id come back empty. Not
# followed, even on the same server: the surviving record's id is another Patient id, and the
# searches would still be the old id's; the EHR must send the surviving id (review K51b finding 4).
MERGED_PATIENT = (
    "the FHIR server redirected the read of context.patientId (HTTP {status}): the patient may "
    "have been merged into another record; check that the EHR sends the surviving Patient id"
)


def unknown_patient(request: HookRequest, result: Gathered) -> None:
    """A FHIR server that does not know the patient answers every search by that id with an
    empty Bundle: read as the chart, that is "nothing to act on" for a chart nobody read (review
    16 W1). So when the `patient` read found no such patient and nothing of the patient's own
    came from prefetch or a search, the call fails with a 412 naming the read, as a prefetch
    that holds only another patient's data is refused (hook_context.require_one_patient): cards
    about nobody are not answered. A missing `patient` alone stays what it is elsewhere, an
    optional key (age not read), and so does a 404 beside data of the patient's own: withholding
    their cards (a suicide-risk card among them) over the Patient read would be the less safe
    choice, and those cards name the gap."""
    patient_id = request.context.patientId
    if (
        result.fatal_missing
        and patient_id is not None
        and has_own_resource(result.resources, patient_id)
    ):
        result.fatal_missing.clear()


def next_pages(
    pages: Sequence[tuple[str, tuple[str, ...], str]], server: str, result: Gathered
) -> list[tuple[str, tuple[str, ...], str]]:
    """The prefetched Bundles' next links that may be followed: only on the EHR's own FHIR
    server, since the token goes with the request. Others leave that data incomplete."""
    allowed: list[tuple[str, tuple[str, ...], str]] = []
    base = server.rstrip("/") + "/"
    for key, kinds, link in pages:
        # A relative link ("Observation?patient=x&page=2") is relative to the server's base
        # (FHIR R4 references): the EHR's own server, followed (review K51b finding 7).
        url = urljoin(base, link) if server else link
        if server and same_origin(url, base):
            allowed.append((key, kinds, url))
        else:
            result.mark_incomplete(
                kinds,
                f"the prefetched {key!r} Bundle has more pages on another server, not followed",
            )
    return allowed


def _wait(future: Future[list[dict[str, Any]]], deadline: float) -> list[dict[str, Any]]:
    # One grace second past the call's deadline in all (not per key), for the worker to notice.
    return future.result(timeout=max(0.0, deadline + 1.0 - time.monotonic()))


def fetch(
    to_fetch: list[tuple[str, str]],
    source: FhirSource,
    executor: Executor,
    deadline: float,
    result: Gathered,
    pages: Sequence[tuple[str, tuple[str, ...], str]] = (),
    problems: Mapping[str, str] | None = None,
    searched: AbstractSet[str] = frozenset(),
) -> None:
    """Fetch the absent keys and the prefetched Bundles' next pages, concurrently. The pages are
    followed with the same limits as a fetched key (page count, size, the call's budget).
    `searched`: the types the service's keys search for (`_own_type`)."""
    futures = {
        key: executor.submit(source.search, query, deadline=deadline) for key, query in to_fetch
    }
    page_futures = [
        (key, kinds, executor.submit(source.search, url, deadline=deadline))
        for key, kinds, url in pages
    ]
    queries = dict(to_fetch)
    problems = problems or {}
    for key, future in futures.items():
        fed = feed(template_type(queries[key]), key)
        # The prefetched value's own problem first (review 16 W3), then the server's.
        first = f"{problems[key]}; " if key in problems else ""
        read = _is_patient_read(queries[key])
        try:
            resources = _wait(future, deadline)
        except FhirNotFound as exc:
            if read:
                why = UNKNOWN_PATIENT.format(how="404")
                result.mark_missing(key, fed, f"{first}FHIR server: {why}", failed=True)
                result.fatal_missing.add(key)  # unless data of the patient's own came
            else:
                result.mark_missing(key, fed, f"{first}FHIR server: {exc}", failed=True)
            continue
        except FhirRedirected as exc:
            if read:
                # A merged patient, as a 404 is an unknown one: fatal unless data of the
                # patient's own came (`unknown_patient`), never a silent empty chart.
                why = MERGED_PATIENT.format(status=exc.status)
                result.mark_missing(key, fed, f"{first}FHIR server: {why}", failed=True)
                result.fatal_missing.add(key)
            else:
                result.mark_missing(key, fed, f"{first}FHIR server: {exc}", failed=True)
            continue
        except FhirError as exc:
            # Tried and failed (review s21 RC W1-W3): not data the EHR never offered, so every
            # card it touches names it (GapCause.NOT_READ).
            result.mark_missing(key, fed, f"{first}FHIR server: {exc}", failed=True)
            continue
        except TimeoutError:
            future.cancel()
            result.mark_missing(
                key, fed, f"{first}FHIR server: the fetch budget ran out", failed=True
            )
            continue
        if read and not any(r.get("resourceType") == "Patient" for r in resources):
            why = UNKNOWN_PATIENT.format(how="with no Patient")
            result.mark_missing(key, fed, f"{first}FHIR server: {why}", failed=True)
            result.fatal_missing.add(key)
            continue
        kept = _own_type(resources, template_type(queries[key]), searched, [fed], result)
        result.resources.extend(kept)
        result.served.extend(kept)
        result.fetched.append(key)
        if isinstance(resources, SearchResults) and resources.incomplete:
            result.mark_incomplete([fed], f"fetching {key!r}: {resources.incomplete}")
    for key, kinds, future in page_futures:
        try:
            resources = _wait(future, deadline)
            own = kinds[0].partition(":")[0] if kinds else ""
            kept = _own_type(resources, own, searched, kinds, result) if own else resources
            result.resources.extend(kept)
            result.served.extend(kept)
            result.fetched.append(f"{key} (next pages)")
            counted = result.page_counts.get(key)
            if isinstance(resources, SearchResults) and counted is not None:
                # The first page's matches and the pages' together, against the first page's
                # total: a server that drops entries between pages leaves the data short, said
                # as a single fetched search says it (review K51b finding 5).
                on_first, total = counted
                if on_first + resources.matches < total:
                    result.mark_incomplete(
                        kinds,
                        f"the prefetched {key!r} Bundle and its next pages hold "
                        f"{on_first + resources.matches} of the {total} matches its total counts",
                    )
            if isinstance(resources, SearchResults) and resources.incomplete_pages:
                # What the server said of the next pages (an `incomplete` warning, entries
                # with no resource), as for a fetched key; not the `total` check, which counts
                # the prefetched first page too (the pages alone are always short of it).
                result.mark_incomplete(
                    kinds, f"the next pages of {key!r}: {resources.incomplete_pages}"
                )
        except (FhirError, TimeoutError) as exc:
            future.cancel()
            why = str(exc) if isinstance(exc, FhirError) else "the fetch budget ran out"
            result.mark_incomplete(
                kinds, f"the prefetched {key!r} Bundle's next pages could not be read ({why})"
            )


def _own_type(
    resources: list[dict[str, Any]],
    kind: str,
    searched: AbstractSet[str],
    feeds: Sequence[str],
    result: Gathered,
) -> list[dict[str, Any]]:
    """A fetched search's resources without the `include` entries of a type another of the
    service's keys searches for (prefetch_types.suspect_types), that data left incomplete.

    Fix fetch66 (fetch65's prefetch rule on the live path): the FHIR server's answer to the
    MedicationRequest search carried a MedicationStatement marked `include` (no template of
    the service asks for one), and with the MedicationStatement search itself failed it was
    read, "sertraline is running" on an MAOI card as if the statements were read. What the
    key's own search did not find is not read from another's; its own search (failed or not)
    says what there is. search_bundles.page_resources has already left out the other types'
    match entries; what remains of another type came as an include."""
    suspect = suspect_types(kind, searched)
    off = [r for r in resources if r.get("resourceType") in suspect] if suspect else []
    if not off:
        return resources
    count = len(off)
    kinds = ", ".join(sorted({str(r.get("resourceType")) for r in off}))
    entries, hold = ("entry", "holds") if count == 1 else ("entries", "hold")
    result.skipped += count
    result.mark_incomplete(
        feeds,
        f"{count} included {entries} of the FHIR server's answer to the {kind} search {hold} "
        f"{kinds}, searched for by another key: not read",
    )
    return [r for r in resources if r.get("resourceType") not in suspect]


def resolve_medications(
    source: FhirSource,
    executor: Executor,
    deadline: float,
    result: Gathered,
    drafts: Sequence[Mapping[str, Any]] = (),
    server: str | None = None,
) -> None:
    """Read the Medications that medication resources, the chart's and the hook's draft orders'
    (review 15 U2), reference but nobody sent; only those `server` (the call's fhirServer, which
    `source` reads) answers: "Medication/<id>" or a URL under it (medication_references.py).

    The recommended prefetch syntax has no `_include`, so a MedicationRequest written with
    `medicationReference` arrives without its drug. Dropping it would silently lose a trial (a
    patient-safety gap), so each missing `Medication/<id>` is read by id (a plain read, within
    the spec's recommended queries). When a read fails, the order stays unresolved and the
    mapping reports it by name on the cards with why (`Gathered.unread_medications`: "medication
    reference not read: the FHIR server refused the access token (HTTP 401)"; a 404 is
    "medication reference not found"): one unreadable Medication never fails the whole call
    with a 412. A Medication read for a draft joins
    the chart's resources, where the mapping resolves the draft's reference; one that cannot be
    read leaves the draft unidentified, said at the order (fhir_mapping/draft_medication.py).
    """
    futures = {
        mid: executor.submit(source.search, f"Medication/{mid}", deadline=deadline)
        for mid in sorted(unresolved_medications([*result.resources, *drafts], server))
    }
    for mid, future in futures.items():
        try:
            result.resources.extend(_wait(future, deadline))
        except FhirNotFound:
            pass  # the server has no such Medication: "medication reference not found"
        except FhirError as exc:
            # Why, by the service's own words (fhir_source: a status, never a token or the
            # server's text): a refused token (401) or a Medication scope not granted (403)
            # is the EHR set-up's to fix, not the chart's (review 19 R2 M1).
            result.unread_medications[mid] = str(exc)
        except TimeoutError:
            future.cancel()
            result.unread_medications[mid] = "the FHIR fetch budget ran out"


def _is_patient_read(query: str) -> bool:
    """Whether a rendered template is the read of the context's Patient ("Patient/123")."""
    return query.startswith("Patient/") and "?" not in query
