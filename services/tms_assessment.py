"""Whether a TMS referral is suggested, and if not why, in plain words: the TmsAssessment of
PathwayFacts.tms, and how a TMS line names a finding on record.

The criteria are those of pathway.py's docstring (REFERENCE.md 3.2-3.4, LCD L34998 / L37086, the
clinic's thresholds). Apart from pathway.py because each blocker is a sentence a card or the
referral packet shows, and the facts pathway.py derives are only its inputs: the wording and its
order live here, the counting there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fhir_mapping.ages import youngest
from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.code_systems import ICD10CM
from fhir_mapping.frozen_init import quick_frozen_init
from fhir_mapping.record import Finding, FindingKind, Referral, Score, Trial
from services import (
    bipolar_findings,
    finding_words,
    intolerance_count,
    tms_severity,
    young_age_treatments,
)
from services.card_format import record_cite
from services.ect_run import EctRun
from services.policy import Policy
from services.tms_gate import TmsExclusions


def finding_line(f: Finding) -> str:
    """A finding as a TMS line names it: what the chart says, its code and date, so the TMS
    service can find it ("Presence of cardiac pacemaker (Z95.0, since 2019-03-04)"); its
    resource only when it has no date to be found by ("(Z95.0, date not recorded,
    Condition/abc)": cards.record_cite, session 20). Devices carry no implant date: say so rather
    than leave it out."""
    # onset_text: a partial onset as written, "2024 (year only)" (review 10 recheck R7).
    # "recorded 2026-01-05" for an entry dated only by its recordedDate (s25 RT finding 5).
    when = f.onset_phrase or "date not recorded"
    # An ICD-10-CM code reads as itself to a US clinician; another system's bare number
    # ("231504006") does not: it is named with its system, "SNOMED CT 231504006" (audit 16
    # minor, a11).
    code = f.code if f.system == ICD10CM or not f.code else f.coding
    parts = [p for p in (code, when, record_cite(f.source, f.onset is not None, "{}")) if p]
    return f"{f.display or f.code} ({', '.join(parts)})"


def text_only_line(finding: Finding) -> str:
    """How a card names a depression problem recorded only as text (FindingKind.DEPRESSION_TEXT):
    what it says, and what the referral needs. Depression in words that name no major
    depression (FindingKind.DEPRESSION_WORDS: "Depression, recurrent; failed sertraline and
    Lexapro", review s23 RO finding 4) is said as seen and not read as a diagnosis: the card
    said "no depression diagnosis on the problem list" beside it."""
    when = f", {finding.onset_phrase}" if finding.onset_phrase else ""
    if finding.kind is FindingKind.DEPRESSION_WORDS:
        return (
            f'a problem-list entry mentions depression in text only ("{finding.display}"{when}), '
            "not read as a diagnosis: if it is major depression, code it (ICD-10-CM F32.x/F33.x) "
            "for the TMS referral"
        )
    return (
        f'a depression problem is recorded as text only, not coded ("{finding.display}"{when}): '
        "code it (ICD-10-CM F32.x/F33.x) for the TMS referral"
    )


def depression_in_words(of: Callable[[FindingKind], tuple[Finding, ...]]) -> tuple[Finding, ...]:
    """The text-only depression entries a card names instead of "no depression diagnosis on the
    problem list": major depression in words first (DEPRESSION_TEXT), else depression words
    (DEPRESSION_WORDS). `of`: the findings of a kind (facts.findings_of, context.of)."""
    return of(FindingKind.DEPRESSION_TEXT) or of(FindingKind.DEPRESSION_WORDS)


def _not_mdd_kind(finding: Finding) -> str:
    """What a depressive disorder other than MDD is, in a clinician's words, read from the
    chart's display and the code table's (fhir_mapping/data/condition_codes.csv)."""
    names = " ".join(
        [finding.display, *(r.display for r in condition_matches(finding.system, finding.code))]
    ).lower()
    if "physiological" in names or "medical condition" in names:
        # F06.31/F06.32, SNOMED 75837004/77486005: the cause is treated first (DSM-5 depressive
        # disorder due to another medical condition; CANMAT 2023 para 184, medical contributors).
        return (
            "a depressive disorder due to a medical condition, not major depression: treat the "
            "cause and reassess"
        )
    if "induced" in names:
        # F19.94 (ICD-10-CM F10-F19 with .94): DSM-5 substance-induced depressive disorder.
        return (
            "a substance-induced mood disorder, not major depression: address the substance use "
            "and reassess"
        )
    if "dysthymi" in names:
        return "persistent depressive disorder (dysthymia), not major depression"
    return "a depressive disorder other than major depression"


def not_mdd_line(findings: tuple[Finding, ...]) -> str:
    """The diagnosis on record when it is a depressive disorder other than MDD
    (PathwayFacts.not_mdd; audit 16 W1, W2): each finding with its coding and date, and what it
    is ("Dysthymic disorder (ICD-10-CM F34.1, since 2024-10-21): persistent depressive disorder
    (dysthymia), not major depression"). Never "code it F32.x/F33.x": the diagnosis is the
    clinician's, not the payer's."""
    return "; ".join(
        dict.fromkeys(
            f"{f.display or f.code} ({f.coding}"
            + (f", {f.onset_phrase}" if f.onset_phrase else "")
            + f"): {_not_mdd_kind(f)}"
            for f in findings
        )
    )


@dataclass(frozen=True, slots=True)
class TmsAssessment:
    eligible: bool
    blockers: tuple[str, ...]  # why a TMS referral is not suggested, in plain words
    # The blockers that are about the patient rather than about the pathway's count thresholds
    # (contraindication, psychotic features, age, an ECT referral already open): the optimise card
    # names them, since there will be no TMS card to say why.
    clinical: tuple[str, ...] = ()
    # The acute-risk blockers (issue 11 item 8): TMS waits for an acute suicide-risk signal or
    # catatonia. When they are the only blockers, TMS would otherwise be the next step.
    acute: tuple[str, ...] = ()
    # What rules TMS out for this patient whatever the trial count (acute suicide risk, bipolar
    # or psychotic disorder, psychotic or catatonic features, age, a contraindication, an open
    # ECT referral, an earlier course without response): a draft TMS order is checked against
    # them (services/order_checks/tms_draft.py, review 11 finding 11a).
    exclusions: tuple[str, ...] = ()
    # Blocked by the bipolar finding alone (a diagnosis, or mania on an antidepressant): with it
    # settled, TMS would be offered (the trial count, severity and screens are met); the
    # diagnosis card says the referral is held until then (review K30c, cards45 item 1).
    bipolar_only: bool = False

    @property
    def only_acute(self) -> bool:
        """Blocked by acute risk alone: the TMS criteria are otherwise met."""
        return bool(self.acute) and set(self.blockers) <= set(self.acute)


quick_frozen_init(TmsAssessment)


def _tms_assessment(
    policy: Policy,
    *,
    depression: Finding | None,
    bipolar: tuple[Finding, ...],
    psychotic: tuple[Finding, ...],
    failed: tuple[Trial, ...],
    failed_classes: tuple[str, ...],
    latest: Score | None,
    contraindications: tuple[Finding, ...],
    tms_open: bool,
    age: int | None = None,
    ect_open: Referral | None = None,
    ect_running: EctRun | None = None,
    acute: TmsExclusions | None = None,
    responding: tuple[Trial, ...] = (),
    earlier_course: str | None = None,
    unconfirmed: tuple[tuple[Trial, str], ...] = (),
    no_phq9: str = "no PHQ-9 on record",
    psychotic_disorder: tuple[Finding, ...] = (),
    puerperal_past: tuple[Finding, ...] = (),
    depression_text: tuple[Finding, ...] = (),
    not_mdd: tuple[Finding, ...] = (),
) -> TmsAssessment:
    # Acute risk first (issue 11 item 8): an acute suicide-risk signal or catatonia, each naming
    # what comes instead of TMS (tms_gate.tms_exclusions). The suicide line is said on the
    # suicide-risk card; catatonia, with no card of its own, is a clinical blocker.
    acute = acute or TmsExclusions()
    blockers: list[str] = [acute.suicide] if acute.suicide else []
    clinical: list[str] = [acute.catatonia] if acute.catatonia else []
    if bipolar:
        # Mania recorded only as a reaction is named as such, every reaction with it (review 10
        # finding 4; services/bipolar_findings.py): the packet says this before the payer verdict.
        named = "; ".join(f.display for f in bipolar_findings.named(bipolar))
        # A differential or provisional diagnosis still blocks (the safer reading), said as
        # not confirmed (review 14 M1).
        qualifier = bipolar_findings.not_confirmed(bipolar)
        if qualifier and not bipolar_findings.mentioned_only(bipolar):
            blockers.append(f"{bipolar_findings.BIPOLAR_HEAD} ({named}; {qualifier})")
        else:
            blockers.append(f"{bipolar_findings.head(bipolar)} ({named})")
    if psychotic_disorder:
        # As bipolar disorder: outside the unipolar pathway, and a coverage exclusion (REFERENCE.md
        # exclusions table: schizophrenia and schizoaffective diagnoses, Ambetter CP.BH.200).
        blockers.append(f"psychotic disorder on record ({psychotic_disorder[0].display})")
    elif psychotic:
        clinical.append(f"psychotic features on record ({psychotic[0].display}): ECT preferred")
    elif puerperal_past:
        # A past puerperal psychosis still active on the problem list (acute_risk.puerperal_history,
        # left out of `psychotic`): its warning card says TMS is not proposed while the code stays
        # active (payer policies exclude psychotic symptoms, and an active code reads as current),
        # and tms_gate.blocks_tms agrees. Said here too, so a drafted TMS order is checked against
        # it (order_checks/tms_draft.py) and the payer evaluation does not read the patient as
        # eligible (review 11 wave 4, finding 5).
        past = puerperal_past[-1]
        clinical.append(
            f"history of puerperal psychosis still active on the problem list ({past.code}, "
            f"{past.onset_text}): TMS is not proposed until it is recorded as resolved"
        )
    if age is not None and age < policy.adult_age:
        # Safer: no adult pathway card for a minor. What the clearances say at this age is data
        # (data/young_age_treatments.csv): below 15 none applies, from 15 the one found is
        # adjunct-only (review s25 RA finding 6: a 13-year-old was given the 16-year-old's line).
        cleared = young_age_treatments.row_for("tms", youngest(age))
        clinical.append(
            f"patient is {age}: the TMS criteria here are for adults (policy: {policy.adult_age}+"
            f"){f'; {cleared.line}' if cleared is not None else ''}: decide with child and "
            "adolescent psychiatry"
        )
    blockers.extend(clinical)
    excluded = len(blockers)  # the blockers so far are about the patient, not the count
    if not_mdd:
        # A depressive disorder other than MDD is the diagnosis (PathwayFacts.not_mdd): TMS is
        # covered and cleared for major depression (LCD L37086), as the diagnosis criterion
        # says ("Not met"), so no TMS card proposes it (audit 16 W2). Not an exclusion of a
        # drafted TMS order: the clinician who drafts one has judged the diagnosis.
        blockers.append(f"the diagnosis on record is {not_mdd_line(not_mdd)}")
    elif depression is None:
        blockers.append(
            # Major depression in words only (review 16 W3): recorded, but not coded.
            text_only_line(depression_text[0])
            if depression_text
            else "no depression diagnosis on the problem list"
        )
    if len(failed) < policy.tms_min_failed_trials:
        counted = (
            "adequate failed or not tolerated trial(s)"
            if any(t.intolerance is not None and not t.failed for t in failed)
            else "adequate failed trial(s)"
        )
        blockers.append(
            f"{len(failed)} {counted} in this episode; policy needs {policy.tms_min_failed_trials}"
            # A short course stopped for intolerance is named, not silently dropped (review 6
            # finding 5): the clinician can confirm it.
            + (
                f" (not counted: {intolerance_count.to_confirm_text(unconfirmed)})"
                if unconfirmed
                else ""
            )
        )
    if (
        policy.tms_require_distinct_classes
        and len(failed_classes) < policy.tms_min_distinct_classes
    ):
        blockers.append(
            f"failed trials span {len(failed_classes)} class(es); "
            f"policy needs {policy.tms_min_distinct_classes}"
        )
    if responding:
        # A current trial with a >= 50 % PHQ-9 drop is continued, not switched or escalated
        # (CANMAT 2023 para 180; issue 11 item 2): no TMS card while it responds (issue 12).
        blockers.append(
            "the current trial is responding ("
            + ", ".join(
                f"{t.ingredient}: {t.outcome_scale} {t.baseline.value} -> {t.on_treatment.value}"
                for t in responding
                if t.baseline is not None and t.on_treatment is not None
            )
            + ", a >= 50 % drop): it is continued, not switched"
        )
    if latest is None or latest.value is None:
        blockers.append(f"{no_phq9} to document severity")  # data_gaps.no_phq9_words
    elif (below := tms_severity.below_threshold(latest, policy)) is not None:
        # `latest`: the latest PHQ-9, else another validated scale's total read by its bands
        # (services/tms_severity.py).
        blockers.append(below)
    # Each with its code, date and resource (review 15 U3), so the "Why no TMS referral" line
    # and a drafted TMS order's card state what they rest on: "contraindication: Clipping of
    # aneurysm of cerebral artery (SNOMED CT 48016001, 2012-06-01, Procedure/p-1)".
    # A single seizure is held as a seizure disorder, and said so (review 19 D1).
    # A seizure entry resolved is still held, and the line says it resolved (fix tms50).
    after: list[str] = [
        f"contraindication: {_named(f)}"
        + (f", {finding_words.applied(f)}" if f.named_as else "")
        + (f"; {held}" if (held := finding_words.past_hold(f)) else "")
        for f in contraindications
    ]
    if ect_open is not None:
        when = f" on {ect_open.authored.isoformat()}" if ect_open.authored else ""
        after.append(f"an ECT referral is already open ({ect_open.status}{when})")
    elif ect_running is not None:
        # An acute ECT course running with no open order on record (the order closed once the
        # course was scheduled, or never sent): neuromodulation is under way just as with an
        # open referral, and TMS waits for the ECT service's judgement of its response
        # (review s25 RI finding 6: "consider TMS referral" one click during session 8). Not an
        # exclusion of a drafted TMS order (`exclusions`): that order's check is its own. Not a
        # `clinical` line either: the optimise card leads with the running course and names it
        # again under "ECT in this episode", and its "Why no TMS referral" words (payer
        # policies, "discuss ECT") would not fit a course already under way.
        blockers.append(ect_running_line(ect_running))
    if earlier_course is not None:
        # A measured earlier course without response (issue 12; services/tms_course.py): no
        # retreatment on this pathway (L37086), and the optimise card says why.
        after.append(earlier_course)
    blockers.extend(after)
    clinical.extend(after)
    exclusions = (*blockers[:excluded], *after)
    if tms_open:
        blockers.append("a TMS referral or course is already on record in this episode")
    return TmsAssessment(
        eligible=not blockers,
        blockers=tuple(blockers),
        clinical=tuple(clinical),
        acute=acute.lines,
        exclusions=exclusions,
        # The bipolar line is one blocker (above): alone, nothing else stands in the way.
        bipolar_only=bool(bipolar) and len(blockers) == 1,
    )


def ect_running_line(ect: EctRun) -> str:
    """ "an acute ECT course is running (since 2026-11-10, 8 sessions): the ECT service judges
    its response first"; a course charted as one record names its dates (EctRun.since_text)."""
    return (
        f"{ect.a_course()} is running ({ect.since_text()}): the ECT service judges its "
        "response first"
    )


def _named(finding: Finding) -> str:
    """ "Clipping of aneurysm of cerebral artery (SNOMED CT 48016001, 2012-06-01)": the display,
    then the code and date the record gives; the resource's id only for an undated record
    ("undated, Procedure/p-1": cards.record_cite, session 20)."""
    parts = [finding.coding] if finding.code else []
    parts.append(finding.onset_text or "undated")
    cite = record_cite(finding.source, finding.onset is not None, "{}")
    if cite:
        parts.append(cite)
    return f"{finding.display} ({', '.join(parts)})"
