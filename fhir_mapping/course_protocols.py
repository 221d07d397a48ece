"""The protocol a TMS or ECT course's record names in words (data/course_protocol_terms.csv;
recheck K19b s29).

- `accelerated` ("Accelerated iTBS (SAINT) 50 sessions"): several sessions a day, so a
  `completed` period shorter than a course's daily sessions is a length to confirm
  (course_end_reasons.py), not a course stopped short. A standard record ("rTMS 10 Hz left
  DLPFC") completed over 12 days stays one not adequate (fewer than 20 daily sessions).
  A record that says "once daily" (`standard` rows: "iTBS left DLPFC (once daily)") names a
  standard schedule: judged by its days as the 10 Hz one (recheck K20b s30: it read "course
  length to confirm" and lost the referral), unless an accelerated word stands in a clause of
  its own ("SAINT accelerated iTBS; once daily follow-up": recheck K22 s30).
- `maintenance` ("Maintenance ECT (monthly)"): runs for months; a record of it in progress over
  an open period is held to the maintenance open limit, not the acute course's
  (services/open_course.py), and the cards call it maintenance.

A protocol word after a `planned` word in its clause ("ECT acute series - plan maintenance
after") is a later step, not the record's protocol (recheck K20b s30: that record read as
maintenance, no open limit, "Acute ECT course running since 2026-01-12" for 46 weeks). Nor is
one after a `negated` word in its clause ("ECT acute series - not maintenance", "acute ECT (no
continuation)"), or followed in its clause by a `planned_after` word ("maintenance recommended",
"maintenance declined", "maintenance if response"): recheck K27b s31, those read "Maintenance ECT
course running since 2026-01-12" and withheld the TMS referral. A `schedule_verb` word ("planned")
followed by a `schedule` ("for 6 months", "q4 weeks", "x 6", "monthly") gives a running series its
length or rhythm, and puts nothing off (recheck K28a s31: "Maintenance ECT series planned for 6
months" read as an acute course open past its limit and offered a TMS referral during maintenance
ECT); "maintenance planned after the acute course" still does.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import orjson

from fhir_mapping.bounded_memo import remember
from fhir_mapping.concept_words import concept_words, whole_words
from fhir_mapping.fhir_fields import JSON_OBJECT
from fhir_mapping.text_bounds import CLAUSE_OR_COLON, span_after, span_before

Resource = Mapping[str, Any]


# A protocol a record names is not the one another row of the table rules out in its clause
# (`standard`: "iTBS left DLPFC (once daily)" is not accelerated, whatever protocol it names).
_RULED_OUT_BY = {"accelerated": "standard"}
# Where the clause a rule-out word must share with a protocol word ends: a bracket or a dash
# qualifies the name ("iTBS left DLPFC (once daily)"), a comma or semicolon starts another:
# text_bounds.CLAUSE_OR_COLON.
# Where a protocol word's clause starts: "ECT acute series - plan maintenance after".
_CLAUSE_MARK = re.compile(r"[-,;:()/]")


@cache
def _terms() -> dict[str, re.Pattern[str]]:
    text = (
        resources.files("fhir_mapping")
        .joinpath("data/course_protocol_terms.csv")
        .read_text("utf-8")
    )
    words: dict[str, list[str]] = {}
    for row in csv.DictReader(text.splitlines()):
        words.setdefault(row["protocol"], []).append(row["term"].lower())
    patterns = {
        protocol: whole_words(terms) for protocol, terms in words.items() if protocol != "schedule"
    }
    patterns["schedule"] = _schedules(words["schedule"])
    return patterns


def _schedules(terms: list[str]) -> re.Pattern[str]:
    """`schedule` rows, "#" standing for a count ("for # month" reads "for 6 months", "q#
    week" reads "q4 weeks"), matched at the start of the words they are tried on."""
    counted = (
        r"\s*\d+\s*".join(re.escape(part.strip()) for part in term.split("#"))
        for term in sorted(terms, key=len, reverse=True)
    )
    return re.compile(r"\s*(?:" + "|".join(counted) + r")s?(?![a-z])")


# What `names` answered, by the code's JSON and the protocol (issue 14, session 31): asked of
# every Procedure once or twice, and a clinic's procedure names repeat from chart to chart, while
# gathering the words (a regular-expression pass) and searching them cost about a quarter of
# reading a Procedure. Only `code` is read, and only its strings (concept_words): a NaN, which
# orjson writes as null, reads as the null does, so the same JSON always reads the same. A code
# orjson cannot write (a subclass of dict or str, an integer beyond 64 bits) is read every time.
_NAMES_MEMO_MAX = 4096
_KEY_OPTIONS = (
    orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)
_named: dict[tuple[bytes, str], bool] = {}


def names(resource: Resource, protocol: str) -> bool:
    """Whether the Procedure's code (its text or a display) names `protocol`: a word of it not
    denied or put off in its clause (`_put_off`), and no word of the protocol that rules it out."""
    code = resource.get("code")
    if not isinstance(code, JSON_OBJECT):  # dict first: no Mapping ABC call (issue 14, perf21)
        return False
    try:
        key = (orjson.dumps(code, option=_KEY_OPTIONS), protocol)
    except TypeError:  # orjson.JSONEncodeError
        return _names(code, protocol)
    found = _named.get(key)
    if found is None:
        found = remember(_named, key, _names(code, protocol), _NAMES_MEMO_MAX)
    return found


def _names(code: Mapping[str, Any], protocol: str) -> bool:
    words = concept_words(code).lower()
    terms = _terms()
    ruled_out = _RULED_OUT_BY.get(protocol)
    return any(
        not _put_off(words, found)
        and (ruled_out is None or not terms[ruled_out].search(_clause_of(words, found)))
        for found in terms[protocol].finditer(words)
    )


def _put_off(words: str, found: re.Match[str]) -> bool:
    """Whether a protocol word is denied or a later step: a `planned` or `negated` word before it
    in its clause ("will need maintenance", "not maintenance"), or a `planned_after` word after it
    ("maintenance declined", "maintenance to be discussed") that gives no schedule."""
    terms = _terms()
    before = _clause_before(words, found.start())
    after = span_after(words, found.end(), _CLAUSE_MARK)
    return bool(
        terms["planned"].search(before)
        or terms["negated"].search(before)
        or any(not _scheduled(after, m) for m in terms["planned_after"].finditer(after))
    )


def _scheduled(after: str, planned: re.Match[str]) -> bool:
    """Whether a `planned_after` word is a `schedule_verb` giving the series its length or
    rhythm ("planned for 6 months", "planned q4 weeks"): the record is the series itself, not a
    plan to start one ("planned after the acute course")."""
    terms = _terms()
    return bool(
        terms["schedule_verb"].fullmatch(planned.group())
        and terms["schedule"].match(after, planned.end())
    )


def _clause_of(words: str, found: re.Match[str]) -> str:
    """The clause a protocol word is in: "once daily" rules out only the accelerated word of its
    own clause ("saint accelerated itbs; once daily follow-up" stays accelerated: recheck K22
    s30, it read a standard course cut short)."""
    before = span_before(words, found.start(), CLAUSE_OR_COLON)
    after = span_after(words, found.end(), CLAUSE_OR_COLON)
    return f"{before}{found.group()}{after}"


def _clause_before(words: str, at: int) -> str:
    """The words before `at` in its clause ("plan " in "ect acute series - plan maintenance")."""
    return span_before(words, at, _CLAUSE_MARK)
