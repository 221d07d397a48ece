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
  substance-use counseling alike; data/session_reason_kinds.csv) counts toward the depression
  psychotherapy trial only when a depressive diagnosis (data/session_therapy_kinds.csv: the
  condition table's depression kinds) is among the diagnoses read for the session: its
  reasonCode, the Conditions its reasonReference names (and an Encounter's
  diagnosis[].condition), and the chart's Conditions recorded at its visit (Condition.encounter:
  Epic's encounter diagnoses). Counted, its line names it as `named_as` ("H0004, behavioral
  health counseling") and the payer criterion it meets asks to confirm `check`
  (services/payer_criteria/psychotherapy.py). Diagnoses read with none depressive make it
  another kind, listed and not counted, with the diagnoses named (`SessionKind.reasons`):
  the row's `session_kind` when one is of its `reason_kind` (substance use: ICD-10-CM F10-F19
  less F17, condition_codes.csv), else `OTHER_REASONS_KIND`. Review s25 RK4 finding 12: H0004
  with only F41.1, F43.10, Z63.0 + Z56.0 or Z13.31 was counted as depression therapy, its check
  naming substance use none was coded for; RK2 finding 5 before it (F10.239 alone). Not
  counting keeps the CBT/IPT card: the safer side. No diagnosis read at all keeps it counted,
  with the check: the code names therapy and nothing says what for (a Procedure feed often
  carries no reason), and the check asks the clinician to confirm it was for depression.
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


# psychotherapy_kind_terms.csv `course` rows: words that keep the session a course of therapy
# ("CBT for insomnia and depression": recheck K18 s29 finding 5), read before the insomnia rows.
_COURSE = "course"


def kind_in_words(text: str) -> str:
    """The kind the words of an uncoded session name ("crisis"), or "" (lower-cased `text`)."""
    for kind, pattern in _word_rows():
        if pattern.search(text):
            return "" if kind == _COURSE else kind
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


# The kind of a session of a `reason_rows` code whose diagnoses are read and none is depressive
# or of the row's `reason_kind` (anxiety, PTSD, Z codes): not therapy for depression.
OTHER_REASONS_KIND = "counseling-other"


@dataclass(frozen=True, slots=True)
class SessionKind:
    """A session's kind read from its diagnoses, and those diagnoses as its line names them
    ("Generalized anxiety disorder (F41.1)"), when they made it a kind that is not counted."""

    kind: str = ""
    reasons: tuple[str, ...] = ()


def _named(code: str, display: str) -> str:
    return f"{display.strip()} ({code})" if display.strip() else code


def kind_from_reasons(
    system: str, code: str, resource: Resource, chart: ChartConditions | None
) -> SessionKind:
    """Counted (an empty kind) when no diagnosis is read or a `therapy_kinds` one (depressive)
    is among them; else the row's `session_kind` when one is of its `reason_kind`, else
    `OTHER_REASONS_KIND`, with the diagnoses named (module docstring)."""
    row = reason_rows().get((system, code))
    if row is None or chart is None:
        return SessionKind()
    found = [(s, c.strip(), d) for s, c, d in _diagnoses(resource, chart) if c.strip()]
    if not found:
        return SessionKind()
    kinds = {
        match.kind.value
        for d_system, d_code, _ in found
        for match in condition_matches(d_system, d_code)
    }
    if kinds & therapy_kinds():
        return SessionKind()
    # substance-use-in-remission is the same disorder (condition_codes.csv F1x.11/.21/.91)
    kinds = {k.removesuffix("-in-remission") for k in kinds}
    kind = row.session_kind if row.reason_kind in kinds else OTHER_REASONS_KIND
    # One name per diagnosis: a Condition coded in ICD-10-CM and SNOMED is named once.
    named = {(d.strip().lower() or c): _named(c, d) for _, c, d in found}
    return SessionKind(kind, tuple(named.values()))
