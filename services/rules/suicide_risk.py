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
card, and makes a card of its own when nothing else raises one (review 16 W4):
suicide_risk_discharge.py. Both cards read their indicator, the assessment's priority and the
one-click label from one table keyed by urgency (services/suicide_urgency.py): "assess today" is
critical whichever of them asks it (review s26 RN finding 5). The card has one urgency, the row
the hold of a change of treatment reads too (services/suicide_today.card_urgency): beside a
signal that asks less, an unassessed discharge sets it (s26 KE follow-up), and the acute-risk
treatment lines (`treatment_lines`) follow the same hold, whichever finding asks it.

Override reasons (data/override_reasons.csv) include "assessment completed today" (the chart the
service reads can lag the visit) and "under crisis team care". The topic is never snoozed
(data/topics.csv): while any signal is current the card comes back at the next evaluation.

This module holds the card (`rule`), its level and its "Found" detail. Apart from it, one idea each:
suicide_risk_suggestion.py (its one-click, the assessment to order; split out in session 37),
suicide_risk_text.py (what the card says at each level: the summary, the "Found" lines),
suicide_risk_advice.py (the advice) and suicide_risk_overdose.py (the order hooks' quantity line for
a drafted drug dangerous in overdose, read from data/overdose_toxicity.csv); their public names stay
importable from here.
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.record import DraftOrder
from services import (
    cards,
    pathway_contraindications,
    suicide_today,
    tms_gate,
)
from services.acute_risk import SuicideLevel, SuicideSignal
from services.order_hook_skips import PATHWAY_ROLES, starts_or_raises
from services.payer_criteria import evaluate_payer_criteria
from services.recommendation import Recommendation
from services.risk_signal import RiskCheck, RiskEvent
from services.rules import (
    suicide_risk_advice,
    suicide_risk_discharge,
    suicide_risk_ordered,
    suicide_risk_young,
)
from services.rules.context import RuleContext
from services.rules.suicide_risk_advice import card_advice
from services.rules.suicide_risk_overdose import (
    OverdoseRisk,
    means_restriction_line,
    overdose_risks,
    running_supply_line,
)
from services.rules.suicide_risk_suggestion import _suggestion
from services.rules.suicide_risk_text import (
    card_summary,
    found_lines,
    lead_event,
    on_ward,
    transferred,
)

# The names other modules and tests use, kept importable from here (the quantity line's among
# them); evaluate_payer_criteria stays a name of this module, where tests replace it.
__all__ = [
    "TOPIC",
    "OverdoseRisk",
    "evaluate_payer_criteria",
    "means_restriction_line",
    "overdose_risks",
    "rule",
]

TOPIC = "suicide-risk"
# The pathway option (data/pathway_options.csv) the acute-risk treatments name beside ECT.
_ESKETAMINE = "esketamine"


def _same_record(check: RiskCheck, event: RiskEvent) -> bool:
    """A check and a signal that are one record: the same resource on the same day."""
    return check.source is not None and check.source == event.source and check.day == event.day


def _detail(
    ctx: RuleContext,
    signal: SuicideSignal,
    discharge: suicide_risk_discharge.Discharge | None = None,
) -> str:
    sections = ["**Found:**\n" + "\n".join(found_lines(signal))]
    if discharge is not None:
        sections.append(
            suicide_risk_discharge.section(
                discharge,
                ctx,
                ect=_discharge_ect(ctx, signal, discharge),
                note=transferred(signal) is None,
            )
        )
    # Not the screen the Found line names already: a C-SSRS that found the risk is both the
    # signal and its own assessment, and was listed twice (review s22 RS finding 7).
    later = [
        c
        for c in signal.checks
        if not any(c is signal.closing(e) or _same_record(c, e) for e in signal.signals)
    ]
    if later:
        sections.append(
            "**Also on record since:**\n"
            + "\n".join(f"- {c.text} on {c.day.isoformat()}" for c in later)
        )
    if signal.history:
        sections.append("**Risk factors:**\n" + "\n".join(f"- {h}" for h in signal.history))
    sections.append(card_advice(ctx, signal))
    if ctx.hook == "patient-view":  # the order hooks name the drafted supply (rule)
        sections.append(running_supply_line(ctx.record, signal.findings) or "")
    sections.append(treatment_lines(ctx, signal, discharge))
    # Chung 2017 only after psychiatric inpatient care (suicide_risk_discharge.links).
    keys: tuple[str, ...] = ("simon2013", "cssrs")
    if discharge is not None:
        keys += tuple(k for k in suicide_risk_discharge.links(discharge) if k not in keys)
    sections.append(cards.guideline_links(*keys))
    return cards.join_sections(*sections)


def _discharge_ect(
    ctx: RuleContext,
    signal: SuicideSignal | None,
    discharge: suicide_risk_discharge.Discharge,
) -> bool:
    """Whether the discharge section says its own ECT line (CANMAT 2023 para 215: after a
    hospitalised episode ECT lowers suicide risk in the year after discharge). Not while the
    card's ask holds a change of treatment: the treatment lines name ECT then, citing the same
    paragraph (`treatment_lines`); below 18 the adult line is not said (NICE NG134 keeps ECT for
    a minor to specialists: s25 RK1 extra)."""
    return not suicide_today.holds(signal, discharge) and suicide_risk_young.adult_ect(ctx)


def treatment_lines(
    ctx: RuleContext,
    signal: SuicideSignal | None,
    discharge: suicide_risk_discharge.Discharge | None,
) -> str:
    """What the card says of treatment while its ask holds a change of treatment
    (services/suicide_today.py: an acute signal, or a recent psychiatric discharge nobody
    assessed since), or "". One rule for every such card, the signal's and the discharge's
    alone: the hold keys on the card's urgency, and so do these lines. They keyed on
    SuicideSignal.acute, so a discharge-only "assess today" said "Not TMS now" but named no ECT
    or esketamine when TMS was not the next step, and an assessed signal beside it said
    "Treatment while the risk is acute" nowhere (s26 KE follow-up).

    - TMS otherwise the next step: "Not TMS now: ..." with what comes instead (`not_tms_line`).
    - Else, depression active and treated, no psychotic features: issue 12, in the acute-risk
      case ECT and esketamine come first, whatever the number of failed trials (CANMAT 2023
      para 215; esketamine's FDA indication for MDD with acute suicidal ideation or behaviour).
      Psychotic features have their own path (optimise card: antipsychotic combination or ECT),
      and esketamine is not indicated there.
    Either names them as what follows if the assessment finds acute risk, unless an assessment
    already found high risk (`_until_assessed`)."""
    if not suicide_today.holds(signal, discharge):
        return ""
    found_high = signal is not None and signal.level is SuicideLevel.HIGH
    # Esketamine's label contraindications (aneurysmal vascular disease, an AVM, a history of
    # intracerebral haemorrhage: SPRAVATO label 4; review 15 U1) hold whatever the indication, so
    # the decision the optimise card makes (pathway_contraindications) leaves it out here too and
    # one line says why.
    no_esketamine = pathway_contraindications.why_not(ctx.facts, _ESKETAMINE)
    if ctx.facts.tms.only_acute:
        line = not_tms_line(ctx, found_high)
    elif (
        ctx.facts.active
        and not ctx.facts.psychotic
        and suicide_risk_advice.treated_for_depression(ctx)
    ):
        treatment = tms_gate.line(
            suicide_risk_young.row_key(
                ctx, "suicide-risk-treatment", no_esketamine=bool(no_esketamine)
            )
        )
        head = (
            "**Treatment while the risk is acute:** "
            if found_high
            else "**If the assessment finds acute risk:** "
        )
        line = head + treatment + "."
    else:
        return ""  # ECT and esketamine are not named on this card: nothing to explain
    why_not = (
        f"**Esketamine not offered (contraindicated):** {no_esketamine}." if no_esketamine else ""
    )
    # What the age rows say of ECT and esketamine below 18, said where either is spoken of.
    return cards.join_sections(line, why_not, suicide_risk_young.age_line(ctx))


def not_tms_line(ctx: RuleContext, found_high: bool) -> str:
    """ "Not TMS now: ..." while the card's ask holds TMS (services/suicide_today.py) and the
    patient otherwise meets the TMS criteria (issue 11 item 8): said here, on the card that is
    always shown while the risk is acute, with what comes instead. Below an age ECT or
    esketamine is left out too (suicide_risk_young, s25 RK1 extra). `found_high`: an assessment
    found high risk, so no assessment comes first."""
    no_esketamine = pathway_contraindications.why_not(ctx.facts, _ESKETAMINE)
    alternatives = tms_gate.line(
        suicide_risk_young.row_key(ctx, "suicide-risk", no_esketamine=bool(no_esketamine))
    )
    # "Otherwise met" only when the payer rule set the TMS card judges by is met as well
    # (audit 15 W1: two SSRIs of one class and no psychotherapy meet the clinic's count but
    # not L37086, and the TMS card on the same chart says "not met"); else the line claims
    # nothing about the criteria.
    met = evaluate_payer_criteria(ctx.record, ctx.facts, ctx.policy).met
    claim = "the TMS criteria are otherwise met. " if met else ""
    return "**Not TMS now:** " + claim + _until_assessed(found_high) + alternatives + "."


def _until_assessed(found_high: bool) -> str:
    """What comes before the acute-risk treatments (ECT, esketamine) on the card: nothing once an
    assessment found high risk; before any assessment (an unassessed signal, or a discharge
    nobody assessed since) the assessment is the step today, so they are named as what follows
    if it finds acute risk (review 19, b03: "Treatment while the risk is acute" stood under an
    item 9 = 1 nobody had assessed yet). The safer reading keeps them on the card, named: the
    assessment may find acute risk today."""
    if not found_high:
        return "The risk assessment comes first; if it finds acute risk: "
    return ""


def _unread_left_out(
    ctx: RuleContext,
    signal: SuicideSignal,
    discharge: suicide_risk_discharge.Discharge | None,
    drafted: Sequence[DraftOrder],
    referred: bool = False,
) -> bool:
    """An order hook's card for an unread item 9 answer alone (UNREAD), when no draft starts or
    raises a drug (order_hook_skips.starts_or_raises) and no discharge awaits its assessment.
    The card stays at patient-view until a readable answer or an assessment supersedes it (up to
    policy.suicide_unassessed_item9_days); at an order it was on every renewal for that year, the
    noise that teaches clinicians to dismiss the suicide card (session 25 item 4). A start or a
    raise keeps it: the boxed warning's close monitoring is for that moment. So does a drafted
    referral for a depression treatment (`referred`: TMS, ECT, ...; review K65a finding 1): a
    change of treatment, never a renewal, so none of that noise."""
    if signal.level is not SuicideLevel.UNREAD or ctx.hook == "patient-view" or referred:
        return False
    if discharge is not None and discharge.assessed is None:
        return False
    return not any(starts_or_raises(ctx, d) for d in drafted)


def left_to_patient_view(
    ctx: RuleContext, drafts: Sequence[DraftOrder], *, referred: bool = False
) -> frozenset[str]:
    """{TOPIC} when the order hook leaves this card out for patient-view to carry
    (`_unread_left_out`): its gaps (the unread answer itself) are then carried by that card, not
    raised again as a data-quality card saying the same thing at every renewal."""
    signal = ctx.facts.suicide
    # The card speaks beside any pathway draft, an adjunct too (order_hook_cards.suicide_risk_card):
    # an antidepressant-only test here raised the data-quality card "1 rating-scale result could
    # not be read" at every lithium renewal instead (review s25 RK2 finding 1).
    if signal is None or not any(d.role in PATHWAY_ROLES for d in drafts):
        return frozenset()  # no card at this order either way (order_hooks.run_order_checks)
    discharge = suicide_risk_discharge.recent_discharge(ctx.record, ctx.policy)
    left_out = _unread_left_out(ctx, signal, discharge, drafts, referred)
    return frozenset({TOPIC}) if left_out else frozenset()


def rule(
    ctx: RuleContext, drafts: Sequence[DraftOrder] | None = None, *, referred: bool = False
) -> Recommendation | None:
    """The card. `drafts`: the draft orders the order hook is about (default: every draft on the
    record); at order hooks a drafted drug that is dangerous in overdose adds a quantity line.
    `referred`: a depression-treatment referral is drafted (order_hook_referrals.py)."""
    signal = ctx.facts.suicide
    discharge = suicide_risk_discharge.recent_discharge(ctx.record, ctx.policy)
    drafted = ctx.record.draft_orders if drafts is None else drafts
    if signal is None:
        # A recent psychiatric discharge alone: a card of its own (suicide_risk_discharge.py).
        if discharge is None:
            return None
        quantity = means_restriction_line(drafted) if ctx.hook != "patient-view" else None
        # The discharge holds a change of treatment while nobody assessed it
        # (services/suicide_today.py): its card says the treatment lines the signal's does.
        return suicide_risk_discharge.card(
            ctx,
            discharge,
            quantity,
            treatment_lines(ctx, None, discharge),
            ect=_discharge_ect(ctx, None, discharge),
        )
    # One card, one urgency (services/suicide_today.card_urgency): a discharge no assessment
    # followed, beside a signal whose level asks less (assessed, found not high, re-screened,
    # unread), sets the card (critical, assess today): its summary and its one-click; the
    # signal's lines stay in the detail.
    owed = suicide_today.discharge_leads(signal, discharge)
    if signal.level is SuicideLevel.ASSESSED and ctx.hook != "patient-view" and not owed:
        return None
    if _unread_left_out(ctx, signal, discharge, drafted, referred):
        return None
    found = _suggestion(ctx, signal)
    detail = _detail(ctx, signal, discharge)
    if ctx.hook != "patient-view":
        quantity = means_restriction_line(drafted)
        if quantity is not None:
            detail = cards.join_sections(quantity, detail)
    summary = card_summary(signal, ward=on_ward(ctx))
    indicator = suicide_today.card_urgency(signal, discharge).indicator
    if owed and discharge is not None:
        summary = suicide_risk_discharge.summary(discharge)
        found = suicide_risk_discharge.suggestion(ctx, discharge)
    elif found is not None:
        # The assessment the one-click proposes is already ordered (on record, or on this very
        # order): no second order; the card stays at its level and says to complete it
        # (suicide_risk_ordered.py, review s28 RG finding 1).
        events = suicide_risk_ordered.card_events(signal)
        ordered = suicide_risk_ordered.ordered(ctx, events) if events else None
        if ordered is not None:
            found = None
            if transferred(signal) is None:  # else the summary says where the patient went
                summary = suicide_risk_ordered.summary(
                    lead_event(events), ordered, today=signal.acute
                )
            detail = cards.join_sections(suicide_risk_ordered.line(ordered), detail)
    return cards.make(
        TOPIC,
        summary=summary,
        detail=detail,
        suggestions=(found,) if found is not None else (),
        indicator=indicator,
    )
