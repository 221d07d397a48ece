"""Defects found by reading this round's whole change (each test fails on the code before it).

- The QTc line of the switch list matched drug names as substrings of the list's text, so an
  offered escitalopram alone also named citalopram ("citalopram and escitalopram prolong it").
- The packet grouped ECT courses with the default policy, not the clinic's.
- The switch list after an intolerance left out the sodium and QTc lines.
- An escitalopram QTc card said "the label says to stop it" of a line that is citalopram's
  (data/lab_safety.csv: the escitalopram row is UNVERIFIED).
- The diagnosis review named a typed-in diagnosis with an empty code, "(text )", where the other
  cards already say "(typed in)" (Finding.coding).
"""

from __future__ import annotations

import dataclasses
from datetime import date

from fhir_mapping.record import Finding, FindingKind, ProcedureKind
from services import lab_safety
from services.packet import render_packet
from services.pathway import derive_facts
from services.policy import Policy
from services.rules import diagnosis_review
from tests.fixtures import builders as fb
from tests.services import factories as f
from tests.services.test_ecg_without_qtc import ESCITALOPRAM_20, order_cards, qtc
from tests.services.test_ecg_without_qtc import chart as ecg_chart
from tests.services.test_safety_followups import OPTIMISE, _stopped_for_nausea, chart, on_chart
from tests.services.test_safety_followups import P as PATIENT


def test_the_qtc_switch_line_names_only_the_drugs_offered() -> None:
    record = f.record(labs=(f.lab("qtc", 505, date(2024, 5, 1), flag="high", unit="ms"),))
    (line,) = lab_safety.switch_lines(record, Policy(), ["SSRI: escitalopram, sertraline"])
    assert line.endswith(": as a switch option, escitalopram prolongs it.")
    assert "citalopram and" not in line
    (both,) = lab_safety.switch_lines(record, Policy(), ["SSRI: citalopram, escitalopram"])
    assert both.endswith(": as switch options, citalopram and escitalopram prolong it.")


def test_a_typed_in_diagnosis_is_named_typed_in_on_the_diagnosis_review() -> None:
    typed = Finding(
        kind=FindingKind.SUBSTANCE_USE,
        code="",
        system="text",
        display="Alcohol use disorder, severe",
        onset=date(2024, 1, 8),
    )
    assert diagnosis_review._finding_ref(typed) == (
        "Alcohol use disorder, severe (typed in, since 2024-01-08)"
    )


def test_the_packet_groups_ect_sessions_by_the_clinics_course_gap() -> None:
    """The packet grouped ECT courses with the default policy while the cards used the clinic's:
    two sessions 20 days apart are one course under a 30-day gap and two under a 14-day one."""
    sessions = tuple(
        f.procedure(ProcedureKind.ECT, day) for day in (date(2024, 3, 1), date(2024, 3, 21))
    )
    record = f.trd_record(procedures=sessions)
    wide = dataclasses.replace(Policy(), tms_course_gap_days=30)
    narrow = dataclasses.replace(Policy(), tms_course_gap_days=14)
    one = render_packet(record, wide, facts=derive_facts(record, wide))
    two = render_packet(record, narrow, facts=derive_facts(record, narrow))
    assert one.count("ECT: ") == 1
    assert two.count("ECT: ") == 2


def test_the_switch_after_an_intolerance_says_the_low_sodium_as_the_other_switch_lists_do() -> None:
    """The switch list after an intolerance added only the MAOI washout lines, so with a sodium of
    125 it offered SSRIs and SNRIs without the line every other switch list gives."""
    low = fb.lab("2951-2", 125.0, "mmol/L", date(2025, 5, 19), "L", (136.0, 145.0), patient=PATIENT)
    card = on_chart(chart(*_stopped_for_nausea(intolerance=True), low))[OPTIMISE]
    assert "Sodium 125 mmol/L" in card.detail
    assert "SSRIs and SNRIs can lower it further" in card.detail


def test_the_escitalopram_qtc_card_says_whose_line_it_is() -> None:
    card = order_cards(ecg_chart(qtc(520, date(2025, 5, 20)), draft=ESCITALOPRAM_20))["order-qtc"]
    assert card.summary.endswith("above 500 ms, where citalopram's label says to stop it")
    assert "for escitalopram this line is not read in its own label (UNVERIFIED)" in card.detail
    cit = order_cards(ecg_chart(qtc(520, date(2025, 5, 20))))["order-qtc"]  # citalopram's own line
    assert cit.summary.endswith("above 500 ms, where the label says to stop it")
    assert "UNVERIFIED" not in cit.detail
