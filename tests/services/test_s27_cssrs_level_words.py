"""A C-SSRS risk level is read only when the whole text is one (review s27 K3 recheck, findings 1
and n1), and an unread answer's summary keeps its action (finding 7).

Finding 1 (UNSAFE): fhir_mapping/suicide_screen_answers._level found a level word anywhere in a
text, with no negation: a 93373-9 panel or 93374-7 level valued "Not low risk" the day after a
PHQ-9 item 9 = 3 read as a documented low level, the critical item 9 card dropped to info
"... C-SSRS: risk level low ...: assessed" and the drug proposals were released; a local "C-SSRS
Risk Level" row "Not low risk", "Not Low" or "Low risk, endorses passive ideation" said no risk
(no card). The noise of the same cause: 93374-7 "No high risk factors identified" read as a high
level (critical). Now a level is read when the whole text, case and punctuation aside and with
a trailing "risk" / "suicide risk" (data/suicide_screen_answers.csv `level-suffix`), is a level
term; any other text is unread: a C-SSRS result to check in the chart (a warning), never an
assessment that acknowledges item 9, never a value that clearly says no risk.

Finding 7 (MINOR): the status name ("EPDS (status unknown)", "C-SSRS (registered, no result
yet)") pushed the summary past 139 characters and the fallback dropped "if it is above 'Never',
assess suicide risk today". The summary now shortens the lead (the status word only, "not read",
then no date: RiskEvent.terse), never the action.

Charts: tests/services/s27_cssrs_level_words_charts/ (the K3 recheck charts, built from the RF
base chart trd_meets_tms; every prefetch key), evaluated as of 2025-06-15.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.suicide_screen_answers import _level, says_no_risk
from services.card_format import SUMMARY_MAX
from tests.services import chart_files
from tests.services.helpers import Evaluator, drug_orders

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
RISK = "suicide-risk"
OPTIMISE = "optimize-switch-augment"
FOLDER = Path(__file__).parent / "s27_cssrs_level_words_charts"
CHECK = "check it in the chart; if it is moderate or high risk, or a yes, assess suicide risk today"
UNREAD = f"C-SSRS result on 2025-06-10 could not be read: {CHECK}"

_chart = chart_files.loader(FOLDER)
_at = Evaluator(date(2025, 6, 15))


def _texts(cards: dict[str, Doc]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in cards.values())


@pytest.mark.parametrize("name", sorted(p.stem for p in FOLDER.glob("*.json")))
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


@pytest.mark.parametrize(
    "name",
    [
        "a0_local_Not_low_risk",
        "a5_local_Low_risk_endorses_passive_ideation",
        "a6_local_Not_Low",
        "a9_panel_not_low",
        "a10_93374_not_low",
        "n1_93374_no_high_risk_factors",  # was critical "risk level high"
        "n2_panel_low_moderate",  # was "risk level moderate ... risk assessed"
    ],
)
def test_a_level_word_inside_other_words_is_an_unread_result(name: str) -> None:
    cards = _at.by_topic(_chart(name))
    risk = cards[RISK]
    assert (risk["indicator"], risk["summary"]) == ("warning", UNREAD)
    for level in ("low", "moderate", "high"):  # no documented level is named
        assert f"risk level {level}" not in _texts(cards)
    assert not any(drug_orders(card) for card in cards.values())


@pytest.mark.parametrize(
    "name", ["m8_item9_3_then_panel_not_low_next_day", "m9_item9_3_then_93374_not_low"]
)
def test_not_low_risk_after_item9_3_does_not_acknowledge_it(name: str) -> None:
    cards = _at.by_topic(_chart(name))
    risk = cards[RISK]
    assert risk["indicator"] == "critical"
    assert risk["summary"].startswith("PHQ-9 item 9 = 3 (nearly every day) on 2025-06-10:")
    assert "not yet assessed" in risk["detail"]
    assert "C-SSRS result on 2025-06-11 could not be read (Observation/" in risk["detail"]
    assert "risk level low" not in _texts(cards)
    assert drug_orders(cards[OPTIMISE]) == []  # the proposals wait for the assessment


def test_a_whole_level_phrase_is_still_read() -> None:
    quiet = _at.by_topic(_chart("a3_local_Low_Risk"))  # "Low Risk": clearly no risk
    assert RISK not in quiet
    later = _at.by_topic(_chart("m2_item9_3_then_panel_low_next_day"))[RISK]  # panel "Low Risk"
    assert later["indicator"] == "info"
    assert "C-SSRS: risk level low on 2025-06-11: assessed" in later["summary"]


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("low", "low"),
        ("Low Risk", "low"),
        ("High Risk.", "high"),
        ("high", "high"),
        ("MEDIUM", "moderate"),
        ("medium", "moderate"),
        ("moderate risk", "moderate"),
        ("Moderate suicide risk", "moderate"),
        ("Not low risk", None),
        ("Not Low", None),
        ("low-moderate", None),
        ("Low to moderate risk", None),
        ("Low risk, endorses passive ideation", None),
        ("No high risk factors identified", None),
        ("risk", None),
        ("see note", None),
        # Lead-in and trailing words around a whole level (lead check, session 27: "High risk
        # for suicide" had become an unread warning where a high level is critical).
        ("High risk for suicide", "high"),
        ("Low risk of suicide", "low"),
        ("Risk level: high", "high"),
        ("Suicide risk level: Moderate", "moderate"),
        ("Risk level: not low", None),
        ("risk level", None),
    ],
)
def test_level_words_as_a_whole(text: str, level: str | None) -> None:
    assert _level({"valueString": text}) == level
    assert says_no_risk({"valueString": text}) is (level == "low")


def test_coded_levels_and_answers() -> None:
    def concept(display: str, text: str, code: str = "3") -> Doc:
        coding = {"system": "urn:oid:1.2.3", "code": code, "display": display}
        return {"valueCodeableConcept": {"coding": [coding], "text": text}}

    assert _level(concept("High Risk", "High Risk")) == "high"  # a local code "3" aside
    assert _level(concept("High", "Low")) == "high"  # two levels: the higher
    assert _level(concept("Low", "Not low")) is None  # any other words: unread
    assert not says_no_risk(concept("Low", "Not low"))
    no = {"valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA32-8"}]}}
    assert says_no_risk(no)  # a no read by its LOINC answer code


@pytest.mark.parametrize(
    ("name", "lead", "positive"),
    [
        (
            "i_epds10_unknown_yes",
            "EPDS (status unknown) item 10 answer on 2025-06-10",
            "above 'Never'",
        ),
        (
            "i2_epds10_unknown_la",
            "EPDS (status unknown) item 10 answer on 2025-06-10",
            "above 'Never'",
        ),
        (
            "k10_local_high_registered",
            "C-SSRS (registered) result",
            "moderate or high risk, or a yes",
        ),
    ],
)
def test_the_unread_summary_keeps_its_action(name: str, lead: str, positive: str) -> None:
    doc = _chart(name)
    for resource in chart_files.prefetch_resources(doc):
        if "harming myself" in resource.get("code", {}).get("text", ""):
            # Its words ("Yes, quite often") are read since session 28 (fhir_mapping/
            # epds_item10.py): a number stays unread, so the unread summary is still shown.
            resource.pop("valueCodeableConcept", None)
            resource["valueString"] = "2"
    risk = _at.by_topic(doc)[RISK]
    assert risk["summary"] == (
        f"{lead} not read: check it in the chart; if it is {positive}, assess suicide risk today"
    )
    assert len(risk["summary"]) <= SUMMARY_MAX


@pytest.mark.parametrize("name", ["i_epds10_unknown_yes", "i2_epds10_unknown_la"])
def test_epds_item10_words_are_read(name: str) -> None:
    """ "Yes, quite often" as valueString, or as the display of a code not confirmed (LA15156-9,
    never read itself): the answer 3, the critical card (session 28 fix fx-selfharm2)."""
    risk = _at.by_topic(_chart(name))[RISK]
    assert risk["indicator"] == "critical"
    assert risk["summary"] == (
        "EPDS (status unknown) item 10 = 3 (yes, quite often) on 2025-06-10: higher suicide "
        "risk, assess today (C-SSRS) and plan safety"
    )
