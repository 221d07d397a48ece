"""Fix FDX4 (session 28, branch dx30): coded sedative withdrawal, withdrawal words, "Off unit for
procedure".

1. SNOMED CT benzodiazepine / sedative / barbiturate / alcohol withdrawal codes had only their
   substance-use rows: coded benzodiazepine withdrawal (w07, 703849002) got the bupropion caveat
   ("NDRI: bupropion (caveat ...)") while the words "Benzodiazepine withdrawal" and ICD-10-CM
   F13.x3 got the contraindication ("bupropion not listed"). Now alcohol-sedative-withdrawal rows
   of data/condition_codes.csv (VSAC Alcohol and Drug Dependence, the project's extract).
2. "EtOH withdrawal", "withdrawal from alcohol" in words read nothing; now as "Alcohol
   withdrawal" ("alcohol withdrawal seizure" is a seizure since recheck K16 s29 finding 3).
3. "Off unit for procedure" on the MAR read missed (an away word wins over a clinical hold); a
   procedure, test, dialysis or surgery word beside the away word is a clinical hold: held.

Charts (every prefetch key): dx30_charts/w07 (K11's, as of 2025-06-01), dx29_charts/w13 and
ward_mar_words_charts/b05 (K9's, as of 2026-12-01), their codes or words changed in the test.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.record import AdherenceStatus, InadequacyReason, Trial
from services.trial_adherence_text import adherence_text
from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

HERE = Path(__file__).parent
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
SAID = "given on 5 of 5 days (100 %); "
_at = Evaluator(date(2025, 6, 1))


def _chart(folder: str, name: str) -> Doc:
    return chart_files.loader(HERE / folder)(name)


def test_the_chart_is_as_an_ehr_sends_it() -> None:
    chart_files.check_chart(_chart("dx30_charts", "w07_sct_benzo_withdrawal"))


def _last_condition(doc: Doc) -> Doc:
    resource: Doc = doc["prefetch"]["conditions"]["entry"][-1]["resource"]
    return resource


def _with_code(code: str, display: str) -> Doc:
    doc = copy.deepcopy(_chart("dx30_charts", "w07_sct_benzo_withdrawal"))
    _last_condition(doc)["code"] = {
        "coding": [{"system": "http://snomed.info/sct", "code": code, "display": display}]
    }
    return doc


def _with_words(words: str) -> Doc:
    doc = copy.deepcopy(_chart("dx29_charts", "w13_text_only_alcohol_withdrawal"))
    _last_condition(doc)["code"] = {"text": words}
    return doc


def _contraindicated(doc: Doc, words: str) -> None:
    cards = by_topic(_at.cards(doc))
    assert "bupropion not listed: contraindicated" in cards[OPTIMISE]["detail"]
    assert "NDRI: bupropion (caveat" not in cards[OPTIMISE]["detail"]
    assert f"safety screen first: {words}" in cards[TMS]["summary"]


@pytest.mark.parametrize(
    ("code", "display"),
    [
        ("703849002", "Benzodiazepine withdrawal"),
        ("703850002", "Benzodiazepine withdrawal delirium"),
        ("724662001", "Sedative withdrawal without complication"),
        ("23601000119102", "Sedative withdrawal"),
        ("425339005", "Barbiturate withdrawal"),
        ("85561006", "Uncomplicated alcohol withdrawal"),
    ],
)
def test_coded_sedative_or_alcohol_withdrawal_contraindicates_bupropion(
    code: str, display: str
) -> None:
    _contraindicated(_with_code(code, display), display)


def test_other_coded_withdrawal_keeps_the_caveat() -> None:
    # Cannabis withdrawal (703848005) is substance use, not a bupropion contraindication.
    cards = by_topic(_at.cards(_with_code("703848005", "Cannabis withdrawal")))
    assert "bupropion not listed" not in cards[OPTIMISE]["detail"]


@pytest.mark.parametrize("words", ["EtOH withdrawal", "ETOH withdrawal", "Withdrawal from alcohol"])
def test_alcohol_withdrawal_in_other_words_is_read(words: str) -> None:
    _contraindicated(_with_words(words), words)


def test_an_alcohol_withdrawal_seizure_in_words_is_a_seizure() -> None:
    # As SNOMED CT 723926008 is (an epilepsy row named "a withdrawal seizure"): bupropion not
    # listed, and no TMS referral card listing it to screen beside "No epilepsy/seizure disorder
    # ... recognised" (recheck K16 s29 finding 3; tests/services/test_text30.py).
    cards = by_topic(_at.cards(_with_words("Alcohol withdrawal seizure")))
    assert "bupropion not listed: contraindicated" in cards[OPTIMISE]["detail"]
    assert "Why no TMS referral" in cards[OPTIMISE]["detail"]
    assert TMS not in cards


def test_negated_etoh_withdrawal_reads_nothing() -> None:
    cards = by_topic(_at.cards(_with_words("No EtOH withdrawal")))
    assert "bupropion not listed" not in cards[OPTIMISE]["detail"]
    assert "safety screen first" not in cards[TMS]["summary"]


# --- 3: away for a procedure --------------------------------------------------------------------


def _mar_trial(reason: str) -> Trial:
    doc = copy.deepcopy(_chart("ward_mar_words_charts", "b05_onhold_off_unit"))
    for entry in doc["prefetch"]["medicationAdministrations"]["entry"]:
        if entry["resource"].get("statusReason"):
            entry["resource"]["statusReason"] = [{"text": reason}]
    _, record = Evaluator(date(2026, 12, 1)).cards_and_record(doc)
    (trial,) = [t for t in record.trials if t.ingredient == "escitalopram"]
    return trial


@pytest.mark.parametrize(
    "reason",
    [
        "Off unit for procedure",
        "Off unit - dialysis",
        "Off floor for testing",
        "Pt off unit, surgery",
    ],
)
def test_away_for_a_clinical_errand_is_held(reason: str) -> None:
    trial = _mar_trial(reason)
    assert trial.adherence.status is not AdherenceStatus.POOR
    assert InadequacyReason.POOR_ADHERENCE not in trial.reasons
    assert f"{SAID}held on 16 ({reason}), not counted" in adherence_text(trial)


@pytest.mark.parametrize(
    "reason", ["Off unit", "Off unit - court", "Refused; off unit for procedure"]
)
def test_away_alone_or_a_refusal_stays_missed(reason: str) -> None:
    trial = _mar_trial(reason)
    assert trial.adherence.status is AdherenceStatus.POOR
    assert f"not given on 16 ({reason})" in adherence_text(trial)
