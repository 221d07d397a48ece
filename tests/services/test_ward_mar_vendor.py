"""Review s28 RH: ward administrations as Oracle Health (Cerner) and Epic chart them.

1. Refusals charted on-hold ("Patient refused" as the statusReason of an on-hold dose) read as
   held: 16 of 21 refused read "PDC 100 %", an adequate failed trial. A refusal named in the
   reason wins, as for not-done; an on-hold dose with no reason stays held (control).
2. The patient as the agent beside "held" ("Held at patient request", "Held - patient wants to
   discuss with MD") read as a clinical hold: now missed.
3. A dose charted in tablets was unread and the order's mg credited: half a 10 mg tablet under a
   20 mg order read 20 mg/day, adequate. mg = tablets x the product's strength.
4. Every dose refused on a 12-day stay after 8 months of fills read "verified, PDC 95 %": the
   run with nothing given is named, and adherence is not verified.
5. "dose from fills, ordered 200 mg/day" quoted the finished ward order.
6. A dose dated by effectivePeriod.end alone was a gap here and a session in administrations.py.

Charts: tests/services/ward_mar_vendor_charts/ (RH's probes, every prefetch key; s02b and s06b
are variants written for the controls), as of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.record import AdherenceStatus, InadequacyReason, Trial, Verdict
from services.trial_adherence_text import adherence_text
from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "ward_mar_vendor_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
STAY = "stay 2026-10-20 – 2026-11-10 (Major depressive disorder, recurrent severe)"

_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))


def _trial(doc: Doc, ingredient: str) -> tuple[Trial, list[Doc]]:
    cards, record = _at.cards_and_record(doc)
    (trial,) = [t for t in record.trials if t.ingredient == ingredient]
    return trial, cards


def _doses(trial: Trial) -> list[tuple[str, str, float | None]]:
    return [(s.start.isoformat(), s.end.isoformat(), s.mg_per_day) for s in trial.segments]


def _details(cards: list[Doc]) -> str:
    return "\n".join(c["detail"] for c in cards)


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("s02_refusals_charted_on_hold", "Patient refused"),  # finding 1
        ("s03_held_at_patient_request", "Held at patient request"),  # finding 2
        ("s09_held_patient_wants_to_discuss", "Held - patient wants to discuss with MD"),
        ("s06_refused_effectiveperiod_tablets", "Patient refused"),
        ("s06b_effectiveperiod_end_only", "Patient refused"),  # finding 6
    ],
)
def test_refusals_the_ward_charted_as_holds_are_poor_adherence(name: str, why: str) -> None:
    trial, cards = _trial(_chart(name), "escitalopram")
    assert trial.adherence.status is AdherenceStatus.POOR
    assert InadequacyReason.POOR_ADHERENCE in trial.reasons
    assert trial.verdict is not Verdict.ADEQUATE
    said = f"ward MAR 2026-10-20 – 2026-11-09 ({STAY}): given on 5 of 21 days (24 %); "
    assert f"{said}not given on 16 ({why}); course PDC with the ward days 93 %" in adherence_text(
        trial
    )
    assert not any("adequate trial failed" in c["summary"] for c in cards)
    assert any(
        c["summary"].startswith("1 trial not adequate (escitalopram ward MAR 24 % given)")
        for c in cards
    )
    assert f"{said}not given on 16 ({why})" in _details(cards)


def test_an_on_hold_dose_with_no_reason_stays_held() -> None:
    # s02 with the on-hold doses' statusReason removed: a hold, left out of the PDC.
    trial, _ = _trial(_chart("s02b_on_hold_no_reason"), "escitalopram")
    assert trial.adherence.status is AdherenceStatus.VERIFIED
    assert trial.verdict is Verdict.ADEQUATE
    text = adherence_text(trial)
    assert "given on 5 of 5 days (100 %); held on 16, not counted" in text


def test_an_end_only_period_dates_the_dose_as_its_start_would() -> None:
    # Finding 6: the same doses dated by effectivePeriod.end only read as with start and end.
    with_start, _ = _trial(_chart("s06_refused_effectiveperiod_tablets"), "escitalopram")
    end_only, _ = _trial(_chart("s06b_effectiveperiod_end_only"), "escitalopram")
    assert adherence_text(end_only) == adherence_text(with_start)
    record = _at.result(_chart("s06b_effectiveperiod_end_only")).evaluation.record
    assert not any("no usable date" in g.reason for g in record.gaps)


@pytest.mark.parametrize("name", ["s20_half_tablet_under_20mg_order", "s20b_same_in_mg"])
def test_half_a_10_mg_tablet_is_5_mg_under_a_20_mg_order(name: str) -> None:
    # Finding 3: 0.5 x "escitalopram 10 MG Oral Tablet" reads as 2.5 mg charted in mg (s20b).
    trial, cards = _trial(_chart(name), "escitalopram")
    assert _doses(trial) == [("2026-10-01", "2026-12-01", 5.0)]
    assert InadequacyReason.DOSE_BELOW_MINIMUM in trial.reasons
    assert "given at 5 mg/day on the ward (MAR), below the 20 mg/day ordered" in trial.notes
    assert any(
        c["summary"].startswith("Escitalopram 5 mg/day is below the adequate range (10-20)")
        for c in cards
    )
    assert not any("adequate trial failed" in c["summary"] for c in cards)


def test_one_10_mg_tablet_is_10_mg_not_the_orders_20() -> None:
    trial, cards = _trial(_chart("s12_ward_given_one_10mg_tablet"), "escitalopram")
    assert _doses(trial) == [("2026-09-01", "2026-12-01", 10.0)]  # was 20 on the ward days
    assert "given at 10 mg/day on the ward (MAR), below the 20 mg/day ordered" in trial.notes
    assert "escitalopram 10 mg/day since 2026-09-01 (13 weeks)" in _details(cards)


def test_a_short_stay_with_every_dose_refused_is_not_verified() -> None:
    # Finding 4: 12 of 12 refused, shorter than mapping.ward_alone_days: weighed with 8 months
    # of fills (not POOR), but not verified, and the run is named on the trial line.
    trial, _ = _trial(_chart("s24_ten_day_stay_all_refused"), "escitalopram")
    assert trial.adherence.status is AdherenceStatus.UNVERIFIED
    text = adherence_text(trial)
    assert text.startswith("unverified; PDC 95 %; ward MAR 2026-11-01 – 2026-11-12")
    assert "given on 0 of 12 days (0 %); not given on 12 (Patient refused)" in text
    assert text.endswith(
        "no dose given on the ward 2026-11-01 – 2026-11-12: adherence not verified"
    )


@pytest.mark.parametrize(
    "name", ["s14_ward_order_category_text_only", "s14b_ward_order_category_coded"]
)
def test_the_finished_ward_order_is_not_quoted_beside_the_fills(name: str) -> None:
    # Finding 5: the home fills' 50 mg/day stands alone; the ward's 200 mg order is the stay's.
    trial, cards = _trial(_chart(name), "sertraline")
    assert trial.ordered_mg_per_day is None
    detail = _details(cards)
    assert "sertraline since 2026-03-01; 50 mg/day since 2026-10-12 (7 weeks), no response" in (
        detail
    )
    assert "ordered 200 mg/day" not in detail
