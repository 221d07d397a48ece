"""Fix orders36 (recheck K32a finding 4, s32): a never-filled order on a chart with a fill feed
still read as a course to raise, holding back the switch card (unfilled_order.py, courses.py).

o05: a venlafaxine 37.5 mg order of 2026-08-01, 30 days x 3, never dispensed while the feed
carries lisinopril monthly, was listed "never filled or renewed" and yet read "Venlafaxine 37.5
mg/day is below the adequate range (75-225): raise the dose before judging response ... for 12.9
weeks so far"; the failed sertraline's switch card (as the 225 mg control o04 reads) did not
come. o03: the same of a phenelzine 15 mg order. A listed never-filled order gets no dose advice
(its listing says why) and does not hold the switch; and its authorised supply having ended
before as-of, it is counted to one fill's supply as a longer-authorised order is (orders35's
doubt 1: 12.9 weeks there, 4.3 here). The MAOI check still sees the phenelzine order.

Charts: tests/services/orders36_charts/ (the reviewer's, all 19 prefetch keys), as of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.trial import Trial
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "orders36_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_dec = Evaluator(date(2026, 12, 1))
VEN37 = "o05_ven37_unfilled_aug_30x3"
PHENELZINE = "o03_phenelzine_unfilled_3mo"
CONTROL = "o04_ven_unfilled_aug_30x3"  # the same order at 225 mg/day
SWITCH = "1 adequate trial failed (sertraline): switch to a non-SSRI mechanism"


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _run(name: str, drug: str) -> tuple[list[dict[str, str]], Trial]:
    cards, record = _dec.cards_and_record(_chart(name))
    (trial,) = (t for t in record.trials if t.ingredient == drug)
    return cards, trial


@pytest.mark.parametrize(
    ("name", "drug", "day"),
    [
        (VEN37, "venlafaxine", "2026-08-01"),
        (PHENELZINE, "phenelzine", "2026-09-01"),
        (CONTROL, "venlafaxine", "2026-08-01"),
    ],
)
def test_a_never_filled_order_gets_no_dose_advice_and_the_switch_comes(
    name: str, drug: str, day: str
) -> None:
    cards, trial = _run(name, drug)
    assert trial.feed_unfilled and trial.listed and not trial.failed
    summaries = "\n".join(c["summary"] for c in cards)
    text = "\n".join(f"{c['summary']}\n{c.get('detail') or ''}" for c in cards)
    assert f"{drug}: order of {day} still active, never filled or renewed" in summaries
    assert SWITCH in summaries
    assert "below the adequate range" not in text
    assert "raise the dose" not in summaries
    assert "so far" not in text
    assert "trial not adequate" not in summaries


@pytest.mark.parametrize(
    ("name", "drug", "one_fill"),
    [(VEN37, "venlafaxine", "2026-08-31"), (CONTROL, "venlafaxine", "2026-08-31")],
)
def test_counted_to_one_fill_even_when_its_authorised_supply_ran_out(
    name: str, drug: str, one_fill: str
) -> None:
    # 30 days x 3 authorised to 2026-10-30 (12.9 weeks); the feed showed no fill by one fill's
    # time plus supply_gap_days, as a 28 x 12 order is read (orders35): counted to one fill.
    cards, trial = _run(name, drug)
    assert trial.segments[-1].end == date.fromisoformat(one_fill)
    assert any(f"counted to {one_fill} (one fill's supply; the fill feed" in n for n in trial.notes)
    assert any(f"time after {one_fill} not counted" in (c.get("detail") or "") for c in cards)


def test_the_maoi_check_still_sees_the_never_filled_phenelzine() -> None:
    cards = _dec.cards(_chart(f"{PHENELZINE}.order-sign"), "order-sign")
    critical = [c["summary"] for c in cards if c["indicator"] == "critical"]
    assert critical == [
        "Sertraline ordered while phenelzine (MAOI) is listed (order of 2026-09-01 never "
        "filled): confirm it is not taken (14-day washout if taken)"
    ]
