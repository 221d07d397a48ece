"""The QTc check of a citalopram, escitalopram or other QT-relevant order: the latest QTc against
the stop and caution lines of data/lab_safety.csv, an ECG whose QTc cannot be compared (with what
it did report), the QT-prolonging partner drugs running, and the age-limit card's line
(`qtc_line`). labs.py's docstring says what each card says and why."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import partial

from fhir_mapping.record import DraftOrder, LabResult
from services import cards, lab_safety
from services.interaction_takings import on_order
from services.lab_safety import LabRule
from services.order_checks import qt_pair
from services.order_checks.model import OrderCheck
from services.order_checks.qt_pair import Subject
from services.order_checks.qtc_age_line import age_line
from services.order_checks.qtc_entry import implausible_sent
from services.order_checks.qtc_unread import QTC as QTC
from services.order_checks.qtc_unread import no_qtc_reported, not_compared, unread
from services.order_checks.recent_labs import not_checked as _not_checked
from services.order_doses import dosed_summary, draft_named, undosed
from services.recommendation import Indicator
from services.rules import running_qtc
from services.rules.context import RuleContext


def _stop_line(rule: LabRule) -> str:
    """What follows "<Drug> prolongs the QT interval" on a stop card: the row's own label line
    (data/lab_safety.csv `stop_line`, gepirone: no claim of dose dependence its sources do not
    make), else citalopram's discontinuation line, which the escitalopram row borrows."""
    own = rule.stop_line
    if own:
        return f"({rule.effect_cite}); {own.format(bounds=rule.bounds())}"
    return (
        f"dose-dependently ({rule.effect_cite}); the citalopram label says to discontinue it in "
        f"patients with persistent QTc measurements above {rule.bounds()}"
    )


def qtc_check(
    ctx: RuleContext, draft: DraftOrder, selected: Sequence[DraftOrder] = ()
) -> OrderCheck | None:
    """`selected`: the drafts the hook checks (a QT pair of two drafts is said once: qt_pair)."""
    found = _qtc_card(ctx, draft, selected)
    line = age_line(ctx, draft) if found is not None else None
    if found is None or line is None:
        return found
    return dataclasses.replace(found, detail=cards.join_sections(found.detail, line))


def _qtc_card(
    ctx: RuleContext, draft: DraftOrder, selected: Sequence[DraftOrder] = ()
) -> OrderCheck | None:
    """The QT pair's card, whichever side is drafted (qt_pair.py): the draft with a QTc row of
    its own (naming the QT-prolonging drafts beside it), else a QT-prolonging draft judged by
    the running drug that has one, or by an unselected draft that has one."""
    stop, caution = qt_pair.rules_of(draft.ingredient, draft.drug_class)
    if stop is not None or caution is not None:
        beside = qt_pair.drafted_partners(ctx, draft)
        if not lab_safety.qtc_missing(ctx.record) and qt_pair.said_by_partner(
            ctx, draft, beside, selected
        ):
            return None  # two drafts with QTc lines: the pair once, on its lead's card
        return _judged(
            ctx,
            draft,
            qt_pair.Subject(draft.ingredient, draft.drug_class, stop, caution, beside=beside),
        )
    for subject in qt_pair.running_subjects(ctx, draft, selected):
        found = _judged(ctx, draft, subject)
        if found is not None:
            return found
    return None


def _judged(ctx: RuleContext, draft: DraftOrder, subject: Subject) -> OrderCheck | None:
    lab = lab_safety.deciding(ctx.record, "qtc")
    if lab is None or not lab_safety.is_recent(ctx.record, ctx.policy, lab):
        if lab_safety.qtc_missing(ctx.record):
            return _not_checked(ctx, QTC, draft, "QTc")
        # The drafted antidepressant's "no QTc read" line rides on its first card
        # (unread_labs.py); a partner draft has no other card to carry it, and a pair of drafts
        # is named on the subject's own (review s23 RD leftover 2).
        if subject.drafted:
            return qt_pair.unread_drafted_card(ctx, draft, subject)
        return qt_pair.unread_card(ctx, subject)
    if lab_safety.readable(lab):
        return _with_partners(ctx, subject, _qtc_compared(draft, subject, lab))
    # The latest QTc cannot be compared (an ECG that reports none, a QTc sent as text). A
    # readable one before it, in the window, is still compared: a later ECG without a QTc must
    # not turn an earlier QTc above 500 ms into an information card (safer: that QTc is the
    # best evidence on record). The card then names the later one as well.
    earlier = lab_safety.latest_readable(ctx.record, "qtc")
    if earlier is not None and not lab_safety.is_recent(ctx.record, ctx.policy, earlier):
        earlier = None
    if earlier is not None:
        found = _qtc_compared(draft, subject, earlier, later=unread(ctx, lab))
        if found is not None:
            return _with_partners(ctx, subject, found)
    return not_compared(ctx, draft, subject, lab, earlier)


def _qtc_compared(
    draft: DraftOrder,
    subject: Subject,
    lab: LabResult,
    *,
    later: str | None = None,
) -> OrderCheck | None:
    """The card of a QTc above the subject's stop or caution line, else None. `later`: how a
    later QTc that could not be compared is named, when `lab` is the latest that could."""
    stop, caution = subject.stop, subject.caution
    name = subject.name
    shown = lab_safety.text(lab)
    latest = "The latest QTc" if later is None else "The latest QTc that could be read"
    then = "" if later is None else f" The later {later}: read it on the tracing."
    # The drafted drug's own card ("Citalopram with QTc ..."), or the partner's ("Ondansetron
    # ordered: QTc ... with citalopram running", as the chart-open card words the pair).
    head = (
        f"{name} with QTc {shown}"
        if subject.drafted
        else f"{draft.ingredient.capitalize()} ordered with QTc {shown} and {subject.ingredient} "
        f"{subject.where}"
    )
    running = "" if subject.drafted else f" ({subject.where})"
    # The drafted drug with its dose in the detail, whether or not the summary had room for it.
    named = draft_named(draft) if subject.ingredient == draft.ingredient else name
    # The dose leads only the drafted drug's own card; a partner draft's (ondansetron beside
    # citalopram) keeps its room for the QT drug's stop line.
    fit = partial(dosed_summary, draft) if named != name else cards.fit_summary
    if stop is not None and lab_safety.above(stop, lab):
        advice = (
            "Choose another antidepressant, or repeat the ECG before deciding."
            if subject.drafted
            else f"{qt_pair.partner_text(subject)}, adding to it: choose a drug that does not "
            f"prolong the QT interval, or repeat the ECG and review {subject.ingredient} before "
            "deciding."
        )
        return OrderCheck(
            QTC,
            draft,
            fit(
                f"{head}: {stop.beyond(lab)}, where {_says(stop, subject)}",
                f"{head}: {stop.beyond(lab)}",
            ),
            f"{latest} is {shown}.{then} {named}{running} prolongs the QT interval "
            f"{_stop_line(stop)} ({stop.cite}){_unverified_for(stop, subject)}. {advice}"
            f"{subject.unconfirmed}",
            indicator=Indicator(stop.indicator) if stop.indicator else None,  # s24 RB 10
        )
    if caution is not None and lab_safety.above(caution, lab):
        # Above the middle band (qtc-warning, 480 ms, ICH E14: review s24 RM finding 3) a
        # warning naming the stop line it is close to; above the caution line only, information.
        band = qt_pair.warning_band(subject, lab)
        line = band or caution
        near = (
            f", close to the {stop.bounds()} line where {_says(stop, subject)}"
            if band and stop
            else ""
        )
        advice = (
            (
                "prefer an antidepressant that does not prolong the QT interval, or repeat the ECG "
                "before deciding."
                if band
                else "use the lowest effective dose and repeat the ECG."
            )
            if subject.drafted
            else "repeat the ECG before adding to it. "
            f"{qt_pair.partner_text(subject)}: prefer a drug that does not prolong the QT "
            "interval."
        )
        return OrderCheck(
            QTC,
            draft,
            fit(
                f"{head}: {line.beyond(lab)}{near}",
                f"{head}: {line.beyond(lab)}",
                head,
            ),
            f"{latest} is {shown}, {line.beyond(lab)} ({line.cite}"
            f"{', UNVERIFIED' if line.status == 'UNVERIFIED' else ''}){near}.{then} {named}{running} "
            # A row's own clause (data/lab_safety.csv `stop_line` of a caution row: trazodone,
            # mirtazapine, whose labels claim no dose dependence), else citalopram's.
            f"{caution.stop_line or 'prolongs the QT interval dose-dependently'} "
            f"({caution.effect_cite}): {advice}{subject.unconfirmed}",
            indicator=None if band else Indicator.INFO,  # None: the topic's warning
        )
    if stop is not None and lab_safety.by_flag(lab) and lab.flag == "high":
        # Flagged high by the lab, its value in no unit read (a QTc of 0.48 with no unit), and
        # no caution line for the flag to reach (gepirone): the stop line may be passed, so the
        # card says it was not compared rather than nothing (labs32 item 3, never silent).
        return OrderCheck(
            QTC,
            draft,
            fit(
                f"{head}: {stop.beyond(lab)}, where {_says(stop, subject)}",
                f"{head}: {stop.beyond(lab)}",
                head,
            ),
            f"{latest} is {shown}, {stop.beyond(lab)}.{then} {named}{running} prolongs the QT "
            f"interval {_stop_line(stop)} ({stop.cite}). Read the QTc and its unit on the "
            f"tracing before deciding.{subject.unconfirmed}",
        )
    lowest = caution or stop
    if lowest is not None and lab_safety.called_critical(lowest, lab):
        # Under every line by its value, but the lab called it critical (AA or HH; labs38
        # item 1: a QTc of 440 ms flagged "Critical" beside a gepirone order said nothing): the
        # lab may have read the tracing or a range of its own, so the ECG is read first.
        called = lab_safety.called_words(lowest, lab)
        if stop is not None:
            prolongs = f"prolongs the QT interval {_stop_line(stop)} ({stop.cite})"
        else:  # a caution row only (trazodone, mirtazapine): its own clause, as above
            prolongs = (
                f"{lowest.stop_line or 'prolongs the QT interval dose-dependently'} "
                f"({lowest.effect_cite})"
            )
        return OrderCheck(
            QTC,
            draft,
            fit(f"{head}: {called}: read the ECG first", f"{head}: {called}", head),
            f"{latest} is {shown}, {called}.{then} {named}{running} {prolongs}. Read the ECG "
            f"and the lab's report before deciding.{subject.unconfirmed}",
        )
    return None


def _says(stop: LabRule, subject: Subject) -> str:
    """The stop row's words, its "it" named when the card leads with the partner draft ("where
    the label says to stop citalopram", not "it" beside "Ondansetron ordered")."""
    if subject.drafted or not stop.says.endswith(" it"):
        return stop.says
    return f"{stop.says.removesuffix(' it')} {subject.ingredient}"


def _with_partners(
    ctx: RuleContext, subject: Subject, found: OrderCheck | None
) -> OrderCheck | None:
    """The QTc card with the other QT-prolonging drugs running named (review 12 c3:
    citalopram 40 mg with ondansetron and a QTc of 478 ms): the combination is the risk factor
    (Wenzel-Seifert 2011, as the chart-open card says), so a caution-line card with one of them
    running, or drafted beside a running subject, is a warning, not information. Each drug with
    why it is listed."""
    if found is None:
        return None
    beside = [
        d
        for d in running_qtc.running_beside(ctx, subject.ingredient)
        if subject.partner is None or d.taking.ingredient != subject.partner.ingredient
    ]
    raised = found.indicator if found.indicator is Indicator.CRITICAL else None  # kept, not lowered
    if not subject.drafted:
        # The partner draft is named in the card's own text; the other drugs running, if any.
        found = dataclasses.replace(found, indicator=raised)
    if subject.beside:
        # QT-prolonging drafts beside the drafted subject (review s23 RD leftover 2): the pair
        # of two drafts, said on this card, a warning as with a running partner.
        drafted = on_order(list(subject.beside))
        names = cards.and_list([t.ingredient for t in drafted])
        lines = "\n".join(f"- {t.text()}: {qt_pair.partner_why(t.ingredient)}." for t in drafted)
        found = dataclasses.replace(
            found,
            summary=cards.fit_summary(  # the other QT drug before the dose, when not both
                *(
                    f"{s}; {names} on this order"
                    for s in (found.summary, undosed(found.draft, found.summary))
                ),
                found.summary,
            ),
            detail=cards.join_sections(
                found.detail,
                "**Also on this order, each prolonging the QT interval** (more than one such "
                f"drug is a risk factor for torsades):\n{lines}",
            ),
            indicator=raised,
        )
    if not beside:
        return found
    names = cards.and_list([d.taking.ingredient for d in beside])
    lines = "\n".join(f"- {d.taking.text()}: {d.why}." for d in beside)
    also = "; also " if not subject.drafted or subject.beside else "; "
    return dataclasses.replace(
        found,
        summary=cards.fit_summary(  # the drug running before the dose, when not both
            *(
                f"{s}{also}{names} running"
                for s in (found.summary, undosed(found.draft, found.summary))
            ),
            found.summary,
        ),
        detail=cards.join_sections(
            found.detail,
            "**Also running, each prolonging the QT interval** (more than one such drug is a "
            f"risk factor for torsades):\n{lines}",
        ),
        indicator=raised,  # the topic's warning, also for a caution line; critical kept
    )


def qtc_line(ctx: RuleContext, ingredient: str, drug_class: str) -> str | None:
    """What the QTc check of an `ingredient` order would say, in one short clause, for the
    age-limit card (services/rules/age_dose_limit.py) to name it: "QTc 470 ms on 2025-05-20,
    above 450 ms"; "QTc 520 ms on 2025-05-20, above 500 ms, where the label says to stop it";
    "QTc of 2025-05-20 not compared: the ECG reports no QTc". None when that check would raise no
    card from a result (no QTc rule for the drug, no recent QTc, one below both lines). The same
    results as `_qtc_card`: the deciding QTc, else the latest readable one in the window."""
    stop = lab_safety.rule_for("qtc-stop", ingredient, drug_class)
    caution = lab_safety.rule_for("qtc-caution", ingredient, drug_class)
    if stop is None and caution is None:
        return None
    lab = lab_safety.deciding(ctx.record, "qtc")
    if lab is None or not lab_safety.is_recent(ctx.record, ctx.policy, lab):
        return None
    readable = lab if lab_safety.readable(lab) else lab_safety.latest_readable(ctx.record, "qtc")
    if readable is not None and lab_safety.is_recent(ctx.record, ctx.policy, readable):
        shown = f"QTc {lab_safety.text(readable)}"
        if stop is not None and lab_safety.above(stop, readable):
            return f"{shown}, {stop.beyond(readable)}, where {stop.says}"
        if caution is not None and lab_safety.above(caution, readable):
            band = lab_safety.rule_for("qtc-warning", ingredient, drug_class)
            line = band if band is not None and lab_safety.above(band, readable) else caution
            return f"{shown}, {line.beyond(readable)}"
    if lab_safety.readable(lab):
        return None
    if no_qtc_reported(ctx, lab):
        return f"QTc of {lab.date.isoformat()} not compared: the ECG reports no QTc"
    if (sent := implausible_sent(ctx, lab)) is not None:
        return f"QTc {sent} outside what a QTc can be: check the entry"
    return f"QTc of {lab.date.isoformat()} not compared: its value could not be read"


def _unverified_for(rule: lab_safety.LabRule, subject: Subject) -> str:
    """ "; for escitalopram this line is not read in its own label (UNVERIFIED)" when the table's
    row for this drug is UNVERIFIED (data/lab_safety.csv), so the card claims no more than its
    source."""
    if rule.status != "UNVERIFIED":
        return ""
    return f"; for {subject.ingredient} this line is not read in its own label (UNVERIFIED)"
