"""Condition -> Finding: the diagnoses, risks and contraindications one Condition supports on
the as-of date (see clinical_codes.py for the tables).

Codes are matched by SNOMED CT (http://snomed.info/sct) and ICD-10-CM
(http://hl7.org/fhir/sid/icd-10-cm, with or without the dot). A condition counts when it was
active on the as-of date: clinicalStatus active/recurrence/relapse, or no clinicalStatus and no
abatement; an abatement dated after as-of means it was still active then (replays). Resolved,
inactive or remitted conditions count only for the lifetime/history kinds of the table
(bipolar, epilepsy/seizure history, self-harm, suicidal ideation, implanted devices). A depression code whose
clinicalStatus is "remission" yields MDD_IN_REMISSION instead of DEPRESSION; likewise a
puerperal psychosis no longer active yields PUERPERAL_PSYCHOSIS_HISTORY alone (`_RESOLVED_ONLY`).
verificationStatus refuted or entered-in-error drops the condition; provisional, differential and
unconfirmed diagnoses are kept (a suspected bipolar disorder must still stop an SSRI-only plan).
Conditions whose onset (else recordedDate) is after as-of are ignored.

Apart from context.py (which gathers a chart's findings) because reading one Condition's state,
verification, onset and text is its own work, and episode.py's stated ends read the same
abatement and verification (`abatement_date`, `DROPPED_VERIFICATION`). context.py re-exports
what its callers read from here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from fhir_mapping import (
    risk_after_today,
    self_harm_intent,
    self_harm_text,
    stated_plan_text,
    tms_removals,
    tms_safety,
    vascular_text,
)
from fhir_mapping.clinical_codes import ConditionCode, condition_matches, term_kinds
from fhir_mapping.condition_category import categories, is_encounter_diagnosis
from fhir_mapping.condition_dates import abatement_date as abatement_date  # its callers'
from fhir_mapping.condition_dates import condition_onset as condition_onset
from fhir_mapping.condition_dates import onset_written
from fhir_mapping.condition_harm_notes import harm_note_findings
from fhir_mapping.condition_text import TEXT_MENTION, text_findings
from fhir_mapping.data_absent import absent_reason
from fhir_mapping.diagnosis_text import text_kinds
from fhir_mapping.eye_context import eye_condition
from fhir_mapping.fhir_fields import codings, concept_text, parse_date, source_ref, status_code
from fhir_mapping.mania_notes import has_mania_note, note_finding, note_mania
from fhir_mapping.od_lookalike import eye_sided, unless_bare
from fhir_mapping.record import Finding, FindingKind, SourceRef
from fhir_mapping.safety_notes import kept_for_notes, safety_note_findings
from fhir_mapping.sleep_apnea_text import apnea_words
from fhir_mapping.substance_remission import substance_in_remission

Resource = Mapping[str, Any]

_ACTIVE = frozenset({"active", "recurrence", "relapse"})
# verificationStatus codes that void a Condition (episode.py's stated ends read the same set).
DROPPED_VERIFICATION = frozenset({"refuted", "entered-in-error"})
# Kinds that count only when recorded as a diagnosis, not when suspected (unconfirmed,
# provisional, differential). Unlike bipolar disorder, where a suspected diagnosis must still stop
# an SSRI-only plan, frailty only qualifies "older adult" (issue 12), and the card names the code
# as the basis of a ranking: "frailty coded" must mean a clinician recorded it (a missing
# verificationStatus reads as recorded, as US Core allows).
_CONFIRMED_ONLY = frozenset({FindingKind.FRAILTY})
_SUSPECTED = frozenset({"unconfirmed", "provisional", "differential"})
# Substance use in remission (review 7 finding 8): a remission code (F10.21), a remission
# clinicalStatus, or the Condition's text ("in sustained remission") makes the substance-use finding
# SUBSTANCE_USE_IN_REMISSION, never also active use (CANMAT 2023 para 181 is about current use).
_SUBSTANCE_USE = FindingKind.SUBSTANCE_USE
_IN_REMISSION = FindingKind.SUBSTANCE_USE_IN_REMISSION
# History kinds read only once the Condition is no longer active (resolved, inactive, remission,
# or abated by as-of): the other reading of the same code while it is active. A puerperal
# psychosis (F53.1, SNOMED 18260003) is PSYCHOTIC and POSTPARTUM while active (the emergency, or
# the history warning when dated before the postnatal year: services/acute_risk.py); once
# resolved it is PUERPERAL_PSYCHOSIS_HISTORY alone, a strong marker of bipolarity that must still
# be named, but never current (no emergency card, no psychotic features), as a depression code in
# remission reads MDD_IN_REMISSION rather than DEPRESSION. Their rows say counts_when_resolved=yes.
# A heart failure no longer active is HEART_FAILURE_HISTORY alone, likewise (review 14 recheck t01).
# Esketamine's vascular contraindications (SPRAVATO 4), named by the Condition's own words.
_VASCULAR = (FindingKind.ANEURYSM_AVM, FindingKind.INTRACEREBRAL_HEMORRHAGE)
# A high-grade AV block no longer active is HIGH_GRADE_AV_BLOCK_HISTORY alone (rk3 finding 6).
_RESOLVED_ONLY = frozenset(
    {
        FindingKind.PUERPERAL_PSYCHOSIS_HISTORY,
        FindingKind.HEART_FAILURE_HISTORY,
        FindingKind.HIGH_GRADE_AV_BLOCK_HISTORY,
    }
)


# --- cheap pre-validation filters -------------------------------------------------------------
#
# Each reader below reads a resource's codings and text once and hands them on (issue 14): a
# Condition was walked eight times, between its filter and its findings.


def wants_condition(resource: Resource) -> bool:
    concept = resource.get("code")
    coded = codings(concept)
    for system, code, _ in coded:
        if condition_matches(system, code):
            return True
    text = concept_text(concept, coded)
    return (
        # Kinds named in the text when no code matched: problem lists often carry an implant as
        # free text ("Deep brain stimulator in situ"), and a missed implant is a missed TMS
        # contraindication (procedure_terms.csv rows that apply to "condition").
        bool(term_kinds(text, "condition"))
        or tms_safety.wanted(concept, "condition", text, coded)
        or bool(text_kinds(text))
        or self_harm_text.wanted(text, coded)
        or stated_plan_text.states_plan(text)  # "Plan: hang self" (fix heads42)
        or bool(vascular_text.text_kinds(text))
        or has_mania_note(resource)  # "hypomanic episode on sertraline" (mania_notes.py)
        or kept_for_notes(resource)  # "SI with plan to hang self", "h/o seizure" (safety_notes.py)
        # A code masked or absent by a data-absent-reason: kept to be named (masked_codes.py).
        or bool(absent_reason(concept, coded))
    )


# --- conditions ---------------------------------------------------------------------------------


def _condition_state(
    resource: Resource, as_of: date, verification: str | None, dated: date | None
) -> str | None:
    """ "active", "inactive" (resolved/remission/inactive at as-of), "remission", or None to drop.
    `verification` is the verificationStatus code; `dated` the onset, else the recorded date."""
    if verification in DROPPED_VERIFICATION:
        return None
    if dated is not None and dated > as_of:
        return None
    clinical = status_code(resource.get("clinicalStatus"))
    abated, abated_on = abatement_date(resource)
    if abated_on is not None:
        # A replay as of a day before the abatement sees the condition still active.
        if abated_on > as_of:
            return "active"
        return "remission" if clinical == "remission" else "inactive"
    if clinical is None:
        return "inactive" if abated else "active"
    if clinical in _ACTIVE:
        return "active"
    return "remission" if clinical == "remission" else "inactive"


def _refuted_bipolar(resource: Resource, as_of: date) -> tuple[Finding, ...]:
    """A Condition entered as refuted states no diagnosis (it is dropped), except that a refuted
    bipolar code is kept as BIPOLAR_REFUTED (review 14 recheck b01): a differential bipolar entry
    left on the list still blocks the unipolar pathway, and the card names the entry that refutes
    it. Dated by when the refutation was recorded (recordedDate), else its onset; one recorded
    after as-of is not yet on record."""
    day = parse_date(resource.get("recordedDate")) or condition_onset(resource)
    if day is not None and day > as_of:
        return ()
    for system, code, display in codings(resource.get("code")):
        for row in condition_matches(system, code):
            if row.kind is FindingKind.BIPOLAR:
                found = _finding(
                    row,
                    FindingKind.BIPOLAR_REFUTED,
                    system,
                    code,
                    display,
                    day,
                    source_ref(resource),
                    "inactive",
                    None,
                )
                return (replace(found, verification="refuted"),)
    return ()


def _finding(
    row: ConditionCode,
    kind: FindingKind,
    system: str,
    code: str,
    display: str,
    onset: date | None,
    source: SourceRef | None,
    state: str = "active",
    abated: date | None = None,
) -> Finding:
    return Finding(
        kind=kind,
        code=code,
        system=system,
        display=display or _code_display(row, code),
        onset=onset,
        source=source,
        severity=_severity(row, kind, state),
        state=state,
        abated=abated if state != "active" else None,
        named_as=row.named_as,
    )


# A family row's display names the value set ("Bipolar disorder (all F31.x)"): shown as if it were
# the chart's condition, it reads as a diagnosis nobody wrote (audit 13 finding 12).
_FAMILY_SUFFIX = re.compile(r"\s*\((?:all )?[A-Z][0-9A-Z.]*\.x\)$")


def _code_display(row: ConditionCode, code: str) -> str:
    """The display of a coding the chart sent without one: the row's own display when the row is
    the code's own, else (a prefix or pattern row: F31.81 under F31) the family's name without
    its value-set suffix ("Bipolar disorder"), the card naming the code itself beside it."""
    if not (row.prefix or row.pattern is not None) or code.replace(".", "").upper() == row.code:
        return row.display
    return _FAMILY_SUFFIX.sub("", row.display) or row.display


def _severity(row: ConditionCode, kind: FindingKind, state: str) -> str | None:
    """The row's severity for depression; for a liver row marked "impairment" (cirrhosis,
    hepatic failure), "impairment" while the condition is active and "impairment, inactive" once
    it is resolved or inactive: such a code still counts as liver disease (duloxetine,
    nefazodone), but is not read as current hepatic impairment (services/hepatic_doses.py;
    recheck 12 finding 4: a cirrhosis resolved before a liver transplant)."""
    if kind is FindingKind.DEPRESSION:
        return row.severity
    if kind is FindingKind.LIVER_DISEASE and row.severity:
        return row.severity if state == "active" else f"{row.severity}, inactive"
    return None


def condition_findings(resource: Resource, *, as_of: date) -> tuple[Finding, ...]:
    """The findings one Condition supports on the as-of date (one per kind)."""
    verification = status_code(resource.get("verificationStatus"))
    onset = condition_onset(resource) or parse_date(resource.get("recordedDate"))
    if verification == "refuted":
        return _refuted_bipolar(resource, as_of)
    if onset is not None and onset > as_of and verification not in DROPPED_VERIFICATION:
        # Suicide risk dated after today is read as today's, never dropped (fix fut63).
        return risk_after_today.condition_risk(
            resource, onset, as_of, lambda r, day: condition_findings(r, as_of=day)
        )
    state = _condition_state(resource, as_of, verification, onset)
    if state is None:
        return ()
    abated_on = abatement_date(resource)[1]
    source = source_ref(resource)
    concept = resource.get("code")
    coded = codings(concept)
    text = concept_text(concept, coded)
    label = tms_safety.concept_label(concept, coded)
    found: dict[FindingKind, Finding] = {}
    suspected = verification in _SUSPECTED
    for system, code, display in coded:
        for row in condition_matches(system, code):
            kind = row.kind
            if suspected and kind in _CONFIRMED_ONLY:
                continue
            if state == "active" and kind in _RESOLVED_ONLY:
                continue  # read as its current kinds instead (PSYCHOTIC, POSTPARTUM)
            if state != "active" and not row.counts_when_resolved:
                if state == "remission" and kind is FindingKind.DEPRESSION:
                    kind = FindingKind.MDD_IN_REMISSION
                elif state == "remission" and kind is _SUBSTANCE_USE:
                    kind = _IN_REMISSION
                else:
                    continue
            current = found.get(kind)
            # Keep the first coding, unless a later one adds the severity the first lacks, or
            # codes the kind itself where the first records a single event (G40.909 beside
            # R56.9: the entry is a seizure disorder; review 19 D1).
            if (
                current is None
                or (current.severity is None and row.severity is not None)
                or (current.named_as is not None and row.named_as is None)
            ):
                found[kind] = _finding(
                    row, kind, system, code, display, onset, source, state, abated_on
                )
    if _SUBSTANCE_USE in found:
        substance_in_remission(found, text)
    # The text's diagnoses: all of them when no code matched (frailty alone does not stop them),
    # else the ones that gate treatment which no code gave (condition_text.py).
    kinds, harm_coded = found.keys() - _CONFIRMED_ONLY, self_harm_intent.intent_coded(coded)
    # An eye entry's "OD" is the right eye (eye_context.py; fix text70, recheck K52a finding 5).
    eye = eye_condition(resource)
    read = eye_sided(text) if eye else text
    for kind, finding in text_findings(
        read,
        label,
        state,
        onset,
        source,
        kinds,
        intent_coded=harm_coded,
        visit=is_encounter_diagnosis(resource),  # resolved: the visit closed (condition_text.py)
        abated=abated_on if state != "active" else None,
    ).items():
        found.setdefault(kind, finding)
    # A sleep apnea's own words, coded or typed in: treated, not in use, or resolved.
    apnea_words(resource, text, found)
    # A poisoning coded with undetermined intent (T43.224A): asked as an unknown intent is.
    if harm := self_harm_intent.undetermined_finding(coded, label, onset, source, state):
        found.setdefault(FindingKind.SELF_HARM, harm)
    # ... self-harm, ideation or a plan in its notes (condition_harm_notes.py; fix heads43) ...
    noted_harm = harm_note_findings(
        resource,
        state=state,
        onset=onset,
        source=source,
        as_of=as_of,
        intent_coded=harm_coded,
        side=eye_sided if eye else unless_bare,
    )
    for kind, finding in noted_harm.items():
        found.setdefault(kind, finding)
    # ... and mania or hypomania in the entry's notes (mania_notes.py; review s23 RO finding 6).
    if FindingKind.BIPOLAR not in found and (noted := note_mania(resource, as_of=as_of)):
        found[FindingKind.BIPOLAR] = note_finding(noted, label, source, state)
    # TMS safety screen (issue 11 item 6): implants and metal near the head (absolute) and the
    # items the TMS service must screen (caution), from codes or free text ("Hx of cerebral
    # aneurysm clipping 2015"); an implant stays in place whatever the status says.
    screened = tms_safety.findings(
        concept,
        applies_to="condition",
        text=text,
        label=label,
        active=state == "active",
        onset=onset,
        source=source,
        coded=coded,
        state=state,
        abated=abated_on if state != "active" else None,
    )
    # Z96.89 named as the chart wrote it ("Spinal cord stimulator"; review s21 RR finding 6).
    for finding in tms_removals.with_written_type(screened, label, "condition"):
        found.setdefault(finding.kind, finding)
    # A seizure, metal or an implant in its notes (safety_notes.py; fix tms58, K63a finding 5).
    for finding in safety_note_findings(resource, "condition", state, onset, source, as_of, label):
        found.setdefault(finding.kind, finding)
    # An aneurysm, AVM or intracerebral haemorrhage named in the text whatever the code (R90.89
    # "4 mm unruptured left ICA aneurysm"; recheck of review 15 W-g): esketamine's label
    # contraindication. Counted whatever the clinical status, as the codes are (a treated
    # aneurysm is still aneurysmal disease); a code that gave the kind keeps its own finding.
    for kind in vascular_text.text_kinds(text):
        found.setdefault(
            kind,
            Finding(
                kind=kind,
                code="",
                system="text",
                display=label,
                onset=onset,
                source=source,
                state=state,
                abated=abated_on if state != "active" else None,
            ),
        )
    # Named by the Condition's own words, as the TMS screen names the same entry ("Left MCA
    # aneurysm, clipped 2015", not the code's "Cerebral aneurysm, nonruptured"): one Condition,
    # one name on both lines of the optimise card (audit 15 M8).
    for kind in _VASCULAR:
        if kind in found and label:
            found[kind] = replace(found[kind], display=label)
    # What the Condition itself says of every finding it supports, set in one copy of each
    # (issue 14: `replace` walks all of a Finding's fields; up to four copies a finding cost a
    # Condition more than reading its codes).
    changes: dict[str, Any] = {}
    if onset is not None and (written := onset_written(resource)) is not None:
        changes["onset_written"] = written
    if onset is not None and condition_onset(resource) is None:
        # Dated by recordedDate alone: the day entered, not an onset (Finding.onset_recorded).
        changes["onset_recorded"] = True
    elif onset is not None and (entered := parse_date(resource.get("recordedDate"))) is not None:
        # On record before its stated onset (Finding.recorded_before).
        changes["recorded_before"] = entered if entered < onset else None
    if listed := categories(resource):  # where it was recorded (Finding.categories)
        changes["categories"] = listed
    if changes or suspected:
        # Suspected: kept, but marked: a card must not call a differential diagnosis one on
        # record (review 14 M1). A kind only mentioned in the text keeps that mark (the entry's
        # own diagnosis is what was entered as suspected), and so does an overdose whose intent
        # the words do not give (self_harm_text.py): its card asks to confirm either way.
        found = {
            k: _amended(
                f,
                changes,
                verification if suspected and f.verification not in _OWN_MARKS else None,
            )
            for k, f in found.items()
        }
    return tuple(found[k] for k in sorted(found, key=lambda k: k.value))


# Verification marks a finding keeps when its Condition is only suspected (condition_findings).
_OWN_MARKS = (TEXT_MENTION, self_harm_text.INTENT_UNKNOWN, self_harm_intent.UNDETERMINED)


def _amended(finding: Finding, changes: dict[str, Any], verification: str | None) -> Finding:
    """`finding` with `changes`, and marked with `verification` when given: one copy at most."""
    if verification is not None:
        return replace(finding, **changes, verification=verification)
    return replace(finding, **changes) if changes else finding
