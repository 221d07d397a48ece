"""The depression scales other than the PHQ-9 on the TMS card and beside it.

1. Two trials failed on the MADRS alone, no PHQ-9: the TMS rule asked for a PHQ-9 ("no PHQ-9 on
   record to document severity") and no TMS card came. Now the latest MADRS documents severity,
   read by its own bands, and the card names the scale and each trial's pair. A payer criterion
   the MADRS cannot judge (Ambetter's own cut-off is a PHQ-9's) is "To confirm", never "Met".
2. A PHQ-9 showing no response beside a HAM-D17 in the same windows showing response: the PHQ-9
   still decides, but the failure is marked to confirm and the card says why. The other way
   round (PHQ-9 response, HAM-D17 none) changes nothing.
3. One weekly dip of the QIDS-SR16 is not response: the other scales are read by the PHQ-9's
   rule (the latest on-treatment total), through the same code path (score_windows.py).

Charts: the recheck-13 probe m13 (Epic-shaped patient-view request, MADRS under a flowsheet code
and the project code) and the US Core survey Observations of tests/fhir_mapping/
other_scale_charts.py, all valid R4.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services import trial_count
from services.patient_view import patient_view
from services.policy import Policy
from services.rules.context import build_context
from services.rules.tms_referral import LINKED
from tests.fhir_mapping.other_scale_charts import P, chart, scale, the_trial
from tests.fixtures import builders as fb
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "recheck2_charts"
TMS = "tms-referral"
OPTIMISE = "optimize-switch-augment"
BEFORE, WEEK6, AFTER = date(2025, 1, 6), date(2025, 2, 17), date(2025, 5, 19)
Doc = dict[str, Any]


def _m13(last_madrs: int | None = None) -> Doc:
    """m13: sertraline then venlafaxine failed on MADRS 34 -> 32 -> 31, no PHQ-9; a moderate
    MDD code. `last_madrs` rewrites the latest MADRS (2025-05-12)."""
    (path,) = CHARTS.glob("m13_*.json")
    doc: Doc = json.loads(path.read_text("utf-8"))
    if last_madrs is not None:
        doc = copy.deepcopy(doc)
        for bundle in doc["prefetch"].values():
            for entry in (bundle or {}).get("entry", []):
                r = entry["resource"]
                if r["resourceType"] == "Observation" and "2025-05-12" in str(
                    r.get("effectiveDateTime")
                ):
                    codes = [c["code"] for c in r["code"]["coding"]]
                    if "madrs-total" in codes:
                        r["valueQuantity"]["value"] = last_madrs
    return doc


_at = Evaluator(AS_OF, hook="patient-view")
_cards = _at.by_topic


def test_two_trials_failed_on_madrs_alone_get_a_tms_card_naming_madrs() -> None:
    card = _cards(_m13())[TMS]
    assert "MADRS 31: consider TMS referral" in card["summary"]
    detail = card["detail"]
    # Each counted trial with its pair, on the card itself (no trials table on it).
    assert "sertraline (SSRI, failed, MADRS 34 -> 32)" in detail
    assert "venlafaxine (SNRI, failed, MADRS 32 -> 31)" in detail
    # The payer's severity criterion read from the MADRS bands: 31 is moderate, not severe.
    assert "**Not met** · Severity: MADRS 31 on 2025-05-12 (moderate, Snaith 1986" in detail


def test_the_optimise_card_points_to_the_tms_card_and_names_each_pair_once() -> None:
    """m13 once had no TMS card and the optimise card pointed to the timeline
    (tests/services/test_scale_basis_on_cards.py); now it gives the TMS card's pointer, with
    the MADRS pairs still named once."""
    detail = _cards(_m13())[OPTIMISE]["detail"]
    pairs = "sertraline judged on MADRS 34 → 32; venlafaxine judged on MADRS 32 → 31."
    assert f"{LINKED.removesuffix('.')}; {pairs}" in detail
    assert detail.count("MADRS 34 → 32") == 1


def test_a_severe_madrs_meets_a_policy_naming_no_scale() -> None:
    detail = _cards(_m13(last_madrs=36))[TMS]["detail"]
    assert "**Met** · Severity: MADRS 36 on 2025-05-12 (severe, Snaith 1986" in detail


def test_a_policy_whose_cut_off_is_a_phq9_leaves_the_madrs_to_confirm() -> None:
    """Ambetter CP.BH.200 states PHQ-9 >= 15; a severe MADRS is this project's reading of it,
    which the payer's own text does not make: "To confirm", never "Met"."""
    policy = Policy(payer_criteria="ambetter-cp-bh-200")
    detail = _cards(_m13(last_madrs=36), policy=policy)[TMS]["detail"]
    line = next(x for x in detail.splitlines() if "Severity" in x)
    assert line.startswith("- **To confirm** · Severity: MADRS 36")
    assert "Met** · Severity" not in detail
    assert "confirm with the payer that MADRS is accepted" in detail


def test_a_mild_madrs_alone_is_below_the_tms_threshold() -> None:
    """PHQ-9 10 (the clinic's threshold) opens the moderate band: a mild MADRS (32 -> 17: still
    no response, so both trials stay failed) is below it."""
    doc = _m13(last_madrs=17)
    assert TMS not in _cards(doc)
    record = evaluate_document(doc, hook="patient-view", as_of=AS_OF, policy=Policy())
    facts = build_context(record.evaluation.record, Policy(), hook="patient-view").facts
    assert facts.tms.blockers == (
        "latest MADRS 17 (mild, Snaith 1986) is below the moderate band (PHQ-9 threshold 10)",
    )


def test_phq9_non_response_with_hamd17_response_is_a_failure_to_confirm() -> None:
    record = chart(
        fb.phq9(BEFORE, 20, item9=0, patient=P),
        fb.phq9(AFTER, 18, item9=0, patient=P),
        scale("HAM-D17", BEFORE, 28),
        scale("HAM-D17", AFTER, 12),
    )
    trial = the_trial(record)
    assert trial.outcome_scale == "PHQ-9" and trial.failed  # the PHQ-9 stays first
    said = "HAM-D17 28 -> 12 (response) disagrees: to confirm"
    assert trial_count.confirm_reasons(trial, record) == (said,)
    optimise = next(r for r in patient_view(record, Policy()) if r.topic == OPTIMISE)
    assert "escitalopram to confirm" in optimise.summary or ", to confirm" in optimise.summary
    assert f"**To confirm:** escitalopram: {said}." in optimise.detail


def test_phq9_response_with_hamd17_non_response_stays_a_response() -> None:
    record = chart(
        fb.phq9(BEFORE, 20, item9=0, patient=P),
        fb.phq9(AFTER, 8, item9=0, patient=P),
        scale("HAM-D17", BEFORE, 28),
        scale("HAM-D17", AFTER, 26),
    )
    trial = the_trial(record)
    assert trial.response is True and not trial.failed
    assert trial.disagreeing == () and trial_count.confirm_reasons(trial, record) == ()


def test_agreeing_scales_mark_nothing() -> None:
    record = chart(
        fb.phq9(BEFORE, 20, item9=0, patient=P),
        fb.phq9(AFTER, 18, item9=0, patient=P),
        scale("MADRS", BEFORE, 34),
        scale("MADRS", AFTER, 30),
    )
    trial = the_trial(record)
    assert trial.failed and trial.disagreeing == ()


def test_one_weekly_qids_dip_is_not_response() -> None:
    """QIDS-SR16 18, then 8 at week 6, then 17: the latest on-treatment total decides, as for
    the PHQ-9 (score_windows.on_treatment_score), so the dip is no response."""
    trial = the_trial(
        chart(
            scale("QIDS-SR16", BEFORE, 18),
            scale("QIDS-SR16", WEEK6, 8),
            scale("QIDS-SR16", AFTER, 17),
        )
    )
    assert trial.outcome_scale == "QIDS-SR16"
    assert trial.on_treatment is not None and trial.on_treatment.value == 17
    assert trial.response is False and trial.failed


def test_one_weekly_phq9_dip_is_not_response_either() -> None:
    """The control: the PHQ-9 read the same way."""
    trial = the_trial(
        chart(
            fb.phq9(BEFORE, 18, item9=0, patient=P),
            fb.phq9(WEEK6, 8, item9=0, patient=P),
            fb.phq9(AFTER, 17, item9=0, patient=P),
        )
    )
    assert trial.response is False and trial.failed
