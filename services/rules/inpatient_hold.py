"""A psychiatric admission in progress: the outpatient one-clicks held (review 16 recheck W-c).

The record reads a psychiatric inpatient stay still in progress on the as-of date
(fhir_mapping/admissions.py `read_current_stays`: status in-progress or onleave, no discharge
by as-of, and a psychiatric reason, principal diagnosis or unit). While it is on record the
patient is an inpatient: the treatment is the inpatient team's, and an outpatient TMS referral,
psychotherapy referral or a new outpatient prescription placed from a chart-open card would go
around it. So at patient-view the pathway cards that propose those orders (`_HELD_TOPICS`) keep
their analysis (the trials, the staging, the criteria: useful to the inpatient team and at
discharge) but offer no one-click; one line at the top of each names the stay and the proposals
taken off, as text.

Why this and not a card of its own, or no pathway cards at all (the least noisy safe answer):
- no new card: the stay is not a finding anyone must act on today (the inpatient team knows the
  patient is admitted), and a card on every chart open during a stay would be noise; the line
  sits where the orders it holds would have been;
- the cards stay: hiding them would hide a failed-trial count and a TMS work-up the team may
  want for the discharge plan, and nothing on them is unsafe once nothing is one click;
- the suicide-risk and the other safety cards are untouched (they speak whatever the setting),
  and at discharge the post-discharge card applies (rules/suicide_risk_discharge.py).
A medical (non-psychiatric) stay in progress is not read: its reason is not the depression
pathway's, and the outpatient cards then stay as they are (a gap named in the review report).
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.record import CurrentStay
from services import cards, screen
from services.recommendation import Recommendation, Suggestion
from services.rules import (
    one_click_hold,
    psychotherapy,
    recurrence,
    relapse,
    tms_course,
    tms_referral,
)
from services.rules.context import RuleContext
from services.rules.optimize import card as optimise_card

# The pathway cards whose one-clicks are outpatient orders: a drug to start, raise, add or
# restart; a TMS or psychotherapy referral. The measurement-based-care, adherence and diagnosis
# review cards ask for a scale or a review, which an inpatient stay does not change.
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
HELD_BY = "inpatient stay in progress"


def stay_line(stay: CurrentStay, held: Sequence[Suggestion]) -> str:
    """ "**Currently admitted (psychiatric) since 2025-05-26** (ICD-10-CM F33.2 ...)
    [Encounter/x]: outpatient orders wait for discharge; not one click: <held>." """
    since = f" since {stay.start.isoformat()}" if stay.start is not None else ""
    what = f"{stay.reason} {stay.reason_display}".strip() if stay.reason_display else stay.reason
    where = f" [{stay.source}]" if stay.source is not None else ""
    labels = "; ".join(s.label for s in held)
    named = f"; not one click: {labels}" if labels else ""
    return (
        f"**Currently admitted (psychiatric){since}** ({what}){where}: outpatient orders wait "
        f"for discharge, the inpatient team decides treatment now{named}."
    )


def hold_one_click(ctx: RuleContext, recs: Sequence[Recommendation]) -> list[Recommendation]:
    """`recs` with the held topics' one-clicks taken off and the stay named (module
    docstring); `recs` as they are when no psychiatric stay is in progress (nearly always)."""
    stays = ctx.record.current_stays
    if not stays:
        return list(recs)
    stay = stays[-1]

    def every(_suggestion: Suggestion) -> bool:
        return True

    # The optimise card through the shared hold, so its summary says what is held.
    out = one_click_hold.hold_drug_orders(
        recs, lambda held: stay_line(stay, held), every, held_by=HELD_BY
    )
    result: list[Recommendation] = []
    for rec in out:
        if rec.topic not in _HELD_TOPICS or rec.topic == optimise_card.TOPIC:
            result.append(rec)
            continue
        line = stay_line(stay, rec.suggestions)
        result.append(
            screen.with_fields(rec, suggestions=(), detail=cards.join_sections(line, rec.detail))
        )
    return result
