"""Session 29 fix net33 (review K18 recheck of the forms safety net; net33_charts/, all 19
prefetch keys, from K18's probe n13_Y: a form with the one question "Have you ever attempted
suicide?"):

1. "Y" read "Self-harm question answer ... could not be read" (a warning), while "N" was
   already a no (suicide_screen_answers.csv no-risk row "n"): a one-letter Y is now a yes
   (self_harm_form_words.csv `positive` row "y"), critical as "Yes" to an attempt question is;
   "y - see note" is a yes with its qualifier. Controls: "N" and "No, never" stay quiet.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"

_chart = chart_files.loader(Path(__file__).parent / "net33_charts")
_at = Evaluator(AS_OF)


def _doc(name: str) -> dict[str, object]:
    doc = _chart(name)
    chart_files.check_chart(doc)
    return doc


@pytest.mark.parametrize("name", ["ever_attempted_Y", "ever_attempted_y_see_note"])
def test_a_one_letter_yes_is_a_yes(name: str) -> None:
    card = _at.by_topic(_doc(name))[RISK]
    assert card["indicator"] == "critical"
    assert 'Self-harm question "Have you ever attempted suicide?" = y' in card["summary"]
    assert "could not be read" not in card["summary"] + card["detail"]


@pytest.mark.parametrize("name", ["ever_attempted_N", "ever_attempted_no_never"])
def test_a_one_letter_no_stays_quiet(name: str) -> None:
    assert RISK not in _at.by_topic(_doc(name))
