"""A chart's repeated fills read once (fhir_mapping/repeat_fills.py, issue 14) read exactly as
each fill read in full: the same events and the same gaps, over seeded random charts of fills
that share all but one or two of the fields the memo's key holds (drug inline, by contained or
chart Medication, sig, quantity, days of supply, status), with the cases read in full instead (a
stated reason, a stop reason, a NaN or malformed quantity, no date, a date after as-of, a
repeated id) and fills without days of supply, whose supply is estimated from their order.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import pytest

from fhir_mapping import medications, repeat_fills
from fhir_mapping.events import MedicationEvent
from fhir_mapping.record import DataGap
from tests.fixtures import builders

AS_OF = date(2024, 6, 1)
PATIENT = "p1"
PRODUCTS = ("312941", "808748", "993541", "993557")  # sertraline, venlafaxine XR, bupropion XL


def _medications() -> list[dict[str, Any]]:
    return [
        builders.medication(
            "312941", "sertraline 50 MG Oral Tablet", id="m-sertraline", form="TAB"
        ),
        builders.medication(
            "993541",
            "24 HR bupropion hydrochloride 150 MG Extended Release Oral Tablet",
            id="m-bupropion",
        ),
    ]


def _order() -> dict[str, Any]:
    product = builders.ANTIDEPRESSANTS["312941"]
    return builders.medication_request(
        product.rxcui, product.display, date(2023, 1, 5), 1, patient=PATIENT, id="order-1"
    )


def _fill(rng: random.Random, index: int) -> dict[str, Any]:
    product = builders.ANTIDEPRESSANTS[rng.choice(PRODUCTS[:2] * 3 + PRODUCTS)]
    reference = rng.choice([None] * 6 + ["m-sertraline", "m-bupropion", "#own"])
    fill = dict(
        builders.medication_dispense(
            None if reference else product.rxcui,
            None if reference else product.display,
            AS_OF - timedelta(days=rng.randint(-3, 300)),  # a few after as-of
            rng.choice([30, 30, 30, 1]),
            rng.choice([30, 30, 30, 60, 1]),
            patient=PATIENT,
            # Only a sertraline fill names the sertraline order: a fill of another drug against
            # it is a record to confirm (fill_order_mismatch.py), read in full, never remembered.
            prescription=rng.choice([None, "order-1"]) if product.rxcui == "312941" else None,
            medication_reference=reference,
            status=rng.choice(["completed"] * 5 + ["in-progress", "declined"]),
            dose_value=rng.choice([1, 1, 1, 2]),
            text=rng.choice([None, None, None, "take one tablet by mouth at bedtime"]),
            # Repeated ids: the walk reads one (type, id) once.
            id=rng.choice([f"fill-{index}", f"fill-{index}", "fill-same"]),
        )
    )
    if reference == "#own":
        fill["contained"] = [
            {**builders.medication(product.rxcui, product.display), "id": "own"},
        ]
    odd = rng.randint(0, 15)
    if odd == 0:
        del fill["daysSupply"]  # supply estimated from the order or the sig (Oracle Health)
    elif odd == 1:
        fill["quantity"] = {"value": float("nan"), "unit": "tablet"}
    elif odd == 7:
        fill["quantity"] = {"value": None, "unit": "tablet"}  # a null where another has a NaN
    elif odd == 8:
        del fill["daysSupply"]
        fill["quantity"] = {"value": rng.choice([None, float("nan")]), "unit": "tablet"}
    elif odd == 2:
        fill["quantity"] = "thirty"  # malformed: read as absent
    elif odd == 3:
        fill["dosageInstruction"] = {"text": "one daily"}  # not a list: read as absent
    elif odd == 4:
        del fill["whenHandedOver"], fill["whenPrepared"]  # no date: a gap
    elif odd == 5:
        fill["reasonCode"] = [builders.concept(builders.SNOMED, "370143000", "Major depression")]
    elif odd == 6:
        fill["statusReasonCodeableConcept"] = {"text": "nausea"}
    return fill


def _read(
    resources: list[Mapping[str, Any]], remembered: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[MedicationEvent], list[DataGap]]:
    with monkeypatch.context() as patch:
        if not remembered:
            patch.setattr(medications, "repeat_key", lambda resource: None)
        return medications.medication_events(resources, as_of=AS_OF)


@pytest.mark.parametrize("seed", range(12))
def test_repeated_fills_read_as_each_fill_read_in_full(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    resources: list[Mapping[str, Any]] = [*_medications(), _order()]
    resources += [_fill(rng, i) for i in range(120)]
    rng.shuffle(resources)
    hits = 0
    rebuild = repeat_fills.repeat_events

    def counted(*args: Any) -> list[MedicationEvent] | None:
        nonlocal hits
        found = rebuild(*args)
        hits += found is not None
        return found

    monkeypatch.setattr(medications, "repeat_events", counted)
    remembered = _read(resources, True, monkeypatch)
    assert hits >= 1  # the memo is used, not bypassed
    assert remembered == _read(resources, False, monkeypatch)


def test_a_fill_with_its_own_reason_or_odd_json_is_not_remembered() -> None:
    product = builders.ANTIDEPRESSANTS["312941"]
    fill = builders.medication_dispense(
        product.rxcui, product.display, date(2024, 5, 1), 30, 30, patient=PATIENT
    )
    assert repeat_fills.repeat_key(fill) is not None
    # Read with the fill's source or its end: never shared between fills.
    assert repeat_fills.repeat_key({**fill, "reasonCode": []}) is None
    assert repeat_fills.repeat_key({**fill, "statusReason": {}}) is None
    # A NaN is written as null, which an absent value also is: never remembered.
    nan = repeat_fills.repeat_key({**fill, "quantity": {"value": float("nan")}})
    assert nan is not None and not repeat_fills.rememberable(nan)
    assert repeat_fills.rememberable(repeat_fills.repeat_key(fill) or b"null")
    # A date object would be written as the string of its date.
    assert repeat_fills.repeat_key({**fill, "daysSupply": date(2024, 1, 1)}) is None
    # Identity and dates are not in the key: the next day's fill of the same product shares it.
    later = builders.medication_dispense(
        product.rxcui, product.display, date(2024, 5, 2), 30, 30, patient=PATIENT, id="other"
    )
    assert repeat_fills.repeat_key(later) == repeat_fills.repeat_key(fill)
