"""Diagnosis review: confirm the diagnosis and look for medical contributors before escalating.

CANMAT 2023 (para 184) asks, on poor response, to re-evaluate the diagnosis (missed bipolar
disorder), comorbidity and medical contributors; para 181 names substance use and undiagnosed sleep
apnea. Psychotic features change the treatment (antidepressant + antipsychotic, or ECT; CANMAT 2023
Table 3.6 and para 215). Lab flags come from each lab's own reference interval (the mapping reads
interpretation or range); REFERENCE.md 6 gives no cut-offs of its own.

What is checked when:
- bipolar disorder / mania and psychotic features: whenever the pathway applies;
- active substance use: once an antidepressant has been tried in this episode (a running drug a
  condition row rules out for it, duloxetine with alcohol use or a high AUDIT-C: Cymbalta label
  5.2, is a warning on the running-drug card, rules/running_cautions.py, as with cirrhosis);
- thyroid, B12, folate, vitamin D, untreated sleep apnea: after >= 1 adequate failed trial;
- no TSH within policy.tsh_lookback_days: when TRD is met (suggests ordering TSH, LOINC 3016-3).

The card's lines come from diagnosis_psychiatric.py (bipolar disorder, psychotic disorder or
features, PMDD only, remission coded, substance use; the substance-use wording in
diagnosis_substance.py) and diagnosis_medical.py (thyroid, B12, folate, vitamin D, sleep apnea,
a missing TSH), on the line shape of diagnosis_item.py. Here: the card (`rule`) and its hold on
the optimise card's one-click proposals (`hold_one_click`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import timedelta

from fhir_mapping.labs import LAB_NAMES
from fhir_mapping.record import DataGap, LabResult, SourceRef
from services import (
    cards,
    lab_readings,
    lab_safety,
    mood_cover,
    screen,
    suggestions,
    tables,
    trial_count,
)
from services.card_format import plural
from services.last_answer import kept
from services.recommendation import Indicator, Recommendation, Suggestion
from services.rules import one_click_hold
from services.rules.context import RuleContext
from services.rules.diagnosis_item import Item, _finding_ref
from services.rules.diagnosis_medical import _lab_ref, _latest_labs, medical_items, tsh_missing
from services.rules.diagnosis_psychiatric import psychiatric_items
from services.rules.diagnosis_tms_held import held_line
from services.voided_labs import voided_words

# The names other modules and tests use, kept importable from here (diagnosis_item.py's and
# diagnosis_medical.py's among them).
__all__ = [
    "TOPIC",
    "_finding_ref",
    "_latest_labs",
    "alcohol_lines",
    "card",
    "hold_one_click",
    "rule",
]

TOPIC = "diagnosis-review"
_AGO = re.compile(r"\d+ (?:day|week|month|year)s? ago")


def _alongside_summary(items: list[Item]) -> str:
    """The summary when every finding is a contributor to review alongside escalation:
    "Review substance use alongside escalation: alcohol dependence, uncomplicated (ICD-10-CM
    F10.20); AUDIT-C 9 on 2025-05-12", each item named as fully as the length allows."""
    head = (
        f"Review {items[0].subject} alongside escalation"
        if len(items) == 1 and items[0].subject
        else "Review alongside escalation"
    )
    depth = max(len(i.named) for i in items) or 1
    candidates = [
        f"{head}: "
        + "; ".join(i.named[min(level, len(i.named) - 1)] if i.named else i.short for i in items)
        for level in range(depth)
    ]
    return cards.fit_summary(*candidates)


def _findings(ctx: RuleContext, labs: dict[str, LabResult]) -> list[Item]:
    """The card's items but the missing TSH: the psychiatric ones, and after a failed trial the
    medical contributors."""
    items = psychiatric_items(ctx)
    if ctx.facts.failed_trials:
        items += medical_items(ctx, labs)
    return items


@kept  # services/last_answer.py: a frozen context in (pure cached properties), frozen items out
def _context_findings(ctx: RuleContext) -> tuple[Item, ...]:
    """`_findings` of the context's latest labs, answered again for the same context (issue 14):
    this card, the hold on the optimise card's one-clicks and the TMS card's "not marked
    recommended" line (`settle_first`) each read them in one evaluation."""
    return tuple(_findings(ctx, _latest_labs(ctx)))


# The subjects of the alcohol lines (diagnosis_psychiatric.py, diagnosis_substance.screen_item):
# alcohol only, never "alcohol and other substance use", whose other part stays here.
_ALCOHOL_SUBJECTS = frozenset({"alcohol use", "alcohol use disorder"})


def alcohol_lines(ctx: RuleContext) -> tuple[Item, ...]:
    """The card's alcohol lines another card can carry (each with its `advice`): the
    running-drug card takes them up when it names the same drinking (rules/alcohol_once.py,
    review s24 RN finding 7), and this card is then built without them (`card`)."""
    return tuple(i for i in _context_findings(ctx) if i.advice and i.subject in _ALCOHOL_SUBJECTS)


def rule(ctx: RuleContext) -> Recommendation | None:
    return card(ctx)


def card(ctx: RuleContext, *, leave_out: tuple[Item, ...] = ()) -> Recommendation | None:
    """The card, without the lines of `leave_out` (said by another card: `alcohol_lines`)."""
    labs = _latest_labs(ctx)  # the TSH is read twice, B12, folate and vitamin D once
    # A list of its own: the missing TSH may join it.
    items = [i for i in _context_findings(ctx) if i not in leave_out]
    suggestion: list[Suggestion] = []
    # What is on record; a missing TSH is not a finding (below), nor an info-only line.
    findings = sum(1 for i in items if not i.info)
    minor_only = all(i.minor for i in items if not i.info)  # before the TSH line joins them
    # Lab results that could not be obtained (the optional `labs` prefetch key not sent, a
    # failed search), or the `labsSI` key that carries the TSH assay codes 11580-8 / 11579-0
    # not received (review s19 M3): a TSH may well be on record, so the line says it is not
    # known, not absent.
    labs_unread = lab_safety.tsh_unread(ctx.record)
    # Why, in the card's words: the labs as a whole, or the TSH assay codes alone.
    unread_why = (
        lab_safety.labs_unread_words(ctx.record)
        if lab_safety.labs_missing(ctx.record)
        else "not all TSH results received"
    )
    # A result named TSH under a code the service does not know, within the look-back (review
    # s22 RX finding 10): "No TSH" would claim more than the record shows, so the line says no
    # TSH is recognised and points at the row (its "Data not read" line cites it).
    days = ctx.policy.tsh_lookback_days
    unrecognised = lab_readings.unrecognised(
        ctx.record, "tsh", ctx.record.as_of - timedelta(days=days)
    )
    if tsh_missing(ctx, labs):
        said = any(i.says_tsh_missing for i in items)  # a treated hypothyroidism's line says it
        # The count in the words every card uses (services/trial_count.py, audit 13 WRONG 4).
        # Without the names: a drug named here would repeat another card's caution about it.
        _, failed = trial_count.failed_words(ctx.facts.failed_trials, ctx.record)
        why = (
            lab_safety.labs_unread_words(ctx.record)
            if lab_safety.labs_missing(ctx.record)
            # The gap line (fhir_mapping.gaps.SI_LABS_NOT_RECEIVED) says what was not received.
            else "a TSH under a second- or third-generation assay's code was not received "
            "from the EHR"
        )
        missing = (
            Item(
                f"TSH not known ({unread_why})",
                f"**TSH not known:** {why}. After {failed}: check the latest TSH in the chart and consider one if clinically "
                "indicated (CANMAT 2023 Table 5.1; thyroid dysfunction is a treatable "
                "contributor, para 184).",
                alongside=True,  # as the missing TSH below
            )
            if labs_unread
            else _unrecognised_item(ctx, unrecognised, failed)
            if unrecognised
            else Item(
                f"no TSH in {plural(days, 'day')}",
                f"**No TSH in the last {plural(days, 'day')}**{_last_tsh(ctx, labs)} after {failed}: consider one if clinically indicated (CANMAT 2023 "
                "Table 5.1; thyroid dysfunction is a treatable contributor, para 184).",
                # Alone it is an info card that says nothing of escalating (below); beside an
                # "alongside" item it does not turn the summary into "before escalating".
                alongside=True,
            )
        )
        if not said:
            items.append(missing)
        reasons: list[SourceRef] = []
        depression = ctx.facts.depression_finding
        if depression is not None and depression.source is not None:
            reasons.append(depression.source)
        resource = None
        if ctx.patient_id is not None:
            resource = suggestions.service_request(
                patient_id=ctx.patient_id,
                concept="tsh",
                text="TSH (thyroid work-up in treatment-resistant depression)",
                reasons=reasons,
            )
        # Not marked recommended: CANMAT 2023 asks for labs when clinically indicated.
        suggestion.append(suggestions.create("Order TSH", resource))
    suggestion += _lab_orders(ctx, items)
    if not items or all(i.info for i in items):
        return None  # info lines ride along on a card that exists for something else
    shorts = "; ".join(i.short for i in items if not i.info)
    # A missing TSH alone is an info line, not a warning (issue 12; CANMAT 2023 Table 5.1): the
    # chart holds nothing that contradicts the diagnosis.
    # So is a card whose findings are all minor lab contributors corrected alongside escalation
    # (low vitamin D; Item.minor, audit 15 M11): it holds nothing either.
    indicator = Indicator.INFO if findings == 0 or minor_only else None
    _, counted = trial_count.failed_words(ctx.facts.failed_trials, ctx.record)
    # Its marks as one count when they would push the act out (review s27 RQ2 finding 4: the
    # trial count left out whole for ", medication list only"); the detail says them.
    brief = trial_count.failed_brief(ctx.facts.failed_trials, ctx.record)
    if findings == 0 and labs_unread:
        summary = cards.fit_summary(
            f"TSH not known ({unread_why}) after {counted}: check it in the chart",
            f"TSH not known ({unread_why}) after {brief}: check it in the chart",
            f"TSH not known ({unread_why}): check it in the chart",
        )
    elif findings == 0 and unrecognised and tsh_missing(ctx, labs):
        when = _unrecognised_when(unrecognised)
        summary = cards.fit_summary(
            f"No TSH recognised in {plural(days, 'day')} (a TSH{when} under an unknown code "
            f"not read) after {counted}: check it in the chart",
            f"No TSH recognised in {plural(days, 'day')} (a TSH{when} under an unknown code "
            f"not read) after {brief}: check it in the chart",
            f"No TSH recognised in {plural(days, 'day')} (a TSH{when} not read): check it in "
            "the chart",
            "No TSH recognised (a TSH not read): check it in the chart",
        )
    elif findings == 0:
        last = labs.get("tsh")
        # The last TSH's date and flag in the summary when it has one (review 17 M6: a normal
        # TSH of 2022 read as if none was ever drawn).
        before = f" (last {last.date.isoformat()}, {last.flag or 'unflagged'})" if last else ""
        summary = cards.fit_summary(
            f"No TSH in {plural(ctx.policy.tsh_lookback_days, 'day')}{before} after {counted}: consider "
            "one if clinically indicated",
            f"No TSH in {plural(ctx.policy.tsh_lookback_days, 'day')}{before} after {brief}: "
            "consider one if clinically indicated",
            f"No TSH in {plural(ctx.policy.tsh_lookback_days, 'day')}{before}: consider one if clinically "
            "indicated",
            f"No TSH in {plural(ctx.policy.tsh_lookback_days, 'day')}: consider one if clinically indicated",
        )
    elif all(i.alongside for i in items if not i.info):
        summary = _alongside_summary([i for i in items if not i.info])
    else:
        summary = cards.fit_summary(
            f"Confirm the diagnosis before escalating: {shorts}",
            f"Before escalating: {shorts}",
            f"Review diagnosis before escalating ({sum(1 for i in items if not i.info)} findings)",
        )
    keys = ["canmat2023"]
    if ctx.facts.bipolar:
        keys.append("isbd2013")
        if mood_cover.without_antimanic_cover(ctx.record, drafts=False):
            keys.append("canmat-isbd2018")
    scores = cards.scores_evidence(ctx.record)
    detail = cards.join_sections(
        "\n".join(f"- {i.text}" for i in items),
        held_line(ctx),  # the TMS referral a bipolar finding alone holds (cards45 item 1)
        scores.text,
        cards.guideline_links(*keys),
    )
    card = cards.make(
        TOPIC,
        summary=summary,
        detail=detail,
        suggestions=suggestion,
        indicator=indicator,
        evidence=(scores,),
    )
    # Its own snooze fingerprint: the pathway's (screen.evidence_key) and each finding it names
    # (review 18b: a snooze given on a substance-use line must not hide a bipolar diagnosis or an
    # abnormal TSH recorded later; the pathway's trials and PHQ-9 band say nothing of either).
    # A result's age ("3 years ago: repeat") is left out: it grows with the calendar, not the
    # chart.
    named = [_AGO.sub("ago", i.text) for i in items]
    key = screen.pairs_key([f"pathway {screen.evidence_key(ctx.facts)}", *named])
    return screen.with_fields(card, evidence_key=key)


def _lab_orders(ctx: RuleContext, items: Sequence[Item]) -> list[Suggestion]:
    """ "Order free T4", "Order folate": one suggestion per test a line asks to draw
    (`Item.order`; review 17 second recheck M6, M7), in line order, not recommended (CANMAT 2023
    asks for labs when clinically indicated, as the TSH order)."""
    out: list[Suggestion] = []
    seen: set[str] = set()
    for item in items:
        test = item.order
        if not test or test in seen or test not in tables.order_codes():
            continue
        seen.add(test)
        name = LAB_NAMES.get(test, test)
        resource = None
        if ctx.patient_id is not None:
            resource = suggestions.service_request(
                patient_id=ctx.patient_id,
                concept=test,
                text=f"{name[:1].upper()}{name[1:]} (work-up of a medical contributor to "
                "depression)",
            )
        out.append(suggestions.create(f"Order {name}", resource))
    return out


def _unrecognised_when(gaps: Sequence[DataGap]) -> str:
    """ " of 2026-10-19": the latest unread TSH row's day, "" when it has none."""
    days = [g.date for g in gaps if g.date is not None]
    return f" of {max(days).isoformat()}" if days else ""


def _unrecognised_item(ctx: RuleContext, gaps: Sequence[DataGap], failed: str) -> Item:
    """The missing-TSH line when a result named TSH sits under a code the service does not know
    (review s22 RX finding 10): no TSH is recognised, which is not "no TSH"."""
    days = ctx.policy.tsh_lookback_days
    codes = ", ".join(lab_readings.test_codes("tsh"))
    rows = plural(len(gaps), "result")
    return Item(
        f"no TSH recognised in {plural(days, 'day')} (a TSH{_unrecognised_when(gaps)} not read)",
        f"**No TSH recognised in the last {plural(days, 'day')}** (LOINC {codes})"
        f"{_last_tsh(ctx, _latest_labs(ctx))} after {failed}: {rows} named "
        f"TSH{_unrecognised_when(gaps)} "
        f"{'is' if len(gaps) == 1 else 'are'} under a code this service does not know, so "
        f"{'it was' if len(gaps) == 1 else 'they were'} not read (Data not read, below; a site "
        "code can be configured): check the value in "
        "the chart, and if there is none consider a TSH if clinically indicated (CANMAT 2023 "
        "Table 5.1; thyroid dysfunction is a treatable contributor, para 184).",
        alongside=True,  # as the missing TSH
    )


def _last_tsh(ctx: RuleContext, labs: dict[str, LabResult]) -> str:
    """ " (last 2.0 mIU/L, normal, 2022-05-10 (3 years ago: repeat))" when a TSH older than the
    look-back is on record (review 17 M6), else ""."""
    tsh, voided = labs.get("tsh"), voided_words(ctx.record, "tsh", "TSH")  # labs71 finding 4
    return (f" (last {_lab_ref(tsh)})" if tsh is not None else "") + voided


# --- the optimise card while this card says "before escalating" -------------------------------


def hold_one_click(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the optimise card's drug proposals as text while this card is on the screen
    (not in `hidden`) with a finding it asks to settle before escalating (an abnormal TSH, a low
    B12 or folate, bipolar disorder...): the summary said "Confirm the diagnosis before
    escalating" beside one-click adjuncts and raises, two cards saying opposite things (review 14
    audit s01, its lab findings left over).

    Why a hold, not "alongside" (the safer choice for the patient): CANMAT 2023 para 184 asks, on
    poor response, to re-evaluate the diagnosis and rule out medical contributors first. A
    depression kept going by an untreated hypothyroidism or a B12 deficiency is treated by
    correcting it; an adjunct added at the same time (an antipsychotic with its metabolic and
    movement risks) may not be needed, and a response could no longer be told apart from the
    correction's. The proposals stay on the card, named, so an escalation already judged right
    costs a typed order, not a missed step; a snooze of this card with a reason (the contributor
    treated or judged minor) makes them one click again. A contributor the card says to review
    alongside escalation (substance use, a missing TSH) holds nothing."""
    if not one_click_hold.shown(recs, TOPIC, hidden):
        return list(recs)
    before = settle_first(ctx)
    if not before:
        return list(recs)
    named = "; ".join(i.short for i in before)
    display = tables.topic(TOPIC).display

    def line(held: list[Suggestion]) -> str | None:
        if not held:
            return None
        return (
            f"**Not one click before the diagnosis review** ({named}; {display} card): "
            f"{'; '.join(s.label for s in held)}. Assess these first and treat or recheck what "
            "is found (CANMAT 2023 para 184: re-evaluate the diagnosis and rule out medical "
            "contributors on poor response), then decide on the change."
        )

    # The summary names what is reviewed when it is short ("raise held (review TSH high 7.8
    # first)"), else the card it waits for.
    return one_click_hold.hold_drug_orders(
        recs, line, held_by=f"{review_words(before)} first", whole=True
    )


def review_words(before: Sequence[Item]) -> str:
    """What a held step waits for, as a summary says it: "review TSH high 7.8" when the findings
    are short, else "diagnosis review" (the optimise card's hold, the TMS card's)."""
    if before and all(i.step for i in before):  # "check free T4" (Item.step, cards45 item 3)
        return " and ".join(dict.fromkeys(i.step for i in before))
    named = "; ".join(i.held or i.short for i in before)  # Item.held: labs71
    return f"review {named}" if len(named) <= _HELD_BY_MAX else "diagnosis review"


def settle_first(ctx: RuleContext) -> list[Item]:
    """The findings this card asks to settle before escalating (not info, not "alongside"): what
    holds the optimise card's drug one-clicks (`hold_one_click`) and keeps the TMS referral from
    being the recommended step (tms_referral_held.py)."""
    return [i for i in _context_findings(ctx) if not i.info and not i.alongside]


# Longest finding list the held optimise summary names itself (the summary is short: cards.SUMMARY_MAX).
_HELD_BY_MAX = 40
