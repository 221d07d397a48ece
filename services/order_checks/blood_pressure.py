"""An SNRI, bupropion or esketamine drafted with uncontrolled blood pressure (review 13 W6;
services/blood_pressure.py): a warning at the order hooks. The labels' words are "control
pre-existing hypertension before initiating" (venlafaxine, levomilnacipran, milnacipran,
desvenlafaxine) and "assess blood pressure before initiating" (duloxetine, bupropion): the order
is the moment they speak of. Esketamine (an adjunct, Role.AUGMENTATION) is checked too (review
18b W3): its label's blood-pressure warning applies to every dose, and "assess blood pressure
prior to dosing" makes the order the moment to say it (its row's `at_order` says what to do).
Which drugs are checked is the table's rows, for an antidepressant or an adjunct draft alike. Not
snoozable (a safety check of one order). No readings, or a `vitals` key not sent: no card (the
data gap is named only on the blood-pressure cards, which are the ones blood pressure could
change: services/data/topic_data.csv).

A drug whose label draws a line for the reading before each dose (esketamine: above 140/90, the
row's `pre_dose_systolic` / `pre_dose_diastolic`) is also checked on its latest reading alone
(blood_pressure.pre_dose_high; review K35c finding 1: 165/100 before a session, the reading
before it normal, gave no card). The two-reading card, when it applies, says more and is the one.
"""

from __future__ import annotations

from fhir_mapping.record import DraftOrder, Role
from services import blood_pressure, order_doses
from services.order_checks.model import OrderCheck
from services.rules.context import RuleContext

TOPIC = "order-blood-pressure"


_DEFAULT_ADVICE = (
    "Treat the blood pressure before starting it, or choose an antidepressant with no "
    "blood-pressure warning; if it is started, check blood pressure within the first weeks and "
    "after each raise"
)


def _advice(caution: blood_pressure.BpCaution) -> str:
    """What the card advises: the row's own `at_order` words, else the oral antidepressants'."""
    return caution.at_order or _DEFAULT_ADVICE


def blood_pressure_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    if draft.role is Role.INTERACTING:
        return None
    caution = blood_pressure.caution_for(draft.ingredient)
    if caution is None:
        return None
    pair = blood_pressure.uncontrolled(ctx.record, ctx.policy)
    if pair is None:
        return _pre_dose_check(ctx, draft, caution)
    name = draft.ingredient.capitalize()
    latest = pair[0]
    summary = order_doses.dosed_summary(
        draft,
        f"{name} ordered with blood pressure {latest.text()} and the reading before also high: "
        "control it first",
        f"{name} ordered with uncontrolled blood pressure ({latest.text()}): control it first",
        f"{name} ordered with uncontrolled blood pressure: control it first ({caution.cite})",
    )
    detail = (
        f"**Blood pressure:** the last two readings, {blood_pressure.readings_text(pair)}, are "
        f"both at or above {blood_pressure.line_words(ctx.policy)}, the line this clinic reads "
        "as uncontrolled (ACC/AHA 2017 stage 2 hypertension starts at 140/90).\n\n"
        f"{name} {caution.says} ({caution.cite}{caution.flag}). {_advice(caution)}."
    )
    return OrderCheck(TOPIC, draft, summary, detail, basis=(caution.cite,))


def _pre_dose_check(
    ctx: RuleContext, draft: DraftOrder, caution: blood_pressure.BpCaution
) -> OrderCheck | None:
    """One reading above the label's pre-dose line (esketamine): the reading, its date, the line."""
    latest = blood_pressure.pre_dose_high(ctx.record, caution, ctx.policy)
    if latest is None:
        return None
    name = draft.ingredient.capitalize()
    line = caution.pre_dose_words
    summary = order_doses.dosed_summary(
        draft,
        f"{name} ordered with blood pressure {latest.text()}, above the label's {line} "
        "before a dose: recheck first",
        f"{name} ordered with blood pressure above {line} ({latest.text()}): recheck first",
        f"{name} ordered with blood pressure above the label's line: recheck first",
    )
    detail = (
        f"**Blood pressure before a dose:** the latest reading, {latest.text()}, is above "
        f"{line}, the line the label gives for a raised blood pressure before a dose "
        f"({caution.cite}{caution.flag}).\n\n"
        f"{name} {caution.says}; {caution.if_running}. Recheck it before the dose; a "
        "clinician weighs whether the session goes ahead."
    )
    return OrderCheck(TOPIC, draft, summary, detail, basis=(caution.cite,))
