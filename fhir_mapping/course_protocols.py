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
maintenance, no open limit, "Acute ECT course running since 2026-01-12" for 46 weeks).
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

Resource = Mapping[str, Any]


# A protocol a record names is not the one another row of the table rules out in its clause
# (`standard`: "iTBS left DLPFC (once daily)" is not accelerated, whatever protocol it names).
_RULED_OUT_BY = {"accelerated": "standard"}
# Where the clause a rule-out word must share with a protocol word ends: a bracket or a dash
# qualifies the name ("iTBS left DLPFC (once daily)"), a comma or semicolon starts another.
_RULE_CLAUSE_MARK = re.compile(r"[,;:.]")
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
    return {protocol: whole_words(terms) for protocol, terms in words.items()}


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
    after a `planned` word in its clause, and no word of the protocol that rules it out."""
    code = resource.get("code")
    if not isinstance(code, Mapping):
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
        terms["planned"].search(_clause_before(words, found.start())) is None
        and (ruled_out is None or not terms[ruled_out].search(_clause_of(words, found)))
        for found in terms[protocol].finditer(words)
    )


def _clause_of(words: str, found: re.Match[str]) -> str:
    """The clause a protocol word is in: "once daily" rules out only the accelerated word of its
    own clause ("saint accelerated itbs; once daily follow-up" stays accelerated: recheck K22
    s30, it read a standard course cut short)."""
    before = _RULE_CLAUSE_MARK.split(words[: found.start()])[-1]
    after = _RULE_CLAUSE_MARK.split(words[found.end() :], maxsplit=1)[0]
    return f"{before}{found.group()}{after}"


def _clause_before(words: str, at: int) -> str:
    """The words before `at` in its clause ("plan " in "ect acute series - plan maintenance")."""
    return _CLAUSE_MARK.split(words[:at])[-1]
