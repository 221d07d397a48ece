"""Suicidal ideation and self-harm recorded at a visit, not on the problem list (review 16
recheck U-b).

An ED visit for suicidal ideation is a current risk signal: patients seen in an ED with
suicidal ideation had 31.4 times the suicide mortality of the population in the following year
(Goldman-Mellor et al., JAMA Netw Open 2019), an SMR of 10.6 in the year after such a visit
(Olfson et al., J Clin Psychiatry 2021). The visit reaches the chart in two shapes, both read
here:

- an encounter diagnosis: a Condition of category `encounter-diagnosis` (US Core Condition
  Encounter Diagnosis), most often `resolved` once the visit is closed. Its clinical status
  says the visit ended, not that the risk did, so a suicidal-ideation row counts whatever the
  status (condition_codes.csv counts_when_resolved, as a self-harm row already did); the
  suicide-risk window (policy.suicide_condition_recent_days) decides what is current. Here its
  finding is told where it was recorded (`Finding.recorded` "encounter diagnosis",
  `Finding.visit` "ED visit on 2025-05-23"), so the card no longer says "on the problem list";
- only the Encounter's `reasonCode` (no Condition): a finding of its own, dated the visit's
  start and citing the Encounter, unless a Condition already records the same kind for that
  visit (one visit, one line). A reason with no code of either kind is read by its words, as a
  text-only Condition is (review s26 RC finding 1: Oracle Health's ED reason "Overdose" is text
  only): self-harm or an overdose (self_harm_text.py, marked to confirm) and suicidal ideation
  (diagnosis_text.py), whatever the visit's status (in progress or finished). A
  `reasonReference` to a Condition nowhere in the chart is read by its display as such a reason
  (absent_reasons.py, as the stay reader reads it; review s28 K12 finding 1: "Suicide attempt"
  so stated made no card, while the same words as reasonCode text made the critical one).
  A reason whose words give the kind only as a history of a past year ("History of passive SI
  in 2015, resolved") is dated by the latest day its words allow (stated_history.py; review s29
  RQ3, RQ4 finding 1): it is no ED visit for suicidal ideation today. One that states suicidal
  ideation only as an undated history and denies it now ("History of SI, denies current SI")
  keeps the visit's date and is marked PAST_DENIED: the card asks about current thoughts, the
  warning a form's past yes beside a current no gets (services/past_answers.py; fix net33).
  Safety planning and means restriction in a plan's sentence ("Plan: naloxone kit given",
  "remove guns from home") are read as treatment, no risk nor overdose (stated_safety.py; fix
  hist37).

Encounters read: every one the routing keeps (resource_routing: inpatient, psychotherapy, ED
class EMER, or a reasonCode of suicidal ideation or self-harm: `wants_visit`). A visit planned,
cancelled or entered in error records nothing; one starting after as-of is read as today's, its
date named as suspect (risk_after_today.py; fix fut63: it was dropped in silence).

What a reason says (its codes and words) is read by visit_reason_kinds.py (split out in session 37
to keep this module under 400 lines); here the findings are told where a visit recorded them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from fhir_mapping import self_harm_intent, self_harm_text, stated_history
from fhir_mapping.absent_reasons import diagnosis_reasons, referenced_reasons
from fhir_mapping.admission_codes import ClassOf, class_key
from fhir_mapping.admissions import is_emergency, wants_admission
from fhir_mapping.clinical_records import ClinicalContext
from fhir_mapping.condition_category import is_encounter_diagnosis
from fhir_mapping.discharge_disposition import read_disposition
from fhir_mapping.fhir_fields import (
    JSON_OBJECT,
    codings,
    concept_text,
    parse_date,
    source_ref,
    status_code,
)
from fhir_mapping.record import Finding, FindingKind
from fhir_mapping.risk_after_today import as_today
from fhir_mapping.stay_reason import stay_word
from fhir_mapping.visit_reason_kinds import _KINDS, _concept_kinds, _od_side, _reason_kinds
from fhir_mapping.visit_reason_kinds import HOLD as HOLD
from fhir_mapping.visit_reason_kinds import HOLD_ENDED as HOLD_ENDED
from fhir_mapping.visit_reason_kinds import HOLD_RELEASED as HOLD_RELEASED
from fhir_mapping.visit_reason_kinds import PAST_DENIED as PAST_DENIED
from fhir_mapping.visit_reason_kinds import _names_any as _names_any
from fhir_mapping.visit_reason_kinds import ended_mark as ended_mark

Resource = Mapping[str, Any]

# Encounter statuses that record no visit that took place (FHIR R4 EncounterStatus).
_NO_VISIT = frozenset({"planned", "cancelled", "entered-in-error"})
# Condition verificationStatus codes that record nothing (conditions.DROPPED_VERIFICATION).
_VOID = frozenset({"refuted", "entered-in-error"})
# `Finding.recorded` of each shape.
DIAGNOSIS = "encounter diagnosis"
REASON = "visit reason"
# How `Finding.visit` starts for an emergency-department visit (`_visit_words`).
ED_VISIT = "ED visit"


def wants_visit(resource: Resource, class_of: ClassOf = class_key) -> bool:
    """An ED visit (its encounter diagnoses are named by it), or a visit whose reason is
    suicidal ideation or self-harm: the routing filter (cheap: the class, then the reasons)."""
    if is_emergency(resource, class_of):
        return True
    if not resource.get("reasonCode") and not resource.get("contained"):
        return False  # a reason by reference alone: read when the stay or ED visit is kept
    return any(True for _ in _reason_kinds(resource, None, class_of))


def _visit_words(resource: Resource, class_of: ClassOf) -> str:
    """ "ED visit on 2025-05-23", "inpatient stay from 2025-05-01", "observation stay from
    2025-05-01" (the class word: stay_reason.py `stay_word`, review s27 K2 finding 5), "visit on
    2025-05-23"."""
    period = resource.get("period")
    start = parse_date(period.get("start")) if isinstance(period, JSON_OBJECT) else None
    if wants_admission(resource, class_of):
        kind = stay_word(resource, class_of) or "inpatient stay"
        return f"{kind} from {start.isoformat()}" if start else kind
    what = ED_VISIT if is_emergency(resource, class_of) else "visit"
    return f"{what} on {start.isoformat()}" if start else what


def at_ed_visit(finding: Finding) -> bool:
    """Whether a suicidal-ideation or self-harm finding was recorded at an ED visit (an encounter
    diagnosis or the reason of an emergency Encounter): the presentation whose following year
    Goldman-Mellor 2019 and Olfson 2021 measured (policy.suicide_ed_visit_history_days)."""
    return finding.visit is not None and finding.visit.startswith(ED_VISIT)


def _reference_id(reference: object, resource_type: str) -> str | None:
    ref = reference.get("reference") if isinstance(reference, JSON_OBJECT) else None
    if not isinstance(ref, str):
        return None
    parts = ref.rstrip("/").split("/")
    return parts[-1] if len(parts) >= 2 and parts[-2] == resource_type else None


def _key(f: Finding) -> tuple[str, date, str, str, str]:
    # context._finding_key's order, so the findings stay as clinical_context sorts them.
    return (f.kind.value, f.onset or date.min, f.system, f.code, str(f.source or ""))


def _intent_stated_visits(conditions: Sequence[Resource]) -> frozenset[str]:
    """The Encounter ids a Condition (not refuted or entered in error) states the intent of a
    poisoning for: by a code (T40.1X1A, T43.224A: self_harm_intent.py), or in words that state
    an accident ("Overdose, no suicidal intent, accidental overdose": self_harm_text.py; review
    s26 RK2 finding 6). Words of intent or doubt need no entry here: they give a finding of
    their own for the visit, which already stands for the reason."""
    return frozenset(
        visit
        for c in conditions
        if isinstance(c, JSON_OBJECT)
        and status_code(c.get("verificationStatus")) not in _VOID
        and (visit := _reference_id(c.get("encounter"), "Encounter")) is not None
        and (
            self_harm_intent.intent_coded(codings(c.get("code")))
            or self_harm_text.states_accident(concept_text(c.get("code")))
        )
    )


def with_visit_findings(
    context: ClinicalContext,
    encounters: Sequence[Resource],
    conditions: Sequence[Resource],
    *,
    as_of: date,
    class_of: ClassOf = class_key,
    chart: Sequence[Resource] | None = None,
) -> ClinicalContext:
    """`context` with its suicidal-ideation and self-harm findings told where a visit recorded
    them, and those only a visit's reasonCode records added (module docstring). `class_of`: how
    each visit's class is read (the build's memo: visit_reads.py). `chart`: every Condition of
    the chart, a reader's or not (stay_evidence.py), what a reasonReference is looked for in
    (absent_reasons.py); None when not known (no reference is then read)."""
    visits = {
        rid: r
        for r in encounters
        if isinstance(r, JSON_OBJECT) and isinstance(rid := r.get("id"), str)
    }
    reasons = [
        r
        for r in visits.values()
        if ((r.get("reasonCode") or r.get("contained")) and wants_visit(r, class_of))
        or referenced_reasons(r, chart)
        or diagnosis_reasons(r, chart)
    ]
    risky = [f for f in context.findings if f.kind in _KINDS]
    if not reasons and not risky:
        return context  # nearly every chart
    by_id = {
        cid: c
        for c in conditions
        if isinstance(c, JSON_OBJECT) and isinstance(cid := c.get("id"), str)
    }
    changed: dict[Finding, Finding] = {}
    seen: set[tuple[FindingKind, str]] = set()  # (kind, Encounter id) a Condition records
    for finding in risky:
        source = finding.source
        condition = by_id.get(source.id) if source and source.resource_type == "Condition" else None
        if condition is None:
            continue
        visit_id = _reference_id(condition.get("encounter"), "Encounter")
        if visit_id is not None:
            seen.add((finding.kind, visit_id))
        if not is_encounter_diagnosis(condition):
            continue
        visit = visits.get(visit_id) if visit_id is not None else None
        words = _visit_words(visit, class_of) if visit is not None else None
        changed[finding] = replace(
            finding,
            recorded=DIAGNOSIS,
            visit=words,
            visit_disposition=read_disposition(visit) if visit is not None else None,
        )
    added: list[Finding] = []
    dated = {(f.kind, f.onset) for f in risky}
    intent_stated = _intent_stated_visits(conditions)
    for rid, visit in visits.items():
        status = visit.get("status")
        if not isinstance(status, str) or status in _NO_VISIT:
            continue
        period = visit.get("period")
        start = parse_date(period.get("start")) if isinstance(period, JSON_OBJECT) else None
        # Started after as-of: its suicide risk is read as today's, the date named (fix fut63,
        # risk_after_today.py); its other reasons are not read here at all.
        late = start if start is not None and start > as_of else None
        # Its reasons, then the diagnoses it lists that no Condition of the chart records (one
        # contained, or one the chart did not send, read by its display: K15 finding 2).
        read = [(r, REASON) for r in _reason_kinds(visit, chart, class_of)] + [
            (r, DIAGNOSIS)
            for r in _concept_kinds(diagnosis_reasons(visit, chart), _od_side(visit, class_of))
        ]
        for (kind, system, code, display, verification, written), recorded in read:
            # One visit, one line: a Condition of the same kind for this visit (or dated its
            # day) already says it.
            if (kind, rid) in seen or (kind, start) in dated:
                continue
            # "Overdose" as the reason of a visit whose diagnosis codes the intent (T40.1X1A,
            # accidental) or states an accident in words: the diagnosis says what the reason's
            # words leave open (review s26 UD finding 2, RK2 finding 6), as a code does on the
            # Condition itself (self_harm_intent.py). Only a bare reason: one naming self-harm
            # or suicide ("Suicide attempt - intentional overdose"), or saying the intent could
            # not be told, still raises its own finding.
            if verification == self_harm_text.INTENT_UNKNOWN and rid in intent_stated:
                continue
            seen.add((kind, rid))
            # A history its words date before the visit ("History of passive SI in 2015,
            # resolved"): dated by the LATEST day the words allow, never the first (a year's
            # December 31, a month's last day, the day written: review s29 RQ4 finding 1, "on
            # 12/28/2025" at a visit of 2026-01-10 read as January 2025 lost its critical
            # card; stated_history.py); else the visit's day.
            latest = stated_history.latest_day(written) if written is not None else None
            past = latest is not None and (start is None or latest < start)
            partial = written if written is not None and len(written) < 10 else None
            found = Finding(
                kind=kind,
                code=code,
                system=system,
                display=display,
                onset=latest if past else start,
                onset_written=partial if past else None,
                # The visit a past act its words date was stated at (fix hist38).
                stated_on=start if past and kind is FindingKind.SELF_HARM else None,
                source=source_ref(visit),
                recorded=recorded,
                visit=_visit_words(visit, class_of),
                verification=verification,
                visit_disposition=read_disposition(visit),
            )
            added.append(found if late is None else as_today(found, late, as_of))
    if not changed and not added:
        return context
    findings = [changed.get(f, f) for f in context.findings] + added
    return replace(context, findings=tuple(sorted(findings, key=_key)))
