"""Puerperal (postpartum) psychosis: a psychiatric emergency, one critical card first (review 11
finding 2).

An active Condition coded as puerperal psychosis (acute_risk.puerperal_psychosis: ICD-10-CM
F53.1, SNOMED 18260003) gets this card whatever the pathway stage, like the suicide-risk card:
"urgent same-day psychiatric assessment", naming the code and its onset. It proposes one thing,
a same-day referral to psychiatry (priority stat: NICE CG192 asks for an assessment within 4
hours), and no drug: the illness is closely linked to bipolar disorder, so an antidepressant
alone or STOP-PD's unipolar antidepressant-plus-olanzapine regimen is not the default, and the
specialist chooses among an antipsychotic, lithium and ECT (data/acute_risk.csv). While it is on
record the outpatient cards hold back: the optimise card (rules/optimize/psychotic.py), the
CBT/IPT card (rules/psychotherapy.py) and TMS (already withheld for psychotic features). The
running drugs are named for the assessor, as the record states them.

Never snoozed (data/topics.csv): an emergency a snooze could hide. An entry with no onset is
said to have none, never dated.
"""

from __future__ import annotations

from fhir_mapping.record import Finding, SourceRef
from services import acute_risk, cards, suggestions, tms_gate
from services.recommendation import Recommendation
from services.rules import populations
from services.rules.context import RuleContext
from services.rules.optimize.wording import dose_text

TOPIC = "postpartum-psychosis"
# The highest FHIR request priority: the guideline's "within 4 hours" is an emergency's time.
PRIORITY = "stat"


def held(ctx: RuleContext) -> bool:
    """Whether puerperal psychosis is on record, so the outpatient cards hold back."""
    return bool(acute_risk.puerperal_psychosis(ctx.record))


def _onset(finding: Finding) -> str:
    return f"since {finding.onset_text}" if finding.onset is not None else "onset not recorded"


def _summary(finding: Finding) -> str:
    code = finding.code
    when = f", onset {finding.onset_text}" if finding.onset is not None else ""
    return cards.fit_summary(
        f"Puerperal psychosis ({code}{when}): psychiatric emergency, urgent same-day psychiatric "
        "assessment",
        f"Puerperal psychosis ({code}{when}): urgent same-day psychiatric assessment",
        f"Puerperal psychosis ({code}): urgent same-day psychiatric assessment",
    )


def _running(ctx: RuleContext) -> str:
    """The drugs running on the as-of date, as the record states them."""
    running = [t for t in ctx.record.trials if t.ongoing]
    if not running:
        return ""
    items = []
    for t in running:
        # A running drug barred with psychotic features (bupropion) is said here: the optimise
        # card, which would say it, is not made (running_cautions leaves it to this card).
        barred = populations.never(ctx, t.ingredient, t.drug_class)
        why = f": {barred.reason()}" if barred is not None else ""
        items.append(f"{dose_text(t)} (since {t.start.isoformat()}){why}")
    named = cards.and_list(items)
    return (
        f"**Running now:** {named}. Not changed here: an antidepressant alone is not the "
        "treatment of a puerperal psychosis; the assessing psychiatrist decides."
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    found = acute_risk.puerperal_psychosis(ctx.record)
    if not found:
        return None
    finding = found[0]
    lines = "\n".join(
        f"- {f.display} ({f.coding}, {_onset(f)})"
        + (f" [{f.source}]" if f.source is not None else "")
        for f in found
    )
    advice = tms_gate.line("postpartum-psychosis")
    detail = cards.join_sections(
        f"**Found:**\n{lines}",
        f"Puerperal psychosis is {advice}.",
        "Not an outpatient optimisation: this service proposes no antidepressant, antipsychotic, "
        "STOP-PD regimen, psychotherapy referral or TMS while it is on record. Weigh "
        "breastfeeding and the infant's care in the plan.",
        _running(ctx),
        cards.guideline_links("nice-cg192"),
    )
    reasons: list[SourceRef] = [f.source for f in found if f.source is not None]
    resource = None
    if ctx.patient_id is not None:
        resource = suggestions.service_request(
            patient_id=ctx.patient_id,
            concept="urgent-psychiatric-assessment",
            text="Same-day psychiatric assessment, preferably perinatal psychiatry (puerperal "
            "psychosis)",
            reasons=reasons,
            priority=PRIORITY,
            note="Psychiatric emergency: assess today (NICE CG192: within 4 hours), including "
            "the risk to mother and infant and whether admission (mother and baby unit) is needed.",
        )
    suggestion = suggestions.create(
        "Refer for same-day psychiatric assessment", resource, recommended=True
    )
    return cards.make(TOPIC, summary=_summary(finding), detail=detail, suggestions=(suggestion,))
