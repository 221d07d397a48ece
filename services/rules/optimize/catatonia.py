"""Catatonic features on the optimise card (review 11 finding 7).

Catatonia (condition_codes.csv kind "catatonia": ICD-10-CM F06.1, SNOMED 39809009 "recurrent MDD
with catatonic features", ...) changes the plan: CANMAT 2023 Table 3.6 pairs a benzodiazepine
with the antidepressant and para 215 finds ECT especially effective (REFERENCE.md 3.5), and
antipsychotics can worsen catatonia and carry a risk of neuroleptic malignant syndrome
(data/acute_risk.csv catatonia-antipsychotic). So the card names catatonia in its summary, names
a running benzodiazepine (lorazepam) with what it means for ECT (para 218), offers "Refer for
ECT evaluation" as the psychotic-features card does, and offers no antipsychotic as one click:
the adjuncts stay named as text, for the psychiatrist to weigh.
"""

from __future__ import annotations

from fhir_mapping.record import Finding, FindingKind, SourceRef, Trial
from services import cards, drug_rules, suggestions, tms_gate
from services.recommendation import Suggestion
from services.rules.context import RuleContext
from services.rules.optimize import young_ect
from services.rules.optimize.orders import finding_refs

# The drug-table class of the benzodiazepines the service reads (interaction_partners.csv).
BENZODIAZEPINE = "benzodiazepine"


def findings(ctx: RuleContext) -> tuple[Finding, ...]:
    return ctx.facts.findings_of(FindingKind.CATATONIA)


def benzodiazepines(ctx: RuleContext) -> tuple[Trial, ...]:
    """The benzodiazepines running on the as-of date."""
    return tuple([t for t in ctx.record.trials if t.ongoing and t.drug_class == BENZODIAZEPINE])


def holds(ctx: RuleContext, drug_class: str) -> bool:
    """True when catatonia keeps a drug of this class from being one click (antipsychotics)."""
    return bool(findings(ctx)) and drug_rules.is_antipsychotic(drug_class)


def _named(finding: Finding) -> str:
    when = finding.onset_phrase or "onset not recorded"
    return f"{finding.display} ({finding.coding}, {when})"


def section(ctx: RuleContext) -> str:
    """ "**Catatonic features:** ... (ICD-10-CM F06.1, since 2025-05-12). Antipsychotics can worsen
    catatonia ...; lorazepam 3 mg/day running since 2025-05-12: ..."; "" without catatonia."""
    found = findings(ctx)
    if not found:
        return ""
    caution = tms_gate.line("catatonia-antipsychotic")
    running = benzodiazepines(ctx)
    if running:
        # Named without its dose: the catatonia line is about the drug being there, and a
        # benzodiazepine's dose is not checked by this service (no range in the drug table).
        named = cards.and_list([f"{t.ingredient} since {t.start.isoformat()}" for t in running])
        benzo = f"Running: {named}; {tms_gate.line('benzodiazepine-ect')}."
    else:
        benzo = "No benzodiazepine is on record."
    return (
        f"**Catatonic features:** {_named(found[0])}. {caution[0].upper()}{caution[1:]}. "
        f"{benzo} Antipsychotics are named here as text, not offered as orders."
    )


def _benzo_words(ctx: RuleContext) -> str:
    running = benzodiazepines(ctx)
    if running:
        return f"{cards.and_list([t.ingredient for t in running])} running"
    return "no benzodiazepine on record"


def summary(ctx: RuleContext, failed: str, failed_short: str) -> str:
    """The card's summary with catatonia on record: "Catatonia (F06.1) and 2 adequate trials
    failed (sertraline, venlafaxine): lorazepam running; refer for ECT evaluation". With an ECT
    referral already open it says so, not "consider ECT evaluation" again."""
    code = findings(ctx)[0].code
    benzo = _benzo_words(ctx)
    opened = ctx.facts.ect_open is not None
    ect = "ECT referral open" if opened else young_ect.words(ctx, "consider ECT evaluation")
    cite = (
        "" if opened or young_ect.unnamed(ctx) else " (CANMAT 2023)"
    )  # the guideline backs the proposal, not the status
    return cards.fit_summary(
        f"Catatonia ({code}) and {failed}: {benzo}; {ect}{cite}",
        f"Catatonia ({code}) and {failed}: {benzo}; {ect}",
        f"Catatonia ({code}) and {failed_short}: {benzo}; {ect}",
        f"Catatonia ({code}) and {failed_short}: {ect}",
    )


def psychotic_summary(
    ctx: RuleContext, psychotic: Finding, antipsychotic: str | None, failed: str | None
) -> str:
    """The psychotic-features card's summary with catatonia on record (recheck 11 finding 4):
    catatonia first, then ECT (especially effective with both, CANMAT 2023 para 215), the
    benzodiazepine, and the antipsychotic only with caution: "Catatonia (F06.1) with psychotic
    features (F33.3): ECT evaluation; lorazepam running; antipsychotic only with caution (NMS
    risk)". `antipsychotic`: one already running; `failed`: the antipsychotic of a combination
    that failed."""
    code = findings(ctx)[0].code
    benzo = _benzo_words(ctx)
    ect = (
        "ECT referral open"
        if ctx.facts.ect_open is not None
        else young_ect.words(ctx, "ECT evaluation")
    )
    if failed is not None:
        ect = f"{failed} with an antidepressant failed: {ect}"
    if antipsychotic is not None:
        caution = f"{antipsychotic} running: caution (NMS risk)"
    else:
        caution = "antipsychotic only with caution (NMS risk)"
    head = f"Catatonia ({code}) with psychotic features ({psychotic.code})"
    short = "Catatonia with psychotic features"
    return cards.fit_summary(
        f"{head}: {ect}; {benzo}; {caution}",
        f"{short}: {ect}; {benzo}; {caution}",
        f"{short}: {ect}; {benzo}",
        f"{short}: {ect}",
    )


def prefixed(ctx: RuleContext, summary: str) -> str:
    """Another summary of the card with catatonia named first, when it fits."""
    return cards.fit_summary(f"{prefix(ctx)}{summary}", summary)


def prefix(ctx: RuleContext) -> str:
    """ "Catatonia (F06.1): ", what a summary is prefixed with (`prefixed`); "" without it."""
    found = findings(ctx)
    return f"Catatonia ({found[0].code}): " if found else ""


def ect_suggestion(ctx: RuleContext) -> Suggestion | None:
    """ "Refer for ECT evaluation" (recommended), or None when an ECT referral is already open
    or the patient's age holds it (optimize/young_ect.py)."""
    if ctx.facts.ect_open is not None or young_ect.held(ctx) is not None:
        return None
    reasons: list[SourceRef] = [f.source for f in findings(ctx) if f.source is not None]
    reasons += finding_refs(ctx)
    resource = None
    if ctx.patient_id is not None:
        resource = suggestions.service_request(
            patient_id=ctx.patient_id,
            concept="ect-evaluation",
            text="Referral for ECT evaluation (depression with catatonic features)",
            reasons=reasons,
        )
    return suggestions.create("Refer for ECT evaluation", resource, recommended=True)


def ect_line(ctx: RuleContext) -> str:
    """The card's line when an ECT referral is already open, or what the guideline says of ECT
    at a minor's age (optimize/young_ect.py); none otherwise."""
    if not findings(ctx):
        return ""
    if ctx.facts.ect_open is None:
        return young_ect.section(ctx)
    return "**ECT:** a referral is already open; not proposed again."
