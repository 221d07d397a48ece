"""An item 9 answer that is on record but cannot be read raises the suicide-risk card (review
patient-view finding 3).

A PHQ-9 item 9 (LOINC 44260-8), standalone or as a panel component, whose answer is coded under a
system the service does not know, is out of range or is text that is not a number, used to be only
a "Data not read" footnote, and the TMS card still offered a referral. It may be positive: within
policy.suicide_item9_lookback_days it is now a WARNING suicide-risk card that says what the record
shows, and the TMS card's suicide-risk line says the same. A readable item 9 or a documented
assessment on that day or later supersedes it. The DataGap stays.

Charts are the hand-written scenario with PHQ-9s as EHRs send them (tests/fixtures/builders.py),
the unreadable answer written the way vendors get it wrong.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

from cds_hooks.storage import record_codec
from fhir_mapping.build import build_record
from fhir_mapping.record import DataDomain, Score, SourceRef
from fhir_mapping.scores import read_scores, score_gaps
from services import tms_gate
from services.acute_risk import SuicideLevel
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from services.risk_evidence import item9_window_days
from services.rules import suicide_risk
from tests.fhir_mapping import fhir_resources as fr
from tests.fhir_mapping.test_suicide_screen import THOUGHTS, WISH_DEAD, cssrs_response
from tests.fixtures import builders as b
from tests.fixtures.scenarios import Scenario, scenario
from tests.services import factories as f
from tests.services.helpers import ctx
from tests.services.item9_answers import without_item9_on
from tests.services.test_suicide_risk_review import _cards

Resource = dict[str, Any]
ITEM9 = "44260-8"
DAY = date(2025, 5, 20)  # 13 days before the scenario's as-of date (2025-06-02)
# A vendor's own answer list: the answer is there, but not under LOINC (no LA code), in the
# site's own words. (Its text "More than half the days", the LOINC answer's own words, is read
# since review s23 RO finding 1: test_oracle23_item9_unread.py.)
SITE_ANSWER = {
    "valueCodeableConcept": {
        "coding": [
            {
                "system": "urn:oid:1.2.840.114350.1.13.0.1.7.4.698084.30",
                "code": "2",
                "display": "Over half the days",
            }
        ],
        "text": "Over half the days",
    }
}
OUT_OF_RANGE = {"valueInteger": 7}
NOT_A_NUMBER = {"valueString": "see note"}


def _with_value(resource: Resource, value: dict[str, Any]) -> Resource:
    out = copy.deepcopy(resource)
    for key in [k for k in out if k.startswith("value")]:
        del out[key]
    out.update(value)
    return out


def _unreadable_phq9(s: Scenario, day: date, value: dict[str, Any]) -> tuple[list[Resource], str]:
    """A PHQ-9 (total + standalone item 9 as Synthea / US Core send it) whose item 9 answer is
    `value`; and the item 9 Observation's id."""
    resources = b.phq9(day, 12, 2, "answer", patient=s.patient_id)
    out = []
    item_id = ""
    for r in resources:
        if r["code"]["coding"][0]["code"] == ITEM9:
            r = _with_value(r, value)
            item_id = r["id"]
        out.append(r)
    return out, item_id


def _unreadable_panel(s: Scenario, day: date, value: dict[str, Any]) -> tuple[list[Resource], str]:
    """A 44249-1 panel (item 9 as a component) with its item 9 component's answer `value`; and the
    panel's id."""
    resources = b.phq9(day, 12, 2, "panel-integer", patient=s.patient_id, total_in_panel=True)
    panel_id = ""
    for r in resources:
        if r["code"]["coding"][0]["code"] == "44249-1":
            panel_id = r["id"]
            r["component"] = [
                _with_value(c, value) if c["code"]["coding"][0]["code"] == ITEM9 else c
                for c in r["component"]
            ]
    return resources, panel_id


def _expected(day: date, ref: str) -> str:
    return (
        f"PHQ-9 item 9 answer on {day.isoformat()} could not be read ({ref}): check it in the "
        "chart; if it is above 0, assess suicide risk today"
    )


def _assert_unread_card(found: dict[str, Recommendation], day: date, ref: str) -> None:
    card = found["suicide-risk"]
    assert card.indicator is Indicator.WARNING
    full = _expected(day, ref)
    # The summary names the resource when 140 characters allow; the Found line always does.
    short = full.replace(f" ({ref})", "")
    assert card.summary == (full if len(full) <= 140 else short)
    assert f"- {full}\n" in card.detail
    assert list(found)[0] == "suicide-risk"
    # Not acute (nothing says the answer is positive): TMS is still shown, but the referral is
    # not one click until item 9 is checked (services/hold_survival.py: a step hold, review s26
    # RN finding 6) and the card's suicide-risk line says what to check.
    tms = found["tms-referral"]
    assert f"**Suicide risk:** {_expected(day, ref)}." in tms.detail
    assert tms.suggestions == ()
    assert tms.detail.startswith(
        '**Not one click yet:** Refer for TMS evaluation; this card puts "check item 9" first'
    )


# --- the card on EHR-shaped charts ----------------------------------------------------------------


def test_standalone_item9_under_an_unknown_answer_system_raises_a_warning_card() -> None:
    s = scenario("trd_meets_tms")
    baseline = _cards(s)
    assert "suicide-risk" not in baseline
    assert [x.is_recommended for x in baseline["tms-referral"].suggestions] == [True, False]
    phq9, item_id = _unreadable_phq9(s, DAY, SITE_ANSWER)
    found = _cards(s, phq9)
    # The answer joins the PHQ-9 total of its day; the card cites the answer itself.
    record = build_record(
        [*s.resources, *phq9], patient_id=s.patient_id, as_of=s.as_of, policy=None
    )
    (score,) = [x for x in record.phq9() if x.date == DAY]
    assert score.item9_unread == SourceRef("Observation", item_id)
    assert score.item9 is None and score.value == 12 and score.source != score.item9_unread
    _assert_unread_card(found, DAY, f"Observation/{item_id}")
    # Never silent stays: the unreadable Observation is still named as a data gap.
    assert any(
        g.source is not None and g.source.id == item_id for g in record.gaps_in(DataDomain.SCORES)
    )


def test_out_of_range_item9_in_a_panel_component_raises_the_card_citing_the_panel() -> None:
    s = scenario("trd_meets_tms")
    phq9, panel_id = _unreadable_panel(s, DAY, OUT_OF_RANGE)
    _assert_unread_card(_cards(s, phq9), DAY, f"Observation/{panel_id}")


def test_item9_text_that_is_not_a_number_with_no_total_that_day_cites_the_answer_itself() -> None:
    s = scenario("trd_meets_tms")
    phq9, item_id = _unreadable_phq9(s, DAY, NOT_A_NUMBER)
    alone = [r for r in phq9 if r["id"] == item_id]  # the item 9 answer sent without its total
    _assert_unread_card(_cards(s, alone), DAY, f"Observation/{item_id}")


def test_a_readable_item9_dated_later_supersedes_it_one_of_the_same_day_does_not() -> None:
    """Review s23 RR finding 2: a 0 of the same day settles nothing (it closed the card)."""
    s = scenario("trd_meets_tms")
    phq9, _ = _unreadable_phq9(s, DAY, OUT_OF_RANGE)
    same_day = b.phq9(DAY, 12, 0, "panel-answer", patient=s.patient_id)
    later = b.phq9(DAY + timedelta(days=3), 11, 0, "integer", patient=s.patient_id)
    earlier = b.phq9(DAY - timedelta(days=3), 13, 0, "integer", patient=s.patient_id)
    assert found_indicator(_cards(s, phq9, same_day)) is Indicator.WARNING
    found = _cards(s, phq9, later)
    assert "suicide-risk" not in found
    tms = found["tms-referral"]
    assert "**Suicide risk:**" not in tms.detail
    # Venlafaxine 17 -> 11 is a partial response still running: the referral comes after an
    # adjunct (audit 17 W3), whatever item 9 says, and is not one click until then (review s26
    # RN finding 6: a step hold).
    assert "**Partial response on a running course:**" in tms.detail
    assert tms.suggestions == ()
    assert '; this card puts "an adjunct to venlafaxine" first' in tms.detail
    # A readable answer before it says nothing about this one.
    assert found_indicator(_cards(s, phq9, earlier)) is Indicator.WARNING


def test_a_documented_assessment_on_the_same_day_or_later_supersedes_it() -> None:
    s = scenario("trd_meets_tms")
    phq9, _ = _unreadable_phq9(s, DAY, SITE_ANSWER)
    answers = {WISH_DEAD: False, THOUGHTS: False}
    for day in (DAY, DAY + timedelta(days=1)):
        done = cssrs_response(day, answers, patient=s.patient_id, rid=f"qr-{day}")
        assert "suicide-risk" not in _cards(s, phq9, done)
    before = cssrs_response(DAY - timedelta(days=1), answers, patient=s.patient_id, rid="qr-b")
    assert found_indicator(_cards(s, phq9, before)) is Indicator.WARNING


def test_outside_the_unassessed_item9_window_it_is_only_the_data_gap() -> None:
    # No readable item 9 after the unread one: the chart's latest PHQ-9 (2025-05-12) filed as a
    # total only (a readable answer on it would supersede the unread one).
    # The window is the one a readable positive answer gets (review s23 RO finding 1: an unread
    # answer of 31 days had left the 30-day look-back while a readable "2" of that day stayed).
    s = without_item9_on(scenario("trd_meets_tms"), date(2025, 5, 12))
    window = item9_window_days(Policy())
    assert window == Policy().suicide_unassessed_item9_days > Policy().suicide_item9_lookback_days
    old = s.as_of - timedelta(days=window + 1)
    phq9, _ = _unreadable_phq9(s, old, SITE_ANSWER)
    found = _cards(s, phq9)
    assert "suicide-risk" not in found
    # Past the 30-day look-back, still a signal (this chart's earlier PHQ-9s answer item 9 after
    # older days, which supersedes those; the window's far edge: test_oracle23_item9_unread.py).
    for days in (Policy().suicide_item9_lookback_days, Policy().suicide_item9_lookback_days + 1):
        edge, _ = _unreadable_phq9(s, s.as_of - timedelta(days=days), SITE_ANSWER)
        assert found_indicator(_cards(s, edge)) is Indicator.WARNING


def test_a_positive_item9_keeps_the_card_critical_and_names_the_unread_answer_too() -> None:
    s = scenario("trd_meets_tms")
    phq9, _ = _unreadable_phq9(s, DAY, NOT_A_NUMBER)
    positive = b.phq9(DAY - timedelta(days=5), 19, 3, "panel-answer", patient=s.patient_id)
    found = _cards(s, phq9, positive)
    card = found["suicide-risk"]
    assert card.indicator is Indicator.CRITICAL
    assert card.summary.startswith("PHQ-9 item 9 = 3 (nearly every day)")
    assert "could not be read (Observation/" in card.detail
    assert "tms-referral" not in found  # acute: TMS is not the next step


def found_indicator(found: dict[str, Recommendation]) -> Indicator | None:
    card = found.get("suicide-risk")
    return card.indicator if card is not None else None


# --- the mapping: where the flag sits ------------------------------------------------------------


def _item9(oid: str, day: date, value: dict[str, Any], **kwargs: Any) -> Resource:
    return _with_value(fr.item9(oid, day, 1, **kwargs), value)


def test_mapping_flags_unreadable_answers_and_keeps_their_gap() -> None:
    as_of = date(2025, 6, 2)
    resources = [
        fr.phq9_total("t1", DAY, 14),
        _item9("i1", DAY, SITE_ANSWER),  # joins t1 (same day)
        _item9("i2", DAY - timedelta(days=9), OUT_OF_RANGE),  # no total that day: its own Score
    ]
    fr.assert_valid(resources)
    scores = {s.source.id: s for s in read_scores(resources, as_of=as_of) if s.source}
    i1, i2 = SourceRef("Observation", "i1"), SourceRef("Observation", "i2")
    assert scores["t1"] == Score("PHQ-9", 14, DAY, None, scores["t1"].source, item9_unread=i1)
    orphan = scores["i2"]
    assert (orphan.value, orphan.item9, orphan.item9_unread) == (None, None, i2)
    gaps = {g.source.id for g in score_gaps(resources, as_of=as_of) if g.source}
    assert gaps == {"i1", "i2"}


def test_a_positive_answer_on_the_same_score_wins_a_zero_does_not() -> None:
    """Review s23 RR finding 2: beside a readable 0 the unreadable answer stays (it was dropped);
    beside a positive one it is dropped (that answer raises the higher card); a readable answer
    alone is never flagged."""
    as_of = date(2025, 6, 2)
    both = [
        fr.phq9_total("t1", DAY, 14),
        _item9("i1", DAY, NOT_A_NUMBER),
        fr.item9("i2", DAY, 0, answer=True),
    ]
    (score,) = read_scores(both, as_of=as_of)
    assert (score.item9, score.item9_unread) == (0, SourceRef("Observation", "i1"))
    both[2] = fr.item9("i2", DAY, 2, answer=True)
    (score,) = read_scores(both, as_of=as_of)
    assert (score.item9, score.item9_unread) == (2, None)
    panel = fr.phq9_panel("p1", DAY, total=14, item9_score=2, answer=True)
    (score,) = read_scores([panel], as_of=as_of)
    assert (score.item9, score.item9_unread) == (2, None)


def test_the_flag_round_trips_through_the_record_codec() -> None:
    record = f.trd_record(
        scores=(
            Score(
                "PHQ-9",
                14,
                f.AS_OF - timedelta(days=3),
                None,
                None,
                item9_unread=SourceRef("Observation", "i9"),
            ),
        )
    )
    back = record_codec.decode(record_codec.encode(record))
    assert back.scores == record.scores
    assert back.scores[0].item9_unread == SourceRef("Observation", "i9")


# --- the rule on hand-built records ----------------------------------------------------------------


def test_rule_level_and_supersession_on_records() -> None:
    day = f.AS_OF - timedelta(days=4)
    # An answer with no resource id (a contained or id-less resource) is still named.
    unread = Score("PHQ-9", 14, day, None, None, item9_unread=SourceRef("Observation", ""))
    signal = ctx(f.trd_record(scores=(unread,))).facts.suicide
    assert signal is not None and signal.level is SuicideLevel.UNREAD and not signal.acute
    assert tms_gate.referral_note(signal) == (
        f"**Suicide risk:** {_expected(day, 'no resource id')}."
    )
    card = suicide_risk.rule(ctx(f.trd_record(scores=(unread,))))
    assert card is not None and card.indicator is Indicator.WARNING and not card.suggestions
    # An item 9 inferred from a total of 25 is not a readable answer: it is its own (critical)
    # signal, and the unread answer of the day before is still named.
    inferred = Score("PHQ-9", 25, day + timedelta(days=1), 1, None, item9_inferred=True)
    signal = ctx(f.trd_record(scores=(unread, inferred))).facts.suicide
    assert signal is not None and signal.level is SuicideLevel.UNASSESSED
    assert len(signal.unread) == 1
    # A recorded item 9 = 0 the day after supersedes it.
    zero = f.score(10, day + timedelta(days=1), item9=0)
    assert ctx(f.trd_record(scores=(unread, zero))).facts.suicide is None
