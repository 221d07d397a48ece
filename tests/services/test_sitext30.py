"""Review s29 RQ3 (fix sitext30): false critical suicide-risk cards from session 28's free-text
rows, on the RC Oracle ED chart with its visit reason or encounter diagnosis written as each
phrase (all 19 prefetch keys; sitext30_charts/, as of 2026-12-01):

1. "SI" read as suicidal ideation where it is serum iron, the shock index or SI units ("Iron
   deficiency anemia, low SI and ferritin", "Low SI/TIBC ratio", "GI bleed, shock index (SI)
   1.1", "Lab results reviewed in SI units"): now nothing (abbreviation_context.py). "SI",
   "Ferritin low; SI with plan" and "Anemia, SI" stay critical.
2. An accidental cut read as self-harm ("Accidentally cut her wrist on a fence", "Cut his wrist
   on a fence", "Cut himself on a table saw", "Cut his wrist on sheet metal at work", "Cut
   herself shaving", "cut self with razor while shaving"): now nothing (self_harm_context.py).
   "cut her wrists", "cut herself on the arm", "cut her wrists with a shaving razor" stay
   critical.
3. A relative's suicide attempts read as the patient's ("Brother with multiple suicide attempts",
   "mother with history of suicide attempts", "Mother attempted suicide last week"): now nothing
   (self_harm_subject.py). "Patient's mother found her after she attempted suicide" and "Mother
   reports suicide attempt" stay critical.
4. An ED visit reason "History of passive SI in 2015, resolved" read as an ED visit for SI today:
   now dated 2015 as the same words on a Condition with onset 2015 are (stated_history.py);
   "SI; hx of SI in 2015" and "History of SI in 2015, now recurrent" stay critical.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping import self_harm_text
from fhir_mapping.diagnosis_text import text_kinds
from fhir_mapping.record import FindingKind
from fhir_mapping.self_harm_text import Reading
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"

_chart = chart_files.loader(Path(__file__).parent / "sitext30_charts")
_by_topic = Evaluator(AS_OF).by_topic


@pytest.mark.parametrize(
    "name",
    [
        # 1: serum iron, the shock index, SI units.
        "dx_iron_deficiency_anemia_low_si_and_ferritin",
        "dx_low_si_tibc_ratio",
        "reason_gi_bleed_shock_index_si_1_1",
        "reason_lab_results_reviewed_in_si_units",
        # 2: an accidental cut.
        "reason_accidentally_cut_her_wrist_on_a_fence",
        "reason_cut_his_wrist_on_a_fence",
        "reason_cut_himself_on_a_table_saw",
        "reason_cut_his_wrist_on_sheet_metal_at_work",
        "dx_cut_herself_shaving_healed",
        "dx_laceration_of_chin_cut_self_with_razor_while_shaving",
        # 3: a relative's attempts.
        "reason_brother_with_multiple_suicide_attempts_caregiver_stress",
        "reason_grief_counselling_mother_with_history_of_suicide_attempts",
        "reason_mother_attempted_suicide_last_week_patient_distressed",
        # 4: a history from 2015 typed as the ED visit's reason.
        "reason_history_of_passive_si_in_2015_resolved",
    ],
)
def test_no_suicide_risk_card(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)
    assert RISK not in _by_topic(doc)


@pytest.mark.parametrize(
    "name",
    [
        "reason_si",
        "reason_ferritin_low_si_with_plan",
        "reason_anemia_si",
        "reason_cut_her_wrists",
        "reason_cut_herself_on_the_arm",
        "reason_cut_her_wrists_with_a_shaving_razor",
        "reason_patient_s_mother_found_her_after_she_attempted_suicide",
        "reason_mother_reports_suicide_attempt",
        "reason_si_hx_of_si_in_2015",
        "reason_history_of_si_in_2015_now_recurrent",
    ],
)
def test_the_patients_own_risk_stays_critical(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)
    card = _by_topic(doc)[RISK]
    assert card["indicator"] == "critical"
    assert "ED visit on 2026-11-25" in card["summary"]


# Words beside each fix that keep their reading, read directly: (text, suicidal ideation read,
# self-harm reading or None).
@pytest.mark.parametrize(
    ("text", "ideation", "harm"),
    [
        # 1: a keep word, two complaints, a lab word after the clause.
        ("Sacroiliitis; SI with plan", True, None),
        ("SI and anemia", True, None),
        ("Medical clearance labs for SI", True, None),
        ("Passive SI", True, None),
        ("Suicidal ideation (SI)", True, None),
        ("Anemia low SI", False, None),
        ("Ferritin low; SI", False, None),
        # 2: objects and activities only where they say an accident.
        ("cut wrists on 3 occasions", False, Reading.STATED),
        ("cut her wrists on purpose", False, Reading.STATED),
        ("cut self with razor", False, Reading.STATED),
        ("Pt accidentally cut himself", False, None),
        ("accidental overdose and suicide attempt", False, Reading.STATED),
        ("Accidental overdose, history of self-harm", False, Reading.STATED),
        # 3: a relative that does not govern the mention.
        ("after father's death attempted suicide", False, Reading.STATED),
        ("suicide attempt after argument with mother", False, Reading.STATED),
        ("argument with mother, suicide attempt", False, Reading.STATED),
        (
            "Brother with multiple suicide attempts; patient attempted suicide yesterday",
            False,
            Reading.STATED,
        ),
        ("Her brother has hx of overdose", False, None),
        ("Father's suicide attempt", False, None),
    ],
)
def test_words_beside_the_fixes(text: str, ideation: bool, harm: Reading | None) -> None:
    said = FindingKind.SUICIDAL_IDEATION in text_kinds(text) or self_harm_text.ideation(text)
    assert said is ideation
    assert self_harm_text.reading(text) is harm


def test_a_stated_history_is_dated_its_year() -> None:
    # The reason's finding is kept (the card's history may name it), dated by the latest day of
    # "2015" (review s29 RQ4 finding 1: December 31, not January 1), not the visit's day.
    _cards, record = Evaluator(AS_OF).by_topic_and_record(
        _chart("reason_history_of_passive_si_in_2015_resolved")
    )
    (finding,) = record.context.of(FindingKind.SUICIDAL_IDEATION)
    assert (finding.onset, finding.onset_written) == (date(2015, 12, 31), "2015")
    assert finding.visit == "ED visit on 2026-11-25"
