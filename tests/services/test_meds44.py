"""Fix meds44: two medication-pathway leftovers of session 35 (orders43).

Item 1: venlafaxine XR 150 mg/day filled 2026-05-01 to 11-20 (28 weeks), PHQ-9 still 20 (failed at
an adequate dose), lowered to 75 mg/day on 11-20 and filled; the clinician then orders venlafaxine
150 mg/day (context.draftOrders). orders43 stopped the service offering that raise as a one-click,
but the clinician's own order got no card: the repeat check leaves out every drug taken now.
a01 (Epic order-sign), a02 (Oracle Health order-select, "150 mg = 2 cap(s)" of the 75 mg capsule),
a03 (no baseline PHQ-9): now an information card naming the failed dose, its dates and weeks, the
PHQ-9 pair and the trials table, nothing to accept. Controls: c01 a raise past the failed dose
(225: the dose step left), c02 a renewal of the lowered 75, c03 a failed course never lowered
renewed at 150 (decided: no card, the drug is continued, as augmentation needs), c04 the course
stopped then ordered again (the repeat card it already had, the "no-lowering" case).

Item 2: a failed course with a PHQ-9 on treatment and none at its start read "no response (PHQ-9
not measured)" beside a PHQ-9 of 20. d01 (patient-view), a03 and b01 (the repeat card of a stopped
course, "did not bring response or remission"): now what the record shows, "not in remission;
response not measurable: no baseline PHQ-9 at its start on ...; PHQ-9 20 on ... on treatment",
and the basis the course is counted failed on (Trial.failed: adequate, no baseline, on-treatment
score not below the remission cut-off). d02 (with a baseline) is unchanged.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "meds44_charts"
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))
REPEATS = "order-repeats-failed-trial"

EPIC = "a01_ven150_failed_lower75_sign150_epic"
ORACLE = "a02_ven150_failed_lower75_select150_oracle"
NO_BASELINE = "a03_ven150_failed_lower75_sign150_no_baseline"
STOPPED_NO_BASELINE = "b01_ven150_failed_stopped_no_baseline_sign150"
PAST_FAILED = "c01_ven_lower75_sign225_past_failed_control"
RENEW_LOWERED = "c02_ven_lower75_renew75_control"
NEVER_LOWERED = "c03_ven150_failed_never_lowered_renew150_control"
STOPPED = "c04_ven150_failed_stopped_sign150_control"
RUNNING_NO_BASELINE = "d01_ven150_failed_running_no_baseline_phq20"
RUNNING_BASELINE = "d02_ven150_failed_running_baseline22_control"

FIXED = {
    EPIC: "fixed",
    ORACLE: "fixed",
    NO_BASELINE: "fixed",
    STOPPED_NO_BASELINE: "fixed",
    RUNNING_NO_BASELINE: "fixed",
}
CONTROLS = {
    PAST_FAILED: "control",
    RENEW_LOWERED: "control",
    NEVER_LOWERED: "control",
    STOPPED: "control",
    RUNNING_BASELINE: "control",
}
NOT_MEASURED = "PHQ-9 not measured"
NO_BASE_WORDS = (
    "response not measurable: no baseline PHQ-9 at its start on 2026-05-01; "
    "PHQ-9 20 on 2026-11-28 on treatment; counted as failed on that score alone, "
    "remission being below 5"
)


def test_every_chart_is_an_ehr_chart() -> None:
    chart_files.check_folder(DIR, FIXED, CONTROLS)


def _cards(name: str) -> list[dict[str, Any]]:
    return _at.cards(_chart(name))


def _repeat(name: str) -> dict[str, Any] | None:
    """The repeat card (topic order-repeats-failed-trial), or None."""
    found: dict[str, Any] | None = _at.by_topic(_chart(name)).get(REPEATS)
    return found


@pytest.mark.parametrize("name", [EPIC, ORACLE])
def test_an_order_back_to_the_dose_that_failed_before_a_lowering_names_it(name: str) -> None:
    card = _repeat(name)
    assert card is not None and card["indicator"] == "info"
    assert card["summary"] == (
        "Venlafaxine 150 mg/day already failed (2026-05-01 – 2026-11-20) before it was lowered "
        "to 75: this order goes back to it"
    )
    detail = card["detail"]
    assert "28.4 weeks at it or higher, an adequate trial" in detail
    assert "PHQ-9 22 (2026-04-27) → 20 (2026-11-28), -9 %" in detail
    assert "check why it was lowered" in detail.lower()
    assert "| venlafaxine (SNRI) | 150 → 75 | 2026-05-01 – ongoing |" in detail
    assert not card.get("suggestions")  # information: nothing to accept or remove


def test_with_no_baseline_the_card_says_what_the_record_shows() -> None:
    card = _repeat(NO_BASELINE)
    assert card is not None and card["indicator"] == "info"
    assert f"not in remission; {NO_BASE_WORDS}" in card["detail"]
    assert "without response" not in card["detail"]


def test_a_stopped_course_with_no_baseline_claims_no_response() -> None:
    card = _repeat(STOPPED_NO_BASELINE)
    assert (
        card is not None and card["indicator"] == "warning"
    )  # the repeat card of a drug stopped, as before
    assert "did not bring response or remission" not in card["detail"]
    assert (
        "did not bring remission (response not measurable: no baseline PHQ-9 at its start on "
        "2026-05-01; PHQ-9 20 on 2026-08-24 on treatment; counted as failed on that score alone"
    ) in card["detail"]


@pytest.mark.parametrize("name", [PAST_FAILED, RENEW_LOWERED, NEVER_LOWERED])
def test_no_card_past_the_failed_dose_or_for_a_renewal(name: str) -> None:
    assert _repeat(name) is None
    assert not [c for c in _cards(name) if "already failed" in c["summary"]]


def test_the_stopped_course_keeps_its_repeat_card() -> None:
    card = _repeat(STOPPED)
    assert card is not None and card["indicator"] == "warning"
    assert card["summary"] == (
        "Venlafaxine already failed an adequate trial (150 mg/day, ended 2026-08-31): consider "
        "a different mechanism"
    )
    assert "did not bring response or remission." in card["detail"]
    assert "| 22 → 20 | failed (adequate; < 50 % PHQ-9 drop) |" in card["detail"]


def _dose_first(name: str) -> str:
    text = "\n".join(c.get("detail") or "" for c in _cards(name))
    (line,) = [p for p in text.split("\n") if p.startswith("**Dose first:**")]
    return line


def test_the_dose_first_line_with_no_baseline_says_what_is_missing() -> None:
    line = _dose_first(RUNNING_NO_BASELINE)
    assert NOT_MEASURED not in line
    assert "no response" not in line
    assert f"(30 weeks), not in remission ({NO_BASE_WORDS}); range here up to 225" in line


def test_the_dose_first_line_with_a_baseline_is_unchanged() -> None:
    line = _dose_first(RUNNING_BASELINE)
    assert "(30 weeks), no response (PHQ-9 22 → 20); range here up to 225 mg/day" in line


def test_the_lowered_hold_with_no_baseline_claims_no_response() -> None:
    doc = _chart(NO_BASELINE)  # the chart opened, not the order signed
    doc["hook"] = "patient-view"
    del doc["context"]["draftOrders"]
    text = "\n".join(c.get("detail") or "" for c in _at.cards(doc))
    assert "no response" not in text
    assert (
        "28.4 weeks at it or higher, not in remission, no baseline PHQ-9: response not "
        "measurable) before it was lowered to 75 mg/day"
    ) in text
