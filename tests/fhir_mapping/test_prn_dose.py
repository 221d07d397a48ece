"""As-needed (PRN) doses are not daily doses (fhir_mapping/dose.py, dose_timeline.py, adequacy.py).

Before: `asNeededBoolean` / "as needed" was read only for mirtazapine; every other drug's PRN dose
(sertraline 100 mg "every 6 hours as needed", Epic's shape) counted toward a trial like a daily
dose, a conditional increase ("may increase to 100 mg if needed") read as "as needed", a timing
text "Q6H PRN" or "as required" was not read at all, and a scheduled dose with a PRN extra in the
same order was read as their sum. Charts are built with tests/fixtures/builders.py (US Core /
Synthea shapes) and the dosage lines as Epic writes them (../shared/fhir/vendor/
automate-medical__sero_epic-cds-hooks/epic_order-select_request.extracted.json).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.dose import as_needed, as_needed_max_mg, daily_dose_bounds, daily_dose_mg
from fhir_mapping.dose_sig import sig_as_needed
from fhir_mapping.medications import draft_orders, medication_events
from fhir_mapping.record import PatientRecord, Trial, Verdict
from tests.conftest import require_shared
from tests.fixtures import builders as b

P = "pt-prn-1"
AS_OF = date(2025, 6, 2)
START = date(2025, 1, 6)  # 21 weeks before AS_OF: an adequate length at an adequate dose
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
UCUM = "http://unitsofmeasure.org"
EPIC_ORDER_SELECT = (
    "fhir/vendor/automate-medical__sero_epic-cds-hooks/epic_order-select_request.extracted.json"
)

Resource = dict[str, Any]


def _epic_prn_line() -> dict[str, Any]:
    """The first draft's dosage line of Epic's order-select request: 650 mg every 6 hours as
    needed (asNeededBoolean, timing.code.text "Every 6 hours as needed", three doseAndRate
    entries of which the "ordered" one is read)."""
    request = json.loads((require_shared() / EPIC_ORDER_SELECT).read_text("utf-8"))
    entries = request["context"]["draftOrders"]["entry"]
    line: dict[str, Any] = entries[0]["resource"]["dosageInstruction"][0]
    assert line["asNeededBoolean"] is True
    return line


def _sertraline_order(dosage: list[dict[str, Any]], *, rid: str = "mr-sertraline") -> Resource:
    order = b.medication_request(
        *SERTRALINE_100,
        START,
        expected_supply_days=30,
        repeats=11,
        patient=P,
        id=rid,
    )
    order["dosageInstruction"] = dosage
    return order


def _mg(value: float) -> dict[str, Any]:
    return {"value": value, "unit": "mg", "system": UCUM, "code": "mg"}


def _line(mg: float, *, per_day: int = 1, prn: bool = False, **extra: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "timing": {"repeat": {"frequency": per_day, "period": 1, "periodUnit": "d"}},
        "asNeededBoolean": prn,
        "doseAndRate": [{"doseQuantity": _mg(mg)}],
    }
    line.update(extra)
    return line


def _record(*resources: Resource, drafts: tuple[Resource, ...] = ()) -> PatientRecord:
    person = b.patient(
        id=P, given="Ana", family="Ruiz", gender="female", birth_date=date(1980, 4, 2)
    )
    return build_record([person, *resources], as_of=AS_OF, patient_id=P, draft_orders=drafts)


def _sertraline(record: PatientRecord) -> Trial:
    return next(t for t in record.trials if t.ingredient == "sertraline")


# --- the dose reader ----------------------------------------------------------------------------


def test_epic_every_6_hours_as_needed_is_one_event_read_as_needed() -> None:
    line = _epic_prn_line()
    assert as_needed([line])
    assert daily_dose_mg([line]) == 650  # one administration, never 4 x 650 mg
    (event,) = medication_events([_sertraline_order([line])], as_of=AS_OF)[0]
    assert event.as_needed is True  # read for every drug now, not for mirtazapine only


def test_a_sig_alone_says_as_needed() -> None:
    sig = {"text": "take 1 tablet by mouth every 6 hours as needed for pain"}
    (event,) = medication_events([_sertraline_order([sig])], as_of=AS_OF)[0]
    assert event.as_needed is True
    assert event.mg_per_day == 100  # 1 tablet, at most once a day


@pytest.mark.parametrize(
    ("text", "prn"),
    [
        ("Take 1 tablet by mouth at bedtime as needed for sleep", True),
        ("1 tab po q6h p.r.n. pain", True),
        ("Take 2 tablets every 4 hours as required", True),
        ("Take 1 tablet at night if needed", True),
        # A conditional increase is about a later dose, not the one taken now.
        ("Take 50 mg daily. May increase to 100 mg if needed", False),
        ("Take 1 tablet daily, increase to 2 tablets after 1 week if needed", False),
        ("Take 1 tablet by mouth daily", False),
    ],
)
def test_sig_words_for_as_needed(text: str, prn: bool) -> None:
    assert sig_as_needed(text) is prn
    assert as_needed([{"text": text}]) is prn


def test_the_timing_text_alone_says_as_needed() -> None:
    # Epic writes "Q6H PRN" in timing.code.text; the flag may be missing on a converted record.
    line = _line(100, per_day=4)
    del line["asNeededBoolean"]
    line["timing"]["code"] = {"text": "Q6H PRN"}
    assert as_needed([line])
    assert daily_dose_mg([line]) == 100  # not 400: at most once a day


def test_a_scheduled_dose_with_an_as_needed_extra_counts_the_scheduled_part() -> None:
    # Two dosageInstructions of one order, taken together: 50 mg at bedtime + 25 mg as needed.
    lines = [_line(50, sequence=1), _line(25, prn=True, sequence=1)]
    assert not as_needed(lines)
    # Lower end (adequacy) the scheduled 50 mg; upper end (maximum checks) with the extra.
    assert daily_dose_bounds(lines) == (50, 75)


def test_max_dose_per_period_is_read_per_day() -> None:
    line = _line(400, per_day=4, prn=True)
    line["maxDosePerPeriod"] = {
        "numerator": _mg(1600),
        "denominator": {"value": 24, "unit": "h", "system": UCUM, "code": "h"},
    }
    assert as_needed_max_mg([line]) == 1600
    tablets = _line(1, per_day=4, prn=True)
    tablets["doseAndRate"] = [{"doseQuantity": {"value": 1, "unit": "tablet", "code": "{tbl}"}}]
    tablets["maxDosePerPeriod"] = {
        "numerator": {"value": 4, "unit": "tablet", "code": "{tbl}"},
        "denominator": {"value": 1, "unit": "d", "system": UCUM, "code": "d"},
    }
    assert as_needed_max_mg([tablets], strength_mg=50) == 200
    # Not stated, or not as needed: no ceiling is guessed.
    assert as_needed_max_mg([_line(400, prn=True)]) is None
    assert as_needed_max_mg([_line(400)]) is None


def test_a_prn_draft_says_so_with_its_ceiling() -> None:
    line = _line(100, per_day=2, prn=True)
    line["maxDosePerPeriod"] = {"numerator": _mg(200), "denominator": {"value": 1, "unit": "d"}}
    draft = _sertraline_order([line], rid="draft-1")
    draft["status"] = "draft"
    (order,) = draft_orders([draft])
    assert order.as_needed is True
    assert order.as_needed_max_mg == 200


# --- trials -------------------------------------------------------------------------------------


def test_an_as_needed_antidepressant_never_makes_an_adequate_trial() -> None:
    # 21 weeks of sertraline 100 mg "every 6 hours as needed": at or above the 50 mg minimum, but
    # not a daily dose. Before: ADEQUATE with 21 weeks at an adequate dose.
    trial = _sertraline(_record(_sertraline_order([_line(100, per_day=4, prn=True)])))
    assert trial.segments[-1].as_needed
    assert trial.weeks_at_adequate_dose == 0
    assert trial.verdict is Verdict.ONGOING
    assert trial.adequate_from is None
    assert any("taken only as needed" in n for n in trial.notes)


def test_the_same_dose_scheduled_is_adequate() -> None:
    trial = _sertraline(_record(_sertraline_order([_line(100)])))
    assert not trial.segments[-1].as_needed
    assert trial.verdict is Verdict.ADEQUATE
    assert trial.weeks_at_adequate_dose >= 6


def test_a_scheduled_dose_with_a_prn_extra_is_judged_on_the_scheduled_part() -> None:
    lines = [_line(50, sequence=1), _line(50, prn=True, sequence=1)]
    trial = _sertraline(_record(_sertraline_order(lines)))
    assert trial.segments[-1].mg_per_day == 50
    assert trial.segments[-1].mg_per_day_high == 100
    assert trial.verdict is Verdict.ADEQUATE  # 50 mg/day scheduled reaches the 50 mg minimum


def test_fills_without_a_sig_keep_the_order_as_needed() -> None:
    # Claims-style fills carry no dosage: they say nothing about "as needed", so the course stays
    # as the order says (as a fill without a dose keeps the dose before it).
    order = _sertraline_order([_line(100, prn=True)])
    fills = []
    for n in range(5):
        fill = b.medication_dispense(
            *SERTRALINE_100,
            START + timedelta(days=30 * n),
            30,
            30,
            patient=P,
            prescription="mr-sertraline",
            refill=n > 0,
            id=f"md-{n}",
        )
        del fill["dosageInstruction"]
        fills.append(fill)
    trial = _sertraline(_record(order, *fills))
    assert all(s.as_needed for s in trial.segments)
    assert trial.weeks_at_adequate_dose == 0


def test_a_later_scheduled_order_ends_the_as_needed_reading() -> None:
    prn = _sertraline_order([_line(100, prn=True)], rid="mr-prn")
    prn["status"] = "stopped"
    prn["dosageInstruction"][0]["timing"]["repeat"]["boundsPeriod"] = {
        "start": START.isoformat(),
        "end": (START + timedelta(days=28)).isoformat(),
    }
    daily = b.medication_request(
        *SERTRALINE_100,
        START + timedelta(days=28),
        expected_supply_days=30,
        repeats=11,
        patient=P,
        id="mr-daily",
    )
    trial = _sertraline(_record(prn, daily))
    assert [s.as_needed for s in trial.segments] == [True, False]
    # Only the scheduled 17 weeks count.
    assert trial.weeks_at_adequate_dose == pytest.approx((AS_OF - START).days / 7 - 4, abs=0.2)
