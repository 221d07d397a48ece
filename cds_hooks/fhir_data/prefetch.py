"""Turning a hook request's prefetch (and, where needed, the FHIR server) into a list of resources.

The five cases of a prefetch key (CDS Hooks 2.0.1 #prefetch-template):
- present with data (a searchset or collection Bundle, or a single resource): used as is;
- absent: the query is fetched from `fhirServer` with the bearer token, following `next` links;
- `null`: the EHR says there is no data: nothing is fetched;
- an empty Bundle: no data of that kind;
- an OperationOutcome (the EHR's prefetch failed): fetched, or treated as missing. So is a Bundle
  holding an OperationOutcome of severity error or fatal (how HAPI and Epic report a failed
  search); other warning and information outcomes (Epic adds them to many searches) are
  ignored, but an issue code saying results were cut short or withheld (`incomplete`,
  `suppressed`, ... from the severity fhir_mapping/data/outcome_issue_codes.csv names) leaves
  that data incomplete (the server answered, not with everything).
Resources are recognised by `resourceType`, never by the key's name. Absent keys are fetched
concurrently. Keys that stay missing are reported; the caller answers 412 when a required one is.
A searchset whose `total` is larger than its match entries, with no `next` link, is incomplete.

What could not be had is reported by feed (fhir_mapping/gaps.py `feed`): the resource type, or
for the two Observation keys the type and key ("Observation:labs"), so that a missing `labs`
leaves only the labs domain unseen.

Reading one prefetch value lives in prefetch_values.py, and which referenced Medications are
missing in medication_references.py; `resources_in`, `read_value` and `unresolved_medications`
are re-exported here for the callers that import them from this module.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cds_hooks.fhir_data.fhir_source import (
    FhirError,
    FhirNotFound,
    FhirSource,
    SearchResults,
    declared_total,
    next_link,
    outcome_failure,
    same_origin,
)
from cds_hooks.fhir_data.medication_references import unresolved_medications
from cds_hooks.fhir_data.outcome_issues import explained
from cds_hooks.fhir_data.prefetch_values import _type_named_by, read_value, resources_in
from cds_hooks.models.request import HookRequest
from fhir_mapping.gaps import feed
from fhir_mapping.request_resources import has_own_resource
from services.evaluation import HookInput

__all__ = [
    "Gathered",
    "draft_order_resources",
    "gather",
    "hook_input",
    "read_value",
    "render_template",
    "resources_in",
    "template_type",
    "unresolved_medications",
]

_TOKEN = re.compile(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}")


@dataclass(slots=True)
class Gathered:
    resources: list[dict[str, Any]] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)  # keys read from the FHIR server
    missing: dict[str, str] = field(default_factory=dict)  # key -> why it could not be had
    # Prefetched Bundles that report a failed search: key -> the OperationOutcome's issue codes.
    failed: dict[str, str] = field(default_factory=dict)
    skipped: int = 0  # entries that were not FHIR resources
    # The same, by feed (a resource type, or "Observation:labs": fhir_mapping/gaps.py `feed`), for
    # the mapping: "not available" rather than "not on record".
    unavailable: dict[str, str] = field(default_factory=dict)  # feed -> why none could be had
    incomplete: dict[str, str] = field(default_factory=dict)  # feed -> why some may be missing
    # Prefetched Bundles with a `next` link: (key, the feeds they hold, the next url).
    pages: list[tuple[str, tuple[str, ...], str]] = field(default_factory=list)
    unreadable_medications: int = 0  # referenced Medications the FHIR server did not give
    # Keys whose absence fails the call though the service does not require them: the `patient`
    # read when the FHIR server does not know the patient and nothing of the patient's own was
    # had (review 16 W1; `_unknown_patient`). Settled when `gather` returns.
    fatal_missing: set[str] = field(default_factory=set)

    def mark_missing(self, key: str, fed: str, reason: str, *, long: str | None = None) -> None:
        """`fed`: the feed of the key's data; `reason` for the 412 body (keyed by the key
        already); `long` for the cards."""
        self.missing[key] = reason
        self.unavailable.setdefault(fed, long or f"prefetch key {key!r}: {reason}")

    def mark_incomplete(self, feeds: Sequence[str], reason: str) -> None:
        for fed in feeds:
            self.incomplete.setdefault(fed, reason)


def render_template(template: str, request: HookRequest) -> str | None:
    """Fill `{{context.x}}` tokens from the hook context; None when a token has no value."""
    context = request.context.model_dump()
    missing = False

    def fill(match: re.Match[str]) -> str:
        nonlocal missing
        path = match.group(1)
        value: Any = None
        if path.startswith("context."):
            value = context.get(path.removeprefix("context."))
        elif path == "userPractitionerId" and isinstance(context.get("userId"), str):
            user = context["userId"]
            value = user.split("/", 1)[1] if user.startswith("Practitioner/") else None
        if value is None or isinstance(value, dict | list):
            missing = True
            return ""
        return str(value)

    rendered = _TOKEN.sub(fill, template)
    return None if missing else rendered


def gather(
    templates: Sequence[tuple[str, str]],
    request: HookRequest,
    *,
    source: FhirSource | None,
    source_problem: str | None,
    executor: Executor,
    budget_seconds: float,
) -> Gathered:
    """Collect the resources for one hook call.

    `source` is None when the FHIR server may not be used; `source_problem` then says why
    (no fhirServer, not on the allowlist, ...), and it is what a 412 names.
    """
    result = Gathered()
    prefetch = request.prefetch or {}
    covered = _collect(prefetch, result)
    keys_of_type: dict[str, set[str]] = {}
    for key, template in templates:
        keys_of_type.setdefault(template_type(template), set()).add(key)
    to_fetch: list[tuple[str, str]] = []
    # Why a key's prefetched value could not be used, said first in the 412 and on the cards:
    # "no fhirServer" alone sent the EHR team after the wrong fault (review 16 W3).
    problems: dict[str, str] = {}
    for key, template in templates:
        value = prefetch.get(key, _ABSENT)
        kind = template_type(template)
        if value is None:
            continue  # the EHR says: no data
        if value is not _ABSENT and _is_data(value) and key not in result.failed:
            continue  # already collected above
        if value is _ABSENT and _covered(kind, covered, keys_of_type[kind]):
            continue  # the EHR sent this kind of data under a key of its own naming
        if value is not _ABSENT:
            problems[key] = _prefetch_problem(value, result.failed.get(key))
        # Absent, an OperationOutcome (or junk) in place of data, or a Bundle reporting a failed
        # search: the EHR's prefetch failed.
        query = render_template(template, request)
        if query is None:
            result.mark_missing(
                key,
                feed(kind, key),
                "the prefetch template needs a context value the request lacks",
            )
            continue
        to_fetch.append((key, query))

    if source is None:
        for key, query in to_fetch:
            why = source_problem or "no FHIR server to fetch from"
            what = problems.get(key)
            if what is not None:
                result.mark_missing(
                    key,
                    feed(template_type(query), key),
                    f"{what}; {why}",
                    long=f"prefetch key {key!r}: {what} and the FHIR server could not be asked ({why})",
                )
                continue
            result.mark_missing(
                key,
                feed(template_type(query), key),
                why,
                long=f"prefetch key {key!r} was not sent and the FHIR server could not be asked ({why})",
            )
        for key, kinds, _url in result.pages:
            result.mark_incomplete(
                kinds,
                f"the prefetched {key!r} Bundle has more pages that could not be read "
                f"({source_problem or 'no FHIR server to fetch from'})",
            )
        return result

    deadline = time.monotonic() + budget_seconds
    pages = _next_pages(result.pages, request.fhirServer or "", result)
    if to_fetch or pages:
        _fetch(to_fetch, source, executor, deadline, result, pages=pages, problems=problems)
    _resolve_medications(source, executor, deadline, result, draft_order_resources(request))
    _unknown_patient(request, result)
    return result


def _prefetch_problem(value: Any, failed: str | None) -> str:
    """What was wrong with a prefetched value that is not data (only issue codes: an outcome's
    diagnostics may quote the patient)."""
    if failed is not None:
        return f"the EHR's prefetch search failed (OperationOutcome: {failed})"
    if isinstance(value, dict) and value.get("resourceType") == "OperationOutcome":
        failed_codes = outcome_failure([value])
        if failed_codes is not None:
            return f"the EHR's prefetch search failed (OperationOutcome: {failed_codes})"
        issues = value.get("issue")
        codes = ", ".join(
            dict.fromkeys(
                str(i["code"])
                for i in (issues if isinstance(issues, list) else ())
                if isinstance(i, dict) and isinstance(i.get("code"), str)
            )
        )
        return "the EHR sent an OperationOutcome in place of data" + (
            f" (issue codes: {codes})" if codes else ""
        )
    return "the prefetched value is not a FHIR resource or Bundle"


# Why a `patient` read answering 404 (or with no Patient) is named: the FHIR server does not know
# the context's patient id, usually an id-mapping mistake (an MRN sent instead of the FHIR id).
UNKNOWN_PATIENT = (
    "the FHIR server does not know context.patientId (the Patient read answered {how}): "
    "check that the EHR sends the FHIR server's Patient id, not an MRN"
)


def _unknown_patient(request: HookRequest, result: Gathered) -> None:
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


def _next_pages(
    pages: Sequence[tuple[str, tuple[str, ...], str]], server: str, result: Gathered
) -> list[tuple[str, tuple[str, ...], str]]:
    """The prefetched Bundles' next links that may be followed: only on the EHR's own FHIR
    server, since the token goes with the request. Others leave that data incomplete."""
    allowed: list[tuple[str, tuple[str, ...], str]] = []
    for key, kinds, url in pages:
        if server and same_origin(url, server.rstrip("/") + "/"):
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


def _fetch(
    to_fetch: list[tuple[str, str]],
    source: FhirSource,
    executor: Executor,
    deadline: float,
    result: Gathered,
    *,
    pages: Sequence[tuple[str, tuple[str, ...], str]] = (),
    problems: Mapping[str, str] | None = None,
) -> None:
    """Fetch the absent keys and the prefetched Bundles' next pages, concurrently. The pages are
    followed with the same limits as a fetched key (page count, size, the call's budget)."""
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
                result.mark_missing(key, fed, f"{first}FHIR server: {why}")
                result.fatal_missing.add(key)  # unless data of the patient's own came
            else:
                result.mark_missing(key, fed, f"{first}FHIR server: {exc}")
            continue
        except FhirError as exc:
            result.mark_missing(key, fed, f"{first}FHIR server: {exc}")
            continue
        except TimeoutError:
            future.cancel()
            result.mark_missing(key, fed, f"{first}FHIR server: the fetch budget ran out")
            continue
        if read and not any(r.get("resourceType") == "Patient" for r in resources):
            why = UNKNOWN_PATIENT.format(how="with no Patient")
            result.mark_missing(key, fed, f"{first}FHIR server: {why}")
            result.fatal_missing.add(key)
            continue
        result.resources.extend(resources)
        result.fetched.append(key)
        if isinstance(resources, SearchResults) and resources.incomplete:
            result.mark_incomplete([fed], f"fetching {key!r}: {resources.incomplete}")
    for key, kinds, future in page_futures:
        try:
            resources = _wait(future, deadline)
            result.resources.extend(resources)
            result.fetched.append(f"{key} (next pages)")
        except (FhirError, TimeoutError) as exc:
            future.cancel()
            why = str(exc) if isinstance(exc, FhirError) else "the fetch budget ran out"
            result.mark_incomplete(
                kinds, f"the prefetched {key!r} Bundle's next pages could not be read ({why})"
            )


def _resolve_medications(
    source: FhirSource,
    executor: Executor,
    deadline: float,
    result: Gathered,
    drafts: Sequence[Mapping[str, Any]] = (),
) -> None:
    """Read the Medications that medication resources, the chart's and the hook's draft orders'
    (review 15 U2), reference but nobody sent.

    The recommended prefetch syntax has no `_include`, so a MedicationRequest written with
    `medicationReference` arrives without its drug. Dropping it would silently lose a trial (a
    patient-safety gap), so each missing `Medication/<id>` is read by id (a plain read, within
    the spec's recommended queries). When a read fails, the order stays unresolved and the
    mapping reports it by name on the cards ("medication reference not found"): one unreadable
    Medication no longer fails the whole call with a 412. A Medication read for a draft joins
    the chart's resources, where the mapping resolves the draft's reference; one that cannot be
    read leaves the draft unidentified, said at the order (fhir_mapping/draft_medication.py).
    """
    futures = {
        mid: executor.submit(source.search, f"Medication/{mid}", deadline=deadline)
        for mid in sorted(unresolved_medications([*result.resources, *drafts]))
    }
    for future in futures.values():
        try:
            result.resources.extend(_wait(future, deadline))
        except (FhirError, TimeoutError):
            future.cancel()
            result.unreadable_medications += 1


_ABSENT: Any = object()


def template_type(template: str) -> str:
    """The resource type a template asks for ("Observation?patient=..." -> "Observation")."""
    return template.split("?", 1)[0].split("/", 1)[0]


def _is_patient_read(query: str) -> bool:
    """Whether a rendered template is the read of the context's Patient ("Patient/123")."""
    return query.startswith("Patient/") and "?" not in query


def _is_data(value: Any) -> bool:
    if isinstance(value, dict):
        return value.get("resourceType") not in (None, "OperationOutcome")
    return isinstance(value, list)


def _collect(prefetch: Mapping[str, Any], result: Gathered) -> dict[str, set[str]]:
    """Take the resources from every prefetch value, whatever its key, and return, by key, the
    resource types the EHR has covered: those of the resources it sent, plus those an empty
    Bundle stands for when its key or its self link names a type ("MedicationRequest": empty =
    none). A Bundle reporting a failed search gives nothing and covers nothing: its key goes to
    `result.failed`."""
    covered: dict[str, set[str]] = {}
    for key, value in prefetch.items():
        if not _is_data(value):
            continue
        types = covered.setdefault(key, set())
        if isinstance(value, list):  # tolerated: a bare array of resources
            for item in value:
                if isinstance(item, dict) and isinstance(item.get("resourceType"), str):
                    result.resources.append(item)
                    types.add(item["resourceType"])
                else:
                    result.skipped += 1
            continue
        reading = read_value(value)
        if reading.failure is not None:
            # Even beside some entries: a failed search's Bundle is not the chart's data.
            result.failed[key] = reading.failure
            continue
        resources = reading.resources
        result.resources.extend(resources)
        result.skipped += reading.skipped
        types.update(r["resourceType"] for r in resources)
        feeds = [feed(kind, key) for kind in reading.match_types] or [
            feed(_type_named_by(key, value) or key, key)
        ]
        if reading.incomplete is not None:
            # The server answered but says not with everything (review 15 M4: a warning
            # "incomplete", results truncated): incomplete, as a Bundle short of its total is.
            # Said once, in plain words: the card names what may be incomplete (audit 16 W6).
            result.mark_incomplete(feeds, explained(reading.incomplete))
        following = next_link(value)
        if following is not None:
            # CDS Hooks lets an EHR paginate prefetch: the rest is behind `next` (issue 10).
            result.pages.append((key, tuple(feeds), following))
        else:
            total = declared_total(value)
            matches = reading.matches
            if total is not None and total > matches:
                # The server counted more matches than the EHR passed on, and there is no next
                # page to read them from: "equivalent to the server's answer" it is not.
                result.mark_incomplete(
                    feeds,
                    f"the prefetched {key!r} Bundle holds {matches} entries, fewer than its total "
                    f"of {total}, and has no next link to the rest",
                )
        if value.get("resourceType") == "Bundle" and not resources:
            named = _type_named_by(key, value)
            if named:
                types.add(named)
    return covered


def _covered(kind: str, covered: Mapping[str, set[str]], own_keys: set[str]) -> bool:
    """Whether an absent key's resource type came under a key of the EHR's own naming. The
    service's other keys of the same type do not count: `observations` sent does not mean
    `labs` (a different code list) was."""
    return any(kind in types for key, types in covered.items() if key not in own_keys)


def draft_order_resources(request: HookRequest) -> list[dict[str, Any]]:
    bundle = request.context.draftOrders
    if not bundle:
        return []
    resources, _skipped = resources_in(bundle)
    return resources


def hook_input(service_id: str, request: HookRequest, gathered: Gathered, as_of: date) -> HookInput:
    """What the decision services receive for one hook call."""
    return HookInput(
        service_id=service_id,
        hook=request.hook,
        hook_instance=request.hookInstance,
        patient_id=request.context.patientId,
        resources=gathered.resources,
        as_of=as_of,
        draft_orders=draft_order_resources(request),
        selections=tuple(request.context.selections or ()),
        user_id=request.context.userId,
        encounter_id=request.context.encounterId,
        unavailable=dict(gathered.unavailable),
        incomplete=dict(gathered.incomplete),
    )
