"""Fix procs31 (recheck K20b s30): ECT refusals and course records.

1. Undo words take an ECT refusal back only when their clause names the refused treatment or only
   words pointing back at it ("now agrees to proceed", "prefers inpatient course"): "patient
   declined ECT, now agrees to lithium augmentation", "now wants to try a different medication",
   "now willing to try an MAOI", a `not-done` ECT whose statusReason says "now agrees to try
   augmentation with aripiprazole" keep ECT declined (they dropped it: the card offered ECT with
   no declined note).
2. "patient declined ketamine, now agrees to ECT" is no ECT refusal; "declined ECT, now agrees
   to ECT after ketamine failed" takes it back; "patient no longer declines ECT" is none.

Charts: tests/services/procs31_charts/ (K20b's, all 19 prefetch keys). As-of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "procs31_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))


def _text(name: str) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in _at.cards(_chart(name)))


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


@pytest.mark.parametrize(
    "name",
    [
        "ref1_now_agrees_lithium",
        "ref2_now_wants_medication_change",
        "ref3_now_willing_to_try_mao",
        "ref6_notdone_reason_now_agrees_aripiprazole",
        # Control: another procedure named after the undo words (as in k19b2).
        "ref4_prefers_outpatient_therapy_cbt",
    ],
)
def test_undo_words_about_another_drug_keep_the_ect_refusal(name: str) -> None:
    assert "ECT (declined" in _text(name)


@pytest.mark.parametrize(
    "name",
    [
        "ref5_declined_ketamine_now_agrees",
        "ref9_no_longer_declines",
        "ref10_declined_now_agrees_ect_and_ketamine",
    ],
)
def test_no_ect_refusal_when_the_words_say_none(name: str) -> None:
    text = _text(name)
    assert "ECT (declined" not in text
    assert "ECT (65-75 % response" in text
