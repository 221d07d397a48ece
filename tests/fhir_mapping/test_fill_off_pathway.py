"""medication_drug.off_pathway (issue 14, session 22): a fill of a drug off this pathway is passed
over on its concept memo alone, before its repeat key is written. Pinned here: off_pathway says
"off the pathway" exactly when read_drug answers ((), None) from the resource's own concept, and
medication_events gives such fills no event and no gap, as before."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping import medications
from fhir_mapping.medication_drug import (
    NO_MEDICATIONS,
    drug_look,
    off_pathway,
    read_drug,
    read_only_with_another,
)
from tests.fixtures import builders

DAY = date(2024, 5, 1)


def _fill(rxcui: str, display: str, **changes: Any) -> dict[str, Any]:
    fill = builders.medication_dispense(rxcui, display, DAY, 30, 30, patient="p1", id="f-1")
    return {**fill, **changes}


FILLS = [
    _fill("312941", "sertraline 50 MG Oral Tablet"),  # on the pathway
    _fill("308136", "amLODIPine 2.5 MG Oral Tablet"),  # identified, off the pathway
    _fill("29046", "lisinopril 10 MG Oral Tablet"),  # read only with lithium: not "off"
    _fill("312941", "x", medicationCodeableConcept={"coding": [{"code": "999999999"}]}),
    _fill("312941", "x", medicationCodeableConcept={"text": "Medication"}),  # a placeholder
    _fill("312941", "x", medicationCodeableConcept="sertraline"),  # not an object
    _fill("312941", "x", medicationCodeableConcept=None),
    {k: v for k, v in _fill("312941", "x").items() if k != "medicationCodeableConcept"},
    _fill("312941", "x", medicationCodeableConcept={"text": "sertraline", "n": float("nan")}),
    _fill("312941", "x", medicationCodeableConcept={"text": "sertraline", "d": DAY}),
]


@pytest.mark.parametrize("fill", FILLS)
def test_off_the_pathway_exactly_when_read_drug_skips_the_fill_in_silence(
    fill: dict[str, Any],
) -> None:
    components, unreadable, _ = read_drug(fill, NO_MEDICATIONS)
    concept = fill.get("medicationCodeableConcept")
    by_concept = isinstance(concept, dict)
    assert off_pathway(drug_look(fill)) is (by_concept and not components and unreadable is None)


def test_fills_of_another_drug_give_no_event_and_no_gap() -> None:
    fills = [_fill("308136", "amLODIPine 2.5 MG Oral Tablet", id=f"f-{i}") for i in range(3)] + [
        _fill("312941", "sertraline 50 MG Oral Tablet", id="f-s")
    ]
    events, gaps = medications.medication_events(fills, as_of=date(2024, 6, 1), unique=True)
    assert [e.source.id for e in events if e.source is not None] == ["f-s"]
    assert gaps == []


def test_only_the_identified_other_drug_is_off_the_pathway() -> None:
    assert [off_pathway(drug_look(fill)) for fill in FILLS[:3]] == [False, True, False]


LISINOPRIL = ("314076", "lisinopril 10 MG Oral Tablet")
LITHIUM = ("42351", "lithium carbonate 300 MG Oral Capsule")


def test_a_fill_read_only_with_another_drug_is_told_from_its_look() -> None:
    looks = [drug_look(_fill(*LISINOPRIL)), drug_look(_fill(*LITHIUM)), drug_look(FILLS[0])]
    assert [read_only_with_another(look) for look in looks] == [True, False, False]
    assert not read_only_with_another(drug_look(FILLS[1]))  # amlodipine: off the pathway
    assert not read_only_with_another(None)  # no concept of its own


@pytest.mark.parametrize("with_lithium", [False, True])
def test_lisinopril_fills_write_no_repeat_key_and_read_as_before(
    with_lithium: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14, session 24: a fill read only with another drug is deferred, never remembered,
    so it writes no repeat key; with lithium on the chart its fills are read in full, as when no
    fill is remembered at all."""
    fills = [_fill(*LISINOPRIL, id=f"l-{i}") for i in range(4)]
    if with_lithium:
        fills.append(_fill(*LITHIUM, id="li-1"))
    keyed: list[str] = []
    real = medications.repeat_key

    def spy(resource: Any) -> Any:
        keyed.append(resource["id"])
        return real(resource)

    as_of = date(2024, 6, 1)
    monkeypatch.setattr(medications, "repeat_key", spy)
    events, gaps = medications.medication_events(fills, as_of=as_of, unique=True)
    assert not [rid for rid in keyed if rid.startswith("l-")]
    monkeypatch.setattr(medications, "repeat_key", lambda resource: None)
    assert (events, gaps) == medications.medication_events(fills, as_of=as_of, unique=True)
    lisinopril = sorted(e.source.id for e in events if e.ingredient == "lisinopril" and e.source)
    assert lisinopril == ([f"l-{i}" for i in range(4)] if with_lithium else [])
