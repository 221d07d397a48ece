"""The optimise card's drug proposals held while the suicide-risk card asks for a step first: an
acute signal (audit 13 WRONG 3) or a self-harm answer on record that could not be read (review s23
RO finding 1). One place for both: the card's first line says why, the proposals stay named as
text (one_click_hold), and the summary names the reason.

Acute (not yet assessed, or assessed as high risk), or a recent psychiatric discharge nobody
assessed since (one rule keyed on the card's "assess today": services/suicide_today.py; review
s26 RK2 finding 2, where a discharge alone held nothing): the suicide-risk card says "Change medication
or start TMS only after this assessment" and an acute signal removes the TMS card
(tms_gate.blocks_tms): a one-click adjunct or dose change here would go ahead of it (audit 13
WRONG 3, d10). The ECT referral stays one click: ECT is one of the first options while the risk is
acute (that card's own line).

Unread (`SuicideSignal.unread` open, nothing acute): an Oracle item 9 answered with a nomenclature
code the service does not know was taken as "recorded" by the hold for a PHQ-9 with no item 9
(services/item9_unrecorded.py), and the suicide-risk card's UNREAD level held nothing:
aripiprazole and brexpiprazole stayed one click beside "check it in the chart today, alongside
any change in treatment". The same chart with item 9 left out held them, and with the answer
readable as 2 it raised the critical card: the unreadable answer was the most lenient of the
three. An answer that cannot be read is unknown, and a new drug one click away (an
antipsychotic; a tricyclic or an MAOI, lethal in overdose: data/overdose_toxicity.csv) waits for
it to be looked at in the chart, or for a risk assessment (the safer choice: the look costs a
minute, an unseen positive answer may cost a life). Psychotherapy, ECT and the TMS referral add
no means of overdose and stay one click (one_click_hold.orders_a_drug). An unread answer past the
suicide-risk window is the item-9 line's (item9_unrecorded.py).
"""

from __future__ import annotations

from fhir_mapping.record import PatientRecord
from services import item9_absent, past_answers, suicide_today
from services.psychiatric_discharge import recent_discharge
from services.recommendation import Recommendation, Suggestion
from services.risk_signal import SuicideLevel, SuicideSignal
from services.rules import one_click_hold
from services.rules.context import RuleContext
from services.self_harm_items import named, of

ACUTE_HELD_BY = "suicide risk assessment first"


def unread_holds(signal: SuicideSignal | None) -> bool:
    """An unreadable self-harm answer is open and nothing acute holds the proposals already."""
    return signal is not None and not signal.acute and bool(signal.unread)


def today_holds(ctx: RuleContext) -> bool:
    """The suicide-risk card asks for an assessment before any change of treatment: an acute
    signal or a recent psychiatric discharge nobody assessed since (services/suicide_today.py)."""
    return suicide_today.holds(ctx.facts.suicide, recent_discharge(ctx.record, ctx.policy))


def _acute_head(signal: SuicideSignal | None) -> str:
    if signal is not None and signal.level is SuicideLevel.HIGH:
        return (
            "**Suicide risk card open (high risk found):** same-day psychiatric evaluation and a "
            "safety plan before changing treatment"
        )
    return "**Suicide risk card open:** assess risk before changing treatment"


def _doubt(signal: SuicideSignal) -> bool:
    """Every open unread event is a readable item 9 its own total contradicts (review s27 RF
    finding 3: risk_events.doubt_event): worded as that, never "could not be read"."""
    return all(e.doubt for e in signal.unread)


def _unread_head(signal: SuicideSignal, record: PatientRecord) -> str:
    if _doubt(signal):
        return (
            "**Suicide risk card open:** the PHQ-9 total needs a higher item 9 than the answer "
            "on record: check the form before changing treatment (if item 9 is positive, "
            "assess suicide risk today)"
        )
    if past_answers.all_past(signal.unread):  # a past yes beside a current no (net32)
        return past_answers.head(signal.unread)
    if (absent := item9_absent.only(signal.unread, record)) is not None:
        # Declined or not asked (dataAbsentReason): the chart holds nothing more to check, so
        # the line says what the suicide-risk card says (fix data66 item 2).
        return (
            f"**Suicide risk card open:** {_item(signal)} {absent.said}: {absent.act} before "
            "changing treatment"
        )
    item = named(e.screen for e in signal.unread)  # "an item 9", "an EPDS item 10"
    return (
        f"**Suicide risk card open:** {item} answer could not be read: check it in the chart "
        "before changing treatment (if it is positive, assess suicide risk today)"
    )


def _item(signal: SuicideSignal) -> str:
    """ "PHQ-9 item 9", "EPDS item 10"; "self-harm answer" for more than one screen's."""
    screens = list(dict.fromkeys(e.screen for e in signal.unread))
    return of(screens[0]).full if len(screens) == 1 else "self-harm answer"


def _unread_held_by(signal: SuicideSignal, record: PatientRecord) -> str:
    """ "PHQ-9 item 9 not read, check it first" (the summary's reason: one_click_hold);
    "PHQ-9 item 9 declined, ask it first" (item9_absent.py)."""
    if past_answers.all_past(signal.unread):
        return past_answers.HELD_BY
    item = _item(signal)
    if _doubt(signal):
        return f"{item} below its total, check it first"
    if (absent := item9_absent.only(signal.unread, record)) is not None:
        return f"{item} {absent.said}, ask it first"
    return f"{item} not read, check it first"


def unread_item(signal: SuicideSignal) -> str:
    """ "item 9", "EPDS item 10", "C-SSRS": the unread answer's item as a step names it (the
    TMS card's "check item 9 first"); "the self-harm answers" when more than one screen's."""
    screens = list(dict.fromkeys(e.screen for e in signal.unread))
    return of(screens[0]).named if len(screens) == 1 else "the self-harm answers"


def _line(head: str, held: list[Suggestion]) -> str:
    if not held:
        return head + "."
    return f"{head}; not one click until then: {'; '.join(s.label for s in held)}."


def hold(ctx: RuleContext, rec: Recommendation | None) -> Recommendation | None:
    """`rec` (the optimise card) with its drug proposals as text under the line while the signal
    is acute or an unread answer is open (module docstring); else `rec` as it is."""
    signal = ctx.facts.suicide
    if rec is None:
        return rec
    if today_holds(ctx):
        head, held_by = _acute_head(signal), ACUTE_HELD_BY
    elif signal is not None and unread_holds(signal):
        head, held_by = _unread_head(signal, ctx.record), _unread_held_by(signal, ctx.record)
    else:
        return rec
    return one_click_hold.hold_drug_orders(
        [rec], lambda held: _line(head, held), held_by=held_by, whole=True
    )[0]
