"""Recheck K18 s29 (fix k18a): four findings of the second wave's recheck.

1. UNSAFE: nortriptyline 75 mg/day running with a level of 600 ng/mL (or "> 500 ng/mL") on
   2026-11-25 got a critical card on chart open, but a draft raising it to 150 mg/day got NO card
   at order-sign: now order-drug-level-high (order_checks/tca_level_draft.py), critical for a raise
   at or above the toxic line, a warning for a raise above the range only or a same-dose re-order
   on a toxic level; a lower dose, or a level within the range, says nothing. (Lithium already had
   its order check: order_checks/lithium.py.)
2. WRONG: a beta-hCG was read as a pregnancy test whatever the sex or age: past
   policy.pregnancy_possible_max_age (55) it is no pregnancy question; on a chart recorded male a
   quantitative hCG is named by its value and asked ("hCG 150 mIU/mL on 2026-11-25 (in men a
   tumour marker; pregnancy only if the patient can be pregnant)"), never "positive pregnancy test"
   (services/pregnancy_now.py); a woman of 28 keeps the lithium-in-pregnancy card.
3. MINOR: the packet's outcome cell wrote a liothyronine dose below its minimum in mg ("0.005
   mg/day ... below the minimum adequate 0.025 mg/day"): now in µg, as its dose cell.
4. MINOR: on-unit MAR reasons with no hold word ("At risk for elopement", "Returned from AWOL")
   read held: an on-unit phrase holds only with a staff hold word beside it; alone the dose reads
   missed (fhir_mapping/administration_reasons.py).

Charts: tests/services/k18a_charts/ (all 19 prefetch keys): K18's probes c10, c11, hcg1, hcg4,
hcg8, k1, k2, w0-w2 (scratch-K18) and variants.
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.adherence_record import DoseReading
from fhir_mapping.administration_reasons import reason_reading
from fhir_mapping.record import AdherenceStatus, InadequacyReason, Trial
from services.packet import render_packet
from services.policy import Policy
from services.trial_adherence_text import adherence_text
from tests.services import chart_files
from tests.services.helpers import Evaluator, of_topic

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "k18a_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_lb26 = chart_files.loader(Path(__file__).parent / "tca_lb26_charts")
_late = Evaluator(date(2026, 12, 1))
LEVEL = "order-drug-level-high"


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


# --- 1: a raise on a level above the range, at the order ------------------------------------------


@pytest.mark.parametrize(
    ("name", "indicator", "summary"),
    [
        (
            "l01_gt500_draft_raise_150",
            "critical",
            "Nortriptyline raised: latest level > 500 ng/mL on 2026-11-25 is above the 500 ng/mL "
            "toxic line: do not raise; hold or lower per level",
        ),
        (
            "l02_level600_draft_raise_150",
            "critical",
            "Nortriptyline raised: latest level 600 ng/mL on 2026-11-25 is above the 500 ng/mL "
            "toxic line: do not raise; hold or lower per level",
        ),
        (
            "l03_level200_draft_raise_150",
            "warning",
            "Nortriptyline raised: latest level 200 ng/mL on 2026-11-25 is above the 50-150 ng/mL "
            "range: do not raise; hold or lower per level",
        ),
        (
            "l04_level600_draft_same_75",
            "warning",
            "Nortriptyline re-ordered 75 mg/day: latest level 600 ng/mL on 2026-11-25 is above "
            "the 500 ng/mL toxic line: hold or lower per level",
        ),
    ],
)
def test_a_draft_on_a_high_level_is_carded(name: str, indicator: str, summary: str) -> None:
    (card,) = of_topic(_late.cards(_chart(name)), LEVEL)
    assert (card["indicator"], card["summary"]) == (indicator, summary)
    if "raised" in summary:
        assert "This order raises the running dose from 75 to 150 mg/day" in card["detail"]


@pytest.mark.parametrize(
    "name",
    [
        "l05_level600_draft_lower_50",  # the lower dose the level asks for
        "l06_level120_draft_raise_150",  # within 50-150 ng/mL
        "l07_level200_draft_same_75",  # same dose above the range: the chart-open card says it
    ],
)
def test_a_lower_dose_or_a_level_within_range_says_nothing(name: str) -> None:
    assert not of_topic(_late.cards(_chart(name)), LEVEL)


def test_the_older_adult_level_card_keeps_a_level_below_the_toxic_line() -> None:
    """At 70 the older-adult level-dose card already says "level 180 ng/mL, above 50-150 ng/mL:
    lower the dose": one card per finding."""
    doc = _lb26("nortriptyline50_to75_at70_level180_sign")
    cards = _late.cards(doc)
    assert not of_topic(cards, LEVEL)
    assert of_topic(cards, "order-older-adult-level-dose")


# --- 2: hCG by sex and age ------------------------------------------------------------------------

MARKER = (
    "hCG 150 mIU/mL on 2026-11-25 (in men a tumour marker; pregnancy only if the patient can be "
    "pregnant)"
)


def _pregnancy_words(name: str) -> list[str]:
    cards = _late.cards(_chart(name))
    return [
        c["summary"] + "\n" + c.get("detail", "")
        for c in cards
        if re.search("pregnan|hcg", c["summary"] + c.get("detail", ""), re.I)
    ]


def test_a_low_hcg_past_the_pregnancy_age_is_no_pregnancy() -> None:
    assert _pregnancy_words("h02_age57_bhcg7") == []


@pytest.mark.parametrize(
    ("name", "marker"),
    [
        # At or above the positive cut-off (25 mIU/mL) past the age it is asked by its value,
        # never dropped (review s29 K19b finding 2).
        ("h03_age62_bhcg30", "hCG 30 mIU/mL on 2026-11-25 (past the pregnancy age"),
        ("h05_male_age60_bhcg150", MARKER),
    ],
)
def test_a_higher_hcg_past_the_pregnancy_age_is_asked(name: str, marker: str) -> None:
    said = _pregnancy_words(name)
    assert said and all("positive pregnancy test" not in s for s in said)
    assert any(f"**{marker}" in s for s in said)


def test_a_male_hcg_is_named_by_its_value_and_asked() -> None:
    said = _pregnancy_words("h01_male_bhcg150")
    assert said and all("positive pregnancy test" not in s for s in said)
    assert any(
        f"**{MARKER}** (LOINC 21198-7): confirm whether the patient can be" in s for s in said
    )


def test_the_order_card_asks_of_a_male_hcg() -> None:
    cards = _late.cards(_chart("h06_male_bhcg150_paroxetine_sign"))
    assert not any("avoid starting it in pregnancy" in c["summary"] for c in cards)
    (card,) = [c for c in cards if "hCG" in c["summary"]]
    assert (card["indicator"], card["summary"]) == ("info", f"Paroxetine: {MARKER}: confirm")


def test_a_woman_of_28_keeps_the_pregnancy_card() -> None:
    cards = _late.cards(_chart("h04_control_female_bhcg5200"))
    assert any(
        c["summary"] == "Lithium running with positive pregnancy test on 2026-11-25 on record: "
        "review whether it should continue"
        for c in cards
    )


# --- 3: micrograms in the packet's outcome cell ---------------------------------------------------


def _packet_text(name: str) -> str:
    result = Evaluator(date(2025, 6, 2)).result(_chart(name), "patient-view")
    markup = render_packet(result.evaluation.record, Policy())
    markup = re.sub(r"<style.*?</style>", "", markup, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("k01_lio_5mcg", "5 µg/day for 10 weeks, below the minimum adequate 25 µg/day"),
        ("k02_lio_0_0125mg", "12.5 µg/day for 10 weeks, below the minimum adequate 25 µg/day"),
    ],
)
def test_a_microgram_dose_below_its_minimum_is_said_in_micrograms(name: str, said: str) -> None:
    text = " ".join(_packet_text(name).split())
    assert said in text
    assert "0.025 mg/day" not in text


# --- 4: an on-unit phrase holds only with a hold word ---------------------------------------------


def _trial(name: str) -> Trial:
    _, record = _late.cards_and_record(_chart(name))
    (trial,) = [t for t in record.trials if t.ingredient == "escitalopram"]
    return trial


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("w01_risk_no_hold_word", "At risk for elopement"),
        ("w02_returned_from_awol_no_hold", "Returned from AWOL"),
    ],
)
def test_an_on_unit_phrase_alone_reads_missed(name: str, words: str) -> None:
    trial = _trial(name)
    assert trial.adherence.status is AdherenceStatus.POOR
    assert InadequacyReason.POOR_ADHERENCE in trial.reasons
    assert f"not given on 16 ({words})" in adherence_text(trial)


def test_an_on_unit_phrase_with_a_hold_word_stays_held() -> None:
    trial = _trial("w03_control_risk_held_per_provider")
    assert trial.adherence.status is not AdherenceStatus.POOR
    assert "held on 16 (Patient at risk for elopement; held per provider)" in adherence_text(trial)


@pytest.mark.parametrize(
    ("words", "reading"),
    [
        ("Elopement risk", DoseReading.MISSED),
        ("AMA risk", DoseReading.MISSED),
        ("Pt on elopement precautions", DoseReading.MISSED),
        ("Held, pt on elopement precautions", DoseReading.HELD),
        ("Elopement risk - held for sedation", DoseReading.HELD),
        ("AMA risk - held", DoseReading.HELD),
    ],
)
def test_on_unit_words_need_a_hold_word(words: str, reading: DoseReading) -> None:
    assert reason_reading([{"text": words}]) is reading


@pytest.mark.parametrize("words", ["On AWOL precautions", "At risk for elopement", "AMA risk"])
def test_an_on_unit_phrase_alone_is_an_unnamed_reason(words: str) -> None:
    """Missed for a dose not given, held for a dose on hold (no reason named either way)."""
    for unnamed in (DoseReading.MISSED, DoseReading.HELD):
        assert reason_reading([{"text": words}], unnamed=unnamed) is unnamed
