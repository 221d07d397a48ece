"""Review s22 RX findings 1, 3, 5, 6: diagnosis words in the text of a coded problem entry, a
trailing "ruled out", and what counts as sleep-apnea treatment.

- Finding 1 (unsafe): F33.1 with Epic text "MDD recurrent moderate; r/o bipolar II (hypomanic
  episodes 2019?)" raised no bipolar caution at patient-view (TMS and an adjunct offered) nor at
  order-sign (bupropion): the text was read only when no code matched. Now the words of the kinds
  that gate treatment are read on a coded entry of another kind too, said as what the text says.
- Finding 6: text "Bipolar disorder ruled out 2024" was read as bipolar disorder. A trailing
  "ruled out" negates; "r/o" and a doubtful "ruled out?" are still read as the finding.
- Finding 3: "CPAP intolerant, stopped using mask" on the G47.33 entry lost to a CPAP Device; a
  lone CPAP titration of 2019 counted as current treatment.
- Finding 5: the `devices` key not sent gave "untreated sleep apnea".

Charts: tests/services/problem_text_apnea_charts/ (from the review's charts: US Core / Epic shaped
requests, every prefetch key but where one is dropped on purpose).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
DIAGNOSIS = "diagnosis-review"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
BIPOLAR_ORDER = "order-bipolar-no-mood-stabiliser"

_chart = chart_files.loader(Path(__file__).parent / "problem_text_apnea_charts")
_at = Evaluator(date(2026, 12, 1))
_by_topic = _at.by_topic


def _with_text(doc: Doc, code: str, text: str) -> Doc:
    """The chart with the text of its Condition coded `code` replaced by `text`."""
    for entry in doc["prefetch"]["conditions"]["entry"]:
        concept = entry["resource"]["code"]
        if any(c.get("code") == code for c in concept.get("coding", [])):
            concept["text"] = text
            return doc
    raise AssertionError(f"no Condition coded {code}")


def _with_note(doc: Doc, code: str, note: str) -> Doc:
    for entry in doc["prefetch"]["conditions"]["entry"]:
        resource = entry["resource"]
        if any(c.get("code") == code for c in resource["code"].get("coding", [])):
            resource["note"] = [{"text": note}]
            return doc
    raise AssertionError(f"no Condition coded {code}")


# --- finding 1: bipolar words in the text of a coded depression entry --------------------------


def test_ro_bipolar_in_a_coded_mdd_entry_blocks_the_unipolar_pathway() -> None:
    cards = _by_topic(_chart("mdd_f331_text_ro_bipolar_ii"))
    review = cards[DIAGNOSIS]
    assert review["summary"] == (
        "Confirm the diagnosis before escalating: problem text mentions possible bipolar "
        "disorder, duloxetine without a mood stabiliser"
    )
    # Said as what the text says, never as a bipolar diagnosis on record.
    assert review["detail"].startswith(
        "- **Problem text mentions possible bipolar disorder:** MDD recurrent moderate; r/o "
        # Dated by the visit entry's recordedDate alone: "recorded" (s25 RT finding 5).
        "bipolar II (hypomanic episodes 2019?) (typed in, recorded 2026-11-02). Until psychiatry "
        "confirms or refutes it, the unipolar TRD pathway does not apply"
    )
    assert "Bipolar disorder on record" not in review["detail"]
    # No TMS and no adjunct proposed beside it.
    assert TMS not in cards and OPTIMISE not in cards


def test_ro_bipolar_in_a_coded_mdd_entry_is_checked_at_order_sign() -> None:
    card = _by_topic(_chart("sign_bupropion_mdd_f331_text_ro_bipolar_ii"))[BIPOLAR_ORDER]
    assert card["summary"] == (
        "Bupropion ordered with possible bipolar disorder (problem text) on record and no mood "
        "stabiliser: risk of a switch to mania"
    )
    assert card["detail"].startswith(
        "Problem text mentions possible bipolar disorder: MDD recurrent moderate; r/o bipolar II"
    )


@pytest.mark.parametrize(
    "text",
    [
        "MDD recurrent moderate; no history of mania or bipolar disorder",
        "MDD recurrent moderate; bipolar disorder ruled out 2024",
        "MDD recurrent moderate; family history of bipolar disorder",
    ],
)
def test_negated_bipolar_words_in_a_coded_entry_are_not_read(text: str) -> None:
    doc = _with_text(_chart("mdd_f331_text_ro_bipolar_ii"), "F33.1", text)
    cards = _by_topic(doc)
    assert DIAGNOSIS not in cards
    assert "aripiprazole or brexpiprazole" in cards[OPTIMISE]["summary"]


def test_seizure_words_in_a_coded_entry_gate_bupropion() -> None:
    doc = _with_text(
        _chart("sign_bupropion_mdd_f331_text_ro_bipolar_ii"),
        "F33.1",
        "MDD recurrent moderate; seizure disorder since childhood",
    )
    cards = _by_topic(doc)
    assert BIPOLAR_ORDER not in cards
    assert any("seizure" in c["summary"].lower() for c in cards.values()), cards.keys()


# --- finding 6: a trailing "ruled out" ----------------------------------------------------------


def test_bipolar_disorder_ruled_out_is_not_bipolar_disorder() -> None:
    cards = _by_topic(_chart("text_bipolar_ruled_out_2024"))
    assert DIAGNOSIS not in cards
    assert "aripiprazole or brexpiprazole" in cards[OPTIMISE]["summary"]
    assert TMS in cards


@pytest.mark.parametrize(
    "text", ["R/o bipolar disorder", "Bipolar disorder ruled out?", "Bipolar disorder ruled out by"]
)
def test_uncertain_wording_is_still_read_as_bipolar(text: str) -> None:
    doc = _chart("text_bipolar_ruled_out_2024")
    for entry in doc["prefetch"]["conditions"]["entry"]:
        if entry["resource"]["code"].get("coding") == []:  # the text-only entry
            entry["resource"]["code"]["text"] = text
            break
    else:
        raise AssertionError("no text-only Condition")
    cards = _by_topic(doc)
    assert cards[DIAGNOSIS]["summary"].startswith(
        "Confirm the diagnosis before escalating: bipolar disorder on record"
    )
    assert TMS not in cards


# --- finding 3: what counts as sleep-apnea treatment --------------------------------------------


def test_cpap_intolerant_on_the_apnea_entry_wins_over_a_cpap_device() -> None:
    cards = _by_topic(_chart("osa_cpap_device_note_intolerant"))
    review = cards[DIAGNOSIS]
    assert review["summary"] == "Confirm the diagnosis before escalating: untreated sleep apnea"
    assert (
        "**Sleep apnea, treatment not in use:** Obstructive sleep apnea (adult) (pediatric) "
        '(ICD-10-CM G47.33, since 2026-03-02); the entry says "CPAP intolerant, stopped using '
        'mask 2026-06; declined oral appliance", while CPAP is on record (Device: Home continuous '
        "positive airway pressure unit (physical object)), which does not show use."
    ) in review["detail"]
    assert cards[OPTIMISE]["summary"].endswith(
        ": review untreated sleep apnea first, then augment or switch class"
    )


def test_a_cpap_device_still_treats_and_a_plan_word_does_not_override_it() -> None:
    assert DIAGNOSIS not in _by_topic(_chart("osa_cpap_device"))
    # "CPAP recommended" is a plan; the Device on record is likelier the plan carried out.
    doc = _with_note(_chart("osa_cpap_device"), "G47.33", "CPAP recommended after PSG")
    assert DIAGNOSIS not in _by_topic(doc)


def test_a_lone_cpap_titration_of_2019_is_asked_about_not_read_as_treatment() -> None:
    cards = _by_topic(_chart("osa_cpap_titration_2019_only"))
    review = cards[DIAGNOSIS]
    assert review["indicator"] == "info"
    assert review["summary"] == (
        "Review sleep apnea alongside escalation: CPAP on record 2019-02-11, check it is used"
    )
    assert (
        "Continuous positive airway pressure titration (procedure) on 2019-02-11, none in the "
        "last 365 days: check it is used."
    ) in review["detail"]
    # Alongside: the adjuncts stay one click.
    assert "aripiprazole or brexpiprazole" in cards[OPTIMISE]["summary"]
    # Within the clinic's window it is treatment (policy.cpap_current_days).
    wide = _by_topic(_chart("osa_cpap_titration_2019_only"), policy=Policy(cpap_current_days=3000))
    assert DIAGNOSIS not in wide


# --- finding 5: the device list not sent ---------------------------------------------------------


def test_devices_not_sent_is_cpap_not_known_not_untreated() -> None:
    cards = _by_topic(_chart("osa_devices_key_omitted"))
    review = cards[DIAGNOSIS]
    assert review["summary"] == (
        "Review sleep apnea alongside escalation: CPAP not known (device list not available), "
        "check it is used"
    )
    assert "untreated" not in review["detail"]
    assert "aripiprazole or brexpiprazole" in cards[OPTIMISE]["summary"]
    # The same chart with its devices read (none): untreated, held.
    untreated = _by_topic(_chart("osa_untreated"))
    assert untreated[DIAGNOSIS]["summary"] == (
        "Confirm the diagnosis before escalating: untreated sleep apnea"
    )
