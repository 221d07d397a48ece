"""What the TMS referral waits for while the optimise card holds the next step (recheck 17-2 M5;
review s24 RN finding 1): one rule, the optimise card's own predicates, so the two cards never
tell two stories ("repeat the PHQ-9 before switching or augmenting" beside "PHQ-9 18: consider
TMS referral").

How a hold is said: the summary names it ("repeat the PHQ-9 first, then consider TMS referral",
as a partial response's "an adjunct to venlafaxine first, then consider TMS referral" does),
the detail says why, and the referral is not marked recommended, nor one click (review s26 RN
finding 6: it stayed one click on all 77 such cards while the optimise card held its drugs for
the same check): a step hold takes it off until the step is on record, as for every hold
(services/hold_survival.py, data/hold_survival.csv); the card names it ("**Not one click yet:**
Refer for TMS evaluation; this card puts "ask item 9" first ..."). The same holds for a partial
response's adjunct (tms_referral.py) and for the optimise card's hold on the step the referral
waits for ("check the sodium first", "review the QTc first": tms_follows_optimise.py).

Why withhold the one-click, when a TMS referral is an evaluation, not a treatment (the safer
choice, decided per kind of step): a one-click is the card's own endorsement of the next act,
and the card says that act comes second. Item 9 never asked or not readable, or a possible
suicide signal of unconfirmed subject, may be the acute risk that makes TMS not the next step
(payer policies exclude it; ../shared/clinical/REFERENCE.md 0.6: suicide risk before any TMS
suggestion); a stale or disputed severity, an ECT outcome not recorded, or a trial not measured
yet means the referral would quote a depression that may not be the current one; a dose to
raise (or a level, sodium or QTc that holds the raise), a finding the diagnosis review settles,
or a partial response's adjunct are the steps CANMAT 2023 puts before the next line (paras
184-190). The cost is one manual order for a clinician who has done the step today; the card
names the referral, keeps its summary one link away, and offers it again once the step is on
record.

Each hold, and why it holds the referral (the safer choice for the patient each time):
- A PHQ-9 of unconfirmed subject that would be a suicide signal (services/unconfirmed_signal.py):
  if it is this patient's, suicide risk is assessed first and the TMS card would not be
  recommended at all (tms_referral: only with no suicide signal).
- Item 9 of the latest PHQ-9 unknown: an answer that could not be read (suicide_hold
  .unread_holds), a form with items and no item 9 (measurement_due.incomplete_phq9), a total
  with no item 9 on record (item9_unrecorded.unrecorded, whatever its age, as the optimise card
  reads it). A known positive item 9 removes the TMS card (tms_gate.blocks_tms: payer policies
  exclude acute suicidal risk); an unknown one may be that, so the referral waits until the item
  is checked or asked.
- The score the judgement rests on older than the measurement interval (optimize/stale_score
  .stale), or a newer form whose total and items disagree: the severity the referral and the
  payer criteria quote would be old, or unknown (which total is right: whatever the age of the
  score before it, phq9_disagreements.latest_conflict), and a depression that
  has remitted or worsened since is not the one referred. Likewise a running trial not measured
  yet (courses.unmeasured): it may be working; and an esketamine course inside its judging
  window (tms_course_judging.py, fix tms48), said with the day it is judged.
- A finding the diagnosis review asks to settle before escalating (an abnormal TSH, a low B12,
  untreated sleep apnea, bipolar features: diagnosis_review.settle_first): CANMAT 2023 para 184
  re-evaluates the diagnosis and rules out medical contributors on poor response before the next
  step, and TMS is an escalation as an adjunct is. A raised TSH with no free T4 yet is one (the
  summary: "check free T4 first", Item.step; review K30c, cards45 item 3): an overt
  hypothyroidism is not ruled out until it is drawn. Items the card reviews alongside escalation
  (substance use, a missing TSH) leave the referral recommended, as they leave the adjuncts.
- A dose to raise first (optimize/first_steps.raise_first: below its range, lithium below its
  target level, a failed drug with room to the top of its range): CANMAT 2023 paras 185-187 put
  dose optimisation before the next step.
- The suicide-risk card's ask names a step before referring (data/suicide_urgency.csv
  referral_first): an assessment that found current suicidal thoughts, not high ("confirm the
  safety plan"), or an older positive item 9 never assessed ("assess suicide risk"). Neither
  blocks TMS (not the acute risk payer policies exclude), but the card says the step comes
  first, so the referral is not endorsed as the next act until it is done (review s26 RK4
  finding 1). The safety plan is not read from the chart, so that hold lasts
  while the finding does; the cost is a referral ordered by hand, against a one-click sent
  before the plan was confirmed. Checked last: where another step is first (a stale PHQ-9, a
  partial response's adjunct) the referral is held already and the summary names that step;
  the suicide-risk line at the top of the detail still says this one.
"""

from __future__ import annotations

from services import (
    cards,
    ect_run,
    item9_absent,
    item9_unrecorded,
    masked_records,
    past_answers,
    phq9_disagreements,
    suicide_today,
    tables,
    tms_severity,
    unconfirmed_signal,
)
from services.acute_risk import SuicideLevel
from services.last_answer import kept
from services.rules import diagnosis_review, tms_course_judging, tms_dose_held, tms_ketamine_hold
from services.rules.context import RuleContext
from services.rules.measurement_due import incomplete_phq9
from services.rules.measurement_lines import not_received
from services.rules.optimize import stale_score, suicide_hold
from services.rules.optimize.courses import unmeasured
from services.rules.optimize.device_course import ect_outcome_line
from services.rules.optimize.partial import awaiting_adjunct
from services.rules.tms_held import NOT_RECOMMENDED as _NOT_RECOMMENDED
from services.rules.tms_held import Held


@kept  # the TMS card and tms_follows_optimise.py both ask (issue 14)
def held(ctx: RuleContext) -> Held | None:
    """The first hold that applies (module docstring, in that order), or None (nearly always)."""
    for find in _HOLDS:
        found = find(ctx)
        if found is None:
            continue
        # Item 9 unknown on a form whose total and answers disagree: both are asked, as the
        # optimise card asks both (its item-9 line above its "check the form" summary).
        form = _form(ctx) if find is _item9 else None
        if form is not None:
            return Held(f"{found.first} and {form.first}", f"{found.line}\n\n{form.line}")
        return found
    return None


def reason(ctx: RuleContext) -> str | None:
    """The detail's line of `held`, or None."""
    found = held(ctx)
    return found.line if found is not None else None


# The safety plan is not read from the chart: the finding itself has to change.
_FOUND_BACK = (
    "a later assessment finds no current suicidal thoughts (a safety plan is not read from the "
    "chart: once it is confirmed, order the referral by hand)"
)


def _suicide_step(ctx: RuleContext) -> Held | None:
    """The suicide-risk card's ask names a step before the referral (data/suicide_urgency.csv
    referral_first: "confirm the safety plan" after a finding that is not high, "assess
    suicide risk" after an older positive item 9 screened 0 since): the TMS card's
    suicide-risk line says it (tms_gate.referral_note), so its summary leads with it and the
    referral waits as for every step (review s26 RK4 finding 1: "confirm the safety plan before
    referring" beside a one-click referral). The line is that note's, said once at the top."""
    signal = ctx.facts.suicide
    step = suicide_today.referral_first(signal)
    # Last, and not beside a partial response's adjunct: another step first holds the referral
    # already, and the suicide-risk line still says this one (the summary names one step).
    if signal is None or step is None or awaiting_adjunct(ctx):
        return None
    return Held(step, "", back=_FOUND_BACK if signal.level is SuicideLevel.FOUND else "")


def _unconfirmed(ctx: RuleContext) -> Held | None:
    gaps = ctx.record.gaps
    if not (gaps and unconfirmed_signal.signal_gaps(gaps)):
        return None
    return Held(
        "check whose PHQ-9 it is",
        f"{_NOT_RECOMMENDED}:** a PHQ-9 of unconfirmed subject would be a suicide-risk signal "
        "if it were this patient's (data-quality card): check whose it is and, if it is hers "
        "or his, assess suicide risk first.",
    )


def _item9(ctx: RuleContext) -> Held | None:
    facts = ctx.facts
    if facts.suicide is not None and suicide_hold.unread_holds(facts.suicide):
        signal = facts.suicide
        # The unread answer's own item ("item 9", "EPDS item 10", "C-SSRS": review s27 RF
        # finding 2, where an unread C-SSRS result said "check item 9").
        what = suicide_hold.unread_item(signal)
        if past_answers.all_past(signal.unread):  # a past yes beside a current no (net32)
            return Held(
                "ask about current suicidal thoughts",
                f"{_NOT_RECOMMENDED} until current suicidal thoughts are asked about:** "
                f"{past_answers.found(signal.unread)} (suicide risk card); if present, suicide risk is assessed "
                "first and TMS is not the next step while the risk is acute.",
            )
        absent = item9_absent.only(signal.unread, ctx.record)
        if absent is not None:  # declined, not asked: said as the suicide-risk card says it
            return Held(
                f"ask {what}",
                f"{_NOT_RECOMMENDED} until {what} is asked:** {what} was {absent.said} (suicide "
                f"risk card): {absent.act}; if it is positive, suicide risk is assessed first and "
                "TMS is not the next step while the risk is acute.",
            )
        # An item 9 its own total contradicts (review s27 RF finding 3) is readable: said so.
        found = (
            "an item 9 answer on record is below what its total needs"
            if signal.unread and all(e.doubt for e in signal.unread)
            else "a self-harm answer on record could not be read"
        )
        return Held(
            f"check {what}",
            f"{_NOT_RECOMMENDED} until {what} is checked:** {found} (suicide risk card); if it "
            "is positive, suicide risk is assessed first and TMS is not the next step while the "
            "risk is acute.",
        )
    unanswered = incomplete_phq9(ctx, facts.latest_phq9)
    score = item9_unrecorded.unrecorded(ctx.record, ctx.policy, facts.suicide, any_age=True)
    if unanswered is None and score is None:
        return None
    # "item 9 not recorded", "item 9 could not be read" (item9_unrecorded's own words).
    state = (
        (
            "item 9 not seen"
            if unanswered is not None and not_received(unanswered[0])
            else "item 9 unanswered"
        )
        if unanswered is not None or score is None
        else item9_unrecorded.held_by(ctx.record, score).split(",")[0].removeprefix("PHQ-9 ")
    )
    # A total filed with no item 9 (a flowsheet that files totals only, a form whose item 9
    # was skipped) holds the referral as it holds the optimise card's adjuncts (review s24 RA
    # finding 1: "adjuncts held: PHQ-9 item 9 not recorded, ask it first" beside a recommended
    # "consider TMS referral"): one rule, item9_unrecorded.unrecorded, for both cards.
    # Not seen: its answers not received (measurement_lines.not_received), on the form to check.
    unreadable = "read" in state or "recognised" in state or "not seen" in state
    act = "check item 9" if unreadable else "ask item 9"
    # An answer only on a form with no date (item9_unrecorded._undated; review s34 K39a 1).
    said = f"{state} on the latest PHQ-9"
    if state == "item 9 not dated":
        said = "item 9 only on a form with no date, none on the latest PHQ-9"
    return Held(
        act,
        f"{_NOT_RECOMMENDED} until item 9 is known:** {said}, so suicide "
        "risk is unknown; a positive answer would make TMS not the next step while the risk is "
        f"acute (payer TMS policies exclude it).{_out_of_date(ctx)}",
    )


def _out_of_date(ctx: RuleContext) -> str:
    """The newer incomplete form makes the total the card quotes out of date (review s27 RF
    finding 5: a form allowing 1-4 at most, and the card said "PHQ-9 18")."""
    latest = tms_severity.severity_score(ctx.record, ctx.facts.latest_phq9)
    newer = tms_severity.newer_incomplete(ctx.record, latest) if latest is not None else None
    if latest is None or newer is None or latest.instrument != "PHQ-9":
        return ""
    day, said = newer
    return (
        f" The PHQ-9 of {day} is incomplete{said}, so PHQ-9 {latest.value} of "
        f"{latest.date.isoformat()} is out of date: it is not the current severity."
    )


def _form(ctx: RuleContext) -> Held | None:
    """The latest form's total and answers disagree: the severity quoted is not known, whether
    the score before it is stale or not (review s24 RA finding 7: only a stale one held it)."""
    newer = phq9_disagreements.latest_conflict(ctx.record)
    if newer is None:
        return None
    score = stale_score.stale(ctx)
    before = (
        f"; the PHQ-9 judged before it is {stale_score.lead(ctx, score)}, older than the "
        "clinic's measurement interval"
        if score is not None
        else ""
    )
    return Held(
        "check the PHQ-9 form",
        f"{_NOT_RECOMMENDED} until the PHQ-9 form is checked:** "
        f"{phq9_disagreements.conflict_words(newer)}, so the severity this referral "
        f"quotes is not known{before}.",
    )


def _score(ctx: RuleContext) -> Held | None:
    form = _form(ctx)
    if form is not None:
        return form
    score = stale_score.stale(ctx)
    if score is not None:
        return Held(
            "repeat the PHQ-9",
            f"{_NOT_RECOMMENDED} until the PHQ-9 is repeated:** "
            f"{stale_score.lead(ctx, score)}, older than the clinic's "
            f"{ctx.policy.mbc_interval_days}-day measurement interval (CANMAT 2023 Table 5.1): "
            "the severity this referral and the payer criteria quote would be old.",
        )
    blind = unmeasured(ctx)
    if blind:
        names = cards.names(blind)
        return Held(
            "repeat the PHQ-9",
            f"{_NOT_RECOMMENDED} until the PHQ-9 is repeated:** {names} not measured yet "
            "(it may be working); the optimise card asks for a PHQ-9 on it first.",
        )
    return None


def _diagnosis(ctx: RuleContext) -> Held | None:
    before = diagnosis_review.settle_first(ctx)
    if not before:
        return None
    named = "; ".join(i.short for i in before)
    display = tables.topic(diagnosis_review.TOPIC).display
    return Held(
        diagnosis_review.review_words(before),
        f"{_NOT_RECOMMENDED} before the diagnosis review** ({named}; {display} card): CANMAT "
        "2023 para 184 re-evaluates the diagnosis and rules out medical contributors on poor "
        "response before the next step.",
    )


def _ect_outcome(ctx: RuleContext) -> Held | None:
    """An acute ECT course ended with no PHQ-9 since (open_referrals.ect_outcome_pending, the
    rule the optimise card holds its drug steps on): the referral names it and waits for its
    outcome (review s25 RK2 finding 10: "consider TMS referral" 13 days after 8 sessions, the
    course unnamed). A response to ECT is continued, not followed by TMS; no response is a
    reason the TMS service will want to know."""
    ect = ect_run.outcome_pending(ctx.record, ctx.policy)
    if ect is None:
        return None
    return Held(
        "record the ECT course's outcome (a PHQ-9)",
        f"{_NOT_RECOMMENDED} until the ECT course's outcome is recorded:** "
        + ect_outcome_line(
            ect,
            "first: a response is continued, and the ECT service weighs whether TMS comes next",
        ).replace("**", ""),
    )


def _course_judged(ctx: RuleContext) -> Held | None:
    """An esketamine course running inside its judging window (fix tms48: tms_course_judging.py)."""
    found = tms_course_judging.hold(ctx)
    return Held(*found) if found is not None else None


def _ketamine_judged(ctx: RuleContext) -> Held | None:
    """An IV ketamine series of the last weeks, its response not recorded (fix tms50)."""
    found = tms_ketamine_hold.hold(ctx)
    return Held(*found) if found is not None else None


def _masked_record(ctx: RuleContext) -> Held | None:
    """A procedure or device sent with its code masked (fix mask48, services/masked_records.py):
    it may be a stimulator, a cochlear implant or an aneurysm clip, each of which removes the TMS
    card, so the referral waits until it is identified. After the diagnosis review's hold (a
    masked diagnosis names its own step first); the safety screen names the record either way."""
    found = masked_records.tms_hold(ctx.record)
    return Held(*found) if found is not None else None


_HOLDS = (
    _unconfirmed,
    _item9,
    _ect_outcome,
    _course_judged,
    _ketamine_judged,
    _score,
    _diagnosis,
    _masked_record,
    tms_dose_held.dose,
    _suicide_step,
)
