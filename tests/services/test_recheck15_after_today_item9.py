"""A positive item 9 dated after today is never hidden (review 15 recheck U-a, x01 / x01b), and a
truncated scores search says a later item 9 cannot be ruled out (x02).

- x01: a PHQ-9 24 with item 9 = 3 dated 2025-06-10 (a likely typing error) read on 2025-06-02 was
  only a "dated after today" line at the foot of two cards. Now the critical suicide-risk card
  names it with its date as suspect, while its total still judges no trial and stays a data gap.
- x01b: the same PHQ-9 sent as the instant 2025-06-03T02:15:00Z (21:15 in New York on the 2nd).
  With the site's zone set it is today's PHQ-9 (tests/fhir_mapping/test_site_zone_dates.py).
  Without one it was after today; since session 43 fix score75 (review K74a finding 4) the one
  offset the chart's other records state (-05:00) reads it (fhir_mapping/chart_zone.py): today's
  PHQ-9 again, and still the critical card.
- A C-SSRS yes dated after today raises the card as well; its own answers assess nothing.
- x02: an `observations` Bundle whose OperationOutcome says `incomplete`: the conditions line
  names the pregnancy status (the only condition read from an Observation), and a line says that
  a later item 9 cannot be ruled out.

Charts: the recheck's probe requests (US Core / Epic-shaped prefetch with every key, LOINC PHQ-9
total and item 9 Observations), copied to recheck15_charts/.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cds_hooks.cli import main
from cds_hooks.offline import evaluate_document
from fhir_mapping.build import build_record
from fhir_mapping.gaps import DATED_AFTER_TODAY
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import PatientRecord
from fhir_mapping.suicide_screen import SuicideScreen, read_screens_and_later
from services import acute_risk
from services.data_gaps import ITEM9_NOT_RULED_OUT
from services.policy import Policy
from tests.fhir_mapping.test_suicide_screen import WISH_DEAD, cssrs_response
from tests.services import chart_files
from tests.services.factories import record, score

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "recheck15_charts"
Doc = dict[str, Any]
SUICIDE = "suicide-risk"
NEW_YORK = Policy(mapping=MappingPolicy(site_zone=ZoneInfo("America/New_York")))

_chart = chart_files.loader(CHARTS)


def _evaluate(doc: Doc, policy: Policy | None = None) -> tuple[dict[str, Doc], PatientRecord]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=policy or Policy())
    cards = {c["source"]["topic"]["code"]: c for c in result.response.to_json()["cards"]}
    return cards, result.evaluation.record


def _observations(doc: Doc) -> list[Doc]:
    return [e["resource"] for e in doc["prefetch"]["observations"]["entry"]]


# --- x01: a positive item 9 dated after today ----------------------------------------------------


def test_a_future_dated_item9_of_3_raises_the_critical_card_naming_its_date() -> None:
    cards, rec = _evaluate(_chart("x01_future_phq9_item9_3"))
    card = cards[SUICIDE]
    assert card["indicator"] == "critical"
    assert "dated 2025-06-10, after today" in card["summary"]
    assert (
        "PHQ-9 item 9 = 3 dated 2025-06-10, after today: check the date; the answer is treated "
        "as current (total 24, counted in no outcome)" in card["detail"]
    )
    # Its total judges no trial: the latest PHQ-9 is still 18 on 2025-05-19, and the result is
    # still named as a data gap.
    latest = rec.latest_phq9()
    assert latest is not None and (latest.value, latest.date) == (18, date(2025, 5, 19))
    assert all(s.date <= AS_OF for s in rec.scores)
    assert any(g.reason == DATED_AFTER_TODAY for g in rec.gaps)
    # The treatment cards hold their one-click adjuncts for the assessment, as for any item 9.
    assert "suicide risk assessment first" in cards["optimize-switch-augment"]["summary"]


def test_a_future_dated_item9_of_0_stays_a_data_gap_only() -> None:
    doc = _chart("x01_future_phq9_item9_3")
    for obs in _observations(doc):
        if (
            obs["code"]["coding"][0]["code"] == "44260-8"
            and obs["effectiveDateTime"] > "2025-06-03"
        ):
            obs["valueInteger"] = 0
    cards, rec = _evaluate(doc)
    assert SUICIDE not in cards
    assert rec.after_today_item9 == ()
    assert any(g.reason == DATED_AFTER_TODAY for g in rec.gaps)


def test_an_assessment_recorded_today_closes_the_future_dated_answer() -> None:
    answer = score(24, date(2025, 6, 10), item9=3)
    assessed = SuicideScreen(
        date=AS_OF,
        complete=True,
        positive=(),
        history=(),
        negative=("Wish to be dead",),
        escalate=False,
        asked_ideation=True,
    )
    bare = dataclasses.replace(record(as_of=AS_OF), after_today_item9=(answer,))
    rec = dataclasses.replace(bare, suicide_screens=(assessed,))
    signal = acute_risk.suicide_signal(rec, Policy())
    assert signal is not None and signal.level is acute_risk.SuicideLevel.ASSESSED
    unassessed = acute_risk.suicide_signal(bare, Policy())
    assert unassessed is not None and unassessed.level is acute_risk.SuicideLevel.UNASSESSED
    assert unassessed.highest_item9 == 3


# --- x01b: an evening PHQ-9 sent in UTC ----------------------------------------------------------


def test_an_evening_utc_phq9_is_todays_in_the_site_zone() -> None:
    cards, rec = _evaluate(_chart("x01b_phq9_item9_3_tomorrow_utc"), NEW_YORK)
    card = cards[SUICIDE]
    assert card["indicator"] == "critical"
    assert "on 2025-06-02" in card["summary"] and "after today" not in card["detail"]
    latest = rec.latest_phq9()
    assert latest is not None and (latest.value, latest.date) == (24, AS_OF)
    assert not any(g.reason == DATED_AFTER_TODAY for g in rec.gaps)


def test_an_evening_utc_phq9_with_no_site_zone_still_raises_the_card() -> None:
    """No site zone: the chart's own -05:00 reads the "Z" time (chart_zone.py, s43 K74a 4), so
    the PHQ-9 is today's, not "dated 2025-06-03, after today"; the card stays critical."""
    cards, _ = _evaluate(_chart("x01b_phq9_item9_3_tomorrow_utc"))
    card = cards[SUICIDE]
    assert card["indicator"] == "critical"
    assert "on 2025-06-02" in card["summary"] and "after today" not in card["summary"]


# --- a C-SSRS yes dated after today --------------------------------------------------------------


def test_a_future_dated_cssrs_yes_is_read_apart_and_raises_the_critical_card() -> None:
    pid = "p-cssrs-later"
    response = cssrs_response(date(2025, 6, 9), {WISH_DEAD: True}, patient=pid)
    screens, later, _ = read_screens_and_later([], [response], as_of=AS_OF)
    assert screens == ()
    assert [s.date for s in later] == [date(2025, 6, 9)]
    built = build_record([response], as_of=AS_OF, patient_id=pid)
    assert built.suicide_screens == () and len(built.after_today_screens) == 1
    signal = acute_risk.suicide_signal(built, Policy())
    assert signal is not None and signal.level is acute_risk.SuicideLevel.UNASSESSED
    (event,) = signal.signals
    assert event.day == AS_OF
    assert "dated 2025-06-09, after today: check the date" in event.text


# --- x02: a truncated scores search --------------------------------------------------------------


def test_an_incomplete_observations_bundle_says_item9_cannot_be_ruled_out() -> None:
    cards, _ = _evaluate(_chart("x02_obs_outcome_incomplete"))
    detail = cards["optimize-switch-augment"]["detail"]
    assert ITEM9_NOT_RULED_OUT in detail
    # Named as what it is, the cause once (audit 16 W6): never "Conditions" for a pregnancy status.
    assert "Scores and pregnancy status may be incomplete: " in detail
    assert "Conditions" not in detail
    # A card whose gaps touch no scores does not carry the item 9 line.
    assert ITEM9_NOT_RULED_OUT not in cards["diagnosis-review"]["detail"]


@pytest.mark.parametrize("name", ["x01_future_phq9_item9_3", "x02_obs_outcome_incomplete"])
def test_the_charts_send_every_prefetch_key(name: str) -> None:
    assert "encounters" in _chart(name)["prefetch"]


def test_the_command_line_takes_the_site_zone(capsys: pytest.CaptureFixture[str]) -> None:
    chart = str(CHARTS / "x01b_phq9_item9_3_tomorrow_utc.json")
    argv = ["evaluate", chart, "--as-of", "2025-06-02", "--timezone", "America/New_York"]
    assert main(argv) == 0
    summaries = [c["summary"] for c in json.loads(capsys.readouterr().out)["cards"]]
    assert any("item 9 = 3 (nearly every day) on 2025-06-02" in s for s in summaries)
    assert main([*argv[:-1], "Mars/Base"]) == 2
    assert "not a known IANA time zone" in capsys.readouterr().err
