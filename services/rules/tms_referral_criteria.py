"""The TMS referral card's criterion lines (tms_referral.py): each payer criterion with its
status and evidence (`_criterion_line`), the met ones whose evidence the card leaves to the
referral summary named on one line (`criterion_lines`; issue 12: a screen a clinician can read),
and the contraindication-screen line that never claims an absence it cannot see (`screen_line`).

Apart from the card because these word one PayerEvaluation's results and the screened lists;
which lines the card holds, and the header over them, stay in tms_referral.py.
"""

from __future__ import annotations

from fhir_mapping import head_metal
from fhir_mapping.gaps import PREGNANCY_SUBJECTS, subject
from fhir_mapping.record import DataDomain, FindingKind, GapCause
from services import masked_diagnosis, masked_records, unidentified_screen
from services.payer_criteria import CriterionKind, CriterionResult, CriterionStatus, PayerEvaluation
from services.rules.context import RuleContext
from services.unattributed_screen import unattributed

# Where the contraindication screen looks, and what the card calls each list when it is missing.
_ANTISEIZURE = FindingKind.ANTISEIZURE_UNEXPLAINED
_UNIDENTIFIED = FindingKind.DRUG_UNIDENTIFIED
_UNREADABLE = FindingKind.DIAGNOSIS_UNREADABLE
_SCREENED: tuple[tuple[DataDomain, str], ...] = (
    (DataDomain.CONDITIONS, "condition list"),
    (DataDomain.PROCEDURES, "procedure list"),
    (DataDomain.DEVICES, "device list"),
)


def unchecked_lists(ctx: RuleContext) -> list[tuple[DataDomain, str]]:
    """The screened lists of which some or all could not be seen (a kind not sent, later pages
    not read, part withheld by the EHR), worded ("the condition list not available", "part of
    the condition list not received"). A conditions gap that is only the pregnancy status or the
    pregnancy tests read from Observations (fhir_mapping/gaps.subject) leaves the seizure history
    seen: not counted."""
    if not ctx.record.gaps:
        return []
    out: list[tuple[DataDomain, str]] = []
    for domain, name in _SCREENED:
        if ctx.record.unavailable(domain):
            out.append((domain, f"the {name} not available"))
        elif any(
            g.domain is domain
            and g.cause is not GapCause.LEFT_OUT
            and subject(g) not in PREGNANCY_SUBJECTS
            for g in ctx.record.gaps
        ):
            out.append((domain, f"part of the {name} not received"))
        elif said := unattributed(ctx.record, domain):
            # A record left out for its subject may be this patient's implant (fix tms58).
            out.append((domain, said))
    return out


def _no_seizure_code(ctx: RuleContext, plain: str) -> str:
    """`plain`, or, while an antiseizure drug runs with no seizure disorder coded (a screen item
    listed above: services/antiseizure_screen.py), a line that does not claim none was found
    (fix tms44, recheck K32a finding 9: "No epilepsy/seizure disorder ... recognised" beside
    "to screen: levetiracetam running ... seizure disorder?")."""
    if ctx.facts.findings_of(_ANTISEIZURE):
        return "No epilepsy/seizure disorder coded, but an antiseizure drug runs (to screen, above)"
    # A running drug not identified may be an antiseizure drug (fix drug48): as above.
    if ctx.facts.findings_of(_UNIDENTIFIED):
        return unidentified_screen.words().criterion
    # Nor beside a diagnosis sent with its code masked (fix mask47): it may be a seizure disorder.
    if ctx.facts.findings_of(_UNREADABLE) and ctx.facts.tms_cautions:
        return masked_diagnosis.words().criterion
    return plain


def screen_line(ctx: RuleContext) -> str:
    """The contraindication criterion, worded so it never claims an absence it cannot see: a
    chart with a pacemaker is not "no implanted device", and a list that could not be read (in
    whole or in part) gives no clearance: what it would show "could not be checked", to ask
    before the referral (audit 17 W7: "No epilepsy/seizure disorder ... recognised" under a
    withheld problem list read as a clearance)."""
    unchecked = unchecked_lists(ctx)
    if unchecked:
        conditions = [w for d, w in unchecked if d is DataDomain.CONDITIONS]
        implants = [w for d, w in unchecked if d is not DataDomain.CONDITIONS]
        parts = []
        if conditions:
            parts.append(f"Seizure history could not be checked ({'; '.join(conditions)})")
        else:  # the problem list was read whole: its clearance stands
            parts.append(_no_seizure_code(ctx, "No epilepsy/seizure disorder recognised"))
        if implants:
            parts.append(
                f"metal or stimulator near the head could not be checked ({'; '.join(implants)})"
            )
        line = f"- {'; '.join(parts)}: ask before referral"
        if ctx.facts.tms_cautions:
            line += "; other TMS safety items to screen are listed above"
        return line
    if ctx.facts.tms_cautions:
        seizure = _no_seizure_code(ctx, "No epilepsy/seizure disorder and no")
        joint = "" if seizure.endswith(" no") else "; no"
        metal = "metal or stimulator in or near the head recognised"
        # A caution naming a fragment whose site is not stated ("Shrapnel in neck", Z18.1) is
        # metal on record: the line names a stimulator's absence only (review K63a finding 3:
        # "Retained bullet fragment in brain" to screen, then "no metal ... recognised"; tms57).
        if any(head_metal.names_fragment(f.display) for f in ctx.facts.tms_cautions):
            metal = (
                "stimulator in or near the head recognised; metal or a foreign body is on "
                "record, its site to screen (above)"
            )
        # Nor beside a procedure or device sent with its code masked (fix mask48): it may be one.
        if masked_records.implant_gaps(ctx.record.gaps):
            if seizure.endswith(" and no"):
                seizure = f"{seizure.removesuffix(' and no')} recognised"
            joint, metal = ";", masked_records.words().criterion
        return f"- {seizure}{joint} {metal}; other TMS safety items to screen are listed above"
    return (
        "- No epilepsy/seizure disorder, metal or stimulator near the head, or other TMS "
        "safety item recognised in the chart's codes and text"
    )


def _criterion_line(result: CriterionResult) -> str:
    unverified = " (UNVERIFIED)" if result.source_status == "UNVERIFIED" else ""
    evidence = "; ".join(result.evidence)
    # "Met, to confirm" says what is to confirm on the card itself (review 12 recheck part 1
    # #11: the trials line named carbamazepine only in the attached summary), worded as the
    # briefly-met criteria word it ("to confirm: ..."), unless the evidence already says it.
    confirm = result.to_confirm if result.status is _MET else None
    if confirm and confirm not in evidence:
        evidence = f"{evidence}; to confirm: {confirm}" if evidence else f"to confirm: {confirm}"
    return f"- **{result.status_text}** · {result.label}{unverified}: {evidence}"


# Met criteria whose evidence the card shows in full: the score and the trials the TMS decision
# rests on (the card's evidence: issue 12). The evidence of the other met criteria (age,
# diagnosis code and resource, psychotherapy sessions, the contraindication screen, an earlier
# course) is in the TMS referral summary the card links to, criterion by criterion.
_EVIDENCE_SHOWN = frozenset(
    {CriterionKind.SEVERITY, CriterionKind.TRIALS, CriterionKind.AUGMENTATION}
)
# ... and, with an earlier TMS course on record, the retreatment criterion too.
_EVIDENCE_SHOWN_RETREATMENT = _EVIDENCE_SHOWN | {CriterionKind.RETREATMENT}
# Compared per criterion or trial: on Python 3.11 reading a member off its Enum class costs about
# ten times reading a global (issue 14).
_MET = CriterionStatus.MET


def criterion_lines(evaluation: PayerEvaluation, *, earlier_tms: bool) -> list[str]:
    """Each criterion with its status: what is not met, not on record or not available with its
    evidence (what to act on), the met score and trials with theirs, then the other met criteria
    named on one line (issue 12: a screen a clinician can read). An earlier TMS course is never
    reduced to a name: with one on record the retreatment criterion keeps its evidence."""
    shown = _EVIDENCE_SHOWN_RETREATMENT if earlier_tms else _EVIDENCE_SHOWN
    lines = []
    briefly: list[str] = []
    for r in evaluation.results:
        if r.status is _MET and r.kind not in shown:
            unverified = " (UNVERIFIED)" if r.source_status == "UNVERIFIED" else ""
            # A part the chart cannot show stays beside the name (review 6 finding 4).
            confirm = f" (to confirm: {r.to_confirm})" if r.to_confirm else ""
            briefly.append(r.label + unverified + confirm)
        else:
            lines.append(_criterion_line(r))
    if briefly:
        lines.append(
            f"- **{_MET.label}** · " + " · ".join(briefly) + " (evidence: TMS referral summary)"
        )
    return lines
