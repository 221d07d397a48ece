"""An inpatient stay in progress: the outpatient one-clicks held (review 16 recheck W-c; a
medical stay too since the second recheck, c01 / c01b).

The record reads an inpatient stay still in progress on the as-of date
(fhir_mapping/admissions.py `read_current_stays`: class IMP / ACUTE / NONAC, status in-progress
or onleave, or arrived or triaged on the way to the ward (review s26 RK1 finding 6), no
discharge by as-of), psychiatric (a psychiatric reason, principal diagnosis or
unit), medical (another reason coded: a pneumonia) or unspecified (no reason coded). While it
is on record the patient is an inpatient: the treatment is the inpatient team's, and an
outpatient TMS referral, psychotherapy referral or a new outpatient prescription placed from a
card would go around it. So the pathway cards that propose those orders (`_HELD_TOPICS`) keep
their analysis (the trials, the staging, the criteria: useful to the inpatient team and at
discharge) but offer no one-click; one line at the top of the first names the stay and says its
orders are text until discharge, the others point to it (audit 17 M4), and a summary that
proposed the referral says it waits for discharge.

Why a medical stay holds them too (the safer choice): on a medical ward the inpatient team
reconciles and orders every medication, and a psychiatrist is a consultant there; an adjunct
antipsychotic added from an outpatient card beside the ward's own orders (antibiotics, sedation,
QT-prolonging drugs) is an order the team has not seen, and a TMS course (daily outpatient
sessions) cannot start while the patient is on the ward. Nothing is lost: the analysis stays on
the card, and at discharge the one-clicks come back. Only a psychiatric stay changes the
suicide-risk card's wording (the ward's psychiatrist assesses today), and only a psychiatric
discharge opens the post-discharge period (rules/suicide_risk_discharge.py): the risk Chung 2017
measured is that of discharge from psychiatric care.

At the order hooks (services/order_hooks.py) the TMS card is left out during a stay (`at_order`):
its referral would wait for discharge, so it would say only that the patient is admitted (audit
17 M4); the drafted order itself is the inpatient team's and is never blocked; the safety cards'
suggestions (a same-day psychiatric assessment for a suicide-risk or puerperal-psychosis
finding) are not outpatient orders and stay.

An emergency-department visit in progress (fhir_mapping/current_stays.py: class EMER, status
in-progress, arrived or triaged; review s25 RI finding 5) holds the same one-clicks "after the ED
visit", and also the diagnosis review's lab orders ("Order TSH"): a non-urgent outpatient test
ordered from an ED screen is resulted after the patient has left, to a team that did not ask for
it, while a ward's TSH is resulted to the team still caring for the patient. Which one-click
stays is not decided here, by topic, but by the one rule of every hold (services/hold_survival.py,
data/hold_survival.csv: per setting and kind of proposal, a drug, a referral, a lab, a scale, an
assessment; review s26 RN finding 6): a card here only says what its hold took off. The ED team's line
names the visit; at the order hooks the TMS card is left out as during a stay. Nothing else read
of a ward applies to it: the suicide-risk card keeps its ED words (fhir_mapping/visit_risk.py),
an unrecorded item 9 is still asked, a home drug is not "held on the ward". When an inpatient
stay is also open (admitted from the ED, the ED visit not yet closed), the stay is named.

Why this and not a card of its own, or no pathway cards at all (the least noisy safe answer):
- no new card: the stay is not a finding anyone must act on today (the inpatient team knows the
  patient is admitted), and a card on every chart open during a stay would be noise; the line
  sits where the orders it holds would have been;
- the cards stay: hiding them would hide a failed-trial count and a TMS work-up the team may
  want for the discharge plan, and nothing on them is unsafe once nothing is one click;
- the suicide-risk and the other safety cards are untouched (they speak whatever the setting),
  and at a psychiatric discharge the post-discharge card applies
  (rules/suicide_risk_discharge.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import date

from fhir_mapping.admission_record import StaySetting
from fhir_mapping.record import CurrentStay
from services import cards, hold_survival, screen
from services.card_format import record_cite
from services.recommendation import Recommendation, Suggestion
from services.rules import (
    measurement_based_care,
    one_click_hold,
    psychotherapy,
    recurrence,
    relapse,
    tms_course,
    tms_referral,
    tms_summary,
    unread_class_note,
)
from services.rules.context import RuleContext
from services.rules.optimize import card as optimise_card
from services.rules.stay_words import (
    HELD_BY,
    held_by,
    pointer,
    stay_line,
    ward_pointer,
    ward_team,
)

# The pathway cards whose proposals are outpatient orders (a drug to start, raise, add or restart;
# a TMS or psychotherapy referral): each names the stay even with nothing left to take off (its
# referral waits for discharge). Which one-clicks any card keeps is hold_survival's rule.
_HELD_TOPICS = frozenset(
    {
        optimise_card.TOPIC,
        relapse.TOPIC,
        recurrence.TOPIC,
        tms_referral.TOPIC,
        tms_course.TOPIC,
        psychotherapy.TOPIC,
    }
)
# The routine PHQ-9 reminder names the ward stay as the pathway cards do (review s27 RQ2 finding
# 5: "On venlafaxine since 2026-11-02; no PHQ-9 total since venlafaxine started: repeat the
# PHQ-9" stood as an outpatient reminder beside cards saying "after discharge" during a
# psychiatric admission). Its PHQ-9 stays one click (data/hold_survival.csv: inpatient, scale:
# the ward can record it); its summary says whose it is. Not at an ED visit (its words are the
# ward's), nor the unanswered-item-9 card (a safety question, asked in every setting). Nor on a
# medical stay (`_ward_worded`; recheck K6 s28 finding 4: "the inpatient team can repeat the
# PHQ-9" during an appendicitis admission): there the inpatient team treats the medical illness
# and a psychiatrist is a consultant (module docstring), so it is no ward team's measure; the
# reminder stays as the outpatient one it is (its PHQ-9 one click in every setting,
# data/hold_survival.csv), not "after discharge", which its one-click would contradict.
_WARD_WORDED = frozenset({measurement_based_care.TOPIC})

# A held card's summary that proposed the referral: its words, and what they become (longest
# first; the first that fits the summary's length is taken).
_AFTER_DISCHARGE: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    tms_referral.TOPIC: (
        (
            tms_summary.CONSIDER_AGAIN,
            (
                f"TMS retreatment after discharge (held: {HELD_BY})",
                "TMS retreatment after discharge",
            ),
        ),
        (
            tms_summary.CONSIDER,
            (f"TMS referral after discharge (held: {HELD_BY})", "TMS referral after discharge"),
        ),
    ),
    psychotherapy.TOPIC: (
        (psychotherapy.CONSIDER[0], ("CBT or IPT referral after discharge",)),
        (psychotherapy.CONSIDER[1], ("CBT or IPT after discharge",)),
        (psychotherapy.CONSIDER_RESUMING[0], ("resuming CBT or IPT after discharge",)),
    ),
    measurement_based_care.TOPIC: (
        (
            "repeat the PHQ-9 to measure response",
            (
                "the inpatient team can repeat the PHQ-9 to measure response",
                "the inpatient team can repeat the PHQ-9",
            ),
        ),
        ("repeat the PHQ-9", ("the inpatient team can repeat the PHQ-9",)),
    ),
}


# An ED visit's summaries: the referral proposal waits for the visit's end.
_AFTER_ED: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    topic: tuple(
        (said, tuple(i.replace("after discharge", "after the ED visit") for i in instead))
        for said, instead in wordings
    )
    for topic, wordings in _AFTER_DISCHARGE.items()
    if topic not in _WARD_WORDED
}


def _shown_stay(stays: Sequence[CurrentStay]) -> CurrentStay:
    """The stay the line names: the latest psychiatric one, else the latest inpatient one, else
    the ED visit (two open at once is a transfer, or an admission from the ED, not yet closed
    on one of them; the psychiatric one says more, and a ward's team decides over the ED's)."""
    psychiatric = [s for s in stays if s.psychiatric]
    inpatient = [s for s in stays if not s.ed_visit]
    return psychiatric[-1] if psychiatric else inpatient[-1] if inpatient else stays[-1]


def _hold(stay: CurrentStay) -> str:
    """The stay's hold in data/hold_survival.csv."""
    return hold_survival.ED if stay.ed_visit else hold_survival.INPATIENT


def _ward_worded(stay: CurrentStay) -> bool:
    """Whether the measurement card names the stay (`_WARD_WORDED`): a psychiatric or
    unspecified stay (an observation one too), not an ED visit nor a medical stay."""
    return not stay.ed_visit and stay.setting is not StaySetting.MEDICAL


def _touched(stay: CurrentStay, rec: Recommendation) -> bool:
    """Whether the stay's hold speaks on `rec`: a pathway card, or any card it takes a one-click
    off (the diagnosis review's TSH during an ED visit)."""
    if rec.topic in _HELD_TOPICS:
        return True
    if rec.topic in _WARD_WORDED and _ward_worded(stay):
        return True
    return bool(hold_survival.split(_hold(stay), rec.topic, rec.suggestions)[1])


def _after_discharge(rec: Recommendation, stay: CurrentStay) -> str:
    """The summary of a held card with its referral proposal worded as waiting for discharge
    (`_AFTER_DISCHARGE`) or the ED visit's end; the summary as it is when it proposes none."""
    wordings = _AFTER_ED if stay.ed_visit else _AFTER_DISCHARGE
    for said, instead in wordings.get(rec.topic, ()):
        if said in rec.summary:
            return cards.fit_summary(
                *(ward_team(rec.summary.replace(said, i, 1), stay) for i in instead)
            )
    return rec.summary


def conflict_line(stay: CurrentStay) -> str:
    """ "**Inpatient stay recorded open since 2023-05-10** [Encounter/x], with outpatient
    visits since (first 2024-10-21): check its status in the chart; nothing is held on it."
    Pharmacy fills when no visit says it (review 17 second recheck M2: monthly fills, no
    visit), PHQ-9 results when neither does (an ED visit only). An ED visit says "ED visit"
    (review s25 RK2 finding 4: a stale ED visit was called an inpatient stay). Its length alone
    releases nothing (`CurrentStay.overdue` keeps the hold: `stay_line`; RK4 finding 11)."""
    since = f" since {stay.start.isoformat()}" if stay.start is not None else ""
    first: date | None = stay.outpatient_since
    what = "outpatient visits"
    if stay.visit_days:
        first = stay.visit_days[0]
    elif stay.fill_days:
        what, first = "pharmacy fills", stay.fill_days[0]
    elif stay.score_days:
        what, first = "PHQ-9 results", stay.score_days[0]
    first_day = first.isoformat() if first is not None else ""
    where = record_cite(stay.source, stay.start is not None, " [{}]")
    head = "ED visit" if stay.ed_visit else "Inpatient stay"
    return (
        f"**{head} recorded open{since}**{where}, with {what} since (first {first_day}): check "
        "its status in the chart; nothing is held on it."
    )


def _with_conflict(
    ctx: RuleContext, recs: Sequence[Recommendation], stay: CurrentStay
) -> list[Recommendation]:
    """`recs` with `conflict_line` once, at the top of the first card whose one-clicks a stay
    (or the ED visit) would hold (review 17 recheck R2: said once, no hold); none such: as they
    are."""
    out = list(recs)
    line = conflict_line(stay)
    for i, rec in enumerate(out):
        if _touched(stay, rec):
            detail = cards.join_sections(line, rec.detail)
            out[i] = screen.with_fields(rec, detail=detail)
            break
    return out


def hold_one_click(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` (in screen order) with the held topics' one-clicks taken off and the stay named
    (module docstring): in full on the first held card shown, by `pointer` on the others (audit
    17 M4: the same line stood on the optimise and the TMS card). `hidden`: the topics left off
    this screen (snoozed), never the one a pointer names. `recs` as they are when no inpatient
    stay is in progress (nearly always).
    A stay recorded in progress that outpatient visits since contradict (CurrentStay
    .contradicted; review 17 recheck R2) holds nothing: the later visits show the patient
    left, and a hold kept on a stay left open by mistake would last for ever. So is an ED
    visit with any outpatient event since its arrival day (fhir_mapping/current_stays.py
    `_ed_left`); one past `ed_visit_max_days` with nothing since holds, its status to check
    (`stay_line`). It is said once, as a record to correct, when no real stay is in
    progress."""
    stays = [s for s in ctx.record.current_stays if not s.contradicted]
    if not stays:
        conflicts = ctx.record.current_stays
        said = _with_conflict(ctx, recs, conflicts[-1]) if conflicts else list(recs)
        # A visit in progress whose class is not read: said where the drug one-clicks are, not
        # held (rules/unread_class_note.py; review s26 RK1 finding 6).
        return unread_class_note.with_unread_class_line(ctx, said)
    stay = _shown_stay(stays)
    hold = _hold(stay)
    first = next((r.topic for r in recs if _touched(stay, r) and r.topic not in hidden), "")

    def line(topic: str, held: Sequence[Suggestion]) -> str:
        if topic == first or not first:
            return stay_line(stay, held)
        if topic in _WARD_WORDED and not held:
            return ward_pointer(first, stay)  # its PHQ-9 is no outpatient order waiting
        return pointer(first, held, stay)

    def held_here(suggestion: Suggestion) -> bool:
        return not hold_survival.survives(hold, optimise_card.TOPIC, suggestion)

    # The optimise card through the shared hold, so its summary says what is held.
    out = one_click_hold.hold_drug_orders(
        recs,
        lambda held: line(optimise_card.TOPIC, held),
        held_here,
        held_by=held_by(stay),
        whole=True,
    )
    result: list[Recommendation] = []
    for rec in out:
        if not _touched(stay, rec) or rec.topic == optimise_card.TOPIC:
            result.append(rec)
            continue
        kept, held = hold_survival.split(hold, rec.topic, rec.suggestions)
        result.append(
            screen.with_fields(
                rec,
                summary=_after_discharge(rec, stay),
                suggestions=kept,
                detail=cards.join_sections(line(rec.topic, held), rec.detail),
                wants_packet=hold_survival.keeps_packet(rec, held),
            )
        )
    return result


def at_order(ctx: RuleContext, recs: Sequence[Recommendation]) -> list[Recommendation]:
    """The order hooks' cards during an inpatient stay in progress: without the held topics'
    cards (the TMS card, the only one an order hook raises). At an order it is raised to offer
    the referral at a change of treatment; with the referral waiting for discharge it said
    only that the patient is admitted, which the inpatient team placing the order knows (audit
    17 M4: the one card at a bupropion draft during a stay). The patient-view TMS card keeps
    the work-up for the discharge plan. The drafted drug's own cards and the safety cards stay."""
    stays = [s for s in ctx.record.current_stays if not s.contradicted]
    if not stays:
        # No stay, or only one that later outpatient visits contradict: nothing is held, and
        # the contradicted one is said as a record to correct (`hold_one_click`).
        return hold_one_click(ctx, recs)
    # A card the stay holds whose every one-click it takes off (the TMS referral) says nothing a
    # ward team placing an order needs; a card keeping a one-click (a safety card's) stays.
    stay = _shown_stay(stays)
    return [
        r
        for r in recs
        if not _touched(stay, r) or hold_survival.split(_hold(stay), r.topic, r.suggestions)[0]
    ]
