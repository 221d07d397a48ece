"""Review 15 recheck: the diagnosis-review holds, the as-needed card's score floor and the
mild-baseline rule.

- W-d (h03): G47.33 with text "OSA - on CPAP nightly, adherent" and no CPAP Procedure or Device
  was "untreated sleep apnea" and held the optimise card's adjuncts. The entry's own words (text
  or note) now read as treated; "not using CPAP" and the like stay untreated and keep the hold.
- h02: vitamin D 17 at PHQ-9 23 held every adjunct "before escalating". Low vitamin D is now
  reviewed alongside escalation (services/data/contributor_timing.csv); a low B12 still holds.
- W-e (f06): sertraline 50 mg as needed at PHQ-9 5 got a warning and a one-click daily dose. No
  card below the moderate band (policy failure_min_baseline_phq9); at PHQ-9 21 (f07) it stays.
- m05: PHQ-9 19, escitalopram to 9, sertraline from 9 to 8 was "a mild baseline". The episode
  has more than halved (19 -> 8): residual symptoms after a response, named with the episode
  baseline; an episode that has not (14 -> 9 -> 8) counts sertraline as failed and says why. A course whose episode was never moderate (m03, MADRS only; m04) stays a
  mild baseline.

Charts: the recheck's CDS Hooks requests (US Core / Epic-shaped prefetch with every key,
`encounters` included: ICD-10-CM + SNOMED problem-list Conditions, RxNorm MedicationRequests,
LOINC PHQ-9 and lab Observations), copied to tests/services/recheck15_charts/; the variants edit
them in place.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import FindingKind
from fhir_mapping.sleep_apnea_text import says_treated
from tests.services import chart_files
from tests.services.helpers import Evaluator, labels

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "recheck15_charts"
Doc = dict[str, Any]

_chart = chart_files.loader(CHARTS)
_at = Evaluator(AS_OF)
_evaluate = _at.cards_and_record


def _card(cards: list[Doc], start: str) -> Doc:
    found = [c for c in cards if c["summary"].startswith(start)]
    assert found, [c["summary"] for c in cards]
    return found[0]


def _condition(doc: Doc, code: str) -> Doc:
    for entry in doc["prefetch"]["conditions"]["entry"]:
        resource: Doc = entry["resource"]
        if any(c["code"] == code for c in resource["code"]["coding"]):
            return resource
    raise AssertionError(code)


# --- W-d: sleep apnea treated in the entry's own words -------------------------------------


def test_h03_cpap_in_the_entry_text_is_treated_and_holds_nothing() -> None:
    cards, record = _evaluate(_chart("h03_sleep_apnea_cpap_text"))
    assert any(f.kind is FindingKind.SLEEP_APNEA_TREATED for f in record.context.findings)
    text = " ".join(c["summary"] + c.get("detail", "") for c in cards)
    assert "sleep apnea" not in text.lower()
    optimise = _card(cards, "2 adequate trials failed (sertraline, escitalopram): augment")
    assert "held" not in optimise["summary"]
    assert "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)" in labels(optimise)


def test_h03_cpap_in_a_note_is_treated() -> None:
    doc = _chart("h03_sleep_apnea_cpap_text")
    apnea = _condition(doc, "G47.33")
    apnea["code"]["text"] = "Obstructive sleep apnea"
    apnea["note"] = [{"text": "Uses APAP nightly since 2022; download shows good use."}]
    cards, _ = _evaluate(doc)
    assert "untreated sleep apnea" not in " ".join(c["summary"] for c in cards)


@pytest.mark.parametrize(
    "words",
    [
        "OSA - not using CPAP",
        "OSA, CPAP intolerant",
        "OSA - declined CPAP",
        "OSA; CPAP recommended, awaiting machine",
        "OSA - no CPAP",
        "Obstructive sleep apnea",
    ],
)
def test_h03_untreated_words_keep_the_hold(words: str) -> None:
    doc = _chart("h03_sleep_apnea_cpap_text")
    _condition(doc, "G47.33")["code"]["text"] = words
    cards, record = _evaluate(doc)
    assert not any(f.kind is FindingKind.SLEEP_APNEA_TREATED for f in record.context.findings)
    review = _card(cards, "Confirm the diagnosis before escalating: untreated sleep apnea")
    assert review["indicator"] == "warning"
    optimise = _card(cards, "2 adequate trials failed (sertraline, escitalopram)")
    assert "review untreated sleep apnea first" in optimise["summary"]
    assert not any(label.startswith("Propose adjunctive") for label in labels(optimise))


@pytest.mark.parametrize(
    ("text", "treated"),
    [
        ("osa - on cpap nightly, adherent", True),
        ("on bipap 14/10", True),
        ("mandibular advancement device since 2021", True),
        ("oral appliance therapy", True),
        ("not on cpap", False),
        ("cpap non-adherent", False),
        ("refuses cpap", False),
        ("sleep apnea", False),
    ],
)
def test_treatment_words(text: str, treated: bool) -> None:
    assert says_treated(text) is treated


# --- h02: low vitamin D is reviewed alongside, a low B12 still holds ---------------------------


def test_h02_low_vitamin_d_is_alongside_and_holds_no_adjunct() -> None:
    cards, _ = _evaluate(_chart("h02_vitd_low_severe_no_risk"))
    review = _card(cards, "Review alongside escalation: low vitamin D")
    assert "before escalating" not in review["summary"]
    assert "to correct alongside any change of treatment" in review["detail"]
    assert "CANMAT 2023" in review["detail"]
    optimise = _card(cards, "2 adequate trials failed (sertraline, escitalopram): augment")
    assert "held" not in optimise["summary"]
    assert "Not one click before the diagnosis review" not in optimise["detail"]
    assert "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)" in labels(optimise)


def test_h02_control_a_low_b12_still_holds() -> None:
    doc = _chart("h02_vitd_low_severe_no_risk")
    lab = doc["prefetch"]["labs"]["entry"][0]["resource"]
    lab["code"] = {
        "coding": [
            {
                "system": "http://loinc.org",
                "code": "2132-9",
                "display": "Cobalamin (Vitamin B12) [Mass/volume] in Serum or Plasma",
            }
        ],
        "text": "Vitamin B12",
    }
    pg = {"unit": "pg/mL", "system": "http://unitsofmeasure.org", "code": "pg/mL"}
    lab["valueQuantity"] = {"value": 150, **pg}
    lab["referenceRange"] = [{"low": {"value": 200, **pg}, "high": {"value": 900, **pg}}]
    cards, _ = _evaluate(doc)
    _card(cards, "Confirm the diagnosis before escalating: low B12")
    optimise = _card(cards, "2 adequate trials failed (sertraline, escitalopram)")
    assert "review low B12 first" in optimise["summary"]
    assert not any(label.startswith("Propose adjunctive") for label in labels(optimise))


# --- W-e: no as-needed card below the moderate band -------------------------------------------


def test_f06_as_needed_ssri_at_phq9_5_gives_no_card() -> None:
    cards, _ = _evaluate(_chart("f06_prn_ssri_low_phq"))
    assert cards == []


def test_f07_control_as_needed_ssri_at_phq9_21_keeps_its_card() -> None:
    cards, _ = _evaluate(_chart("f07_prn_ssri_high_phq_item9"))
    _card(cards, "Sertraline is ordered as needed (not a daily dose: not a trial); PHQ-9 21")


# --- m05: a mild course baseline in a severe episode ------------------------------------------


def _set_phq9(doc: Doc, day: str, value: int) -> None:
    """Change the PHQ-9 total of `day` (LOINC 44261-6) in place."""
    for entry in doc["prefetch"]["observations"]["entry"]:
        resource = entry["resource"]
        codes = [c["code"] for c in resource["code"]["coding"]]
        if "44261-6" in codes and resource["effectiveDateTime"].startswith(day):
            resource["valueQuantity"]["value"] = value


def test_m05_a_responding_severe_episode_is_residual_symptoms_not_a_mild_baseline() -> None:
    cards, record = _evaluate(_chart("m05_mild_baseline_then_moderate_history"))
    sertraline = next(t for t in record.trials if t.ingredient == "sertraline")
    assert sertraline.episode_baseline is not None
    assert sertraline.episode_baseline.value == 19
    # 19 -> 8 over the episode: a response without remission, optimised, not escalated on.
    assert sertraline.episode_responded and sertraline.mild_residual and not sertraline.failed
    (card,) = cards
    assert card["indicator"] == "info"
    assert card["summary"] == (
        "Sertraline: residual symptoms at 8 after the episode's response from PHQ-9 19: "
        "optimise the dose or add psychotherapy"
    )
    assert "mild" not in card["summary"]
    assert "mild baseline" not in card["detail"]
    assert (
        "**Residual symptoms after a response of the episode:** episode baseline PHQ-9 19 "
        "(2024-09-02); sertraline 100 mg/day since 2024-12-02: PHQ-9 9 (2024-12-02) → 8 "
        "(2025-05-26)"
    ) in card["detail"]
    assert card.get("suggestions", []) == []


def test_m05_a_failing_episode_is_counted_failed_and_named() -> None:
    doc = _chart("m05_mild_baseline_then_moderate_history")
    _set_phq9(doc, "2024-09-02", 14)  # 14 -> 9 -> 8: the episode has not halved
    cards, record = _evaluate(doc)
    sertraline = next(t for t in record.trials if t.ingredient == "sertraline")
    assert sertraline.episode_baseline is not None
    assert not sertraline.episode_responded and not sertraline.mild_residual
    assert sertraline.failed
    # Escitalopram's course was a partial response (36 %): named as one (audit 17 W3).
    optimise = _card(
        cards, "1 adequate trial failed (sertraline), 1 partial response (escitalopram, 36 %)"
    )
    assert (
        "**Failing episode, not a mild baseline:** sertraline PHQ-9 9 (2024-12-02) → 8 "
        "(2025-05-26) is no response, and the episode, from PHQ-9 14 (2024-09-02), has not "
        "halved either."
    ) in optimise["detail"]
    assert "(mild)" not in " ".join(c["summary"] for c in cards)


@pytest.mark.parametrize(
    ("chart", "summary"),
    [
        ("m03_mild_baseline_madrs_only", "Sertraline: baseline MADRS 16 (mild)"),
        ("m04_mild_baseline_9_to_9_item9", "Sertraline: baseline PHQ-9 9 (mild)"),
    ],
)
def test_control_an_episode_never_moderate_stays_a_mild_baseline(chart: str, summary: str) -> None:
    cards, record = _evaluate(_chart(chart))
    assert all(t.episode_baseline is None for t in record.trials)
    _card(cards, summary)
