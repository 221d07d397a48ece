"""The TMS referral card's lines beside its criteria (tms_referral.py): anxious distress on a
recent GAD-7 (`anxiety_line`), an earlier TMS course or a revoked referral
(`earlier_course_line`, `revoked_referral_line`), the TMS safety items to screen
(`tms_safety_items`), what the TMS count rests on (`_counted`), and the referral's own note: the
payer status (`payer_note`) and the order-only referral's line (`sent_alone`); and how the card
names the rule set it judged (`rule_set_words`, `unmet_words`).

Apart from the card because each reads one part of the record or the evaluation and words one
line; the card decides where they go.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from fhir_mapping.code_systems import SNOMED
from fhir_mapping.partial_response import partial_response
from fhir_mapping.record import FindingKind, PatientRecord, ProcedureKind, Trial
from services import cards, open_course, tms_course, tms_retreatment, trial_count
from services.card_format import in_sentence
from services.pathway import finding_line, in_episode
from services.payer_criteria import BAND_RANKS, CriterionKind, PayerEvaluation, scale_band
from services.payer_criteria.label import kind_words, rule_set_label
from services.policy import Policy
from services.rules.context import RuleContext
from services.rules.optimize import declined

GAD7 = "GAD-7"
# The GAD-7 band from which the card notes anxious distress: moderate (Spitzer 2006: a score of
# 10 or more warrants further evaluation; scale_bands.csv has the numbers).
_ANXIETY_FROM = "moderate"
# Compared per result: a global, not an Enum member read each time (issue 14; as _MET in
# tms_referral_criteria.py).
_RETREATMENT = CriterionKind.RETREATMENT


def rule_set_words(evaluation: PayerEvaluation, policy: Policy) -> str:
    """How the card names the rule set it judged: "clinic default rule set, from Medicare LCD
    L37086" (payer_criteria/label.py, the one label the referral note and packet use too)."""
    return evaluation.label or rule_set_label(evaluation.rule_set, policy)


def unmet_words(policy: Policy) -> str:
    """The summary's words while a criterion is not met: "payer criteria not yet met (clinic
    default rule set)"; the detail's header names the set's source."""
    return f"payer criteria not yet met ({kind_words(policy)})"


def tms_safety_items(ctx: RuleContext) -> str:
    """What the TMS service must screen before treatment, each with code, date and resource."""
    return "; ".join(finding_line(f) for f in ctx.facts.tms_cautions)


# A SNOMED CT display's semantic tag, "(physical object)", "(finding)": the concept's hierarchy,
# not what a clinician calls the item.
_SEMANTIC_TAG = re.compile(r"\s+\([a-z][a-z ]*\)$")


def screen_first(ctx: RuleContext) -> str:
    """ "; safety screen first: Implantable cardiac pacemaker" (", and 1 more item" when there
    are more) for the summary when the record holds a TMS safety item the TMS service must
    screen; "" otherwise (review 19 D2: a pacemaker was named only in the detail)."""
    items = ctx.facts.tms_cautions
    if not items:
        return ""
    first = items[0]
    name = first.display or first.code
    if first.system == SNOMED:
        name = _SEMANTIC_TAG.sub("", name)
    more = len(items) - 1
    return f"; safety screen first: {name}" + (
        f" and {more} more item{'s' if more > 1 else ''}" if more else ""
    )


_SCREEN_UNNAMED = "; TMS safety screen first (the item is in the detail)"


def screen_forms(screen: str) -> list[str]:
    """`screen` (screen_first's words), then shorter forms by whole clauses of the item's name
    (review s26 RN finding 9: "safety screen first: Cochlear implant removed: removal recorded:
    confirm…" was cut mid-clause): up to its first ": " ("Vagus nerve stimulator generator
    removed; leads left in situ"), then up to its first "; " or ", " as well, then no name ("the item is in the
    detail"). The screen is never dropped: it is why the referral waits (review 19 D2)."""
    head = "; safety screen first: "
    if not screen.startswith(head):
        return [screen]
    name = screen.removeprefix(head)
    first = name.split(": ", 1)[0]
    shortest = re.split(r"; |, ", first, maxsplit=1)[0]
    # An item whose name has no short clause is named by the detail, never left out.
    forms = [head + n for n in (name, first, shortest)] + [_SCREEN_UNNAMED]
    return list(dict.fromkeys(forms))


def _counted(trials: tuple[Trial, ...], record: PatientRecord) -> tuple[str, str]:
    """What the TMS count rests on, in words, with and without the drugs' names: failed trials,
    said as every card says them (trial_count.failed_words: stopped unmeasured, self-reported,
    to confirm), and those not tolerated when the clinic counts them
    (policy.tms_count_intolerant_trials), so the text says what was counted. Each trial's
    `failed` is read once (a chain of properties)."""
    failed: list[Trial] = []
    other: list[Trial] = []
    for t in trials:
        (failed if t.failed else other).append(t)

    def part(group: list[Trial]) -> tuple[str, str]:
        n = len(group)
        text = f"{n} {'trial' if n == 1 else 'trials'} not tolerated"
        said = cards.reported_note(group)
        # The short form keeps the self-reported mark.
        return f"{text} ({cards.names(group)}){said}", f"{text}{said}"

    if not other:
        # Every counted trial failed: `trials` in its own order is `failed`. Passed as the tuple
        # it is (PathwayFacts.tms_trials, the failed trials' own tuple when no intolerance is
        # counted), so failed_words answers with the optimise card's words, not again (issue 14).
        return trial_count.failed_words(trials if type(trials) is tuple else failed, record)
    if not failed:
        return part(other)
    named, plain = trial_count.failed_words(failed, record)
    said = cards.reported_note(other)
    return (
        f"{named} and {len(other)} not tolerated ({cards.names(other)}){said}",
        (f"{plain} and {len(other)} not tolerated{said}"),
    )


def partial_adjunct_line(partial: tuple[Trial, ...]) -> str:
    """Why the referral is offered but not recommended while a counted course still running has
    a partial response (optimize/partial.py partial_running), or "" (nearly every chart).

    The choice, the safer one for the patient: the course counts for the payer (a 25-50 % drop
    is an inadequate response: payer_criteria/trials.py COUNTED_PARTIAL), so the referral stays
    one click for a clinician who judges TMS the better step; but CANMAT 2023 para 190 puts an
    adjunct first after a partial response with good tolerability, and a referral marked
    recommended beside an optimise card that says so told two stories (audit 17 W3)."""
    if not partial:
        return ""
    pairs = "; ".join(
        f"{t.ingredient}, {t.outcome_scale} {t.baseline.value} -> {t.on_treatment.value}"
        f" ({partial_response(t) or 0:.0f} % drop)"
        if t.baseline is not None and t.on_treatment is not None
        else f"{t.ingredient} ({partial_response(t) or 0:.0f} % drop)"
        for t in partial
    )
    return (
        f"**Partial response on a running course:** {pairs}. CANMAT 2023 (para 190) adds an "
        "adjunct to it first; TMS is the step if that does not help. The referral is offered, "
        "not recommended, until an adjunct has been tried."
    )


def anxiety_line(ctx: RuleContext) -> str:
    """One line on anxious distress: the latest GAD-7 of this episode, within the payer score
    window, in its moderate band or above (Spitzer 2006: >= 10 warrants further evaluation).
    Comorbid anxiety predicts a poorer antidepressant response (CANMAT 2023 para 181; STAR*D
    anxious depression, Fava 2008: REFERENCE.md 1.7 notes), which the TMS service weighs."""
    record, facts = ctx.record, ctx.facts
    horizon = record.as_of - timedelta(days=ctx.policy.payer_score_max_age_days)
    found = [
        s
        for s in record.scores
        if s.instrument == GAD7
        and s.value is not None
        and s.date >= horizon
        and in_episode(s.date, facts.episode_start)
    ]
    if not found:
        return ""
    latest = max(found, key=lambda s: s.date)
    assert latest.value is not None
    band = scale_band(GAD7, latest.value)
    if band is None or band.rank < BAND_RANKS[_ANXIETY_FROM]:
        return ""
    return (
        f"**Anxious distress:** GAD-7 {latest.value} ({band.label}, {band.citation}) on "
        f"{latest.date.isoformat()}: comorbid anxiety predicts a poorer response (CANMAT 2023 "
        "para 181); tell the TMS service."
    )


def earlier_course_line(ctx: RuleContext, evaluation: PayerEvaluation) -> str:
    """An earlier TMS course is never ignored (issue 12): named with its response, unless the
    payer's own retreatment criterion (a line above) already does; one stopped short of an
    adequate course is named either way (the payer line reads it as a course: the pathway does
    not, tms_course.TmsCourse.short)."""
    open_too_long = open_course.tms_line(ctx.record, ctx.policy)  # recheck K18 s29 finding 2
    if open_too_long and tms_course.running_course(ctx.record, ctx.policy) is None:
        return open_too_long
    short = tms_course.stopped_short(ctx.record, ctx.policy) is not None
    if not short and any(r.kind is _RETREATMENT for r in evaluation.results):
        return ""
    return tms_retreatment.retreatment_line(ctx.record, ctx.policy)


def revoked_referral_line(record: PatientRecord) -> str:
    """An earlier TMS referral that was revoked (review 15 M7: "referral cancelled: patient
    declined (travel)"), named so the card does not propose again, in silence, what the patient
    or the service already turned down: the latest such referral, its date and resource. The
    reason is not a coded field of an R4 ServiceRequest (a note, at best): the card asks.
    Any episode: a refusal is worth asking about whenever it was. "" when there is none."""
    revoked = [r for r in record.referrals if r.kind == "tms" and r.status == "revoked"]
    if not revoked:
        return ""
    last = max(revoked, key=lambda r: r.authored or date.min)
    when = f"on {last.authored.isoformat()}" if last.authored else "(date not recorded)"
    # By its day; its id only when undated (cards.record_cite, session 21).
    where = cards.record_cite(last.source, last.authored is not None)
    more = f" ({len(revoked) - 1} earlier also revoked)" if len(revoked) > 1 else ""
    return (
        f"**Earlier TMS referral:** a TMS referral {when} was {last.status}, cancelled before "
        f"treatment{where}{more}: ask why (declined, travel, cost, not suitable) and whether "
        "that has changed before referring again."
    )


def declined_line(ctx: RuleContext) -> str:
    """TMS the patient declined (a Procedure `not-done` whose statusReason says refusal, or named
    in words that say so: FindingKind.TMS_DECLINED; review s29 RK finding 5), named as ECT's is
    on the optimise card, unless a TMS session came after it. The day is the one the record
    gives the refusal (performed[x], else meta.lastUpdated), so "recorded". "" when none."""
    refusal = declined.latest_declined(ctx, FindingKind.TMS_DECLINED, ProcedureKind.TMS)
    if refusal is None:
        return ""
    when = f"recorded {refusal.onset.isoformat()}" if refusal.onset is not None else "undated"
    words = refusal.display.strip()
    said = f' "{words}",' if words and words.lower() not in ("refused", "declined") else ""
    return f"**TMS declined:** the patient declined TMS,{said} {when}: ask before referring."


def sent_alone(request: dict[str, Any]) -> dict[str, Any]:
    """The referral sent without the summary: its note says so, since the note is then all the
    TMS service reads (review 9 finding 10)."""
    (note,) = request["note"]
    text = f"{note['text']} Referral summary not attached: ask the referring clinician for it."
    return {**request, "note": [{**note, "text": text}]}


def payer_note(evaluation: PayerEvaluation) -> str:
    """The payer status for the TMS service, which reads the referral rather than the card."""
    name = evaluation.named  # the card's label (payer_criteria/label.py: review s20 item 4)
    if evaluation.met:
        # What the record cannot show goes with "met" (review 9 finding 10): the TMS service may
        # read this note without the summary (the order-only suggestion).
        confirm = "; ".join(
            f"{in_sentence(r.label)}: {r.to_confirm}" for r in evaluation.results if r.to_confirm
        )
        return f" Payer criteria ({name}): met on the record" + (
            f"; to confirm: {confirm}." if confirm else "."
        )
    missing = "; ".join(evaluation.to_document) or "data not available"
    return f" Payer criteria ({name}): not yet met (to document: {missing})."


def retreatment_words(ctx: RuleContext) -> str:
    """ " (a retreatment: earlier course 2026-01..02 responded)" after "consider TMS referral"
    when an earlier TMS course is on record (review s21 RF finding 9: the summary read as a
    first referral; only the detail named the course), "" when none is. A retreatment is judged
    on the earlier course's response (LCD L37086), so the summary says it."""
    ended = tms_course.earlier_courses(ctx.record, ctx.policy)
    if not ended:
        return ""
    last = ended[-1]
    months = last.months()
    if last.short(ctx.policy):  # no adequate course: no retreatment (tms_course.TmsCourse.short)
        return f" (earlier course {months} {last.ended()} after {last.ran_text(brief=True)})"
    state = "responded" if last.response is True else "response not on record"
    return f" (a retreatment: earlier course {months} {state})"
