"""Who the patient is: the `age`, `diagnosis` and `exclusions` criteria."""

from __future__ import annotations

from datetime import date

from fhir_mapping.record import FindingKind
from services.pathway import finding_line, qualifies_as_mdd
from services.payer_criteria.findings import finding_names, findings_of
from services.payer_criteria.inputs import Inputs, absent
from services.payer_criteria.model import Criterion, CriterionStatus
from services.payer_criteria.results import CriterionResult, judged


def evaluate_age(c: Criterion, x: Inputs) -> CriterionResult:
    age = x.record.patient.age
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
        return absent(c, x, "condition list", "no depression diagnosis on the problem list")
    accepted = [f for f in usable if f.severity not in c.refuse_severities]
    if not accepted:
        f = max(usable, key=lambda f: f.onset or date.min)
        return judged(
            c,
            CriterionStatus.NOT_MET,
            (
                f"{finding_line(f)}: coded as {f.severity}; the policy asks for "
                f"{c.wording.lower().rstrip('.')}",
            ),
        )
    # Cite the code that says the most: coded severe first, then the most recent.
    best = max(accepted, key=lambda f: (f.severity == "severe", f.onset or date.min))
    severity = f"coded as {best.severity}" if best.severity else "severity not coded"
    return judged(c, CriterionStatus.MET, (f"{finding_line(best)}; {severity}",))


def evaluate_exclusions(c: Criterion, x: Inputs) -> CriterionResult:
    found = findings_of(c.findings, x.record)
    if found:
        return judged(c, CriterionStatus.NOT_MET, tuple(finding_line(f) for f in found))
    if x.unseen(c.kind):
        return judged(c, CriterionStatus.NOT_AVAILABLE, ("condition list not available",))
    return judged(c, CriterionStatus.MET, (f"no {finding_names(c.findings)} on record",))
