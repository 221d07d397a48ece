"""Review s20 R4 ("do the surfaces tell one story"), its timeline findings: the picture says what
the cards say, from the functions the cards use.

- Item 7: lisinopril (Role.INTERACTING, read for interaction checks only) had a trial lane,
  "Ongoing, not yet adequate · Why: dose unknown"; explain lists it apart. No lane now.
- Item 1: a phenelzine statement of status `unknown` ("Phenelzine (MAOI) may be running" on the
  critical card) was "1 medication record could not be read" on the page and nothing in the
  picture. Now named as a to-confirm item on the page and in the summary.
- Item 2: esketamine 56 mg per session was labelled "16 mg" (its time-averaged mg/day).
- Item 5: a sig range "100-150 mg/day" read as its low end, "100 mg".
- Item 9: a raise the optimise card holds as "Dose raised, not judged yet ... reassess from" read
  "PHQ-9 21 → 18: no response" on the lane.
- Item 6: "150 mg/day stopped 2025-07-14 for adverse effect" was nowhere on the timeline.
- Item 4: "Adherence verified" over the 33-day supply gap the adherence card names, no gap box.

Charts: tests/services/timeline_story_charts/ (copies of the review's charts, renamed; Epic / US
Core shaped requests with every prefetch key).
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import PatientRecord
from services.policy import Policy
from services.timeline import render_svg
from services.timeline.page import render_page
from services.timeline.summary import describe
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
HERE = Path(__file__).parent / "timeline_story_charts"
_chart = chart_files.loader(HERE)
CHARTS = sorted(p.stem for p in HERE.glob("*.json"))


def _record(name: str, as_of: date) -> PatientRecord:
    return Evaluator(as_of).result(_chart(name)).evaluation.record


def _texts(svg: str) -> list[str]:
    found = re.findall(r"<(text|title)[^>]*>(.*?)</(?:text|title)>", svg, re.S)
    return [html.unescape(t) for _, t in found]


def _lane(svg: str, ingredient: str) -> str:
    match = re.search(
        rf'<g class="lane" data-ingredient="{ingredient}".*?(?=<g class="lane"|$)', svg
    )
    assert match is not None, ingredient
    return match.group(0)


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4_and_carry_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


def test_item7_a_drug_read_for_interactions_gets_no_lane() -> None:
    record = _record("lisinopril_interaction_only_beside_lithium", date(2026, 12, 1))
    assert any(t.ingredient == "lisinopril" for t in record.trials)  # read, for the checks
    svg = render_svg(record, policy=Policy())
    assert 'data-ingredient="lisinopril"' not in svg
    assert "Lisinopril" not in svg and "lisinopril" not in describe(record)
    assert 'data-ingredient="lithium"' in svg  # the adjunct it was charted beside stays


def test_item1_an_maoi_that_may_be_running_is_named_to_confirm() -> None:
    doc = _chart("phenelzine_status_unknown_may_be_running")
    at = Evaluator(date(2025, 6, 2))
    critical = at.by_topic(doc)["maoi-combination"]
    assert critical["summary"].startswith("Phenelzine (MAOI) may be running with escitalopram")
    record = at.result(doc).evaluation.record
    said = (
        "phenelzine (MAOI) may be running: status unknown, recorded 2025-05-26: confirm whether "
        "the patient takes it; checked as taken; not drawn (no course read)"
    )
    assert f"To confirm: {said}." in describe(record)
    page = html.unescape(render_page(record))
    assert f'<p class="lede">To confirm: {said}.</p>' in page
    assert "MedicationStatement/" not in describe(record)  # the card names the record


def test_item2_esketamine_is_drawn_per_session_never_time_averaged() -> None:
    record = _record("esketamine_56mg_sessions_supply_gap", date(2025, 7, 8))
    lane = _lane(render_svg(record, policy=Policy()), "esketamine")
    texts = _texts(lane)
    assert "56 mg per session" in texts
    assert "16 mg" not in texts
    assert 'data-mg="56"' in lane and 'data-mg="16"' not in lane


def test_item5_a_sig_range_is_drawn_as_its_range() -> None:
    doc = _chart("sertraline_sig_range_100_to_150")
    at = Evaluator(date(2025, 8, 25))
    optimise = at.by_topic(doc)["optimize-switch-augment"]
    assert "100-150 mg/day since 2025-07-14" in optimise["detail"]
    record = at.result(doc).evaluation.record
    texts = _texts(render_svg(record, policy=Policy()))
    assert "100-150 mg" in texts
    assert any(t.startswith("Sertraline 100-150 mg/day, 14 Jul 2025 to 25 Aug 2025") for t in texts)


@pytest.mark.parametrize(
    ("name", "as_of", "said"),
    [
        (
            "sertraline_raised_on_day_phq9_three_weeks_in",
            date(2025, 3, 3),
            "PHQ-9 21 → 18: raised to 150 mg/day on 3 Mar 2025, not judged yet: reassess from "
            "31 Mar 2025",
        ),
        (
            "sertraline_raised_not_judged_yet",
            date(2025, 4, 7),
            "PHQ-9 21 → 18: raised to 150 mg/day on 3 Mar 2025, not judged yet: no PHQ-9 since "
            "31 Mar 2025, repeat it to judge the raise",
        ),
    ],
)
def test_item9_a_raise_not_judged_yet_is_no_response_on_the_lane(
    name: str, as_of: date, said: str
) -> None:
    doc = _chart(name)
    at = Evaluator(as_of)
    optimise = at.by_topic(doc)["optimize-switch-augment"]
    assert "**Dose raised, not judged yet:**" in optimise["detail"]
    lane = _lane(render_svg(at.result(doc).evaluation.record, policy=Policy()), "sertraline")
    text = " ".join(t for t in _texts(lane) if not t.startswith("Sertraline "))
    assert said in text
    assert "no response" not in text


def test_item6_a_dose_stopped_for_an_adverse_effect_is_on_the_lane() -> None:
    doc = _chart("sertraline_150_stopped_adverse_effect")
    at = Evaluator(date(2025, 7, 21))
    optimise = at.by_topic(doc)["optimize-switch-augment"]
    stopped = (
        "150 mg/day stopped 2025-07-14 for adverse effect: not proposed again (Adverse effect: "
        "GI upset and insomnia)"
    )
    assert stopped in optimise["detail"]
    lane = _lane(render_svg(at.result(doc).evaluation.record, policy=Policy()), "sertraline")
    assert f"Not tolerated: {stopped}" in " ".join(_texts(lane))


def test_item4_a_supply_gap_the_adherence_card_names_is_drawn_and_said() -> None:
    doc = _chart("esketamine_56mg_sessions_supply_gap")
    at = Evaluator(date(2025, 7, 8))
    adherence = at.by_topic(doc)["adherence-review"]
    # The adherence card names the gap (since fix20-gap-trials it leads as "no supply since").
    assert "escitalopram: no supply since 2025-06-05 (33 days)" in adherence["summary"]
    record = at.result(doc).evaluation.record
    lane = _lane(render_svg(record, policy=Policy()), "escitalopram")
    said = " ".join(_texts(lane))
    assert "verified" not in said.lower()
    assert "on time" not in said.lower()
    # Since fix20-gap-trials the course is judged up to the day its supply ran out (PDC 100 %
    # up to then) and the lane says the card's words for the gap after it.
    assert "Refills with a supply gap · PDC 100 % · no supply since 2025-06-05 (33 days)" in said
