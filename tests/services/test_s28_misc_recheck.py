"""Smaller findings of session 28's reviews, on the reviewers' charts (tests/services/
s28_misc_charts/; US Core shaped, every prefetch key sent).

- K7 #7 (WRONG): sertraline as a MedicationRequest, intent `order`, status `unknown`,
  reportedReference a Practitioner (a clinician's medication-list entry, patient_reported.
  listed_order), beside filled venlafaxine, counted as one assumed 30-day fill: "1 trial not
  adequate (sertraline duration not recorded)", and the venlafaxine failure left the card. Such an
  entry is read as a clinician's MedicationStatement `unknown` is (fhir_mapping/
  status_to_confirm.py): to confirm, possibly running, no course. `stopped`, it reads as the
  clinician's stopped statement does (unchanged).
- K7 #9 (MINOR): divalproex running beside ICD-10-CM Z90.710 (acquired absence of cervix and
  uterus) said "with childbearing potential"; the order hooks too. A hysterectomy on record
  (Z90.710, Z90.711, SNOMED CT hysterectomy procedures: FindingKind.PREGNANCY_NOT_POSSIBLE) rules
  it out (services/order_checks/childbearing.py); Z90.712 (the uterus remains) does not.
- K5 #10 (MINOR): venlafaxine 17, then a PHQ-9 filed 3 whose answers sum to 12 (or filed 9, sum
  8): the form is set aside (its readings differ on the failure: Trial.conflicted) and the course
  judged failed on the earlier 18, so the headlines said "2 adequate trials failed" though one
  reading is a remission (or a response). The count marks it to confirm (services/trial_count.
  form_text): "2 adequate trials failed, venlafaxine to confirm" / "..., 1 to confirm". As of
  2025-06-15.
- RJ #12 (MINOR): F10.21 (alcohol dependence in remission), then AUDIT-C 10: "no alcohol use
  disorder coded" beside the same card's "Alcohol use disorder in remission (F10.21)"; now
  "possible relapse of the alcohol use disorder in remission" (rules/diagnosis_substance.py).
- RJ #13, #14 (MINOR): a bipolar diagnosis the record marks resolved was named as if active; it
  now says "marked resolved or inactive on the record, abated <date>" (services/
  bipolar_findings.status_words). "r/o bipolar disorder" typed in read "bipolar disorder on
  record"; now a differential, as a coded one is (fhir_mapping/differential_text.py).
  RJ's charts on the trd_meets_tms fixture request, as of 2025-06-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
_DIR = Path(__file__).parent / "s28_misc_charts"
_chart = chart_files.loader(_DIR)
_k7 = Evaluator(date(2026, 12, 1))
OPTIMISE = "optimize-switch-augment"


@pytest.mark.parametrize("path", sorted(_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_the_charts_send_every_prefetch_key_as_valid_r4b(path: Path) -> None:
    chart_files.check_chart(_chart(path.stem))


def test_a_listed_order_of_unknown_status_is_a_drug_to_confirm_not_a_course() -> None:
    card = _k7.by_topic(_chart("k7_sert_unknown_order_practitioner"))[OPTIMISE]
    assert card["summary"].startswith("1 adequate trial failed (venlafaxine): switch to a non-SNRI")
    assert "duration not recorded" not in card["detail"]
    assert "sertraline (SSRI; the order of 2026-10-01; no course read" in card["detail"]
    assert "may be running" in card["detail"]


def test_a_listed_order_stopped_reads_as_the_clinicians_stopped_statement() -> None:
    order = _k7.by_topic(_chart("k7_sert_plan_stopped_practitioner"))
    statement = _k7.by_topic(_chart("k7_sert_statement_stopped_practitioner"))
    assert {t: c["summary"] for t, c in order.items()} == {
        t: c["summary"] for t, c in statement.items()
    }


CHILDBEARING = "with childbearing potential"


@pytest.mark.parametrize(
    "name",
    ["k7_divalproex_running_z90710_view", "k7_divalproex_running_hysterectomy_procedure_view"],
)
def test_running_valproate_after_a_hysterectomy_is_not_said_of_childbearing_potential(
    name: str,
) -> None:
    summaries = [c["summary"] for c in _k7.cards(_chart(name))]
    assert summaries and not any(CHILDBEARING in s for s in summaries)


def test_a_cervix_removed_with_the_uterus_remaining_keeps_the_line() -> None:
    summaries = [c["summary"] for c in _k7.cards(_chart("k7_divalproex_running_z90712_view"))]
    assert any(s.startswith("Valproate 1000 mg/day") and CHILDBEARING in s for s in summaries)


def test_valproate_drafted_after_a_hysterectomy_gets_no_childbearing_warning() -> None:
    assert _k7.cards(_chart("k7_valproate_woman44_z90710_select")) == []


_k5 = Evaluator(date(2025, 6, 15))


@pytest.mark.parametrize(
    ("name", "filed", "items"),
    [("k5_venlafaxine_form_filed3_sum12", 3, 12), ("k5_venlafaxine_form_filed9_sum8", 9, 8)],
)
def test_a_failure_one_reading_of_the_newest_form_denies_is_counted_to_confirm(
    name: str, filed: int, items: int
) -> None:
    cards = _k5.by_topic(_chart(name))
    optimise = cards[OPTIMISE]
    assert optimise["summary"].startswith(
        f"2 adequate trials failed, 1 to confirm; PHQ-9 total filed {filed}, items sum to {items}"
    )
    assert (
        f"venlafaxine: PHQ-9 {max(filed, items)} on 2025-06-10, total filed {filed}, items sum "
        f"to {items}: one reading is no failure: to confirm"
    ) in optimise["detail"]
    for card in cards.values():
        assert "2 adequate trials failed;" not in card["summary"]


_rj = Evaluator(date(2025, 6, 1))
DIAGNOSIS = "diagnosis-review"


def test_a_high_audit_c_beside_alcohol_in_remission_is_a_possible_relapse() -> None:
    card = _rj.by_topic(_chart("rj_f1021_remission_auditc_10"))[DIAGNOSIS]
    assert card["summary"] == (
        "Review alcohol use alongside escalation: AUDIT-C 10 on 2025-05-12, possible relapse of "
        "the alcohol use disorder in remission"
    )
    assert "no alcohol use disorder coded" not in card["detail"]
    assert "assess for a relapse of the alcohol use disorder" in card["detail"]


@pytest.mark.parametrize(
    ("name", "since", "abated"),
    [
        ("rj_f31_resolved", "2023-01-10", "2020-01-01"),
        ("rj_f31_resolved_2016", "2012-01-01", "2016-01-01"),
    ],
)
def test_a_resolved_bipolar_diagnosis_is_named_with_its_status(
    name: str, since: str, abated: str
) -> None:
    card = _rj.by_topic(_chart(name))[DIAGNOSIS]
    assert card["indicator"] == "warning"  # still counted: bipolar disorder is lifelong
    assert (
        f"Bipolar disorder, unspecified (ICD-10-CM F31.9, since {since}; marked resolved or "
        f"inactive on the record, abated {abated})"
    ) in card["detail"]


def test_rule_out_bipolar_typed_in_is_a_differential_not_a_diagnosis_on_record() -> None:
    card = _rj.by_topic(_chart("rj_ro_bipolar_text"))[DIAGNOSIS]
    assert card["summary"].startswith(
        "Confirm the diagnosis before escalating: bipolar disorder on record (differential, not "
        "confirmed)"
    )
    assert "Until psychiatry confirms or refutes it" in card["detail"]
