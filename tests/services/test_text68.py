"""Session 36 fix text68: unsafe self-harm readings left open at the end of session 35 (probe at
HEAD, the ED visit's reason).

- "OD" alone and "ED visit for OD" were quiet, TMS offered, while "s/p OD last night" was
  critical: "OD" as the whole text is an overdose (od_lookalike._BARE_OD, the decision written
  there), and so is "OD" after a visit, admission or suspicion word (`event` rows "visit for od",
  "suspected od"). The right eye and once daily stay quiet ("blurry vision OD", "IOP 18 OD",
  "OD/OS", "seen for OD exam").
- "2020 OD, again today" was quiet: "<year> od" is an `event` row, so the past overdose is read
  and "again today" makes it current as "2020 overdose, again today" was; "2020 OD, none since"
  and "2020 OD; denies SI today" are the past-overdose warning, as their "overdose" wordings are.
- "saving up her seroquel", "hoarding her seroquel" were quiet while "saving up her pills" was
  critical: "<drug>" in a `preparatory` row reads a drug the drug tables name
  (self_harm_ideation._drug); "saving up for a car" stays quiet. Decision: "saving her seroquel
  for bedtime" is read, as "saving her pills for bedtime" already was (reversed by fix text74:
  quiet, a purpose after the drug).
- "denies HI, thoughts of harming herself", "thoughts of hurting himself" were quiet: the -ing
  forms of "harm/hurt herself" are `ideation_object` rows, as "killing herself" is; after a comma
  the item is a statement of its own (self_harm_scope.py; reversed by fix text74: "denies HI,
  thoughts of harming herself" is an ROS checklist item, quiet). After "or" a thought's noun is the
  denial's object: "denies HI or thoughts of harming herself" stays quiet, and "denies HI or
  thoughts of killing herself" (critical before) is now quiet too (self_harm_scope._thought_or).
- "took her whole week of pills at once", "took a month of her meds at once" were quiet: "whole
  week of" is a `taken_supply` row, "a month of" a `taken_period_supply` row read only with an
  at-once phrase, a purpose or a verb of ingestion ("took a week of antibiotics" is a course).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text68_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_OD": "fixed",
    "e_ED_visit_for_OD": "fixed",
    "e_2020_OD_again_today": "fixed",
    "e_2020_OD_again_last_night": "fixed",
    "e_saving_up_her_seroquel": "fixed",
    "e_hoarding_her_seroquel": "fixed",
    "e_thoughts_of_hurting_himself": "fixed",
    "e_took_her_whole_week_of_pills_at_once": "fixed",
    "e_took_a_month_of_her_meds_at_once": "fixed",
    "e_s_p_OD_last_night": "control",
    "e_stockpiling_his_trazodone": "control",
    "e_saving_up_her_pills": "control",
    "e_took_a_week_s_worth_of_pills": "control",
}

QUIET = {
    "e_blurry_vision_OD": "control",
    "e_IOP_18_OD": "control",
    "e_OD_OS": "control",
    "e_seen_for_OD_exam": "control",
    "e_saving_up_for_a_car": "control",
    "e_denies_HI_SI": "control",
    "e_denies_HI_or_thoughts_of_harming_herself": "control",
    "e_took_a_week_of_antibiotics": "control",
    # Critical, TMS withheld before: a thought's noun after "or" is the denial's object.
    "e_denies_HI_or_thoughts_of_killing_herself": "fixed",
    # Reversed by session 36 fix text74 (recheck K52a findings 7, 9; test_text74.py): a
    # "thoughts of harming herself" item continues an ROS denial list, as "Denies SI, thoughts or
    # plans to hurt herself" does; a purpose after the drug ("for bedtime") is its ordinary use.
    "e_denies_HI_thoughts_of_harming_herself": "reversed (text74)",
    "e_saving_her_seroquel_for_bedtime": "reversed (text74)",
}

# A past overdose with nothing current: the past-overdose warning (quiet, TMS offered, before).
PAST = {
    "e_2020_OD_none_since": "fixed",
    "e_2020_OD_denies_SI_today": "changed: critical before (the denial after 'OD;' read an OD)",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(PAST))
def test_past_overdose_warning(name: str) -> None:
    card = _cards(name)["suicide-risk"]
    assert card["indicator"] == "warning", (name, card["summary"])
    assert "past overdose, intent not recorded (2020)" in card["summary"]


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET, PAST)
