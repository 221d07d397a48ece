"""Recheck K16 s29 (fix text30): words read the way the codes are.

1. UNSAFE (regression of k14fix): the bare `attempt_other` rows "to quit" / "to stop" blanked
   "Prior attempt to quit life", "Previous attempts to stop breathing", "Prior attempts to quit -
   hanging 2020", "Prior attempt to stop living", "Past attempt to quit everything": no
   suicide-risk card. A quitting verb is now an attempt at something else only with a habit or
   substance after it (data/self_harm_terms.csv roles `attempt_verb`, `attempt_habit`;
   self_harm_context.py); "past attempts to stop drinking" stays quiet.
2. UNSAFE: benzodiazepine withdrawal under a drug's name ("Klonopin withdrawal", "Ativan
   withdrawal", "Withdrawal from Xanax", "Benzodiazepine w/d", "Alprazolam withdrawal") offered
   bupropion plainly: now the contraindication, as "Benzo withdrawal" (data/sedative_names.csv;
   diagnosis_text.py).
3. WRONG: "History of alcohol withdrawal seizures" in text was a TMS item to screen while the
   screen line said no seizure history was recognised; the coded withdrawal seizure (SNOMED CT
   723926008) is held as a seizure: the words now are too (diagnosis_terms.csv epilepsy rows).
4. "Hx of alcohol withdrawal" barred bupropion while the same withdrawal coded and resolved does
   not: a withdrawal written as history is read as past, a caveat at most (diagnosis_text.
   said_as_past); "Alcohol withdrawal" stays a contraindication.
5. K16 findings 10 and 11: an order for the full C-SSRS (LOINC 93245-9) is the assessment
   ordered; an on-hold request is not (the one-click stays, as for a revoked one).

Charts: tests/services/text30_charts/ (K16's probes and variants of its d00 chart; all 19
prefetch keys). As-of: sh* 2026-12-01, wd/ws/hx* 2025-06-01, or* 2025-06-02.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.diagnosis_text import said_as_past, text_kinds
from fhir_mapping.record import FindingKind
from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "text30_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_AS_OF = {"sh": date(2026, 12, 1), "or": date(2025, 6, 2)}
CONTRAINDICATED = "bupropion not listed: contraindicated during abrupt discontinuation"
CAVEAT = "NDRI: bupropion (caveat: bupropion labels 4 and 5.3)"
_ACT = (
    "Self-harm or suicide attempt (diagnosis text only: confirm) at the ED visit on 2026-11-25: "
    "higher suicide risk, assess today"
)


def _cards(name: str) -> list[Doc]:
    cards: list[Doc] = Evaluator(_AS_OF.get(name[:2], date(2025, 6, 1))).cards(_chart(name))
    return cards


def _by_topic(name: str) -> dict[str, Doc]:
    found: dict[str, Doc] = Evaluator(_AS_OF.get(name[:2], date(2025, 6, 1))).by_topic(_chart(name))
    return found


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


@pytest.mark.parametrize(
    ("name", "critical"),
    [
        ("sh01_prior_attempt_to_quit_life", True),
        ("sh02_previous_attempts_to_stop_breathing", True),
        ("sh04_prior_attempt_to_stop_living", True),
        ("sh05_past_attempt_to_quit_everything", True),
        ("sh06_past_attempts_to_stop_drinking", False),
        ("sh07_previous_attempt_to_cut_down_on_drinking", False),
    ],
)
def test_a_quitting_verb_needs_a_habit_to_be_no_attempt(name: str, critical: bool) -> None:
    card = _by_topic(name).get("suicide-risk")
    if critical:
        assert card is not None and (card["indicator"], card["summary"]) == ("critical", _ACT)
    else:
        assert card is None


def test_a_dated_hanging_attempt_is_read_and_dated_by_its_year() -> None:
    # "Prior attempts to quit - hanging 2020": an attempt (no habit follows the verb), and, since
    # fix hist37 (recheck K27a s31 finding 3), dated by the year its words give, not the ED visit
    # of 2026-11-25: a past attempt; since fix hist38 (lead's decision) stated at a recent visit
    # it is the past warning, worded by its year, never dated by the visit.
    name = "sh03_prior_attempts_to_quit_hanging"
    cards, record = Evaluator(_AS_OF["sh"]).by_topic_and_record(_chart(name))
    harm = record.context.of(FindingKind.SELF_HARM)
    assert [f.onset for f in harm] == [date(2020, 12, 31)]
    card = cards["suicide-risk"]
    assert card["indicator"] == "warning"
    assert "past suicide attempt (2020): ask about current thoughts" in str(card["summary"])


@pytest.mark.parametrize(
    "name",
    [
        "wd00_control_benzo_withdrawal",
        "wd01_klonopin_withdrawal",
        "wd02_ativan_withdrawal",
        "wd03_withdrawal_from_xanax",
        "wd04_benzodiazepine_w_d",
        "wd05_alprazolam_withdrawal",
    ],
)
def test_a_named_sedatives_withdrawal_contraindicates_bupropion(name: str) -> None:
    cards = _by_topic(name)
    assert CONTRAINDICATED in json.dumps(cards["optimize-switch-augment"])
    assert "safety screen first" in cards["tms-referral"]["summary"]


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Klonopin withdrawal", True),
        ("Withdrawal from lorazepam", True),
        ("Ambien w/d", True),
        ("no ativan withdrawal", False),
        ("Opioid w/d", False),
        ("Nicotine withdrawal", False),
        ("withdrawal from work", False),
    ],
)
def test_sedative_names_are_read_only_with_withdrawal(text: str, read: bool) -> None:
    assert (FindingKind.ALCOHOL_SEDATIVE_WITHDRAWAL in text_kinds(text)) is read


@pytest.mark.parametrize(
    "name", ["ws01_history_of_alcohol_withdrawal_seizures", "ws02_alcohol_withdrawal_seizure"]
)
def test_a_withdrawal_seizure_in_words_is_a_seizure_as_coded(name: str) -> None:
    text = json.dumps(_cards(name))
    assert "No epilepsy/seizure disorder" not in text
    assert "Why no TMS referral" in text
    coded = json.dumps(_cards("ws03_coded_723926008"))
    assert "Why no TMS referral" in coded and "No epilepsy/seizure disorder" not in coded


@pytest.mark.parametrize(
    ("name", "contraindicated"),
    [
        ("hx01_hx_of_alcohol_withdrawal", False),
        ("hx02_history_of_alcohol_withdrawal", False),
        ("hx05_past_history_benzo_withdrawal", False),
        ("hx03_alcohol_withdrawal", True),
    ],
)
def test_withdrawal_as_history_is_past(name: str, contraindicated: bool) -> None:
    cards = _by_topic(name)
    text = json.dumps(cards["optimize-switch-augment"])
    assert (CONTRAINDICATED in text) is contraindicated
    assert ("safety screen first" in cards["tms-referral"]["summary"]) is contraindicated
    if name.startswith(("hx01", "hx02")):
        assert CAVEAT in text  # the alcohol use stays: ask about drinking


@pytest.mark.parametrize(
    ("text", "past"),
    [
        ("Hx of alcohol withdrawal", True),
        ("H/O DTs", True),
        ("Alcohol withdrawal", False),
        ("History of alcohol use disorder, currently in alcohol withdrawal", False),
        ("hx of etoh w/d, now alcohol withdrawal", False),
    ],
)
def test_said_as_past(text: str, past: bool) -> None:
    assert said_as_past(text, FindingKind.ALCOHOL_SEDATIVE_WITHDRAWAL) is past


@pytest.mark.parametrize(
    ("name", "ordered"),
    [
        ("or00_control", True),  # C-SSRS screener 93373-9, active
        ("or01_cssrs_full_93245", True),  # the full C-SSRS, active
        ("or02_on_hold", False),  # the screener, on-hold
        ("or03_revoked", False),
    ],
)
def test_an_ordered_assessment(name: str, ordered: bool) -> None:
    card = _by_topic(name)["suicide-risk"]
    assert card["indicator"] == "critical"
    assert ("assessment already ordered 2025-06-02" in card["summary"]) is ordered
    assert bool(card.get("suggestions")) is not ordered
