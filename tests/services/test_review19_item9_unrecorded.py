"""Review 19 item 5: PHQ-9 totals with no item 9 on record (services/item9_unrecorded.py,
services/rules/item9_not_recorded.py).

The reviewer's chart (flowsheet_totals_loinc_no_item9_epic, from b02b): an Epic flowsheet files
the PHQ-9 total only (LOINC 44261-6 beside the site's flowsheet row), three totals 17 -> 16 ->
15, sertraline 100 mg failed. The optimise card offered aripiprazole and brexpiprazole one click
and nothing said item 9 (the suicide item) was unknown, while the same chart with item 9 = 1
(b03) holds them. Now, while the latest total has no item 9 and is within the item-9 look-back
(policy.suicide_item9_lookback_days):
- the optimise card leads with "PHQ-9 item 9 not recorded: ... Check item 9 in the chart or ask
  it today (or use the C-SSRS screener)" and its drug proposals are text, as for an unanswered
  item 9; the CBT / IPT referrals stay one click; said once on the screen;
- with nothing else to say on an active chart (week 3 of escitalopram), a warning card of its
  own; a remitted chart stays quiet;
- it goes with an item 9 answer or a risk assessment on or after the total, once the total is
  past the look-back, and during an inpatient stay; with scores left unread it says "not read".

Charts: tests/services/review19_item9_charts/ (the review's requests, every prefetch key, valid
R4B; the two "total_only" ones are the review's a01 / a02 with the latest item 9 Observation left
out).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.config.settings import load_settings
from cds_hooks.offline import OfflineResult, evaluate_document
from services.evaluation import screen_without
from services.policy import Policy
from tests.cds_hooks.test_fi1_withheld_results import _outcome
from tests.fhir_mapping.test_suicide_screen import THOUGHTS, WISH_DEAD, cssrs_response
from tests.services import chart_files
from tests.services.item9_answers import answered

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
HERE = Path(__file__).parent
_chart = chart_files.loader(HERE / "review19_item9_charts")
_leftover17 = chart_files.loader(HERE / "leftover17_charts")
Doc = dict[str, Any]

FLOWSHEET = "flowsheet_totals_loinc_no_item9_epic"
OPTIMISE = "optimize-switch-augment"
PSYCHOTHERAPY = "psychotherapy"
ITEM9 = "phq9-item9-not-recorded"
DRUG_ONE_CLICKS = [
    "Raise sertraline to 200 mg/day (dose first, CANMAT 2023 para 187)",
    "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)",
    "Propose adjunctive brexpiprazole 0.5 mg/day (CANMAT first line)",
]
LINE = (
    "**PHQ-9 item 9 not recorded:** the PHQ-9s on record are totals only (latest 15 on "
    "2026-11-09); a total does not show whether the patient has thoughts of death or self-harm. "
    "Check item 9 in the chart or ask it today (or use the C-SSRS screener); if it is above 0, "
    "assess suicide risk."
)


def _run(doc: Doc, *, as_of: date = AS_OF, policy: Policy | None = None) -> OfflineResult:
    return evaluate_document(doc, hook=doc["hook"], as_of=as_of, policy=policy or Policy())


def _cards(doc: Doc, **kw: Any) -> dict[str, Doc]:
    cards: list[Doc] = _run(doc, **kw).response.to_json()["cards"]
    return {c["source"]["topic"]["code"]: c for c in cards}


def _drug_orders(card: Doc) -> list[str]:
    return [
        s["label"]
        for s in card.get("suggestions", [])
        for a in s.get("actions", [])
        if (a.get("resource") or {}).get("resourceType") == "MedicationRequest"
    ]


def _said(cards: dict[str, Doc]) -> int:
    return sum((c["summary"] + c["detail"]).count("item 9 not re") for c in cards.values())


def _assert_quiet(cards: dict[str, Doc]) -> None:
    """No item-9 line or card, and the adjuncts one click as before."""
    assert ITEM9 not in cards
    assert "item 9 not re" not in " ".join(c["detail"] for c in cards.values())
    optimise = cards[OPTIMISE]
    assert "held" not in optimise["summary"]
    assert _drug_orders(optimise) == DRUG_ONE_CLICKS


# --- the line on the optimise card, and its hold ----------------------------------------------


def test_flowsheet_totals_only_hold_the_drug_one_clicks_and_say_why() -> None:
    cards = _cards(_chart(FLOWSHEET))
    assert list(cards) == [OPTIMISE, PSYCHOTHERAPY]
    optimise = cards[OPTIMISE]
    # The hold takes the adjuncts and switches off too, so the summary proposes none of them
    # (a held summary names nothing the same hold removes).
    assert optimise["summary"] == (
        "1 adequate trial failed (sertraline): sertraline 150 mg/day, room to 200: raise held "
        "(PHQ-9 item 9 not recorded, ask it first)"
    )
    first = optimise["detail"].split("\n\n")[0]
    assert first == f"{LINE} Not one click until then: {'; '.join(DRUG_ONE_CLICKS)}."
    assert _drug_orders(optimise) == []
    # A referral adds no means of overdose: CBT and IPT stay one click.
    assert [s["label"] for s in cards[PSYCHOTHERAPY]["suggestions"]] == [
        "Refer for CBT",
        "Refer for IPT",
    ]
    assert _said(cards) == 2  # the summary's reason and the one line: said once a screen


def test_the_site_code_flowsheet_row_read_through_the_example_codes_says_the_same() -> None:
    """b02: the flowsheet row under the site's code only, read through deploy's [codes]."""
    config = HERE.parents[1] / "deploy" / "config.example.toml"
    policy = load_settings(str(config)).clinical_policy()
    optimise = _cards(_chart("flowsheet_totals_site_code_no_item9_epic"), policy=policy)[OPTIMISE]
    assert optimise["detail"].startswith(LINE)
    assert _drug_orders(optimise) == []


def test_item9_answered_with_the_latest_total_keeps_the_one_clicks() -> None:
    _assert_quiet(_cards(answered(_chart(FLOWSHEET))))


def test_a_later_risk_assessment_answers_it() -> None:
    doc = _chart(FLOWSHEET)
    patient = doc["context"]["patientId"]
    negative = cssrs_response(
        date(2026, 11, 20), {WISH_DEAD: False, THOUGHTS: False}, patient=patient, rid="cssrs-1"
    )
    doc["prefetch"]["questionnaireResponses"].setdefault("entry", []).append({"resource": negative})
    _assert_quiet(_cards(doc))


def test_the_hold_outlasts_the_item9_lookback() -> None:
    # 2026-11-09 is 31 days before 2026-12-10: past the 30-day look-back of an item 9 answer, but
    # item 9 has still never been asked, so the line and the hold stay (review s20 RA finding 3
    # reversed this test's old "nothing is said": the hold lapsed on time alone).
    late = date(2026, 12, 10)
    cards = _cards(_chart(FLOWSHEET), as_of=late)
    assert cards[OPTIMISE]["detail"].startswith("**PHQ-9 item 9 not recorded:**")
    assert "(PHQ-9 item 9 not recorded, ask it first)" in cards[OPTIMISE]["summary"]


def test_scores_left_unread_say_not_read_never_not_recorded() -> None:
    doc = _chart(FLOWSHEET)
    bundle = doc["prefetch"]["observations"]
    bundle["entry"].append(
        {"resource": _outcome("warning", "suppressed"), "search": {"mode": "outcome"}}
    )
    optimise = _cards(doc)[OPTIMISE]
    assert "held (PHQ-9 item 9 not read, ask it first)" in optimise["summary"]
    assert optimise["detail"].startswith(
        "**PHQ-9 item 9 not read:** the latest PHQ-9 read (15 on 2026-11-09) has no item 9, and "
        "some scores could not be read;"
    )
    assert "not recorded" not in optimise["detail"]


def test_snoozing_the_card_that_carried_it_raises_no_card_of_its_own() -> None:
    result = _run(_chart(FLOWSHEET))
    shown = screen_without(result.evaluation, Policy(), frozenset({OPTIMISE}))
    assert [r.topic for r in shown] == [PSYCHOTHERAPY]


# --- said alone, or not at all ----------------------------------------------------------------


def test_week_3_with_nothing_else_to_say_gets_the_card_of_its_own() -> None:
    doc = _chart("week3_escitalopram_total_only_epic")
    cards = _cards(doc)
    assert list(cards) == [ITEM9]
    card = cards[ITEM9]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "PHQ-9 17 on 2026-11-10: item 9 not recorded - check or ask it today"
    )
    assert card["detail"].startswith(
        "**PHQ-9 item 9 not recorded:** the PHQ-9s on record are totals only (latest 17 on "
        "2026-11-10)"
    )
    assert not card.get("suggestions")
    # Snoozable, fingerprinted by the PHQ-9 itself.
    (rec,) = _run(doc).evaluation.recommendations
    assert rec.snoozable and rec.evidence_key
    assert _cards(answered(doc)) == {}  # item 9 answered: the week-3 chart is quiet again


def test_a_remitted_chart_filed_as_totals_only_stays_quiet() -> None:
    assert _cards(_chart("remitted_sertraline_total_only_epic")) == {}


def test_an_open_acute_suicide_card_asks_for_the_assessment_instead() -> None:
    cards = _cards(_chart("qr_item9_positive_twice_unassessed_oracle"))
    assert "item 9 not re" not in " ".join(c["detail"] for c in cards.values())
    assert cards[OPTIMISE]["detail"].startswith("**Suicide risk card open:**")


def test_an_inpatient_stay_in_progress_says_nothing_of_it() -> None:
    # A medical stay (pneumonia), PHQ-9 totals only: the ward assesses, and the outpatient
    # one-clicks already wait for discharge (rules/inpatient_hold.py).
    result = evaluate_document(
        _leftover17("stay_medical_pneumonia_in_progress"),
        hook="patient-view",
        as_of=date(2025, 6, 2),
        policy=Policy(),
    )
    text = " ".join(c.summary + c.detail for c in result.evaluation.recommendations)
    assert "Currently admitted (medical)" in text
    assert "item 9 not re" not in text
