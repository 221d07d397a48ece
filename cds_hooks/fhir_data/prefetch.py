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
Resources are recognised by `resourceType`, never by the key's name; but a key of the service's
that holds none of the type its template asks for (`conditions` holding a Patient, or a Bundle of
Observations) is a failed prefetch too, fetched or missing, not "no data", and one mixing others
with its own type keeps its own (prefetch_types.py; review s24 W2). A key of the EHR's own
naming stands in for an absent service key only when it answers the same query (prefetch_cover.py;
review K51b finding 1: `vitalSigns` is not `observations`). Absent keys are fetched
concurrently. Keys that stay missing are reported; the caller answers 412 when a required one is.
A searchset whose `total` is larger than its match entries, with no `next` link, is incomplete;
so is a key with entries that hold no FHIR resource (counted and said, never dropped in silence:
review 19 R2 W3), and a Bundle of nothing but such entries is no empty search.

What could not be had is reported by feed (fhir_mapping/gaps.py `feed`): the resource type, or
for the two Observation keys the type and key ("Observation:labs"), so that a missing `labs`
leaves only the labs domain unseen.

Reading one prefetch value lives in prefetch_values.py, and which referenced Medications are
missing in medication_references.py; `resources_in`, `read_value` and `unresolved_medications`
are re-exported here for the callers that import them from this module.

The template language (`render_template`, `template_type`) is prefetch_templates.py's, the
`Gathered` result prefetch_gathered.py's, and what is read from the FHIR server (absent keys, the
prefetched Bundles' next pages, referenced Medications, the unknown patient) prefetch_fetch.py's;
their names stay importable from here.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from cds_hooks.fhir_data.fhir_source import (
    FhirSource,
    declared_total,
    next_link,
    outcome_failure,
)
from cds_hooks.fhir_data.medication_references import unresolved_medications
from cds_hooks.fhir_data.outcome_issues import explained
from cds_hooks.fhir_data.prefetch_cover import covered_by_own_key
from cds_hooks.fhir_data.prefetch_fetch import (
    UNKNOWN_PATIENT,
    fetch,
    next_pages,
    resolve_medications,
    unknown_patient,
)
from cds_hooks.fhir_data.prefetch_gathered import Gathered
from cds_hooks.fhir_data.prefetch_templates import render_template, template_type
from cds_hooks.fhir_data.prefetch_types import keep_own_type
from cds_hooks.fhir_data.prefetch_values import (
    _type_named_by,
    list_items,
    read_value,
    resources_in,
)
from cds_hooks.fhir_data.search_bundles import unread_entries
from cds_hooks.models.request import HookRequest
from fhir_mapping.gaps import feed
from services.evaluation import HookInput

__all__ = [
    "UNKNOWN_PATIENT",
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


def gather(
    templates: Sequence[tuple[str, str]],
    request: HookRequest,
    *,
    source: FhirSource | None,
    source_problem: str | None,
    executor: Executor,
    budget_seconds: float,
    name_unread: bool = True,
) -> Gathered:
    """Collect the resources for one hook call.

    `source` is None when the FHIR server may not be used; `source_problem` then says why
    (no fhirServer, not on the allowlist, ...), and it is what a 412 names, and why each
    referenced Medication nobody sent was not read (unless `name_unread` is False: the event
    loop's look, which leaves a chart with Medications to read to the full path anyway).
    """
    result = Gathered()
    prefetch = request.prefetch or {}
    typed, keys_of_type = _typed_templates(tuple(templates))
    covered = _collect(prefetch, result, _kind_of_key(typed))
    to_fetch: list[tuple[str, str]] = []
    # Why a key's prefetched value could not be used, said first in the 412 and on the cards:
    # "no fhirServer" alone sent the EHR team after the wrong fault (review 16 W3).
    problems: dict[str, str] = {}
    for key, template, kind in typed:
        value = prefetch.get(key, _ABSENT)
        if value is None:
            continue  # the EHR says: no data
        if (
            value is not _ABSENT
            and _is_data(value)
            and key not in result.failed
            and key not in result.wrong_type
        ):
            continue  # already collected above
        if value is _ABSENT and covered_by_own_key(
            kind, template, covered, keys_of_type[kind], prefetch
        ):
            continue  # the EHR sent the same query's data under a key of its own naming
        if value is not _ABSENT:
            problems[key] = _prefetch_problem(
                value, result.failed.get(key), result.wrong_type.get(key)
            )
        # Absent, an OperationOutcome (or junk) in place of data, a Bundle reporting a failed
        # search, or a value holding none of the key's type: the EHR's prefetch failed.
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
                # The EHR tried and failed (an error OperationOutcome, a failed search Bundle):
                # named on every card it touches, never read as data not offered (s21 RC W1).
                result.mark_missing(
                    key,
                    feed(template_type(query), key),
                    f"{what}; {why}",
                    long=f"prefetch key {key!r}: {what} and the FHIR server could not be asked ({why})",
                    failed=True,
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
        if name_unread:
            # The Medications the chart's and the drafts' references name that nobody sent:
            # no server to read them from, said on the cards as such (review 19 R2 M1).
            drafts = draft_order_resources(request)
            unread = unresolved_medications([*result.resources, *drafts], request.fhirServer)
            why = source_problem or "no FHIR server to read it from"
            result.unread_medications.update(dict.fromkeys(sorted(unread), why))
        return result

    deadline = time.monotonic() + budget_seconds
    pages = next_pages(result.pages, request.fhirServer or "", result)
    if to_fetch or pages:
        searched = frozenset(_kind_of_key(typed).values())
        fetch(to_fetch, source, executor, deadline, result, pages, problems, searched)
    drafts = draft_order_resources(request)
    resolve_medications(source, executor, deadline, result, drafts, request.fhirServer)
    unknown_patient(request, result)
    return result


@lru_cache(maxsize=32)
def _typed_templates(
    templates: tuple[tuple[str, str], ...],
) -> tuple[tuple[tuple[str, str, str], ...], Mapping[str, frozenset[str]]]:
    """(key, template, the type it asks for) of each template, and the keys of each type.
    Remembered by the templates themselves (issue 14: every call of a service gathers with the
    same few template tuples, the catalog's, and typing them again cost ~40 string splits per
    call); the key is the whole tuple of (key, template) strings, so any other templates are
    typed afresh. The answer is shared: read only."""
    typed = tuple((key, template, template_type(template)) for key, template in templates)
    keys_of_type: dict[str, set[str]] = {}
    for key, _template, kind in typed:
        keys_of_type.setdefault(kind, set()).add(key)
    return typed, MappingProxyType({k: frozenset(v) for k, v in keys_of_type.items()})


@lru_cache(maxsize=32)
def _kind_of_key(typed: tuple[tuple[str, str, str], ...]) -> Mapping[str, str]:
    """The resource type each of the service's keys asks for (remembered as `_typed_templates`
    is; the answer is shared: read only)."""
    return MappingProxyType({key: kind for key, _template, kind in typed})


def _prefetch_problem(value: Any, failed: str | None, wrong_type: str | None = None) -> str:
    """What was wrong with a prefetched value that is not data (only issue codes: an outcome's
    diagnostics may quote the patient; only resource types for a value of the wrong type)."""
    if wrong_type is not None:
        return f"the prefetched value {wrong_type}"
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


_ABSENT: Any = object()


def _is_data(value: Any) -> bool:
    if isinstance(value, dict):
        return value.get("resourceType") not in (None, "OperationOutcome")
    return isinstance(value, list)


def _collect(
    prefetch: Mapping[str, Any], result: Gathered, kind_of_key: Mapping[str, str]
) -> dict[str, set[str]]:
    """Take the resources from every prefetch value, whatever its key, and return, by key, the
    resource types the EHR has covered: those of the resources it sent, plus those an empty
    Bundle stands for when its key or its self link names a type ("MedicationRequest": empty =
    none). A Bundle reporting a failed search gives nothing and covers nothing: its key goes to
    `result.failed`. Entries that hold no resource leave the key's data incomplete
    (`_unread_entries`), and a Bundle with nothing but such entries covers no type: it is not
    an empty search. `kind_of_key`: the type each of the service's keys asks for."""
    covered: dict[str, set[str]] = {}
    for key, value in prefetch.items():
        if not _is_data(value):
            continue
        if isinstance(value, list):  # tolerated: a bare array of resources
            items, skipped, failure = list_items(value)  # its OperationOutcomes left out
            if failure is not None:
                result.failed[key] = failure
                continue
            kept = keep_own_type(
                key, value, items, {i["resourceType"] for i in items}, kind_of_key, result
            )
            if kept is None:
                continue  # none of the key's type: a failed prefetch (gather)
            result.resources.extend(kept)
            types = covered.setdefault(key, {i["resourceType"] for i in kept})
            if skipped:
                feeds = [feed(kind, key) for kind in sorted(types)]
                _unread_entries(
                    result, key, f"the prefetched {key!r} list", skipped, feeds, kind_of_key
                )
            continue
        reading = read_value(value)
        if reading.failure is not None:
            # Even beside some entries: a failed search's Bundle is not the chart's data.
            result.failed[key] = reading.failure
            continue
        match_types = reading.match_types
        all_types = {*match_types, *reading.other_types}
        resources = keep_own_type(key, value, reading.resources, all_types, kind_of_key, result)
        if resources is None:
            continue  # none of the key's type: a failed prefetch (gather), covering nothing
        types = covered.setdefault(key, set())
        if resources:
            result.resources.extend(resources)
            if resources is not reading.resources:  # some of another type were left out
                all_types = {r["resourceType"] for r in resources}
                match_types = [t for t in match_types if t in all_types]
            # The types of all of `resources`: the match entries' and the others' (read_value).
            types.update(all_types)
        named: str | None = None
        if value.get("resourceType") == "Bundle" and not resources and not reading.skipped:
            named = _type_named_by(key, value)
            if named:
                types.add(named)
        if reading.skipped:
            feeds = [feed(kind, key) for kind in match_types]
            where = f"the prefetched {key!r} Bundle"
            _unread_entries(result, key, where, reading.skipped, feeds, kind_of_key)
        following = next_link(value)
        total = None if following is not None else declared_total(value)
        matches = reading.matches
        short = total is not None and total > matches
        if reading.incomplete is None and following is None and not short:
            continue  # the whole answer, on this page: nothing to report by feed
        # Only now, for the few values that report something (issue 14: most keys of a call
        # are complete, and naming their feeds on every call cost more than reading them).
        if not match_types and named is None:
            named = _type_named_by(key, value)
        feeds = [feed(kind, key) for kind in match_types] or [feed(named or key, key)]
        if reading.incomplete is not None:
            # The server answered but says not with everything (review 15 M4: a warning
            # "incomplete", results truncated): incomplete, as a Bundle short of its total is.
            # Said once, in plain words: the card names what may be incomplete (audit 16 W6).
            result.mark_incomplete(feeds, explained(reading.incomplete))
        if following is not None:
            # CDS Hooks lets an EHR paginate prefetch: the rest is behind `next` (issue 10).
            result.pages.append((key, tuple(feeds), following))
            counted = declared_total(value)
            if counted is not None:
                result.page_counts[key] = (matches, counted)
        elif short:
            # The server counted more matches than the EHR passed on, and there is no next
            # page to read them from: "equivalent to the server's answer" it is not.
            result.mark_incomplete(
                feeds,
                f"the prefetched {key!r} Bundle holds {matches} entries, fewer than its total "
                f"of {total}, and has no next link to the rest",
            )
    return covered


def _unread_entries(
    result: Gathered,
    key: str,
    where: str,
    count: int,
    feeds: list[str],
    kind_of_key: Mapping[str, str],
) -> None:
    """`count` entries of the prefetched `key` held no FHIR resource (not an object, or a
    resource with no resourceType; review 19 R2 W3): counted for the log, and the key's data
    is incomplete. Dropped in silence, an unreadable PHQ-9 read as "no PHQ-9 total on record"
    with no word that a later item 9 answer may be among them. The feeds: those of the
    resources read beside them, else the type the service's key asks for, else the type the
    key's name says (an EHR's own key)."""
    result.skipped += count
    if not feeds:
        kind = kind_of_key.get(key) or _type_named_by(key, {})
        feeds = [feed(kind, key)] if kind else []
    if feeds:
        result.mark_incomplete(feeds, unread_entries(count, where))


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
        unread_medications=dict(gathered.unread_medications),
        read_failed=frozenset(gathered.read_failed),
    )
