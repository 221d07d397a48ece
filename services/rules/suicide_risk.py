"""Suicide risk: precise, current, and dismissable when it should be (issue 11 items 9-10).

The signal, its sources and how far it was assessed come from acute_risk.py (PHQ-9 item 9 > 0,
a positive C-SSRS, recent suicidal ideation or self-harm on the problem list; acknowledged by a
C-SSRS or a documented risk assessment, never by a later item 9 = 0). The card follows its level:

- not yet assessed: critical, first. The summary names the most serious finding and its date; the
  suggestion is a same-day structured risk assessment (SNOMED 225337009, e.g. the C-SSRS
  screener). Item 9 asks for a structured follow-up when positive (PMC10172543 table 1); answers
  2-3 carry a higher one-year attempt risk (Simon 2013), so the wording escalates. REFERENCE.md 5.
  A later item 9 = 0 is named as what it is ("a later PHQ-9 item 9 = 0 on <date>; no risk
  assessment on record"), and the card stays critical (review patient-view finding 6).
- assessed and found high (C-SSRS intent, plan or behaviour in the past 3 months; a documented
  high level): critical; a same-day clinician assessment is proposed.
- assessed and found current risk that is not high: warning, no suggestion.
- re-screened only: an item 9 > 0 older than the look-back that no assessment followed, with an
  item 9 = 0 since (acute_risk.py): warning, proposing a structured assessment at routine
  priority, so an answer nobody assessed never vanishes on time alone (review finding 5).
- assessed with no current risk found: info, saying what was found and when; at order hooks this
  card is left out (an assessed finding on every order is noise; the patient-view card still
  shows it until the positive answer leaves the look-back).

At order-select / order-sign, when a drafted drug is dangerous in overdose
(data/overdose_toxicity.csv: the tricyclics, venlafaxine; MAOIs and lithium UNVERIFIED) the card
adds one line asking to limit the quantity supplied (means restriction; review order-hooks
finding 14): prescribing is the moment the supply is decided. At patient-view, when a current
self-harm finding is an intentional overdose of a drug (data/self_poisoning_codes.csv: ICD-10-CM
T36-T50 with the self-harm intent character, SNOMED 86849004) and an antidepressant or a drug
of the overdose table is running, the card says the same of the running supply (review 16 M8):
the next prescription of the drug the patient holds is the supply a clinician decides.

A psychiatric inpatient stay discharged within policy.suicide_post_discharge_days is named on the
card, and makes a warning card of its own when nothing else raises one (review 16 W4):
rules/suicide_risk_discharge.py.

Override reasons (data/override_reasons.csv) include "assessment completed today" (the chart the
service reads can lag the visit) and "under crisis team care". The topic is never snoozed
(data/topics.csv): while any signal is current the card comes back at the next evaluation.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.clinical_codes import normalise_code
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.record import DraftOrder, Finding, FindingKind, PatientRecord, Role, SourceRef
from services import (
    acute_risk,
    cards,
    pathway_contraindications,
    suggestions,
    tables,
    tms_gate,
)
from services.acute_risk import RiskEvent, SignalKind, SuicideLevel, SuicideSignal
from services.payer_criteria import evaluate_payer_criteria
from services.recommendation import Indicator, Recommendation, Suggestion
from services.rules import suicide_risk_discharge
from services.rules.context import RuleContext

TOPIC = "suicide-risk"
# The pathway option (data/pathway_options.csv) the acute-risk treatments name beside ECT.
_ESKETAMINE = "esketamine"
# Same day: FHIR request-priority "asap" (above "urgent", below the emergency "stat").
PRIORITY = "asap"
# An older answer re-screened negative since: the assessment is still owed, not today's emergency.
RESCREENED_PRIORITY = "routine"

_INDICATOR = {
    SuicideLevel.UNASSESSED: Indicator.CRITICAL,
    SuicideLevel.HIGH: Indicator.CRITICAL,
    SuicideLevel.FOUND: Indicator.WARNING,
    SuicideLevel.RESCREENED: Indicator.WARNING,
    # An item 9 answer that could not be read: a warning, not critical. Nothing on record says it
    # is positive (most answers are 0), the first step is a look at the chart, and a critical card
    # for every mis-coded answer would wear down the one card that must never be dismissed
    # (acute_risk module docstring). It still may not sit as a data-gap footnote (finding 3).
    SuicideLevel.UNREAD: Indicator.WARNING,
    SuicideLevel.ASSESSED: Indicator.INFO,
}


@dataclass(frozen=True, slots=True)
class OverdoseRisk:
    """A drug dangerous in overdose (data/overdose_toxicity.csv)."""

    ingredient: str
    why: str
    status: str


@cache
def _overdose_table() -> tuple[dict[str, OverdoseRisk], str]:
    """(ingredient -> why it is dangerous in overdose, the means-restriction advice)."""
    text = resources.files("services").joinpath("data/overdose_toxicity.csv").read_text("utf-8")
    drugs: dict[str, OverdoseRisk] = {}
    advice = ""
    for row in csv.DictReader(text.splitlines()):
        if row["kind"] == "advice":
            advice = row["text"]
        else:
            drugs[row["name"]] = OverdoseRisk(row["name"], row["text"], row["status"])
    return drugs, advice


def overdose_risks(drafts: Sequence[DraftOrder]) -> tuple[OverdoseRisk, ...]:
    """The drafted drugs that are dangerous in overdose, once each, in draft order."""
    drugs, _ = _overdose_table()
    found: dict[str, OverdoseRisk] = {}
    for draft in drafts:
        risk = drugs.get(draft.ingredient)
        if risk is not None:
            found.setdefault(risk.ingredient, risk)
    return tuple(found.values())


def means_restriction_line(drafts: Sequence[DraftOrder]) -> str | None:
    """The card's line about limiting the quantity of a drafted drug that is dangerous in
    overdose (review order-hooks finding 14), or None when no draft is one."""
    risks = overdose_risks(drafts)
    if not risks:
        return None
    _, advice = _overdose_table()
    named = "; ".join(
        f"{r.ingredient} is {r.why}" + (" (UNVERIFIED)" if r.status == "UNVERIFIED" else "")
        for r in risks
    )
    # The advice is a design drawn from the confirmed toxicity rows (its own guideline wording
    # was not read: the table says so); an unverified drug fact is marked on the card.
    return f"**Quantity on this order:** {named}. {advice[0].upper()}{advice[1:]}."


@cache
def _self_poisoning_codes() -> tuple[tuple[str, str, re.Pattern[str] | None], ...]:
    """(system, code, pattern) rows of data/self_poisoning_codes.csv."""
    text = resources.files("services").joinpath("data/self_poisoning_codes.csv").read_text("utf-8")
    rows = []
    for row in csv.DictReader(text.splitlines()):
        system = canonical_system(row["system"])
        pattern = re.compile(row["code"]) if row["match"] == "pattern" else None
        rows.append((system, normalise_code(system, row["code"]), pattern))
    return tuple(rows)


def is_overdose(finding: Finding) -> bool:
    """A self-harm finding coded as an intentional overdose of a drug (T43.222A, 86849004)."""
    system = canonical_system(finding.system)
    key = normalise_code(system, finding.code)
    return any(
        s == system and (p.match(key) if p is not None else key == code)
        for s, code, p in _self_poisoning_codes()
    )


def running_supply_line(record: PatientRecord, signal: SuicideSignal) -> str | None:
    """After a current intentional overdose, the line asking to limit the quantity of each
    running antidepressant (or drug of the overdose table) supplied at a time (review 16 M8), or
    None. The words and drug facts are the order hooks' (`means_restriction_line`)."""
    overdoses = [f for f in signal.findings if f.kind is FindingKind.SELF_HARM and is_overdose(f)]
    if not overdoses:
        return None
    drugs, advice = _overdose_table()
    running = list(
        dict.fromkeys(
            t.ingredient
            for t in sorted(record.trials, key=lambda t: t.start)
            if t.ongoing and (t.role is Role.ANTIDEPRESSANT or t.ingredient in drugs)
        )
    )
    if not running:
        return None
    latest = max(overdoses, key=lambda f: f.onset.toordinal() if f.onset else 0)
    when = f" on {latest.onset.isoformat()}" if latest.onset is not None else ""
    verb = "is" if len(running) == 1 else "are"
    risks = [drugs[i] for i in running if i in drugs]
    named = "; ".join(
        f"{r.ingredient} is {r.why}" + (" (UNVERIFIED)" if r.status == "UNVERIFIED" else "")
        for r in risks
    )
    return (
        f"**Quantity supplied:** an intentional overdose is on record ({latest.coding}{when}) "
        f"and {', '.join(running)} {verb} running" + (f": {named}" if named else "") + ". "
        f"{advice[0].upper()}{advice[1:]}."
    )


def _lead(events: tuple[RiskEvent, ...]) -> RiskEvent:
    """The finding a summary leads with: escalated first, then the strongest, then the latest."""
    return max(events, key=lambda e: (e.escalate, e.weight, e.day.toordinal() if e.day else 0))


def _summary(signal: SuicideSignal) -> str:
    level = signal.level
    if level is SuicideLevel.UNASSESSED:
        unassessed = tuple(
            e for e in signal.urgent if e.kind is not SignalKind.SCREEN or not e.assessed
        )
        event = _lead(unassessed)
        head = f"{event.short}{event.at()}"
        if signal.rescreen(event) is not None or signal.older(event):
            # Said in the summary: a later item 9 = 0 or the time since does not make it assessed.
            head += ", no assessment on record"
        # The result's date stays when it fits (review 14 recheck q02): a critical summary that
        # rests on a dated result says which one, before "no assessment on record" does.
        dated = f"{event.short}{event.at()}"
        if event.escalate:
            return cards.fit_summary(
                # "suicide" is the word a clinician scans a critical summary for: every
                # shorter form keeps it and gives up "higher" or the date first (review 14
                # r03b/r04: "higher risk, assess today" at 108-115 characters).
                f"{head}: higher suicide risk, assess today (C-SSRS) and plan safety",
                f"{head}: higher suicide risk, assess today",
                f"{head}: suicide risk, assess today",
                f"{dated}: higher suicide risk, assess today",
                f"{dated}: suicide risk, assess today",
                f"{event.short}: higher suicide risk, assess today",
            )
        return cards.fit_summary(
            f"{head}: complete a suicide risk assessment today (e.g. C-SSRS)",
            f"{head}: assess suicide risk today",
            f"{dated}: assess suicide risk today",
            f"{event.short}: assess suicide risk today",
        )
    if level is SuicideLevel.HIGH:
        event = _lead(tuple(e for e in signal.open if e.escalate))
        return cards.fit_summary(
            f"{event.short}{event.at()}: high suicide risk, same-day psychiatric evaluation and "
            "safety plan",
            f"{event.short}{event.at()}: high suicide risk, evaluate today",
            "C-SSRS found high suicide risk: same-day psychiatric evaluation",
        )
    if level is SuicideLevel.FOUND:
        event = _lead(signal.open)
        return cards.fit_summary(
            f"{event.short}{event.at()}: risk assessed; keep a safety plan and follow up closely",
            f"{event.short}{event.at()}: risk assessed; safety plan and follow-up",
            "Suicidal thoughts found on assessment: safety plan and follow-up",
        )
    if level is SuicideLevel.RESCREENED:
        event = _lead(signal.lowered)
        again = signal.rescreen(event)
        zero = f" (item 9 = 0 on {again.day.isoformat()})" if again is not None else ""
        return cards.fit_summary(
            f"{event.short}{event.at()}, no risk assessment on record{zero}: assess and record "
            "it (C-SSRS)",
            f"{event.short}{event.at()}, no risk assessment on record: assess (C-SSRS)",
            f"{event.short}: no risk assessment on record",
        )
    if level is SuicideLevel.UNREAD:
        event = signal.unread[-1]
        # The resource id often does not fit in 140 characters: the Found line always has it.
        unread = f"PHQ-9 item 9 answer on {event.when()} could not be read"
        return cards.fit_summary(
            acute_risk.unread_line(event),
            f"{unread}: check it in the chart; if it is above 0, assess suicide risk today",
            f"{unread}: check it in the chart",
        )
    event = _lead(signal.signals)
    check = signal.closing(event)
    after = f"; {check.short} on {check.day.isoformat()}" if check is not None else ""
    return cards.fit_summary(
        f"{event.short}{event.at()}{after}: assessed, reassess at each visit",
        f"{event.short}{event.at()}{after}",
        f"{event.short}{after}",
    )


def _unassessed_state(signal: SuicideSignal, event: RiskEvent) -> str:
    """What stands after a signal nobody assessed: never "assessed" for a later item 9 = 0."""
    again = signal.rescreen(event)
    if again is not None:
        where = f" [{again.source}]" if again.source is not None else ""
        return (
            f"not yet assessed: a later {again.text} on {again.day.isoformat()}{where}; no risk "
            "assessment on record"
        )
    if signal.older(event):
        return "not yet assessed: no risk assessment and no later item 9 answer on record"
    return "not yet assessed"


def _found_lines(signal: SuicideSignal) -> list[str]:
    lines = []
    for event in signal.signals:
        if event.kind is SignalKind.UNREAD:  # the line names the resource itself
            lines.append(f"- {acute_risk.unread_line(event)}")
            continue
        check = signal.closing(event)
        if check is not None:
            state = f"assessed: {check.text} on {check.day.isoformat()}"
        elif event.kind is SignalKind.SCREEN and event.assessed:
            state = "the assessment itself; nothing later on record"
        else:
            state = _unassessed_state(signal, event)
        where = f" [{event.source}]" if event.source is not None else ""
        when = "" if event.dated else f" on {event.when()}"
        lines.append(f"- {event.text}{when}{where}: {state}")
    return lines


def _advice(ctx: RuleContext, signal: SuicideSignal) -> str:
    level = signal.level
    open_kinds = {e.kind for e in signal.open}
    if level is SuicideLevel.UNASSESSED:
        escalated = [e for e in signal.urgent if e.escalate]
        if any(e.kind is SignalKind.ITEM9 for e in escalated):
            text = (
                "Answers of 'more than half the days' or 'nearly every day' carry a higher one-year "
                "risk of a suicide attempt (Simon 2013): assess today, make a safety plan and "
                "consider same-day psychiatric evaluation."
            )
        elif SignalKind.SELF_HARM in open_kinds:
            text = (
                "Recent self-harm or a suicide attempt is on record: assess today, make a safety "
                "plan and consider same-day psychiatric evaluation."
            )
        else:
            text = "A positive screen calls for a structured assessment today (C-SSRS screener)."
        # Worded to hold on any screen: "suggestions on other cards" was
        # said on a screen with no other card (the item9_positive chart).
        return cards.join_sections(
            text,
            "Item 9 alone is not a risk assessment, and a 0 does not rule risk out. Change "
            "medication or start TMS only after this assessment.",
        )
    if level is SuicideLevel.HIGH:
        return (
            "The assessment found suicidal intent, a plan or suicidal behaviour in the past 3 "
            "months, which the C-SSRS screener triage treats as high risk: same-day psychiatric "
            "evaluation and a safety plan. TMS is not the next step while the risk is acute."
        )
    if level is SuicideLevel.FOUND:
        return (
            "The assessment found current suicidal thoughts: keep a safety plan, follow up closely "
            "and reassess at each visit. Override with 'Under crisis team care' when a crisis "
            "team holds the plan."
        )
    lookback = ctx.policy.suicide_item9_lookback_days
    if level is SuicideLevel.UNREAD:
        return (
            "The answer is on record but the service could not read it (a code it does not "
            "know, a value out of range, or text that is not a number), so it may be positive. "
            "Look at it in the chart: if it is above 0 ('several days' or more), complete a "
            "structured suicide risk assessment today (C-SSRS). The card goes once a readable "
            f"item 9 or an assessment is recorded on that day or later, or after {lookback} days."
        )
    if level is SuicideLevel.RESCREENED:
        window = max(lookback, ctx.policy.suicide_unassessed_item9_days)
        return (
            f"This answer is older than the {lookback}-day look-back and a later PHQ-9 answered "
            "item 9 = 0, so it is no longer an urgent signal. But no suicide risk assessment "
            "followed it: item 9 alone is not one, and a 0 does not rule risk out (Na et al., "
            "Mayo item 9 validation). Complete and record a structured assessment (C-SSRS); the "
            "card stays until one "
            f"is on record or the answer is more than {window} days old."
        )
    return (
        "Assessed after the positive finding. Kept as information while it is within the "
        f"{lookback}-day look-back: a negative screen does not rule risk out (Na et al., Mayo). "
        "Reassess at each visit."
    )


def _detail(
    ctx: RuleContext,
    signal: SuicideSignal,
    discharge: suicide_risk_discharge.Discharge | None = None,
) -> str:
    sections = ["**Found:**\n" + "\n".join(_found_lines(signal))]
    if discharge is not None:
        # The acute-risk treatment lines below name ECT (CANMAT para 215) already.
        sections.append(suicide_risk_discharge.section(discharge, ctx, ect=not signal.acute))
    later = [c for c in signal.checks if not any(c is signal.closing(e) for e in signal.signals)]
    if later:
        sections.append(
            "**Also on record since:**\n"
            + "\n".join(f"- {c.text} on {c.day.isoformat()}" for c in later)
        )
    if signal.history:
        sections.append("**Risk factors:**\n" + "\n".join(f"- {h}" for h in signal.history))
    sections.append(_advice(ctx, signal))
    if ctx.hook == "patient-view":  # the order hooks name the drafted supply (rule)
        sections.append(running_supply_line(ctx.record, signal) or "")
    # Esketamine's label contraindications (aneurysmal vascular disease, an AVM, a history of
    # intracerebral haemorrhage: SPRAVATO label 4; review 15 U1) hold whatever the indication, so
    # the decision the optimise card makes (pathway_contraindications) leaves it out here too and
    # one line says why.
    no_esketamine = pathway_contraindications.why_not(ctx.facts, _ESKETAMINE)
    if signal.acute and ctx.facts.tms.only_acute:
        # Issue 11 item 8: the patient otherwise meets the TMS criteria, so say here (the card
        # that is always shown while the risk is acute) what comes instead.
        alternatives = (
            tms_gate.line("suicide-risk-no-esketamine")
            if no_esketamine
            else tms_gate.suicide_alternatives()
        )
        # "Otherwise met" only when the payer rule set the TMS card judges by is met as well
        # (audit 15 W1: two SSRIs of one class and no psychotherapy meet the clinic's count but
        # not L37086, and the TMS card on the same chart says "not met"); else the line claims
        # nothing about the criteria.
        met = evaluate_payer_criteria(ctx.record, ctx.facts, ctx.policy).met
        claim = "the TMS criteria are otherwise met. " if met else ""
        sections.append("**Not TMS now:** " + claim + alternatives + ".")
    elif signal.acute and ctx.facts.active and not ctx.facts.psychotic:
        # Issue 12: in the acute-risk case ECT and esketamine come first, whatever the number of
        # failed trials (CANMAT 2023 para 215; esketamine's FDA indication for MDD with acute
        # suicidal ideation or behaviour). Psychotic features have their own path (optimise card:
        # antipsychotic combination or ECT), and esketamine is not indicated there.
        treatment = (
            tms_gate.line("suicide-risk-treatment-no-esketamine")
            if no_esketamine
            else tms_gate.acute_treatment()
        )
        sections.append("**Treatment while the risk is acute:** " + treatment + ".")
    else:
        no_esketamine = ""  # esketamine is not named on this card: nothing to explain
    if no_esketamine:
        sections.append(f"**Esketamine not offered (contraindicated):** {no_esketamine}.")
    keys = ("simon2013", "cssrs", "chung2017") if discharge is not None else ("simon2013", "cssrs")
    sections.append(cards.guideline_links(*keys))
    return cards.join_sections(*sections)


def _suggestion(ctx: RuleContext, signal: SuicideSignal) -> Suggestion | None:
    if signal.level is SuicideLevel.RESCREENED:
        return _rescreened_suggestion(ctx, signal)
    if not signal.acute:
        return None  # assessed: nothing to order (the clinician overrides or it ages out)
    reasons: list[SourceRef] = signal.reasons()
    cssrs = tables.order_code("cssrs-screener")
    high = signal.level is SuicideLevel.HIGH
    resource = None
    if ctx.patient_id is not None:
        resource = suggestions.service_request(
            patient_id=ctx.patient_id,
            concept="suicide-risk-assessment",
            text=(
                "Same-day clinician suicide risk assessment (screen found high risk)"
                if high
                else "Same-day structured suicide risk assessment"
            ),
            reasons=reasons,
            priority=PRIORITY,
            note=(
                "Psychiatric evaluation and safety plan today."
                if high
                else f"For example the C-SSRS screener (LOINC {cssrs.code}); record the answers."
            ),
        )
    label = (
        "Order a same-day psychiatric suicide risk assessment"
        if high
        else "Order a same-day suicide risk assessment (C-SSRS)"
    )
    return suggestions.create(label, resource, recommended=True)


def _rescreened_suggestion(ctx: RuleContext, signal: SuicideSignal) -> Suggestion:
    """The assessment an older, never-assessed answer still needs, at routine priority."""
    cssrs = tables.order_code("cssrs-screener")
    resource = None
    if ctx.patient_id is not None:
        resource = suggestions.service_request(
            patient_id=ctx.patient_id,
            concept="suicide-risk-assessment",
            text="Structured suicide risk assessment (earlier positive PHQ-9 item 9 not assessed)",
            reasons=[e.source for e in signal.lowered if e.source is not None],
            priority=RESCREENED_PRIORITY,
            note=f"For example the C-SSRS screener (LOINC {cssrs.code}); record the answers.",
        )
    return suggestions.create(
        "Order a suicide risk assessment (C-SSRS)", resource, recommended=True
    )


def rule(ctx: RuleContext, drafts: Sequence[DraftOrder] | None = None) -> Recommendation | None:
    """The card. `drafts`: the draft orders the order hook is about (default: every draft on the
    record); at order hooks a drafted drug that is dangerous in overdose adds a quantity line."""
    signal = ctx.facts.suicide
    discharge = suicide_risk_discharge.recent_discharge(ctx.record, ctx.policy)
    drafted = ctx.record.draft_orders if drafts is None else drafts
    if signal is None:
        # A recent psychiatric discharge alone: a card of its own (suicide_risk_discharge.py).
        if discharge is None:
            return None
        quantity = means_restriction_line(drafted) if ctx.hook != "patient-view" else None
        return suicide_risk_discharge.card(ctx, discharge, quantity)
    # An assessed signal beside a discharge no assessment followed: the discharge sets the
    # card (warning, assess today), the signal's lines stay in the detail.
    owed = (
        discharge is not None
        and discharge.assessed is None
        and signal.level is SuicideLevel.ASSESSED
    )
    if signal.level is SuicideLevel.ASSESSED and ctx.hook != "patient-view" and not owed:
        return None
    found = _suggestion(ctx, signal)
    detail = _detail(ctx, signal, discharge)
    if ctx.hook != "patient-view":
        quantity = means_restriction_line(drafted)
        if quantity is not None:
            detail = cards.join_sections(quantity, detail)
    summary = _summary(signal)
    indicator = _INDICATOR[signal.level]
    if owed and discharge is not None:
        summary = suicide_risk_discharge.summary(discharge)
        indicator = suicide_risk_discharge.indicator(discharge)
        found = suicide_risk_discharge.suggestion(ctx, discharge)
    return cards.make(
        TOPIC,
        summary=summary,
        detail=detail,
        suggestions=(found,) if found is not None else (),
        indicator=indicator,
    )
