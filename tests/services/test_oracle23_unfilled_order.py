"""Review s23 RO finding 2: an active order that states its supply, never filled, while the
chart's dispense feed carries other drugs' fills.

The charts (Oracle Millennium shapes): F 42, MDD; sertraline 100 mg filled four times
(2025-01..04, MedicationDispense), then escitalopram 20 mg ordered 2025-05-05, 30 tablets with 5
refills (validityPeriod with a start only; the second chart also states expectedSupplyDuration
30 d), `active`, never dispensed. Before: the order ran to as-of, "2025-05-05 -> 2026-12-01:
20 mg/day (575 days), verdict: adequate", "2 adequate trials failed (sertraline, escitalopram)",
counted for TMS. After: rule 2c (fhir_mapping/unfilled_order.py), as for an order stating no
supply and for the patient-reported home medication: counted up to its authorised supply
(30 days x 6 fills = 180 days, to 2025-11-01), then listed, and the adherence card asks to confirm
it is still taken; one adequate trial failed (sertraline).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import Role
from services.washout_exposures import Exposure
from services.washout_table import row_for
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
AS_OF = date(2026, 12, 1)
ADHERENCE = "adherence-review"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
UNFILLED = (
    "escitalopram_order_qty30_5refills_never_filled",
    "escitalopram_order_30d_5refills_never_filled",
)
CONFIRM = (
    "escitalopram: order of 2025-05-05 still active, never filled or renewed: confirm it is "
    "still taken before counting it as a trial"
)

_chart = chart_files.loader(Path(__file__).parent / "oracle23_charts")
_at = Evaluator(AS_OF)


def _escitalopram(doc: Doc) -> Any:
    _, record = _at.by_topic_and_record(doc)
    (trial,) = [t for t in record.trials if t.ingredient == "escitalopram"]
    return trial


def _without_dispenses(doc: Doc) -> Doc:
    doc["prefetch"]["medicationDispenses"]["entry"] = []
    doc["prefetch"]["medicationDispenses"]["total"] = 0
    return doc


@pytest.mark.parametrize("name", UNFILLED)
def test_an_unfilled_order_counts_up_to_its_authorised_supply_and_asks_to_confirm(
    name: str,
) -> None:
    doc = _chart(name)
    found = _at.by_topic(doc)
    adherence = found[ADHERENCE]
    assert adherence["summary"] == CONFIRM
    # orders36 (recheck K32a finding 4): the fill feed showing no fill one fill plus
    # supply_gap_days on, counted to that one fill, as an order still authorised at as-of is
    # (orders35); its authorised 180 days (to 2025-11-01) are not the record's either.
    assert "never filled or renewed since: time after 2025-06-04 not counted" in adherence["detail"]
    assert found[OPTIMISE]["summary"].startswith("1 adequate trial failed (sertraline):")
    assert "escitalopram" not in found[OPTIMISE]["summary"]
    assert TMS not in found or "2 adequate trials failed" not in found[TMS]["summary"]
    trial = _escitalopram(doc)
    assert trial.unconfirmed_since == date(2025, 5, 5)
    assert any("counted to 2025-06-04 (one fill's supply; the fill feed" in n for n in trial.notes)


def test_the_home_medication_takes_the_same_rule_and_is_named_as_patient_reported() -> None:
    """One rule (2c): the home medication (category patientspecified, reportedBoolean true, no
    requester; no supply stated) is counted up to statement_confirmed_days and asks the same
    question, but it is no order the clinic made (review s23 RO finding 3): it was worded "order
    of 2025-05-05 still active, never filled or renewed"."""
    home = _at.by_topic(_chart("escitalopram_home_med_patient_reported"))[ADHERENCE]
    assert home["summary"] == (
        "escitalopram: patient-reported home medication of 2025-05-05, no fill on record: "
        "confirm it is still taken before counting it as a trial"
    )
    assert (
        "- **escitalopram** (2025-05-05): patient-reported home medication of 2025-05-05, no "
        "fill on record: time after 2026-05-05 not counted. Confirm it is still taken"
    ) in home["detail"]
    assert "order of" not in home["summary"] + home["detail"]


def test_the_washout_names_a_listed_home_medication_as_patient_reported() -> None:
    day = date(2025, 5, 5)
    row = row_for("phenelzine", Role.ANTIDEPRESSANT)
    assert row is not None
    said = {
        reported: Exposure(
            "phenelzine",
            row,
            True,
            False,
            start=day,
            end=None,
            source=None,
            unconfirmed_since=day,
            unconfirmed_order=True,
            patient_reported=reported,
        ).listing()
        for reported in (False, True)
    }
    assert said[False] == "order of 2025-05-05 still active, never filled or renewed"
    assert said[True] == "patient-reported home medication of 2025-05-05, no fill on record"


@pytest.mark.parametrize("name", UNFILLED)
def test_with_no_dispense_on_record_the_order_counts_up_to_its_authorised_supply(name: str) -> None:
    """No fill of any drug on record: the order is all the record has, and it shows 180 days
    authorised, not 19 months taken (orders32, the lead's decision: "a card never claims more
    than the record shows"). Was pinned the other way (the order ran to as-of): now read as with
    the feed, listed past 2025-11-01."""
    trial = _escitalopram(_without_dispenses(_chart(name)))
    assert trial.unconfirmed_since == date(2025, 5, 5)
    assert trial.unconfirmed_order
    assert any("counted to 2025-11-01 (its authorised supply's end)" in n for n in trial.notes)


def test_a_fill_of_the_drug_after_the_order_keeps_its_reading() -> None:
    doc = _chart(UNFILLED[0])
    bundle = doc["prefetch"]["medicationDispenses"]
    fill = dict(bundle["entry"][-1]["resource"])
    fill["id"] = "escitalopram-fill-1"
    fill["medicationCodeableConcept"] = {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": "351250",
                "display": "escitalopram 20 MG Oral Tablet",
            }
        ],
        "text": "escitalopram 20 MG Oral Tablet",
    }
    fill["authorizingPrescription"] = [{"reference": "MedicationRequest/330907187"}]
    fill["whenHandedOver"] = "2025-05-06T10:00:00-06:00"
    fill.pop("whenPrepared", None)
    bundle["entry"].append({"fullUrl": "MedicationDispense/escitalopram-fill-1", "resource": fill})
    trial = _escitalopram(doc)
    assert trial.unconfirmed_since is None
