"""The QTc an order check could not compare (split from qtc.py by idea): an ECG that reports no
QTc, a QTc no heart can have as sent, a value this service cannot read. Each is said, never
silence (issue 10): the order's QTc check was not done, and why."""

from __future__ import annotations

from fhir_mapping.labs import ECG_WITHOUT_QTC
from fhir_mapping.record import DataDomain, DraftOrder, LabResult
from services import lab_safety
from services.order_checks.ecg_measured import measured_text
from services.order_checks.model import OrderCheck
from services.order_checks.qt_pair import Subject
from services.order_checks.qtc_entry import implausible_sent
from services.recommendation import Indicator
from services.rules.context import RuleContext

QTC = "order-qtc"


def no_qtc_reported(ctx: RuleContext, lab: LabResult) -> bool:
    """The result is an ECG panel with no QTc (fhir_mapping/labs.py names it with a gap of
    ECG_WITHOUT_QTC), not a QTc whose value could not be read."""
    return lab.source is not None and any(
        gap.source == lab.source and gap.reason == ECG_WITHOUT_QTC
        for gap in ctx.record.gaps_in(DataDomain.QTC)
    )


def unread(ctx: RuleContext, lab: LabResult) -> str:
    """ "ECG of 2025-05-20 reports no QTc"; "QTc of 2025-05-20 could not be read": named by its
    day, never its resource id (a result is always dated: session 21)."""
    day = lab.date.isoformat()
    if no_qtc_reported(ctx, lab):
        return f"ECG of {day} reports no QTc"
    return f"QTc of {day} could not be read"


def not_compared(
    ctx: RuleContext,
    draft: DraftOrder,
    subject: Subject,
    lab: LabResult,
    earlier: LabResult | None,
) -> OrderCheck:
    """The latest QTc has neither a value in a unit the table knows nor the lab's own flag (an
    ECG whose QTc component is not a number, or an ECG with no QTc at all: also a DataGap, named
    on this card): the check was not done, and saying nothing would read as "QTc fine" (issue
    10, never silent). No QTc is computed from an ECG's QT and heart rate (review 9 finding 2:
    never more than the ECG reported). `earlier`: the latest readable QTc before it, in the
    window and below both lines, named so the clinician sees what is known."""
    name = draft.ingredient.capitalize()
    day = lab.date.isoformat()
    rule = subject.stop or subject.caution
    bound = f" (above {rule.bounds()} {rule.says})" if rule is not None else ""
    # A partner draft: the check it did not get is that of the pair.
    what = f"{draft.ingredient} order"
    what += "" if subject.drafted else f" beside {subject.ingredient}"
    before = f" The QTc before it: {lab_safety.text(earlier)}." if earlier is not None else ""
    measured = measured_text(lab.reported)
    if no_qtc_reported(ctx, lab):
        return OrderCheck(
            QTC,
            draft,
            f"{name} order: QTc of {day} not compared, the ECG reports no QTc",
            f"The latest ECG on record, of {day}, reports no QTc, so the QTc check of this "
            f"{what}{bound} was not done. {measured}{before} Read the QTc on "
            "the tracing before ordering.",
            indicator=Indicator.INFO,
        )
    if (sent := implausible_sent(ctx, lab)) is not None:
        # A QTc no heart can have, as sent ("4950 ms": a slipped decimal of 495) at an order of
        # a QT-caution drug: a decisive gap, a warning naming it, as an implausible sodium is at
        # an SSRI order (labs35 item 2; it was information, "its value could not be read").
        return OrderCheck(
            QTC,
            draft,
            f"{name} order: QTc {sent} outside what a QTc can be: check the entry before ordering",
            f"The latest QTc on record, {sent} as sent, is outside what a QTc can be (a slipped "
            f"decimal or a wrong unit), so it is not compared and the QTc check of this {what}"
            f"{bound} was not done.{before} Check the entry and read the QTc on the ECG before "
            "ordering.",
        )
    return OrderCheck(
        QTC,
        draft,
        f"{name} order: QTc of {day} not compared, its value could not be read",
        f"The latest QTc on record ({lab_safety.text(lab)}) has no value this service can "
        f"compare, so the QTc check of this {what}{bound} was not done."
        f"{' ' + measured if lab.reported else ''}{before} Read the QTc on the ECG before "
        "ordering.",
        indicator=Indicator.INFO,
    )
