"""Fix procs34 (recheck K25a s30): ECT / TMS refusal take-back, four more readings.

1. UNSAFE: "now agrees to ECT (per husband)", "..., now agrees to rTMS, per mom" dropped the
   refusal: the clause mark hid whose word it was. A `someone_else` after `per` / `according`,
   in any later clause, keeps it.
2. "pt and mom now agree to ECT", "mother reports pt now agrees", "husband reports she now
   agrees" kept it: the patient agrees, so it is taken back. "declined rTMS, now agrees to
   dTMS" (deep TMS is TMS) and "declined ECT and rTMS, now agrees to both" take them back.
3. "declined ECT, now agrees to ECT consult only" dropped it: agreeing to a consult is not
   agreeing to the treatment. "declined ECT and rTMS, now agrees" (names neither) dropped both:
   which one is not said, so both stay (the card asks to revisit them with the patient).

Charts: tests/services/procs34_charts/ (K25a's, from procs33 ref15, all 19 prefetch keys).
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

DIR = Path(__file__).parent / "procs34_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))


def _text(chart: dict[str, object]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in _at.cards(chart))


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


@pytest.mark.parametrize("name", ["p_per_husband_paren", "p_consult_only"])
def test_the_ect_refusal_stands(name: str) -> None:
    # "now agrees to ECT (per husband)"; "now agrees to ECT consult only".
    text = _text(_chart(name))
    assert "ECT (declined" in text
    assert "ECT (65-75 % response" not in text


@pytest.mark.parametrize("name", ["p2_per_mom_comma", "p2_bare"])
def test_both_refusals_stand(name: str) -> None:
    # "declined ECT and rTMS, now agrees to rTMS, per mom"; "..., now agrees" (names neither).
    text = _text(_chart(name))
    assert "ECT (declined" in text
    assert "TMS declined" in text


def test_agreeing_to_rtms_still_takes_only_it_back() -> None:
    # Control: "declined ECT and rTMS, now agrees to rTMS".
    text = _text(_chart("p2_control"))
    assert "ECT (declined" in text
    assert "TMS declined" not in text


@pytest.mark.parametrize("name", ["p_pt_and_mom", "p_pt_control"])
def test_the_patients_agreement_takes_it_back(name: str) -> None:
    # "pt and mom now agree to ECT"; control "pt now agrees to ECT".
    text = _text(_chart(name))
    assert "ECT (declined" not in text
    assert "ECT (65-75 % response" in text


@pytest.mark.parametrize(
    ("words", "refused"),
    [
        ("patient declined ect, now agrees to ect (per husband)", True),
        ("patient declined ect, now agrees to ect (per her mother)", True),
        ("patient declined ect, now agrees to ect, per mom", True),
        ("patient declined ect, now agrees to ect per collateral", True),
        ("patient declined ect, now agrees to ect as per mother", True),
        ("patient declined ect, now agrees to ect - per mom", True),
        ("patient declined ect, now agrees to ect consult only", True),
        ("patient declined ect, pt reports mom now agrees to ect", True),
        ("patient declined ect, mom and dad now agree to ect", True),
        ("patient declined ect, pt and mom now agree to ect", False),
        ("patient declined ect, mom and pt now agree to ect", False),
        ("patient declined ect, mother reports pt now agrees to ect", False),
        ("patient declined ect, husband reports she now agrees to ect", False),
        ("patient declined rtms, now agrees to dtms", False),
        ("patient declined ect and rtms, now agrees to both", False),
        # Controls: unchanged readings.
        ("patient declined ect, now agrees", False),
        ("patient declined ect, now agrees to it", False),
        ("patient declined ect, now agrees to ect 3x per week", False),
        ("pt initially declined, now agrees to proceed with ect", False),
        ("patient declined ect, pt now agrees to ect", False),
    ],
)
def test_who_takes_a_refusal_back_and_for_what(words: str, refused: bool) -> None:
    assert procedure_refusals.refused_in_words(words) is refused


@pytest.mark.parametrize(
    ("words", "kinds"),
    [
        ("patient declined ect and rtms, now agrees", ("ect", "tms")),
        ("patient declined ect and rtms, now agrees to rtms, per mom", ("ect", "tms")),
        ("patient declined ect and rtms, now agrees to rtms", ("ect",)),
    ],
)
def test_which_refusals_stand(words: str, kinds: tuple[str, ...]) -> None:
    assert procedure_refusals.refused_kinds(("ect", "tms"), words, words) == kinds
