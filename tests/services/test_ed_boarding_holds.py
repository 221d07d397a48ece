"""Review s25 RK4 findings 10 and 11: a patient held in the emergency department for psychiatric
care (class EMER in progress, R45.851, "Emergency psychiatric hold (involuntary)"; sertraline
then escitalopram failed, PHQ-9 item 9 = 3) lost the ED hold on the outpatient one-clicks.

- Finding 10: a PHQ-9 taken IN the ED on day 2 (Observation.encounter = the ED visit) read as
  outpatient evidence: "ED visit recorded open since 2026-11-29, with PHQ-9 results since
  (first 2026-11-30): ... nothing is held on it", and "Refer for CBT", "Order TSH" came back.
  Now an event filed under the ED visit (a score's encounter, a dispense's context, a visit's
  partOf) is no evidence, nor is a PHQ-9 or fill naming no encounter within
  `ed_visit_max_days` of the arrival (fhir_mapping/current_stays.py: the safer reading).
- Finding 11: on day 5 with nothing since it read "more than 3 days ago with nothing recorded
  since (an ED visit lasts hours): ... nothing is held on it". Now the hold stays, said as
  "ED visit open since 2026-11-26 (5 days) ...: check its status in the chart"; only outpatient
  evidence releases it.

Charts: tests/services/ed_boarding_charts/ (the RK4 probes b1, b2, b3, b5; Epic-shaped, every
prefetch key).
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from tests.services import chart_files
from tests.services.helpers import Evaluator, labels

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
THERAPY = "psychotherapy"
DIAGNOSIS = "diagnosis-review"
HELD = (OPTIMISE, THERAPY, DIAGNOSIS)
IN_ED = "**In the emergency department since 2026-11-29**"
RELEASED = "nothing is held on it"
CHARTS = [
    "ed_psych_hold_day2",
    "ed_psych_hold_day2_phq9_in_ed",
    "ed_psych_hold_day5",
    "ed_psych_hold_phq9_in_ed_order_select",
]

_chart = chart_files.loader(Path(__file__).parent / "ed_boarding_charts")
_at = Evaluator(date(2026, 12, 1))


def _ed(doc: Doc) -> Doc:
    found: Doc = next(
        e["resource"]
        for e in doc["prefetch"]["encounters"]["entry"]
        if e["resource"]["class"]["code"] == "EMER"
    )
    return found


def _in_ed_scores(doc: Doc) -> list[Doc]:
    """The PHQ-9 total and item 9 taken in the ED on 2026-11-30."""
    return [
        e["resource"]
        for e in doc["prefetch"]["observations"]["entry"]
        if e["resource"]["effectiveDateTime"].startswith("2026-11-30")
    ]


def _details(cards: dict[str, Doc]) -> str:
    return "\n".join(c.get("detail", "") for c in cards.values())


def _one_clicks(cards: dict[str, Doc]) -> list[str]:
    return [label for topic in HELD if topic in cards for label in labels(cards[topic])]


def _add_fill(doc: Doc, day: str, context: str | None) -> None:
    fills = doc["prefetch"]["medicationDispenses"]["entry"]
    fill = copy.deepcopy(fills[-1]["resource"])
    fill["id"] = f"fill-{day}"
    fill["whenHandedOver"] = f"{day}T14:00:00-05:00"
    if context is not None:
        fill["context"] = {"reference": f"Encounter/{context}"}
    fills.append({"fullUrl": f"urn:uuid:fill-{day}", "resource": fill})


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


def test_day_2_of_a_psychiatric_hold_holds() -> None:
    cards = _at.by_topic(_chart("ed_psych_hold_day2"))
    assert IN_ED in _details(cards)
    assert _one_clicks(cards) == []


def test_a_phq9_filed_under_the_ed_visit_does_not_end_it() -> None:
    cards = _at.by_topic(_chart("ed_psych_hold_day2_phq9_in_ed"))
    assert IN_ED in _details(cards)
    assert RELEASED not in _details(cards)
    assert _one_clicks(cards) == []  # was: Order TSH, Refer for CBT, Refer for IPT
    assert "CBT or IPT after the ED visit" in cards[THERAPY]["summary"]


def test_a_phq9_naming_no_encounter_within_the_usual_span_does_not_end_it() -> None:
    # Asked in the ED by a feed that leaves the encounter out, or not: the safer reading holds.
    doc = _chart("ed_psych_hold_day2_phq9_in_ed")
    for score in _in_ed_scores(doc):
        del score["encounter"]
    cards = _at.by_topic(doc)
    assert IN_ED in _details(cards)
    assert _one_clicks(cards) == []


def test_a_phq9_filed_under_another_visit_ends_it() -> None:
    doc = _chart("ed_psych_hold_day2_phq9_in_ed")
    for score in _in_ed_scores(doc):
        score["encounter"] = {"reference": "Encounter/clinic-visit-2026-11-30"}
    cards = _at.by_topic(doc)
    assert (
        "**ED visit recorded open since 2026-11-29**, with PHQ-9 results since (first "
        "2026-11-30): check its status in the chart; nothing is held on it."
    ) in _details(cards)
    assert "Refer for CBT" in labels(cards[THERAPY])


@pytest.mark.parametrize(("linked", "released"), [(True, False), (False, True)])
def test_past_the_usual_span_only_an_unlinked_phq9_ends_it(linked: bool, released: bool) -> None:
    # Arrival four days before the PHQ-9: one filed under the ED visit is still the ED's.
    doc = _chart("ed_psych_hold_day2_phq9_in_ed")
    _ed(doc)["period"]["start"] = "2026-11-26T02:10:00-05:00"
    if not linked:
        for score in _in_ed_scores(doc):
            del score["encounter"]
    cards = _at.by_topic(doc)
    assert (RELEASED in _details(cards)) is released
    assert bool(_one_clicks(cards)) is released
    if not released:
        assert "**ED visit open since 2026-11-26 (5 days)**" in _details(cards)


def test_day_5_with_nothing_since_keeps_the_hold_and_says_check_it() -> None:
    cards = _at.by_topic(_chart("ed_psych_hold_day5"))
    assert RELEASED not in _details(cards)
    assert _one_clicks(cards) == []
    assert cards[OPTIMISE]["detail"].startswith(
        "**ED visit open since 2026-11-26 (5 days)** (ICD-10-CM R45.851 Suicidal ideations): "
        "check its status in the chart. An ED visit usually lasts hours, but a patient waiting "
        "for a bed (a psychiatric one above all) may board for days, and nothing recorded since "
        "shows the patient left, so outpatient orders wait until after the ED visit."
    )
    assert cards[THERAPY]["detail"].startswith("**ED visit open** (named on the Optimise")


@pytest.mark.parametrize(
    ("day", "context", "released"),
    [
        ("2026-11-30", "ED", False),  # filed under the ED visit
        ("2026-11-28", None, False),  # no encounter, within 3 days: a mail-order refill
        ("2026-11-30", None, True),  # no encounter, 4 days after arrival
    ],
)
def test_a_fill_ends_it_only_when_not_the_eds(
    day: str, context: str | None, released: bool
) -> None:
    doc = _chart("ed_psych_hold_day5")
    _add_fill(doc, day, _ed(doc)["id"] if context == "ED" else None)
    cards = _at.by_topic(doc)
    assert (RELEASED in _details(cards)) is released
    assert bool(_one_clicks(cards)) is released


@pytest.mark.parametrize(("part_of_ed", "released"), [(True, False), (False, True)])
def test_a_visit_within_the_ed_visit_does_not_end_it(part_of_ed: bool, released: bool) -> None:
    doc = _chart("ed_psych_hold_day5")
    ed = _ed(doc)
    visit: Doc = {
        "resourceType": "Encounter",
        "id": "consult-2026-11-30",
        "status": "finished",
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "AMB",
            "display": "ambulatory",
        },
        "subject": ed["subject"],
        "period": {"start": "2026-11-30T10:00:00-05:00", "end": "2026-11-30T10:40:00-05:00"},
    }
    if part_of_ed:
        visit["partOf"] = {"reference": f"Encounter/{ed['id']}"}
    get_fhir_model_class("Encounter").model_validate(visit)
    doc["prefetch"]["encounters"]["entry"].append({"resource": visit})
    cards = _at.by_topic(doc)
    assert (RELEASED in _details(cards)) is released
    assert bool(_one_clicks(cards)) is released
