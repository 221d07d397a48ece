"""Procedures named in words that are no session of the treatment they name (review s29 RK
finding 1): the work-up before it and a refusal of it.

A Procedure under a local code is read by its words (data/procedure_terms.csv). "Pre-ECT
anesthesia evaluation", "ECT evaluation" and "TMS consultation" carry the treatment's name, so
they were read as sessions: an ECT course of one session (Maudsley "ECT 1", the cards held for
its outcome), an "earlier TMS course stopped after 1 session". data/procedure_workup_terms.csv:

- `work-up` words (evaluation, consultation, assessment, work-up, clearance, screening) name the
  decision whether to treat, not a treatment given: the kinds of the row are dropped;
- `not-work-up` phrases are taken out first: "evaluation and management" is CPT's name for a
  visit ("Psychotherapy ... when performed with an evaluation and management service");
- `course-start` words keep it a session of their kind: CPT 90867 bills the TMS motor threshold
  and cortical mapping with the first treatment ("initial, including cortical mapping, motor
  threshold determination, delivery and management"), so "TMS consultation and motor threshold
  mapping" is the course's first session;
- refusal words (data/procedure_refusal_reasons.csv `term` rows: refused, declined, refusal, the
  words a `not-done` statusReason is read by) make it a refusal whatever its status:
  "ECT consultation - patient declined ECT" (procedure_refusals.py, procedures_devices.py).

Read for words only: a code of data/procedure_codes.csv names the session itself and wins (a
CPT 90870 is an ECT treatment whatever its display says). Apart from procedures_devices.py, which
calls it, because what a name says beyond its kind is its own idea.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class _Row:
    role: str  # work-up | not-work-up | course-start
    pattern: re.Pattern[str]
    kinds: frozenset[str]


def _pattern(term: str) -> re.Pattern[str]:
    # As procedure_terms.csv: "consult*" is a word prefix, "eval" only the whole word.
    if term.endswith("*"):
        return re.compile(r"\b" + re.escape(term[:-1]))
    return re.compile(r"\b" + re.escape(term) + r"\b")


@cache
def _rows() -> tuple[_Row, ...]:
    text = (
        resources.files("fhir_mapping")
        .joinpath("data/procedure_workup_terms.csv")
        .read_text("utf-8")
    )
    return tuple(
        _Row(row["role"], _pattern(row["term"].lower()), frozenset(row["kinds"].split()))
        for row in csv.DictReader(text.splitlines())
    )


def _named(role: str, kind: str, text: str) -> bool:
    return any(
        r.role == role and kind in r.kinds and r.pattern.search(text) is not None for r in _rows()
    )


def is_work_up(kind: str, text: str) -> bool:
    """Whether a Procedure named `text` (lower-cased), read as `kind` from its words, is the
    work-up before that treatment rather than a session of it."""
    for row in _rows():
        if row.role == "not-work-up" and kind in row.kinds:
            text = row.pattern.sub(" ", text)
    return _named("work-up", kind, text) and not _named("course-start", kind, text)


@cache
def work_up_kinds() -> frozenset[str]:
    """The kinds a work-up or refusal in words is read for (the `work-up` rows' kinds)."""
    return frozenset(k for r in _rows() if r.role == "work-up" for k in r.kinds)
