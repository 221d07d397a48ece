"""Reading a FHIR search answer: the resources of a searchset Bundle (`resources_of`), its `next`
link, its declared total and the entries it counts, and its OperationOutcome entries that say the
search failed (`search_failure`, `outcome_failure`: raised as FhirUnavailable, never read as
"none on record") or answered only in part (`search_incomplete`, `outcome_incomplete`).

Apart from fhir_source.py because these read a Bundle however it came (fetched by
BoundFhirSource, or prefetched by the EHR: prefetch.py and prefetch_values.py read them too), with
no HTTP in them. Importable from fhir_source.py too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from cds_hooks.fhir_data.fhir_errors import FhirBadResponse, FhirUnavailable
from cds_hooks.fhir_data.outcome_issues import failed_severity, withheld_codes
from fhir_mapping.fhir_fields import one_or_many


def next_link(page: Mapping[str, Any]) -> str | None:
    """The `next` link of a searchset Bundle page, or None."""
    if page.get("resourceType") != "Bundle":
        return None
    for link in one_or_many(page.get("link")):
        if (
            isinstance(link, dict)
            and link.get("relation") == "next"
            and isinstance(link.get("url"), str)
        ):
            return str(link["url"])
    return None


def bundle_entries(bundle: Mapping[str, Any]) -> tuple[list[Any], int]:
    """(the entries of a Bundle, how many values were there and could not be read as entries).

    `entry` is a list in FHIR R4; one entry sent alone as an object (how an XML-to-JSON converter
    writes a one-element list: review 19 R2 W3) is read as a list of one, the way STU3-shaped
    single elements are read elsewhere (fhir_fields.one_or_many). Any other value that is not
    empty (a number, a string, `true`) holds no entry and counts as one skipped: reported by
    the caller, never read as "none on record"."""
    entries = bundle.get("entry")
    if isinstance(entries, list):
        return entries, 0
    if isinstance(entries, dict):
        return [entries], 0
    return [], 1 if entries else 0


class SearchResults(list[dict[str, Any]]):
    """A search's resources; `incomplete` says why some may be missing (None: all of them).

    `incomplete_pages` is the same but for the pages alone, leaving out the check against the
    search's `total`: when the search continues a prefetched Bundle from its `next` link, that
    total also counts the first page's matches, which the pages read here do not hold."""

    incomplete: str | None = None
    incomplete_pages: str | None = None
    # The match entries the pages held (entries with no resource counted, as `total` counts
    # them): what a prefetched first page's own matches are added to (review K51b finding 5).
    matches: int = 0


# An issue code as FHIR's issue-type value set spells them ("exception", "too-costly").
_ISSUE_CODE = re.compile(r"[a-z][a-z0-9-]{0,39}")


def search_failure(bundle: Mapping[str, Any]) -> str | None:
    """The issue codes ("exception") of a search Bundle's OperationOutcome entries of severity
    error or fatal (whatever their search.mode), or None when the search did not fail.

    HAPI and Epic report a failed search as a Bundle holding such an outcome: read as an empty
    result it would pass for "no diagnoses on record". Only the codes come back, for the 412 body
    and the log: `diagnostics` and `details.text` are free text that may quote the patient."""
    if bundle.get("resourceType") != "Bundle":
        return None
    outcomes: list[Mapping[str, Any]] = []
    for entry in bundle_entries(bundle)[0]:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") == "OperationOutcome":
            outcomes.append(resource)
    return outcome_failure(outcomes)


def outcome_failure(outcomes: Iterable[Mapping[str, Any]]) -> str | None:
    """`search_failure` of a Bundle whose OperationOutcome entries are `outcomes` (in entry
    order): the codes of their issues of severity error or fatal, each once, or None."""
    codes: list[str] = []
    for outcome in outcomes:
        issues = outcome.get("issue")
        for issue in issues if isinstance(issues, list) else ():
            if isinstance(issue, dict) and failed_severity(issue.get("severity")):
                code = issue.get("code")
                good = isinstance(code, str) and _ISSUE_CODE.fullmatch(code) is not None
                codes.append(str(code) if good else "unknown")
    return ", ".join(dict.fromkeys(codes)) if codes else None


# Issue codes that say some results were not returned (cut short or withheld), each from the
# severity its row in fhir_mapping/data/outcome_issue_codes.csv names: outcome_issues.py. A
# server may send them as a warning beside the results it did return ("results truncated to the
# first 50", "some results are not shown"): read as all the data, that would pass for "criteria
# met" (review 15 M4) or "nothing to act on" (review 16 U1).
def outcome_incomplete(outcomes: Iterable[Mapping[str, Any]]) -> str | None:
    """The codes (outcome_issues.py) among the issues of a Bundle's OperationOutcome entries
    whose severity is not error or fatal (those fail the search: `outcome_failure`) that say
    results were withheld or cut short, each once, or None: the search answered, but not with
    everything."""
    return withheld_codes(outcomes)


def search_incomplete(bundle: Mapping[str, Any]) -> str | None:
    """`outcome_incomplete` of a search Bundle's OperationOutcome entries."""
    if bundle.get("resourceType") != "Bundle":
        return None
    outcomes = [
        resource
        for entry in bundle_entries(bundle)[0]
        if isinstance(entry, dict)
        and isinstance(resource := entry.get("resource"), dict)
        and resource.get("resourceType") == "OperationOutcome"
    ]
    return outcome_incomplete(outcomes) if outcomes else None


def declared_total(bundle: Mapping[str, Any]) -> int | None:
    """A searchset's `total` (its server's count of matches), or None."""
    total = bundle.get("total")
    if bundle.get("resourceType") != "Bundle" or bundle.get("type") != "searchset":
        return None
    return total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else None


def match_count(bundle: Mapping[str, Any]) -> int:
    """The entries `total` counts: search.mode "match", or no mode (FHIR: match is the default
    reading); not `include` entries (a Medication that came with an order) nor outcomes."""
    count = 0
    for entry in bundle_entries(bundle)[0]:
        if not isinstance(entry, dict):
            continue
        resource = entry.get("resource")
        if isinstance(resource, dict) and resource.get("resourceType") == "OperationOutcome":
            continue
        search = entry.get("search")
        mode = search.get("mode") if isinstance(search, dict) else None
        if mode in (None, "match"):
            count += 1
    return count


def resources_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    return page_resources(body)[0]


def unread_entries(count: int, where: str) -> str:
    """Why data is incomplete when `count` entries of a Bundle held no FHIR resource (review 19
    R2 W3: dropped in silence, they let an unreadable PHQ-9 pass for "no PHQ-9 on record")."""
    entries = "entry" if count == 1 else "entries"
    return (
        f"{count} {entries} of {where} could not be read (not a JSON object, or a resource with "
        "no resourceType)"
    )


def unexpected_entries(found: Mapping[str, int], searched: str) -> str:
    """Why data is incomplete when entries of a search's answer were of another type than the one
    searched, not `include`d (review K65a finding 3: a MedicationStatement inside the
    MedicationRequest search was read as an order, "sertraline is running", while the card's
    detail listed it as not read)."""
    count = sum(found.values())
    entries = "entry" if count == 1 else "entries"
    kinds = ", ".join(sorted(found))
    return (
        f"{count} {entries} of the FHIR server's answer to the {searched} search held another "
        f"resource type ({kinds}): not read"
    )


# A resource type as FHIR spells them ("MedicationRequest"): a server's value is named in a
# reason only when it is one (the 412 body and the log carry it).
RESOURCE_TYPE = re.compile(r"[A-Z][A-Za-z]{1,63}")


def page_resources(
    body: dict[str, Any], searched: str | None = None, *, search: bool = False
) -> tuple[list[dict[str, Any]], int, dict[str, int]]:
    """(the resources of a fetched answer, how many entries held no resource that could be read:
    `unread_entries`, the entries of another type than `searched` by type: `unexpected_entries`).
    A Bundle whose OperationOutcome says the search failed raises.

    `search`: the answer is a search's (not a read's, "Patient/123"): an answer that is not a
    Bundle raises FhirBadResponse, the search unread and named as the other fetch failures are
    (review K65a finding 3: a bare MedicationRequest answered to the search was read as the
    complete result). `searched`: the type searched; an entry of another type (not an
    `include`, nor an outcome) is not used, and counted."""
    if body.get("resourceType") == "Bundle":
        failed = search_failure(body)
        if failed is not None:
            # The type could not be obtained: not "none on record" (review 8).
            raise FhirUnavailable(
                f"the FHIR server's search failed (OperationOutcome in the Bundle: {failed})"
            )
        out = []
        unexpected: dict[str, int] = {}
        entries, skipped = bundle_entries(body)
        for entry in entries:
            if not isinstance(entry, dict):
                skipped += 1
                continue
            search_part = entry.get("search")
            mode = search_part.get("mode") if isinstance(search_part, dict) else None
            if mode == "outcome":
                continue
            resource = entry.get("resource")
            if not (isinstance(resource, dict) and isinstance(resource.get("resourceType"), str)):
                skipped += 1
                continue
            kind = resource["resourceType"]
            if searched is not None and kind not in (searched, "OperationOutcome"):
                if mode == "include":
                    out.append(resource)  # a Medication that came with its order
                    continue
                # Not what was searched: read as one, a MedicationStatement passes for an order
                # (review K65a finding 3). Named, never used.
                name = kind if RESOURCE_TYPE.fullmatch(kind) else "unknown"
                unexpected[name] = unexpected.get(name, 0) + 1
                continue
            out.append(resource)
        return out, skipped, unexpected
    if search:
        kind = body.get("resourceType")
        name = kind if isinstance(kind, str) and RESOURCE_TYPE.fullmatch(kind) else "resource"
        raise FhirBadResponse(
            f"the FHIR server answered the search with a {name}, not a searchset Bundle"
        )
    return [body], 0, {}
