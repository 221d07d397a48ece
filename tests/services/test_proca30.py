"""Review RK s29 (fix proca30): a TMS / ECT / psychotherapy course's Procedure status and period.

1. UNSAFE: a course charted as ONE Procedure, `in-progress`, with performedPeriod.start only,
   read as a single session on its start day: the TMS card offered a referral after an "earlier
   course stopped after 1 session" and a bupropion draft got no "during a TMS course" card (ip1,
   ip2; ip2c: the same course as sessions); an ECT course so charted gave no lithium-with-ECT
   warning (ip4), or dated its last session on the start and lapsed 42 days after it (ip5). R4:
   an open period is still going; it now runs to as-of (procedures_devices._performed_end).
2. WRONG: `stopped` (and `on-hold`) dropped the course: a 7-week TMS course stopped for no
   response offered a new referral (st1, st2; controls st1c, st2c completed), ECT was offered as
   untried (st4, st5; control st5c), lithium drew no ECT warning (st6), 11 psychotherapy sessions
   read "no psychotherapy on record" (st8). R4 `stopped` is "terminated after having been
   initiated": the course's sessions count as given (procedures_devices._GIVEN_SO_FAR), as does an
   `on-hold` one (paused: given so far, not running today: oh1, oh2). A stopped assessment,
   hysterectomy or implant is not counted (test below).
   A TMS course documented as a period of 12 days is no adequate course (fewer than 20 daily
   sessions: device_course_scores.most_daily_sessions): "stopped after 12 days" as for counted
   sessions, the referral offered (st3).

Charts: tests/services/proca30_charts/ (RK's scratch charts from trd_meets_tms, as requests with
all 19 prefetch keys; names ending __li / __bup / __tmsd are order-sign with a lithium, bupropion
or TMS draft). As-of 2026-12-01 unless named.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.procedures_devices import procedure_facts
from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "proca30_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))

LITHIUM_ECT = "Lithium ordered during an ECT course"
BUP_TMS = "Bupropion ordered during a TMS course"
EXCLUSION = "TMS ordered with a TMS exclusion on record: see the card"
REFER = "consider TMS referral"
NO_THERAPY = "no psychotherapy procedure, visit or referral on record"


def _summaries(name: str, as_of: date | None = None) -> list[str]:
    return [c["summary"] for c in _at.cards(_chart(name), as_of=as_of)]


def _details(name: str) -> str:
    return "\n".join(c.get("detail", "") for c in _at.cards(_chart(name)))


def _has(name: str, words: str, as_of: date | None = None) -> bool:
    return any(words in s for s in _summaries(name, as_of))


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


# --- finding 1: in-progress, open period ------------------------------------------------------


def test_a_tms_course_in_progress_as_one_record_is_running() -> None:
    summaries = _summaries("ip1_tms_in_progress_period")
    assert not any(REFER in s for s in summaries)  # was "(earlier course ... after 1 session)"
    assert any(s.startswith("TMS course since 2026-11-02 (week 4.1") for s in summaries)
    assert any("judge the TMS course at week 4-6 first" in s for s in summaries)


@pytest.mark.parametrize(
    "name", ["ip2_tms_in_progress_period__bup", "ip2c_tms_running_sessions__bup"]
)
def test_bupropion_during_a_tms_course_in_progress_as_one_record(name: str) -> None:
    assert _has(name, BUP_TMS)


def test_an_ect_course_in_progress_as_one_record_holds_the_drug_steps() -> None:
    summaries = _summaries("ip3_ect_in_progress_long")
    assert any("judge the ECT course with the ECT service first" in s for s in summaries)
    assert not any(REFER in s for s in summaries)


@pytest.mark.parametrize("name", ["ip4_ect_in_progress_long__li", "ip5_ect_in_progress_period__li"])
def test_lithium_during_an_ect_course_in_progress_as_one_record(name: str) -> None:
    # Named by its start, not a "last session" on its start day nor today.
    assert _has(name, LITHIUM_ECT + " (in progress since 2026-")
    assert not _has(name, "last session")


def test_an_ect_course_in_progress_does_not_lapse_from_its_start() -> None:
    # 43 days after its start: still in progress, so still current.
    assert _has("ip5_ect_in_progress_period__li", LITHIUM_ECT, date(2026, 12, 22))


# --- finding 2: stopped and on-hold ----------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["st1_tms_period_stopped_long", "st1c_tms_period_completed", "oh1_tms_period_on_hold_long"],
)
def test_a_long_tms_course_stopped_without_response_bars_a_new_referral(name: str) -> None:
    assert not _has(name, REFER)
    assert "No response: no new referral" in _details(name)


@pytest.mark.parametrize(
    "name", ["st2_tms_period_stopped_long__tmsd", "st2c_tms_period_completed__tmsd"]
)
def test_a_tms_draft_after_a_stopped_course_without_response(name: str) -> None:
    assert _has(name, EXCLUSION)


def test_a_tms_period_of_12_days_stopped_is_no_adequate_course() -> None:
    summaries = _summaries("st3_tms_period_stopped_short")
    assert any(
        s.endswith(f"{REFER} (earlier course 2026-05 stopped after 12 days)") for s in summaries
    )
    assert (
        "stopped after 12 days (documented as a period, sessions not counted), not an adequate "
        "course (fewer than 20 daily sessions)"
    ) in _details("st3_tms_period_stopped_short")


def test_an_ect_course_stopped_is_ect_used() -> None:
    detail = _details("st4_ect_period_stopped")
    assert (
        "**ECT in this episode:** sessions not counted (documented as a period), 2026-10-01"
        in detail
    )
    assert "ECT 1 (used)" in detail
    assert "ECT 0 (not used)" not in detail


@pytest.mark.parametrize("name", ["st5_ect_stopped_recent", "st5c_ect_completed_recent"])
def test_a_recent_ect_course_stopped_holds_the_drug_steps(name: str) -> None:
    summaries = _summaries(name)
    assert any("judge the ECT course with the ECT service first" in s for s in summaries)
    assert not any(REFER in s for s in summaries)


@pytest.mark.parametrize("name", ["st6_ect_stopped_recent__li", "oh2_ect_on_hold_open__li"])
def test_lithium_after_an_ect_course_stopped_or_on_hold(name: str) -> None:
    assert _has(name, LITHIUM_ECT)


def test_psychotherapy_sessions_stopped_are_psychotherapy_on_record() -> None:
    assert not _has("st8_psychotherapy_stopped", NO_THERAPY)


def test_an_ect_course_on_hold_is_given_so_far_not_running() -> None:
    # Paused: dated by what the record shows given (its start), so it lapses as an ended course.
    assert not _has("oh2_ect_on_hold_open__li", LITHIUM_ECT, date(2026, 12, 22))


# --- the mapping: which statuses count, and how far an open period runs -------------------------

_CPT = "http://www.ama-assn.org/go/cpt"
_AS_OF = date(2026, 12, 1)


def _procedure(code: str, status: str, period: dict[str, str], system: str = _CPT) -> Doc:
    return {
        "resourceType": "Procedure",
        "id": "p1",
        "status": status,
        "code": {"coding": [{"system": system, "code": code}]},
        "performedPeriod": period,
    }


@pytest.mark.parametrize(
    ("status", "period", "end"),
    [
        ("in-progress", {"start": "2026-11-02"}, _AS_OF),
        ("in-progress", {"start": "2026-11-02", "end": "2027-01-15"}, _AS_OF),
        ("in-progress", {"start": "2026-11-02", "end": "2026-11-20"}, date(2026, 11, 20)),
        ("stopped", {"start": "2026-11-02", "end": "2026-11-20"}, date(2026, 11, 20)),
        ("stopped", {"start": "2026-11-02"}, None),
        ("on-hold", {"start": "2026-11-02"}, None),
        ("completed", {"start": "2026-11-02"}, None),
    ],
)
def test_how_far_a_course_record_runs(
    status: str, period: dict[str, str], end: date | None
) -> None:
    (record,), _ = procedure_facts(_procedure("90868", status, period), as_of=_AS_OF)
    assert record.date == date(2026, 11, 2)
    assert record.performed_end == end


@pytest.mark.parametrize("code", ["90868", "90870", "90837"])
@pytest.mark.parametrize("status", ["stopped", "on-hold"])
def test_a_course_stopped_or_on_hold_counts(code: str, status: str) -> None:
    records, _ = procedure_facts(_procedure(code, status, {"start": "2026-11-02"}), as_of=_AS_OF)
    assert len(records) == 1


_SCT = "http://snomed.info/sct"
_DONE_ONLY = [("58150", _CPT), ("225337009", _SCT)]  # a hysterectomy, a suicide risk assessment


@pytest.mark.parametrize(("code", "system"), _DONE_ONLY)
@pytest.mark.parametrize("status", ["stopped", "on-hold", "not-done", "entered-in-error"])
def test_no_other_procedure_stopped_counts_as_done(code: str, system: str, status: str) -> None:
    resource = _procedure(code, status, {"start": "2026-11-02"}, system)
    assert procedure_facts(resource, as_of=_AS_OF) == ((), ())


@pytest.mark.parametrize(("code", "system"), _DONE_ONLY)
def test_the_same_procedure_completed_counts(code: str, system: str) -> None:
    resource = _procedure(code, "completed", {"start": "2026-11-02"}, system)
    assert procedure_facts(resource, as_of=_AS_OF) != ((), ())
