"""Session 37 fix text81: ingestions, an ED "OD" beside an eye word, an answer list under a
heading, and retractions with no object of their own: each was quiet, TMS offered.

- "took 2 weeks of her seroquel last night": a period of a supply with no "supply" after it was
  read only with an at-once phrase; a time that dates the act to one moment (`taken_period_once`:
  "last night", "PTA") now reads it so too (self_harm_taken._at_one_time). "... as prescribed"
  and "took a week of antibiotics last night" (no drug named) stay quiet.
- "OD vs accidental ingestion": the `accidental` word was read as a stated accident. An accident
  offered as one alternative (`accident_alternative`) states none: intent not recorded.
- "Found down, OD, eyes closed": any eye word in an ED reason left its "OD" to the eye readers.
  An eye finding after the item "OD" no longer does (od_item._eye_before); an eye measure, the
  other eye or an eye record still do ("VA OD 20/40, OS 20/25", "OD: IOP 18").
- "SI/HI:" then "- no", "- yes": an answer list holding a yes denies none of its items
  (`answer_yes`, negation_cues._answered_yes; "SI/HI: neg, pos" too, whose "neg" closing its
  clause read as a trailing cue).
- "denies SI but on further questioning endorses", "denies SI; on further questioning endorses":
  `retraction` rows, read back over the sentence before when the retraction's own sentence holds
  no denial (denial_undone.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.denial_undone import denials_undone
from fhir_mapping.od_item import acute_sided
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text81_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Quiet, TMS offered, before.
    "e_took_2_weeks_of_her_seroquel_last_night": "fixed",
    "e_Took_2_wks_of_her_seroquel_last_night": "fixed",
    "cn_took_2_weeks_of_her_seroquel_last_night": "fixed",
    "e_OD_vs_accidental_ingestion": "fixed",
    "e_accidental_ingestion_vs_OD": "fixed",
    "cn_OD_vs_accidental_ingestion": "fixed",
    "e_Found_down_OD_eyes_closed": "fixed",
    "e_OD_eyes_closed": "fixed",
    "e_SI_HI_no_yes": "fixed",
    "e_SI_HI_N_Y": "fixed",
    "e_SI_HI_neg_pos": "fixed",
    "cn_SI_HI_no_yes": "fixed",
    "e_denies_SI_but_on_further_questioning_endorses": "fixed",
    "e_denies_SI_on_further_questioning_endorses": "fixed",
    "e_Denies_SI_On_further_questioning_endorses": "fixed",
    "cn_denies_SI_on_further_questioning_endorses": "fixed",
    # Critical before too: the nearest signals of the controls below.
    "e_took_a_month_s_supply_of_lithium": "control",
    "e_swallowed_a_bottle_of_tylenol": "control",
    "e_initially_denied_SI_later_endorsed_passive_SI": "control",
    "e_SI_HI_yes_no": "control",
}

QUIET = {
    "e_took_2_weeks_of_her_seroquel_as_prescribed": "control",
    "cn_took_2_weeks_of_her_seroquel_as_prescribed": "control",
    "e_took_a_week_of_antibiotics_last_night": "control",
    "e_picked_up_a_month_s_supply_of_lithium": "control",
    "e_accidental_overdose_of_insulin": "control",
    "e_VA_OD_20_40_OS_20_25": "control",
    "e_OD_IOP_18": "control",
    "e_Eye_exam_OD_clear": "control",
    "e_SI_HI_no_no": "control",
    "e_SI_HI_neg_neg": "control",
    "e_denies_SI_HI_on_further_questioning_denies_plan": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Found down, OD, eyes closed", "Found down, overdose, eyes closed"),
        ("eye pain, OD", "eye pain, OD"),
        ("OD, IOP 18", "OD, IOP 18"),
        ("OD, OS", "OD, OS"),
    ],
)
def test_eye_word_after_the_item(text: str, read: str) -> None:
    assert acute_sided(text) == read


def test_retraction_reads_back_over_the_sentence_before() -> None:
    # The sentence before is taken back, and since session 38 fix text87 ("No SI. Pt calm. Later
    # endorses." was quiet, TMS offered) every denial further back too: test_text87.py.
    assert "denies" not in denials_undone("denies si; on further questioning endorses")
    assert "denies" not in denials_undone("denies hi. pt calm. now endorses")
