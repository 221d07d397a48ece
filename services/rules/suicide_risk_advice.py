"""What the suicide-risk card (suicide_risk.py) advises at each level of the signal
(acute_risk.py): `card_advice`, the stay named first and the level's advice after it (an
unassessed signal's "assess today" worded by what was found, a high one's same-day evaluation,
an assessed, unread or re-screened answer's next step), and `treated_for_depression`, which
decides whether the card speaks of changing medication, TMS, ECT or esketamine at all.

Apart from suicide_risk_text.py (split out in session 37 to keep that module under 400 lines)
because the advice is its own idea, apart from the summary and the "Found" lines."""

from __future__ import annotations

from fhir_mapping import epds_item10
from fhir_mapping.ages import youngest
from fhir_mapping.record import FindingKind, Role
from services import cards, item9_absent, risk_evidence, self_harm_items, young_age_treatments
from services.acute_risk import SignalKind, SuicideLevel, SuicideSignal
from services.card_format import plural
from services.past_answers import all_past, detail
from services.rules.context import RuleContext
from services.rules.suicide_risk_text import on_ward, stay_words, transferred

# The diagnoses that put a patient on this service's treatment pathway (or beside it: bipolar).
_MOOD_DIAGNOSES = (
    FindingKind.DEPRESSION,
    FindingKind.TRD,
    FindingKind.MDD_IN_REMISSION,
    FindingKind.DEPRESSION_NOT_MDD,
    FindingKind.DEPRESSION_UNSPECIFIED,
    FindingKind.BIPOLAR,
)


def treated_for_depression(ctx: RuleContext) -> bool:
    """Whether the record has a depression (or bipolar) diagnosis or an antidepressant course:
    only then does the card speak of changing medication, TMS, ECT or esketamine (review s21 RN:
    a PHQ-9 of 25 at 94 with no diagnosis and no antidepressant got "start TMS only after this
    assessment" and an ECT paragraph). The assessment itself is asked of everyone."""
    if any(ctx.facts.findings_of(kind) for kind in _MOOD_DIAGNOSES):
        return True
    return any(t.role is Role.ANTIDEPRESSANT for t in ctx.record.trials)


def card_advice(ctx: RuleContext, signal: SuicideSignal) -> str:
    # On a psychiatric ward the evaluation is there today: never "consider same-day psychiatric
    # evaluation" for an inpatient (review 16 second recheck c02); the stay is named first.
    ward = on_ward(ctx)
    return cards.join_sections(stay_words(ctx), _advice(ctx, signal, ward))


def _epds_as_phq9(signal: SuicideSignal) -> str:
    """What an EPDS item 10 read from its words (epds_item10.py, session 28 fix fx-selfharm2)
    and a question of no scale answered positively (form_self_harm.py) are taken as: the
    evidence below is the PHQ-9's, so the card says so."""
    said = ""
    if any(
        s.instrument == epds_item10.INSTRUMENT and epds_item10.answers()[s.item9 or 0].escalate
        for s in signal.positive_item9
    ):
        said = "EPDS item 10 'sometimes' or 'yes, quite often' is taken as PHQ-9 item 9 2 or 3. "
    if any(s.asked is not None for s in signal.positive_item9):
        said += "A question of no scale answered in a scale's words is taken as PHQ-9 item 9. "
    return said


def _advice(ctx: RuleContext, signal: SuicideSignal, ward: bool) -> str:
    evaluate = (
        "involve the ward psychiatrist" if ward else "consider same-day psychiatric evaluation"
    )
    level = signal.level
    harm = [e for e in signal.open if e.kind is SignalKind.SELF_HARM]
    if level is SuicideLevel.UNASSESSED:
        escalated = [e for e in signal.urgent if e.escalate]
        if any(e.kind is SignalKind.ITEM9 for e in escalated):
            text = (
                f"{_epds_as_phq9(signal)}Answers of 'more than half the days' or 'nearly every "
                "day' carry a higher one-year risk of a suicide attempt (Simon 2013): assess "
                f"today, make a safety plan and {evaluate}."
            )
        elif harm and all(e.to_confirm for e in harm):
            # Words alone, no mapped code (review s26 RC finding 1): asking is safer than
            # missing an attempt, so the card stays, and says what to confirm.
            text = (
                "Self-harm, a suicide attempt or an overdose is recorded in text only (no mapped "
                "code): confirm with the patient and the visit record what happened and whether "
                f"it was intentional. Assess today, make a safety plan and {evaluate}."
            )
        elif harm and not any(e.escalate for e in harm):
            # Coded with undetermined intent (T43.224A; fhir_mapping/self_harm_intent.py): the
            # record could not settle the intent, so the card asks it, never claims an attempt
            # (review s26 UD finding 1).
            text = (
                "An overdose, poisoning or injury is coded with its intent undetermined: confirm "
                "with the patient and the visit record whether it was intentional. Assess today, "
                f"make a safety plan and {evaluate}."
            )
        elif harm:
            text = (
                "Recent self-harm or a suicide attempt is on record: assess today, make a safety "
                f"plan and {evaluate}."
            )
        else:
            text = "A positive screen calls for a structured assessment today (C-SSRS screener)."
        moved = transferred(signal)
        if moved is not None and moved.visit_disposition is not None:
            # What the visit's disposition changes: where the patient is (table note).
            went = moved.visit_disposition
            # A self-harm line still says what to confirm; the generic "assessment today"
            # line is what the transfer answers, so it goes.
            text = cards.join_sections(
                f"**{went.words[0].upper()}{went.words[1:]}:** {went.note}.",
                text if harm else "",
            )
        # Worded to hold on any screen: "suggestions on other cards" was
        # said on a screen with no other card (the item9_positive chart).
        caveat = "Item 9 alone is not a risk assessment, and a 0 does not rule risk out."
        if treated_for_depression(ctx):
            # Below every TMS clearance (under 15) TMS is no step to wait for (review s27 RC
            # finding 7: a 9-year-old read "start TMS only after this assessment").
            tms = (
                ""
                if young_age_treatments.tms_uncleared(youngest(ctx.record.patient.age))
                else " or start TMS"
            )
            caveat += f" Change medication{tms} only after this assessment."
        return cards.join_sections(text, caveat)
    if level is SuicideLevel.HIGH:
        return (
            "The assessment found suicidal intent, a plan or suicidal behaviour in the past 3 "
            "months, which the C-SSRS screener triage treats as high risk: "
            + (
                "psychiatric evaluation on the ward today"
                if ward
                else "same-day psychiatric evaluation"
            )
            + " and a safety plan. TMS is not the next step while the risk is acute."
        )
    if level is SuicideLevel.FOUND:
        return (
            "The assessment found current suicidal thoughts: keep a safety plan, follow up closely "
            "and reassess at each visit. Override with 'Under crisis team care' when a crisis "
            "team holds the plan."
        )
    lookback = ctx.policy.suicide_item9_lookback_days
    if level is SuicideLevel.UNREAD:
        if all_past(signal.unread):  # a past yes beside a current no (services/past_answers.py)
            return detail(ctx.policy, signal.unread)
        screens = [e.screen for e in signal.unread]  # each screen's item (PHQ-9 9, EPDS 10)
        later = self_harm_items.superseded_by(screens)  # "" for a C-SSRS result alone
        if all(e.doubt for e in signal.unread):
            # Review s27 RF finding 3: a readable item 9 below what its total proves.
            return (
                "The PHQ-9's total needs a higher item 9 than the answer on record (the other "
                "eight items score at most 24, Kroenke 2001), so the total or item 9 is wrong, "
                "and item 9 may be positive. Look at the form in the chart: "
                f"{self_harm_items.positive_clause(screens)}, complete a structured suicide "
                "risk assessment today (C-SSRS). The card goes once "
                f"{later} dated after that day, or an "
                "assessment on that day or later, is recorded, or after "
                f"{plural(risk_evidence.item9_window_days(ctx.policy), 'day')}."
            )
        if said := item9_absent.advice(list(signal.unread), ctx.record):
            # Declined or not asked (review K59b finding 7): nothing more is in the chart.
            return (
                f"{said} The card goes once "
                + (f"{later} dated after that day, or " if later else "")
                + "an assessment on that day or later, is recorded, or after "
                f"{plural(risk_evidence.item9_window_days(ctx.policy), 'day')}."
            )
        return (
            "The answer is on record but the service could not read it (a code it does not "
            "know, a value out of range, or text that is not a number), so it may be positive. "
            f"Look at it in the chart: {self_harm_items.positive_clause(screens)}, complete a "
            "structured suicide risk assessment today (C-SSRS). The card goes once "
            + (f"{later} dated after that day, or " if later else "")
            + "an assessment on that day or later, is recorded, or after "
            f"{plural(risk_evidence.item9_window_days(ctx.policy), 'day')}."
        )
    if level is SuicideLevel.RESCREENED:
        window = max(lookback, ctx.policy.suicide_unassessed_item9_days)
        return (
            f"This answer is older than the {lookback}-day look-back and a later PHQ-9 answered "
            "item 9 = 0, so it is no longer an urgent signal. But no suicide risk assessment "
            "followed it: item 9 alone is not one, and a 0 does not rule risk out (Na et al., "
            "Mayo item 9 validation). Complete and record a structured assessment (C-SSRS); the "
            "card stays until one "
            f"is on record or the answer is more than {plural(window, 'day')} old."
        )
    return (
        "Assessed after the positive finding. Kept as information while it is within the "
        f"{lookback}-day look-back: a negative screen does not rule risk out (Na et al., Mayo). "
        "Reassess at each visit."
    )
