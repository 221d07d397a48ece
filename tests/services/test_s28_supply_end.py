"""Review s28 RH findings 1-3: where a course's supply ends, read with the ward and today's fill.

- Finding 1 (WRONG): ward doses given after the last home fill's days were ignored when the
  supply's end was read (adherence.dispense_adherence `supply_until`), so a stay that gave
  escitalopram every day to discharge read "no supply since 2026-10-28 (34 days) and no fill
  since, its order still open: likely stopped", and the trial stopped at 10-28. Supply runs at
  least to the last day the ward gave it: "no supply since" counts from the day after it, and
  the trial's weeks include the ward days.
- Finding 2 (WRONG): a fill handed over on the as-of day was left out (the window ends at as-of,
  exclusive), so "no fill since" stood beside it. A fill today starts supply today: no supply
  ran out, though it covers no day of the PDC window.
- Finding 3 (MINOR): "discharged 0 days ago" -> "discharged today".

Charts: tests/services/supply_end_charts/ (the RH reviewer's charts), as-of 2026-12-01. s16: fills
2026-04-01 .. 09-28 (30 days each: supply to 10-28), a psychiatric stay 11-10 15:00 -> 11-30
22:30 -05:00 giving escitalopram at 21:00 -05:00 every day, a discharge fill dated 2026-12-01.
s17: the same at a +10:00 site, discharged 11-25 07:30 (ward doses to 11-24), no discharge fill.
s21: the same fills, no stay, a fill handed over 2026-12-01 10:00 -05:00.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cds_hooks.offline import document_resources
from fhir_mapping.adherence import dispense_adherence
from fhir_mapping.build import build_record
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Role, SourceRef, Trial
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
AS_OF = date(2026, 12, 1)
HERE = Path(__file__).parent / "supply_end_charts"
_chart = chart_files.loader(HERE)
CHARTS = sorted(p.stem for p in HERE.glob("*.json"))
ZONES = {
    "utc": ZoneInfo("UTC"),  # the service's default `[server] timezone`
    "new_york": ZoneInfo("America/New_York"),
    "sydney": ZoneInfo("Australia/Sydney"),
}
ESCITALOPRAM = "escitalopram"


def _mapping(zone: str) -> MappingPolicy:
    return MappingPolicy(site_zone=ZONES[zone])


def _trial(doc: Doc, zone: str = "utc", as_of: date = AS_OF) -> Trial:
    record = build_record(
        document_resources(doc),
        as_of=as_of,
        patient_id=doc["context"]["patientId"],
        policy=_mapping(zone),
    )
    return next(t for t in record.trials if t.ingredient == ESCITALOPRAM)


def _text(doc: Doc, zone: str = "utc", as_of: date = AS_OF) -> str:
    at = Evaluator(as_of, policy=Policy(mapping=_mapping(zone)))
    return "\n".join(f"{c['summary']}\n{c.get('detail') or ''}" for c in at.cards(doc))


def _without_fill_of(doc: Doc, day: str) -> Doc:
    bundle = doc["prefetch"]["medicationDispenses"]
    bundle["entry"] = [
        e for e in bundle["entry"] if not e["resource"]["whenHandedOver"].startswith(day)
    ]
    return doc


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


# Finding 1: ward days given after the last home fill are supply.


@pytest.mark.parametrize(
    ("name", "zone"),
    [
        ("s16_discharge_2230_ny_evening_doses", "new_york"),
        ("s16_discharge_2230_ny_evening_doses", "utc"),
        ("s17_discharge_plus10", "utc"),
        ("s17_discharge_plus10", "sydney"),
    ],
)
def test_a_stay_giving_the_drug_to_discharge_keeps_the_course_running(name: str, zone: str) -> None:
    doc = _chart(name)
    trial = _trial(doc, zone)
    assert trial.ongoing and trial.end == AS_OF
    assert trial.supply_ran_out is None
    assert trial.adherence.supply_until is None or trial.adherence.supply_until > date(2026, 11, 24)
    # The weeks run over the ward days (to as-of), not to the home fills' end (10-28: 30.0).
    assert trial.weeks_at_adequate_dose > 34
    text = _text(doc, zone)
    assert "no supply since 2026-10-28" not in text
    assert "likely stopped" not in text
    assert "1 adequate trial failed (escitalopram)" in text


def test_no_supply_since_counts_from_the_day_after_the_last_ward_dose() -> None:
    """s16 without its discharge fill, seen 2027-01-05: the ward gave it to 11-30 (New York), so
    the supply ran out 12-01, 35 days before, not 10-28 (69 days)."""
    doc = _without_fill_of(_chart("s16_discharge_2230_ny_evening_doses"), "2026-12-01")
    later = date(2027, 1, 5)
    trial = _trial(doc, "new_york", later)
    assert trial.supply_ran_out == date(2026, 12, 1)
    assert trial.weeks_at_adequate_dose > 34  # the ward days counted, up to 12-01
    text = _text(doc, "new_york", later)
    assert "no supply since 2026-12-01 (35 days)" in text
    assert "2026-10-28" not in text


def _dispense(day: date, supply: int) -> MedicationEvent:
    return MedicationEvent(
        kind=EventKind.DISPENSE,
        ingredient=ESCITALOPRAM,
        drug_class="SSRI",
        role=Role.ANTIDEPRESSANT,
        start=day,
        end=None,
        mg_per_day=20.0,
        days_supply=supply,
        status="completed",
        source=SourceRef("MedicationDispense", day.isoformat()),
    )


def test_the_supply_ends_the_day_after_the_last_ward_day_given() -> None:
    fill = [_dispense(date(2026, 1, 1), 30)]  # supply to 01-31
    ward = frozenset(date(2026, 2, d).toordinal() for d in range(5, 16))  # 02-05 .. 02-15
    policy = MappingPolicy()
    home_only = dispense_adherence(fill, window_end=date(2026, 4, 1), policy=policy)
    assert home_only.supply_until == date(2026, 1, 31)
    with_ward = dispense_adherence(fill, window_end=date(2026, 4, 1), policy=policy, given=ward)
    assert with_ward.supply_until == date(2026, 2, 16)
    assert with_ward.last_fill == date(2026, 1, 1)
    # Ward days past the window are not read (the window is what is judged).
    cut = dispense_adherence(fill, window_end=date(2026, 2, 10), policy=policy, given=ward)
    assert cut.supply_until is None


# Finding 2: a fill handed over today is a fill.


def test_a_fill_on_the_as_of_day_is_a_fill() -> None:
    doc = _chart("s21_fill_on_asof_day_no_stay")
    trial = _trial(doc)
    assert trial.ongoing and trial.supply_ran_out is None
    assert trial.adherence.supply_until is None
    # The 34 days between the fills stay a supply gap (one course, the gap cut out).
    assert [(g.start, g.end) for g in trial.adherence.supply_gaps] == [(date(2026, 10, 28), AS_OF)]
    text = _text(doc)
    assert "no fill since" not in text
    assert "no supply since" not in text
    assert "no supply dispensed for 34 days from 2026-10-28" in text


def test_todays_fill_covers_no_day_of_the_window() -> None:
    """The PDC window ends at as-of (its days are those before it): today's fill starts supply
    today but adds no covered day, so the PDC is that of the earlier fills over the window."""
    fills = [_dispense(date(2026, 1, 1), 30), _dispense(date(2026, 3, 2), 30)]
    today = dispense_adherence(fills, window_end=date(2026, 3, 2), policy=MappingPolicy())
    before = dispense_adherence(fills[:1], window_end=date(2026, 3, 2), policy=MappingPolicy())
    assert today.pdc == before.pdc == round(30 / 60, 4)
    assert today.supply_gaps == before.supply_gaps
    assert today.fills == 2
    assert (today.supply_until, before.supply_until) == (None, date(2026, 1, 31))


# Finding 3: discharged on the as-of day.


def test_discharged_on_the_as_of_day_reads_today() -> None:
    text = _text(_chart("s16_discharge_2230_ny_evening_doses"))  # UTC: 12-01 03:30
    assert "discharged today" in text
    assert "0 days ago" not in text
