"""Audit 16: one diagnosis, one story across the cards of a screen.

- W1 (a04): F06.32, a depressive disorder due to hypothyroidism, was read as a text-only depression
  problem ("not coded ... code it F32.x/F33.x for the TMS referral"): it is coded, and it is not
  MDD. Now read as a depressive disorder other than MDD: treat the cause and reassess.
- W2 (a01 dysthymia, a11 mixed anxiety-depression, a07 substance-induced): the TMS diagnosis
  criterion said "Not met" while the optimise card offered the MDD adjuncts one click and named
  esketamine, and "Refer for TMS" was recommended. Now the adjuncts are text, esketamine is not
  named, and there is no TMS card. F32.A ("To confirm") keeps the pathway (pathway.not_mdd_diagnosis
  says why).
- W7: persistent depressive disorder is chronic by definition; a severity coded for this episode
  (F33.2 "severe") is the clinician's rating the Maudsley method scores, said as such.
- Minors: a07's summary "..., to confirm: augment" named nothing and its To-confirm line repeated
  the F19.94 display per drug; d02's previous-episode note was said twice in one line; PMDD's
  not-MDD card was a warning where the others are information.

Charts: the review's CDS Hooks requests in tests/services/review16_charts/.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services.pathway import derive_facts
from services.policy import Policy
from services.staging import maudsley_stage
from tests.services import chart_files
from tests.services.helpers import labels, line_with
from tests.services.item9_answers import answered

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
_load = chart_files.loader(Path(__file__).parent / "review16_charts")
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
REVIEW = "diagnosis-review"
Doc = dict[str, Any]


def _by_topic(name: str) -> dict[str, Doc]:
    doc = answered(_load(name))
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    cards: list[Doc] = result.response.to_json()["cards"]
    return {c["source"]["topic"]["code"]: c for c in cards}


# --- W1 ---------------------------------------------------------------------------------------


def test_depression_due_to_hypothyroidism_is_named_not_sent_to_be_recoded() -> None:
    cards = _by_topic("a04_depression_due_to_hypothyroidism_f0632")
    optimise = cards[OPTIMISE]
    assert "text only" not in optimise["detail"]
    assert "F32.x/F33.x" not in optimise["detail"]
    line = line_with(optimise, "Diagnosis on record is not major depression")
    assert "(ICD-10-CM F06.32, since 2024-10-21)" in line
    assert "due to a medical condition, not major depression: treat the cause and reassess" in line
    assert TMS not in cards


# --- W2 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("a01_pdd_f341_alone_two_failed", "persistent depressive disorder (dysthymia)"),
        ("a11_mixed_anxiety_depressive_f418", "a depressive disorder other than major depression"),
        ("a07_substance_induced_f1994", "a substance-induced mood disorder"),
        ("a04_depression_due_to_hypothyroidism_f0632", "due to a medical condition"),
    ],
)
def test_not_mdd_diagnosis_gets_no_mdd_step_one_click(name: str, named: str) -> None:
    cards = _by_topic(name)
    optimise = cards[OPTIMISE]
    assert not [label for label in labels(optimise) if label.startswith("Propose adjunctive")]
    # Audit 17 M10: what is held and why, once (was "augment (adjuncts held: diagnosis not
    # MDD) or switch class", which proposed and withdrew the step in one line).
    assert "adjuncts held" in optimise["summary"]
    assert "augment (" not in optimise["summary"]
    first = optimise["detail"].split("\n")[0]
    assert first.startswith("**Diagnosis on record is not major depression:**")
    assert named in first
    assert "not one click until then: Propose adjunctive aripiprazole" in first
    # Esketamine is labelled for MDD: not named among the options; ECT stays.
    beyond = line_with(optimise, "**Beyond medication**")
    assert "esketamine" not in beyond and "ECT" in beyond
    # No TMS card recommending a referral beside "Not met" (LCD L37086: MDD).
    assert TMS not in cards
    assert "no depression diagnosis" not in optimise["detail"]


def test_depression_unspecified_keeps_the_pathway_to_confirm() -> None:
    # F32.A: "to confirm", not "not met" (pathway.not_mdd_diagnosis): the one-clicks and the
    # recommended referral stay, with the TMS card's To-confirm line.
    cards = _by_topic("a10_depression_unspecified_f32a")
    assert any(label.startswith("Propose adjunctive") for label in labels(cards[OPTIMISE]))
    assert "esketamine" in cards[OPTIMISE]["detail"]
    refer = cards[TMS]["suggestions"][0]
    assert refer["label"] == "Refer for TMS evaluation" and refer["isRecommended"] is True


def test_double_depression_keeps_the_pathway() -> None:
    # F34.1 beside F33.2: the MDD code stands.
    cards = _by_topic("a02_double_depression_f341_f332")
    assert any(label.startswith("Propose adjunctive") for label in labels(cards[OPTIMISE]))
    assert "Diagnosis on record is not major depression" not in cards[OPTIMISE]["detail"]
    assert TMS in cards


# --- W7 ---------------------------------------------------------------------------------------


def test_persistent_depressive_disorder_is_staged_chronic() -> None:
    stage = line_with(_by_topic("a01_pdd_f341_alone_two_failed")[OPTIMISE], "**Maudsley staging**")
    assert (
        "Duration 3 (chronic; ICD-10-CM F34.1 persistent depressive disorder: >= 2 years by "
        "definition, DSM-5)"
    ) in stage


def test_severity_coded_for_this_episode_is_scored_and_named() -> None:
    # F33.2 coded at an admission 14 days before the PHQ-9 of 18: the same measurement interval
    # (Policy.mbc_interval_days), so the clinician's rating grades it (the safer, higher stage).
    # An older code is named instead (tests/services/test_minors20.py, review 19 b01).
    # Read on the optimise card: the discharge nobody assessed since holds TMS (review s26 RK2
    # finding 2), so no TMS card speaks here.
    stage = line_with(
        _by_topic("e03_inpatient_admission_last_month")[OPTIMISE], "**Maudsley staging**"
    )
    assert "Severity 4 (severe without psychosis; coded F33.2);" in stage


def test_the_coded_severity_is_the_stage_basis_in_full() -> None:
    doc = _load("e03_inpatient_admission_last_month")
    policy = Policy()
    record = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=policy).evaluation.record
    severity = maudsley_stage(record, derive_facts(record, policy)).severity
    assert (severity.points, severity.category) == (4, "severe without psychosis")
    assert severity.basis == (
        "coded ICD-10-CM F33.2 on 2025-04-28, a clinician's rating; PHQ-9 18 on 2025-05-12 reads "
        "moderate"
    )


def test_a_phq9_band_stands_when_no_severity_is_coded_above_it() -> None:
    # a10: F32.A carries no severity: the PHQ-9 band is scored, as before.
    stage = line_with(_by_topic("a10_depression_unspecified_f32a")[TMS], "**Maudsley staging**")
    assert "Severity 3 (moderate);" in stage


# --- Minors -----------------------------------------------------------------------------------


def test_to_confirm_names_its_subject_and_the_diagnosis_once() -> None:
    optimise = _by_topic("a07_substance_induced_f1994")[OPTIMISE]
    assert optimise["summary"].startswith(
        "2 adequate trials failed (sertraline, venlafaxine), both to confirm:"
    )
    line = line_with(optimise, "**To confirm:**")
    assert line.startswith("**To confirm:** sertraline, venlafaxine: ordered for Other ")
    assert line.count("F19.94") == 1
    assert "confirm each was a trial for the depression" in line


def test_previous_episode_note_said_once() -> None:
    tms = _by_topic("d02_cerner_statement_derived_from_order")[TMS]
    line = line_with(tms, "Medication trials")
    assert line.count("may be a previous episode") == 1
    assert line.count("to confirm:") == 1


def test_pmdd_not_mdd_card_is_information_like_the_others() -> None:
    review = _by_topic("a05_pmdd_only_f3281")[REVIEW]
    assert review["indicator"] == "info"
    assert _by_topic("a03_adjustment_disorder_f4321")[REVIEW]["indicator"] == "info"
