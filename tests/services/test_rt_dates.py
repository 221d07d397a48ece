"""Review s23 RT (dates as EHRs send them): scores, instants, time zones and noise.

- Finding 3: an item 9 dated "2026-11" (month only) was printed "on 2026-11-01": now "in 2026-11
  (month only)", and the suicide-risk look-back reads it by the month's last day (the safer
  reading: an answer that may be recent is read as recent).
- Finding 4: with no site zone, an answer at 2026-12-02T08:00:00+14:00 (2026-12-01T18:00Z, past)
  was "dated after today" on a critical card while an info card said "no PHQ-9 total in 120
  days": it is read by its instant (today), and a total the safety card treats as current (a
  date truly after today) stops the "no PHQ-9 total" card.
- Finding 5: with `[server] timezone` at its default (UTC), a date-only total and its item 9 at
  22:45 -08:00 of the same written day were two PHQ-9s ("the PHQ-9 of 2026-11-21 has no total").
- Finding 6: a PHQ-9 on day 41 of a dose reaching 6 weeks on day 42 is not "repeat the PHQ-9".
- Finding 8: the optimise card's "repeat before switching" and the measurement card's "repeat the
  PHQ-9" were one request twice: the optimise card's stays.
- Finding 10: one PHQ-9 sent as -05:00 and Z counts once, on the local copy's day.
- Finding 7: a fill handed over next week of an order already read raises no "could not be read"
  card; a future fill of an order not read still does.

Charts: tests/services/rt_dates_charts/ (from the review's probes, every prefetch key).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic, card_list

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
SUICIDE = "suicide-risk"
MBC = "measurement-based-care"
OPTIMISE = "optimize-switch-augment"
QUALITY = "data-quality"

_chart = chart_files.loader(Path(__file__).parent / "rt_dates_charts")
_at = Evaluator(AS_OF)


def _zoned(zone: str) -> Policy:
    policy = Policy()
    mapping = dataclasses.replace(policy.mapping, site_zone=ZoneInfo(zone))
    return dataclasses.replace(policy, mapping=mapping)


def _observations(doc: Doc) -> list[Doc]:
    return [e["resource"] for e in doc["prefetch"]["observations"]["entry"]]


def _phq9(doc: Doc, when: str, total: int, item9: int, tag: str) -> None:
    """A PHQ-9 total and its item 9 as two Observations (as the chart's others), dated `when`."""
    total_obs, item_obs = (
        dict(o) for o in _observations(doc) if o["effectiveDateTime"] == "2026-11"
    )
    entries = doc["prefetch"]["observations"]["entry"]
    for obs, key, value in ((total_obs, "valueQuantity", total), (item_obs, "valueInteger", item9)):
        obs = {**obs, "id": f"{tag}-{obs['id'][:8]}", "effectiveDateTime": when, "issued": when}
        if key == "valueQuantity":
            obs[key] = {**obs[key], "value": value}
        else:
            obs[key] = value
        entries.append({"fullUrl": f"urn:uuid:{obs['id']}", "resource": obs})


# --- finding 3: a month-only item 9 --------------------------------------------------------------


def test_a_month_only_item9_is_said_by_its_month_not_a_day() -> None:
    cards = _at.by_topic(_chart("item9_month_only"))
    card = cards[SUICIDE]
    assert card["indicator"] == "critical"
    assert "PHQ-9 item 9 = 3 (nearly every day) in 2026-11 (month only)" in card["summary"]
    assert "2026-11-01" not in card["summary"] + card["detail"]
    assert "total 19 in 2026-11 (month only): not yet assessed" in card["detail"]


def test_a_month_only_item9_stays_in_the_look_back_by_the_months_last_day() -> None:
    # As of 2026-12-20 the 30-day look-back starts 2026-11-20: read as 2026-11-01 the answer was
    # older, and the later item 9 = 0 made it a warning ("record an assessment"); the month's
    # last day keeps it current, critical, until assessed.
    doc = _chart("item9_month_only")
    _phq9(doc, "2026-12-10T09:30:00-05:00", 12, 0, "later")
    card = _at.by_topic(doc, as_of=date(2026, 12, 20))[SUICIDE]
    assert card["indicator"] == "critical"
    assert "in 2026-11 (month only)" in card["summary"]


# --- finding 4: an instant already past, written on tomorrow's date ----------------------------


def test_an_answer_already_past_by_its_instant_is_todays_with_no_zone() -> None:
    cards = _at.by_topic(_chart("item9_plus14_past_instant"))
    assert "on 2026-12-01" in cards[SUICIDE]["summary"]
    assert "after today" not in cards[SUICIDE]["summary"]
    assert MBC not in cards  # the total 18 of today is on record


def test_a_total_the_safety_card_treats_as_current_stops_the_no_phq9_card() -> None:
    doc = _chart("item9_plus14_past_instant")
    for obs in _observations(doc):
        if obs["effectiveDateTime"].startswith("2026-12-02"):
            obs["effectiveDateTime"] = obs["issued"] = "2026-12-05T08:00:00+14:00"
    cards = _at.by_topic(doc)
    assert "dated 2026-12-05, after today" in cards[SUICIDE]["summary"]
    assert MBC not in cards


# --- finding 5: a date-only total and its item 9 at an evening instant -------------------------


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", None])
def test_a_date_only_total_and_its_evening_item9_are_one_phq9(zone: str | None) -> None:
    policy = _zoned(zone) if zone else Policy()
    result = _at.result(_chart("date_only_total_evening_item9"), policy=policy)
    record = result.evaluation.record
    cards = by_topic(card_list(result))
    day = [s for s in record.phq9() if s.date >= date(2026, 11, 20)]
    assert [(s.date, s.value, s.item9) for s in day] == [(date(2026, 11, 20), 18, 1)]
    assert MBC not in cards  # no "the PHQ-9 of 2026-11-21 has no total"
    assert "on 2026-11-20" in cards[SUICIDE]["summary"]


# --- finding 6: a PHQ-9 the day before the trial became adequate --------------------------------


def test_a_phq9_the_day_before_adequacy_is_not_asked_again() -> None:
    card = _at.by_topic(_chart("phq9_day41_adequate_day42"))[MBC]
    # Was "adequate duration reached 2026-12-01, ... repeat the PHQ-9". Not asked again; its
    # non-response is named (review s23 RR finding 6: tests/services/test_rr_state_words.py).
    assert card["summary"] == (
        "On escitalopram; PHQ-9 21 → 17 on 2026-11-30, 1 day before adequate duration: no "
        "response so far"
    )
    assert "repeat" not in card["summary"].lower()
    assert not card.get("suggestions")


def test_the_repeat_is_asked_once_the_grace_days_are_past() -> None:
    card = _at.by_topic(_chart("phq9_day41_adequate_day42"), as_of=date(2026, 12, 9))[MBC]
    assert "adequate duration reached 2026-12-01, no PHQ-9 total since" in card["summary"]


def test_no_grace_asks_the_day_after() -> None:
    policy = dataclasses.replace(Policy(), mbc_adequacy_grace_days=0)
    card = _at.by_topic(_chart("phq9_day41_adequate_day42"), policy=policy)[MBC]
    assert "repeat the PHQ-9" in card["summary"]


def test_a_phq9_on_the_adequacy_day_still_judges_the_trial() -> None:
    cards = _at.by_topic(_chart("phq9_day42_adequate_day43"))
    assert cards[OPTIMISE]["summary"].startswith("1 adequate trial failed (escitalopram)")
    assert MBC not in cards


# --- finding 8: one request for the repeat PHQ-9 ----------------------------------------------


def test_a_stale_phq9_is_asked_for_once_on_the_optimise_card() -> None:
    cards = _at.by_topic(_chart("stale_phq9_two_requests"))
    assert "repeat before switching or augmenting" in cards[OPTIMISE]["summary"]
    assert MBC not in cards  # was "no PHQ-9 total in 100 days: repeat the PHQ-9"


def test_the_measurement_card_stays_when_the_optimise_card_is_snoozed() -> None:
    from services.patient_view import run_rules
    from services.rules.context import build_context

    result = _at.result(_chart("stale_phq9_two_requests"))
    ctx = build_context(result.evaluation.record, Policy())
    shown = {r.topic for r in run_rules(ctx, hidden=frozenset({OPTIMISE}))}
    assert MBC in shown and OPTIMISE not in shown


# --- finding 10: one PHQ-9 in two offsets ------------------------------------------------------


def test_one_phq9_sent_in_two_offsets_counts_once_on_the_local_day() -> None:
    record = _at.result(_chart("same_phq9_local_and_z")).evaluation.record
    late = [(s.date, s.value) for s in record.phq9() if s.date >= date(2026, 11, 1)]
    assert late == [(date(2026, 11, 20), 18)]  # was also (2026-11-21, 18), the Z copy's day


# --- finding 7: a fill handed over next week ----------------------------------------------------


def test_a_future_fill_of_an_order_read_raises_no_card() -> None:
    cards = _at.cards(_chart("fill_handed_over_next_week"))
    assert cards == []  # was "1 medication record could not be read: this chart was judged ..."


def test_the_future_fill_is_named_on_the_timeline() -> None:
    from services.timeline.page import render_page

    record = _at.result(_chart("fill_handed_over_next_week")).evaluation.record
    page = render_page(record)
    assert "Dated after today, not drawn: 1 fill of an order on record (dated 2026-12-07)" in page
    assert "could not be read" not in page


def test_a_future_fill_of_an_order_not_read_keeps_its_card() -> None:
    doc = _chart("fill_handed_over_next_week")
    for entry in doc["prefetch"]["medicationDispenses"]["entry"]:
        fill = entry["resource"]
        if fill["status"] == "in-progress":
            fill["authorizingPrescription"] = [{"reference": "MedicationRequest/not-sent"}]
    cards = _at.by_topic(doc)
    assert "1 medication record could not be read" in cards[QUALITY]["summary"]
