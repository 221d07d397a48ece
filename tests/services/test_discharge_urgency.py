"""One suicide-risk card, one urgency (s26 KE follow-up, brief SU).

1. A psychiatric discharge nobody assessed since, beside a suicide signal whose own level asks
   less than "assess today" (FOUND: the C-SSRS during the stay found a wish to be dead;
   RESCREENED: an October item 9 = 1 nobody assessed, item 9 = 0 after the discharge; UNREAD: an
   item 9 after the discharge that cannot be read): the card was the signal level's WARNING
   while its detail said "assess suicide risk today" and the hold (services/suicide_today.py)
   treated it as "assess today". The card's indicator, summary and one-click now come from the
   row the hold reads (suicide_today.card_urgency, data/suicide_urgency.csv): critical, the
   discharge's summary, the same-day assessment.
2. The acute-risk treatment lines keyed on SuicideSignal.acute while the "Not TMS now" line
   keyed on the hold: a discharge-only "assess today" with TMS not otherwise the next step named
   ECT only as "ECT after a hospitalised episode ... discuss it among the options" and no
   esketamine, while an unassessed item 9 beside the same discharge said "If the assessment
   finds acute risk: ECT (CANMAT 2023 para 215) or esketamine ...". Both now read the hold.

Charts: tests/services/discharge_urgency_charts/ (built from
critical_holds26_charts/psychiatric_discharge_cssrs_only_during_stay: Epic-shaped, every
prefetch key; the one_trial_* charts leave the 2024 sertraline trial out, so TMS is not
otherwise the next step).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services import suicide_urgency
from services.acute_risk import SuicideLevel, suicide_signal
from services.policy import Policy
from services.recommendation import Indicator
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic, labels, topics

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
SUICIDE = "suicide-risk"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
DISCHARGED = "Discharged 2026-11-10 after a psychiatric admission (F33.2)"
ASSESS_TODAY = suicide_urgency.urgency(suicide_urgency.ASSESS_TODAY)
IF_ACUTE = (
    "**If the assessment finds acute risk:** ECT (CANMAT 2023 para 215) or esketamine nasal "
    "spray with an oral antidepressant"
)
DISCHARGE_ECT = "**ECT after a hospitalised episode:**"

_chart = chart_files.loader(Path(__file__).parent / "discharge_urgency_charts")
_at = Evaluator(AS_OF)

LESSER_LEVELS = [
    ("cssrs_wish_to_be_dead_during_stay_discharge_unassessed", SuicideLevel.FOUND),
    ("item9_1_october_rescreened_0_after_discharge_unassessed", SuicideLevel.RESCREENED),
    ("unread_item9_after_discharge_unassessed", SuicideLevel.UNREAD),
    ("one_trial_cssrs_wish_to_be_dead_during_stay_discharge_unassessed", SuicideLevel.FOUND),
]
ALL = [
    *(name for name, _level in LESSER_LEVELS),
    "item9_1_after_discharge_unassessed",
    "one_trial_discharge_unassessed_no_signal",
    "one_trial_item9_1_after_discharge_unassessed",
]


def _suicide(name: str) -> Doc:
    return by_topic(_at.cards(_chart(name)))[SUICIDE]


@pytest.mark.parametrize("name", ALL)
def test_the_charts_are_sent_as_an_ehr_sends_them(name: str) -> None:
    chart_files.check_chart(_chart(name))


# --- 1. The card's severity follows the row the hold reads ---------------------------------------


@pytest.mark.parametrize(("name", "level"), LESSER_LEVELS)
def test_an_unassessed_discharge_beside_a_lesser_signal_makes_the_card_critical(
    name: str, level: SuicideLevel
) -> None:
    cards, record = _at.cards_and_record(_chart(name))
    signal = suicide_signal(record, Policy())
    assert signal is not None and signal.level is level  # the chart is the case it names
    suicide = by_topic(cards)[SUICIDE]
    assert suicide["indicator"] == "critical" and topics(cards)[0] == SUICIDE
    assert suicide["summary"].startswith(DISCHARGED) and suicide["summary"].endswith("assess today")
    assert labels(suicide) == [ASSESS_TODAY.label]
    assert "assess suicide risk today with a structured assessment (C-SSRS)" in suicide["detail"]
    # The hold reads the same row: the adjunct one-clicks wait, no TMS card.
    assert "suicide risk assessment first" in by_topic(cards)[OPTIMISE]["summary"]
    assert TMS not in topics(cards)


def test_the_same_day_assessment_cites_the_discharge() -> None:
    suicide = _suicide("item9_1_october_rescreened_0_after_discharge_unassessed")
    resource = suicide["suggestions"][0]["actions"][0]["resource"]
    assert resource["priority"] == ASSESS_TODAY.priority == "asap"
    assert [r["reference"] for r in resource["reasonReference"]] == [
        "Encounter/6a1f2ded-01ce-5251-9464-557a3d189ae6"
    ]


def test_an_unassessed_item9_beside_the_discharge_keeps_its_own_summary() -> None:
    suicide = _suicide("item9_1_after_discharge_unassessed")
    assert suicide["indicator"] == "critical"
    assert suicide["summary"].startswith("PHQ-9 item 9 = 1 (several days) on 2026-11-20")


def test_every_urgency_that_holds_a_change_of_treatment_is_critical() -> None:
    # The card's one urgency is the more severe row; a holding row below critical could be
    # outranked by a critical one that holds nothing, and the hold would be lost.
    names = (
        suicide_urgency.ASSESS_TODAY,
        suicide_urgency.ASSESS_TODAY_HIGH,
        suicide_urgency.RECORD_ASSESSMENT,
        suicide_urgency.REVIEW_FINDING,
        suicide_urgency.CHECK_CHART,
        suicide_urgency.REASSESS_AT_VISITS,
    )
    for name in names:
        row = suicide_urgency.urgency(name)
        assert not row.holds_changes or row.indicator is Indicator.CRITICAL, name


# --- 2. The treatment lines read the same rule as the hold ---------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "one_trial_discharge_unassessed_no_signal",
        "one_trial_cssrs_wish_to_be_dead_during_stay_discharge_unassessed",
        "one_trial_item9_1_after_discharge_unassessed",
    ],
)
def test_a_discharge_only_assess_today_words_its_treatment_lines_as_a_signal_acute_one(
    name: str,
) -> None:
    detail = _suicide(name)["detail"]
    assert "**Not TMS now:**" not in detail  # one trial: TMS is not otherwise the next step
    assert IF_ACUTE in detail
    # ECT is named once, in the treatment line, not again as the discharge's own line.
    assert DISCHARGE_ECT not in detail
    assert detail.count("CANMAT 2023 para 215") == 1


@pytest.mark.parametrize(
    "name",
    [
        "cssrs_wish_to_be_dead_during_stay_discharge_unassessed",
        "item9_1_october_rescreened_0_after_discharge_unassessed",
        "unread_item9_after_discharge_unassessed",
    ],
)
def test_with_tms_otherwise_next_the_not_tms_line_alone_names_ect(name: str) -> None:
    detail = _suicide(name)["detail"]
    assert "**Not TMS now:** The risk assessment comes first; if it finds acute risk:" in detail
    assert DISCHARGE_ECT not in detail
    assert detail.count("CANMAT 2023 para 215") == 1
