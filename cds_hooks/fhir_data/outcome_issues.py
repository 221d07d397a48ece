"""OperationOutcome issues that ride beside a search's results and say some were not returned.

A server that answers a search may add an OperationOutcome (a Bundle entry with search.mode
`outcome`) saying the results are not all there: cut short (`incomplete`, `too-costly`,
`throttled`, `timeout`) or withheld (`suppressed` by consent or privacy rules, `forbidden` or
`security` for this user). Read as the whole history, such a search passes for "nothing to act on"
(review 16 U1: a PHQ-9 item 9 withheld under a `suppressed` warning took the suicide-risk card
with it). Which codes count, and from which severity, is FHIR's IssueType value set, kept with
its source in fhir_mapping/data/outcome_issue_codes.csv. Issues of severity error or fatal fail
the search instead (fhir_source.outcome_failure), whatever their code.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

# FHIR R4 IssueSeverity below error, in rising order; a severity outside it (absent, misspelt) is
# read as a warning: a server that says results were withheld is believed whatever it calls it.
_RANK = {"information": 0, "warning": 1}
_NEVER = "never"
# Issue severities that mean the search failed (FHIR R4 issue-severity). Warning and information
# outcomes ride along with good results: Epic adds one to many searches.
_FAILED = frozenset({"error", "fatal"})


def failed_severity(severity: object) -> bool:
    """Whether an issue of `severity` fails its search: "error" or "fatal"; or a severity sent
    as something other than a string (a list, a number, an object), which no reading can rank
    below error. Reading that as a failure is the safer side: the key is fetched again or its
    data named as not available, where ranking it lower could pass a failed search off as
    "none on record"; and a list or object is never compared with the set (unhashable: review
    19 R2 W2, a 500 for the whole call). An absent severity (null) stays a warning, as
    `counts` reads it."""
    if isinstance(severity, str):
        return severity in _FAILED
    return severity is not None


@dataclass(frozen=True, slots=True)
class IssueCode:
    code: str
    reads_from: str  # the lowest severity that counts ("information", "warning"), or "never"
    words: str  # what it means, for the card line


@cache
def issue_codes() -> dict[str, IssueCode]:
    text = resources.files("fhir_mapping").joinpath("data/outcome_issue_codes.csv")
    rows = csv.DictReader(text.read_text("utf-8").splitlines())
    return {r["code"]: IssueCode(r["code"], r["reads_from"], r["words"]) for r in rows}


def counts(code: object, severity: object) -> bool:
    """Whether an issue of `code` at `severity` (below error) says results are missing."""
    row = issue_codes().get(code) if isinstance(code, str) else None
    if row is None or row.reads_from == _NEVER:
        return False
    rank = _RANK.get(severity, _RANK["warning"]) if isinstance(severity, str) else 1
    return rank >= _RANK[row.reads_from]


def withheld_codes(outcomes: Iterable[Mapping[str, Any]]) -> str | None:
    """The codes, each once and in order, of the issues of `outcomes` that do not fail their
    search (`failed_severity`) and say results are missing, or None."""
    codes: list[str] = []
    for outcome in outcomes:
        issues = outcome.get("issue")
        for issue in issues if isinstance(issues, list) else ():
            if not isinstance(issue, dict):
                continue
            severity = issue.get("severity")
            if not failed_severity(severity) and counts(issue.get("code"), severity):
                codes.append(str(issue["code"]))
    return ", ".join(dict.fromkeys(codes)) if codes else None


def explained(codes: str) -> str:
    """ "the EHR withheld some results (consent, privacy or access rules)" for each code of a
    `withheld_codes` answer: why data is missing in the prescriber's words, with no FHIR code or
    resource name (audit 16 W6: "OperationOutcome: suppressed" on a card)."""
    table = issue_codes()
    parts = []
    for code in codes.split(", "):
        row = table.get(code)
        words = row.words if row is not None and row.words else ""
        parts.append(words or f"the EHR says some results are missing ({code})")
    return "; ".join(parts)
