"""Session 36 recheck K53a findings 3, 6, 7, 8 (fix text75).

- Finding 3 (UNSAFE, older): `normalise_text` collapsed every line break, so a Condition note or a
  visit reason typed over lines ("No HI" / "Overdosed on 30 ativan last night", "Denies HI" / "SI
  with plan", with a blank line or "\\r\\n" too) read the second line as denied. A line break is
  now a sentence end for the suicide-risk reading (fhir_mapping/text_lines.py), read beside the
  words as written ("Denied self-harm\\nnow endorses it" stays critical), except where the lines
  are one list: a line ending in ":", "," or a joint word, bullets or bare checklist items under a
  colon ("Denies:\\n- SI\\n- HI\\n- self-harm" was critical, now the list it is: quiet).
- Finding 6 (older): "thoughts or plans of ending her life", "plans of taking her own life":
  `ideation_object` rows for the -ing forms.
- Finding 7 (older): "took 2 tylenol but also 30 ativan", "... and then 30 ativan", "plan to take 2
  tylenol but also 30 ativan": an "also", "then" or "later" after the joint.
- Finding 8 (older): "hasn't denied SI": `denial_negated` rows.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text75_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Finding 3: a line break ends a denial (Condition notes with real line breaks; ED reasons).
    "cn_No_HI_Overdosed_on_30_ativan_last_night": "fixed",
    "cn_Denies_HI_SI_with_plan_lf": "fixed",
    "cn_Denies_HI_SI_with_plan_blank_line": "fixed",
    "cn_Denies_HI_SI_with_plan_crlf": "fixed",
    "cn_Psych_denies_HI_Self_harm_yes": "fixed",
    "cn_Denies_HI_Overdosed_on_30_ativan_last_night": "fixed",
    "e_No_HI_Overdosed_on_30_ativan_last_night": "fixed",
    "e_Denies_HI_SI_with_plan": "fixed",
    # Finding 6: the -ing life phrases after "plan(s) of".
    "e_thoughts_or_plans_of_ending_her_life": "fixed",
    "e_plans_of_ending_her_life": "fixed",
    "e_plan_of_ending_her_life": "fixed",
    "e_plans_of_taking_her_own_life": "fixed",
    "e_plans_of_ending_my_life": "fixed",
    # Finding 7: "also", "then", "later" after the joint.
    "e_took_2_tylenol_but_also_30_ativan": "fixed",
    "e_took_2_tylenol_but_then_30_ativan": "fixed",
    "e_took_2_tylenol_but_later_30_ativan": "fixed",
    "e_took_2_tylenol_and_also_30_ativan": "fixed",
    "e_took_2_tylenol_and_then_30_ativan": "fixed",
    "e_plan_to_take_2_tylenol_but_also_30_ativan": "fixed",
    # Finding 8: the perfect tense's contraction.
    "e_hasn_t_denied_SI": "fixed",
    "e_hasn_t_denied_SI_typographic": "fixed",
    "cn_hasn_t_denied_SI": "fixed",
    # Controls: what reads forward over a break (a retraction, a pseudo-negation) still does, and
    # a bullet line with a statement of its own is a statement.
    "cn_Denied_self_harm_now_endorses_it": "control",
    "cn_No_suicide_attempt_until_last_week": "control",
    "cn_No_HI_Overdosed_on_30_ativan_last_night_bullets": "control",
}

QUIET = {
    # A bullet list under a colon reads as that list on one line (was critical).
    "cn_Denies_SI_HI_self_harm": "fixed",
    "cn_Denies_1_SI_2_HI_3_self_harm": "fixed",
    # Controls: one list over lines (a colon's bare checklist items, a comma, a joint word).
    "cn_Denies_SI_HI": "control",
    "cn_Denies_HI_SI_colon_lines": "control",
    "cn_Denies_HI_SI_comma_line": "control",
    "cn_Denies_HI_and_SI": "control",
    "cn_Denies_SI_HI_star_bullets": "control",
    "e_denies_thoughts_or_plans_of_ending_her_life": "control",
    "e_no_plans_of_ending_her_life": "control",
    "e_took_2_tylenol_but_then_felt_better": "control",
    "e_took_2_tylenol_but_also_1_ibuprofen": "control",
    "e_has_denied_SI_since_admission": "control",
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
    ("written", "read"),
    [
        ("No HI\nOverdosed", "No HI;Overdosed"),
        ("Denies HI\r\n\r\nSI", "Denies HI;\n\r\nSI"),
        ("Denies:\n- SI\n- HI", "Denies:   SI,  HI"),
        ("Denies:\nSI\nHI", "Denies: SI,HI"),
        ("Denies HI and\nSI", "Denies HI and SI"),
        ("Denies:\nHI\nOverdosed on 30 ativan", "Denies: HI;Overdosed on 30 ativan"),
    ],
)
def test_sentence_lines(written: str, read: str) -> None:
    from fhir_mapping.text_lines import sentence_lines

    assert sentence_lines(written) == read
    assert len(sentence_lines(written)) == len(written)
