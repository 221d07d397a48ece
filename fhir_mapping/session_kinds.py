"""The kind of a psychotherapy session that its code alone does not say (session 25 items 2-3).

A session's kind is nearly always its code's (data/procedure_codes.csv `psychotherapy_kind`,
read by services/psychotherapy_sessions.py). Two cases are read here, at mapping, where the
resource is at hand, and kept on the ProcedureRecord (`session_kind`):

- Words (item 2). A session named only in words (a Procedure under a local code, an Epic visit
  type "Crisis psychotherapy") was read as a standalone session, so a crisis contact counted
  toward the psychotherapy trial. CPT 90839/90840 "Psychotherapy for crisis" is urgent
  assessment and intervention to restore safety, not a course of evidence-based therapy, and the
  same words name the same service: data/psychotherapy_kind_terms.csv gives the kind such words
  make. A code in the table always wins over words (a CPT 90834 named "crisis" is a 90834).
- Reasons (item 3). A code billed for more than depression care (HCPCS H0004: mental health and
  substance-use counseling alike; data/session_reason_kinds.csv) takes another kind when the
  only diagnoses read for the session are of the row's `reason_kind` (substance-use: ICD-10-CM
  F10-F19 less F17, condition_codes.csv). The diagnoses read for a session: its reasonCode, the
  Conditions its reasonReference names (and an Encounter's diagnosis[].condition), and the
  chart's Conditions recorded at its visit (Condition.encounter: Epic's encounter diagnoses).
  A depressive or other non-substance psychiatric diagnosis among them (F33.1 beside F10.20;
  data/session_therapy_kinds.csv), or none read at all, keeps the session counted: the code
  names therapy, its line names it as `named_as` ("H0004, behavioral health counseling") and the
  payer criterion it meets asks to confirm `check` (that it was therapy for depression:
  services/payer_criteria/psychotherapy.py), for the clinician to check. A medical diagnosis
  beside the substance use does not (review s25 RK2 finding 5: F10.239, which is also alcohol
  withdrawal, or F10.20 with K70.30 alcoholic cirrhosis, counted the session as therapy, since
  any second kind broke the "only substance use" test). Not counting a session keeps the
  CBT/IPT card: the safer side when no psychiatric diagnosis is among them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.fhir_fields import JSON_OBJECT, codings, ref_id

Resource = Mapping[str, Any]


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("fhir_mapping").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def _word_rows() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (row["psychotherapy_kind"], re.compile(r"\b" + re.escape(row["term"].lower()) + r"\b"))
        for row in _rows("psychotherapy_kind_terms.csv")
    )


def kind_in_words(text: str) -> str:
    """The kind the words of an uncoded session name ("crisis"), or "" (lower-cased `text`)."""
    for kind, pattern in _word_rows():
        if pattern.search(text):
            return kind
    return ""


@dataclass(frozen=True, slots=True)
class ReasonRow:
    reason_kind: str  # a condition_codes.csv kind
    session_kind: str  # the session's kind when that is its only diagnosis
    named_as: str  # how a session of the code is named ("H0004, behavioral health counseling")
    check: str  # what a counted one leaves to the clinician to confirm


@cache
def reason_rows() -> dict[tuple[str, str], ReasonRow]:
    return {
        (canonical_system(row["system"]), row["code"].strip()): ReasonRow(
            row["reason_kind"], row["session_kind"], row["named_as"], row["check"]
        )
        for row in _rows("session_reason_kinds.csv")
    }


@cache
def therapy_kinds() -> frozenset[str]:
    """The condition-table kinds that keep a session of a `reason_rows` code counted as therapy
    (data/session_therapy_kinds.csv)."""
    return frozenset(row["kind"] for row in _rows("session_therapy_kinds.csv"))


class ChartConditions:
    """The chart's Conditions by id and by the visit they were recorded at (Condition.encounter),
    indexed on first use: nearly every chart has no session whose kind they decide (issue 14:
    the readers of every chart pay only for what they use)."""

    __slots__ = ("_conditions", "_by_id", "_by_visit")

    def __init__(self, conditions: Iterable[Resource]) -> None:
        self._conditions = conditions
        self._by_id: dict[str, Resource] | None = None
        self._by_visit: dict[str, list[Resource]] = {}

    def _index(self) -> dict[str, Resource]:
        if self._by_id is None:
            self._by_id = {}
            for condition in self._conditions:
                cid = condition.get("id")
                if isinstance(cid, str):
                    self._by_id[cid] = condition
                visit = ref_id(condition.get("encounter"))
                if visit is not None:
                    self._by_visit.setdefault(visit, []).append(condition)
        return self._by_id

    def by_id(self, reference: object) -> Resource | None:
        return self._index().get(ref_id(reference) or "")

    def at_visit(self, visit: str) -> Sequence[Resource]:
        self._index()
        return self._by_visit.get(visit, ())


def chart_conditions(conditions: Iterable[Resource]) -> ChartConditions:
    return ChartConditions(conditions)


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _diagnoses(resource: Resource, chart: ChartConditions) -> list[tuple[str, str, str]]:
    """The codings of every diagnosis read for the session (module docstring)."""
    found: list[tuple[str, str, str]] = []
    for concept in _list(resource.get("reasonCode")):
        found.extend(codings(concept))
    refs = list(_list(resource.get("reasonReference")))
    refs.extend(
        d.get("condition") for d in _list(resource.get("diagnosis")) if isinstance(d, JSON_OBJECT)
    )
    visit = resource.get("id") if resource.get("resourceType") == "Encounter" else None
    if visit is None:
        visit = ref_id(resource.get("encounter"))
    conditions = [chart.by_id(r) for r in refs]
    if isinstance(visit, str):
        conditions.extend(chart.at_visit(visit))
    for condition in conditions:
        if condition is not None:
            found.extend(codings(condition.get("code")))
    return found


def kind_from_reasons(
    system: str, code: str, resource: Resource, chart: ChartConditions | None
) -> str:
    """The row's `session_kind` when a diagnosis of the row's `reason_kind` is among the
    session's and none of the `therapy_kinds` (a depressive or other non-substance psychiatric
    diagnosis) is; else "" (module docstring)."""
    row = reason_rows().get((system, code))
    if row is None or chart is None:
        return ""
    kinds = {
        match.kind.value
        for d_system, d_code, _ in _diagnoses(resource, chart)
        for match in condition_matches(d_system, d_code)
    }
    # substance-use-in-remission is the same disorder (condition_codes.csv F1x.11/.21/.91)
    kinds = {k.removesuffix("-in-remission") for k in kinds}
    if row.reason_kind not in kinds or kinds & therapy_kinds():
        return ""
    return row.session_kind
