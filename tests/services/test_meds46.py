"""Session 37 fix meds46 (review K51a findings 5 and 6).

Finding 5: the optimise card names a running medication record it could not identify beside its
switch and augment options.

Charts: meds46_charts/ (all 19 prefetch keys; as of 2026-12-01), drug48's no_unidentified chart
(sertraline and venlafaxine failed, PHQ-9 18) with every venlafaxine order and fill coded only by
RxNorm 725072 (K51a's stand-in for an SBD code the tables do not hold; no display, no text), as
an Epic order feed sends a code without display.
- u_venlafaxine_sbd_code_only_running (failing before): the course is not read, and the switch
  list offered "SNRI: venlafaxine, ..." with only bupropion held back: the option may be the very
  drug the record is. Now a paragraph names each running record (resource id, code, day) and asks
  to check the options against it (services/unidentified_options.py).
- Controls: the same records stopped, last fill in September (a data gap only, no paragraph);
  venlafaxine coded as sent by the base chart (nothing not identified).

Finding 6: r_venlafaxine_home_med_reported_no_fills is the reviewer's f6 chart (Epic home
medication: reportedBoolean true, intent plan, category patientspecified, no fill). Before: the
TMS trials criterion read "Met, to confirm · 2 counted". Now a course resting only on the
patient's report is listed and not counted toward the payer's number ("Not on record", confirm
it by a fill or prescription: services/payer_criteria/trials.py cites REFERENCE.md). Control:
c_venlafaxine_home_med_reported_filled, the same Epic home medication the pharmacy filled:
"Met", unchanged.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "meds46_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
OPTIMIZE = "optimize-switch-augment"
HEAD = "**Options to check against a record not identified:**"

TMS = "tms-referral"
FIXED = {
    "u_venlafaxine_sbd_code_only_running": "fixed",
    "r_venlafaxine_home_med_reported_no_fills": "fixed",
}
CONTROLS = {
    "c_venlafaxine_home_med_reported_filled": "control",
    "c_venlafaxine_sbd_code_only_stopped": "control",
    "c_venlafaxine_coded": "control",
}


def test_a_running_record_not_identified_is_named_beside_the_options() -> None:
    detail = _cards("u_venlafaxine_sbd_code_only_running")[OPTIMIZE]["detail"]
    assert "SNRI: venlafaxine" in detail  # still listed: which option it is cannot be known
    assert (
        f"{HEAD} MedicationRequest/53f7c291-13ba-58d5-b2c9-e1a89c25376d (RxNorm 725072, ordered "
        "2026-09-21); MedicationDispense/93455546-8320-5655-b798-e22ce18a559b (RxNorm 725072, "
        "filled 2026-10-23, 30 days)"
    ) in detail
    assert "it may be one of the options above (already taken) or an MAOI" in detail
    # After the switch options, which it is about.
    assert detail.index("**Switch:**") < detail.index(HEAD)


@pytest.mark.parametrize("name", sorted(c for c in CONTROLS if "sbd" in c or "coded" in c))
def test_no_paragraph_without_a_running_record_not_identified(name: str) -> None:
    assert HEAD not in _cards(name)[OPTIMIZE]["detail"]


def _trials_line(name: str) -> str:
    (line,) = [x for x in _cards(name)[TMS]["detail"].split("\n") if "· Medication trials:" in x]
    return line


def test_a_patient_reported_course_is_listed_not_counted_for_the_payer() -> None:
    line = _trials_line("r_venlafaxine_home_med_reported_no_fills")
    assert line.startswith("- **Not on record** · Medication trials: 1 counted from 1 class")
    assert line.endswith("; not counted (patient-reported only): venlafaxine")
    detail = _cards("r_venlafaxine_home_med_reported_no_fills")[TMS]["detail"]
    assert "confirm venlafaxine by a fill or prescription or document another trial" in detail


def test_a_filled_epic_home_medication_is_counted_as_before() -> None:
    line = _trials_line("c_venlafaxine_home_med_reported_filled")
    assert line.startswith("- **Met** · Medication trials: 2 counted from 2 classes")
    assert "patient-reported" not in line


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)
