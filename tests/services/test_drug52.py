"""Session 34 fix drug52 (review K38b finding 3): selegiline whose form is stated outside its name.

Selegiline is an antidepressant only as the transdermal system (antidepressants.csv requires_form);
without the form it is read as oral selegiline, an MAO-B inhibitor checked as an MAOI and never a
trial. An Oracle-style contained Medication codes the ingredient only (RxNorm 9639 "selegiline")
and states the form elsewhere: Medication.form, a strength of 6 mg / 24 h, a sig "Apply 1 patch
onto the skin daily" with a dose of 1 {patch}. Before: read as oral selegiline, "dose unknown",
its MAOI trial dropped ("1 adequate trial failed") and the washout naming "oral selegiline". Now:
any of those places states the form (fhir_mapping/stated_form.py), and the strength per 24 h is
read as mg per day (terminology._ratio_strength).

Charts: drug52_charts/ (all 19 prefetch keys; as of 2026-12-01), from review K38b's charts 41, 42
and 20: sertraline 150 failed, then selegiline 2026-07-31 on, PHQ-9 17 -> 23.
- oracle_patch_form_text: K38b chart 41 as sent (form text, strength, sig, {patch}).
- oracle_patch_form_coded: only a SNOMED CT form coding "Transdermal patch" (no strength, sig
  "Use 1 daily", units {each}): the form is read, the dose is not.
- oracle_patch_sig_only: no form, no strength; the sig "Apply 1 patch" and its {patch} units.
- oracle_patch_strength_only: no form, sig "Use 1 daily"; the strength 6 mg / 24 h.
- oracle_no_form_anywhere: none of these: stays oral selegiline, not a trial (the safer reading:
  stated_form.py), its MAOI checks kept.
- Controls: oral_selegiline_capsule (RxNorm 859186, an SCD: the code decides) stays MAO-B and not a
  trial; emsam_coded (SCDs 865206/865210) stays a trial.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
HERE = Path(__file__).parent / "drug52_charts"
OPTIMIZE = "optimize-switch-augment"
TMS = "tms-referral"
_load = chart_files.loader(HERE)


def _read(name: str) -> tuple[dict[str, Any], Any]:
    doc = _load(name)
    chart_files.check_chart(doc)
    return Evaluator(AS_OF).by_topic_and_record(doc)


def test_every_chart_carries_the_prefetch_keys() -> None:
    for path in sorted(HERE.glob("*.json")):
        chart_files.check_chart(_load(path.stem))


def _selegiline(record: Any) -> Any:
    found = [t for t in record.trials if "selegiline" in t.ingredient]
    assert len(found) == 1, [t.ingredient for t in record.trials]
    return found[0]


@pytest.mark.parametrize(
    ("chart", "mg"),
    [
        ("oracle_patch_form_text", 6.0),
        ("oracle_patch_strength_only", 6.0),
        ("oracle_patch_form_coded", None),
        ("oracle_patch_sig_only", None),
        ("emsam_coded", 9.0),
    ],
)
def test_a_patch_stated_outside_its_name_is_an_maoi_trial(chart: str, mg: float | None) -> None:
    cards, record = _read(chart)
    trial = _selegiline(record)
    assert trial.ingredient == "selegiline"
    assert trial.current_mg_per_day == mg
    text = " ".join(c["summary"] + c["detail"] for c in cards.values())
    assert "oral selegiline" not in text.casefold()
    if mg is not None:
        assert "2 adequate trials failed (sertraline, selegiline)" in cards[OPTIMIZE]["summary"]
        assert "selegiline (MAOI, failed)" in cards[TMS]["detail"]
        assert "**Washout (MAOI):** selegiline (an MAOI) is running" in cards[OPTIMIZE]["detail"]


def test_the_oracle_patch_raises_from_6_with_the_diet_line() -> None:
    cards, _ = _read("oracle_patch_form_text")
    optimise = cards[OPTIMIZE]
    assert "raise selegiline from 6 toward 12 mg/24 h first" in optimise["summary"]
    assert (
        "**MAOI diet:** Selegiline patch from 9 mg/24 h needs the MAOI diet" in (optimise["detail"])
    )


@pytest.mark.parametrize("chart", ["oracle_no_form_anywhere", "oral_selegiline_capsule"])
def test_selegiline_with_no_form_stated_stays_oral_and_no_trial(chart: str) -> None:
    cards, record = _read(chart)
    trial = _selegiline(record)
    assert trial.ingredient == "oral selegiline"
    assert "oral selegiline (an MAOI) is running" in cards[OPTIMIZE]["detail"]
    assert "selegiline (MAOI, failed)" not in cards.get(TMS, {}).get("detail", "")


def test_a_sertraline_draft_beside_the_oracle_patch_names_selegiline() -> None:
    doc = _load("oracle_patch_draft_sertraline.order-sign")
    chart_files.check_chart(doc)
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    summaries = [c["summary"] for c in result.response.to_json()["cards"]]
    assert (
        "Sertraline ordered while selegiline (MAOI) is running: serotonin syndrome risk; "
        "14 days off selegiline first"
    ) in summaries
    assert not any("oral selegiline" in s.casefold() for s in summaries)
