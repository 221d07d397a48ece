"""s26 LC item 1: an Encounter whose class Epic sends under its own local system with the
site's patient-class display ("Emergency", "Inpatient", "Hospital Outpatient") is read by the
words of that display (fhir_mapping/data/admission_codes.csv `*-word` rows, UNVERIFIED), and a
visit in progress whose class is still not read is named on the cards the visits feed reaches.

Before: only v3-ActCode EMER / IMP / ACUTE / NONAC / AMB were read, so an Epic ED visit, class
`urn:oid:1.2.840.114350.1.72.1.7.7.10.696784.13260|103 "Emergency"`, triaged yesterday for
chest pain, held nothing: "augment (aripiprazole or brexpiprazole) or switch class" with
"Propose adjunctive aripiprazole 2 mg/day" one click. Now it is the ED visit the EMER-coded one
is ("ask the ED team (visit in progress) first", no one-click). A class the service cannot read
("Support OP Encounter") on a visit in progress holds nothing (the current office visit is
one) but is said: "visit in progress, its class not read: ...".

Charts: tests/services/local_class_charts/ (the ed_visit_left_open ed_triaged_yesterday chart
with the ED Encounter's class written as Epic's public sandbox writes its local class).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.admission_codes import (
    is_emergency,
    unread_class,
    wants_admission,
    wants_outpatient,
)
from tests.services import chart_files
from tests.services.helpers import Evaluator, labels

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
ED = "epic_local_class_emergency_triaged"
UNREAD = "epic_local_class_support_op_in_progress"
EPIC_CLASS = "urn:oid:1.2.840.114350.1.72.1.7.7.10.696784.13260"

_chart = chart_files.loader(Path(__file__).parent / "local_class_charts")
_at = Evaluator(date(2026, 12, 1))


def _details(cards: dict[str, Doc]) -> str:
    return "\n".join(c.get("detail", "") for c in cards.values())


@pytest.mark.parametrize("name", [ED, UNREAD])
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


def test_an_epic_local_emergency_class_holds_the_one_clicks_as_emer_does() -> None:
    cards = _at.by_topic(_chart(ED))
    assert "ask the ED team (visit in progress) first" in cards[OPTIMISE]["summary"]
    assert not labels(cards[OPTIMISE])
    assert not labels(cards[TMS])
    assert "visit in progress, its class not read" not in _details(cards)


def test_epics_office_visit_class_in_progress_holds_nothing_and_is_not_named() -> None:
    # "Support OP Encounter" is Epic's clinic contact (the office visit itself): naming it put a
    # "class not read" line on every Epic clinic chart opened during a visit (clinic-display rows).
    cards = _at.by_topic(_chart(UNREAD))
    assert labels(cards[OPTIMISE])  # an office visit in progress: nothing to hold
    assert "class not read" not in _details(cards)


def test_a_class_not_read_on_a_visit_in_progress_is_named_and_holds_nothing() -> None:
    doc = _chart(UNREAD)
    for resource in chart_files.prefetch_resources(doc):
        if resource["resourceType"] == "Encounter" and resource["class"].get("code") == "13":
            resource["class"]["display"] = "Preadmission"
    cards = _at.by_topic(doc)
    assert labels(cards[OPTIMISE])  # not read: said, not held
    line = next(x for x in cards[TMS]["detail"].splitlines() if "its class not read" in x)
    assert f'class "Preadmission" ({EPIC_CLASS} 13)' in line


def _encounter(display: str, status: str = "in-progress") -> Doc:
    return {
        "resourceType": "Encounter",
        "status": status,
        "class": {"system": EPIC_CLASS, "code": "9", "display": display},
    }


@pytest.mark.parametrize(
    ("display", "emergency", "inpatient", "outpatient", "said"),
    [
        ("Emergency", True, False, False, False),
        ("Inpatient", False, True, False, False),
        ("Hospital Outpatient", False, False, True, False),
        ("Ambulatory", False, False, True, False),
        # Words of two classes are not guessed at: not read, and said (unread_class).
        ("Emergency Inpatient", False, False, False, True),
        ("Preadmission", False, False, False, True),
        # Epic's clinic contacts: not read as a class, not said either (clinic-display rows).
        ("Support OP Encounter", False, False, False, False),
        ("support op encounter ", False, False, False, False),
        ("HOV", False, False, False, False),
    ],
)
def test_local_class_words(
    display: str, emergency: bool, inpatient: bool, outpatient: bool, said: bool
) -> None:
    resource = _encounter(display)
    assert is_emergency(resource) is emergency
    assert wants_admission(resource) is inpatient
    assert wants_outpatient(resource) is outpatient
    assert (unread_class(resource) is not None) is said


def test_a_finished_visit_of_unread_class_is_not_said() -> None:
    assert unread_class(_encounter("Support OP Encounter", status="finished")) is None
