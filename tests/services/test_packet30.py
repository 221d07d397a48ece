"""Session 29 fix packet30: review s29 RM, the TMS referral summary (packet) and the timeline
say what the cards say, on charts sessions 28-29 added (all 19 prefetch keys, but for the two
k1 probes of session 28, read as they are).

1. WRONG: a recent psychiatric discharge the critical suicide-risk card leads with was nowhere in
   the packet's suicide-risk section (it read only the signal; s29_stay_charts, ward30_charts).
   It now says the card's own summary words.
2. WRONG: an order never filled (k1 m31) read "Trials for TMS: 1 counted", "Counted for TMS: yes:
   failed" and "1 counted from 1 class: quetiapine (atypical antipsychotic, failed)" beside its
   own row's "not counted: never filled or renewed" and the adherence card's "confirm it is still
   taken before counting it as a trial". The cards count such a course "to confirm"
   (trial_count.unconfirmed_text: "1 adequate trial failed, quetiapine to confirm"); the packet
   and the payer criterion now say so too.
3. WRONG: the timeline said "Poor adherence · PDC 93 %" where the card names the ward MAR figure
   that made adherence poor ("escitalopram ward MAR 24 % given"; ward30 m03-m07).
4. MINOR: the PHQ-A was "PHQ-9" in the packet's severity table and "Data not read" line (q04*).
5. MINOR: a pregnancy the TMS card names was nowhere in the packet (forms30 charts).
6. MINOR: liothyronine 25 µg/day on the card, "0.025" in the packet and the timeline (k1 m25);
   the ward MAR's held days the packet names were not on the timeline (mar30 m01, m03; ward30
   m00-m02).
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.record import PatientRecord
from services.packet import render_packet
from services.policy import Policy
from services.timeline import render_svg
from services.timeline.summary import describe
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
HERE = Path(__file__).parent


def _run(folder: str, name: str, as_of: date = AS_OF) -> tuple[list[dict[str, Any]], PatientRecord]:
    doc = chart_files.loader(HERE / folder)(name)
    if folder != "k1_charts":  # session 28's k1 probes predate three prefetch keys
        chart_files.check_chart(doc)
    result = evaluate_document(doc, hook="patient-view", as_of=as_of, policy=Policy())
    cards = result.response.to_json().get("cards", [])
    return cards, result.evaluation.record


def _text(markup: str) -> str:
    """The markup's text, one line per row / paragraph, cells split by " | "."""
    markup = re.sub(r"<style.*?</style>", "", markup, flags=re.S)
    markup = re.sub(r"</(tr|p|h\d|li|caption|div|section|title|desc|text)>", "\n", markup)
    markup = re.sub(r"</t[dh]>", " | ", markup)
    markup = re.sub(r"</dt>", " ", markup)
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _packet(record: PatientRecord) -> str:
    return _text(render_packet(record, Policy()))


def _section(packet: str, head: str) -> str:
    """The packet's text from the heading line `head` to the next section's heading."""
    lines = packet.splitlines()
    start = lines.index(head)
    return "\n".join(lines[start : start + 6])


# --- finding 1: the recent psychiatric discharge in the packet's suicide-risk section ----------


@pytest.mark.parametrize(
    ("folder", "name"),
    [
        ("s29_stay_charts", "s08b_imp_chestpain_then_f33"),
        ("s29_stay_charts", "s06b_ss_crisis_sameday_ect_course_ongoing"),
        ("ward30_charts", "m00_control_held_for_procedure"),
        ("ward30_charts", "m05_left_against_medical_advice"),
    ],
)
def test_the_packet_names_the_discharge_the_critical_card_leads_with(
    folder: str, name: str
) -> None:
    cards, record = _run(folder, name)
    (risk,) = [c for c in cards if c["summary"].startswith("Discharged ")]
    assert risk["indicator"] == "critical"
    head = risk["summary"].split(":")[0]  # "Discharged 2026-11-25 after a psychiatric admission"
    section = _section(_packet(record), "Suicide risk")
    assert head in section
    # After a short stay no post-discharge rate is claimed (Chung 2017 measured psychiatric
    # inpatient care: session 29 leftover, test_s29_old30.py); the packet says the card's words.
    said = "the first months after discharge carry the highest suicide risk; assess"
    if "short stay" in head:
        said = f"{head}: assess suicide risk today"
    assert said in section


# --- finding 2: an order never filled is counted "to confirm", as the cards count it -----------


def test_a_never_filled_order_is_to_confirm_in_packet_and_payer_row() -> None:
    cards, record = _run("k1_charts", "m31_quetiapine_mono_bipolar_depression")
    assert any(
        "confirm it is still taken before counting it as a trial" in c["summary"] for c in cards
    )
    packet = _packet(record)
    # orders33: the chart sends no dispense: "no fill on record" (was "never filled or renewed").
    listing = "order of 7 Oct 2024 still active, no fill on record"
    assert (
        f"Trials for TMS 1 counted (quetiapine), 1 class; to confirm: quetiapine ({listing})"
        in packet
    )
    (row,) = [line for line in packet.splitlines() if line.startswith("quetiapine (atypical")]
    cells = row.split(" | ")
    assert cells[3] == "not counted: no fill on record"
    assert cells[7] == f"yes, to confirm: failed, {listing}"
    assert "yes: failed" not in packet
    assert (
        "quetiapine (atypical antipsychotic, failed; order never renewed, not confirmed since "
        "2024-10-07: to confirm)" in packet
    )


# --- finding 3: the ward MAR figure that made adherence poor, on the timeline ------------------


@pytest.mark.parametrize(
    "name",
    [
        "m03_eloped_from_ECT_suite",
        "m04_control_eloped",
        "m05_left_against_medical_advice",
        "m06_left_AMA",
        "m07_notdone_left_against_medical_advice",
    ],
)
def test_the_timeline_says_the_deciding_ward_mar_figure(name: str) -> None:
    cards, record = _run("ward30_charts", name)
    assert any("escitalopram ward MAR 24 % given" in c["summary"] for c in cards)
    said = describe(record)
    assert "(poor adherence), ward MAR 24 % given (course PDC 93 %)." in said
    assert "(poor adherence), PDC 93 %" not in said
    picture = _text(render_svg(record, policy=Policy()))
    assert "Poor adherence · PDC 93 %" not in picture
    assert "Poor adherence · ward MAR 24 % given" in picture


def test_a_ward_share_that_left_the_course_adherent_is_not_named_as_the_figure() -> None:
    """Control: a ward MAR share below the line that did not stand alone against the fills
    (adherence not poor) is no deciding figure; the lane keeps the course PDC."""
    _, record = _run("ward_mar_stays_charts", "coded_c_asleep")
    (trial,) = [t for t in record.trials if t.ingredient == "escitalopram"]
    assert trial.adherence.ward_deciding() is not None  # below the line, yet not poor
    assert "escitalopram 20 mg/day from 1 Dec 2025, ongoing, adequate trial, PDC 98 %" in describe(
        record
    )
    assert "Refills on time · PDC 98 %" in _text(render_svg(record, policy=Policy()))


# --- finding 4: the PHQ-A named by its form in the packet ---------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "q04_phqa_item9_0_supplementary_yes",
        "q04b_phqa_item9_nearly_every_day",
        "q04c_phqa_item9_not_read",
    ],
)
def test_the_packet_names_the_phqa_by_its_form(name: str) -> None:
    _, record = _run("forms30_charts", name)
    packet = _packet(record)
    rows = [line for line in packet.splitlines() if line.endswith("QuestionnaireResponse/k14 | ")]
    assert [r.split(" | ")[1] for r in rows if "Self-harm" not in r] == ["PHQ-A"]
    assert "a questionnaire named PHQ-A (the PHQ-9 modified for adolescents)" in packet
    assert "a questionnaire named PHQ-9" not in packet


# --- finding 5: the TMS card's pregnancy paragraph in the packet's safety screen ----------------


def test_the_packet_says_the_tms_cards_pregnancy_paragraph() -> None:
    # q04c: its TMS card stands (on q04 and q04b a critical suicide-risk card now holds it).
    cards, record = _run("forms30_charts", "q04c_phqa_item9_not_read")
    (tms,) = [c for c in cards if "TMS referral" in c["summary"]]
    said = (
        "Pregnancy on record: Pregnancy status: Pregnant; estimated delivery 2027-06-10 "
        "(SNOMED CT 77386006 since 2026-11-20): confirm it is current. TMS exposes the fetus"
    )
    assert said.replace("Pregnancy on record:", "**Pregnancy on record:**", 1) in tms["detail"]
    packet = _packet(record)
    assert said in _section(packet, "Pregnancy")
    assert "Safety screen pregnancy on record: confirm it is current" in packet


# --- finding 6: micrograms as the card says them; the ward MAR's held days on the timeline -----


def test_liothyronine_is_in_micrograms_in_packet_and_timeline() -> None:
    cards, record = _run("k1_charts", "m25_t3_tsh_0_08", date(2025, 6, 2))
    assert any(c["summary"].startswith("Liothyronine 25 µg/day") for c in cards)
    packet = _packet(record)
    (row,) = [line for line in packet.splitlines() if line.startswith("liothyronine (")]
    assert row.split(" | ")[1] == "25 µg/day"
    said = describe(record)
    assert "liothyronine 25 µg/day from 24 Mar 2025" in said
    picture = _text(render_svg(record, policy=Policy()))
    assert "augmentation · adequate 25–50 µg/day" in picture
    assert "Liothyronine 25 µg/day, 24 Mar 2025 to 2 Jun 2025" in picture
    assert "25 µg" in picture.splitlines()
    assert "0.025" not in picture + said + packet


@pytest.mark.parametrize(
    ("folder", "name"),
    [
        ("mar30_charts", "m01_notdone_staff_pharmacy_refused"),
        ("mar30_charts", "m03_notdone_away_code_procedure_text"),
        ("ward30_charts", "m00_control_held_for_procedure"),
        ("ward30_charts", "m01_held_elopement_precautions"),
        ("ward30_charts", "m02_elopement_risk_held_sedation"),
    ],
)
def test_the_timeline_names_the_ward_mar_held_days_the_packet_names(folder: str, name: str) -> None:
    _, record = _run(folder, name)
    (trial,) = [t for t in record.trials if t.ingredient == "escitalopram"]
    assert trial.adherence.ward_held == ()  # no stretch drawn: the days were said nowhere
    assert "held on 16 (" in _packet(record)
    assert "PDC 100 %, held on 16 ward days (MAR), not counted." in describe(record)
    picture = _text(render_svg(record, policy=Policy()))
    assert "held on 16" in picture
