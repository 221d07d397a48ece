"""Lithium during an ECT course (review 21 RF finding 1): the one rule the order hooks and the
chart share.

CANMAT 2023 para 218 (REFERENCE.md 3.5) counts lithium, with benzodiazepines and
anticonvulsants, among the drugs that interfere with ECT or worsen its cognitive effects and are
held before it; lithium with ECT can cause severe confusion after treatments even at a low level
(data/acute_risk.csv row `lithium-ect`, its sources). A chart with monthly maintenance ECT and
lithium 300 mg twice daily drafted got no card at all, and with both running the cards named the
ECT course and the lithium course apart, never together.

An ECT course is current (`ect_now`) when its latest session (CPT 90870: ProcedureKind.ECT) is
at most policy.ect_recent_session_days old, or an ECT order is open (a ServiceRequest the chart
holds as draft, active or on hold: open_referrals.OPEN_REQUEST_STATUSES; or one on the order
being written) that is still a course (open_referrals.ect_order_current, shared with
PathwayFacts.ect_open: an order left active months after its last session is not a course). Either alone is enough: a course between monthly sessions and a course just
ordered are both one the ECT team must know lithium beside. Lithium is running when an
augmentation course of it is ongoing (PathwayFacts.augmentations); an ended course is not; one
running on only by the supply of an order stopped or on hold is named so (`held_text`), to be
confirmed not taken, never called running.

Said as a warning: the harm is a confused patient after a treatment, not an emergency, and the
decision (hold the dose before each treatment, lower it, or keep it) is the ECT team's, so nothing
is one click. The wording is the data row's; this module only says when and with which dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from fhir_mapping.record import PatientRecord, ProcedureKind, Referral, Trial
from services import tms_gate
from services.open_referrals import (
    OPEN_REQUEST_STATUSES,
    ect_order_current,
    ect_session_window,
    ect_sessions,
)
from services.policy import Policy

LITHIUM = "lithium"
_ROW = "lithium-ect"


@dataclass(frozen=True, slots=True)
class EctNow:
    """What makes an ECT course current: its latest session on record (None: none within the
    window) and an open ECT order (None: none)."""

    last_session: date | None
    order: Referral | None
    # The start of an ECT course charted as one Procedure still in progress (its last_session is
    # then as-of, no session on record: ProcedureRecord.ongoing), else None.
    since: date | None = None

    def session_text(self) -> str:
        """ "last session 2026-11-23", "in progress since 2026-11-09", or ""."""
        if self.last_session is None:
            return ""
        if self.since is not None:
            return f"in progress since {self.since.isoformat()}"
        return f"last session {self.last_session.isoformat()}"

    def text(self) -> str:
        """ "last session 2026-11-23; ECT order of 2026-07-01 active", the dates a card names the
        course by."""
        parts: list[str] = []
        if self.last_session is not None:
            parts.append(self.session_text())
        if self.order is not None:
            # By its date and status, not its resource id (review 19 b01s: what a clinician
            # finds it by).
            dated = f" of {self.order.authored.isoformat()}" if self.order.authored else ""
            parts.append(f"ECT order{dated} {self.order.status or 'draft'}")
        return "; ".join(parts)


def ect_now(
    record: PatientRecord, policy: Policy, drafted: Sequence[Referral] = ()
) -> EctNow | None:
    """The current ECT course, or None: a session within policy.ect_recent_session_days (longer
    under an open order with a maintenance schedule: open_referrals.ect_session_window), an
    open ECT order on the chart that is still a course (open_referrals.ect_order_current), or
    an ECT order among `drafted` (the order being written)."""
    sessions = ect_sessions(record)
    latest = sessions[-1] if sessions else None
    open_order = next(
        (
            r
            for r in record.referrals
            if r.kind == "ect"
            and r.status in OPEN_REQUEST_STATUSES
            and ect_order_current(r, sessions, record.as_of, policy)
        ),
        None,
    )
    # The session is named while the course it belongs to is current: within the chart order's
    # window (maintenance under an open order: open_referrals.ect_session_window), else within
    # policy.ect_recent_session_days.
    window = ect_session_window(open_order, sessions, policy)
    recent = latest if latest is not None and record.as_of - latest <= window else None
    order = next((r for r in drafted if r.kind == "ect"), None) or open_order
    if recent is None and order is None:
        return None
    since = next(
        (
            p.date
            for p in record.procedures
            if p.kind is ProcedureKind.ECT and p.ongoing and p.performed_end == recent
        ),
        None,
    )
    return EctNow(recent, order, since if recent is not None else None)


def running_lithium(trials: Sequence[Trial]) -> Trial | None:
    """The ongoing lithium course among `trials` (PathwayFacts.augmentations), or None."""
    return next((t for t in trials if t.ongoing and t.ingredient == LITHIUM), None)


def held_text(trial: Trial) -> str:
    """ "its order stopped on 2026-11-18" / "its order on hold (supply on record to 2026-12-01)"
    for a course running on only by the supply of an order stopped or held (Trial.order_stopped,
    Trial.on_hold: review s21 RR2 finding 5, "Held before ECT" still read running); "" else."""
    if trial.order_stopped is not None:
        return f"its order stopped on {trial.order_stopped.isoformat()}"
    if trial.on_hold is not None:
        return f"its order on hold (supply on record to {trial.on_hold.isoformat()})"
    return ""


def advice() -> str:
    """The data row's words: why lithium matters during ECT and what to agree with the team."""
    return tms_gate.line(_ROW)


def line(lithium: str, ect: EctNow, held: str = "") -> str:
    """ "**Lithium during ECT:** lithium 900 mg/day since 2026-09-10 during an ECT course (last
    session 2026-11-23): lithium with ECT can cause ...", one paragraph for a card; `lithium`
    names the course or the order ("lithium ordered"). `held` (held_text): the order is stopped
    or on hold, so the drug is not called running: it is to be confirmed not taken (a fill
    before the stop may still be at home; the safer reading than saying nothing)."""
    if held:
        return (
            f"**Lithium during ECT:** {lithium}, {held}, during an ECT course ({ect.text()}): "
            f"confirm it is not being taken (an earlier fill may remain); {advice()}."
        )
    return f"**Lithium during ECT:** {lithium} during an ECT course ({ect.text()}): {advice()}."
