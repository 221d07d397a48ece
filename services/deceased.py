"""A patient recorded deceased (Patient.deceased[x] on or before as-of): the safety checks, led by
one data-quality card naming the status; no treatment-pathway card at any hook.

Which cards (review 19 E1; issue 11 item 14; review 18b M2; recheck 18a d03). A chart of a patient
recorded deceased is opened to complete the notes, or it is the wrong chart, or the status is
wrong. The pathway cards (the next step, adherence and diagnosis reviews, relapse, TMS,
psychotherapy, measurement-based care; at an order the TMS referral, the failed-trial repeat and
the dose below the adequate range) propose care over the months ahead: for a patient who died they
are noise at best (a TMS referral at an escitalopram draft, review 19 E1), so they are left out,
in one place: PathwayFacts.active is false for a deceased patient, and every pathway card asks it.
The safety checks (an MAOI washout, suicide risk, an interaction, a dose above the maximum, a
contraindication) run as for a living patient: if the status is wrong, the patient is alive and a
lost safety card is the harm (recheck 18a d03: phenelzine running, mirtazapine drafted, the MAOI
card suppressed); if it is right, they cost a card a clinician reads past.

The status is said on a card of its own, first but for a critical safety card (critical goes
first, as on every screen, led by a line naming the status: `_in_order`, review s24 RN finding
13), so no one reads a card as if for a living patient, and every one-click
is held (an order written from a card would be written on a chart
recorded deceased; the cards keep their text):
- at an order (order-select, order-sign), when a drug or TMS draft this service reads is selected:
  a warning, "check the chart before signing" (an order on a wrong chart is a safety matter);
- on chart open (patient-view), when a safety card follows or a living patient would get a pathway
  card this screen leaves out (the rules run again as for a living patient: review s21 RN
  finding 1, a depression diagnosis with no drug and nothing to act on): information, "pathway cards not shown", asking to correct
  the status if the patient is alive (the pathway cards come back). Information, not a warning:
  nothing is being signed, and the record is usually right (the EHR's banner says it too); but
  never silent, since a wrong status hides the whole pathway. A chart with nothing this service
  would say for a living patient gets no card (a patient with nothing to act on gets none).
Long after the death (review s21 RN: a chart dead fourteen years got the status card on every
open): on chart open, a recorded date of death more than policy.deceased_quiet_after_days before
as-of, with nothing in the record dated more than that window after the death
(Patient.death_last_record, read in fhir_mapping/death_ends_courses.py), gives no card at all:
the courses ended at the death, and "pathway cards not shown" is noise on a chart opened years
on (a records request, an audit). A record within the window after the death is its paperwork
(Synthea's Darron Feeney: an encounter three days after it), no conflict; but it leaves the
courses running (death_ends_courses.py), and a safety card they raise keeps the status card. A record dated later
than that (a visit, an order, a fill, a PHQ-9) contradicts the status: then the status card is
always shown, its summary naming the conflict ("..., but a record is dated DATE: check the
status"), with the safety checks under it as for a living patient. At the order hooks nothing changes: an order written now is
itself such a record, and "check the chart before signing" stays.
Not snoozable, no dedupe key: the status comes back with each call until it is corrected. A
data-quality card among the checks (data not read, an inactive record) is said under the status,
on the same card (one card per topic).

A deceasedDateTime after as-of (recheck 18a d01) is read as alive (the record's own date says the
death has not happened: the checks run, the safe outcome), and named once, at the top of the first
card shown, since the date cannot be right. No card on the screen, no line: the date changes
nothing this service says.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date

from fhir_mapping.record import PatientRecord
from services import cards, screen
from services.data_quality_card import DATA_SOURCE
from services.order_checks.tms_draft import _selected as selected_referrals
from services.order_hooks import selected_drafts
from services.policy import Policy
from services.recommendation import INDICATOR_ORDER, Indicator, Recommendation

TOPIC = "data-quality"
ORDER_HOOKS = frozenset({"order-select", "order-sign"})

# The pathway cards each hook leaves out, named so the clinician knows what a wrong status hides.
_NOT_SHOWN = "not shown for a patient recorded deceased."
_CHART_PATHWAY = (
    "This service's treatment-pathway cards (the next step, TMS, psychotherapy, "
    f"measurement-based care) are {_NOT_SHOWN}"
)
_ORDER_PATHWAY = (
    "Its pathway checks (a TMS referral at a new drug, a repeat of a failed trial, a dose below "
    f"the adequate range) are {_NOT_SHOWN}"
)


def deceased_cards(
    record: PatientRecord,
    policy: Policy,
    hook: str,
    selections: Sequence[str] = (),
    checks: Sequence[Recommendation] = (),
    *,
    withheld: bool = False,
) -> tuple[Recommendation, ...]:
    """The hook's cards for a patient recorded deceased: the deceased card first when the hook
    is about something this service reads (module docstring), then `checks` (the safety cards,
    the pathway ones already left out) with every one-click held; () for a living patient."""
    if not record.patient.deceased:
        return ()
    at_order = hook in ORDER_HOOKS
    if quiet(record, policy, hook) and not checks:
        # Long dead, nothing since, no safety finding: no card at all (module docstring). A
        # safety card (courses left running by a record days after the death) keeps the
        # status card above it: the safer reading.
        return ()
    conflict = not at_order and long_dead(record, policy)
    held = tuple(screen.with_fields(r, suggestions=()) if r.suggestions else r for r in checks)
    if at_order:
        concerned = bool(
            selected_drafts(record, selections) or selected_referrals(record, selections)
        )
    else:
        # `withheld`: a living patient's screen would hold a pathway card this one leaves out
        # (services/evaluation.py runs the rules again to know).
        concerned = bool(checks) or withheld or conflict
    if not concerned:
        return held
    others = tuple(r for r in held if r.topic != TOPIC)
    card = (
        _order_card(record, others) if at_order else _chart_card(record, policy, others, conflict)
    )
    quality = next((r for r in held if r.topic == TOPIC), None)
    if quality is not None:
        # One card per topic: a data-quality card of the checks (data not read, an inactive
        # record) goes under the status, on the one card, at the graver of the two indicators.
        card = screen.with_fields(
            quality,
            summary=card.summary,
            detail=cards.join_sections(card.detail, quality.detail),
            indicator=min(card.indicator, quality.indicator, key=INDICATOR_ORDER.__getitem__),
        )
    # Said with each call until the status is corrected: no snooze, no dedupe key.
    return _in_order(
        record, screen.with_fields(card, topic_snoozable=False, dedupe_key=None), others
    )


def _in_order(
    record: PatientRecord, card: Recommendation, others: Sequence[Recommendation]
) -> tuple[Recommendation, ...]:
    """The status card after the critical safety cards and before the rest: critical first, as
    on every screen (review s24 RN finding 13: an information "pathway cards not shown" sat
    above a critical "stop one"); above a warning or information card it stays, so the status is
    read before them. A critical card starts with the status line, so no one reads it as if
    for a living patient before reaching the status card."""
    above = tuple(r for r in others if r.indicator is Indicator.CRITICAL)
    below = tuple(r for r in others if r.indicator is not Indicator.CRITICAL)
    line = (
        f"**Patient recorded deceased ({_when(record)}):** this safety card is shown as for a "
        "living patient (if the status is wrong, a safety finding must not be lost); its "
        "one-click orders are held. See the patient-status card."
    )
    flagged = tuple(
        screen.with_fields(r, detail=cards.join_sections(line, r.detail)) for r in above
    )
    return (*flagged, card, *below)


_ORDER_CHECKS = "This service's safety checks of the order"


def _doubted(record: PatientRecord, *, at_order: bool = False) -> str:
    """The line naming a record dated after the death (fhir_mapping/death_ends_courses.py), or
    "". At an order, the order drafted today is that record when nothing earlier is: the card
    already says an order written now doubts the status, so no line."""
    later = record.patient.death_doubted_by
    if later is None or (at_order and later == record.as_of):
        return ""
    return (
        f" A record dated {later.isoformat()}, after the recorded death, makes the date doubtful: "
        "the drugs are read as the chart gives them, not ended at the death."
    )


def long_dead(record: PatientRecord, policy: Policy) -> bool:
    """A recorded date of death more than policy.deceased_quiet_after_days before as-of (a
    deceasedBoolean without a date is never long past: nothing says when)."""
    died = record.patient.deceased_on
    return died is not None and (record.as_of - died).days > policy.deceased_quiet_after_days


def conflict_day(record: PatientRecord, policy: Policy) -> date | None:
    """The last record dated more than policy.deceased_quiet_after_days after the recorded death
    (it contradicts the status; one within that window is the death's paperwork), or None."""
    died, last = record.patient.deceased_on, record.patient.death_last_record
    if died is None or last is None:
        return None
    return last if (last - died).days > policy.deceased_quiet_after_days else None


def quiet(record: PatientRecord, policy: Policy, hook: str) -> bool:
    """Chart open for a patient long dead with nothing in the record since: no card at all."""
    return (
        hook not in ORDER_HOOKS
        and long_dead(record, policy)
        and conflict_day(record, policy) is None
    )


def _when(record: PatientRecord) -> str:
    died = record.patient.deceased_on
    return died.isoformat() if died is not None else "date not recorded"


def _ran(checks: Sequence[Recommendation], what: str) -> str:
    """What the safety checks (`what`) found: their cards are shown (one-clicks held), or nothing."""
    ran = (
        f"{what} ran as for a living patient (if the status is wrong, a safety finding must not "
        "be lost)"
    )
    if not checks:
        return f"{ran} and found nothing to say."
    held = any(r.suggestions for r in checks)
    return ran + (
        ": their cards are shown, with their one-click orders held (they would be written on "
        "this chart)."
        if held
        else ": their cards are shown."
    )


def _make(summary: str, detail: str, indicator: Indicator) -> Recommendation:
    # Its basis is the chart's Patient resource, not a guideline: the data-quality card's source.
    source = dataclasses.replace(cards.source_for(TOPIC), label=DATA_SOURCE, url=None)
    return cards.make(TOPIC, summary=summary, detail=detail, source=source, indicator=indicator)


def _order_card(record: PatientRecord, checks: Sequence[Recommendation]) -> Recommendation:
    when = _when(record)
    detail = (
        f"**Patient status:** the Patient resource records this patient as deceased ({when})."
        f"{_doubted(record, at_order=True)} An order written now points to a wrong chart or a wrong status: check both before "
        f"signing. {_ran(checks, _ORDER_CHECKS)} {_ORDER_PATHWAY}"
    )
    summary = f"Patient recorded deceased ({when}): check the chart before signing"
    return _make(summary, detail, Indicator.WARNING)


def _chart_card(
    record: PatientRecord,
    policy: Policy,
    checks: Sequence[Recommendation],
    conflict: bool = False,
) -> Recommendation:
    """The status card on chart open; `conflict`: the death is long past (`long_dead`) and a
    record is dated after it, which the summary names first."""
    when = _when(record)
    detail = (
        f"**Patient status:** the Patient resource records this patient as deceased ({when})."
        f"{_doubted(record)} {_CHART_PATHWAY} {_ran(checks, 'Its safety checks')} If the patient is alive, correct the "
        "Patient record: the pathway cards come back."
    )
    summary = f"Patient recorded deceased ({when}): treatment-pathway cards not shown"
    if checks:
        # The safety cards follow (module docstring): the summary says so, never that no card
        # is shown (review s24 RN finding 13).
        summary += "; safety cards still shown"
    later = conflict_day(record, policy) if conflict else None
    if later is not None:
        summary = (
            f"Patient recorded deceased ({when}), but a record is dated {later.isoformat()}: "
            "check the status"
        )
    return _make(summary, detail, Indicator.INFO)


def future_death_line(
    record: PatientRecord, recommendations: Sequence[Recommendation]
) -> tuple[Recommendation, ...]:
    """The screen with one data-quality line on its first card when the Patient's
    deceasedDateTime is after as-of (module docstring); the screen as it is otherwise."""
    after = record.patient.deceased_after
    if after is None or not recommendations:
        return tuple(recommendations)
    line = (
        f"**Patient status:** the Patient resource gives a date of death, {after.isoformat()}, "
        f"after today ({record.as_of.isoformat()}): read as alive (every check ran); correct the "
        "Patient record."
    )
    first, *rest = recommendations
    return (screen.with_fields(first, detail=cards.join_sections(line, first.detail)), *rest)
