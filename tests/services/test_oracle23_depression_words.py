"""Review s23 RO finding 4: the only depression entry is an Oracle Health health concern in words
only ("Depression, recurrent; failed sertraline and Lexapro", no coding, onsetString "teens").

Before: the entry was skipped in silence and the optimise card said "No TMS card: no depression
diagnosis on the problem list". After: depression words on a Condition no code of which was read
are FindingKind.DEPRESSION_WORDS (never a diagnosis: no TMS, nothing counted), and every line that
said "no depression diagnosis on the problem list" names the entry as seen and not read
(services/tms_assessment.text_only_line).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.diagnosis_text import text_kinds
from fhir_mapping.findings import DEPRESSION_DIAGNOSIS_KINDS
from fhir_mapping.record import FindingKind
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
_chart = chart_files.loader(Path(__file__).parent / "oracle23_charts")
_at = Evaluator(AS_OF)
WORDS = FindingKind.DEPRESSION_WORDS


def test_the_text_only_health_concern_is_named_not_denied() -> None:
    found, record = _at.by_topic_and_record(_chart("depression_health_concern_text_only"))
    (words,) = record.context.of(WORDS)
    assert words.display == "Depression, recurrent; failed sertraline and Lexapro"
    assert "tms-referral" not in found  # words are no diagnosis a referral cites
    detail = found["optimize-switch-augment"]["detail"]
    assert "no depression diagnosis on the problem list" not in detail
    assert (
        '**No TMS card:** a problem-list entry mentions depression in text only ("Depression, '
        'recurrent; failed sertraline and Lexapro"'
    ) in detail
    assert "not read as a diagnosis: if it is major depression, code it (ICD-10-CM" in detail


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Depression, recurrent; failed sertraline and Lexapro", (WORDS,)),
        ("Depressed mood", (WORDS,)),
        ("Major depression, recurrent (CMS/HCC)", (FindingKind.DEPRESSION_TEXT,)),
        ("Manic depressive illness", (FindingKind.BIPOLAR,)),
        ("No depression", ()),
    ],
)
def test_depression_words_are_only_what_no_other_reading_took(
    text: str, kinds: tuple[FindingKind, ...]
) -> None:
    assert text_kinds(text) == kinds


def test_depression_words_are_no_diagnosis() -> None:
    assert WORDS not in DEPRESSION_DIAGNOSIS_KINDS
