"""Review s29 RQ4 (fix rq4fix): a lost critical card, a lost TMS card and new noise from session
29's text and procedure readings (rq4fix_charts/, all 19 prefetch keys):

1. A stated history dated January 1 of a year matched even inside a full date or a month: the
   ED visit of 2026-01-10 with reason "History of overdose on 12/28/2025, medically cleared"
   (as of 2026-01-20) lost its critical card, so did "Hx of intentional overdose Dec 2025",
   "History of intentional overdose 2025" and "History of SI in December 2025". Now dated by
   the latest day the words allow (stated_history.py), all critical again. "Hx of SI 2010, now
   denies": "now" before a denial is no current word, the history of 2010 makes no card.
2. A relative's withdrawal seizures read as the patient's ("Father with alcohol withdrawal
   seizures": no TMS card, bupropion "contraindicated in seizure disorders"), and a relative's
   SI ("Sister with SI, family stress") read as the patient's critical risk: a relative written
   as the subject governs these kinds too (diagnosis_text.py, self_harm_subject.py).
3. Withdrawal words read without their context ("Counselled: abrupt discontinuation of Xanax
   not advised", "Alcohol detox 2015, sober since", "Inquired about alcohol detox programs for
   brother") barred bupropion and raised warnings: now quiet (withdrawal_context.py).
4. A psychotherapy Procedure `stopped` with statusReason "Patient no-show" counted as a session
   given: now not (session_not_held.py), the psychotherapy line stands.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fhir_mapping import stated_history
from fhir_mapping.diagnosis_text import text_kinds
from fhir_mapping.record import FindingKind
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
# The ED-visit charts: the visit of 2026-01-10, read ten days later.
VISIT_AS_OF = date(2026, 1, 20)
RISK = "suicide-risk"

_chart = chart_files.loader(Path(__file__).parent / "rq4fix_charts")
_at = Evaluator(AS_OF)


def _doc(name: str) -> dict[str, object]:
    doc = _chart(name)
    chart_files.check_chart(doc)
    return doc


@pytest.mark.parametrize(
    ("name", "dated"),
    [
        ("od_hx_12_28_2025_cleared", date(2025, 12, 28)),
        ("od_hx_dec_2025", date(2025, 12, 31)),
        ("od_hx_2025", date(2025, 12, 31)),
        ("si_hx_december_2025", date(2025, 12, 31)),
    ],
)
def test_a_recent_stated_history_keeps_its_critical_card(name: str, dated: date) -> None:
    cards, record = _at.by_topic_and_record(_doc(name), as_of=VISIT_AS_OF)
    assert cards[RISK]["indicator"] == "critical"
    onsets = {
        f.onset
        for kind in (FindingKind.SELF_HARM, FindingKind.SUICIDAL_IDEATION)
        for f in record.context.of(kind)
    }
    assert onsets == {dated}


def test_now_denies_is_no_current_word() -> None:
    assert RISK not in _at.by_topic(_doc("si_hx_2010_now_denies"))
    assert stated_history.past_clauses("Hx of SI 2010, now denies", bool)[1] == "2010"
    # A current word with no denial after it keeps the visit's date.
    assert stated_history.past_clauses("Hx of SI 2010, now recurrent", bool)[1] is None


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("History of overdose on 12/28/2025, medically cleared", "2025-12-28"),
        ("Hx of overdose Dec 28, 2025", "2025-12-28"),
        ("Hx of overdose 2025-12-03", "2025-12-03"),
        ("Hx of overdose 01/02/2025", "2025-02-01"),  # read either way: the later day
        ("Hx of overdose 12/2025", "2025-12"),
        ("Hx of intentional overdose Dec 2025", "2025-12"),
        ("History of SI in 2015, resolved", "2015"),
    ],
)
def test_a_stated_history_is_written_as_its_latest_day(text: str, written: str) -> None:
    assert stated_history.past_clauses(text, lambda words: "overdose" in words)[1] == written


@pytest.mark.parametrize("name", ["sister_with_si_reason", "sister_with_si_problem"])
def test_a_relatives_si_is_not_the_patients(name: str) -> None:
    assert RISK not in _at.by_topic(_doc(name))


def test_a_relatives_withdrawal_seizures_are_not_the_patients() -> None:
    cards = _at.by_topic(_doc("father_with_alcohol_withdrawal_seizures"))
    assert "tms-referral" in cards
    assert "diagnosis-review" not in cards
    assert "contraindicated" not in cards["optimize-switch-augment"]["detail"]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Father with alcohol withdrawal seizures", ()),
        ("Sister with SI, family stress", ()),
        ("Alcohol withdrawal seizures", (FindingKind.EPILEPSY,)),
        ("SI, sister with depression", (FindingKind.SUICIDAL_IDEATION,)),
    ],
)
def test_relative_words(text: str, kinds: tuple[FindingKind, ...]) -> None:
    found = text_kinds(text)
    assert all(k in found for k in kinds)
    if not kinds:
        assert not {FindingKind.EPILEPSY, FindingKind.SUICIDAL_IDEATION} & set(found)


@pytest.mark.parametrize(
    "name",
    [
        "counselled_abrupt_discontinuation_xanax",
        "alcohol_detox_2015_sober_since",
        "inquired_detox_programs_for_brother",
    ],
)
def test_withdrawal_words_in_context_are_quiet(name: str) -> None:
    cards = _at.by_topic(_doc(name))
    assert "diagnosis-review" not in cards
    assert "safety screen first" not in cards["tms-referral"]["summary"]
    assert "contraindicated" not in json.dumps(cards["optimize-switch-augment"])


@pytest.mark.parametrize(
    "text",
    ["Alcohol withdrawal", "Xanax withdrawal, counselled on taper", "Alcohol detox"],
)
def test_a_withdrawal_itself_is_still_read(text: str) -> None:
    assert FindingKind.ALCOHOL_SEDATIVE_WITHDRAWAL in text_kinds(text)


def test_a_psychotherapy_no_show_is_no_session() -> None:
    cards = _at.by_topic(_doc("psychotherapy_stopped_no_show"))
    assert "no psychotherapy procedure" in cards["psychotherapy"]["summary"]
