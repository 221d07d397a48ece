"""Session 32 fix mirt45: a sleep dose of mirtazapine is no adjunct (recheck K31b finding 9).

T3_mirtaz_sleep (the reviewer's chart, all 19 prefetch keys; as of 2026-12-01): sertraline and
venlafaxine failed, bupropion 300 mg added, then mirtazapine 7.5 mg "Take 7.5 mg by mouth at
bedtime for sleep", scheduled. It read as an adjunct below its 30 mg/day CANMAT dose: the
optimise card asked to raise it and the TMS card held ("raise mirtazapine first"). The as-needed
exclusion of antidepressants.csv never reached it: added to a running antidepressant, mirtazapine
is read by its adjunct row, which has none (fhir_mapping/sleep_use.py). Variants of the chart
(built from it, only the mirtazapine order's sig, dose and asNeededBoolean changed):

- sleep dose (at most 15 mg/day, data/sleep_doses.csv) with a sleep purpose in its sig, or as
  needed: no trial, no adjunct, no hold of TMS (T3, T3b, T3c, T3d);
- controls: 15 mg "at bedtime" with no purpose stays an adjunct below its dose (15 mg is also
  the labelled antidepressant starting dose: T3e); "not for sleep" is no purpose (T3h); 30 mg
  for depression or "for sleep" is above the sleep dose and an adjunct course as before (T3f,
  T3g); trazodone 50 mg as needed for sleep unchanged (T3i).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.record import InadequacyReason, Role, Verdict
from fhir_mapping.sleep_use import states_sleep_purpose
from fhir_mapping.trial import Trial
from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator

pytestmark = pytest.mark.real_drug_table

TMS = "tms-referral"
OPTIMISE = "optimize-switch-augment"
DIR = Path(__file__).parent / "mirt45_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _run(name: str, drug: str = "mirtazapine") -> tuple[dict[str, Doc], Trial]:
    cards, record = _at.by_topic_and_record(_chart(name))
    (course,) = [t for t in record.trials if t.ingredient == drug]
    return cards, course


@pytest.mark.parametrize(
    ("name", "how", "mg"),
    [
        ("T3_mirtaz_sleep", "for sleep", "7.5"),
        ("T3b_mirtaz_sleep_prn", "as needed", "7.5"),
        ("T3c_mirtaz_prn_no_purpose", "as needed", "7.5"),
        ("T3d_mirtaz_15_sleep", "as needed", "15"),  # "qhs prn sleep": read as needed
    ],
)
def test_a_sleep_dose_is_no_adjunct_and_holds_no_referral(name: str, how: str, mg: str) -> None:
    cards, course = _run(name)
    assert course.role is Role.AUGMENTATION
    assert course.verdict is Verdict.NOT_A_TRIAL
    assert course.reasons == (InadequacyReason.LOW_DOSE_OTHER_INDICATION,)
    assert (
        f"mirtazapine {mg} mg {how}: a sleep dose (insomnia, at most 15 mg/day), "
        "not counted as an adjunct"
    ) in course.notes
    assert OPTIMISE not in cards  # no "raise it or change strategy" for a sleep aid
    tms = cards[TMS]
    assert "raise mirtazapine" not in tms["summary"]
    assert tms["summary"].startswith("1 adequate trial failed, 1 stopped unmeasured; PHQ-9 18:")
    assert "consider TMS referral" in tms["summary"]


@pytest.mark.parametrize("name", ["T3e_mirtaz_15_bedtime", "T3h_mirtaz_insomnia_not"])
def test_a_low_dose_with_no_sleep_purpose_stays_an_adjunct_below_its_dose(name: str) -> None:
    # 15 mg at bedtime is also the labelled antidepressant starting dose: without a stated
    # purpose it stays an adjunct the card asks to raise (sleep_doses.csv's note).
    cards, course = _run(name)
    assert course.verdict is Verdict.ONGOING
    assert course.role is Role.AUGMENTATION
    # orders39: the order has no fill while the chart's feed carries other fills, so the card
    # asks whether it was collected before any dose advice, and the TMS card holds no raise.
    assert course.awaiting_fill is not None and course.feed_unfilled
    assert (
        cards[OPTIMISE]["summary"]
        == "Mirtazapine ordered 2026-11-15, no fill yet: check it was collected before judging "
        "its dose"
    )
    assert "raise mirtazapine" not in cards[TMS]["summary"]


@pytest.mark.parametrize("name", ["T3f_mirtaz_30_depression", "T3g_mirtaz_30_sleep"])
def test_an_adjunct_dose_is_a_course_whatever_its_sig(name: str) -> None:
    _, course = _run(name)
    assert course.role is Role.AUGMENTATION
    assert course.verdict is Verdict.ONGOING
    assert not any("sleep dose" in note for note in course.notes)


def test_trazodone_as_needed_for_sleep_is_unchanged() -> None:
    cards, course = _run("T3i_trazodone_prn_sleep", "trazodone")
    assert course.verdict is Verdict.NOT_A_TRIAL
    assert not any("sleep dose" in note for note in course.notes)  # its own low-dose rule
    assert OPTIMISE not in cards
    assert "raise trazodone" not in cards[TMS]["summary"]


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        ("Take 7.5 mg by mouth at bedtime for sleep", True),
        ("Take 7.5 mg by mouth at bedtime for insomnia", True),
        ("7.5 mg qhs prn sleep", True),
        ("Take 1 tablet to help with sleep", True),
        ("Take 15 mg by mouth at bedtime", False),
        ("Take 15 mg at bedtime for mood, not for sleep", False),
        ("Take 15 mg at bedtime for sleepiness", False),
    ],
)
def test_the_sleep_purpose_words(text: str, stated: bool) -> None:
    assert states_sleep_purpose([{"text": text}]) is stated
    assert states_sleep_purpose([{"patientInstruction": text}]) is stated


def test_one_record_with_a_nightly_sig_and_no_purpose_makes_it_a_course() -> None:
    # As the as-needed rule reads it (review 6 finding 10): a re-order "at bedtime" with no
    # purpose is a course, not a sleep aid.
    doc = _chart("T3_mirtaz_sleep")
    entries = doc["prefetch"]["medicationRequests"]["entry"]
    (order,) = [
        e for e in entries if e["resource"]["medicationCodeableConcept"]["text"] == "mirtazapine"
    ]
    again = json.loads(json.dumps(order))
    again["resource"]["id"] = "mirt45-reorder"
    again["resource"]["authoredOn"] = "2026-11-22T09:30:00-05:00"
    again["resource"]["dosageInstruction"][0]["text"] = "Take 7.5 mg by mouth at bedtime"
    entries.append(again)
    cards, record = _at.by_topic_and_record(doc)
    (course,) = [t for t in record.trials if t.ingredient == "mirtazapine"]
    assert course.verdict is Verdict.ONGOING
    assert course.role is Role.AUGMENTATION
    # orders39: no fill of it on the chart's feed: named as awaiting its first fill, no raise.
    assert cards[OPTIMISE]["summary"].startswith("Mirtazapine ordered 2026-11-15, no fill yet")
