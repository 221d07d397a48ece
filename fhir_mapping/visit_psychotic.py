"""Psychotic features a visit alone records (fix tms61, session 40 findings 1-2).

- Finding 1 (UNSAFE): an ED visit whose reason was "Psychosis", "+AH/VH", "paranoid, hearing
  voices" or "command AH" gave a one-click TMS referral whose packet said "Psychotic features:
  none on record": visit reasons were read for suicide risk, a seizure and bipolar disorder
  (visit_risk.py, visit_seizure.py, reason_bipolar.py), never for psychosis. Current psychotic
  features hold TMS and call for the psychotic-depression regimen (LCD L37086 lists current
  psychotic symptoms as a TMS exclusion; CANMAT 2023 Table 3.6), so such a reason is read as the
  same words on a text-only Condition are (diagnosis_terms.csv `psychotic` rows with their
  negations: "denies AH/VH" is not read; "r/o psychosis" is), or by its code's condition_codes.csv
  row. Said as past or resolved ("Hx psychosis 2015, resolved") or with a named cause
  (psychotic_not_current.csv), it is not current (psychotic_current.stated_not_current). The card
  names it as recorded: "Psychosis (reason for the visit on 2026-11-20)".
- Finding 2: a status-less encounter diagnosis (R44.3 at a 2019 visit, no onset) stayed a current
  psychotic feature seven years on. US Core makes `clinicalStatus` optional on a visit diagnosis:
  the code says what was assessed at that visit (visit_substance.py reads substance use so). Dated
  by its recordedDate, else its onset, else its Encounter's start, one older than
  MappingPolicy.psychotic_visit_current_days is dropped; a recent one, an undated one and one
  with a stated status are read as before (the safer: TMS held).

Both only within that window: a visit's reason of years ago is no more current than its
diagnosis. Visits planned, booked, cancelled or entered in error record nothing.

Session 41 review K66a findings 4-5 (fix tms62): "drug-induced psychosis 2015" (a year before
the visit's) and "psychosis in brother" (a relative's) are no current feature; "hallucinating"
and "paranoid" alone are read (visit_psychotic_text.py). "r/o psychosis" and "eval for
psychosis" stay read (holding TMS is the safer reading), marked `differential` since fix psy64:
the optimise card says "Possible psychotic features" (psychotic_current.to_rule_out). Since fix tms63 (recheck K68a 7)
"paranoid" is read only beside a psychotic context word ("feels paranoid at work" is not).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from fhir_mapping.absent_reasons import diagnosis_reasons, reference_id, referenced_reasons
from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.clinical_records import ClinicalContext
from fhir_mapping.condition_category import is_encounter_diagnosis
from fhir_mapping.condition_dates import condition_onset
from fhir_mapping.differential_text import DIFFERENTIAL
from fhir_mapping.fhir_fields import (
    JSON_OBJECT,
    codings,
    concept_text,
    one_or_many,
    parse_date,
    source_ref,
)
from fhir_mapping.psychotic_current import stated_not_current, to_rule_out
from fhir_mapping.record import Finding, FindingKind
from fhir_mapping.tms_safety import concept_label
from fhir_mapping.visit_psychotic_text import names_psychotic, not_current_here
from fhir_mapping.visit_seizure import NO_VISIT, REASON

Resource = Mapping[str, Any]

_PSYCHOTIC = FindingKind.PSYCHOTIC


def psychotic_reading(concept: object) -> tuple[str, str, str] | None:
    """(system, code, label) of a reason naming a current psychotic feature: its first coding
    under a psychotic row, else its words (system "text"), else None."""
    coded = codings(concept)
    for system, code, display in coded:
        for row in condition_matches(system, code):
            if row.kind is _PSYCHOTIC:
                return system, code, display or row.display
    text = concept_text(concept, coded)
    if not text or not names_psychotic(text):
        return None
    # "r/o psychosis" at a visit is read, as visit_seizure.py reads "r/o seizure": a psychosis
    # suspected enough to be worked up is what the TMS service must screen (the safer reading).
    # The Condition's text reader asks the same (fix psy62), so the two agree.
    if stated_not_current(text):
        return None
    return "text", "", concept_label(concept, coded)


def wants_visit(resource: Resource) -> bool:
    """An Encounter whose reasonCode names a psychotic feature (the routing filter keeps it,
    whatever its class): cheap, most Encounters state no reason."""
    reasons = resource.get("reasonCode")
    if not isinstance(reasons, list):
        return False
    return any(psychotic_reading(c) is not None for c in reasons)


def _start(visit: Resource) -> date | None:
    period = visit.get("period")
    return parse_date(period.get("start")) if isinstance(period, JSON_OBJECT) else None


def _recent(day: date | None, as_of: date, days: int) -> bool:
    """Dated within `days` before `as_of` (not after it), or undated (read: the safer)."""
    return day is None or 0 <= (as_of - day).days <= days


def _reason_finding(visit: Resource, chart: Sequence[Resource] | None) -> Finding | None:
    status = visit.get("status")
    if not isinstance(status, str) or status in NO_VISIT:
        return None
    reasons = [
        *one_or_many(visit.get("reasonCode")),
        *referenced_reasons(visit, chart),
        *diagnosis_reasons(visit, chart),
    ]
    start = _start(visit)
    for concept in reasons:
        read = psychotic_reading(concept)
        if read is None:
            continue
        system, code, label = read
        # A dated past episode or a relative's psychosis in the words is no current feature
        # (fix tms62); a code says what was assessed at the visit and is read as before.
        if system == "text" and not_current_here(label, start.year if start else None):
            continue
        when = f"the visit on {start.isoformat()}" if start is not None else "a visit"
        return Finding(
            kind=_PSYCHOTIC,
            code=code,
            system=system,
            display=f"{label} (reason for {when})",
            onset=start,
            source=source_ref(visit),
            # "r/o psychosis": a question, held but named "possible" (fix psy64 finding 1).
            verification=DIFFERENTIAL if system == "text" and to_rule_out(label) else None,
            recorded=REASON,
            onset_recorded=True,
        )
    return None


def _visit_day(condition: Resource, visits: Mapping[str, Resource]) -> date | None:
    """The day a visit diagnosis was made: its recordedDate, else its onset, else its visit's."""
    day = parse_date(condition.get("recordedDate")) or condition_onset(condition)
    if day is not None:
        return day
    visit_id = reference_id(condition.get("encounter"), "Encounter")
    visit = visits.get(visit_id) if visit_id else None
    return _start(visit) if visit is not None else None


def _old_visit_diagnoses(
    context: ClinicalContext,
    conditions: Sequence[Resource],
    visits: Mapping[str, Resource],
    as_of: date,
    days: int,
) -> set[Finding]:
    """The PSYCHOTIC findings whose only record is a status-less encounter diagnosis made more
    than `days` before `as_of` (module docstring, finding 2)."""
    by_id = {c.get("id"): c for c in conditions if isinstance(c, JSON_OBJECT)}
    old: set[Finding] = set()
    for finding in context.of(_PSYCHOTIC):
        source = finding.source
        if source is None or source.resource_type != "Condition":
            continue
        condition = by_id.get(source.id)
        if (
            condition is None
            or condition.get("clinicalStatus") is not None
            or not is_encounter_diagnosis(condition)
        ):
            continue
        if not _recent(_visit_day(condition, visits), as_of, days):
            old.add(finding)
    return old


def with_visit_psychotic(
    context: ClinicalContext,
    visits: Iterable[Resource],
    conditions: Sequence[Resource],
    *,
    as_of: date,
    days: int,
    chart: Sequence[Resource] | None = None,
) -> ClinicalContext:
    """`context` with a PSYCHOTIC finding for each recent visit whose reason names a current
    psychotic feature, and without those of old status-less visit diagnoses (module docstring).
    `chart`: every Condition of the chart, what a reference is looked for in."""
    kept = [v for v in visits if isinstance(v, JSON_OBJECT)]
    added: list[Finding] = []
    for visit in kept:
        if not (visit.get("reasonCode") or visit.get("reasonReference") or "diagnosis" in visit):
            continue  # nearly every visit: no reason stated
        finding = _reason_finding(visit, chart)
        if finding is not None and _recent(finding.onset, as_of, days):
            added.append(finding)
    old: set[Finding] = set()
    if context.has(_PSYCHOTIC):
        by_id = {v["id"]: v for v in kept if isinstance(v.get("id"), str)}
        old = _old_visit_diagnoses(context, conditions, by_id, as_of, days)
    if not added and not old:
        return context  # nearly every chart
    findings = [f for f in context.findings if f not in old]
    return replace(context, findings=tuple(sorted({*findings, *added}, key=_key)))


def _key(f: Finding) -> tuple[str, date, str, str, str]:
    # context._finding_key's order, as visit_seizure._key.
    return (f.kind.value, f.onset or date.min, f.system, f.code, str(f.source or ""))
