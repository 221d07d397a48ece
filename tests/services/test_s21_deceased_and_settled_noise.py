"""Session 21 RN findings 1-4 (noise and wrong cards on Synthea charts), pinned on probe charts
in deceased_noise_charts/: a deceased card only when a pathway card is withheld, a recorded
death ends every course, a warning pair run together for years is no chart-open card, and the
suicide-risk card speaks of TMS, ECT and esketamine only on a depression pathway."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from cds_hooks.offline import evaluate_document
from services.policy import Policy
from tests.services import chart_files

load = chart_files.loader(Path(__file__).parent / "deceased_noise_charts")
AS_OF = date(2026, 12, 1)


def _cards(
    name: str, policy: Policy | None = None, *, alive: bool = False
) -> list[tuple[str, str]]:
    doc = load(name)
    if alive:
        doc["prefetch"]["patient"].pop("deceasedDateTime", None)
    result = evaluate_document(doc, hook="patient-view", as_of=AS_OF, policy=policy or Policy())
    return [(str(c.indicator), c.summary + "\n" + (c.detail or "")) for c in result.response.cards]


def test_deceased_card_only_when_a_pathway_card_is_withheld() -> None:
    # MDD on record, no drug, nothing to act on: the living chart has no card, so nothing hidden.
    assert _cards("d01_deceased_mdd_no_drug", alive=True) == []
    assert _cards("d01_deceased_mdd_no_drug") == []


def test_recorded_death_ends_every_course() -> None:
    # Warfarin and fluoxetine orders never closed, death 2012-07-31, nothing after it: no
    # interaction 14 years on (settled window off, so the death alone decides).
    never = Policy(interaction_settled_days=20000)
    texts = [t for _, t in _cards("d02_deceased_2012_warfarin_fluoxetine", never)]
    assert not any("both running" in t for t in texts), texts


def test_record_after_death_keeps_courses_and_says_so() -> None:
    never = Policy(interaction_settled_days=20000)
    texts = [t for _, t in _cards("d03_deceased_2012_visit_after", never)]
    # Not ended at the death; both orders of 2006, never filled or renewed, are named as listed,
    # not running (review s22: an unrenewed order is not confirmed taken), still checked.
    assert any(t.startswith("Warfarin listed and fluoxetine listed") for t in texts), texts
    assert "2014-03-05, after the recorded death, makes the date doubtful" in texts[0]


def test_settled_warning_pair_is_no_chart_card() -> None:
    assert _cards("i01_clopidogrel_sertraline_since_2001") == []
    # A clinic that wants every pair on every open sets a long window.
    shown = _cards("i01_clopidogrel_sertraline_since_2001", Policy(interaction_settled_days=20000))
    assert shown and shown[0][0] == "warning"


def test_new_warning_pair_and_critical_pair_still_show() -> None:
    new = _cards("i02_clopidogrel_new_beside_sertraline")
    assert new[0][0] == "warning"
    # Sertraline's order of 1999, never filled or renewed, is listed, not running (review s22).
    assert new[0][1].startswith("Clopidogrel running and sertraline listed")
    critical = _cards("i03_pimozide_sertraline_since_2001")
    # Both orders only listed now (never filled or renewed), the critical pair still shows.
    assert critical[0][0] == "critical"
    assert critical[0][1].startswith("Pimozide listed and sertraline listed")


def test_item9_card_without_depression_pathway_keeps_only_the_assessment() -> None:
    (indicator, text), *_ = _cards("s01_phq9_25_no_dx_no_drug")
    assert indicator == "critical" and "suicide risk assessment today" in text
    assert "start TMS" not in text and "ECT" not in text and "esketamine" not in text
    (_, with_mdd), *_ = _cards("s02_phq9_25_mdd")
    assert "start TMS only after this assessment" in with_mdd and "ECT" in with_mdd


# --- the Synthea patients of the finding (../shared/fhir/synthea) ----------------------------

SYNTHEA = Path(__file__).resolve().parents[2] / ".." / "shared" / "fhir" / "synthea"


def _synthea(stem: str, as_of: date = AS_OF) -> list[str]:
    found = sorted(SYNTHEA.glob(f"**/*{stem}*.json")) if SYNTHEA.is_dir() else []
    if not found:
        message = f"../shared/fhir/synthea ({stem}) is missing"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    doc = json.loads(found[0].read_text("utf-8"))
    result = evaluate_document(doc, hook="patient-view", as_of=as_of, policy=Policy())
    return [c.summary + "\n" + (c.detail or "") for c in result.response.cards]


def test_synthea_patients_of_the_finding() -> None:
    assert _synthea("Darron_Feeney") == []  # MDD, no drug: nothing withheld
    assert not any("both running" in t for t in _synthea("Sherman_McGlynn"))  # died 2012
    assert _synthea("9a9d35d9") == []  # clopidogrel + sertraline since 2001
    (item9,) = _synthea("fea398c8", date(2024, 10, 29))  # PHQ-9 25, no dx, no antidepressant
    assert "suicide risk assessment today" in item9
    assert "TMS" not in item9 and "ECT" not in item9
