"""Fix hist36 (session 31): a risk heading's answer read to the end of its sentence, a method
answer read with no SI word, a drug-and-dosing answer read as the treatment plan, and a risk
qualifier ("Intent", "Plan") no checklist item that carries a denial to the SI before it."""

from __future__ import annotations

import re

import pytest

from fhir_mapping import stated_heading
from fhir_mapping.text_negation import negated, normalise_text


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("Plan: hang self", True),
        ("Intent: to overdose", True),
        ("Plan: safety plan; will hang self", True),
        ("Plan: none; will hang self", True),
        ("Plan: take all her lithium", True),
        ("Plan: RTC 4 weeks", False),
        ("Plan: take lithium nightly", False),
        ("Plan: overdose education", False),
        ("Plan: RTC 4 weeks; no access to guns", False),
        ("Plan: RTC 4 weeks; hx of overdose in 2015", False),
        ("Plan: RTC 4 weeks. Jump-start TMS", False),
        ("Plan: hang out with friends", False),
        ("Intent: none", False),
        # a crash is a listed method since fix hist38 (recheck K28b s31: no card before); a
        # plan answer naming no method at all is read as a risk beside an SI word only
        ("Plan: crash car", True),
        ("Plan: CT head", False),
    ],
)
def test_states_method(text: str, states: bool) -> None:
    assert stated_heading.states_method(text) is states


@pytest.mark.parametrize(
    ("answer", "after", "rest"),
    [
        (" safety plan", "; will hang self. Hx of overdose 2015", " will hang self"),
        (" safety plan;", " will hang self. Hx", " will hang self"),
        (" rtc 4 weeks", ". hang out", ""),
        (" rtc 4 weeks.", " hang out", ""),
        (" rtc 4 weeks", "", ""),
    ],
)
def test_sentence_rest(answer: str, after: str, rest: str) -> None:
    assert stated_heading.sentence_rest(answer, after).strip() == rest.strip()


@pytest.mark.parametrize(
    ("text", "denied"),
    [
        ("si, intent: none", False),
        ("passive si, plan: none", False),
        ("si, suicidal intent: none", False),
        ("si, hi: denies", True),
        ("si/hi: denies", True),
        ("si: none", True),
    ],
)
def test_a_risk_qualifier_is_no_checklist_item(text: str, denied: bool) -> None:
    plain = normalise_text(text)
    found = re.search(r"\bsi\b", plain)
    assert found is not None
    assert negated(plain, found.start(), found.end()) is denied


# Lead's follow-up to hist38 (session 31): a count after "take" larger than any dose
# (stated_history_terms.csv plan_take_most) keeps a "Plan:" answer a risk.
@pytest.mark.parametrize(
    ("answer", "risk"),
    [
        ("take 30 tabs at bedtime", True),
        ("take 10 tablets", True),
        ("take 2 tabs at bedtime", False),
        ("sertraline 50 mg, dispense 30 tablets", False),
    ],
)
def test_a_count_no_dose_takes_stays_a_risk(answer: str, risk: bool) -> None:
    assert stated_heading.answer_is_risk("plan", answer, "", lambda _: False) is risk


# Fix hist39 (recheck K29b s31): a small count with schedule words, or a drug named with its
# strength (plan_take_most_named, 12), is dosing; "take pills now" names no dose.
@pytest.mark.parametrize(
    ("answer", "risk"),
    [
        ("take 2 tabs q6h prn", False),
        ("take 2 tabs then 1 daily", False),
        ("colchicine take 2 tabs then 1 tab in 1 hr", False),
        ("prednisone 5 mg take 8 tabs daily x 5 days", False),
        ("lithium 300 mg, take 30 tabs", True),
        ("prednisone 5 mg take 20 tabs", True),
        ("overdose take 2 tabs", True),
        ("take pills now", True),
    ],
)
def test_dosing_read_by_schedule_and_strength(answer: str, risk: bool) -> None:
    plain = normalise_text(answer)
    assert stated_heading.answer_is_risk("plan", plain, "", lambda _: False) is risk


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("Intent: high", True),
        ("Intent: accidental", False),
        ("Intent: to get high", False),
        ("Smoking cessation. Intent: high", False),
        ("Intent: high (smoking cessation)", False),
        ("Contraception method: pills", False),
        ("Method: pills", True),
    ],
)
def test_intent_and_method_answers(text: str, states: bool) -> None:
    assert stated_heading.states_method(text) is states
