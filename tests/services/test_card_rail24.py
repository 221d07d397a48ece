"""Review s24 RN (the card rail read as a busy psychiatrist), findings 4, 7, 8 and 9.

- 4: two courses the record does not show taken (each "possibly running" after a long supply
  gap) read "lower tricyclic dose, check its level" beside "no supply for 518 days". Now the pair
  is worded from the courses' state ("... if both are taken; confirm each first"); a critical
  pair keeps the table's action (pimozide and sertraline listed: "do not combine").
- 7: duloxetine with alcohol use on record made three alcohol cards. Now one card says the
  drinking once, with the drug to review and the drinking to address as two lines; the
  optimise card's hold names the drug and finding. Snoozing that card brings the diagnosis
  review's line back on its own card.
- 8: rc17_f05's below-range card only pointed at the interaction card ("settle the interaction
  before any titration"): its line is now on that card.
- 9: the lithium interaction card asked for "a lithium level in 5-7 days" on every chart: beside
  the lithium line's own "repeat the level 5-7 days after" the change (L1), and for pairs
  together for months (L3, L4, rf21, lithium_target_age). Now it is worded from the pair's dates:
  long-standing with a level since -> "long-standing, last level ..."; new -> "lithium level 5-7
  days after <start>"; begun 13 days ago with only a too-early level -> "no steady-state lithium
  level since <start>: check one". The lithium line's summary that asks for a level says no
  PHQ-9.

Charts: the review's own (review17, diagnosis_review22, lithium_level21, lithium_target_age,
rf21_far_pathway, deceased_noise) and two probes in card_rail24_charts/ (L3 with lisinopril
started, and first filled, 3 or 13 days before the as-of date; Epic / US Core shaped).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.build import build_record
from services.patient_view import patient_view
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
HERE = Path(__file__).parent
INTERACTION = "drug-interaction"
ORDER_INTERACTION = "order-drug-interaction"
CAUTION = "running-drug-caution"
DIAGNOSIS = "diagnosis-review"
OPTIMISE = "optimize-switch-augment"
BELOW = "order-dose-below-range"

_at = Evaluator(AS_OF)


def _chart(folder: str, name: str) -> Doc:
    return chart_files.loader(HERE / folder)(name)


def _by_topic(folder: str, name: str) -> dict[str, Doc]:
    return {c["topic"]: c for c in _cards(folder, name)}


def _cards(folder: str, name: str) -> list[Doc]:
    found = _at.cards(_chart(folder, name))
    for card in found:
        card["topic"] = card["source"]["topic"]["code"]
    return found


# --- 4: a pair neither of whose drugs is shown taken -------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "rc17b_rp07_nortriptyline_and_fluoxetine_running",
        "rc17b_rp07_chart_open_nortriptyline_and_fluoxetine_running",
    ],
)
def test_a_pair_of_two_courses_not_shown_taken_asks_to_confirm_them_first(name: str) -> None:
    card = _by_topic("review17_charts", name)[INTERACTION]
    summary = card["summary"]
    assert summary.startswith("Nortriptyline possibly running and fluoxetine possibly running")
    assert "if both are taken; confirm each first" in summary
    assert "lower tricyclic dose" not in summary
    assert card["indicator"] == "warning"  # the safer reading: the card stays a warning
    assert "Neither is shown taken now: confirm whether each is taken" in card["detail"]
    # The row's action stays in the detail, for once both are confirmed.
    assert "check a tricyclic level and an ECG" in card["detail"]


def test_a_critical_pair_of_two_listed_drugs_keeps_its_action() -> None:
    card = _by_topic("deceased_noise_charts", "i03_pimozide_sertraline_since_2001")[INTERACTION]
    assert card["indicator"] == "critical"
    assert card["summary"].endswith("do not combine")
    assert "confirm each first" not in card["summary"]


# --- 7: drinking said once ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "finding", "line"),
    [
        (
            "alcohol_f1020_problem_active_auditc0",
            "Alcohol dependence, uncomplicated",
            "Substance use disorders are associated with poor response",
        ),
        (
            "auditc9_duloxetine_no_dx",
            "AUDIT-C 9",
            "Alcohol use is associated with poor response",
        ),
    ],
)
def test_duloxetine_with_alcohol_is_one_card_with_two_lines(
    name: str, finding: str, line: str
) -> None:
    shown = _by_topic("diagnosis_review22_charts", name)
    assert DIAGNOSIS not in shown  # its only line rides on the running-drug card
    card = shown[CAUTION]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith(finding)
    assert "review whether duloxetine continues (hepatotoxicity)" in card["summary"]
    assert "alongside escalation" in card["summary"]
    detail = card["detail"]
    assert detail.count(finding) == 1  # the finding once, at the head
    assert "- **Duloxetine 60 mg/day, running since 2025-12-01:** Ordinarily not" in detail
    assert f"- **Alongside escalation:** {line}" in detail
    held = shown[OPTIMISE]["summary"]
    assert "a condition on record weighs against it" not in held
    assert "switch class; review duloxetine with " in held
    assert held.endswith(" before augmenting")


def test_a_snoozed_caution_card_gives_the_alcohol_line_back_its_own_card() -> None:
    doc = _chart("diagnosis_review22_charts", "alcohol_f1020_problem_active_auditc0")
    record = build_record(
        chart_files.prefetch_resources(doc),
        as_of=AS_OF,
        patient_id=doc["context"]["patientId"],
    )
    shown = {r.topic: r for r in patient_view(record, Policy(), hidden=frozenset({CAUTION}))}
    assert CAUTION not in shown
    assert shown[DIAGNOSIS].summary.startswith("Review alcohol use disorder alongside escalation")


def test_desvenlafaxine_with_a_high_audit_c_keeps_the_diagnosis_line() -> None:
    # No running drug a row rules out: nothing to fold into.
    shown = _by_topic("diagnosis_review22_charts", "auditc9_desvenlafaxine_no_dx")
    assert CAUTION not in shown
    assert shown[DIAGNOSIS]["summary"].startswith("Review alcohol use alongside escalation")


# --- 8: the below-range line on the interaction card at the order hooks ---------------------------


def test_a_below_range_draft_in_an_interaction_is_a_line_of_the_interaction_card() -> None:
    shown = _by_topic("review17_charts", "rc17_f05_clomipramine_draft_over_fluoxetine")
    assert BELOW not in shown
    detail = shown[ORDER_INTERACTION]["detail"]
    assert "**Clomipramine 25 mg/day is below the minimum adequate dose (150 mg/day):**" in detail
    assert "Do not raise the dose until the interaction above is settled." in detail
    assert "Plan the titration" not in detail
    # The second serotonin reuptake inhibitor stays its own question (switch or addition?).
    assert any("second serotonin reuptake inhibitor" in c["summary"] for c in shown.values())


# --- 9: the lithium pair worded from its dates -----------------------------------------------------


def test_lithium_raised_3_days_before_its_level_asks_for_the_level_once() -> None:
    found = _cards("lithium_level21_charts", "L1_lithium_raised_3_days_before_level")
    asking = [c["summary"] for c in found if "5-7 days" in c["summary"]]
    assert asking == [
        "Lithium 900 mg/day: repeat the level 5-7 days after it (level 0.3 on 2026-11-20, "
        "too early after the change on 2026-11-17)"
    ]
    assert all("PHQ-9" not in s for s in asking)
    pair = next(c for c in found if c["topic"] == INTERACTION)
    assert pair["summary"].endswith("long-standing, last level 0.3 on 2026-11-20")
    # Lithium's own dose change is named in the detail (its own check), not asked twice.
    assert "Lithium's dose changed on 2026-11-17" in pair["detail"]


@pytest.mark.parametrize(
    ("folder", "name", "level"),
    [
        ("lithium_level21_charts", "L3_lithium_0_45_age_79", "0.45"),
        ("lithium_level21_charts", "L4_lithium_toxic_1_6_then_0_3", "0.3"),
        ("lithium_target_age_charts", "lithium_0_45_age_79_running", "0.45"),
        ("rf21_far_pathway_charts", "lithium_600_level_0_3_below_target", "0.3"),
    ],
)
def test_a_long_standing_lithium_pair_cites_its_level_and_asks_nothing_new(
    folder: str, name: str, level: str
) -> None:
    card = _by_topic(folder, name)[INTERACTION]
    assert card["summary"].endswith(f"long-standing, last level {level} on 2026-11-20")
    assert "in 5-7 days" not in card["summary"]
    assert "Together since 2026-09-10 (lithium started), with a level drawn since" in card["detail"]


def test_a_new_lithium_pair_asks_for_the_level_at_steady_state() -> None:
    card = _by_topic("card_rail24_charts", "lithium_lisinopril_started_3_days_ago")[INTERACTION]
    assert card["summary"].endswith("lithium level 5-7 days after 2026-11-28")
    assert "Together since 2026-11-28 (lisinopril started): a new pair" in card["detail"]


def test_a_pair_begun_with_only_a_too_early_level_asks_for_one_now() -> None:
    card = _by_topic(
        "card_rail24_charts", "lithium_lisinopril_started_13_days_ago_level_2_days_after"
    )[INTERACTION]
    assert card["summary"].endswith("no steady-state lithium level since 2026-11-18: check one")
    assert "the last level came 2 days after it, before steady state" in card["detail"]


@pytest.mark.parametrize(
    "name",
    [
        "lithium_lisinopril_started_3_days_ago",
        "lithium_lisinopril_started_13_days_ago_level_2_days_after",
    ],
)
def test_the_probe_charts_are_valid_r4_with_every_prefetch_key(name: str) -> None:
    from fhir.resources.R4B import get_fhir_model_class

    from services import catalog

    doc = _chart("card_rail24_charts", name)
    declared = {key for s in catalog.services() for key in dict(s.prefetch or {})}
    assert declared <= set(doc["prefetch"])
    for resource in chart_files.prefetch_resources(doc):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
