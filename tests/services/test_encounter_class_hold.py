"""s26 RK1 finding 6: what a visit in progress holds, by its class and status.

- A class the service cannot read ("Emergency Room Outpatient": words of two classes; "Observation",
  of none, until review s27 RE finding 2 read it as an observation stay that holds) on a visit in progress: the gap was named only in the TMS card's data-gap section
  while the optimise card offered "Propose adjunctive aripiprazole" one click. It could be an ED
  visit, so the optimise card now says so at its top; its one-clicks are not held, because
  Epic's own clinic office visit is in progress under a class not read either
  (rules/unread_class_note.py).
- "triaged" (and "arrived") under an inpatient class held nothing, under an emergency class it
  held: both precede what they lead to with the patient in the hospital, so an inpatient class
  triaged now holds as one in progress (fhir_mapping/current_stays.py `_IN_STAY`).

Charts: tests/services/encounter_class_hold_charts/ (the RK1 review's L charts: Epic's local
class system urn:oid:1.2.840.114350.1.72.1.7.7.10.696784.13260 with the site's display).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, labels

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
OBSERVATION = "observation_class_in_progress"
ER_OUTPATIENT = "emergency_room_outpatient_class_in_progress"
INPATIENT_TRIAGED = "inpatient_class_triaged"
PSYCHIATRY_TRIAGED = "inpatient_psychiatry_class_triaged"
ED_TRIAGED = "emergency_department_observation_class_triaged"
CHARTS = [OBSERVATION, ER_OUTPATIENT, INPATIENT_TRIAGED, PSYCHIATRY_TRIAGED, ED_TRIAGED]

_chart = chart_files.loader(Path(__file__).parent / "encounter_class_hold_charts")
_at = Evaluator(date(2026, 12, 1))


def _visit(doc: Doc) -> Doc:
    entries = doc["prefetch"]["encounters"]["entry"]
    assert len(entries) == 1
    resource: Doc = entries[0]["resource"]
    return resource


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


@pytest.mark.parametrize(("name", "display"), [(ER_OUTPATIENT, "Emergency Room Outpatient")])
def test_a_class_not_read_is_said_on_the_optimise_card_which_keeps_its_one_clicks(
    name: str, display: str
) -> None:
    cards = _at.by_topic(_chart(name))
    optimise = cards[OPTIMISE]
    first = optimise["detail"].split("\n\n")[0]
    assert first.startswith("**Visit in progress, class not read**")
    assert f'class "{display}"' in first
    assert "if the patient is in the emergency department or in a hospital bed now" in first
    assert "The one-clicks are not held" in first
    assert "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)" in labels(optimise)
    # The TMS card keeps its data-gap line; the note is not repeated there.
    assert "class not read**" not in cards[TMS]["detail"]


def test_an_observation_class_in_progress_now_holds_as_a_stay() -> None:
    """Review s27 RE finding 2: the whole display "Observation" is an observation stay
    (admission_codes.csv `observation-display`, read as v3-ActCode OBSENC): the patient is in a
    hospital bed, so it holds as a stay in progress; it was said as a class not read."""
    cards = _at.by_topic(_chart(OBSERVATION))
    # Named by its class word since review s27 K2 finding 5 (not "the inpatient team").
    assert "ask the hospital team (observation stay) first" in cards[OPTIMISE]["summary"]
    assert "class not read" not in cards[OPTIMISE]["detail"]
    assert not labels(cards[OPTIMISE])
    assert not labels(cards[TMS])


def test_a_finished_visit_of_a_class_not_read_says_nothing() -> None:
    doc = _chart(ER_OUTPATIENT)
    visit = _visit(doc)
    visit["status"] = "finished"
    visit["period"]["end"] = "2026-11-30T06:00:00-05:00"
    cards = _at.by_topic(doc)
    assert "class not read" not in cards[OPTIMISE]["detail"]


@pytest.mark.parametrize("name", [INPATIENT_TRIAGED, PSYCHIATRY_TRIAGED])
@pytest.mark.parametrize("status", ["triaged", "arrived", "in-progress"])
def test_an_inpatient_class_triaged_or_arrived_holds_as_in_progress(name: str, status: str) -> None:
    doc = _chart(name)
    _visit(doc)["status"] = status
    cards = _at.by_topic(doc)
    assert "ask the inpatient team (stay in progress) first" in cards[OPTIMISE]["summary"]
    assert not labels(cards[OPTIMISE])
    assert not labels(cards[TMS])
    assert "TMS referral after discharge" in cards[TMS]["summary"]


def test_an_emergency_class_triaged_holds_as_before() -> None:
    cards = _at.by_topic(_chart(ED_TRIAGED))
    assert "ask the ED team (visit in progress) first" in cards[OPTIMISE]["summary"]
    assert not labels(cards[OPTIMISE])


def test_a_triaged_inpatient_class_with_outpatient_visits_since_is_left_open() -> None:
    """A triaged admission left open by mistake is released by the outpatient evidence after
    it, as an in-progress one is (current_stays._contradicted): nothing is held for ever."""
    doc = _chart(INPATIENT_TRIAGED)
    visit = _visit(doc)
    visit["period"]["start"] = "2026-06-01T02:10:00-05:00"
    for n, day in enumerate(["2026-07-06", "2026-08-03", "2026-09-07"]):
        clinic = {
            **{k: v for k, v in visit.items() if k not in ("class", "status", "period", "id")},
            "id": f"clinic-{n}",
            "status": "finished",
            "class": {
                "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                "code": "AMB",
                "display": "ambulatory",
            },
            "period": {"start": f"{day}T09:30:00-05:00", "end": f"{day}T10:00:00-05:00"},
        }
        clinic.pop("reasonCode", None)
        clinic.pop("diagnosis", None)
        doc["prefetch"]["encounters"]["entry"].append({"resource": clinic})
    cards = _at.by_topic(doc)
    assert labels(cards[OPTIMISE])
    assert "Inpatient stay recorded open since 2026-06-01" in cards[OPTIMISE]["detail"]
