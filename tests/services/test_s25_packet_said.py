"""Session 25 RT review, findings 5, 6, 7, 9 and 10: what the referral packet and the timeline
say beside the cards.

- 5: a depression code dated only by its recordedDate (a visit's encounter diagnosis) was said
  "since 5 Jan 2026" in the packet's summary, table and payer diagnosis row, beside the
  problem-list entry of the same code with onset 2025-01-06. Now "recorded", with the code's
  earliest onset named (services/diagnosis_onset.py).
- 6: sertraline "Take 2 tablets (200 mg)" / "Then take 3 tablets (300 mg)", unsequenced: the card
  said "up to 300 mg/day (dose to confirm)", the packet "50 → 200" and the timeline "200 mg/day
  ... adequate dose". Now both say the dose to confirm (trial_dose_text.to_confirm_mg).
- 9: venlafaxine's "Weeks at adequate dose" counted past the TMS course that ended its scoring
  window (41 weeks beside a verdict read at week 18). Now the weeks scored, then the total.
- 7: the timeline lane says up to which day the drug was scored and marks it with a tick.
- 10: the packet's psychotherapy section says a 2023 course is not current, as the card does.

Charts: tests/services/packet_said25_charts/ (the review's own charts, US Core / Epic shaped, every
prefetch key) and psychotherapy24_charts/therapy_ended_before_episode.
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import PatientRecord, Trial
from services.packet import render_packet
from services.policy import Policy
from services.timeline import render_svg
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

HERE = Path(__file__).parent
_chart = chart_files.loader(HERE / "packet_said25_charts")
_therapy_chart = chart_files.loader(HERE / "psychotherapy24_charts")
CHARTS = sorted(p.stem for p in (HERE / "packet_said25_charts").glob("*.json"))

RELAPSE = "ven_relapse_after_tms_encounter_dx_recorded"
SERTRALINE = "sertraline_up_to_300_dose_to_confirm"
SERTRALINE_TMS = "sertraline_up_to_300_dose_to_confirm_then_tms"


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4_and_carry_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


def _result(doc: dict[str, Any], as_of: date) -> Any:
    return Evaluator(as_of).result(doc)


def _record(name: str, as_of: date) -> PatientRecord:
    record: PatientRecord = _result(_chart(name), as_of).evaluation.record
    return record


def _plain(page: str) -> str:
    """The page's words, tags dropped, cells split by " | "."""
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    page = re.sub(r"<t[dh][^>]*>", " | ", page)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def _packet(record: PatientRecord) -> str:
    return _plain(render_packet(record, Policy()))


def _trial(record: PatientRecord, ingredient: str) -> Trial:
    return next(t for t in record.trials if t.ingredient == ingredient)


def _lane(svg: str, ingredient: str) -> str:
    match = re.search(
        rf'<g class="lane" data-ingredient="{ingredient}".*?(?=<g class="lane"|$)', svg, re.S
    )
    assert match is not None, ingredient
    return html.unescape(match.group(0))


def _lane_words(svg: str, ingredient: str) -> str:
    """The lane's text lines (wrapped in the gutter) joined by spaces."""
    found = re.findall(r"<text[^>]*>(.*?)</text>", _lane(svg, ingredient), re.S)
    return " ".join(found)


# --- finding 5: a recordedDate is said "recorded", the code's earliest onset beside it ---------


def test_5_recorded_only_depression_code_is_not_said_since_its_recorded_day() -> None:
    record = _record(RELAPSE, date(2026, 2, 2))
    packet = _packet(record)
    cited = (
        "Major depressive disorder, recurrent severe without psychotic features (ICD-10-CM "
        "F33.2), recorded 5 Jan 2026; F33.2 on record since 6 Jan 2025 (its onset)"
    )
    assert cited in packet
    assert "since 5 Jan 2026" not in packet
    # The table's date column: the recorded day said as such, the problem-list onset as it was.
    assert "| recorded 5 Jan 2026 | severe | depression · cited as the referral's reason" in packet
    assert "| 6 Jan 2025 | severe | depression |" in packet
    # The payer diagnosis row (shared with the TMS card's payer lines).
    payer = (
        "(F33.2, recorded 2026-01-05); F33.2 on record since 2025-01-06 (its onset); "
        "coded as severe"
    )
    assert payer in packet
    assert "since 2026-01-05" not in packet


def test_5_a_code_with_its_own_onset_is_still_said_since() -> None:
    doc = _chart(RELAPSE)
    for entry in doc["prefetch"]["conditions"]["entry"]:
        condition = entry["resource"]
        if condition.get("recordedDate", "").startswith("2026-01-05"):
            condition["onsetDateTime"] = condition["recordedDate"]
    record = _result(doc, date(2026, 2, 2)).evaluation.record
    packet = _packet(record)
    assert "(ICD-10-CM F33.2), since 5 Jan 2026" in packet
    assert "(F33.2, since 2026-01-05); coded as severe" in packet


# --- finding 6: a dose to confirm is said so on the packet and the timeline --------------------


def test_6_dose_to_confirm_on_the_packet_and_card_tables() -> None:
    # Review s25 RK4 finding 16 bounds the dose to confirm by the fills: 60 x 100 mg per 30 days
    # cover 200 mg a day, so the order's "then 300 mg" is said beside the fills' dose, to
    # confirm, with no above-maximum card from that step alone (fill_dose.within_fills).
    result = _result(_chart(SERTRALINE), date(2025, 3, 24))
    record = result.evaluation.record
    assert _trial(record, "sertraline").dose_to_confirm_mg is None
    said = "50 → 200 (order says up to 300, fills cover 200: confirm the dose taken)"
    assert f"| sertraline (SSRI) | {said} |" in _packet(record)
    cards = result.response.to_json()["cards"]
    assert not any(c["summary"].startswith("Sertraline up to 300 mg/day") for c in cards)
    assert any(f"| sertraline (SSRI) | {said} |" in c["detail"] for c in cards)


def test_6_dose_to_confirm_on_the_timeline() -> None:
    record = _record(SERTRALINE, date(2025, 3, 24))
    lane = _lane(render_svg(record, policy=Policy()), "sertraline")
    assert (
        "Sertraline 200 mg/day (order says up to 300 mg/day, fills cover 200 mg/day: confirm the "
        "dose taken), 20 Jan 2025 to 24 Mar 2025" in lane
    )
    assert ">200 mg<" in lane
    # The 50 mg segment before it is a dose on record: no mark.
    assert "Sertraline 50 mg/day, 6 Jan 2025 to 20 Jan 2025: adequate dose" in lane


# --- finding 9: the weeks scored before the TMS course, then the total -------------------------


def test_9_weeks_at_adequate_dose_are_said_up_to_the_tms_cut() -> None:
    record = _record(RELAPSE, date(2026, 2, 2))
    venlafaxine = _trial(record, "venlafaxine")
    assert venlafaxine.device_cut == "TMS"
    assert venlafaxine.device_cut_on == date(2025, 8, 25)
    assert round(venlafaxine.weeks_at_adequate_dose) == 41
    packet = _packet(record)
    assert "| 18 scored (to a TMS course from 25 Aug 2025); 41 in all |" in packet
    words = _lane_words(render_svg(record, policy=Policy()), "venlafaxine")
    assert "18 wk at adequate dose scored (41 in all)" in words
    # Sertraline ended before the course: its weeks are said as before, less its taper's two
    # weeks at 50 mg/day (session 26 LA item 2: 150 -> 50 for 14 days, then stop; was 16).
    assert "| 14 | refills on time" in packet


# --- finding 7: the cut on the timeline ------------------------------------------------------


def test_7_the_timeline_marks_where_tms_cut_the_drug_scoring_window() -> None:
    record = _record(RELAPSE, date(2026, 2, 2))
    svg = render_svg(record, policy=Policy())
    lane = _lane(svg, "venlafaxine")
    assert "Scored to 25 Aug 2025: a TMS course from then" in _lane_words(svg, "venlafaxine")
    assert 'class="scoring-cut" data-date="2025-08-25"' in lane
    assert "later scores are the course's outcome, not venlafaxine's" in lane
    assert "scoring-cut" not in _lane(svg, "sertraline")


# --- finding 10: psychotherapy before this episode -------------------------------------------


def test_10_packet_says_a_course_before_this_episode_is_not_current() -> None:
    result = Evaluator(date(2026, 12, 1)).result(_therapy_chart("therapy_ended_before_episode"))
    packet = _packet(result.evaluation.record)
    assert "| 5 Jun 2023 – 21 Aug 2023 | 12 sessions" in packet
    assert (
        "Not current: before this episode (since 2025-12-01), none in the last 180 days." in packet
    )
    cards = result.response.to_json()["cards"]
    assert any("(12 sessions, before this episode)" in c["summary"] for c in cards)


def test_10_current_psychotherapy_gets_no_such_line() -> None:
    result = Evaluator(date(2026, 12, 1)).result(_therapy_chart("cpt90834_weekly_ongoing"))
    assert "Not current:" not in _packet(result.evaluation.record)


def test_9_a_verdict_read_after_the_course_keeps_its_weeks_in_all() -> None:
    # Sertraline had no score of its own before the ECT course: it is judged on PHQ-9 17 taken
    # after the course, on sertraline alone (device_course_scores.read_through). Its verdict
    # does not rest on the weeks up to the course, so none are said "scored" and no cut drawn.
    doc = chart_files.loader(HERE / "lithium_level21_charts")("E1_lithium_stopped_before_ect")
    record = Evaluator(date(2026, 12, 1)).result(doc).evaluation.record
    sertraline = _trial(record, "sertraline")
    assert sertraline.device_cut == "ECT"
    assert sertraline.on_treatment is not None and sertraline.device_cut_on is not None
    assert sertraline.on_treatment.date > sertraline.device_cut_on
    packet = _packet(record)
    assert "| 10 Apr 2026 – 31 Jul 2026 | 16 | refills on time" in packet
    assert "scored (to an ECT course" not in packet
    svg = render_svg(record, policy=Policy())
    assert "scoring-cut" not in svg and "Scored to" not in svg


def test_6_an_unread_latest_dose_is_said_as_its_dose_to_confirm_alone() -> None:
    # Citalopram 20 MG by code, 40 MG by name and sig, age 76: no dose read, up to 40 to confirm.
    doc = chart_files.loader(HERE / "review18a_charts")("m17b_code_20mg_text_40mg_age75")
    cards = Evaluator(date(2026, 12, 1)).result(doc).response.to_json()["cards"]
    rows = [
        line for c in cards for line in c["detail"].splitlines() if line.startswith("| citalopram")
    ]
    assert rows and all(
        r.startswith("| citalopram (SSRI) | up to 40 (dose to confirm) |") for r in rows
    )
