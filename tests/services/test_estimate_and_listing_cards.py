"""Review 6 findings 9 and 11 on the cards and the packet: a PDC from estimated days of supply says
so, and a stale `active` statement reads "listed as active; not confirmed since", not as years of
treatment."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from fhir_mapping.record import (
    Adherence,
    AdherenceStatus,
    DoseSegment,
    InadequacyReason,
    Trial,
    Verdict,
)
from services import cards
from services.packet import render_packet
from services.policy import Policy
from services.rules import adherence_review
from tests.browser.packet_example import cells
from tests.services import factories as f
from tests.services.helpers import ctx

POLICY = Policy()
ESTIMATE = "estimated from quantity and the order's dose"


def estimated(pdc: float, status: AdherenceStatus) -> Adherence:
    return Adherence(status, pdc=pdc, fills=6, estimated=True)


def test_an_estimated_pdc_says_so_on_the_card_and_in_the_packet() -> None:
    trial = dataclasses.replace(
        f.venlafaxine_failed(), adherence=estimated(0.95, AdherenceStatus.VERIFIED)
    )
    assert ESTIMATE in cards.adherence_text(trial)
    # The control: a PDC from stated days of supply says nothing of an estimate.
    assert ESTIMATE not in cards.adherence_text(f.venlafaxine_failed())
    html = render_packet(f.trd_record(trials=(f.sertraline_failed(), trial)), POLICY)
    assert any(ESTIMATE in a for a in cells(html, "Adherence", "trials"))


def test_a_poor_estimated_pdc_is_flagged_as_estimated() -> None:
    trial = dataclasses.replace(
        f.venlafaxine_failed(),
        adherence=estimated(0.5, AdherenceStatus.POOR),
        verdict=Verdict.INADEQUATE,
        reasons=(InadequacyReason.POOR_ADHERENCE,),
    )
    rec = adherence_review.rule(ctx(f.trd_record(trials=(f.sertraline_failed(), trial))))
    assert rec is not None
    assert "venlafaxine PDC 50 % (estimated)" in rec.summary
    assert ESTIMATE in (rec.detail or "")


LISTED = date(2012, 8, 6)


def listed_venlafaxine(start: date = LISTED) -> Trial:
    """Venlafaxine 225 mg listed active in a statement of `start`: counted for its confirmed year
    only, still running; the latest PHQ-9 (17) is from this year."""
    trial = f.venlafaxine_failed(start=start, ongoing=True)
    counted = start + timedelta(days=365)
    return dataclasses.replace(
        trial,
        segments=(DoseSegment(start, counted, 225),),
        weeks_at_adequate_dose=52.1,
        adherence=Adherence(AdherenceStatus.UNVERIFIED),
        unconfirmed_since=start,
    )


def test_a_stale_listing_is_not_a_failed_trial_and_reads_as_listed() -> None:
    trial = listed_venlafaxine()
    assert trial.verdict is Verdict.ADEQUATE and trial.on_treatment is not None
    assert not trial.failed
    # The control: confirmed to today, the same scores make it a failed trial.
    confirmed = dataclasses.replace(
        trial,
        unconfirmed_since=None,
        segments=(DoseSegment(LISTED, trial.end, 225),),
    )
    assert confirmed.failed
    assert "listed as active; not confirmed since 2012-08-06" in cards.adherence_text(trial)


def test_the_packet_shows_the_listing_not_an_ongoing_course() -> None:
    # Listed in this episode (from 2023-03-06), not confirmed since: not counted as failed.
    record = f.trd_record(trials=(f.sertraline_failed(), listed_venlafaxine(date(2023, 3, 6))))
    html = render_packet(record, POLICY)
    dates = cells(html, "Dates", "trials")
    # The cards' listing words (trial_dates.ongoing_text, review s23 RP finding 2).
    assert (
        "6 Mar 2023 – listed: statement active since 6 Mar 2023, last confirmed 6 Mar 2023" in dates
    )
    outcomes = cells(html, "Outcome", "trials")
    assert any(
        o.startswith("to confirm: PHQ-9 17 on") and "last confirmed on 6 Mar 2023" in o
        for o in outcomes
    )
    counted = cells(html, "Counted for TMS", "trials")
    assert counted[0].startswith("yes") and counted[1] == "no"


def test_the_adherence_card_asks_to_reconcile_a_listing_from_before_the_episode() -> None:
    # The 2012 listing runs beside this episode's drugs: a reconciliation prompt.
    record = f.trd_record(trials=(listed_venlafaxine(), f.sertraline_failed()))
    rec = adherence_review.rule(ctx(record))
    assert rec is not None
    assert "venlafaxine listed as active, not confirmed since 2012-08-06" in rec.summary
    detail = rec.detail or ""
    assert "time after 2013-08-06 not counted" in detail
    assert "Reconcile the medication list" in detail
    # The control: the same course confirmed raises no card.
    confirmed = dataclasses.replace(listed_venlafaxine(), unconfirmed_since=None)
    assert (
        adherence_review.rule(ctx(f.trd_record(trials=(confirmed, f.sertraline_failed())))) is None
    )
