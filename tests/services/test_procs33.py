"""Fix procs33 (recheck K24b s30): ECT / TMS refusals taken back too widely.

1. "patient declined ECT and rTMS, now agrees to rTMS" dropped both refusals (and "declined rTMS
   and ECT; now agrees to ECT" the rTMS one): undo words take back only the treatments they name,
   the others stay refused.
2. "mom now agrees to ECT", "team now agrees to ECT" dropped the refusal: undo words are the
   patient's only when their subject is the patient ("pt", "she") or unstated; any other subject,
   or "per wife" after them, keeps it. A legal guardian too: their consent may be valid for a
   minor, but the card only asks to revisit the refusal with the patient, the safer reading.

Charts: tests/services/procs33_charts/ (K24b's, from procs32 ref13, all 19 prefetch keys).
As-of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping import procedure_refusals
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "procs33_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))


def _text(chart: dict[str, object]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in _at.cards(chart))


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def test_agreeing_to_rtms_keeps_the_ect_refusal() -> None:
    text = _text(_chart("ref15_ect_rtms_agrees_rtms"))
    assert "ECT (declined" in text
    assert "TMS declined" not in text


def test_agreeing_to_ect_keeps_the_rtms_refusal() -> None:
    text = _text(_chart("ref16_rtms_ect_agrees_ect"))
    assert "TMS declined" in text
    assert "ECT (declined" not in text


@pytest.mark.parametrize(
    "name",
    [
        "ref17_mom_now_agrees",
        "ref18_team_now_agrees",
        "ref19_guardian_now_agrees",
        "ref20_now_agrees_per_wife",
    ],
)
def test_someone_elses_agreement_keeps_the_refusal(name: str) -> None:
    assert "ECT (declined" in _text(_chart(name))


@pytest.mark.parametrize("name", ["ref21_pt_now_agrees", "ref22_agrees_to_both"])
def test_the_patients_agreement_takes_it_back(name: str) -> None:
    # Controls: "pt now agrees to ECT"; "declined ECT and rTMS, now agrees to rTMS and ECT".
    text = _text(_chart(name))
    assert "ECT (declined" not in text
    assert "TMS declined" not in text
    assert "ECT (65-75 % response" in text


@pytest.mark.parametrize(
    ("words", "refused"),
    [
        ("patient declined ect, mom now agrees to ect", True),
        ("patient declined ect, mum now agrees to ect", True),
        ("patient declined ect, dad now agrees to ect", True),
        ("patient declined ect, girlfriend now agrees to ect", True),
        ("patient declined ect, boyfriend now agrees to ect", True),
        ("patient declined ect, her mother now agrees to ect", True),
        ("patient declined ect, guardian now agrees to ect", True),
        ("patient declined ect, staff now agrees to ect", True),
        ("patient declined ect, provider now agrees to ect", True),
        ("patient declined ect, md now agrees to ect", True),
        ("patient declined ect, doctor now agrees to ect", True),
        ("patient declined ect, now agrees to ect per wife", True),
        ("patient declined ect; mom no longer declines ect", True),
        ("patient declined ect, pt now agrees to ect", False),
        ("patient declined ect, she now agrees to ect", False),
        ("patient declined ect, they now agree; now agrees to ect", False),
        ("patient declined ect but now agrees to ect", False),
        ("patient declined ect, husband and family now agree; now agrees to ect", False),
    ],
)
def test_only_the_patient_takes_a_refusal_back(words: str, refused: bool) -> None:
    assert procedure_refusals.refused_in_words(words) is refused


@pytest.mark.parametrize(
    ("words", "kinds"),
    [
        ("patient declined ect and rtms, now agrees to rtms", ("ect",)),
        ("patient declined rtms and ect; now agrees to ect", ("tms",)),
        ("patient declined ect and rtms, now agrees to ect after rtms", ("tms",)),
        ("patient declined ect and rtms, mom now agrees to rtms", ("ect", "tms")),
        # Nothing taken back names no kind: all of the Procedure's.
        ("procedure refused, now agrees to lithium", ("ect", "tms")),
    ],
)
def test_only_the_named_treatment_is_taken_back(words: str, kinds: tuple[str, ...]) -> None:
    assert procedure_refusals.refused_kinds(("ect", "tms"), words, words) == kinds
