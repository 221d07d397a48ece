"""Review s28 K5: a ward's stop across a transfer, with contained Medications, under held doses,
and the psychiatric discharge a later stay followed.

1. A medical stay 11-10 -> 11-20 14:00, then a psychiatric stay 11-20 15:00 -> 11-30: the ward's
   venlafaxine last given 11-18, its home order left open, duloxetine given to 11-29. Read
   against the medical stay's end (two days on) venlafaxine was "charted up to discharge" and ran
   on beside duloxetine; the chain's end (stay_chains.py) is the discharge: stopped on the ward.
2. Ward doses naming their drug by a contained Medication ("#m"), each administration its own:
   keyed by "#m", duloxetine's doses read as venlafaxine's, so the trial ran on to 11-30.
3. The ward's venlafaxine order stopped, its doses charted not-done "Held by provider" every day to
   discharge: a hold under a finished order is no sign the drug goes on (ward_stop._last_charted);
   a refusal on those days still is (the dose was offered).
4. A psychiatric discharge 11-29, then a chest-pain observation stay 20 hours later: the card is
   named by the psychiatric discharge day and the stay that followed; the period runs from the
   later stay's end.

Charts: tests/services/wardstop3_charts/ (K5's probes, every prefetch key), as of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "wardstop3_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
SUICIDE = "suicide-risk"
VEN, DUL = "venlafaxine", "duloxetine"

_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))


def _ends(doc: Doc) -> dict[str, list[tuple[date | None, bool]]]:
    record = _at.result(doc).evaluation.record
    found: dict[str, list[tuple[date | None, bool]]] = {}
    for t in record.trials:
        found.setdefault(t.ingredient, []).append((t.end, t.ongoing))
    return found


def _suicide(doc: Doc) -> Doc:
    card: Doc = by_topic(_at.cards(doc))[SUICIDE]
    return card


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


@pytest.mark.parametrize(
    ("name", "stop", "given"),
    [
        # Finding 1: the chain's end (the psychiatric discharge 11-30) is the stay's end.
        ("transfer_chain_ven_stopped_first_stay", date(2026, 11, 19), "2026-11-18"),
        # Finding 2: as with medicationCodeableConcept.
        ("mar_contained_medication", date(2026, 11, 12), "2026-11-11"),
        # Finding 3: held every day to discharge under the stopped order.
        ("ward_ven_held_every_day_to_discharge", date(2026, 11, 12), "2026-11-11"),
    ],
)
def test_the_ward_stop_ends_venlafaxine_beside_running_duloxetine(
    name: str, stop: date, given: str
) -> None:
    doc = _chart(name)
    ends = _ends(doc)
    assert ends[VEN] == [(stop, False)]
    assert ends[DUL] == [(date(2026, 12, 1), True)]
    detail = _suicide(doc)["detail"]
    assert (
        f"duloxetine is running; venlafaxine stopped on the ward {given}; the home order is "
        "still open: reconcile"
    ) in detail
    assert "venlafaxine, duloxetine are running" not in detail


def test_the_last_dose_two_days_before_discharge_still_reads_as_taken_home() -> None:
    # Control (review s27 K2 finding 9): given to 11-27, discharged 11-30: "resume home
    # medications", unchanged.
    ends = _ends(_chart("ward_ven_last_2026_11_27"))
    assert ends[VEN] == [(date(2026, 12, 1), True)]


def test_a_transfer_within_the_stop_window_of_the_chain_end_reads_as_taken_home() -> None:
    # Finding 1's reverse: the psychiatric stay ending 11-20 (two days after the last dose, the
    # same as the first stay's end) is the usual "resume home medications" again.
    doc = _chart("transfer_chain_ven_stopped_first_stay")
    for entry in doc["prefetch"]["encounters"]["entry"]:
        r = entry["resource"]
        if r["resourceType"] == "Encounter" and r.get("period", {}).get("start", "").startswith(
            "2026-11-20"
        ):
            r["period"]["end"] = "2026-11-20T18:00:00-05:00"
    assert _ends(doc)[VEN] == [(date(2026, 12, 1), True)]


def test_refused_doses_to_discharge_keep_the_order_in_force() -> None:
    # Finding 3: a refusal is a dose offered, the order in force: read as before (running).
    doc = _chart("ward_ven_held_every_day_to_discharge")
    for entry in doc["prefetch"]["medicationAdministrations"]["entry"]:
        r = entry["resource"]
        if r.get("status") == "not-done":
            r["statusReason"] = [{"text": "Patient refused"}]
    assert _ends(doc)[VEN] == [(date(2026, 12, 1), True)]


def test_a_psychiatric_discharge_then_an_observation_stay_is_named_by_the_psychiatric_day() -> None:
    card = _suicide(_chart("psych_discharge_then_chest_pain_obs_20h"))
    assert card["summary"].startswith(
        "Discharged 2026-11-29 after a psychiatric admission (F33.2), then an observation stay: "
    )
    assert card["indicator"] == "critical"
    # The section names both stays; the period runs from the later stay's end (the chart's
    # 2026-11-30T20:00-05:00 is 2026-11-30 as written: no site zone in the test policy).
    assert "Psychiatric inpatient stay 2026-11-20 to 2026-11-29 (" in card["detail"]
    assert "then the observation stay that followed to 2026-11-30" in card["detail"]
    assert "keep follow-up close until 2027-02-28" in card["detail"]
