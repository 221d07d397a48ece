"""Fix allergy40 (s32, recheck K31b): SJS / TEN / NMS in an allergy note were missed, and
counselling with "given" or "handout" read severe (reviewer charts, as of 2026-12-01).

A sertraline entry, manifestation "Reaction", criticality unable-to-assess, with a note:
- UNSAFE: "SJS 2019", "SJS 2019, hospitalized. Reviewed risk of SJS with pt", "Hx SJS,
  hospitalized 2019; signs of SJS reviewed with pt", "Pt had SJS", "TEN 2019", "NMS 2019" gave a
  sertraline order only a warning (the abbreviations were read in a manifestation or description,
  never in a note), while "Stevens-Johnson syndrome in 2019", "SJS" as the manifestation and
  "DRESS syndrome" were critical. Now critical, at chart open too. An upper-case "TEN" only:
  "ten days after first dose" stays a warning.
- NOISE: "Educated on signs of anaphylaxis, EpiPen given" (allergy39 read any "given" as a
  treatment of the reaction) and "Pt given handout on serotonin syndrome" were critical at both
  hooks; now a warning at order-sign and no card at chart open, like "Reviewed risk of SJS within
  first 8 weeks", "EpiPen given for bee sting allergy, unrelated", "Educated on serotonin
  syndrome symptoms; handout given". "given" counts beside a treatment ("given IM epi").

Charts: tests/services/allergy40_charts/ (`_os` order-sign with a sertraline draft, `_pv`
patient-view with sertraline running; the reviewer's K31b charts and chart-open variants built
the same way from allergy39's a1_educ charts; 19 prefetch keys). allergy39's charts stay
critical (tests/services/test_allergy39.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.allergy_classes import severe_in_text
from fhir_mapping.reaction_context import not_this_reaction
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_cards = chart_files.topic_reader(Path(__file__).parent / "allergy40_charts", date(2026, 12, 1))
NOT_TOLERATED = "order-not-tolerated"
RUNNING = "running-drug-allergy"


@pytest.mark.parametrize(
    "name",
    [
        "s1_sjs_hospitalized_os",
        "s2_sjs_2019_os",
        "s5_hx_sjs_os",
        "r7_pt_had_sjs_os",
        "r6_ten_2019_os",
        "r8_nms_2019_os",
        # Controls, critical before.
        "s4_stevens_johnson_os",
        "r1_sjs_manifestation_os",
        "m8_dress_syndrome_os",
        # "given" beside a treatment of the reaction keeps it, counselling or not.
        "epi_given_educ_os",
    ],
)
def test_a_severe_reaction_in_a_note_makes_the_order_card_critical(name: str) -> None:
    card = _cards(name).get(NOT_TOLERATED)
    assert card is not None and card["indicator"] == "critical"


@pytest.mark.parametrize(
    "name",
    ["s2_sjs_2019_pv", "r6_ten_2019_pv", "r7_pt_had_sjs_pv", "r8_nms_2019_pv", "epi_given_educ_pv"],
)
def test_a_severe_reaction_in_a_note_is_critical_at_chart_open(name: str) -> None:
    card = _cards(name).get(RUNNING)
    assert card is not None and card["indicator"] == "critical"


@pytest.mark.parametrize(
    "base",
    ["n1_epipen_given", "n3_handout", "n2_sjs_risk_window", "ten_days"],
)
def test_counselling_is_a_warning_at_order_sign_and_silent_at_chart_open(base: str) -> None:
    card = _cards(f"{base}_os").get(NOT_TOLERATED)
    assert card is not None and card["indicator"] == "warning"
    assert _cards(f"{base}_pv").get(RUNNING) is None


@pytest.mark.parametrize("name", ["q2_epipen_bee_sting_os", "q4_handout_given_os"])
def test_other_counselling_notes_stay_a_warning(name: str) -> None:
    card = _cards(name).get(NOT_TOLERATED)
    assert card is not None and card["indicator"] == "warning"


@pytest.mark.parametrize(
    ("text", "word", "excluded"),
    [
        # "given" beside a treatment of the reaction: it happened.
        ("educated on signs of anaphylaxis, epi given", "anaphylaxis", False),
        ("educated on signs of anaphylaxis, epinephrine given", "anaphylaxis", False),
        ("educated on signs of anaphylaxis, given im epi", "anaphylaxis", False),
        ("counselled on serotonin syndrome, given steroids", "serotonin syndrome", False),
        ("signs of anaphylaxis within 10 min of first dose", "anaphylaxis", False),
        ("counselled on anaphylaxis within 10 min of first dose", "anaphylaxis", False),
        ("counselled on anaphylaxis within an hour of first dose", "anaphylaxis", False),
        # "given" of something else, "within" a risk window: counselling.
        ("educated on signs of anaphylaxis, epipen given", "anaphylaxis", True),
        ("educated on signs of anaphylaxis, epi pen given", "anaphylaxis", True),
        ("educated on anaphylaxis, handout given", "anaphylaxis", True),
        ("educated on anaphylaxis, script given", "anaphylaxis", True),
        ("educated on anaphylaxis, rx given", "anaphylaxis", True),
        ("pt given handout on serotonin syndrome", "serotonin syndrome", True),
        ("reviewed risk of sjs within first 8 weeks", "sjs", True),
        ("reviewed risk of sjs with pt", "sjs", True),
        # "risk of" alone is read as the reaction, the safer reading.
        ("risk of anaphylaxis", "anaphylaxis", False),
    ],
)
def test_given_and_within_count_only_for_a_treatment_or_an_onset(
    text: str, word: str, excluded: bool
) -> None:
    start = text.index(word)
    assert not_this_reaction(text, start, start + len(word)) is excluded


@pytest.mark.parametrize(
    ("note", "found"),
    [
        ("SJS 2019", "note: SJS"),
        ("sjs", "note: sjs"),
        ("TEN 2019", "note: TEN"),
        ("NMS 2019", "note: NMS"),
        ("Nausea ten days after first dose. TEN 2019", "note: TEN"),
        # An upper-case TEN in a count is read too: the safer reading (a false critical asks for
        # one look at the note; a missed TEN re-exposes a drug that caused it).
        ("PT TOOK TEN TABLETS", "note: TEN"),
        ("Nausea ten days after first dose", None),
        ("Ten days of nausea", None),
        ("Wore a dress", None),
        ("Reviewed risk of SJS within first 8 weeks", None),
    ],
)
def test_abbreviations_are_read_in_a_note_as_the_rows_spell_them(
    note: str, found: str | None
) -> None:
    entry = {"resourceType": "AllergyIntolerance", "note": [{"text": note}]}
    assert severe_in_text(entry) == found
