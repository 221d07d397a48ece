"""A dose step of a taper is said as a taper on the timeline, never "adequate dose" (s25 FW
item 3).

Sertraline 100 mg/day from 2025-11-30, then an order "100 mg daily for 7 days, then 50 mg daily
for 7 days, then stop" (2026-03-22) before mirtazapine: the 50 mg step (29 Mar to 5 Apr 2026)
read "Sertraline 50 mg/day ...: adequate dose" on the timeline, as if the course were being tried
at 50 mg. The course records the day its taper began (Trial.taper_spans, fhir_mapping/taper.py
taper_spans); a bar from that day on says "taper step".

Chart: tests/services/taper_timeline_charts/sertraline_taper_then_mirtazapine.json (US Core
shaped, every prefetch key).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from cds_hooks.offline import evaluate_document
from services.policy import Policy
from services.timeline.picture import render_svg
from tests.services import chart_files

_chart = chart_files.loader(Path(__file__).parent / "taper_timeline_charts")


def _sertraline_tips() -> list[str]:
    doc = _chart("sertraline_taper_then_mirtazapine")
    result = evaluate_document(doc, hook=doc["hook"], as_of=date(2026, 12, 1), policy=Policy())
    record = result.evaluation.record
    sertraline = next(t for t in record.antidepressant_trials() if t.ingredient == "sertraline")
    assert sertraline.taper_from == date(2026, 3, 22)
    tips = re.findall(r"<title>([^<]*)</title>", render_svg(record))
    return [t for t in tips if t.startswith("Sertraline ")]


def test_the_taper_step_is_said_as_a_taper() -> None:
    tips = _sertraline_tips()
    step = next(t for t in tips if t.startswith("Sertraline 50 mg/day"))
    assert "taper step, the drug being stopped" in step
    assert ": adequate dose" not in step


def test_the_dose_before_the_taper_keeps_its_range_word() -> None:
    tips = _sertraline_tips()
    before = next(t for t in tips if t.startswith("Sertraline 100 mg/day"))
    assert ": adequate dose" in before
