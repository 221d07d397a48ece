"""Review s25 RK2 findings 2, 3 and 4: an emergency-department visit recorded in progress
(class EMER: fhir_mapping/current_stays.py) held the outpatient one-clicks for as long as the
Encounter stayed open, and was read against the ward-stay thresholds (`stay_left_*`).

- Finding 2: an ED visit "in-progress" since 2026-08-28, nothing but a PHQ-9 since, still said
  "In the emergency department since 2026-08-28 ... shown as text until after the ED visit" on
  2026-12-01; one with no period at all held the one-clicks despite monthly fills. Now a PHQ-9
  after its arrival day counts as outpatient evidence, and an undated one is not a current
  visit. (Its age alone lifted the hold too, past `MappingPolicy.ed_visit_max_days`; review s25
  RK4 finding 11 reversed that: with nothing since, the hold stays and the visit is said as
  open, its status to check: test_ed_boarding_holds.py.)
- Finding 3: a clinic visit four days after the ED arrival kept the hold ("a consult or test
  during a stay may be filed as outpatient ... if the patient was discharged, close the stay"):
  ward words and ward thresholds. Now one outpatient event after the arrival day ends it.
- Finding 4: a stale ED visit was named "Inpatient stay recorded open since ...". Now "ED visit
  recorded open since ...".

Charts: tests/services/ed_visit_left_open_charts/ (Oracle-shaped, every prefetch key; the RK2
probes a1, a1b, a1c, a1d, a5b and a6, made from the hospital25 charts: sertraline then
escitalopram failed, PHQ-9 20, an EMER Encounter for chest pain).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.policy import MappingPolicy
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator, labels

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
DIAGNOSIS = "diagnosis-review"
IN_ED = "**In the emergency department"
CHARTS = [
    "ed_open_3mo_monthly_fills",
    "ed_open_3mo_clinic_visit_since",
    "ed_open_11d_clinic_visit_day4",
    "ed_open_3mo_phq9_since_no_fills",
    "ed_triaged_yesterday",
    "ed_in_progress_no_period",
]

_chart = chart_files.loader(Path(__file__).parent / "ed_visit_left_open_charts")
_at = Evaluator(date(2026, 12, 1))


def _encounter(doc: Doc, id_: str) -> Doc:
    found: Doc = next(
        e["resource"] for e in doc["prefetch"]["encounters"]["entry"] if e["resource"]["id"] == id_
    )
    return found


def _ed(doc: Doc) -> Doc:
    return _encounter(doc, "bad18295-bb6c-5bdb-9426-9acd5a9a48a0")


def _details(cards: dict[str, Doc]) -> str:
    return "\n".join(c.get("detail", "") for c in cards.values())


def _held(cards: dict[str, Doc]) -> bool:
    """The ED hold is on: the line names the visit and the optimise card offers no one-click."""
    return IN_ED in _details(cards) and not labels(cards[OPTIMISE])


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


def test_an_ed_visit_since_yesterday_still_holds() -> None:
    assert _held(_at.by_topic(_chart("ed_triaged_yesterday")))


OVERDUE = "**ED visit open since"


def _overdue(cards: dict[str, Doc]) -> bool:
    """The hold is on, said as an ED visit open past the ceiling (review s25 RK4 finding 11)."""
    held = (OPTIMISE, TMS, DIAGNOSIS, "psychotherapy")
    return OVERDUE in _details(cards) and not any(
        labels(card) for topic, card in cards.items() if topic in held
    )


@pytest.mark.parametrize(("arrival", "days"), [("2026-11-28", 3), ("2026-11-27", 4)])
def test_an_ed_visit_past_the_ceiling_keeps_the_hold_and_says_so(arrival: str, days: int) -> None:
    # Fills and PHQ-9s all before the arrival: its age alone releases nothing (review s25 RK4
    # finding 11 reversed RK2 finding 2 here: a psychiatric boarder may wait days).
    doc = _chart("ed_triaged_yesterday")
    _ed(doc)["period"]["start"] = f"{arrival}T02:10:00-05:00"
    cards = _at.by_topic(doc)
    assert not labels(cards[OPTIMISE])
    assert "nothing is held on it" not in _details(cards)
    if days <= 3:
        assert _held(cards)
    else:
        assert _overdue(cards)
        assert cards[OPTIMISE]["detail"].startswith(
            f"**ED visit open since {arrival} ({days} days)** (ICD-10-CM R07.9 Chest pain, "
            "unspecified): check its status in the chart."
        )


def test_the_ceiling_is_the_clinics_to_set() -> None:
    doc = _chart("ed_triaged_yesterday")
    _ed(doc)["period"]["start"] = "2026-11-24T02:10:00-05:00"
    assert _overdue(_at.by_topic(doc))
    longer = Policy(mapping=MappingPolicy(ed_visit_max_days=10))
    assert _held(_at.by_topic(doc, policy=longer))


def test_three_months_open_with_only_a_phq9_since_holds_nothing() -> None:
    cards = _at.by_topic(_chart("ed_open_3mo_phq9_since_no_fills"))
    assert IN_ED not in _details(cards)
    assert labels(cards[DIAGNOSIS]) == ["Order TSH"]
    assert (
        "**ED visit recorded open since 2026-08-28**, with PHQ-9 results since (first "
        "2026-10-05): check its status in the chart; nothing is held on it."
    ) in _details(cards)


def test_three_months_open_with_nothing_since_holds_and_says_check_it() -> None:
    doc = _chart("ed_open_3mo_phq9_since_no_fills")
    observations = doc["prefetch"]["observations"]["entry"]
    observations[:] = [
        e
        for e in observations
        if not e["resource"].get("effectiveDateTime", "").startswith("2026-10-05")
    ]
    cards = _at.by_topic(doc)
    # Nothing since says the patient left: the safer side holds (review s25 RK4 finding 11).
    assert _overdue(cards)
    assert "**ED visit open since 2026-08-28 (95 days)**" in _details(cards)
    assert labels(cards[DIAGNOSIS]) == []


@pytest.mark.parametrize(
    ("name", "evidence"),
    [
        ("ed_open_3mo_monthly_fills", "with pharmacy fills since (first 2026-09-01)"),
        ("ed_open_3mo_clinic_visit_since", "with outpatient visits since (first 2026-10-15)"),
        ("ed_open_11d_clinic_visit_day4", "with outpatient visits since (first 2026-11-24)"),
    ],
)
def test_a_stale_ed_visit_is_called_an_ed_visit(name: str, evidence: str) -> None:
    cards = _at.by_topic(_chart(name))
    arrival = _ed(_chart(name))["period"]["start"][:10]
    assert labels(cards[OPTIMISE])
    assert cards[OPTIMISE]["detail"].startswith(
        f"**ED visit recorded open since {arrival}**, {evidence}: check its status in the "
        "chart; nothing is held on it."
    )
    assert "Inpatient stay" not in _details(cards)


@pytest.mark.parametrize(("visit_day", "held"), [("2026-12-01", False), ("2026-11-30", True)])
def test_one_clinic_visit_after_the_arrival_day_ends_the_ed_visit(
    visit_day: str, held: bool
) -> None:
    # Within the ceiling: arrival yesterday. A visit on the arrival day may have sent the
    # patient there; one on a later day shows the patient left.
    doc = _chart("ed_open_11d_clinic_visit_day4")
    _ed(doc)["period"]["start"] = "2026-11-30T02:10:00-05:00"
    clinic = _encounter(doc, "amb-1")
    clinic["period"] = {
        "start": f"{visit_day}T09:00:00-05:00",
        "end": f"{visit_day}T09:30:00-05:00",
    }
    cards = _at.by_topic(doc)
    assert _held(cards) is held
    assert "a consult or test during a stay" not in _details(cards)


def test_an_undated_ed_visit_is_not_a_current_one() -> None:
    cards = _at.by_topic(_chart("ed_in_progress_no_period"))
    assert IN_ED not in _details(cards)
    assert "recorded open" not in _details(cards)
    assert labels(cards[OPTIMISE])
    assert labels(cards[TMS])
