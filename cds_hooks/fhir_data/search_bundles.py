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

from cds_hooks.fhir_data.fhir_errors import FhirUnavailable
from cds_hooks.fhir_data.outcome_issues import failed_severity, withheld_codes


def next_link(page: Mapping[str, Any]) -> str | None:
    """The `next` link of a searchset Bundle page, or None."""
    if page.get("resourceType") != "Bundle":
        return None
    for link in page.get("link") or []:
        if (
            isinstance(link, dict)
            and link.get("relation") == "next"
            and isinstance(link.get("url"), str)
        ):
            return str(link["url"])
    return None


class SearchResults(list[dict[str, Any]]):
    """A search's resources; `incomplete` says why some may be missing (None: all of them)."""

    incomplete: str | None = None


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
    entries = bundle.get("entry")
    outcomes: list[Mapping[str, Any]] = []
    for entry in entries if isinstance(entries, list) else ():
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
    entries = bundle.get("entry")
    outcomes = [
        resource
        for entry in (entries if isinstance(entries, list) else ())
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
    entries = bundle.get("entry")
    count = 0
    for entry in entries if isinstance(entries, list) else ():
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
    if body.get("resourceType") == "Bundle":
        failed = search_failure(body)
        if failed is not None:
            # The type could not be obtained: not "none on record" (review 8).
            raise FhirUnavailable(
                f"the FHIR server's search failed (OperationOutcome in the Bundle: {failed})"
            )
        out = []
        for entry in body.get("entry") or []:
            if not isinstance(entry, dict):
                continue
            search = entry.get("search")
            if isinstance(search, dict) and search.get("mode") == "outcome":
                continue
            resource = entry.get("resource")
            if isinstance(resource, dict) and "resourceType" in resource:
                out.append(resource)
        return out
    return [body]
