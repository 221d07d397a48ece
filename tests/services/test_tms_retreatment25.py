"""Review s25 RT findings 1-4 and 8: the payer's "Earlier TMS" retreatment row reads the courses,
the outcome and the relapse the cards read (services/payer_criteria/retreatment.py on
services/tms_course.py and services/tms_retreatment.relapse_after), and the packet and the
timeline say a TMS course's state and PHQ-9 as the cards do.

Before: the criterion grouped sessions itself and read its outcome from week 4 of the course, and
judged "Met" on ">= 50 %" with no relapse looked for:
- 1: PHQ-9 16 -> 8 (exactly 50 %) was "Met" under L37086's "> 50 % improvement";
- 2: a responder still well (PHQ-9 8, no relapse) was "Met" for a retreatment "... and relapsed";
- 3: a course stopped after 2 or 6 sessions with no response, which the TMS card says "bars no
  referral here", was "Not met ... retreatment needs 50 %" on the same card and the packet;
- 4: 20 sessions, PHQ-9 16 -> 11 three weeks in: the optimise card "31 % better. No response",
  the packet "no PHQ-9 after it"; and while running, the course was its own "earlier course";
- 8: the packet's TMS line was "TMS: 20 sessions, 25 Aug 2025 – 19 Sep 2025" (no state, no
  PHQ-9) where the ECT line has both; the timeline "TMS · 20 sessions" only.

Charts: tests/services/tms_retreatment25_charts/ (US Core / Epic shaped, every prefetch key):
responder_exactly_50pct_relapsed_feb (30 sessions 2025-08-25 .. 10-03, PHQ-9 16 -> 8, PHQ-9 16 on
2026-02-02), responder_56pct_relapsed_feb (the same with 7 on 2025-10-06),
responder_just_ended_no_relapse (16 -> 8, no later score), abandoned_6_sessions_then_17 (6
sessions 2025-08-25 .. 09-01, PHQ-9 16, 12, 7, 17), running_week4_first_course (20 sessions
2025-08-25 .. 09-19, PHQ-9 16 -> 11).
"""

from __future__ import annotations

import copy
import html
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from services.packet import render_packet
from services.pathway import derive_facts
from services.payer_criteria import CriterionResult, CriterionStatus, PayerCriteriaError
from services.payer_criteria.evaluate import evaluate_payer_criteria
from services.payer_criteria.loading import parse_rule_set
from services.policy import Policy
from services.timeline import render_page
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
TMS = "tms-referral"
FEB = date(2026, 2, 2)
DIR = Path(__file__).parent / "tms_retreatment25_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))

_chart = chart_files.loader(DIR)
_at = Evaluator(FEB)


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


def _row(doc: Doc, as_of: date, policy: Policy | None = None) -> CriterionResult:
    """The retreatment criterion of the chart as of `as_of`."""
    policy = policy or Policy()
    record = _at.result(doc, as_of=as_of, policy=policy).evaluation.record
    found = evaluate_payer_criteria(record, derive_facts(record, policy), policy)
    (row,) = [r for r in found.results if r.id == "retreatment"]
    return row


def _packet(doc: Doc, as_of: date) -> str:
    """The packet's text (tags dropped, entities read)."""
    record = _at.result(doc, as_of=as_of).evaluation.record
    return html.unescape(re.sub(r"<[^>]+>", " ", render_packet(record, Policy())))


def _timeline(doc: Doc, as_of: date) -> str:
    record = _at.result(doc, as_of=as_of).evaluation.record
    return html.unescape(render_page(record, policy=Policy()))


def _tms_detail(doc: Doc, as_of: date) -> str:
    card = by_topic(_at.cards(doc, as_of=as_of)).get(TMS)
    assert card is not None
    return str(card["detail"])


# --- finding 1: "> 50 %" at exactly 50 % ---------------------------------------------------------


def test_exactly_50_percent_is_met_to_confirm_under_the_lcds_more_than_50() -> None:
    row = _row(_chart("responder_exactly_50pct_relapsed_feb"), FEB)
    assert row.status is CriterionStatus.MET
    assert row.status_text == "Met, to confirm"
    assert row.to_confirm == "a response of more than 50 % (exactly 50 % on the PHQ-9 here)"
    assert row.evidence == (
        "TMS course 2025-08-25 - 2025-10-03 (30 sessions): PHQ-9 16 (2025-08-25) -> 8 "
        "(2025-10-06), 50 % better; relapse: PHQ-9 16 (2026-02-02)",
    )
    detail = _tms_detail(_chart("responder_exactly_50pct_relapsed_feb"), FEB)
    assert "- **Met, to confirm** · Earlier TMS: TMS course 2025-08-25 - 2025-10-03" in detail
    assert "- **Met** · Earlier TMS" not in detail


def test_more_than_50_percent_is_met() -> None:
    row = _row(_chart("responder_56pct_relapsed_feb"), FEB)
    assert row.status is CriterionStatus.MET and row.to_confirm is None
    assert row.evidence == (
        "TMS course 2025-08-25 - 2025-10-03 (30 sessions): PHQ-9 16 (2025-08-25) -> 7 "
        "(2025-10-06), 56 % better; relapse: PHQ-9 16 (2026-02-02)",
    )


def test_a_policy_asking_at_least_50_percent_meets_it_at_exactly_50() -> None:
    # Aetna CPB 0469 as read: "a documented 50% response" (no "more than").
    row = _row(
        _chart("responder_exactly_50pct_relapsed_feb"),
        FEB,
        Policy(payer_criteria="aetna-cpb-0469"),
    )
    assert row.status is CriterionStatus.MET and row.to_confirm is None


# --- finding 2: "Met" only with a relapse on record ----------------------------------------------


def test_a_responder_still_well_has_no_relapse_on_record() -> None:
    # 2025-10-20: the course ended on 2025-10-03, PHQ-9 8 on 2025-10-06, nothing since.
    row = _row(_chart("responder_just_ended_no_relapse"), date(2025, 10, 20))
    assert row.status is CriterionStatus.NOT_ON_RECORD
    assert row.evidence == (
        "TMS course 2025-08-25 - 2025-10-03 (30 sessions): PHQ-9 16 (2025-08-25) -> 8 "
        "(2025-10-06), 50 % better; no relapse on record since (no later PHQ-9 of 10 or more)",
    )
    assert row.to_document == (
        "a relapse after the earlier TMS course's response (a current rating-scale score)"
    )


def test_a_relapse_that_settled_is_no_relapse_now() -> None:
    # PHQ-9 16 on 2026-02-02, then 9 on 2026-02-16 (below the relapse threshold, 10): the
    # latest score decides, as on the cards (services/tms_retreatment.relapse_after).
    doc = _chart("responder_56pct_relapsed_feb")
    _add_phq9(doc, "2026-02-16", 9)
    row = _row(doc, date(2026, 2, 18))
    assert row.status is CriterionStatus.NOT_ON_RECORD
    # The 16 is named, not denied (review s25 RK2 finding 6).
    assert (
        "relapsed (PHQ-9 16, 2026-02-02), well since (PHQ-9 9, 2026-02-16, below 10): no relapse "
        "now" in row.evidence[0]
    )


# --- finding 3: an abandoned short course is not an earlier course ----------------------------


@pytest.mark.parametrize(
    ("name", "folder", "as_of", "sessions", "end"),
    [
        ("abandoned_6_sessions_then_17", DIR, date(2025, 12, 15), 6, "2025-09-01"),
        (
            "ven_tms_abandoned_2_sessions_then_18",
            DIR.parent / "device_course24_charts",
            date(2025, 12, 15),
            2,
            "2025-08-26",
        ),
    ],
)
def test_a_course_stopped_short_with_no_response_is_not_judged_as_an_earlier_course(
    name: str, folder: Path, as_of: date, sessions: int, end: str
) -> None:
    doc = chart_files.loader(folder)(name)
    row = _row(doc, as_of)
    assert row.status is CriterionStatus.MET
    # Said as on record, never "no earlier TMS course on record" beside it (review s27 RB
    # finding 5: the row contradicted itself).
    assert row.evidence == (
        f"earlier TMS course 2025-08-25 - {end} on record: stopped after {sessions} sessions, "
        "not an adequate course (fewer than 20), no response: judged as an initial course",
    )
    detail = _tms_detail(doc, as_of)
    # The card's own line and the payer row now say the same: it bars nothing.
    assert "It bars no referral here" in detail
    assert "Not met** · Earlier TMS" not in detail and "retreatment needs" not in detail
    packet = _packet(doc, as_of)
    assert "Earlier TMS · not on record" not in packet
    assert not re.search(r"not met: [^·]*Earlier TMS", packet)
    assert "the response (> 50 % improvement on a rating scale) to the earlier TMS" not in packet


# --- finding 4: the cards' outcome window, and a running course --------------------------------


def test_an_ended_course_is_judged_on_the_outcome_the_cards_read() -> None:
    doc = _chart("running_week4_first_course")
    as_of = date(2026, 12, 1)
    row = _row(doc, as_of)
    assert row.status is CriterionStatus.NOT_MET
    assert row.evidence == (
        "TMS course 2025-08-25 - 2025-09-19 (20 sessions): PHQ-9 16 (2025-08-25) -> 11 "
        "(2025-09-19), 31 % better; retreatment needs more than 50 %",
    )
    # The card that names the course (here the adherence card's optimise line) reads the same.
    details = " ".join(str(c["detail"]) for c in _at.cards(doc, as_of=as_of))
    assert "PHQ-9 16 (2025-08-25) -> 11 (2025-09-19), 31 % better. No response" in details


def test_a_running_course_is_not_its_own_earlier_course() -> None:
    doc = _chart("running_week4_first_course")
    as_of = date(2025, 9, 19)
    row = _row(doc, as_of)
    assert row.status is CriterionStatus.MET
    assert row.evidence == (
        "no earlier TMS course on record: initial course",
        "the TMS course running since 2025-08-25 (20 sessions) is that course, not an earlier one",
    )
    assert "to the earlier TMS course" not in _packet(doc, as_of)


def test_a_retreatment_under_way_is_judged_on_the_earlier_course_and_the_relapse_before_it() -> (
    None
):
    # The responder who relapsed (PHQ-9 16 on 2026-02-02) starts a second course on 2026-02-09;
    # its own scores (PHQ-9 9 on 2026-02-16) are not the first course's "no relapse".
    doc = _chart("responder_56pct_relapsed_feb")
    _add_course(doc, date(2026, 2, 9), 8)
    _add_phq9(doc, "2026-02-16", 9)
    row = _row(doc, date(2026, 2, 18))
    assert row.status is CriterionStatus.MET
    assert row.evidence == (
        "TMS course 2025-08-25 - 2025-10-03 (30 sessions): PHQ-9 16 (2025-08-25) -> 7 "
        "(2025-10-06), 56 % better; relapse: PHQ-9 16 (2026-02-02)",
    )


def test_the_clinics_course_gap_groups_the_payers_courses() -> None:
    # The criterion no longer has a gap of its own: a payer file naming one is refused.
    text = (Path(__file__).parents[2] / "services/data/payer_criteria/l37086.toml").read_text(
        "utf-8"
    )
    broken = text.replace("improvement_more_than = true", "course_gap_days = 14")
    with pytest.raises(PayerCriteriaError, match="course_gap_days"):
        parse_rule_set(broken, "test")


# --- finding 8: the packet's and the timeline's TMS course ----------------------------------


def test_the_packet_says_a_tms_courses_state_and_phq9_as_the_ect_lines_do() -> None:
    running = _packet(_chart("running_week4_first_course"), date(2025, 9, 19))
    assert (
        "TMS: 20 sessions, 25 Aug 2025 – 19 Sep 2025 (running); PHQ-9 16 (25 Aug 2025) → 11 "
        "(19 Sep 2025), 31 % better: no response (< 50 % drop)"
    ) in running
    abandoned = _packet(_chart("abandoned_6_sessions_then_17"), date(2025, 12, 15))
    assert (
        "TMS: 6 sessions, 25 Aug 2025 – 1 Sep 2025, stopped after 6 sessions, not an adequate "
        "course (fewer than 20); PHQ-9 16 (4 Aug 2025) → 12 (22 Sep 2025)"
    ) in abandoned
    ended = _packet(_chart("responder_56pct_relapsed_feb"), FEB)
    assert (
        "TMS: 30 sessions, 25 Aug 2025 – 3 Oct 2025; PHQ-9 16 (25 Aug 2025) → 7 (6 Oct 2025), "
        "56 % better: response (≥ 50 % drop)"
    ) in ended


def test_the_timeline_labels_a_tms_courses_state() -> None:
    running = _timeline(_chart("running_week4_first_course"), date(2025, 9, 19))
    assert ">TMS · 20 sessions, running<" in running
    assert "TMS course 25 Aug 2025 to 19 Sep 2025: 20 sessions, running" in running
    abandoned = _timeline(_chart("abandoned_6_sessions_then_17"), date(2025, 12, 15))
    assert ">TMS · 6 sessions, stopped early<" in abandoned
    assert "6 sessions, stopped, not an adequate course" in abandoned
    ended = _timeline(_chart("responder_56pct_relapsed_feb"), FEB)
    assert ">TMS · 30 sessions<" in ended


# --- chart edits --------------------------------------------------------------------------------


def _phq9_totals(doc: Doc) -> list[Doc]:
    return [
        e["resource"]
        for e in doc["prefetch"]["observations"]["entry"]
        if e["resource"]["code"]["coding"][0]["code"] == "44261-6"
    ]


def _add_phq9(doc: Doc, day: str, value: int) -> None:
    """A PHQ-9 total (no items) on `day`, copied from the chart's last one."""
    new = copy.deepcopy(_phq9_totals(doc)[-1])
    new["id"] = f"phq9-total-{day}"
    new.pop("hasMember", None)
    new["effectiveDateTime"] = f"{day}T09:30:00-05:00"
    new["issued"] = f"{day}T10:05:00-05:00"
    new["valueQuantity"]["value"] = value
    url = "https://ehr.example.org/fhir/R4/Observation/" + new["id"]
    doc["prefetch"]["observations"]["entry"].append({"fullUrl": url, "resource": new})


def _add_course(doc: Doc, first: date, sessions: int) -> None:
    """`sessions` daily TMS sessions from `first`, copied from the chart's first session."""
    entries = doc["prefetch"]["procedures"]["entry"]
    template = next(e for e in entries if e["resource"]["code"]["coding"][0]["code"] == "90868")
    for n in range(sessions):
        day = (first + timedelta(days=n)).isoformat()
        new = copy.deepcopy(template)
        new["resource"]["id"] = f"tms-retreatment-{n}"
        new["resource"].pop("performedDateTime", None)
        new["resource"]["performedPeriod"] = {
            "start": f"{day}T10:00:00-05:00",
            "end": f"{day}T10:40:00-05:00",
        }
        new["fullUrl"] = new["fullUrl"].rsplit("/", 1)[0] + f"/tms-retreatment-{n}"
        entries.append(new)
