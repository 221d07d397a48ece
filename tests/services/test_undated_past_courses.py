"""Review s19 item 1: an undated past med-rec entry is a past course, never a drug running today.

A MedicationStatement `completed`, with no effective[x], a dateAsserted and the note "Took years
ago, stopped due to nausea" (Epic's patient-specified PROZAC, charts up01-up03) was counted 30
days from its dateAsserted (episodes.py rule 2d). Entered today, it read as fluoxetine running
now: "Sertraline ordered while fluoxetine (SSRI) is running: two SSRIs", and the real running
venlafaxine got no card; at patient-view the switch/augment card went missing. Entered on the
day venlafaxine began (up03), it took venlafaxine's PHQ-9 pair and asked for "dates not recorded
(counted as 28 days)". Now (rule 2e, fhir_mapping/event_spans.undated_past): a record dated only
by the day it was entered whose status says the drug is not taken now is a past course that had
ended by that day: never running, no PHQ-9 its outcome, "tried before <day>" on the cards. The
same for a home medication the patient reported as a MedicationRequest (reportedBoolean) and for
status `stopped` (not taken now, medication_types.TAKEN_NOW; a statement `unknown` is a drug to
confirm since fix 20: fhir_mapping/status_to_confirm.py); an `active` entry still
runs from the day it was entered. A statement `completed` with an effective date is not running
at as-of either (rule 2f). The MAOI washout counts from the day entered, the latest the drug may
have been taken (the safer end), and says so.

Charts: tests/services/undated_past_charts/ (the review's Epic-shaped probes b05u, b05t, b05,
b05v, every prefetch key), evaluated as of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.record import PatientRecord, Trial
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]

_chart = chart_files.loader(Path(__file__).parent / "undated_past_charts")

TODAY_SELECT = "up01_prozac_completed_entered_today_draft_sertraline_select"
TODAY_PV = "up02_prozac_completed_entered_today_patient_view"
AT_START_PV = "up03_prozac_completed_entered_at_venlafaxine_start_patient_view"
CONTROL_SELECT = "up04_no_statement_draft_sertraline_select"

VENLAFAXINE_CARD = (
    "Sertraline 50 mg/day ordered while venlafaxine (SNRI) is running: two serotonin reuptake "
    "inhibitors; switch or addition?"
)
FLUOXETINE_RXNORM = {
    "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
    "code": "310385",
    "display": "fluoxetine 20 MG Oral Capsule",
}


def _evaluate(doc: Doc) -> tuple[list[Doc], PatientRecord]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    return result.response.to_json()["cards"], result.evaluation.record


def _summaries(doc: Doc) -> list[str]:
    return [c["summary"] for c in _evaluate(doc)[0]]


def _by_topic(doc: Doc) -> dict[str, Doc]:
    return {c["source"]["topic"]["code"]: c for c in _evaluate(doc)[0]}


def _statement(doc: Doc) -> Doc:
    (found,) = [
        r
        for r in chart_files.prefetch_resources(doc)
        if r["resourceType"] == "MedicationStatement"
        and r["medicationCodeableConcept"]
        and r["medicationCodeableConcept"].get("text") == "PROZAC"
    ]
    return found


def _fluoxetine(record: PatientRecord) -> Trial:
    (found,) = [t for t in record.trials if t.ingredient == "fluoxetine"]
    return found


# --- entered today, at an order for sertraline ----------------------------------------------


def test_the_control_chart_names_the_running_venlafaxine() -> None:
    assert _summaries(_chart(CONTROL_SELECT)) == [VENLAFAXINE_CARD]


@pytest.mark.parametrize("status", ["completed", "stopped"])
def test_a_past_entry_made_today_is_no_running_drug(status: str) -> None:
    # Before: "Sertraline ordered while fluoxetine (SSRI) is running: two SSRIs; plan the
    # switch", and nothing about venlafaxine.
    doc = _chart(TODAY_SELECT)
    _statement(doc)["status"] = status
    cards, record = _evaluate(doc)
    assert [c["summary"] for c in cards] == [VENLAFAXINE_CARD]
    assert "fluoxetine" not in cards[0]["detail"]
    fluoxetine = _fluoxetine(record)
    assert not fluoxetine.ongoing
    assert fluoxetine.taken_before == AS_OF


def test_an_entry_of_unknown_status_is_a_drug_to_confirm_not_a_past_course() -> None:
    # Fix 20 item 1: `unknown` says the use is not known, not that it ended
    # (fhir_mapping/status_to_confirm.py). Before: a past course "tried before 2026-12-01".
    # Now no course, and fluoxetine possibly taken for the safety checks, the record named.
    doc = _chart(TODAY_SELECT)
    _statement(doc)["status"] = "unknown"
    cards, record = _evaluate(doc)
    assert [c["summary"] for c in cards] == [VENLAFAXINE_CARD]
    assert not [t for t in record.trials if t.ingredient == "fluoxetine"]
    assert [g.taken_now for g in record.gaps if g.taken_now] == [("fluoxetine",)]
    assert (
        "(fluoxetine, may be taken now; status unknown, recorded 2026-12-01)"
        in (cards[0]["detail"])
    )


def test_an_active_entry_made_today_still_runs() -> None:
    # Only a record that says the drug is taken now may run from the day it was entered.
    doc = _chart(TODAY_SELECT)
    _statement(doc)["status"] = "active"
    summaries = _summaries(doc)
    assert summaries[0].startswith("Sertraline ordered while fluoxetine (SSRI) is running")


def test_a_home_medication_reported_as_a_completed_order_is_no_running_drug() -> None:
    # The same entry as Epic writes a reported home medication: a MedicationRequest with
    # reportedBoolean, its authoredOn the day it was entered.
    doc = _chart(TODAY_SELECT)
    statement = _statement(doc)
    for entry in doc["prefetch"]["medicationStatements"]["entry"]:
        if entry["resource"] is statement:
            doc["prefetch"]["medicationStatements"]["entry"].remove(entry)
            break
    doc["prefetch"]["medicationRequests"]["entry"].append(
        {
            "resource": {
                "resourceType": "MedicationRequest",
                "id": "reported-prozac",
                "status": "completed",
                "intent": "order",
                "reportedBoolean": True,
                "medicationCodeableConcept": {"coding": [FLUOXETINE_RXNORM], "text": "PROZAC"},
                "subject": statement["subject"],
                "authoredOn": "2026-12-01",
            }
        }
    )
    cards, record = _evaluate(doc)
    assert [c["summary"] for c in cards] == [VENLAFAXINE_CARD]
    assert _fluoxetine(record).taken_before == AS_OF


def test_a_completed_statement_with_a_date_last_week_is_not_running_today() -> None:
    # Rule 2f: taken from 2026-11-25, "completed" as of today: its assumed fill stops at as-of.
    doc = _chart(TODAY_SELECT)
    _statement(doc)["effectiveDateTime"] = "2026-11-25"
    cards, record = _evaluate(doc)
    assert [c["summary"] for c in cards] == [VENLAFAXINE_CARD]
    fluoxetine = _fluoxetine(record)
    assert (fluoxetine.start, fluoxetine.ongoing, fluoxetine.taken_before) == (
        date(2026, 11, 25),
        False,
        None,
    )


# --- entered today, at patient-view -----------------------------------------------------------


def test_the_switch_card_comes_back_and_names_the_past_course() -> None:
    # Before: only the psychotherapy card; fluoxetine read as a new drug just started.
    cards = _by_topic(_chart(TODAY_PV))
    switch = cards["optimize-switch-augment"]
    assert switch["summary"].startswith("1 adequate trial failed (venlafaxine): ")
    # Its note "Took years ago, stopped due to nausea." names it not tolerated, to confirm (RC
    # review s23 finding 3b); it was "tried before 2026-12-01; dose and dates not recorded".
    assert (
        "**Not tolerated, never proposed:** fluoxetine (to confirm: the statement's note says "
        "nausea, date not recorded" in switch["detail"]
    )
    assert "2026-12-01 – ongoing" not in "".join(c["detail"] for c in cards.values())


# --- entered the day venlafaxine began --------------------------------------------------------


def test_venlafaxines_scores_are_not_the_past_courses() -> None:
    cards, record = _evaluate(_chart(AT_START_PV))
    fluoxetine = _fluoxetine(record)
    # Before: baseline 19 and on treatment 17, venlafaxine's pair, and 28 days counted.
    assert (fluoxetine.baseline, fluoxetine.on_treatment) == (None, None)
    assert (fluoxetine.start, fluoxetine.end, fluoxetine.ongoing) == (
        date(2026, 9, 1),
        date(2026, 9, 1),
        False,
    )
    assert fluoxetine.assumed_days is None
    # Stopped for nausea by its note (RC review s23 finding 3b): not tolerated, to confirm, and
    # no longer asked about on the adherence card ("dose not recorded; dates not recorded").
    by_topic = {c["source"]["topic"]["code"]: c for c in cards}
    assert "adherence-review" not in by_topic
    assert (
        "fluoxetine (to confirm: the statement's note says nausea"
        in by_topic["optimize-switch-augment"]["detail"]
    )
    assert "counted as" not in "".join(c["detail"] for c in cards)


def test_an_entry_made_before_the_episode_neither_dates_it_nor_joins_it() -> None:
    # Entered in March, six months before the depression diagnosis and venlafaxine: the course
    # had ended by then. Before: it was counted 30 days from March and began the episode.
    doc = _chart(AT_START_PV)
    _statement(doc)["dateAsserted"] = "2026-03-02T10:00:00-05:00"
    cards, record = _evaluate(doc)
    assert record.episode_start == date(2026, 9, 1)
    assert "adherence-review" not in {c["source"]["topic"]["code"] for c in cards}


def test_a_past_bupropion_entered_during_venlafaxine_is_no_add_on() -> None:
    # Started on no known day: not shown added to the course running when it was entered.
    doc = _chart(AT_START_PV)
    statement = _statement(doc)
    statement["medicationCodeableConcept"] = {"text": "WELLBUTRIN XL"}
    statement["dateAsserted"] = "2026-10-27T10:00:00-05:00"
    _, record = _evaluate(doc)
    (bupropion,) = [t for t in record.trials if t.ingredient == "bupropion"]
    assert bupropion.role.value == "antidepressant"
    assert bupropion.taken_before == date(2026, 10, 27)


# --- an entry of a drug with a dated course on record -----------------------------------------


def test_an_entry_after_a_dated_course_adds_no_course_and_keeps_its_stop_reason() -> None:
    doc = _chart(TODAY_PV)
    statement = _statement(doc)
    statement["status"] = "stopped"
    statement["statusReason"] = [{"text": "nausea"}]
    doc["prefetch"]["medicationRequests"]["entry"].append(
        {
            "resource": {
                "resourceType": "MedicationRequest",
                "id": "fluoxetine-2025",
                "status": "completed",
                "intent": "order",
                "medicationCodeableConcept": {"coding": [FLUOXETINE_RXNORM]},
                "subject": statement["subject"],
                "authoredOn": "2025-01-10",
                "dosageInstruction": [
                    {
                        "text": "20 mg daily",
                        "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                        "doseAndRate": [{"doseQuantity": {"value": 20, "unit": "mg"}}],
                    }
                ],
                "dispenseRequest": {"expectedSupplyDuration": {"value": 90, "unit": "days"}},
            }
        }
    )
    cards, record = _evaluate(doc)
    fluoxetine = _fluoxetine(record)  # one course: the dated one
    assert (fluoxetine.start, fluoxetine.taken_before) == (date(2025, 1, 10), None)
    assert fluoxetine.intolerance is not None
    assert fluoxetine.intolerance.reason == "nausea"
    switch = {c["source"]["topic"]["code"]: c for c in cards}["optimize-switch-augment"]
    assert "**Not tolerated, never proposed:** fluoxetine (nausea, 2026-12-01" in switch["detail"]


# --- the MAOI washout -------------------------------------------------------------------------


def test_a_past_maoi_is_counted_from_the_day_it_was_entered_and_says_so() -> None:
    doc = _chart(TODAY_SELECT)
    statement = _statement(doc)
    statement["medicationCodeableConcept"] = {"text": "Nardil"}
    statement["dateAsserted"] = "2026-11-25T10:00:00-05:00"
    cards = _by_topic(doc)
    maoi = cards["order-maoi-interaction"]
    assert maoi["indicator"] == "critical"
    assert maoi["summary"] == (
        "Sertraline: phenelzine (MAOI) stop date not recorded (taken before 2026-11-25): not "
        "before 2026-12-09, 14 days after its last dose"
    )
    assert (
        "phenelzine was taken before 2026-11-25 (dates not recorded; counted from that day, "
        "6 days ago)"
    ) in maoi["detail"]
