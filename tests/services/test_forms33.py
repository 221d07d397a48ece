"""Session 30 fix forms33: recheck K22 s30 (scratch-K22 charts and near-variants, as patient-view
requests with all 19 prefetch keys in forms33_charts/; as of 2026-12-01). Each chart marked
"failed" fails on d58bfa91 and passes here; the controls pass both.

1. Self-harm words outside the shared vocabulary were missed alone ("Pt endorses S/I", "Pt
   endorses SIB", "Pt actively ideating", "Pt thinking about jumping off a bridge", "Pt burning
   self", "Pt feels family better off without him": no card, TMS offered) and after a relative's
   SI ("Father with SI; pt also endorses S/I" ...: the father's alone after forms31/32). New
   rows (diagnosis_terms.csv suicidal-ideation, self_harm_terms.csv act / ideation_object) serve
   both readings. A tail after "pt also" that names no self-harm word is now the patient's in
   doubt (the reading before forms31), the relative's alone only when it opens with a
   `relative_same_other` word ("has diabetes", "seeing therapist", "denies SI", "endorses HI",
   "grieving") or its sentence denies self-harm ("pt also asked, denies self-harm"), or when it
   compares another finding ("pt reports similar symptoms of insomnia").
   Decision: "Father with SI; pt also hopeless" is critical. Hopelessness is no suicidal
   ideation, but it is a known predictor of suicide (Beck et al., Am J Psychiatry
   1985;142:559-563). With a relative's suicidal ideation written in the same entry, the card
   asks for a risk assessment and quotes the words. One assessment costs less than a missed
   risk, and a fixed list of non-risk openings is easier to audit than a list of risk words.
2. "Thoughts of hurting yourself or others" = "Yes - self; no - others", "Yes - others only;
   wants to die", "Yes - others only; self last month" were the answer to check: the
   others-only reading applies only when no part names the self or self-harm; now critical.
3. A relative's SI in an answer to an item with no self-harm words ("Patient educated on crisis
   line" = "Yes, for mother who has SI", "Yes - for son with SI; pt denies") was a critical
   card: whose SI it is is judged as problem-list text is ("for", "given to", "who"; a
   free-standing dash starts the words a relative governs). Now quiet.
4. A family item's answer naming the patient ("Yes - mother and pt as well", "Yes - pt and
   mother", "Yes - father; pt himself in 2022") was quiet: now critical.
5. "Did you hurt yourself in the fall?" = yes (an injury question) and "Father with SI; pt also
   worried father will kill himself" were critical: now quiet.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.diagnosis_text import text_kinds
from fhir_mapping.record import FindingKind
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_chart = chart_files.loader(Path(__file__).parent / "forms33_charts")
_evaluate = Evaluator(date(2026, 12, 1))


def _cards(name: str) -> dict[str, Any]:
    doc = _chart(name)
    chart_files.check_chart(doc)
    cards: dict[str, Any] = _evaluate.by_topic(doc)
    return cards


def _critical(name: str) -> dict[str, Any]:
    cards = _cards(name)
    card = cards.get(RISK)
    assert card is not None and card["indicator"] == "critical", name
    assert TMS not in cards
    return card


def _quiet(name: str) -> None:
    cards = _cards(name)
    assert RISK not in cards, name
    assert TMS in cards, name


@pytest.mark.parametrize(
    "name",
    [
        "sa_si_slash",  # failed: "Pt endorses S/I"
        "sa_ideating",  # failed: "Pt actively ideating"
        "sa_jump",  # failed: "Pt thinking about jumping off a bridge"
        "sa_sib",  # failed: "Pt endorses SIB"
        "sa_burning",  # failed: "Pt burning self"
        "sa_betteroff",  # failed: "Pt feels family better off without him"
        "sa_hang",  # failed: "Pt wants to hang himself"
        "sa_shoot",  # failed: "Pt thinking about shooting herself"
        "rs2_pt_also_si_slash",  # failed: "Father with SI; pt also endorses S/I"
        "rs2_pt_also_ideating",  # failed
        "rs2_pt_also_jump",  # failed
        "rs2_pt_also_sib",  # failed
        "rs2_pt_also_burning",  # failed
        "rs2_pt_also_betteroff",  # failed
        "rs_pt_also_feeling_this_way",  # failed: a tail in doubt is the patient's
        "rs_pt_also_hopeless",  # failed: decision, module docstring
        "rs_pt_also_worried_she_will",  # control: no relative named, the patient's
    ],
)
def test_self_harm_words_alone_and_after_a_relatives_si(name: str) -> None:
    _critical(name)


@pytest.mark.parametrize(
    "name",
    [
        "rs_mother_pt_similar_insomnia",
        "rs_pt_also_no_si",
        "rs_pt_also_denies_plan_or_intent",
        "rs_pt_also_selfharm_denied",
        "rs_pt_reports_same_no_si",
        "rs_pt_also_grieving_suicide",
        "rs_same_in_pt_brother_denies",
        "rs2_pt_also_hi",
        "rs2_pt_also_no_si_no_cutting",
        "rs_pt_also_has_diabetes",
        "rs_pt_also_seeing_therapist",
        "sa_homicidal_ideation_control",
        "rs_pt_also_worried_father_suicide",  # failed: the father's feared act
    ],
)
def test_the_relatives_alone_or_another_finding_stays_quiet(name: str) -> None:
    _quiet(name)


@pytest.mark.parametrize(
    ("text", "patients"),
    [
        ("Father with SI; pt also endorses S/I", True),
        ("Father with SI; pt also feeling this way", True),
        ("Mother with SI; pt reports similar symptoms", True),
        ("Father with SI; pt also has been cutting", True),
        ("Father with SI; pt also has diabetes", False),
        ("Mother with SI; pt reports similar symptoms of insomnia", False),
        ("Father with SI - pt reports the same stressors, no SI", False),
        ("Father with SI; pt also endorses HI", False),
        ("Mother with SI, as does pt's brother", False),
        ("Mother who has SI", False),
        ("Pt endorses homicidal ideation", False),
    ],
)
def test_relative_same_tails(text: str, patients: bool) -> None:
    assert (FindingKind.SUICIDAL_IDEATION in text_kinds(text)) is patients


@pytest.mark.parametrize(
    "name",
    [
        "h_yes_self_no_others",  # failed: the answer to check
        "h_yes_others_only_and_wants_die",  # failed
        "h_others_only_hx_self",  # failed
    ],
)
def test_others_only_needs_no_self_in_the_answer(name: str) -> None:
    _critical(name)


@pytest.mark.parametrize("name", ["h_others_not_self", "h_no_self_yes_others", "h_others"])
def test_others_alone_stays_the_answer_to_check(name: str) -> None:
    card = _cards(name)[RISK]
    assert card["indicator"] == "warning"
    assert "could not be read" in card["summary"]


@pytest.mark.parametrize(
    "name",
    [
        "ed_for_mother_si",  # failed: critical
        "ed_son_si_pt_denies",  # failed
        "obs_for_mother_si",  # failed
        "obs_son_si",  # failed
    ],
)
def test_a_relatives_si_in_an_answer_is_not_the_patients(name: str) -> None:
    _quiet(name)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("ed_pt_endorses_si_slash", "= yes, pt endorses s/i"),  # failed: quiet
        ("ed_pt_suicidal", "= yes - pt suicidal, sent to ed"),
    ],
)
def test_the_patients_si_in_an_answer_stays_critical(name: str, said: str) -> None:
    assert said in _critical(name)["summary"]


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("f_pt_as_well", "= yes - mother and pt as well"),  # failed: quiet
        ("f_pt_and_mother", "= yes - pt and mother"),  # failed
        ("f_pt_himself", "= yes - father; pt himself in 2022"),  # failed
    ],
)
def test_a_family_answer_naming_the_patient_is_critical(name: str, said: str) -> None:
    assert said in _critical(name)["summary"]


@pytest.mark.parametrize(
    "name",
    ["f_pt_too_young", "f_pt_was_there", "f_pt_witnessed", "f_pt_si_denied", "f_pt_s_mother"],
)
def test_a_family_answer_about_the_relative_stays_quiet(name: str) -> None:
    _quiet(name)


def test_an_injury_question_is_no_self_harm_question() -> None:
    """ "Did you hurt yourself in the fall?" = yes (failed: critical)."""
    _quiet("hy_fall_hurt")


def test_a_self_harm_question_in_the_past_week_stays_critical() -> None:
    _critical("hy_hurt_self_past_week")
