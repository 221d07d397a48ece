"""Review s24 RQ findings 1-9: the psychotherapy card counts only therapy that is current and
reads psychotherapy where Epic writes it under local codes.

- 1: a CBT referral `completed` (Epic closes the order, it does not mean therapy happened) with no
  session silenced the card. Now only open referrals count; a completed one with no session
  after it is named as lapsed ("ask whether it took place elsewhere").
- 2: an `active` referral of 2023, never attended, silenced it. An open referral counts only when
  written in this episode or within policy.psychotherapy_current_days (180); older ones lapse.
- 3: 12 sessions in 2023, before this episode, silenced it. Now "last psychotherapy 2023-08-21
  (12 sessions, before this episode): consider resuming CBT or IPT"; the TMS payer criterion
  still reads therapy at any time ("Met").
- 4-5: Encounters typed by an Epic local code "Psychotherapy", or with serviceType "Behavioral
  Health Therapy", were not read (card: "no psychotherapy ... visit on record"). Now read from
  their words (procedure_terms.csv); a CPT 90791 evaluation still wins.
- 6: "Ambulatory referral to Psychology" under a local code is a psychotherapy referral; a
  neuropsychology referral (neuropsychological testing) is not.
- 7: HCPCS H0004 sessions are a course of therapy.
- 8: a revoked referral is named in the detail, not "no ... referral on record".
- 9: an uncoded Procedure is "psychotherapy", not "psychotherapy ()".

Charts: tests/services/psychotherapy24_charts/ (the review's rq charts, US Core / Epic shaped,
every prefetch key): escitalopram failed, sertraline partial response, episode since 2025-12-01.
"""

from __future__ import annotations

import copy
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
THERAPY = "psychotherapy"
TMS = "tms-referral"
NONE_ON_RECORD = "no psychotherapy procedure, visit or referral on record"

_chart = chart_files.loader(Path(__file__).parent / "psychotherapy24_charts")
_at = Evaluator(AS_OF)
_by_topic = _at.by_topic


def _resources(doc: Doc, key: str, kind: str) -> list[Doc]:
    bundle = doc["prefetch"][key]
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _payer_line(card: Doc) -> str:
    line = next(x for x in card["detail"].splitlines() if "· Psychotherapy" in x)
    return str(line)


def _with_sessions_of(doc: Doc, donor: str) -> Doc:
    """`doc` with the Procedures of chart `donor` (weekly CPT 90834, Sep-Nov 2026)."""
    sessions = copy.deepcopy(_chart(donor)["prefetch"]["procedures"])
    patient = f"Patient/{doc['context']['patientId']}"
    for entry in sessions["entry"]:
        entry["resource"]["subject"]["reference"] = patient
    doc["prefetch"]["procedures"] = sessions
    return doc


def _sessions(doc: Doc) -> list[tuple[str, str, date | None]]:
    """The psychotherapy sessions the record holds: (system, code, day)."""
    _cards, record = _at.cards_and_record(doc)
    return [(p.system, p.code, p.date) for p in record.procedures if p.kind.value == THERAPY]


# --- the control and therapy running ------------------------------------------------------------


def test_control_without_therapy_gets_the_card() -> None:
    card = _by_topic(_chart("control_no_therapy"))[THERAPY]
    assert NONE_ON_RECORD in card["summary"]


@pytest.mark.parametrize(
    "name",
    [
        "cpt90834_weekly_ongoing",
        "referral_active_bh_psychotherapy_text",
        "visit_booked_future",
    ],
)
def test_therapy_running_or_arranged_now_keeps_the_card_away(name: str) -> None:
    assert THERAPY not in _by_topic(_chart(name))


# --- finding 1: a completed referral is not therapy --------------------------------------------


def test_completed_referral_without_a_session_is_named_as_lapsed() -> None:
    card = _by_topic(_chart("referral_completed_no_session"))[THERAPY]
    summary = card["summary"]
    assert "psychotherapy referred but no session on record: consider CBT or IPT" in summary
    assert (
        "A psychotherapy referral of 2026-06-15 was closed as completed with no session on "
        "record after it. Ask whether therapy took place elsewhere" in card["detail"]
    )
    assert "or referral is on record" not in card["detail"]


def test_completed_referral_followed_by_sessions_is_therapy() -> None:
    doc = _with_sessions_of(_chart("referral_completed_no_session"), "cpt90834_weekly_ongoing")
    assert THERAPY not in _by_topic(doc)


# --- finding 2: an open referral from 2023 -------------------------------------------------------


def test_stale_open_referral_is_named_not_counted() -> None:
    card = _by_topic(_chart("referral_active_stale_2023"))[THERAPY]
    assert "psychotherapy referred but no session on record" in card["summary"]
    assert (
        "A psychotherapy referral written 2023-05-10, before this episode, is still active with "
        "no session on record after it." in card["detail"]
    )


def test_open_referral_written_in_this_episode_counts() -> None:
    doc = _chart("referral_active_stale_2023")
    (request,) = _resources(doc, "serviceRequests", "ServiceRequest")
    request["authoredOn"] = "2026-10-01T09:30:00-05:00"
    assert THERAPY not in _by_topic(doc)


def test_the_window_is_the_clinics() -> None:
    doc = _chart("referral_active_stale_2023")
    wide = Policy(psychotherapy_current_days=3650)
    assert THERAPY not in _by_topic(doc, policy=wide)


# --- finding 3: therapy before this episode ------------------------------------------------------


def test_course_before_this_episode_is_named_and_resuming_proposed() -> None:
    topics = _by_topic(_chart("therapy_ended_before_episode"))
    card = topics[THERAPY]
    assert (
        "last psychotherapy 2023-08-21 (12 sessions, before this episode): consider resuming "
        "CBT or IPT" in card["summary"]
    )
    assert (
        "Psychotherapy on record: 12 sessions, 2023-06-05 - 2023-08-21: Psychotherapy, 45 "
        "minutes with patient (90834); before this episode (since 2025-12-01)" in card["detail"]
    )
    assert NONE_ON_RECORD not in card["summary"]
    # The payer's "ever tried" criterion is unchanged.
    assert "**Met** · Adult · Psychotherapy" in topics[TMS]["detail"]


def test_course_within_the_window_counts() -> None:
    doc = _chart("therapy_ended_before_episode")
    assert THERAPY not in _by_topic(doc, policy=Policy(psychotherapy_current_days=3650))


# --- findings 4-5: visits under Epic local codes -------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["visit_epic_local_type_psychotherapy", "visit_servicetype_behavioral_health_therapy"],
)
def test_visit_named_psychotherapy_in_words_is_a_session(name: str) -> None:
    doc = _chart(name)
    assert THERAPY not in _by_topic(doc)
    sessions = _sessions(doc)
    assert len(sessions) == 12
    # Uncoded: no local code is passed off as a psychotherapy code.
    assert {(system, code) for system, code, _ in sessions} == {("", "")}


def test_cpt_evaluation_code_still_wins_over_the_words() -> None:
    doc = _chart("visit_epic_local_type_psychotherapy")
    for visit in _resources(doc, "encounters", "Encounter"):
        visit["type"][0]["coding"].append(
            {
                "system": "http://www.ama-assn.org/go/cpt",
                "code": "90791",
                "display": "Psychiatric diagnostic evaluation",
            }
        )
    card = _by_topic(doc)[THERAPY]
    assert NONE_ON_RECORD in card["summary"]


# --- finding 6: referral to psychology ----------------------------------------------------------


def test_referral_to_psychology_is_a_psychotherapy_referral() -> None:
    assert THERAPY not in _by_topic(_chart("referral_to_psychology_local_code"))


def test_neuropsychology_referral_is_not_therapy() -> None:
    card = _by_topic(_chart("referral_to_neuropsychology_testing"))[THERAPY]
    assert NONE_ON_RECORD in card["summary"]


# --- finding 7: HCPCS H0004 ----------------------------------------------------------------------


def test_hcpcs_h0004_sessions_are_a_course() -> None:
    doc = _chart("hcpcs_h0004_counseling")
    assert THERAPY not in _by_topic(doc)
    assert [code for _, code, _ in _sessions(doc)] == ["H0004"] * 12


# --- finding 8: a revoked referral is named -----------------------------------------------------


def test_revoked_referral_is_named() -> None:
    card = _by_topic(_chart("referral_revoked"))[THERAPY]
    assert "psychotherapy referral revoked, no session on record" in card["summary"]
    assert (
        "A psychotherapy referral of 2026-06-15 was revoked (declined or withdrawn): ask why "
        "before referring again." in card["detail"]
    )
    assert "or referral is on record" not in card["detail"]


# --- finding 9: no empty brackets ---------------------------------------------------------------


def test_uncoded_procedure_has_no_empty_brackets() -> None:
    topics = _by_topic(_chart("outside_therapy_text_only_procedure"))
    line = _payer_line(topics[TMS])
    assert "1 session, 2026-09-01: psychotherapy;" in line
    assert "()" not in line
