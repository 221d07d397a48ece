"""Review 6 findings 1, 3, 6 and 9 on the cards and the packet: a supply gap is named, a relapse
off the drug is not a failed trial, a held drug is not taken now, a report is not "verified", and
fills without days' supply are not "no dispensing data"."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from fhir_mapping.record import (
    Adherence,
    AdherenceStatus,
    PatientRecord,
    RefillGap,
    Trial,
    Verdict,
)
from services import cards
from services.packet import render_packet
from services.policy import Policy
from services.rules import adherence_review, tms_referral
from tests.browser.packet_example import cells
from tests.services import factories as f
from tests.services.helpers import ctx

POLICY = Policy()
START = date(2023, 4, 3)
GAP = RefillGap(date(2024, 1, 1), date(2024, 3, 1))  # 60 days with no supply


def lapsed_venlafaxine(after_on: date = date(2024, 2, 12)) -> Trial:
    """Venlafaxine 225 mg, adequate, PDC 84 %, a 60-day lapse; the latest PHQ-9 (17) in it."""
    trial = f.venlafaxine_failed(start=START, weeks=52)
    assert trial.on_treatment is not None
    return dataclasses.replace(
        trial,
        adherence=Adherence(AdherenceStatus.VERIFIED, pdc=0.84, supply_gaps=(GAP,)),
        on_treatment=dataclasses.replace(trial.on_treatment, date=after_on),
    )


def lapse_record(*, response: bool) -> PatientRecord:
    trial = lapsed_venlafaxine()
    scores = [f.score(17, date(2024, 5, 20))]
    if response:
        scores.append(f.score(8, START + timedelta(weeks=10)))  # 18 -> 8 on the drug
    return f.trd_record(trials=(f.sertraline_failed(), trial), scores=tuple(scores))


def test_a_phq9_in_a_supply_gap_is_not_a_failure_and_the_gap_is_named() -> None:
    record = lapse_record(response=True)
    (sertraline, venlafaxine) = record.trials
    assert venlafaxine.verdict is Verdict.ADEQUATE and not venlafaxine.failed
    # The control: the same trial with the score on the drug is a failure.
    assert dataclasses.replace(
        venlafaxine, adherence=Adherence(AdherenceStatus.VERIFIED, 0.84)
    ).failed
    rec = adherence_review.rule(ctx(record))
    assert rec is not None
    assert "venlafaxine" in rec.summary and "60 days from 2024-01-01" in rec.summary
    assert "relapse off the drug, not counted as a failed trial" in (rec.detail or "")
    # One failed trial left: no TMS referral on it.
    assert tms_referral.rule(ctx(record)) is None


def test_the_packet_calls_it_a_relapse_during_a_supply_gap() -> None:
    html = render_packet(lapse_record(response=True), POLICY)
    outcomes = cells(html, "Outcome", "trials")
    assert any(
        o.startswith("response (PHQ-9 8 on") and "relapse during a supply gap" in o
        for o in outcomes
    )
    adherence = cells(html, "Adherence", "trials")
    assert (
        "refills: PDC 84 %; no supply 60 days from 2024-01-01; PHQ-9 of 2024-02-12 taken in a supply gap"
        in adherence
    )
    counted = cells(html, "Counted for TMS", "trials")
    assert "yes: failed" in counted[0] and counted[1] == "no"


def test_without_a_response_the_packet_says_to_confirm() -> None:
    html = render_packet(lapse_record(response=False), POLICY)
    outcomes = cells(html, "Outcome", "trials")
    assert any(o.startswith("to confirm: PHQ-9 17 on") for o in outcomes)


def test_a_gap_in_a_counted_trial_is_a_tms_caveat() -> None:
    # The gap came before the outcome score: the trial still counts, and the card says so.
    trial = dataclasses.replace(
        f.venlafaxine_failed(),
        adherence=Adherence(
            AdherenceStatus.VERIFIED,
            pdc=0.88,
            supply_gaps=(RefillGap(date(2023, 5, 1), date(2023, 6, 5)),),
        ),
    )
    record = f.trd_record(trials=(f.sertraline_failed(), trial))
    assert trial.failed
    rec = tms_referral.rule(ctx(record))
    assert rec is not None
    assert "No supply of venlafaxine dispensed for 35 days from 2023-05-01" in (rec.detail or "")


def test_a_held_drug_reads_on_hold_not_ongoing() -> None:
    trial = dataclasses.replace(
        f.venlafaxine_failed(ongoing=True, weeks_adequate=0, verdict=Verdict.ONGOING),
        on_hold=date(2024, 2, 24),
        adherence=Adherence(AdherenceStatus.UNVERIFIED),
    )
    record = f.trd_record(trials=(f.sertraline_failed(), trial))
    # The record gives no hold date: the last day it shows the drug taken (review 14 W6).
    assert "on hold, not taken since 2024-02-24 at the latest" in cards.adherence_text(trial)
    html = render_packet(record, POLICY)
    assert any(d.endswith("on hold (not taken now)") for d in cells(html, "Dates", "trials"))
    rec = adherence_review.rule(ctx(record))
    assert rec is not None and "on hold" in rec.summary


def test_adherence_is_never_called_verified() -> None:
    refills = f.trial(adherence=Adherence(AdherenceStatus.VERIFIED, pdc=0.84))
    assert cards.adherence_text(refills) == "refills on time (PDC 84 %)"
    report = f.trial(
        adherence=Adherence(
            AdherenceStatus.VERIFIED,
            documented="reported by patient (2025-05-19): Complies with drug therapy (MedicationStatement/s1)",
        )
    )
    text = cards.adherence_text(report)
    assert text.startswith("reported by patient (2025-05-19)") and "verified" not in text


def test_self_reported_adherence_keeps_the_confirm_caveat() -> None:
    reported = dataclasses.replace(
        f.venlafaxine_failed(),
        adherence=Adherence(
            AdherenceStatus.VERIFIED, documented="reported by patient (2024-05-01): Complies"
        ),
    )
    record = f.trd_record(trials=(f.sertraline_failed(), reported))
    rec = tms_referral.rule(ctx(record))
    assert rec is not None
    assert "Adherence not verified by dispensing data for venlafaxine" in (rec.detail or "")
    # Refill data at PDC 93 % (the factory's): no caveat (the check above can fail).
    plain = tms_referral.rule(ctx(f.trd_record()))
    assert plain is not None and "Adherence not verified" not in (plain.detail or "")


def test_fills_without_days_supply_are_not_no_dispensing_data() -> None:
    trial = f.trial(adherence=Adherence(AdherenceStatus.UNVERIFIED, fills=12))
    assert cards.adherence_text(trial) == "unverified; 12 fills on record, days' supply not stated"
    none = f.trial(adherence=Adherence(AdherenceStatus.UNVERIFIED))
    assert cards.adherence_text(none) == "unverified; no dispensing data"


def test_the_cards_trial_table_does_not_call_a_gap_or_hold_score_a_failure() -> None:
    """The cards' verdict text agrees with the packet: a PHQ-9 taken in a supply gap or after a
    hold leaves the outcome to confirm, never "failed"."""
    in_gap = lapsed_venlafaxine()
    assert cards.verdict_text(in_gap, POLICY.mapping) == (
        "adequate; to confirm: the PHQ-9 of 2024-02-12 was taken in a supply gap"
    )
    on_hold = dataclasses.replace(
        f.venlafaxine_failed(start=START, weeks=52), on_hold=date(2023, 12, 1)
    )
    assert not on_hold.failed
    assert cards.verdict_text(on_hold, POLICY.mapping).startswith(
        "adequate; to confirm: the PHQ-9 of "
    ) and cards.verdict_text(on_hold, POLICY.mapping).endswith("after it was put on hold")
    # The control: the same course scored on the drug is failed, as before.
    scored_on_drug = f.venlafaxine_failed(start=START, weeks=52)
    assert cards.verdict_text(scored_on_drug, POLICY.mapping) == (
        "failed (adequate; < 50 % PHQ-9 drop)"
    )
