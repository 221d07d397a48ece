"""Review s20 r3 (recheck of this session's fixes), findings 1, 4, 5 and 6, by pharmacist and
psychiatrist probes at order-sign, evaluated as of 2026-12-01:

- Finding 1: a sertraline order written 2026-06-01 (never filled, or filled once for 30 days on
  10-01), `stopped`, its meta.lastUpdated 2026-11-28: a phenelzine draft on 12-01 got NO card.
  The supply on record ran out in July (October), but the order stood until 11-28: the last dose
  may have been as late as that (outside pharmacy, tablets at home). The washout now counts from
  the recorded stop (Trial.stop_recorded): critical "not before 2026-12-12 unless confirmed
  earlier", with the last dose that would let phenelzine start today (2026-11-17) to confirm.
  The weeks on the drug are unchanged (the supply's): only the washout reads the stop.
- Finding 4: sertraline tapered to 12-15 and venlafaxine from 12-16 (a direct switch) read
  "overlap 2026-12-16 to 2026-12-15": no overlap, no card.
- Finding 5: a venlafaxine taper drafted while sertraline runs (duloxetine drafted beside it) was
  read as a cross-taper. Now "Venlafaxine taper ordered but venlafaxine is not running (sertraline
  is): wrong drug?", naming the three serotonin reuptake inhibitors taken together as written.
- Finding 6 (MINOR): an 8-week SSRI/SNRI overlap was information only. An overlap longer than
  MappingPolicy.cross_taper_weeks (default 4: NHS SPS "2 to 4 weeks") is a warning.

Charts: tests/services/washout_edges_charts/ (copies of the review's probes, renamed).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import document_resources
from fhir_mapping.build import build_record
from fhir_mapping.policy import MappingPolicy
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]

_chart = chart_files.loader(Path(__file__).parent / "washout_edges_charts")

NO_FILL = "sertraline_order_stopped_late_no_fill_phenelzine_draft"
ONE_FILL = "sertraline_order_stopped_late_one_fill_phenelzine_draft"
RECENT = "sertraline_order_stopped_recent_phenelzine_draft"
DIRECT = "sertraline_taper_then_venlafaxine_direct_switch"
NOT_RUNNING = "venlafaxine_taper_not_running_duloxetine_on_sertraline"
LONG = "sertraline_to_venlafaxine_cross_taper_8_weeks"

SERTRALINE = {"code": "312938", "display": "sertraline 100 MG Oral Tablet"}
PHENELZINE = {"code": "312347", "display": "phenelzine 15 MG Oral Tablet"}


_cards = Evaluator(AS_OF).cards


def _orders(doc: Doc) -> list[Doc]:
    return [e["resource"] for e in doc["prefetch"]["medicationRequests"]["entry"]]


def _sertraline_order(doc: Doc) -> Doc:
    return next(
        r for r in _orders(doc) if "sertraline" in json.dumps(r["medicationCodeableConcept"])
    )


def _drug(resource: Doc, drug: dict[str, str]) -> None:
    coding = {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", **drug}
    resource["medicationCodeableConcept"] = {"coding": [coding], "text": drug["display"]}


def _washout(cards: list[Doc]) -> list[Doc]:
    # By topic, not by the word "MAOI": a new phenelzine order past its washout now gets the
    # MAOI diet card (information, order-maoi-diet: review s22 RU finding 3), no washout card.
    return [
        c
        for c in cards
        if c["source"]["topic"]["code"] == "order-maoi-interaction" or "washout" in c["summary"]
    ]


def _mentions(cards: list[Doc], drug: str) -> list[Doc]:
    return [c for c in cards if drug in (c["summary"] + (c.get("detail") or "")).lower()]


# Finding 1: the washout counts from the recorded stop of an order that outlived its supply.


@pytest.mark.parametrize(("name", "covered"), [(NO_FILL, "2026-07-01"), (ONE_FILL, "2026-10-31")])
def test_order_stopped_after_its_supply_counts_the_washout_from_the_stop(
    name: str, covered: str
) -> None:
    cards = _washout(_cards(_chart(name)))
    assert len(cards) == 1, [c["summary"] for c in cards]
    card = cards[0]
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Phenelzine (MAOI): sertraline order stopped on or before 2026-11-28, last dose not "
        "recorded: not before 2026-12-12 unless confirmed earlier"
    )
    detail = card["detail"]
    assert f"covered on record to {covered}" in detail
    assert "may have been as late as that day" in detail
    assert "if it was on or before 2026-11-17, phenelzine may start 2026-12-01" in detail


def test_a_stop_cut_at_its_last_update_counts_from_it_said_as_on_or_before() -> None:
    """o5c: an order written 11-20, no end, no fill, `stopped`, meta.lastUpdated 11-28; its
    assumed fill is cut at that day (rule 2g). The washout counts from 11-28 as before, but the
    day is only when the stop was recorded by, not a recorded last dose (Trial.end_not_recorded,
    review s20 r4 finding 3): "stop date not recorded (stopped by 2026-11-28)", never "as
    recorded" (s29 orders30: "at least 3 days after sertraline stopped" named no day).
    It is the same record shape as reading20_charts/s01_*_updated_yesterday; a stated end keeps
    "as recorded" (test_s20_stop_flag.test_a_recorded_end_keeps_as_recorded)."""
    card = _washout(_cards(_chart(RECENT)))[0]
    assert card["summary"] == (
        "Phenelzine (MAOI): sertraline stop date not recorded (stopped by 2026-11-28): not "
        "before 2026-12-12, 14 days after its last dose"
    )
    assert (
        "sertraline was stopped on or before 2026-11-28 (last dose not recorded; 3 days ago)"
    ) in card["detail"]
    assert "as recorded" not in card["detail"]


def test_a_stop_recorded_before_the_washout_gives_no_card() -> None:
    """Stopped on or before 2026-11-01: 14 days have passed whatever the last dose was."""
    doc = _chart(NO_FILL)
    _sertraline_order(doc)["meta"]["lastUpdated"] = "2026-11-01T17:00:00-05:00"
    assert _washout(_cards(doc)) == []


def test_a_stop_recorded_after_as_of_says_nothing_of_as_of() -> None:
    """A lastUpdated after as-of (a replay) is no stop on as-of (rule 2g reads it so too)."""
    doc = _chart(NO_FILL)
    _sertraline_order(doc)["meta"]["lastUpdated"] = "2026-12-05T17:00:00-05:00"
    assert _washout(_cards(doc)) == []


def test_the_covered_weeks_stay_the_supply_s() -> None:
    """Only the washout reads the recorded stop: the course still ends where its supply (here
    one assumed fill) ends, so no weeks on the drug are invented."""
    doc = _chart(NO_FILL)
    record = build_record(
        document_resources(doc), as_of=AS_OF, patient_id=doc["context"]["patientId"]
    )
    trial = next(t for t in record.trials if t.ingredient == "sertraline")
    assert (trial.end, trial.stop_recorded, trial.ongoing) == (
        date(2026, 7, 1),
        date(2026, 11, 28),
        False,
    )
    assert trial.weeks_at_adequate_dose < 5


def test_an_maoi_order_stopped_after_its_supply_holds_a_serotonergic_start() -> None:
    """The other way round: phenelzine's order stopped on or before 11-28 (supply to 07-01),
    sertraline drafted: not before 2026-12-12."""
    doc = _chart(NO_FILL)
    _drug(_sertraline_order(doc), PHENELZINE)
    draft = doc["context"]["draftOrders"]["entry"][0]["resource"]
    _drug(draft, SERTRALINE)
    dosage = draft["dosageInstruction"][0]
    dosage["text"] = "Take 1 tablet (100 mg) by mouth daily"
    dosage["timing"]["repeat"]["frequency"] = 1
    cards = [c for c in _cards(doc) if "not before" in c["summary"]]
    assert len(cards) == 1, [c["summary"] for c in _cards(doc)]
    assert cards[0]["indicator"] == "critical"
    assert cards[0]["summary"].startswith(
        "Sertraline: phenelzine (MAOI) order stopped on or before 2026-11-28"
    )
    assert "not before 2026-12-12" in cards[0]["summary"]


def test_patient_view_names_the_stop_as_on_or_before() -> None:
    """Phenelzine running since 11-30 beside the sertraline order stopped on or before 11-28:
    the combination card at chart open says the stop as the record gives it."""
    doc = _chart(NO_FILL)
    draft = doc["context"]["draftOrders"]["entry"][0]["resource"]
    draft = {**draft, "id": "5f6d2a57-9a1e-4a2b-8d0e-2c51f0a1b7c3", "status": "active"}
    draft["authoredOn"] = "2026-11-30T09:30:00-05:00"
    doc["prefetch"]["medicationRequests"]["entry"].append({"resource": draft})
    doc["context"].pop("draftOrders")
    doc["hook"] = "patient-view"
    cards = [c for c in _cards(doc, hook="patient-view") if "phenelzine" in c["summary"].lower()]
    assert cards, "no MAOI combination card"
    text = " ".join(c["summary"] + c.get("detail", "") for c in cards)
    assert "sertraline" in text and "on or before 2026-11-28" in text


# Finding 4: a direct switch has no overlap.


def _venlafaxine_starts(doc: Doc, day: str) -> None:
    venlafaxine = doc["context"]["draftOrders"]["entry"][1]["resource"]
    venlafaxine["dosageInstruction"][0]["timing"]["repeat"]["boundsPeriod"]["start"] = (
        f"{day}T09:30:00-05:00"
    )


def test_a_direct_switch_gets_no_cross_taper_card() -> None:
    cards = _cards(_chart(DIRECT))
    assert [c["summary"] for c in cards if "overlap" in c["summary"]] == []
    assert [c["summary"] for c in cards if "venlafaxine" in c["summary"].lower()] == []


@pytest.mark.parametrize(
    ("start", "overlap"),
    [("2026-12-08", "2026-12-08 to 2026-12-15"), ("2026-12-15", "2026-12-15 to 2026-12-15")],
)
def test_an_overlapping_start_keeps_the_cross_taper_card(start: str, overlap: str) -> None:
    doc = _chart(DIRECT)
    _venlafaxine_starts(doc, start)
    cards = [c for c in _cards(doc) if "Cross-taper" in c["summary"]]
    assert len(cards) == 1
    assert cards[0]["indicator"] == "info"
    assert f"overlap {overlap}" in cards[0]["summary"]


# Finding 5: a taper of a drug that is not running.


def test_a_taper_of_a_drug_not_running_is_named_as_such() -> None:
    cards = _mentions(_cards(_chart(NOT_RUNNING)), "venlafaxine")
    assert len(cards) == 1, [c["summary"] for c in cards]
    card = cards[0]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Venlafaxine taper ordered but venlafaxine is not running (sertraline is): wrong drug?"
    )
    detail = card["detail"]
    assert "no running course of venlafaxine is on record" in detail
    assert "If the taper was meant for sertraline, write it for that drug" in detail
    assert "venlafaxine, sertraline and duloxetine are taken together from 2026-12-01" in detail
    assert "three serotonin reuptake inhibitors" in detail
    assert "Cross-taper on this order" not in detail
    # The real combination of the other draft with what runs is still said.
    assert "Duloxetine 30 mg/day on this order (SNRI) and sertraline" in detail


def test_a_taper_of_the_running_drug_is_still_a_cross_taper() -> None:
    """The same order with the taper written for sertraline, the drug that runs: a cross-taper
    of sertraline to duloxetine, no "not running" card."""
    doc = _chart(NOT_RUNNING)
    taper = next(
        e["resource"]
        for e in doc["context"]["draftOrders"]["entry"]
        if "venlafaxine" in json.dumps(e["resource"]["medicationCodeableConcept"]).lower()
    )
    _drug(taper, {"code": "312941", "display": "sertraline 50 MG Oral Tablet"})
    cards = _cards(doc)
    assert [c for c in cards if "not running" in c["summary"]] == []
    cross = [c for c in cards if c["summary"].startswith("Cross-taper sertraline to duloxetine")]
    assert len(cross) == 1, [c["summary"] for c in cards]


# Finding 6: a long overlap is a warning above the clinic's cross-taper weeks.


def test_an_eight_week_overlap_is_a_warning() -> None:
    cards = [c for c in _cards(_chart(LONG)) if "Cross-taper" in c["summary"]]
    assert len(cards) == 1
    card = cards[0]
    assert card["indicator"] == "warning"
    assert "overlap 8 weeks" in card["summary"]
    assert "longer than the 4 weeks of a routine cross-taper" in card["detail"]
    assert "2 to 4 weeks" in card["detail"]


def test_the_clinic_sets_the_longest_routine_overlap() -> None:
    policy = Policy(mapping=MappingPolicy(cross_taper_weeks=8.0))
    cards = [c for c in _cards(_chart(LONG), policy=policy) if "Cross-taper" in c["summary"]]
    assert len(cards) == 1
    assert cards[0]["indicator"] == "info"
    assert "overlap 2026-12-01 to 2027-01-26" in cards[0]["summary"]
