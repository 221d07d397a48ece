"""What the suicide-risk card (suicide_risk.py) says at each level of the signal (acute_risk.py):
the summary (`card_summary`: the finding it leads with and its date, worded by level and fitted
to the summary's length), the "Found" lines (`found_lines`: each finding and whether, when and
how it was assessed, never "assessed" for a later item 9 = 0) and the advice (`card_advice`).

Apart from the card because it is the card's wording only, read from the signal and the policy's
look-back days; what the card proposes (the assessment, the treatment while the risk is acute,
the quantity line) stays with the card.
"""

from __future__ import annotations

from fhir_mapping import epds_item10
from fhir_mapping.ages import youngest
from fhir_mapping.disposition_record import PSYCHIATRIC_TRANSFER
from fhir_mapping.record import CurrentStay, FindingKind, Role
from services import acute_risk, cards, risk_evidence, self_harm_items, young_age_treatments
from services.acute_risk import RiskEvent, SignalKind, SuicideLevel, SuicideSignal
from services.card_format import plural, record_cite
from services.past_answers import all_past, detail
from services.rules.context import RuleContext


def lead_event(events: tuple[RiskEvent, ...]) -> RiskEvent:
    """The finding a summary leads with: escalated first, then the strongest, then the latest."""
    return max(events, key=lambda e: (e.escalate, e.weight, e.day.toordinal() if e.day else 0))


def _psychiatric_stay(ctx: RuleContext) -> CurrentStay | None:
    """The latest psychiatric stay in progress, or None. A medical stay in progress (a
    pneumonia) is not one: its ward has no psychiatrist of its own, so the card keeps asking
    for a same-day psychiatric evaluation there (review 16 second recheck c01b)."""
    # Not a stay the patient has visibly left (outpatient visits since: review 17 recheck R2).
    stays = [s for s in ctx.record.current_stays if s.psychiatric and not s.contradicted]
    return stays[-1] if stays else None


def on_ward(ctx: RuleContext) -> bool:
    """A psychiatric stay is in progress (fhir_mapping/admissions.py `read_current_stays`): the
    assessment is the ward's today, not a "same-day psychiatric evaluation" to arrange for an
    outpatient (review 16 second recheck c02)."""
    return _psychiatric_stay(ctx) is not None


def stay_words(ctx: RuleContext) -> str:
    """ "Currently admitted (psychiatric) since 2025-05-26" (the Encounter's id only when the
    stay has no start: cards.record_cite) for the card's advice, or "" when no psychiatric stay is in progress."""
    stay = _psychiatric_stay(ctx)
    if stay is None:
        return ""
    since = f" since {stay.start.isoformat()}" if stay.start else ""
    where = record_cite(stay.source, stay.start is not None, " [{}]")
    # The class word of a stay that is not an admission (review s27 K2 finding 5).
    head = (
        f"{stay.stay_word[0].upper()}{stay.stay_word[1:]} in progress"
        if stay.stay_word
        else "Currently admitted"
    )
    return f"**{head} (psychiatric){since}**{where}: assess on the ward today."


def transferred(signal: SuicideSignal) -> RiskEvent | None:
    """The finding an unassessed card leads with when its visit ended in a transfer to a
    psychiatric facility (HL7 discharge disposition `psy`: fhir_mapping/discharge_disposition.py),
    else None. The patient left the ED for psychiatric inpatient care, so the card does not ask
    the clinic to "complete a suicide risk assessment today" as if the patient were in front of
    it: it says where the patient went and asks to confirm with the receiving unit (review s27
    RE finding 6). It stays critical and keeps holding the outpatient steps: nothing on record
    says the risk was assessed."""
    if signal.level is not SuicideLevel.UNASSESSED:
        return None
    event = lead_event(_unassessed(signal))
    found = event.visit_disposition
    return event if found is not None and found.kind == PSYCHIATRIC_TRANSFER else None


def _unassessed(signal: SuicideSignal) -> tuple[RiskEvent, ...]:
    return tuple(e for e in signal.urgent if e.kind is not SignalKind.SCREEN or not e.assessed)


def card_summary(signal: SuicideSignal, *, ward: bool = False) -> str:
    """The card's summary; `ward`: a psychiatric stay is in progress (`on_ward`), so a high
    risk asks for the ward's psychiatric evaluation today, not a same-day one to arrange."""
    level = signal.level
    if level is SuicideLevel.UNASSESSED:
        event = lead_event(_unassessed(signal))
        head = f"{event.short}{event.at()}"
        if event.visit_disposition is not None and transferred(signal) is not None:
            went = event.visit_disposition.words
            return cards.fit_summary(
                f"{head}, {went}: confirm with the receiving unit before outpatient steps",
                f"{head}, {went}: confirm with the receiving unit",
                f"{event.short}, {went}: confirm with the receiving unit",
            )
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
        event = lead_event(tuple(e for e in signal.open if e.escalate))
        if ward:
            return cards.fit_summary(
                f"{event.short}{event.at()}: high suicide risk, psychiatric evaluation on the "
                "ward today and safety plan",
                f"{event.short}{event.at()}: high suicide risk, evaluate on the ward today",
                "C-SSRS found high suicide risk: psychiatric evaluation on the ward today",
            )
        return cards.fit_summary(
            f"{event.short}{event.at()}: high suicide risk, same-day psychiatric evaluation and "
            "safety plan",
            f"{event.short}{event.at()}: high suicide risk, evaluate today",
            "C-SSRS found high suicide risk: same-day psychiatric evaluation",
        )
    if level is SuicideLevel.FOUND:
        event = lead_event(signal.open)
        return cards.fit_summary(
            f"{event.short}{event.at()}: risk assessed; keep a safety plan and follow up closely",
            f"{event.short}{event.at()}: risk assessed; safety plan and follow-up",
            "Suicidal thoughts found on assessment: safety plan and follow-up",
        )
    if level is SuicideLevel.RESCREENED:
        event = lead_event(signal.lowered)
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
        # `short` names the screen and its item (PHQ-9 item 9; the Found line has the id).
        unread = event.short
        if event.doubt:  # an item 9 its total contradicts (review s27 RF finding 3)
            return cards.fit_summary(
                acute_risk.unread_line(event),
                f"{unread}: check the form; if item 9 is "
                f"{self_harm_items.of(event.screen).positive_short}, assess suicide risk today",
                f"{unread}: check the form",
            )
        # The action stays whole, the lead gives up words (RiskEvent.terse; review s27 K3 f. 7).
        act, brief = acute_risk.unread_acts(event)  # a past answer: ask about now
        return cards.fit_summary(
            acute_risk.unread_line(event),
            *(f"{lead}: {act}" for lead in (unread, *event.terse)),
            f"{unread}: {brief}",
        )
    event = lead_event(signal.signals)
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
        where = record_cite(again.source, True, " [{}]")  # named by its day
        return (
            f"not yet assessed: a later {again.text} on {again.day.isoformat()}{where}; no risk "
            "assessment on record"
        )
    if signal.older(event):
        later = _later_answer(signal, event)
        if later is not None:
            # Review 19 (b03): item 9 was answered again since (a QuestionnaireResponse's answer
            # as much as an Observation's: every reading of item 9 is a signal event), positive:
            # "no later item 9 answer" was false; the later answer is its own Found line.
            return (
                f"not yet assessed: a later {later.short}{later.at()}; no risk assessment on record"
            )
        return "not yet assessed: no risk assessment and no later item 9 answer on record"
    return "not yet assessed"


def _later_answer(signal: SuicideSignal, event: RiskEvent) -> RiskEvent | None:
    """The latest item 9 answer after `event` among the signal's own (a positive one; a later 0
    is `SuicideSignal.rescreen`, an unreadable one an UNREAD event), or None."""
    day = event.day
    later = [
        e
        for e in signal.signals
        if e.kind in (SignalKind.ITEM9, SignalKind.UNREAD)
        and day is not None
        and e.day is not None
        and e.day > day
    ]
    return later[-1] if later else None


def found_lines(signal: SuicideSignal) -> list[str]:
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
        # The record by its id only when it has no readable day (cards.record_cite, session 20).
        where = record_cite(event.source, event.day is not None, " [{}]")
        # "in 2026-11 (month only)" for a partial date (review s23 RT finding 3).
        word = "in" if event.written is not None else "on"
        when = "" if event.dated else f" {word} {event.when()}"
        lines.append(f"- {event.text}{when}{where}: {state}")
    return lines


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
