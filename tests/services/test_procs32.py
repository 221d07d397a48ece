"""Fix procs32 (recheck K22 s30): ECT refusals and an accelerated TMS record.

1. A negated refusal after a refusal ("patient declined ECT; no longer declines lithium") takes it
   back only when its clause names the refused treatment, as the undo words do (procs31 dropped
   the ECT refusal); "patient declined ECT, wife now agrees to ECT" keeps it: a relative's
   agreement is not the patient's consent.
2. "patient declined ECT, now agrees to rTMS" is an ECT refusal, not a TMS one (the TMS card said
   "TMS declined: the patient declined TMS").
3. "SAINT accelerated iTBS; once daily follow-up" completed over 12 days is accelerated (a length
   to confirm), not a standard course cut short: "once daily" rules accelerated out only in its
   clause.

Charts: tests/services/procs32_charts/ (K22's, all 19 prefetch keys). As-of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping import course_protocols, procedure_refusals
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "procs32_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_procs31 = chart_files.loader(Path(__file__).parent / "procs31_charts")
_at = Evaluator(date(2026, 12, 1))


def _text(chart: dict[str, object]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in _at.cards(chart))


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


@pytest.mark.parametrize(
    "name", ["ref11_declined_then_no_longer_declines_lithium", "ref13_wife_now_agrees"]
)
def test_ect_refusal_stands(name: str) -> None:
    assert "ECT (declined" in _text(_chart(name))


def test_no_longer_declines_the_refused_treatment_takes_it_back() -> None:
    # Control: "patient declined ECT; no longer declines ECT".
    text = _text(_chart("ref12_declined_then_no_longer_declines_ect"))
    assert "ECT (declined" not in text
    assert "ECT (65-75 % response" in text


def test_agreeing_to_rtms_is_no_tms_refusal() -> None:
    text = _text(_chart("ref14_now_agrees_to_rtms"))
    assert "ECT (declined" in text
    assert "TMS declined" not in text


def test_accelerated_record_with_once_daily_follow_up_is_accelerated() -> None:
    text = _text(_chart("c6_saint_once_daily_followup"))
    assert "course length to confirm" in text
    assert "not an adequate course" not in text


def test_once_daily_record_stays_standard() -> None:
    # Control (procs31 c1): "iTBS left DLPFC (once daily)" over 12 days is a course cut short.
    text = _text(_procs31("c1_itbs_once_daily_12day_completed"))
    assert "course length to confirm" not in text
    assert "not an adequate course" in text


@pytest.mark.parametrize(
    ("words", "refused"),
    [
        ("patient declined ect; no longer declines lithium", True),
        ("patient declined ect; no longer declines ect", False),
        ("patient no longer declines ect", False),
        ("patient declined ect, wife now agrees to ect", True),
        ("patient declined ect, husband and family now agree; now agrees to ect", False),
        ("patient declined ect, now agrees to ect", False),
        ("patient declined ect, now agrees to rtms", True),
    ],
)
def test_refusal_words(words: str, refused: bool) -> None:
    assert procedure_refusals.refused_in_words(words) is refused


@pytest.mark.parametrize(
    ("reason", "name", "kinds"),
    [
        ("ECT consultation - patient declined ECT, now agrees to rTMS", "", ("ect",)),
        ("Patient declined ECT, now agrees to rTMS", "ECT consultation", ("ect",)),
        ("Patient declined TMS", "ECT or TMS consultation", ("tms",)),
        # A refusal naming no procedure keeps the Procedure's kinds.
        ("Procedure refused", "ECT or TMS consultation", ("ect", "tms")),
    ],
)
def test_refused_kinds(reason: str, name: str, kinds: tuple[str, ...]) -> None:
    assert procedure_refusals.refused_kinds(("ect", "tms"), reason, name) == kinds


@pytest.mark.parametrize(
    ("text", "accelerated"),
    [
        ("SAINT accelerated iTBS; once daily follow-up", True),
        ("iTBS left DLPFC (once daily)", False),
        ("Accelerated iTBS once daily", False),
        ("iTBS left DLPFC once daily, then accelerated 10x daily", False),
    ],
)
def test_once_daily_rules_out_accelerated_in_its_clause(text: str, accelerated: bool) -> None:
    assert course_protocols.names({"code": {"text": text}}, "accelerated") is accelerated
