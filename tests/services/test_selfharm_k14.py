"""Recheck K14 s28 (fix k14fix): "past attempts to quit smoking" is no suicide attempt, and a
real attempt beside an attempt to quit stays one.

K14's charts (the RC Oracle ED chart, its encounter diagnosis written as each phrase; all 19
prefetch keys) in selfharm_k14_charts/, as of 2026-12-01:

1. "Past attempts to quit smoking" read as a suicide attempt through the bare row "past
   attempt*" (noise): now nothing. The lead's first fix (an `act_accident` "to quit") silenced
   real attempts ("Attempted suicide 2025 after failing to quit heroin"); now only a bare
   "past/prior/previous attempt" right before an attempt at something else is blanked
   (data/self_harm_terms.csv roles `act_attempt`, `attempt_other`; self_harm_context.py).
2. "Thoughts of being better off dead or hurting yourself" = "Nearly every day" on a PHQ-2 +
   item 9 form (q08) raised nothing: the form label is refused off a PHQ-9-worded form, and the
   question's own "better off dead" inside it now names the item (screen_wording.py).
3. "Thoughts of self-harm" / "Self-harm thoughts" on a PHQ-9-worded form (q11, q11b): now PHQ-9
   `form` labels (data/screen_item_terms.csv).
4. A self-harm question on a form no reader takes (GAD-7 "Suicidal thoughts" q03, "Thoughts of
   harming self" q12, the PHQ-A's supplementary questions q04, a PHQ-2 + "Suicidal thoughts"
   q08b) answered above its lowest answer raised nothing: now the unread warning
   (fhir_mapping/form_self_harm.py).
5. EPDS item 10 valueInteger 3 on a form known as the EPDS (q07): read as its score (Cox 1987);
   a valueBoolean stays unread (q16).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping import form_self_harm, self_harm_text
from fhir_mapping.self_harm_text import Reading
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
_chart = chart_files.loader(Path(__file__).parent / "selfharm_k14_charts")
_by_topic = Evaluator(AS_OF).by_topic
_ACT = (
    "Self-harm or suicide attempt (diagnosis text only: confirm) at the ED visit on 2026-11-25: "
    "higher suicide risk, assess today"
)


@pytest.mark.parametrize(
    ("name", "critical"),
    [
        # fix hist39 (recheck K29b s31): an attempt dated by a bare year before the visit's is
        # the past-attempt warning, still read as a suicide attempt (was critical)
        ("t01", "2025"),  # Attempted suicide 2025 after failing to quit heroin
        ("t02", True),  # Tried to kill herself ... trying to quit alcohol
        ("t03", True),  # Suicide attempt during an attempt to get sober
        ("t04", False),  # Past attempts to quit smoking
        ("t05", True),  # Past attempts at suicide
        ("t06", True),  # Prior attempt to overdose
        ("t07", True),  # Self-harm ... trying to cut down
        ("t08", "2025"),  # control: attempted suicide 2025
        ("t09", True),  # Hx suicide attempt and attempts to quit smoking
        ("t10", "2019"),  # Attempted suicide 2019 (tried to quit methadone)
        ("t11", True),  # Self-harm since 14 despite efforts to cut down
    ],
)
def test_attempt_to_quit_is_no_suicide_attempt(name: str, critical: bool | str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)
    card = _by_topic(doc).get("suicide-risk")
    if isinstance(critical, str):
        assert card is not None
        assert card["indicator"] == "warning"
        assert f"past suicide attempt ({critical})" in card["summary"]
    elif critical:
        assert card is not None
        assert (card["indicator"], card["summary"]) == ("critical", _ACT)
    else:
        assert card is None


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("Past attempts to quit smoking", None),
        ("Tobacco use disorder, previous attempts to quit", None),
        ("prior attempts at sobriety", None),
        ("past attempt at quitting alcohol", None),
        ("Past attempts to quit smoking; past suicide attempt 2019", Reading.STATED),
        ("Previous attempts to hang himself", Reading.STATED),
        ("prior attempt to OD", Reading.STATED),
        ("Multiple past attempts - to quit life", Reading.STATED),
        ("Deliberate self-harm while trying to lose weight", Reading.STATED),
        ("Attempted suicide after failing to quit heroin", Reading.STATED),
    ],
)
def test_attempt_other_only_after_a_bare_attempt(text: str, reading: Reading | None) -> None:
    assert self_harm_text.reading(text) is reading


_PHQ9_ITEM9 = (
    "PHQ-9 item 9 = {} on 2026-11-25: higher suicide risk, assess today (C-SSRS) and plan safety"
)


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        # Finding 2: "Thoughts of being better off dead or hurting yourself" on a PHQ-2 + item 9
        # form: the form label is refused (fewer than three PHQ-9 items), the question's own
        # "better off dead" inside it still names the item (screen_wording._in_form_label).
        ("q08", _PHQ9_ITEM9.format("3 (nearly every day)")),
        ("q18", _PHQ9_ITEM9.format("3 (nearly every day)")),
        ("q19", _PHQ9_ITEM9.format("3 (nearly every day)")),
        # Finding 3: short labels on a form worded as the PHQ-9 (screen_item_terms.csv `form`).
        ("q11", _PHQ9_ITEM9.format("2 (more than half the days)")),
        ("q11b", _PHQ9_ITEM9.format("3 (nearly every day)")),
        # Session 29 fix forms30 item 2: a PHQ-A's item 9 is named by its form
        # (fhir_mapping/phqa_form.py), at the same level.
        ("q04b", _PHQ9_ITEM9.format("3 (nearly every day)").replace("PHQ-9", "PHQ-A")),
    ],
)
def test_worded_item9_read(name: str, summary: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)
    card = _by_topic(doc)["suicide-risk"]
    assert (card["indicator"], card["summary"]) == ("critical", summary)


def test_gad7_only_form_stays_quiet() -> None:
    doc = _chart("q03b")
    chart_files.check_chart(doc)
    assert "suicide-risk" not in _by_topic(doc)


_UNSCALED = (
    "Self-harm question answer on 2026-11-25 could not be read: check it in the chart; if it is "
    "above the lowest, assess suicide risk today"
)


_HIGHER = "on 2026-11-25: higher suicide risk, assess today (C-SSRS) and plan safety"


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        ("q03", f'Self-harm question "Suicidal thoughts" = nearly every day {_HIGHER}'),
        (
            "q04",
            'Self-harm question "Has there been a time in the past month when you have had…" = yes on '
            "2026-11-25: assess suicide risk today",
        ),
        ("q08b", f'Self-harm question "Suicidal thoughts" = nearly every day {_HIGHER}'),
        ("q12", f'Self-harm question "Thoughts of harming self" = yes, quite often {_HIGHER}'),
    ],
)
def test_self_harm_question_no_reader_takes_is_read_by_the_net(name: str, summary: str) -> None:
    """Finding 4: GAD-7 "Suicidal thoughts" / "Thoughts of harming self", the PHQ-A's "serious
    thoughts about ending your life" / "tried to kill yourself" = "Yes", "Suicidal thoughts" on
    a PHQ-2 + item 9 form: the safety net (fhir_mapping/form_self_harm.py). Since session 29 fix
    net30 (review s29 K16 chart y01) an answer it can read (a yes, an answer of the PHQ-9's or
    the EPDS's list) is a positive answer named as asked, at a PHQ-9 item 9's tier, no longer
    "could not be read"."""
    doc = _chart(name)
    chart_files.check_chart(doc)
    cards, record = Evaluator(AS_OF).by_topic_and_record(doc)
    assert (cards["suicide-risk"]["indicator"], cards["suicide-risk"]["summary"]) == (
        "critical",
        summary,
    )
    assert not any(g.reason == form_self_harm.UNREAD_UNSCALED for g in record.gaps)


def _answered(doc: dict, value: dict) -> dict:
    """`doc` with every answer of its QuestionnaireResponses' items set to `value`."""
    for entry in doc["prefetch"]["questionnaireResponses"]["entry"]:
        for item in entry["resource"].get("item", []):
            item["answer"] = [value]
    return doc


@pytest.mark.parametrize(
    "value",
    [{"valueString": "Not at all"}, {"valueString": "No"}, {"valueBoolean": False}],
)
def test_lowest_answer_stays_quiet(value: dict) -> None:
    doc = _answered(_chart("q03"), value)
    assert "suicide-risk" not in _by_topic(doc)


def test_answer_on_a_list_not_known_stays_the_unread_warning() -> None:
    """A number above 0 on a form no reader takes says no place on a known list (1 may be the
    lowest of a 1-5 list): still the net's unread warning (session 29 fix net30)."""
    cards, record = Evaluator(AS_OF).by_topic_and_record(
        _answered(_chart("q03"), {"valueInteger": 1})
    )
    assert (cards["suicide-risk"]["indicator"], cards["suicide-risk"]["summary"]) == (
        "warning",
        _UNSCALED,
    )
    assert any(g.reason == form_self_harm.UNREAD_UNSCALED for g in record.gaps)


def test_epds_item10_integer_on_an_epds_form_is_its_score() -> None:
    """Finding 5: EPDS item 10 valueInteger 3 on a form known as the EPDS (Cox 1987: 0-3)."""
    doc = _chart("q07")
    chart_files.check_chart(doc)
    card = _by_topic(doc)["suicide-risk"]
    assert (card["indicator"], card["summary"]) == (
        "critical",
        "EPDS item 10 = 3 (yes, quite often) on 2026-11-25: higher suicide risk, assess today "
        "(C-SSRS) and plan safety",
    )


def test_epds_item10_boolean_stays_unread() -> None:
    card = _by_topic(_chart("q16"))["suicide-risk"]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("EPDS item 10 answer on 2026-11-25 could not be read")
