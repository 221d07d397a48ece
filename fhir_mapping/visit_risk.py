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
cancelled or entered in error records nothing; one starting after as-of is not yet on record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from fhir_mapping import (
    self_harm_intent,
    self_harm_text,
    stated_heading,
    stated_history,
    stated_report,
    stated_sa,
    stated_safety,
)
from fhir_mapping.absent_reasons import diagnosis_reasons, referenced_reasons
from fhir_mapping.admission_codes import ClassOf, class_key
from fhir_mapping.admissions import is_emergency, wants_admission
from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.clinical_records import ClinicalContext
from fhir_mapping.condition_category import is_encounter_diagnosis
from fhir_mapping.diagnosis_text import text_kinds
from fhir_mapping.discharge_disposition import read_disposition
from fhir_mapping.eye_context import eye_visit
from fhir_mapping.fhir_fields import (
    JSON_OBJECT,
    codings,
    concept_text,
    one_or_many,
    parse_date,
    source_ref,
    status_code,
)
from fhir_mapping.od_item import acute_sided
from fhir_mapping.od_lookalike import eye_sided, unless_bare
from fhir_mapping.past_means import means_beside
from fhir_mapping.record import Finding, FindingKind
from fhir_mapping.self_harm_intent import UNDETERMINED
from fhir_mapping.stay_reason import stay_word
from fhir_mapping.text_lines import by_lines, readings
from fhir_mapping.tms_safety import concept_label

Resource = Mapping[str, Any]

_KINDS = (FindingKind.SUICIDAL_IDEATION, FindingKind.SELF_HARM)
# Encounter statuses that record no visit that took place (FHIR R4 EncounterStatus).
_NO_VISIT = frozenset({"planned", "cancelled", "entered-in-error"})
# Condition verificationStatus codes that record nothing (conditions.DROPPED_VERIFICATION).
_VOID = frozenset({"refuted", "entered-in-error"})
# `Finding.verification` of a reason's suicidal ideation stated only as a history with a current
# denial (`_text_kinds`): a warning to ask about now, not a current finding (fix net33).
PAST_DENIED = "history, current denied"
# `Finding.recorded` of each shape.
DIAGNOSIS = "encounter diagnosis"
REASON = "visit reason"
# How `Finding.visit` starts for an emergency-department visit (`_visit_words`).
ED_VISIT = "ED visit"
# What a reason gives: (kind, system, code, display, verification, the date a history its words
# state is written with, "2015", "2015-12" or "2015-12-28", or None: stated_history.py).
_Read = tuple[FindingKind, str, str, str, str | None, str | None]


def _reason_kinds(
    resource: Resource, chart: Sequence[Resource] | None = None, class_of: ClassOf = class_key
) -> Iterable[_Read]:
    """(kind, system, code, display, verification, year written: `_Read`) of each reasonCode
    coding of a suicide-risk kind; for a reason no coding of which gives one, what its words say
    (`_text_kinds`). A `reasonReference` to a Condition the Encounter contains is read by that
    Condition's code (recheck K15 s28 finding 1); with `chart` (its Conditions), one to a
    Condition not in it by its display as a reason typed in (absent_reasons.py, as the stay
    reader reads it: review s28 K12 finding 1, a suicide-attempt admission so stated got no
    card)."""
    reasons = [*one_or_many(resource.get("reasonCode")), *referenced_reasons(resource, chart)]
    yield from _concept_kinds(reasons, _od_side(resource, class_of))


def _od_side(resource: Resource, class_of: ClassOf) -> Callable[[str], str]:
    """How the visit's words are read for "OD": alone or as an item ("Found down, OD": od_item.py,
    fix text78) an overdose only in an ED visit's or a stay's reason; an eye visit's "OD" the right
    eye (od_lookalike.py, eye_context.py; fix text70, recheck K52a finding 5)."""
    if eye_visit(resource):
        return eye_sided
    acute = is_emergency(resource, class_of) or wants_admission(resource, class_of)
    return acute_sided if acute else unless_bare


def _concept_kinds(reasons: Iterable[object], side: Callable[[str], str] = str) -> Iterable[_Read]:
    for concept in reasons:
        coded = False
        for system, code, display in codings(concept):
            for row in condition_matches(system, code):
                if row.kind in _KINDS:
                    coded = True
                    yield row.kind, system, code, display or row.display, None, None
        # A poisoning code that states its intent (T43.211A, accidental) decides, not the words;
        # one of undetermined intent (T43.224A) is asked as an unknown intent is
        # (self_harm_intent.py).
        if coded:
            continue
        if (found := self_harm_intent.undetermined(codings(concept))) is not None:
            system, code, display = found
            yield (
                FindingKind.SELF_HARM,
                system,
                code,
                display or concept_label(concept),
                UNDETERMINED,
                None,
            )
        elif not self_harm_intent.intent_coded(codings(concept)):
            yield from _text_kinds(concept, side)


def _text_kinds(concept: object, side: Callable[[str], str] = str) -> Iterable[_Read]:
    """A reason's words (text and displays): self-harm or an overdose (self_harm_text.py; its
    `Finding.verification` marks it text only or of intent not recorded) and suicidal ideation
    (diagnosis_text.py), system "text" as a text-only Condition's finding. A kind named only in
    a clause that states a past history ("History of passive SI in 2015, resolved") carries
    that year as written (stated_history.py; review s29 RQ3), which dates it. A plan or intent
    heading answered by a method ("Plan: hang self") states suicidal ideation with a plan though
    no SI word stands (stated_heading.states_method; fix hist36: no card before)."""
    label = concept_label(concept)
    text = side(concept_text(concept))
    if not text:
        return
    # Safety planning and means restriction in a plan ("Plan: remove guns from home", "limit
    # supply due to overdose risk") are treatment, no risk nor overdose: read without them
    # (stated_safety.py; recheck K27a s31 finding 2, fix hist37).
    texts = [stated_safety.safety_blanked(t) for t in readings(text)]  # by lines (text_lines.py)
    text = texts[0]
    harm, ideation = by_lines(_text_reading, texts)
    if stated_heading.states_method(text):
        # A method as a heading's answer is planned, not done ("SI, Intent: none. Plan:
        # overdose": ideation with a plan, not an overdose; fix hist38, recheck K28b).
        ideation = True
        if harm is not None:
            harm = _text_reading(stated_heading.answers_blanked(text))[0]
    if harm is not None and stated_history.history_denied(text, _names_any):
        # An act named only in a list going on a denial ("denies current SI, plan, intent, or
        # prior attempts") is denied too (recheck K23 s30 n18; stated_history.denied_lists).
        harm = _text_reading(stated_history.denied_lists(text, _names_any))[0]
    if harm is None and not ideation:
        return
    current, year = stated_history.past_clauses(text, _names_any)
    harm_now, ideation_now = _text_reading(current) if year is not None else (harm, ideation)
    if harm is not None:
        # An act's history beside a denial of now ("Prior SA 2010, denies current SI") is dated
        # by its year, as without the denial (stated_history._current; fix hist37).
        act_now, act_year = stated_history.past_clauses(text, _names_any, act=True)
        harm_now = _text_reading(act_now)[0] if act_year is not None else harm
        written = None if harm_now is not None else act_year
        yield FindingKind.SELF_HARM, "text", "", label, harm.value, written
    if ideation:
        # Means beside the history keep it current, as in a note ("Hx SI 2015, none since; has a
        # gun" was quiet, TMS offered: past_means.py, fix text61).
        kept = means_beside(text, _names_any)
        written = None if ideation_now or kept else year
        # An undated history with a current denial ("History of SI, denies current SI"): no SI
        # of now, a past one to ask about (stated_history.history_denied; fix net33).
        denied = written is None and not kept and stated_history.history_denied(text, _names_any)
        mark = PAST_DENIED if denied else None
        yield FindingKind.SUICIDAL_IDEATION, "text", "", label, mark, written


def _text_reading(text: str) -> tuple[self_harm_text.Reading | None, bool]:
    """What `text` says of self-harm, and whether it names suicidal ideation ("SI with plan to
    overdose", "thoughts of overdosing": ideation, not an act; recheck K7 s28 finding 5,
    self_harm_ideation.py). An "SA" that reads as a suicide attempt is read as those words ("Hx
    SA" as "Hx suicide attempt": stated_sa.py; recheck K24a s30); stated_history.py reads the
    "SA" itself, so "No SA" stays a denial there."""
    text = stated_sa.spell_out(text)
    ideation = FindingKind.SUICIDAL_IDEATION in text_kinds(text) or self_harm_text.ideation(text)
    # A plan an informant reports after the patient's denial ("Denies SI (mother: pt has plan)":
    # stated_report.py, fix text48b; no card before).
    ideation = ideation or stated_report.reports_risk(text)
    return self_harm_text.reading(text), ideation


def _names_any(text: str) -> bool:
    harm, ideation = _text_reading(text)
    return harm is not None or ideation


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
        if start is not None and start > as_of:
            continue
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
            added.append(
                Finding(
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
            )
    if not changed and not added:
        return context
    findings = [changed.get(f, f) for f in context.findings] + added
    return replace(context, findings=tuple(sorted(findings, key=_key)))
