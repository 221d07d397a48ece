"""Review s27 RE finding 2: an Encounter in progress under v3-ActCode OBSENC (observation) or SS
(short stay) held nothing and was never named. Any v3-ActCode class counted as read, so the
patient in an observation bed after an overdose got the outpatient one-clicks ("Propose
adjunctive aripiprazole", "Refer for TMS evaluation", "Refer for CBT/IPT") while IMP held them.

Now (fhir_mapping/data/admission_codes.csv, admission_codes.py `class_key`):
- OBSENC and SS are stays (`class` rows): held as IMP is;
- PRENC, HH, VR and FLD are read and hold nothing (`no-hold-class` rows: no hospital bed);
- any other v3-ActCode is not read: a visit of it in progress is named on the optimise card as
  a class not read, never taken for a clinic visit;
- a local class whose whole display is "Observation" (Oracle Health, Epic) or "Outpatient in a
  Bed" (Oracle Health) is an observation stay (`observation-display` rows), held as OBSENC.

Charts: tests/services/s27_encounter_class_charts/ (the RE review's t1 and c1 charts: a TRD
chart, two adequate trials failed, with one visit in progress; the short stay is for an
intentional SNRI overdose). The other classes are the same charts with the visit's class
changed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.admission_codes import class_key, unread_class, wants_admission
from fhir_mapping.admissions import read_admission
from tests.services import chart_files
from tests.services.helpers import Evaluator, labels

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
ACT = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CERNER = "https://fhir.cerner.com/ec2458f2-1e24-41c8-b71b-0e701af7583d/codeSet/71"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
NO_CLASS = "obsenc_in_progress"
OVERDOSE = "short_stay_overdose_in_progress"
# One-click labels that are outpatient orders: none may stand while a stay is in progress.
OUTPATIENT = ("Propose adjunctive", "Refer for TMS", "Refer for CBT", "Refer for IPT")

_chart = chart_files.loader(Path(__file__).parent / "s27_encounter_class_charts")
_at = Evaluator(date(2026, 12, 1))


def _in_progress(doc: Doc) -> Doc:
    found = [
        e["resource"]
        for e in doc["prefetch"]["encounters"]["entry"]
        if e["resource"]["status"] == "in-progress"
    ]
    assert len(found) == 1
    resource: Doc = found[0]
    return resource


def _with_class(name: str, system: str, code: str, display: str) -> Doc:
    doc = _chart(name)
    _in_progress(doc)["class"] = {"system": system, "code": code, "display": display}
    return doc


def _outpatient_labels(cards: dict[str, Doc]) -> list[str]:
    return [x for card in cards.values() for x in labels(card) if x.startswith(OUTPATIENT)]


@pytest.mark.parametrize("name", [NO_CLASS, OVERDOSE])
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


STAYS = [
    (ACT, "OBSENC", "observation encounter"),
    (ACT, "SS", "short stay"),
    (ACT, "IMP", "inpatient encounter"),  # as before: the hold the others now match
    (CERNER, "309312", "Observation"),
    (CERNER, "309313", "Outpatient in a Bed"),
]
# How each class's stay in progress is named (review s27 K2 finding 5: the class word as data,
# admission_codes.csv `stay-word` rows): an observation stay is not "Currently admitted".
_OBS = "ask the hospital team (observation stay) first"
_HEAD = {
    "OBSENC": ("Observation stay in progress", _OBS),
    "SS": ("Short stay in progress", "ask the hospital team (short stay) first"),
    "IMP": ("Currently admitted", "ask the inpatient team (stay in progress) first"),
    "309312": ("Observation stay in progress", _OBS),
    "309313": ("Observation stay in progress", _OBS),
}


@pytest.mark.parametrize(("system", "code", "display"), STAYS)
def test_an_observation_or_short_stay_in_progress_holds_as_an_inpatient_stay(
    system: str, code: str, display: str
) -> None:
    cards = _at.by_topic(_with_class(NO_CLASS, system, code, display))
    head, ask = _HEAD[code]
    assert ask in cards[OPTIMISE]["summary"]
    assert "TMS referral after discharge" in cards[TMS]["summary"]
    assert head in cards[OPTIMISE]["detail"]
    assert "class not read" not in cards[OPTIMISE]["detail"]
    assert not labels(cards[OPTIMISE])
    assert not labels(cards[TMS])


@pytest.mark.parametrize(("system", "code", "display"), STAYS)
def test_an_overdose_in_an_observation_bed_is_assessed_on_the_ward(
    system: str, code: str, display: str
) -> None:
    """Before: the SS chart (c1_SS) offered "Refer for CBT/IPT" one-clicks beside the suicide
    risk card; now the stay is psychiatric (a self-harm reason) and every outpatient order
    waits for discharge."""
    cards = _at.by_topic(_with_class(OVERDOSE, system, code, display))
    risk = cards["suicide-risk"]
    assert risk["indicator"] == "critical"
    assert f"{_HEAD[code][0]} (psychiatric)" in risk["detail"]
    assert "Order a suicide risk assessment on the ward today (C-SSRS)" in labels(risk)
    assert "after discharge" in cards["psychotherapy"]["summary"]
    assert _outpatient_labels(cards) == []


@pytest.mark.parametrize(
    ("code", "display"),
    [("PRENC", "pre-admission"), ("HH", "home health"), ("VR", "virtual"), ("FLD", "field")],
)
def test_a_visit_with_no_hospital_bed_holds_nothing_and_is_not_named(
    code: str, display: str
) -> None:
    cards = _at.by_topic(_with_class(NO_CLASS, ACT, code, display))
    assert "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)" in labels(cards[OPTIMISE])
    assert "Refer for TMS evaluation" in labels(cards[TMS])
    assert "class not read" not in cards[OPTIMISE]["detail"]
    assert "Currently admitted" not in cards[OPTIMISE]["detail"]


@pytest.mark.parametrize(("code", "display"), [("ER", "Emergency Room"), ("AMBHOSP", "Daycare")])
def test_a_v3_code_the_table_lacks_is_named_not_read_as_outpatient(code: str, display: str) -> None:
    """A site's own code put under the v3-ActCode system (a BC value set's ER, AMBHOSP): it
    could be an ED visit or a bed, so it is said at the top of the optimise card (as a local
    class not read is, rules/unread_class_note.py), not silently read as a clinic visit."""
    cards = _at.by_topic(_with_class(NO_CLASS, ACT, code, display))
    first = cards[OPTIMISE]["detail"].split("\n\n")[0]
    assert first.startswith("**Visit in progress, class not read**")
    assert f'class "{display}" ({ACT} {code})' in first


def test_class_reads() -> None:
    def visit(system: str, code: str, display: str, status: str = "in-progress") -> Doc:
        return {
            "resourceType": "Encounter",
            "status": status,
            "class": {"system": system, "code": code, "display": display},
        }

    assert class_key(visit(ACT, "OBSENC", "")) == (ACT, "OBSENC")
    assert class_key(visit(ACT, " SS ", "")) == (ACT, "SS")
    assert class_key(visit(ACT, "ER", "Emergency Room")) is None
    assert unread_class(visit(ACT, "VR", "virtual")) is None
    assert unread_class(visit(ACT, "ER", "Emergency Room", status="finished")) is None
    assert wants_admission(visit(CERNER, "309312", " observation "))
    # The word alone is not read: an ED observation class stays an ED visit.
    assert class_key(visit(CERNER, "1", "Emergency Department - Observation")) == (ACT, "EMER")


def test_a_finished_psychiatric_observation_stay_is_a_discharge() -> None:
    """Held as IMP while in progress, read as IMP once it ended: a psychiatric observation or
    short stay that ended is named on the suicide-risk card's post-discharge section."""
    doc = _with_class(OVERDOSE, ACT, "OBSENC", "observation encounter")
    stay = _in_progress(doc)
    stay["status"] = "finished"
    stay["period"]["end"] = "2026-11-30T18:00:00-05:00"
    found = read_admission(stay, [], as_of=date(2026, 12, 1))
    assert found is not None
    assert found.code == "T43.222A"
    assert found.discharged == date(2026, 11, 30)
