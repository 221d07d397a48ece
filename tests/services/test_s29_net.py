"""Session 29 fix net30: the forms safety net for self-harm questions on forms not read as a
scale (fhir_mapping/form_self_harm.py, form_self_harm_answers.py), review s29 K16's charts
(tests/services/s29_net_charts/, named by K16's chart prefix):

1. an extra suicide question on a form read as the PHQ-9 (LOINC 44249-1) was read by no one
   (p02, p03): the PHQ-9 reader keeps only the items it takes;
2. the net's wordings were too narrow (h00-h11, the ASQ's x01, x02): data/screen_item_terms.csv
   rows of instrument "Self-harm question" and "ASQ";
3. a plain "Yes" was "could not be read" (y01): a yes is a positive answer, named as what was
   asked and answered, at a positive PHQ-9 item 9's tier;
4. documentation items fired (f12, f14-f17): a "0", a denial, a note that the question was
   asked, "Not asked" say nothing; a refusal (f18) stays the warning;
5. EPDS item 10 = false (e08) was unreadable: it is "Never"; a true stays the warning.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.storage import record_codec
from fhir_mapping import form_self_harm
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"
_chart = chart_files.loader(Path(__file__).parent / "s29_net_charts")
_evaluate = Evaluator(AS_OF)
_ASSESS = "on 2026-11-25: complete a suicide risk assessment today (e.g. C-SSRS)"
_UNREAD = (
    "Self-harm question answer on 2026-11-25 could not be read: check it in the chart; if it is "
    "above the lowest, assess suicide risk today"
)


def _card(doc: dict[str, Any]) -> tuple[str, str] | None:
    chart_files.check_chart(doc)
    card = _evaluate.by_topic(doc).get(RISK)
    return None if card is None else (card["indicator"], card["summary"])


def _response(doc: dict[str, Any]) -> dict[str, Any]:
    resource: dict[str, Any] = doc["prefetch"]["questionnaireResponses"]["entry"][0]["resource"]
    return resource


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        (
            "p02",
            'Self-harm question "Has there been a time in the past month when you have had…" = yes on '
            "2026-11-25: assess suicide risk today",
        ),
        ("p03", f'Self-harm question "Suicidal thoughts today?" = yes {_ASSESS}'),
    ],
)
def test_extra_question_on_a_phq9_form_is_read(name: str, summary: str) -> None:
    """Item 1: a LOINC 44249-1 PHQ-9 (item 9 "Not at all") with an extra suicide question
    answered yes: nothing before (the whole form was the PHQ-9 reader's)."""
    assert _card(_chart(name)) == ("critical", summary)


def test_extra_question_answered_no_on_a_phq9_form_stays_quiet() -> None:
    assert _card(_chart("p04")) is None


def test_phq9_items_stay_the_phq9_readers() -> None:
    """The PHQ-9's own item 9 is still the PHQ-9 reader's (its card), not the net's."""
    doc = _chart("p04")
    item9 = next(i for i in _response(doc)["item"] if i["linkId"] == "/44260-8")
    item9["answer"] = [{"valueString": "Several days"}]
    assert _card(doc) == (
        "critical",
        f"PHQ-9 item 9 = 1 (several days) {_ASSESS}",
    )


@pytest.mark.parametrize(
    ("name", "question"),
    [
        ("h00", "Previous suicide attempt"),
        ("h01", "Have you ever attempted suicide?"),
        ("h02", "Any thoughts of suicide?"),
        ("h03", "Thoughts of killing yourself"),
        ("h05", "Suicidal ideation"),
        ("h06", "SI in the past 2 weeks"),
        ("h07", "Wish to be dead"),
        ("h08", "Any self-harm in the past month?"),
        ("h09", "History of suicide attempts"),
        ("h10", "Have you ever tried to hurt yourself on purpose?"),
        ("h11", "Are you having thoughts of ending your life?"),
        ("x01", "In the past week, have you been having thoughts about…"),
    ],
)
def test_wider_wordings_answered_yes(name: str, question: str) -> None:
    """Items 2 and 3: each question on a GAD-7 form (or the ASQ) answered "Yes": nothing
    before; now the positive answer, named as asked."""
    card = _card(_chart(name))
    assert card is not None
    indicator, summary = card
    assert indicator == "critical"
    assert summary.startswith(f'Self-harm question "{question}" = yes on 2026-11-25: '), summary


def test_asq_first_question_and_acuity_question() -> None:
    assert _card(_chart("x02")) == (
        "critical",
        'Self-harm question "In the past few weeks, have you wished you were dead?" = yes on '
        "2026-11-25: assess suicide risk today",
    )
    doc = _chart("x03")
    _response(doc)["item"].append(
        {
            "linkId": "5",
            "text": "Are you having thoughts of killing yourself right now?",
            "answer": [{"valueString": "Yes"}],
        }
    )
    card = _card(doc)
    assert card is not None and card[0] == "critical"


def test_asq_all_no_stays_quiet() -> None:
    assert _card(_chart("x03")) is None


def test_family_history_of_suicide_attempt_stays_quiet() -> None:
    """A family history is negated (text_negations.csv "family history of"): not the patient's."""
    doc = _chart("h00")
    _response(doc)["item"][-1]["text"] = "Family history of suicide attempt"
    assert _card(doc) is None


def test_plain_yes_is_a_positive_answer_not_unread() -> None:
    """Item 3: the PHQ-A's "EVER ... tried to kill yourself" = "Yes" (item 9 "Not at all"): was
    "could not be read: ... if it is above the lowest", a false statement."""
    doc = _chart("y01")
    assert _card(doc) == (
        "critical",
        'Self-harm question "Have you EVER, in your WHOLE LIFE, tried to kill yourself…" = yes on '
        "2026-11-25: assess suicide risk today",
    )
    cards, record = _evaluate.by_topic_and_record(doc)
    assert not [g for g in record.gaps if g.reason == form_self_harm.UNREAD_UNSCALED]
    assert 'kill yourself or made a suicide attempt?" = yes on 2026-11-25' in cards[RISK]["detail"]
    # The answer's words survive a stored record (cds_hooks/storage/record_codec.py).
    back = record_codec.decode(record_codec.encode(record))
    assert [s.asked for s in back.scores if s.asked] == [s.asked for s in record.scores if s.asked]


def test_true_and_coded_yes_are_positive() -> None:
    doc = _chart("h05")
    _response(doc)["item"][-1]["answer"] = [{"valueBoolean": True}]
    assert _card(doc) == ("critical", f'Self-harm question "Suicidal ideation" = yes {_ASSESS}')
    _response(doc)["item"][-1]["answer"] = [
        {"valueCoding": {"system": "http://loinc.org", "code": "LA33-6", "display": "Yes"}}
    ]
    assert _card(doc) == ("critical", f'Self-harm question "Suicidal ideation" = yes {_ASSESS}')


def test_frequency_answer_takes_its_item9_tier() -> None:
    doc = _chart("h05")
    _response(doc)["item"][-1]["answer"] = [{"valueString": "Nearly every day"}]
    assert _card(doc) == (
        "critical",
        'Self-harm question "Suicidal ideation" = nearly every day on 2026-11-25: higher suicide risk, '
        "assess today (C-SSRS) and plan safety",
    )


@pytest.mark.parametrize("name", ["f04", "f18"])
def test_not_read_answers_keep_the_warning(name: str) -> None:
    """An integer 1 on a list not known (1 may be its lowest) and a refusal stay unread."""
    assert _card(_chart(name)) == ("warning", _UNREAD)


@pytest.mark.parametrize("name", ["f12", "f14", "f15", "f16", "f17"])
def test_documentation_items_stay_quiet(name: str) -> None:
    """Item 4: "Self-harm thoughts (0-3)" = "0", "Asked about suicidal thoughts" = true,
    "Suicidal thoughts - comments" = "pt denies", "Suicidal thoughts" = "No SI" / "Not asked"."""
    assert _card(_chart(name)) is None


@pytest.mark.parametrize(
    "text", ["Self-harm risk assessment completed", "Suicide attempt precautions in place"]
)
def test_task_items_stay_quiet(text: str) -> None:
    """Items about a task, not the patient's answer, answered true: nothing."""
    doc = _chart("h05")
    _response(doc)["item"][-1].update(text=text, answer=[{"valueBoolean": True}])
    assert _card(doc) is None


@pytest.mark.parametrize(
    "answer",
    ["Denies SI/HI", "Pt denies.", "none", "No suicidal ideation"],
)
def test_denials_stay_quiet(answer: str) -> None:
    doc = _chart("f16")
    _response(doc)["item"][-1]["answer"] = [{"valueString": answer}]
    assert _card(doc) is None


@pytest.mark.parametrize(
    "answer",
    ["Denies SI, past suicide attempt 2019", "No plan but thoughts daily", "Not sure"],
)
def test_partial_denials_are_not_read_as_denials(answer: str) -> None:
    doc = _chart("f16")
    _response(doc)["item"][-1]["answer"] = [{"valueString": answer}]
    assert _card(doc) == ("warning", _UNREAD)


def test_epds_item10_false_is_never_and_true_stays_unread() -> None:
    """Item 5: EPDS item 10 "Thoughts of harming self" = false is "Never"; true is not read."""
    doc = _chart("e08")
    assert _card(doc) is None
    positive = copy.deepcopy(doc)
    _response(positive)["item"][-1]["answer"] = [{"valueBoolean": True}]
    card = _card(positive)
    assert card is not None and card[0] == "warning"
    assert card[1].startswith("EPDS item 10 answer on 2026-11-25 could not be read")
