"""Review RM s29 (fix wd31): a withdrawal typed after its substance, and a wish to leave AMA.

1. WRONG: alcohol withdrawal typed with "withdrawal" apart from "alcohol" was read as alcohol
   use only: "Alcohol use disorder, in withdrawal" (text30 hx04) and the F10.230 display
   "Alcohol dependence with withdrawal, uncomplicated" typed without its code offered bupropion
   plainly and listed nothing to screen on the TMS card, while the coded F10.230 gives "safety
   screen first" and "bupropion not listed: contraindicated". A withdrawal after the use,
   dependence or abuse of alcohol or a sedative, in its clause or the next, now reads as that
   withdrawal, every ICD-10-CM F10.x3x / F13.x3x display as its code; the substance named nearest
   before it decides, so an opioid's withdrawal stays out ("Opioid use disorder, in withdrawal"),
   and a negated or past one is not current. "Alcohol and opioid dependence with withdrawal"
   (wd06): alcohol joined to the opioid, now read as alcohol withdrawal (recheck K19a s29 w02,
   fix k19a2: the safer reading for bupropion).
2. "Pt wants to leave AMA, held per MD" read missed: the "pt wants" refusal row won. A wish to
   leave is no refusal of the dose: held, as "Pt threatening to leave AMA - held for sedation".

Charts: tests/services/wd31_charts/ (all 19 prefetch keys): wd* variants of review RM's v4 probe
(the F10.230 problem, as of 2025-06-01), wd09 its coded v3; ma* variants of k17fix e04 (as of
2026-12-01).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.adherence_record import DoseReading
from fhir_mapping.administration_reasons import reason_reading
from fhir_mapping.diagnosis_text import said_as_not_current, text_kinds
from fhir_mapping.record import AdherenceStatus, FindingKind, InadequacyReason
from services.trial_adherence_text import adherence_text
from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "wd31_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_text30 = chart_files.loader(Path(__file__).parent / "text30_charts")
_early = Evaluator(date(2025, 6, 1))
CONTRAINDICATED = "bupropion not listed: contraindicated during abrupt discontinuation"
WITHDRAWAL = {FindingKind.SUBSTANCE_USE, FindingKind.ALCOHOL_SEDATIVE_WITHDRAWAL}


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


# --- 1: a withdrawal governed by the substance named before it ----------------------------------


def _bars_bupropion(cards: dict[str, Doc]) -> bool:
    contraindicated = CONTRAINDICATED in json.dumps(cards["optimize-switch-augment"])
    screen = "safety screen first" in cards["tms-referral"]["summary"]
    assert contraindicated is screen  # the two cards say the same
    return contraindicated


def test_the_typed_f10230_display_reads_as_the_coded_one() -> None:
    typed = _early.by_topic(_chart("wd00_f10230_display_typed"))
    coded = _early.by_topic(_chart("wd09_f10230_coded"))
    assert _bars_bupropion(typed) and _bars_bupropion(coded)
    assert typed["tms-referral"]["summary"] == coded["tms-referral"]["summary"]


@pytest.mark.parametrize(
    ("name", "barred"),
    [
        ("wd01_f10939_display_typed", True),
        ("wd02_f13231_display_typed", True),
        ("wd03_f10232_comma_wording_typed", True),
        ("wd04_aud_severe_in_withdrawal", True),
        ("wd05_control_opioid_use_disorder_in_withdrawal", False),
        ("wd06_control_opioid_named_nearer", True),  # joined: alcohol's too (k19a2)
        ("wd07_control_aud_not_in_withdrawal", False),
        ("wd08_hx_of_alcohol_dependence_with_withdrawal", False),
    ],
)
def test_a_withdrawal_after_its_substance(name: str, barred: bool) -> None:
    assert _bars_bupropion(_early.by_topic(_chart(name))) is barred


def test_alcohol_use_disorder_in_withdrawal_is_the_contraindication() -> None:
    assert _bars_bupropion(_early.by_topic(_text30("hx04_in_withdrawal_alcohol")))


_F13 = "Sedative, hypnotic or anxiolytic"
# ICD-10-CM F10.x3x and F13.x3x titles (x = 1 abuse, 2 dependence, 9 use, unspecified; the 4th
# character 0 uncomplicated, 1 delirium, 2 perceptual disturbance, 9 unspecified), and the
# comma some lists print before "with perceptual disturbance".
_DISPLAYS = [
    f"{substance} {use} with withdrawal{tail}"
    for substance in ("Alcohol", _F13)
    for use in ("abuse", "dependence", "use, unspecified")
    for tail in (
        ", uncomplicated",
        " delirium",
        " with perceptual disturbance",
        ", with perceptual disturbance",
        ", unspecified",
    )
]


@pytest.mark.parametrize("display", _DISPLAYS)
def test_every_f10_f13_withdrawal_display_reads_as_its_code(display: str) -> None:
    assert set(text_kinds(display)) >= WITHDRAWAL
    assert not said_as_not_current(display, FindingKind.ALCOHOL_SEDATIVE_WITHDRAWAL)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Alcohol use disorder, in withdrawal", True),
        ("Alcohol use disorder, mild, with withdrawal", True),
        ("Benzodiazepine use disorder, in withdrawal", True),
        ("Anxiolytic dependence with withdrawal", True),
        ("Opioid dependence with withdrawal", False),
        ("Cannabis use disorder, in withdrawal", False),
        ("Alcohol use disorder; opioid use disorder, in withdrawal", False),
        ("Alcohol use disorder, in opioid withdrawal", False),
        ("Alcohol dependence without withdrawal", False),
        ("Alcohol use disorder, no withdrawal", False),
        ("Alcohol use disorder, sober 5 years, father with withdrawal seizures", False),
    ],
)
def test_the_substance_named_nearest_decides(text: str, read: bool) -> None:
    assert (FindingKind.ALCOHOL_SEDATIVE_WITHDRAWAL in text_kinds(text)) is read


def test_a_negated_withdrawal_keeps_the_use_disorder() -> None:
    assert text_kinds("Alcohol use disorder, not in withdrawal") == (FindingKind.SUBSTANCE_USE,)


@pytest.mark.parametrize(
    "text",
    ["Hx of alcohol dependence with withdrawal", "Alcohol dependence with withdrawal - resolved"],
)
def test_a_past_governed_withdrawal_is_not_current(text: str) -> None:
    assert said_as_not_current(text, FindingKind.ALCOHOL_SEDATIVE_WITHDRAWAL)


# --- 2: a wish to leave is no refusal of the dose ----------------------------------------------


def _escitalopram(name: str) -> tuple[AdherenceStatus, tuple[InadequacyReason, ...], str]:
    _, record = Evaluator(date(2026, 12, 1)).cards_and_record(_chart(name))
    (trial,) = [t for t in record.trials if t.ingredient == "escitalopram"]
    return trial.adherence.status, tuple(trial.reasons), adherence_text(trial)


def test_a_wish_to_leave_ama_with_a_hold_is_held() -> None:
    status, reasons, text = _escitalopram("ma01_notdone_wants_to_leave_ama_held_per_md")
    assert status is not AdherenceStatus.POOR
    assert InadequacyReason.POOR_ADHERENCE not in reasons
    assert "held on 16 (Pt wants to leave AMA, held per MD)" in text


def test_a_refusal_beside_the_wish_stays_missed() -> None:
    status, _, text = _escitalopram("ma02_control_wants_to_leave_ama_refused")
    assert status is AdherenceStatus.POOR
    assert "not given on 16 (Pt wants to leave AMA; pt refused)" in text


@pytest.mark.parametrize(
    ("words", "reading"),
    [
        ("Pt wants to leave AMA, held per MD", DoseReading.HELD),
        ("Patient wants to leave against medical advice - held for sedation", DoseReading.HELD),
        ("Pt wanting to sign out AMA - held", DoseReading.HELD),
        ("Held - patient wants to discuss with MD", DoseReading.MISSED),
        ("Pt wants to leave AMA; pt wants to discuss with MD", DoseReading.MISSED),
        ("Pt wants to leave AMA; left AMA", DoseReading.MISSED),
        ("Pt signed out AMA", DoseReading.MISSED),
    ],
)
def test_the_wish_is_the_on_unit_phrases_own(words: str, reading: DoseReading) -> None:
    assert reason_reading([{"text": words}]) is reading
