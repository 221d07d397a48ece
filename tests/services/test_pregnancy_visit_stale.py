"""Review s21 RR findings 2 and 7: a pregnancy a prenatal visit records, and the stale-pregnancy
question asked only where it can matter.

- Finding 2 (unsafe): a problem-list Z34.90 with onset 2025-11-01 and a prenatal visit on
  2026-11-20 whose Encounter.reasonCode is Z34.83 read as "a pregnancy coded on 2025-11-01 is not
  read as current ... nothing newer records one", and the paroxetine "avoid starting it in
  pregnancy" warning was lost. The visit's reason, or a Condition its `diagnosis` names, is now a
  pregnancy finding dated by the visit (fhir_mapping/visit_pregnancy.py). "Nothing newer records
  one" is said only when the visits and conditions were read. Review s22: such a finding is
  dated as what the record shows, "recorded at the visit of DATE" (Finding.dated), never "since"
  the visit as if the pregnancy began that day; a delivery a postnatal visit records likewise.
- Finding 7 (noise): the stale line fired for a man with a Z34.82 of 2022 and for a woman of 71
  with an O09.523 of 2008. It is no longer asked past policy.pregnancy_possible_max_age (55) or
  for a code older than policy.stale_pregnancy_ask_years (2). A recorded male sex alone keeps the
  question, worded as a record check (services/pregnancy_now.py says why).

Charts: tests/services/pregnancy_visit_charts/ (US Core / Epic shaped order-select requests for
paroxetine 20 mg, every prefetch key), from the RR review's r3 probes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]

_chart = chart_files.loader(Path(__file__).parent / "pregnancy_visit_charts")
_cards = Evaluator(AS_OF).cards

AVOID = "Paroxetine: first-trimester exposure is linked to cardiac malformations: avoid starting it"
STALE = "is not read as current: confirm"
# An active problem-list entry says so instead (review s26 GC item 1).
LISTED = "still active on the problem list: confirm"
NOTHING_NEWER = "nothing newer records one"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"


def _summaries(cards: list[Doc]) -> list[str]:
    return [c["summary"] for c in cards]


def _stale_card(cards: list[Doc]) -> Doc | None:
    return next((c for c in cards if STALE in c["summary"] or LISTED in c["summary"]), None)


def _prenatal_visit(doc: Doc) -> Doc:
    for entry in doc["prefetch"]["encounters"]["entry"]:
        visit: Doc = entry["resource"]
        if visit.get("reasonCode") or visit.get("diagnosis"):
            return visit
    raise AssertionError("no prenatal visit in the chart")


def _without_prenatal_visit(doc: Doc) -> Doc:
    visit = _prenatal_visit(doc)
    bundle = doc["prefetch"]["encounters"]
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"] is not visit]
    bundle["total"] = len(bundle["entry"])
    return doc


def _condition_onset(doc: Doc, code: str, onset: str) -> Doc:
    for entry in doc["prefetch"]["conditions"]["entry"]:
        condition = entry["resource"]
        if any(c["code"] == code for c in condition["code"]["coding"]):
            condition["onsetDateTime"] = condition["recordedDate"] = onset
            return doc
    raise AssertionError(f"no Condition {code}")


# --- finding 2: a pregnancy a visit records -------------------------------------------------


@pytest.mark.parametrize(
    ("chart", "cited"),
    [
        # Encounter.reasonCode Z34.83 at the 2026-11-20 prenatal visit.
        # Dated as what the record shows (review s22): the visit, not the start of pregnancy.
        (
            "paroxetine_old_z34_recent_prenatal_visit_reason",
            "ICD-10-CM Z34.83, recorded at the visit of 2026-11-20",
        ),
        # Encounter.diagnosis naming the problem-list Z34.90 (onset 2025-11-01) at that visit.
        (
            "paroxetine_old_z34_recent_prenatal_visit_diagnosis",
            "ICD-10-CM Z34.90, recorded at the visit of 2026-11-20",
        ),
    ],
)
def test_a_prenatal_visit_keeps_her_pregnant_and_the_paroxetine_warning(
    chart: str, cited: str
) -> None:
    cards = _cards(_chart(chart))
    warning = next(c for c in cards if c["summary"].startswith(AVOID))
    assert warning["indicator"] == "warning"
    assert cited in warning["detail"]
    assert _stale_card(cards) is None, _summaries(cards)
    assert all(NOTHING_NEWER not in c.get("detail", "") for c in cards)
    # No card dates the pregnancy from the visit: "since 2026-11-20" would read as its start.
    assert all("since 2026-11-20" not in c.get("detail", "") for c in cards)


def test_the_pregnancy_paragraph_names_the_visit_not_a_start() -> None:
    cards = _cards(_chart("paroxetine_old_z34_recent_prenatal_visit_reason"))
    tms = next(c for c in cards if "consider TMS referral" in c["summary"])
    assert (
        "**Pregnancy on record:** Encounter for supervision of other normal pregnancy, third "
        "trimester (ICD-10-CM Z34.83 recorded at the visit of 2026-11-20): confirm it is current."
    ) in tms["detail"]


def _visit_reason(doc: Doc, code: str, display: str, day: str | None = None) -> Doc:
    """The chart with its prenatal visit's reason set to `code`, held on `day` when given."""
    visit = _prenatal_visit(doc)
    visit["reasonCode"] = [
        {"coding": [{"system": ICD10CM, "code": code, "display": display}], "text": display}
    ]
    if day is not None:
        visit["period"] = {"start": f"{day}T09:00:00-05:00", "end": f"{day}T09:30:00-05:00"}
    return doc


def test_an_old_prenatal_visit_is_asked_about_as_the_visit_it_is() -> None:
    doc = _visit_reason(
        _chart("paroxetine_old_z34_recent_prenatal_visit_reason"),
        "Z34.83",
        "Encounter for supervision of other normal pregnancy, third trimester",
        "2025-12-01",
    )
    card = _stale_card(_cards(doc))
    assert card is not None
    assert card["summary"] == (
        "Paroxetine: a pregnancy recorded at the visit of 2025-12-01 is not read as current: "
        "confirm she is not pregnant"
    )
    assert card["detail"].startswith(
        "Paroxetine 20 mg/day and what is on record:\n\n- A pregnancy was recorded at the visit of "
        "2025-12-01 (Encounter for supervision"
    )


def test_a_delivery_a_postnatal_visit_records_is_not_dated_as_the_birth() -> None:
    doc = _visit_reason(
        _chart("paroxetine_old_z34_recent_prenatal_visit_reason"),
        "Z39.2",
        "Encounter for routine postpartum follow-up",
    )
    tms = next(c for c in _cards(doc) if "consider TMS referral" in c["summary"])
    assert "Delivered on 2026-11-20" not in tms["detail"]
    assert (
        "**Delivery recorded at the visit of 2026-11-20** (Encounter for routine postpartum "
        "follow-up, ICD-10-CM Z39.2): postnatal year counted from the visit to 2027-11-20."
    ) in tms["detail"]


@pytest.mark.parametrize("status", ["cancelled", "entered-in-error", "planned"])
def test_a_visit_that_did_not_take_place_records_no_pregnancy(status: str) -> None:
    doc = _chart("paroxetine_old_z34_recent_prenatal_visit_reason")
    _prenatal_visit(doc)["status"] = status
    cards = _cards(doc)
    assert not any(c["summary"].startswith(AVOID) for c in cards)
    assert _stale_card(cards) is not None


def test_a_refuted_condition_named_by_the_visit_records_no_pregnancy() -> None:
    doc = _chart("paroxetine_old_z34_recent_prenatal_visit_diagnosis")
    for entry in doc["prefetch"]["conditions"]["entry"]:
        condition = entry["resource"]
        if condition["code"]["coding"][0]["code"] == "Z34.90":
            condition["verificationStatus"]["coding"][0]["code"] = "refuted"
    cards = _cards(doc)
    assert not any(c["summary"].startswith(AVOID) for c in cards)


def test_with_no_newer_record_the_stale_line_says_nothing_newer_records_one() -> None:
    cards = _cards(
        _without_prenatal_visit(_chart("paroxetine_old_z34_recent_prenatal_visit_reason"))
    )
    card = _stale_card(cards)
    assert card is not None
    # The Z34.90 is an active problem-list entry: said so (review s26 GC item 1).
    assert card["summary"] == (
        "Paroxetine: pregnancy code from 2025-11-01 still active on the problem list: confirm "
        "she is not pregnant"
    )
    assert "no pregnancy lasts more than 42 weeks and nothing newer records one" in card["detail"]


def test_with_the_visits_not_read_the_stale_line_does_not_claim_nothing_newer() -> None:
    doc = _chart("paroxetine_old_z34_recent_prenatal_visit_reason")
    del doc["prefetch"]["encounters"]  # not sent, and offline nothing can be fetched
    cards = _cards(doc)
    card = _stale_card(cards)
    assert card is not None
    assert NOTHING_NEWER not in card["detail"]
    assert (
        "the visits or conditions could not all be read, so a newer record of one may be missed"
    ) in card["detail"]


# --- finding 7: the stale line only where it can matter -------------------------------------


@pytest.mark.parametrize("chart", ["paroxetine_man_z34_2022", "paroxetine_age71_o09_2008"])
def test_no_stale_line_for_an_old_code_or_past_the_age(chart: str) -> None:
    cards = _cards(_chart(chart))
    assert _stale_card(cards) is None, _summaries(cards)
    assert all("Pregnancy coded" not in c.get("detail", "") for c in cards)


def test_past_the_age_no_stale_line_even_for_a_recent_code() -> None:
    doc = _condition_onset(_chart("paroxetine_age71_o09_2008"), "O09.523", "2025-09-01")
    assert _stale_card(_cards(doc)) is None


def test_the_age_and_years_are_policy() -> None:
    doc = _chart("paroxetine_age71_o09_2008")
    policy = Policy(pregnancy_possible_max_age=80, stale_pregnancy_ask_years=30)
    assert _stale_card(_cards(doc, policy=policy)) is not None


def test_a_recent_stale_code_on_a_man_is_asked_as_a_record_check() -> None:
    # Patient.gender is administrative (a trans man can be pregnant; the code may be the error):
    # within the years the question stays, for "the patient" (services/pregnancy_now.py).
    doc = _condition_onset(_chart("paroxetine_man_z34_2022"), "Z34.82", "2025-09-01")
    card = _stale_card(_cards(doc))
    assert card is not None
    assert card["summary"] == (
        "Paroxetine: a pregnancy coded on 2025-09-01 is not read as current: confirm the patient "
        "is not pregnant"
    )
    assert "the recorded sex is male: check whether the code is an error" in card["detail"]


def test_a_current_pregnancy_is_unchanged_by_the_stale_rules() -> None:
    cards = _cards(_chart("paroxetine_z34_30_weeks_ago"))
    assert any(c["summary"].startswith(AVOID) for c in cards)
    assert _stale_card(cards) is None
