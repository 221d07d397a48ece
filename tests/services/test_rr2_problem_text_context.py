"""Review s22 RR2 finding 1: problem text on a coded MDD entry (F33.1 with an edited display).

- "bipolar disorder ruled out by psychiatry 2019", "(bipolar excluded)" and "(mother has bipolar
  d/o)" were read as possible bipolar disorder: the optimise and TMS cards were withheld behind
  "Confirm the diagnosis before escalating: problem text mentions possible bipolar disorder" and
  a bupropion draft was flagged "risk of a switch to mania". Now a rule-out by someone on a date,
  "excluded" and a relative's diagnosis are not the patient's (fhir_mapping/data/
  text_negations.csv: NegEx post/trailing cues, ConText experiencer cues).
- "MDD recurrent; FHx epilepsy" gave a critical bupropion card and "Why no TMS referral:
  contraindication": a family history is no seizure disorder. Now nothing is held for it.
- The patient's own epilepsy named only in that text ("MDD recurrent; epilepsy (per
  neurology)") stays held for bupropion and TMS (the safer reading, as a single coded seizure
  is; fhir_mapping/condition_text.py says why), worded "problem text mentions epilepsy, not coded:
  confirm it", not as a seizure disorder on record.
- A doubt that looks like a rule-out ("bipolar not ruled out", "cannot be excluded") is still
  read as the finding (NegEx pseudo-triggers); on the old code "not ruled out" negated it.

Charts: tests/services/problem_text_context_charts/ (copies of the review's t1pv_*/t1sg_*:
Epic-shaped, every prefetch key). `pv_*`: patient-view; `sign_bupropion_*`: bupropion order-sign.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.text_negation import negated, normalise_text
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
_chart = chart_files.loader(Path(__file__).parent / "problem_text_context_charts")
_cards = Evaluator(date(2026, 12, 1)).cards

_NOT_PATIENTS = ["bipolar_ro_2019", "bipolar_excluded", "mother_bipolar", "fam_hx_epilepsy"]


def _with_text(doc: Doc, old: str, new: str) -> Doc:
    """The chart with the MDD entry's text `old` written as `new`."""
    text = json.dumps(doc)
    assert old in text
    changed: Doc = json.loads(text.replace(old, new))
    return changed


@pytest.mark.parametrize("name", _NOT_PATIENTS)
def test_not_the_patients_diagnosis_holds_nothing_at_patient_view(name: str) -> None:
    cards = _cards(_chart(f"pv_{name}"))
    topics = by_topic(cards)
    assert set(topics) == {OPTIMISE, TMS}, [c["summary"] for c in cards]
    optimise = topics[OPTIMISE]["summary"] + topics[OPTIMISE]["detail"]
    assert "bipolar" not in optimise.lower()
    assert "bupropion not listed" not in optimise
    assert "Why no TMS referral" not in optimise
    assert "NDRI: bupropion" in optimise
    assert "consider TMS referral" in topics[TMS]["summary"]


@pytest.mark.parametrize("name", _NOT_PATIENTS)
def test_not_the_patients_diagnosis_gives_no_bupropion_card(name: str) -> None:
    assert _cards(_chart(f"sign_bupropion_{name}")) == []


def test_own_epilepsy_in_problem_text_holds_bupropion_worded_as_a_mention() -> None:
    (card,) = _cards(_chart("sign_bupropion_epilepsy_text"))
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Bupropion: contraindicated in seizure disorders; problem text mentions epilepsy "
        '("MDD recurrent; epilepsy (per neurology)"): confirm it'
    )
    assert "on record" not in card["summary"]
    assert (
        "problem text mentions epilepsy, not coded: confirm it; held as a seizure disorder here "
        "(the safer reading)"
    ) in card["detail"]


def test_own_epilepsy_in_problem_text_holds_tms_worded_as_a_mention() -> None:
    cards = _cards(_chart("pv_epilepsy_text"))
    topics = by_topic(cards)
    assert TMS not in topics
    detail = topics[OPTIMISE]["detail"]
    assert (
        "bupropion not listed: contraindicated in seizure disorders; problem text mentions "
        'epilepsy ("MDD recurrent; epilepsy (per neurology)"): confirm it.'
    ) in detail
    assert re.search(
        r"\*\*Why no TMS referral:\*\* contraindication: MDD recurrent; epilepsy \(per neurology\) "
        r"\(2026-11-02\), problem text mentions epilepsy, not coded: confirm it; held as a "
        r"seizure disorder here \(the safer reading\)",
        detail,
    ), detail


@pytest.mark.parametrize(
    "text",
    [
        "MDD recurrent; bipolar disorder not ruled out",
        "MDD recurrent; bipolar disorder cannot be excluded",
        "MDD recurrent; bipolar disorder ruled out by psychiatry?",
    ],
)
def test_a_doubt_is_still_read_as_possible_bipolar(text: str) -> None:
    doc = _with_text(
        _chart("sign_bupropion_bipolar_excluded"), "MDD recurrent moderate (bipolar excluded)", text
    )
    (card,) = _cards(doc)
    assert card["summary"].startswith(
        "Bupropion ordered with possible bipolar disorder (problem text)"
    )


@pytest.mark.parametrize(
    ("text", "is_negated"),
    [
        ("bipolar disorder ruled out by psychiatry 2019", True),
        ("bipolar disorder ruled out by dr lee (2019)", True),
        ("(bipolar excluded)", True),
        ("bipolar was excluded", True),
        ("(mother has bipolar d/o)", True),
        ("fhx epilepsy", True),
        ("fam hx bipolar", True),
        ("family hx epilepsy", True),
        ("bipolar not ruled out", False),
        ("bipolar cannot be excluded", False),
        ("bipolar not excluded by psychiatry", False),
        ("bipolar disorder ruled out by psychiatry?", False),
        ("epilepsy (per neurology)", False),
    ],
)
def test_negation_cues(text: str, is_negated: bool) -> None:
    norm = normalise_text(text)
    match = re.search(r"bipolar|epilepsy", norm)
    assert match is not None
    assert negated(norm, match.start(), match.end()) is is_negated


@pytest.mark.parametrize(
    "text",
    ["bipolar disorder ruled out by psychiatry pending", "bipolar disorder ruled out by psych not"],
)
def test_a_wait_after_ruled_out_by_keeps_the_finding(text: str) -> None:
    norm = normalise_text(text)
    assert negated(norm, 0, len("bipolar disorder")) is False
