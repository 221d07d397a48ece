"""A TMS order written for a patient the TMS rule excludes (review 11 finding 11a).

A draft TMS ServiceRequest (CPT 90867-90869, or the service's own TMS evaluation referral:
fhir_mapping/referrals.py reads both, `PatientRecord.draft_referrals`) at order-select or
order-sign is checked against the exclusions the TMS referral rule itself reads
(`TmsAssessment.exclusions`, services/tms_assessment.py): psychotic features or a psychotic
disorder, bipolar disorder, catatonia, acute suicide risk, a seizure disorder or metal or a
stimulator near the head, age under the adult threshold, an open ECT referral, an earlier TMS
course without response, a past puerperal psychosis still active on the problem list (its
warning card says TMS is not proposed until it is recorded as resolved). Each found is named with what the chart says (code, date, resource), on
one warning card. Not a count of trials or a PHQ-9 threshold: those are the pathway's thresholds
for suggesting TMS, not reasons against an order a clinician has chosen to write. A safety check
of the order: it speaks whatever the pathway stage. A TMS safety item to screen (a pacemaker, a
record sent masked) is named too: on its own card beside no exclusion, as a line of this one
beside one (order_checks/tms_draft_screen.py, fix order47).
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.record import Finding, FindingKind, PatientRecord, Referral
from services import cards, tables, young_age_treatments
from services.order_checks import tms_draft_screen
from services.order_hook_referrals import selected_referrals
from services.recommendation import Recommendation
from services.rules import populations
from services.rules.context import RuleContext
from services.tms_assessment import finding_line

TOPIC = "order-tms-excluded"
_TMS = "tms"
_AGE = "patient is "  # the age exclusion's opening (services/tms_assessment.py)


def _selected(record: PatientRecord, selections: Sequence[str]) -> list[Referral]:
    """The draft TMS referrals the hook is about (order_hook_referrals.selected_referrals)."""
    return selected_referrals(record, selections, (_TMS,))


def _on_record(ctx: RuleContext) -> list[Finding]:
    """The findings behind the exclusions, each to be named with its code, date and resource."""
    facts = ctx.facts
    found = [
        *facts.psychotic_disorder,
        *facts.psychotic,
        *facts.puerperal_past,  # a past puerperal psychosis still active (TmsAssessment says it)
        *facts.bipolar,
        *ctx.record.context.of(FindingKind.CATATONIA),
        *facts.tms_contraindications,
    ]
    return list(dict.fromkeys(found))


def tms_draft_check(ctx: RuleContext, selections: Sequence[str] = ()) -> Recommendation | None:
    drafts = _selected(ctx.record, selections)
    if not drafts:
        return None
    exclusions = ctx.facts.tms.exclusions
    ordered = ", ".join(str(r.source) for r in drafts if r.source is not None) or "TMS order"
    if not exclusions:
        # A safety item to screen (a pacemaker, a masked record) is named at the order as the
        # TMS card names it (fix order47: the order was silent beside them).
        return tms_draft_screen.screen_card(ctx, drafts, ordered)
    first = exclusions[0]
    years = populations.age(ctx)
    uncleared = young_age_treatments.tms_uncleared(years)
    age_only = all(e.startswith(_AGE) for e in exclusions)
    if first.startswith(_AGE):
        # The age reason reads as a clause ("patient is 9: ..."), not an object of "with"
        # (review s27 RC finding 8: "TMS ordered with patient is 9").
        said = (
            young_age_treatments.tms_uncleared_words(uncleared)
            if uncleared is not None
            else "outside adult payer policy"
        )
        summary = cards.fit_summary(
            f"TMS ordered at age {ctx.record.patient.age}: {said}",
            f"TMS ordered at age {ctx.record.patient.age}: see the card",
        )
    else:
        summary = cards.fit_summary(
            f"TMS ordered with {first}",
            f"TMS ordered with {first.split(':', 1)[0]}",
            "TMS ordered with a TMS exclusion on record: see the card",
        )
    named = [finding_line(f) for f in _on_record(ctx)]
    guideline = tables.guideline(tables.topic(TOPIC).guideline)
    # The card cites the policy by its short name only; how its criteria were read stays in
    # guidelines.csv (recheck 11 finding 12: "REFERENCE.md 3.2" was printed on the card).
    payer = guideline.short + (" (UNVERIFIED)" if guideline.status == "UNVERIFIED" else "")
    detail = cards.join_sections(
        f"**TMS ordered** ({ordered}) for a patient the TMS pathway excludes:\n"
        + "\n".join(f"- {line}" for line in exclusions),
        ("**On record:** " + "; ".join(named) + ".") if named else "",
        # The payer policies' contraindications are no reason for the age alone: below every
        # clearance no Medicare LCD is named (review s27 RC finding 7).
        "The TMS referral rule does not suggest TMS for this reason: reconsider the order, or "
        "document why TMS is chosen."
        if age_only
        else "The TMS referral rule does not suggest TMS for these reasons (payer policies such "
        f"as {payer} list current psychotic symptoms, seizure disorders and implants near the "
        "coil as contraindications): reconsider the order, or document why TMS is chosen.",
        tms_draft_screen.also_line(ctx),  # the safety items beside it, on this one card
    )
    keys = ",".join(f"{r.source or 'tms'}:{TOPIC}" for r in drafts)
    return cards.make(TOPIC, summary=summary, detail=detail, dedupe_key=keys)
