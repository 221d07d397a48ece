"""Review s21 RR finding 5: when a record that says its drug MAY be taken now stops being read so
(fhir_mapping/to_confirm_settled.py).

A fluoxetine statement `unknown` followed by a later record that ends it (an order stopped
2023-06-01; a `stopped` statement ending 2026-03-25) said "Two serotonin reuptake inhibitors if
both are taken: ... fluoxetine ... may be running" and held the adjunct one-clicks, beside the
same card's "fluoxetine (failed)"; an `unknown` of 2019 with nothing since held them too. Now a
later end supersedes the record and one older than MappingPolicy.maybe_running_days (365) with
no record of the drug since is stale: either way only the data-gap line names it. A recent
`unknown`, and one on the same day as the stop, keep the safer reading. At the order hooks the
MAOI and two-SSRI checks follow the same rule; an `unknown` LATER than an ended course of the
drug is no longer hidden by it in the MAOI washout check.

Charts: tests/services/maybe_running_age_charts/ (US Core shaped requests, every prefetch key;
built from the session 21 recheck's r8 charts). As of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from services.policy import load_policy
from services.washout_table import longest_washout_days
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

_chart = chart_files.loader(Path(__file__).parent / "maybe_running_age_charts")
_at = Evaluator(date(2026, 12, 1))

OPTIMISE = "optimize-switch-augment"
TWO_INHIBITORS = "Two serotonin reuptake inhibitors if both are taken"
HELD = "Not one click until it is confirmed"


def _detail(name: str, topic: str = OPTIMISE) -> str:
    detail: str = by_topic(_at.cards(_chart(name)))[topic]["detail"]
    return detail


def _all_text(name: str) -> str:
    return "\n".join(c["summary"] + "\n" + c.get("detail", "") for c in _at.cards(_chart(name)))


def _adjunct_orders(name: str) -> list[str]:
    card = by_topic(_at.cards(_chart(name)))[OPTIMISE]
    return [s["label"] for s in card.get("suggestions", []) if "adjunctive" in s["label"]]


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("unknown_then_order_stopped", "fluoxetine, not read as running: a later order ended 2023-06-01"),
        ("unknown_then_statement_stopped", "fluoxetine, not read as running: a later statement ended 2026-03-25"),
        ("unknown_2019_nothing_since", "fluoxetine, not read as running: no record of it in the last 365 days"),
    ],
)  # fmt: skip
def test_a_settled_unknown_record_holds_nothing_and_is_named_in_the_gap_line(
    name: str, why: str
) -> None:
    detail = _detail(name)
    assert TWO_INHIBITORS not in detail
    assert HELD not in detail
    assert "may be running" not in detail
    assert why in detail
    assert _adjunct_orders(name)  # the one-clicks are offered again


def test_a_recent_unknown_record_still_holds_the_adjuncts() -> None:
    detail = _detail("unknown_recent")
    assert TWO_INHIBITORS in detail and "may be running" in detail
    assert HELD in detail and "Confirm first whether the patient takes fluoxetine" in detail
    assert not _adjunct_orders("unknown_recent")


def test_a_stop_on_the_records_own_day_is_not_later_so_the_safer_reading_stays() -> None:
    detail = _detail("unknown_same_day_as_stop")
    assert TWO_INHIBITORS in detail and "may be running" in detail
    assert "not read as running" not in detail


def test_the_settled_record_is_set_aside_on_the_record_for_every_check() -> None:
    _, record = _at.cards_and_record(_chart("unknown_then_order_stopped"))
    gaps = [g for g in record.gaps if g.set_aside is not None]
    assert [g.set_aside.drugs for g in gaps if g.set_aside] == [("fluoxetine",)]
    assert not any("fluoxetine" in g.taken_now for g in record.gaps)


def test_an_old_unknown_fluoxetine_raises_no_mao_line_at_a_phenelzine_order() -> None:
    text = _all_text("phenelzine_draft_unknown_2019")
    assert "Fluoxetine → phenelzine" not in text
    assert "fluoxetine, not read as running: no record of it in the last 365 days" in text


def test_a_recent_unknown_fluoxetine_still_raises_the_mao_line() -> None:
    text = _all_text("phenelzine_draft_unknown_recent")
    assert "**Fluoxetine → phenelzine (MAOI)**: fluoxetine may be running" in text


def test_an_unknown_later_than_a_stopped_course_is_not_hidden_by_it_at_an_mao_order() -> None:
    # Fluoxetine order stopped 2023-06-01, then an `unknown` statement of 2026-11-20: the course's
    # old end is not the day the washout counts from; the drug may be running.
    text = _all_text("phenelzine_draft_stopped_then_unknown")
    assert "**Fluoxetine → phenelzine (MAOI)**: fluoxetine may be running" in text


def test_a_superseding_stop_still_times_the_washout_from_itself() -> None:
    # `unknown` 2026-10-01, then a `stopped` statement ending 2026-11-15: the record is set
    # aside, and the 35-day fluoxetine washout counts from the stop.
    cards = _at.cards(_chart("phenelzine_draft_unknown_then_stopped_recently"))
    # cards46 (review K34): venlafaxine runs beside it, so the summary names both, the days of
    # fluoxetine washout left counted from its stop (35 - 16); the first safe day, which holds
    # only once venlafaxine is stopped too, is the detail's. cards47 (review K36a finding 7): the
    # running venlafaxine's own washout into the draft (stop, then 14 days) now leads.
    assert any(
        "stop venlafaxine 225 mg/day, then 14 days; fluoxetine stopped 2026-11-15, 19 days of "
        "washout left"
        in c["summary"]
        and "phenelzine not before 2026-12-20" in c["detail"]
        and c["indicator"] == "critical"
        for c in cards
    )


def test_an_old_unknown_ssri_makes_no_two_ssri_line_at_an_ssri_order() -> None:
    old = _all_text("sertraline_draft_unknown_2019")
    assert "Two SSRIs" not in old and "may be running" not in old
    recent = _all_text("sertraline_draft_unknown_recent")
    assert "Two SSRIs (fluoxetine may be running)" in recent


def test_the_window_is_policy_and_a_longer_one_keeps_the_old_record() -> None:
    policy = load_policy({"mapping": {"maybe_running_days": 3650}})
    detail = by_topic(_at.cards(_chart("unknown_2019_nothing_since"), policy=policy))[OPTIMISE]
    assert TWO_INHIBITORS in detail["detail"] and HELD in detail["detail"]


def test_the_window_is_never_shorter_than_the_longest_washout() -> None:
    floor = longest_washout_days()
    assert floor == 35  # fluoxetine before an MAOI, maoi_washout.csv
    assert load_policy({"mapping": {"maybe_running_days": floor}}).mapping.maybe_running_days == 35
    with pytest.raises(ValidationError, match="longest washout"):
        load_policy({"mapping": {"maybe_running_days": floor - 1}})
