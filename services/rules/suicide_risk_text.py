"""What the suicide-risk card (suicide_risk.py) says at each level of the signal (acute_risk.py):
the summary (`card_summary`: the finding it leads with and its date, worded by level and fitted
to the summary's length), the "Found" lines (`found_lines`: each finding and whether, when and
how it was assessed, never "assessed" for a later item 9 = 0) and the advice (`card_advice`:
suicide_risk_advice.py, split out in session 37 to keep this module under 400 lines).

Apart from the card because it is the card's wording only, read from the signal and the policy's
look-back days; what the card proposes (the assessment, the treatment while the risk is acute,
the quantity line) stays with the card.
"""

from __future__ import annotations

from fhir_mapping.disposition_record import PSYCHIATRIC_TRANSFER
from fhir_mapping.record import CurrentStay
from services import acute_risk, cards, self_harm_items
from services.acute_risk import RiskEvent, SignalKind, SuicideLevel, SuicideSignal
from services.card_format import record_cite
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
