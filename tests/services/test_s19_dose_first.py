"""Review s19 items 3 and 4: dose optimisation first, and a US site's labelled maximum.

- Item 3 (df01-df04): a failed trial still running below the top of its range for this patient
  was never raised: escitalopram 10 mg/day (range 10-20) with a 28 % partial response read "add an
  adjunct to escitalopram first" with one-click aripiprazole; sertraline 50 (to 200), fluoxetine
  40 (to 60) and a sertraline restarted at the 100 mg/day that had brought a response in 2025 read
  "switch or augment". CANMAT 2023 Figure 7.1 and paras 185-187 put dose optimisation first
  (../shared/clinical/REFERENCE.md 1.7). Now the card leads with the raise: its section, its
  summary, one labelled titration step as the first one-click (data/start_doses.csv), the
  adjuncts and switch after it; the top is this patient's (older-adult and hepatic maxima), and
  an earlier response to the same drug is named.
- Item 4 (df05, df06): "consider raising mirtazapine within 30-60 mg/day" at a US clinic, and a
  drafted 60 mg/day with no card. The US label's maximum is 45 mg/day (Remeron label 2.1); 60 is
  CANMAT's (Canadian monographs). The market's label now caps the optimise text and the order
  dose check alike (services/label_maximums.py, policy drug_market); a Canadian site keeps 60.

Charts: tests/services/dose_first_charts/ (the review's probe charts, Epic and Oracle shapes, every
prefetch key), evaluated as of 2026-12-01.
"""

from __future__ import annotations

import copy
import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services import label_maximums
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
ABOVE = "order-dose-above-range"
ADJUNCTS = [
    "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)",
    "Propose adjunctive brexpiprazole 0.5 mg/day (CANMAT first line)",
]

_chart = chart_files.loader(Path(__file__).parent / "dose_first_charts")


def _cards(doc: Doc, policy: Policy | None = None) -> dict[str, Doc]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=policy or Policy())
    return {c["source"]["topic"]["code"]: c for c in result.response.to_json()["cards"]}


def _labels(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions", [])]


def _sections(card: Doc) -> list[str]:
    return str(card["detail"]).split("\n\n")


def _born(doc: Doc, day: str) -> Doc:
    doc["prefetch"]["patient"]["birthDate"] = day
    return doc


def _with_cirrhosis(doc: Doc) -> Doc:
    """The chart with an active problem-list cirrhosis (ICD-10-CM K74.60), written as the chart's
    depression Condition is (same vendor shape)."""
    entries = doc["prefetch"]["conditions"]["entry"]
    cirrhosis = copy.deepcopy(entries[0])
    resource = cirrhosis["resource"]
    resource["id"] = "cirrhosis-1"
    cirrhosis["fullUrl"] = cirrhosis["fullUrl"].rsplit("/", 1)[0] + "/cirrhosis-1"
    resource["code"] = {
        "coding": [
            {
                "system": "http://hl7.org/fhir/sid/icd-10-cm",
                "code": "K74.60",
                "display": "Unspecified cirrhosis of liver",
            }
        ],
        "text": "Cirrhosis of liver",
    }
    resource.pop("severity", None)
    entries.append(cirrhosis)
    doc["prefetch"]["conditions"]["total"] = len(entries)
    return doc


# --- item 3: the dose step comes first --------------------------------------------------------


def test_escitalopram_10_with_a_partial_response_is_raised_before_the_adjunct() -> None:
    card = _cards(_chart("df01_escitalopram10_partial_response_epic"))[OPTIMISE]
    # Before: "...: add an adjunct to escitalopram first (CANMAT para 190)", aripiprazole first.
    assert card["summary"] == (
        "1 adequate trial with partial response only (escitalopram, 28 %): raise escitalopram "
        "10 → 20 mg/day first, then an adjunct"
    )
    raise_first = "Raise escitalopram to 20 mg/day (dose first, CANMAT 2023 para 187)"
    assert _labels(card) == [raise_first, *ADJUNCTS]
    assert card["suggestions"][0]["isRecommended"] is True
    order = card["suggestions"][0]["actions"][0]["resource"]
    assert order["resourceType"] == "MedicationRequest"
    assert order["intent"] == "proposal" and order["status"] == "draft"
    assert order["dosageInstruction"][0]["text"].startswith("escitalopram 20 mg/day")
    sections = _sections(card)
    dose = next(i for i, s in enumerate(sections) if s.startswith("**Dose first:**"))
    augment = next(i for i, s in enumerate(sections) if s.startswith("**Augment:**"))
    assert dose < augment
    assert sections[dose] == (
        "**Dose first:** escitalopram 10 mg/day since 2026-09-14 (11 weeks), partial response "
        "only (PHQ-9 18 → 13); range here up to 20 mg/day (CANMAT 2023 Table 3.3). Raise it "
        "first if tolerated (higher doses work better: CANMAT 2023 para 187, Figure 7.1): to 20 "
        "mg/day (by 10 mg no sooner than weekly, Lexapro label 2.1, MDD), then repeat the PHQ-9; "
        "the options below come next."
    )


def test_sertraline_50_without_response_is_raised_one_labelled_step_not_to_the_top() -> None:
    card = _cards(_chart("df02_sertraline50_no_response_oracle"))[OPTIMISE]
    assert card["summary"] == (
        "1 adequate trial failed (sertraline): raise sertraline 50 → 100 mg/day first (CANMAT "
        "para 187), then switch or augment"
    )
    assert _labels(card)[0] == "Raise sertraline to 100 mg/day (dose first, CANMAT 2023 para 187)"
    assert _labels(card)[1:] == ADJUNCTS
    assert "range here up to 200 mg/day" in card["detail"]
    assert "by 50 mg no sooner than weekly, sertraline label, MDD" in card["detail"]


def test_fluoxetine_40_from_dispenses_only_is_raised_to_60() -> None:
    card = _cards(_chart("df03_fluoxetine40_dispenses_only_epic"))[OPTIMISE]
    assert card["summary"].startswith(
        "1 adequate trial failed (fluoxetine): raise fluoxetine 40 → 60 mg/day first"
    )
    assert _labels(card)[0] == "Raise fluoxetine to 60 mg/day (dose first, CANMAT 2023 para 187)"
    # The 40 mg/day since the dose changed, not the course's start; the course named by its
    # start as every card names it (trial_dates.dose_since; fix19l item 1).
    assert "fluoxetine since 2026-06-01; 40 mg/day since 2026-08-30 (13 weeks)" in card["detail"]


def test_an_earlier_response_to_the_same_drug_is_named_beside_the_raise() -> None:
    card = _cards(_chart("df04_sertraline_restarted_after_earlier_response_oracle"))[OPTIMISE]
    assert card["summary"].startswith(
        "1 adequate trial failed (sertraline): raise sertraline 100 → 150 mg/day first"
    )
    assert _labels(card)[0] == "Raise sertraline to 150 mg/day (dose first, CANMAT 2023 para 187)"
    assert (
        "**Earlier response to sertraline:** sertraline 100 mg/day 2025-01-06 – 2025-04-14: "
        "PHQ-9 16 (2025-01-06) → 6 (2025-04-14), -62 %, a response. The same drug helped "
        "before: weigh a higher dose of it before giving it up."
    ) in _sections(card)


def test_at_65_escitalopram_10_is_at_its_labelled_dose_and_the_adjunct_stays_first() -> None:
    # Escitalopram's labelled older-adult dose is 10 mg/day from 65 (Lexapro label): no room.
    card = _cards(_born(_chart("df01_escitalopram10_partial_response_epic"), "1960-03-02"))[
        OPTIMISE
    ]
    assert "**Dose first:**" not in card["detail"]
    assert card["summary"].endswith("add an adjunct to escitalopram first (CANMAT para 190)")
    assert _labels(card) == ADJUNCTS


def test_with_cirrhosis_escitalopram_10_is_at_its_hepatic_maximum() -> None:
    # Lexapro label: 10 mg/day in hepatic impairment. The raise would have gone above it.
    cards = _cards(_with_cirrhosis(_chart("df01_escitalopram10_partial_response_epic")))
    assert "**Dose first:**" not in cards[OPTIMISE]["detail"]
    assert not any(label.startswith("Raise") for label in _labels(cards[OPTIMISE]))


def test_with_cirrhosis_a_sertraline_raise_is_named_not_one_click() -> None:
    # Sertraline's label: a lower or less frequent dose in hepatic impairment (no number): the
    # raise waits for the prescriber, and the summary is the next step's.
    card = _cards(_with_cirrhosis(_chart("df02_sertraline50_no_response_oracle")))[OPTIMISE]
    dose = next(s for s in _sections(card) if s.startswith("**Dose first:**"))
    assert "Unspecified cirrhosis of liver" in dose
    assert "A raise is not offered as a ready-to-accept order." in dose
    assert not any(label.startswith("Raise") for label in _labels(card))
    assert "raise sertraline" not in card["summary"]


# --- item 4: the market's labelled maximum ------------------------------------------------------


def test_the_responder_is_offered_mirtazapine_up_to_the_us_labels_45() -> None:
    card = _cards(_chart("df05_mirtazapine30_responding_age68_oracle"))[OPTIMISE]
    # Before: "optimise mirtazapine within 30-60 mg/day".
    assert card["summary"] == (
        "Mirtazapine responding (PHQ-9 16 → 7), not in remission: optimise mirtazapine within "
        "30-45 mg/day; no switch or adjunct"
    )
    assert (
        "consider raising mirtazapine within 30-45 mg/day (the US label's maximum, Remeron US "
        "label 2.1; CANMAT 2023 Table 3.3 lists up to 60) (now 30)"
    ) in card["detail"]


def test_a_canadian_site_keeps_canmats_60() -> None:
    canada = dataclasses.replace(Policy(), drug_market="Canada")
    card = _cards(_chart("df05_mirtazapine30_responding_age68_oracle"), canada)[OPTIMISE]
    assert "within 30-60 mg/day" in card["summary"]
    assert "US label" not in card["detail"]


def test_a_drafted_mirtazapine_60_is_above_the_us_labels_maximum() -> None:
    card = _cards(_chart("df06_mirtazapine_draft_60_age68_select_oracle"))[ABOVE]
    assert card["summary"] == (
        "Mirtazapine 60 mg/day is above the US label's maximum of 45 mg/day (Remeron US label 2.1)"
    )
    assert card["detail"].startswith(
        "mirtazapine 60 mg/day exceeds the US label's maximum of 45 mg/day (Remeron US label 2.1). "
        "CANMAT 2023 Table 3.3 lists up to 60 mg/day (Canadian product monographs); this clinic "
        "prescribes under the US labels, so 45 mg/day is the ceiling here."
    )
    canada = dataclasses.replace(Policy(), drug_market="Canada")
    assert ABOVE not in _cards(_chart("df06_mirtazapine_draft_60_age68_select_oracle"), canada)


def test_a_label_binds_only_below_the_range_and_follows_the_market() -> None:
    mirtazapine = label_maximums.binding("mirtazapine", 60.0, "US")
    assert mirtazapine is not None and mirtazapine.max_mg == 45
    assert label_maximums.binding("mirtazapine", 60.0, "Canada") is None
    assert label_maximums.capped("mirtazapine", 60.0, "any") == 45  # the lowest, the safer
    # A US label allowing more than CANMAT (fluoxetine 80) never raises the ceiling.
    assert label_maximums.binding("fluoxetine", 60.0, "US") is None
    amitriptyline = label_maximums.binding("amitriptyline", 300.0, "US")
    assert amitriptyline is not None and amitriptyline.max_mg == 150
    assert amitriptyline.higher_line() == (
        "The label allows up to 300 mg/day for hospitalised patients."
    )
    assert label_maximums.capped("clomipramine", 300.0, "US") == 250
