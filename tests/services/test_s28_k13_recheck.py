"""Recheck K13 of session 28, on the reviewer's charts (tests/services/s28_k13_charts/; US Core
shaped, every prefetch key sent).

- #1 (WRONG): a sertraline MedicationRequest of status `unknown` the patient reported
  (reportedReference the Patient, or reportedBoolean true alone) beside a running venlafaxine
  read as a past trial, and the two-reuptake-inhibitor caution and the adjunct hold were lost.
  It is read as a statement `unknown` with the patient as its source is: possibly running, to
  confirm (fhir_mapping/status_to_confirm.py). As of 2026-12-01.
- #2 (WRONG): a low folate on folic acid beside a low B12 not treated said "not a reason to hold"
  with no caution; with no B12 on record it warned. A low B12 not replaced gets the same caution
  (services/rules/deficiency_replacement.py). As of 2025-06-01.
- #3 (MINOR): ICD-10-CM Z90.722 (both ovaries absent) and CPT 58150 (total abdominal
  hysterectomy) were not read as "cannot become pregnant" (condition_codes.csv,
  procedure_codes.csv kind pregnancy-not-possible); Z90.721 (one ovary) and a hysteroscopy CPT
  still are not. As of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_DIR = Path(__file__).parent / "s28_k13_charts"
_chart = chart_files.loader(_DIR)
_at = Evaluator(date(2026, 12, 1))
_labs = Evaluator(date(2025, 6, 1))
OPTIMISE = "optimize-switch-augment"
DIAGNOSIS = "diagnosis-review"
RUNNING = "running-drug-caution"


@pytest.mark.parametrize("path", sorted(_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_the_charts_send_every_prefetch_key_as_valid_r4b(path: Path) -> None:
    chart_files.check_chart(_chart(path.stem))


@pytest.mark.parametrize(
    ("name", "record"),
    [
        ("u05_reportedReference_patient", "the order"),
        ("u06_reportedBoolean_only", "the order"),
        ("u07_statement_unknown_patient_source", "the statement"),
    ],
)
def test_a_patient_reported_drug_of_unknown_status_may_be_running(name: str, record: str) -> None:
    card = _at.by_topic(_chart(name))[OPTIMISE]
    assert card["summary"].endswith("confirm whether both are taken before augmenting")
    assert "tried before" not in card["detail"]
    assert "**Two serotonin reuptake inhibitors if both are taken:**" in card["detail"]
    assert "Confirm first whether the patient takes sertraline." in card["detail"]
    named = f"{record} (sertraline, may be taken now; status unknown, recorded 2026-10-01)"
    assert named in card["detail"]


def test_folic_acid_beside_a_low_b12_not_treated_gives_the_b12_caution() -> None:
    card = _labs.by_topic(_chart("lb01_folate_low_folic_plus_b12_low_untreated"))[DIAGNOSIS]
    line = next(x for x in card["detail"].split("\n") if "Low folate, under replacement" in x)
    assert "vitamin B12 low and not replaced: treat it too (folic acid alone can let a B12" in line
    assert card["summary"].startswith("Confirm the diagnosis before escalating: low B12")


@pytest.mark.parametrize("name", ["m05_z90722_bilat_ovaries", "m11_cpt_58150_tah"])
def test_no_ovaries_or_a_total_hysterectomy_rules_out_childbearing_potential(name: str) -> None:
    assert RUNNING not in _at.by_topic(_chart(name))


@pytest.mark.parametrize("name", ["m02_z90721_unilateral_ovary", "m06_hysteroscopy_cpt"])
def test_one_ovary_or_a_hysteroscopy_keeps_childbearing_potential(name: str) -> None:
    card = _at.by_topic(_chart(name))[RUNNING]
    assert "with childbearing potential" in card["summary"]
