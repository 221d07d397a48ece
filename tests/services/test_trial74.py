"""Session 40 fix trial74: lithium trial claims and declined levels.

Charts in trial74_charts/ (all 19 prefetch keys; as of 2026-12-01), built on minors20's Epic chart
b01 (F33.2; sertraline and escitalopram failed, adequate; TMS offered) with an Epic lithium
augmentation course beside escitalopram: lithium carbonate (LITHOBID) 300 MG ER tablet, 1 tablet
twice daily (600 mg/day) from 2026-06-08, three 30-day fills, the order stopped 2026-09-14 (or
active, six fills: a3, c2); PHQ-9 18 -> 17 on it; levels as LOINC 14334-7 in mmol/L.

1. Lithium is dosed to a serum level (CANMAT 2023 Table 7.2, 0.5-0.8 mmol/L), and its adequacy was
   judged on mg/day and weeks alone: with no level on record the TMS referral packet called it
   "failed (adequate; < 50 % PHQ-9 drop)". Now (fhir_mapping/level_adequacy.py, data/
   level_adequacy.csv) a course needs a level of the course at or above 0.5 mmol/L: a1 (none),
   a2 (0.3 mmol/L), a3 (running, none), a4 (a level only before the course) read "adequacy not
   shown: ..." and are not failed. Controls c1 (0.6 mmol/L four weeks in) and c2 (running, 0.6
   and 0.7) stay failed (adequate) as before.
2. "Tremor, patient declined levels" as the stopped order's statusReason (t1), "d/c'd due to
   tremor" (t2), "stopped - hand tremor" (t3) and the note "tremor; pt declined lithium levels"
   (t4) were read as no reason: the course failed (adequate). Tremor is now an intolerance term
   (intolerance_reasons.csv), so each reads not tolerated, never failed, and lithium is "not
   tolerated, never proposed". t5: the same stop with a level 0.6 mmol/L stays adequate and
   failed, now with its intolerance named (adequacy.py: an adequate course stays adequate).
   t6 (control): "Patient request, no tremor" is no intolerance (negated).
"""

from __future__ import annotations

import base64
import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import InadequacyReason, PatientRecord, Trial, Verdict
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

TMS = "tms-referral"
OPTIMISE = "optimize-switch-augment"
_FOLDER = Path(__file__).parent / "trial74_charts"
_load = chart_files.loader(_FOLDER)
_at = Evaluator(date(2026, 12, 1))

# Failing before the fix: (the packet's lithium outcome now, which the record's trial shows).
NOT_SHOWN = {
    "a1_lithium_no_level_epic": "adequacy not shown: no lithium level on record",
    "a2_lithium_level_0_3_below_target_epic": (
        "adequacy not shown: lithium level 0.3 mmol/L (2026-06-22) below 0.5 mmol/L"
    ),
    "a3_lithium_running_no_level_epic": "ongoing; adequacy not shown: no lithium level on record",
    "a4_level_before_course_only_epic": (
        "adequacy not shown: no lithium level on record during this course"
    ),
}
TREMOR = {
    "t1_tremor_patient_declined_levels_epic": "Tremor, patient declined levels",
    "t2_dcd_due_to_tremor_epic": "d/c'd due to tremor",
    "t3_stopped_hand_tremor_epic": "stopped - hand tremor",
    "t4_tremor_pt_declined_lithium_levels_note_epic": "the order's note says tremor",
}
# Failing before too: the intolerance was not read; with a level the course stays adequate.
WITH_LEVEL = {"t5_dcd_due_to_tremor_level_0_6": "fixed"}
CONTROLS = {
    "c1_lithium_level_0_6_control": "control",
    "c2_lithium_running_level_0_6_control": "control",
    "t6_no_tremor_patient_request_control": "control",
}


def _evaluate(name: str) -> tuple[dict[str, Any], PatientRecord]:
    doc = _load(name)
    chart_files.check_chart(doc)
    return _at.by_topic_and_record(doc)


def _lithium(record: PatientRecord) -> Trial:
    (trial,) = [t for t in record.trials if t.ingredient == "lithium"]
    return trial


def _packet(card: dict[str, Any]) -> str:
    """The TMS referral packet's text (the card's DocumentReference attachment)."""
    for suggestion in card.get("suggestions", []):
        for action in suggestion.get("actions", []):
            resource = action.get("resource") or {}
            if resource.get("resourceType") == "DocumentReference":
                page = base64.b64decode(resource["content"][0]["attachment"]["data"]).decode()
                return html.unescape(re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", page)))
    raise AssertionError("no packet attached")


def _lithium_row(packet: str) -> str:
    found = re.search(r"lithium \(mood stabilizer\) 600 .*? no: augmentation", packet)
    assert found is not None, packet
    return found.group(0)


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, NOT_SHOWN, TREMOR, WITH_LEVEL, CONTROLS)


@pytest.mark.parametrize("name", sorted(NOT_SHOWN))
def test_no_therapeutic_level_is_not_a_failed_adequate_trial(name: str) -> None:
    cards, record = _evaluate(name)
    trial = _lithium(record)
    assert InadequacyReason.LEVEL_NOT_SHOWN in trial.reasons, name
    assert trial.verdict is (Verdict.ONGOING if trial.ongoing else Verdict.INADEQUATE)
    assert not trial.failed
    row = _lithium_row(_packet(cards[TMS]))
    assert NOT_SHOWN[name] in row, row
    assert "failed" not in row.replace("not counted as a failed adequate trial", "")
    # The count and the staging are the two SSRIs' alone, as before (lithium is an adjunct).
    packet = _packet(cards[TMS])
    assert "Counted for TMS: 2 (sertraline, escitalopram; 1 class: SSRI)" in packet
    assert "Augmentation 1 (used)" in cards[TMS]["detail"]


@pytest.mark.parametrize("name", sorted(TREMOR))
def test_tremor_stop_is_intolerance_not_failure(name: str) -> None:
    cards, record = _evaluate(name)
    trial = _lithium(record)
    assert trial.intolerance is not None, name
    assert trial.reasons == (InadequacyReason.INTOLERANCE,)
    assert not trial.failed
    row = _lithium_row(_packet(cards[TMS]))
    assert "intolerant (not tolerated: " in row and TREMOR[name] in row, row
    assert "failed" not in row
    assert "**Not tolerated, never proposed:** lithium" in cards[OPTIMISE]["detail"]


@pytest.mark.parametrize(
    "name", ["c1_lithium_level_0_6_control", "c2_lithium_running_level_0_6_control"]
)
def test_a_level_at_the_target_stays_adequate_and_failed(name: str) -> None:
    cards, record = _evaluate(name)
    trial = _lithium(record)
    assert trial.verdict is Verdict.ADEQUATE and trial.failed, name
    assert "failed (adequate; < 50 % PHQ-9 drop)" in _lithium_row(_packet(cards[TMS]))


def test_tremor_with_a_level_stays_adequate_with_its_intolerance() -> None:
    cards, record = _evaluate("t5_dcd_due_to_tremor_level_0_6")
    trial = _lithium(record)
    assert trial.verdict is Verdict.ADEQUATE and trial.intolerance is not None
    row = _lithium_row(_packet(cards[TMS]))
    assert "failed (adequate; < 50 % PHQ-9 drop); not tolerated: d/c'd due to tremor" in row


def test_a_negated_tremor_is_no_intolerance() -> None:
    cards, record = _evaluate("t6_no_tremor_patient_request_control")
    trial = _lithium(record)
    assert trial.intolerance is None
    assert "Not tolerated, never proposed" not in cards[OPTIMISE]["detail"]
