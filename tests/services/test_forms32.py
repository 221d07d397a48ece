"""Session 30 fix forms32: recheck K20a s30 (scratch-K20a charts and near-variants, as
patient-view requests with all 19 prefetch keys in forms32_charts/; as of 2026-12-01). Each
chart named here as failing fails on 5d5846c2 and passes here; the controls pass both.

1. Near-variants of "pt reports same" read as the father's alone, no card, TMS offered:
   "Father with SI - pt reports the same", "... pt reports similar thoughts", "Father with SI;
   same in pt"; and after forms31 a "pt also" whose tail names self-harm in words outside its
   lists ("pt also cutting", "pt also has a plan") was the relative's alone. The tail now names
   the finding when it holds any self-harm, ideation, death-wish, plan or intent word the service
   reads elsewhere, not negated (self_harm_subject.says_self_harm); "pt also denies SI", "as does
   pt's brother", "pt also has diabetes", "pt also seeing therapist" stay quiet.
2. A family-history item whose answer names the patient's own attempt or SI ("Yes - mother, pt
   too", "Yes - brother; pt overdosed last week", "Yes - brother; pt endorses SI") is critical;
   "pt denies SI", "pt also has diabetes", "brother also attempted" stay quiet.
3. "Thoughts of hurting yourself or others" = "Yes - others only" was a critical self-harm card:
   it is the answer to check, as "Denies self; endorses others" is; "Yes - self and others"
   stays critical.
4. A form worded as the PHQ-9 under an opaque canonical whose item 9 is answered a plain yes was
   "PHQ-9 item 9 answer could not be read": read as item 9 = 1, critical, quoting the yes.
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
_chart = chart_files.loader(Path(__file__).parent / "forms32_charts")
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


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("rs_pt_reports_the_same", "Father with SI - pt reports the same"),  # failed
        ("rs_pt_reports_similar", "Father with SI - pt reports similar thoughts"),  # failed
        ("rs_same_in_pt", "Father with SI; same in pt"),  # failed
        # failed; since neg37 (recheck K27a s31) a bare "cutting" closing its clause is the act
        ("rs_pt_also_cutting", "Self-harm or suicide attempt (diagnosis text only: confirm)"),
        ("rs_pt_also_wants_to_die", "Father with SI; pt also wants to die"),
        ("rs_pt_also_thoughts_ending_life", "Father with SI; pt also has thoughts of ending his"),
        ("rs_pt_also_passive_death_wish", "Father with SI; pt also endorses passive death wish"),
    ],
)
def test_the_patient_shares_the_relatives_si(name: str, text: str) -> None:
    assert _critical(name)["summary"].startswith(text)


def test_pt_also_has_a_plan_is_the_patients() -> None:
    """ "Father with suicide attempt; pt also has a plan" (failed: no card, TMS offered)."""
    _critical("rs_pt_also_plan")


@pytest.mark.parametrize(
    "name",
    [
        "rs_pt_also_denies_si",
        "rs_as_does_pts_brother",
        "rs_pt_also_diabetes",
        "rs_pt_also_seeing_therapist",
        "rs_pt_reports_same_insomnia",
    ],
)
def test_the_relatives_alone_stays_quiet(name: str) -> None:
    assert RISK not in _cards(name)


@pytest.mark.parametrize(
    ("text", "patients"),
    [
        ("Father with SI; pt also wants to die", True),
        ("Father with SI; pt also has thoughts of ending his life", True),
        ("Father with SI; pt also endorses passive death wish", True),
        ("Father with SI; pt also cutting", True),
        ("Father with SI - pt endorses the same", True),
        ("Father with SI; pt also denies SI", False),
        ("Father with SI; pt also denies wanting to die", False),
        ("Father with SI; pt also has a safety plan", False),
        ("Father with SI; pt also cut his finger cooking", False),
        ("Mother with SI, as does pt's brother", False),
        ("Father with SI; pt too has hypertension", False),
    ],
)
def test_relative_same_tails(text: str, patients: bool) -> None:
    assert (FindingKind.SUICIDAL_IDEATION in text_kinds(text)) is patients


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("f_fam_pt_too", "= yes - mother, pt too on 2026-11-25"),  # failed: no card
        ("f_fam_pt_overdosed", "= yes - brother; pt overdosed last week on 2026-11-25"),  # failed
    ],
)
def test_a_family_item_naming_the_patients_own_act_is_critical(name: str, said: str) -> None:
    assert said in _critical(name)["summary"]


@pytest.mark.parametrize(
    "name", ["f_fam_pt_denies_si_control", "f_fam_pt_also_diabetes", "f_fam_brother_also"]
)
def test_a_family_item_of_the_family_alone_stays_quiet(name: str) -> None:
    assert RISK not in _cards(name)


@pytest.mark.parametrize(
    "name",
    ["f_harm_yes_others_only", "f_harm_yes_others_not_self", "f_harm_denies_self_endorses_others"],
)
def test_a_yes_of_others_alone_is_the_answer_to_check(name: str) -> None:
    """Failed (the first two): a critical self-harm card; now the warning the "Denies self;
    endorses others" reading gives, which claims no suicidal ideation."""
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "warning"
    said = f"{card['summary']} {card['detail']}".lower()
    assert "could not be read" in said and "ideation" not in card["summary"].lower()


@pytest.mark.parametrize("name", ["f_harm_yes_self", "f_harm_yes_self_and_others_control"])
def test_a_yes_of_the_self_stays_critical(name: str) -> None:
    _critical(name)


@pytest.mark.parametrize("name", ["phq9_worded_item9_yes", "phq9_worded_item9_true"])
def test_a_yes_to_item9_on_a_worded_form_is_critical(name: str) -> None:
    """Failed: "PHQ-9 item 9 answer could not be read" (a warning, TMS offered)."""
    card = _critical(name)
    assert card["summary"].startswith('PHQ-9 "Thoughts that you would be better off dead')
    assert "= yes on 2026-11-25" in card["summary"]
    assert "could not be read" not in card["summary"]


def test_a_no_to_item9_on_a_worded_form_stays_quiet() -> None:
    assert RISK not in _cards("phq9_worded_item9_no_control")
