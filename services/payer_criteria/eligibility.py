"""Who the patient is: the `age`, `diagnosis` and `exclusions` criteria."""

from __future__ import annotations

from datetime import date

from fhir_mapping.ages import youngest
from fhir_mapping.record import Finding, FindingKind
from services import bipolar_findings
from services.diagnosis_onset import dated_suffix
from services.episode_codes import earlier_episode_codes, earlier_text
from services.pathway import finding_line, qualifies_as_mdd, text_only_line
from services.payer_criteria.findings import finding_names, findings_of
from services.payer_criteria.inputs import Inputs, absent
from services.payer_criteria.model import Criterion, CriterionStatus
from services.payer_criteria.results import CriterionResult, judged
from services.tms_assessment import depression_in_words


def evaluate_age(c: Criterion, x: Inputs) -> CriterionResult:
    # Met only when the youngest age the record allows is old enough (a birth year only: review
    # 19 D4); it prints as the range.
    age = youngest(x.record.patient.age)
    if age is None:
        return absent(c, x, "date of birth", "age not on record")
    assert c.min_age is not None
    if age >= c.min_age:
        return judged(c, CriterionStatus.MET, (f"age {age}",))
    return judged(c, CriterionStatus.NOT_MET, (f"age {age}; the policy asks for {c.min_age}+",))


def evaluate_diagnosis(c: Criterion, x: Inputs) -> CriterionResult:
    context = x.record.context
    coded = context.of(FindingKind.TRD) + context.of(FindingKind.DEPRESSION)
    usable = [f for f in coded if qualifies_as_mdd(f)]
    if not usable:
        other = _not_mdd(c, x, coded)
        if other is not None:
            return other
        not_mdd = [f for f in coded if f not in usable] + list(
            context.of(FindingKind.MDD_IN_REMISSION)
        )
        if not_mdd:
            return judged(
                c,
                CriterionStatus.NOT_MET,
                # One line per sentence, not per Finding: one Condition (F33.42) is read both as
                # a depression code and as MDD in remission, and named twice it reads as two
                # diagnoses (review 11 finding 11b).
                tuple(
                    dict.fromkeys(
                        f"{finding_line(f)} is not a qualifying diagnosis (in remission or bipolar)"
                        for f in not_mdd
                    )
                ),
            )
        written = depression_in_words(context.of)
        if written and not x.unseen(c.kind):
            # Major depression in the problem's words only (review 16 W3): recorded, but a
            # referral cites a coded diagnosis.
            return judged(
                c,
                CriterionStatus.NOT_ON_RECORD,
                (text_only_line(written[0]),),
                to_document="a coded MDD diagnosis (ICD-10-CM F32.x or F33.x)",
                shown_as="To confirm",
            )
        return absent(c, x, "condition list", "no depression diagnosis on the problem list")
    # An older open MDD code from an earlier episode (F33.2 since 2019 beside F33.1 since 2024)
    # is named, not counted: the current episode's code decides (recheck 2 of review 16, W3).
    earlier = earlier_episode_codes(x.record, x.policy.mapping.episode_gap_months)
    usable = [f for f in usable if f not in earlier]
    named = tuple(f"{earlier_text(f)}: confirm the current episode's severity" for f in earlier)
    accepted = [f for f in usable if f.severity not in c.refuse_severities]
    if not accepted:
        f = max(usable, key=lambda f: f.onset or date.min)
        return judged(
            c,
            CriterionStatus.NOT_MET,
            (
                f"{_dated_line(f, x)}: coded as {f.severity}; the policy asks for "
                f"{c.wording.lower().rstrip('.')}",
                *named,
            ),
        )
    # Cite the code that says the most: coded severe first, then the most recent.
    best = max(accepted, key=lambda f: (f.severity == "severe", f.onset or date.min))
    severity = f"coded as {best.severity}" if best.severity else "severity not coded"
    return judged(
        c,
        CriterionStatus.MET,
        (f"{_dated_line(best, x)}; {severity}", *named),
        to_confirm=_bipolar_doubt(x),
    )


def _dated_line(finding: Finding, x: Inputs) -> str:
    """finding_line, and for an entry dated only by its recordedDate ("F33.2, recorded
    2026-01-05") its code's earliest onset on record (services/diagnosis_onset.py; s25 RT
    finding 5): "...; F33.2 on record since 2025-01-06 (its onset)"."""
    return finding_line(finding) + dated_suffix(x.record, finding)


def _bipolar_doubt(x: Inputs) -> str | None:
    """What a met MDD diagnosis leaves to confirm when a bipolar finding is on record beside it
    (review s23 RP finding 5: "MDD recurrent severe; r/o bipolar II" in the problem text held
    the TMS card while the packet said the diagnosis "Met"): the cards' words, "problem text
    mentions possible bipolar disorder (MDD recurrent severe; r/o bipolar II ...)"; None when
    none is on record. Never "not met": what the chart holds is a question for psychiatry, and
    the cards already hold the pathway on it (the safer reading for the patient)."""
    bipolar = x.facts.bipolar
    if not bipolar:
        return None
    named = "; ".join(finding_line(f) for f in bipolar_findings.named(bipolar))
    return f"{bipolar_findings.head(bipolar)}: {named}; confirm with psychiatry before referral"


def _not_mdd(c: Criterion, x: Inputs, coded: tuple[Finding, ...]) -> CriterionResult | None:
    """No code on record documents MDD, but a depressive disorder is coded (review 16 W1): a
    depressive disorder other than MDD (dysthymia, F34.1) is "not met", depression whose type is
    not stated (F32.A) "to confirm". LCD L37086 covers TMS in severe MDD (REFERENCE.md) and the
    TRD definition needs an MDD diagnosis (REFERENCE.md rule 4); None when neither kind is coded
    (remission and bipolar codes are said by the caller)."""
    sources = {(f.source, f.system, f.code) for f in coded}
    context = x.record.context

    def of(kind: FindingKind) -> list[Finding]:
        # The kind's findings that come from a depression coding the criterion read.
        return [f for f in context.of(kind) if (f.source, f.system, f.code) in sources]

    other = of(FindingKind.DEPRESSION_NOT_MDD)
    if other:
        return judged(
            c,
            CriterionStatus.NOT_MET,
            tuple(
                dict.fromkeys(
                    f"{finding_line(f)}: {_not_mdd_words(f)}; no MDD episode coded" for f in other
                )
            ),
            to_document="a major depressive disorder diagnosis (ICD-10-CM F32.x or F33.x)",
        )
    unspecified = of(FindingKind.DEPRESSION_UNSPECIFIED)
    if unspecified:
        return judged(
            c,
            CriterionStatus.NOT_ON_RECORD,
            tuple(
                dict.fromkeys(
                    f"{finding_line(f)}: MDD not documented (depression, type not stated)"
                    for f in unspecified
                )
            ),
            to_document="the major depressive disorder diagnosis (ICD-10-CM F32.x or F33.x)",
            shown_as="To confirm",
        )
    return None


def _not_mdd_words(finding: Finding) -> str:
    """A dysthymia code is named by its DSM-5 name, persistent depressive disorder; another
    non-MDD depressive disorder (minor depression, mixed anxiety-depression) as such."""
    if "dysthymi" in finding.display.lower():
        return "persistent depressive disorder (dysthymia), not major depressive disorder"
    return "a depressive disorder other than major depressive disorder"


def evaluate_exclusions(c: Criterion, x: Inputs) -> CriterionResult:
    found = findings_of(c.findings, x.record)
    if found:
        return judged(c, CriterionStatus.NOT_MET, tuple(finding_line(f) for f in found))
    if x.unseen(c.kind):
        return judged(c, CriterionStatus.NOT_AVAILABLE, ("condition list not available",))
    return judged(c, CriterionStatus.MET, (f"no {finding_names(c.findings)} on record",))
