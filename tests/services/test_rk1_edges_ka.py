"""Review s26 RK1 findings 1, 4 and 5 (edge charts of this session's fixes), evaluated as of
2026-12-01.

1. UNSAFE: a running nortriptyline with a complete heart block resolved in 2025 and coded active
   again in 2026-11, and no PHQ-9 item 9, got NO cards at patient-view: the optimise card's held
   summary named three reasons in 201 characters ("...: raise held (PHQ-9 item 9 not recorded;
   nortriptyline with complete heart block on record; nortriptyline with complete heart block on
   record (resolved 2025-01-10))"), the card model rejected it and the whole evaluation failed.
   Now: the hold names one reason per drug and finding code, the active finding before the same
   code resolved (running_caution_pairs.one_per_finding); a tail too long by itself is shortened
   by the items of its bracket (card_format.shortened); and the Recommendation -> Card conversion
   shortens any summary still over the limit and logs it (cds_hooks/cards.wire_summary;
   tests/cds_hooks/test_summary_over_limit_http.py for the HTTP answer).
4. Lithium 600 raised to 900 on 2026-11-17, level 0.3 five and seven days later: the optimise card
   said "Lithium 900 mg/day since 2026-09-10" and "900 mg/day added 2026-09-10 (11 weeks)". Now the
   dose is dated from its own segment, with the dose it came from.
5. Two identical nortriptyline drafts on one critical card offered two "Remove the draft
   nortriptyline order" suggestions: now each label names its draft (dose, then its place).

Charts: tests/services/rk1_edges_charts/ (copies of /tmp review charts H1, D2, Li; Epic-shaped
requests with every prefetch key).
"""

from __future__ import annotations

import random
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks import offline
from cds_hooks.offline import evaluate_document
from fhir_mapping.findings import FindingKind
from services import card_format, screen
from services.evaluation import Evaluation
from services.interaction_takings import Taking
from services.policy import Policy
from services.rules import running_cautions
from services.rules.running_caution_pairs import Pair, one_per_finding
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
HEART_BLOCK = "heart_block_resolved_then_active_again"
DRAFTS = "two_nortriptyline_drafts_sign"
LITHIUM_5 = "lithium_raised_900_level_5_days"
LITHIUM_7 = "lithium_raised_900_level_7_days"
OPTIMISE = "optimize-switch-augment"
CAUTION = "running-drug-caution"

_chart = chart_files.loader(Path(__file__).parent / "rk1_edges_charts")


def _cards(doc: Doc) -> list[Doc]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    cards: list[Doc] = result.response.to_json()["cards"]
    return cards


def _topic(cards: list[Doc], topic: str) -> Doc:
    (card,) = [c for c in cards if c["source"]["topic"]["code"] == topic]
    return card


@pytest.mark.parametrize("name", [HEART_BLOCK, DRAFTS, LITHIUM_5, LITHIUM_7])
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


# --- 1. the heart block chart keeps its cards ----------------------------------------------------


def test_the_heart_block_chart_gets_its_safety_and_optimise_cards() -> None:
    cards = _cards(_chart(HEART_BLOCK))
    caution, optimise = _topic(cards, CAUTION), _topic(cards, OPTIMISE)
    assert "Complete heart block" in caution["summary"]
    summary = optimise["summary"]
    assert len(summary) <= card_format.SUMMARY_MAX
    assert "held" in summary and "PHQ-9 item 9 not recorded" in summary
    # No reason said twice, none about the resolved block beside the active one.
    reasons = re.search(r"\((.*)\)$", summary)
    assert reasons is not None
    said = reasons.group(1).split("; ")
    assert len(said) == len(set(said))
    assert "resolved" not in summary


def _pair(code: str, active: bool, state: str = "", short: str = "Complete heart block") -> Pair:
    taking = Taking("nortriptyline", 25.0, date(2026, 10, 1), False, None)
    return Pair(
        taking,
        FindingKind.HIGH_GRADE_AV_BLOCK,
        short,
        short,
        None,
        "note",
        "advice",
        "",
        "",
        state=state,
        code=code,
        active=active,
    )


def test_one_reason_per_finding_code_the_active_before_the_same_code_resolved() -> None:
    resolved = _pair("icd10|I44.2", False, " (resolved 2025-01-10)")
    active = _pair("icd10|I44.2", True)
    other = _pair("icd10|I45.9", True, short="Conduction disorder")
    assert one_per_finding([resolved, active, other]) == [active, other]
    assert one_per_finding([active, resolved]) == [active]
    assert one_per_finding([resolved]) == [resolved]  # history alone is still said
    held_by = running_cautions._held_by([resolved, active])
    assert held_by == "nortriptyline with complete heart block on record"


def test_a_held_act_too_long_by_itself_keeps_its_first_reasons_within_the_limit() -> None:
    reasons = [
        "PHQ-9 item 9 not recorded",
        "nortriptyline with complete heart block on record",
        "nortriptyline with complete heart block on record (resolved 2025-01-10)",
    ]
    tail = f": raise held ({'; '.join(reasons)})"
    said = card_format.fit_with_tail("Nortriptyline 25 mg/day is below the minimum", tail)
    assert len(said) <= card_format.SUMMARY_MAX  # was the 110-character-over tail itself
    assert said == (
        "Raise held (PHQ-9 item 9 not recorded; nortriptyline with complete heart block on "
        "record; …)"
    )


def _fuzzed(rng: random.Random) -> str:
    """A summary over the limit in the shapes the cards write: a finding, ": ", an act, with
    brackets and "; " lists, sometimes one unbroken word."""
    words = ["nortriptyline", "25", "mg/day", "below", "the", "adequate", "range", "PHQ-9"]
    if rng.random() < 0.1:
        return "x" * rng.randint(140, 400)

    def clause() -> str:
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
        if rng.random() < 0.4:
            text += f" ({'; '.join(' '.join(rng.sample(words, 3)) for _ in range(3))})"
        return text

    text = clause()
    while len(text) <= card_format.SUMMARY_MAX:
        text += rng.choice([": ", "; ", ", "]) + clause()
    return text


def test_a_fuzzed_summary_over_the_limit_is_shortened_not_fatal() -> None:
    rng = random.Random(26)
    for _ in range(500):
        text = _fuzzed(rng)
        said = card_format.shortened(text)
        assert 0 < len(said) <= card_format.SUMMARY_MAX, text


def test_every_card_survives_a_fuzzed_summary_over_the_limit_through_the_pipeline(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Any card's summary made too long after the rules (a combination they did not foresee):
    the answer keeps every card, that one shortened, and the log names the topic, not the
    patient."""
    real = offline.evaluate
    rng = random.Random(11)

    def lengthened(call: Any, policy: Policy) -> Evaluation:
        evaluation = real(call, policy)
        recs = list(evaluation.recommendations)
        at = rng.randrange(len(recs))
        recs[at] = screen.with_fields(recs[at], summary=_fuzzed(rng))
        return Evaluation(evaluation.record, tuple(recs), evaluation.hook, evaluation.selections)

    monkeypatch.setattr(offline, "evaluate", lengthened)
    for _ in range(5):
        doc = _chart(HEART_BLOCK)
        caplog.clear()
        cards = _cards(doc)
        assert {c["source"]["topic"]["code"] for c in cards} >= {CAUTION, OPTIMISE}
        assert all(len(c["summary"]) <= card_format.SUMMARY_MAX for c in cards)
        logged = [r for r in caplog.records if r.getMessage() == "card.summary_shortened"]
        assert len(logged) == 1
        fields = logged[0].__dict__["fields"]
        assert set(fields) == {"topic", "length", "limit"}
        assert doc["context"]["patientId"] not in str(fields)


# --- 5. two drafts of one drug on one card -------------------------------------------------------


def test_two_drafts_alike_get_labels_that_tell_them_apart() -> None:
    (card,) = [c for c in _cards(_chart(DRAFTS)) if c["indicator"] == "critical"]
    labels = [s["label"] for s in card["suggestions"]]
    assert labels == [
        "Remove the draft nortriptyline 25 mg/day order (draft 1 of 2 alike)",
        "Remove the draft nortriptyline 25 mg/day order (draft 2 of 2 alike)",
    ]
    targets = [s["actions"][0]["resourceId"] for s in card["suggestions"]]
    assert targets == [
        "MedicationRequest/7069dba0-a138-568b-93a9-7ad238fda79f",
        "MedicationRequest/9421c9c5-a1b3-5e46-b2a4-78aba812c7b3",
    ]


def test_two_drafts_at_different_doses_are_named_by_their_doses() -> None:
    doc = _chart(DRAFTS)
    second = doc["context"]["draftOrders"]["entry"][1]["resource"]
    dosage = second["dosageInstruction"][0]
    dosage["text"] = "Take 3 capsules (75 mg) by mouth daily"
    dosage["doseAndRate"][0]["doseQuantity"]["value"] = 3
    (card,) = [c for c in _cards(doc) if c["indicator"] == "critical"]
    labels = [s["label"] for s in card["suggestions"]]
    assert labels == [
        "Remove the draft nortriptyline 25 mg/day order",
        "Remove the draft nortriptyline 75 mg/day order",
    ]


# --- 4. lithium raised: the dose dated from its own start ----------------------------------------


@pytest.mark.parametrize(("name", "level_day"), [(LITHIUM_5, "11-22"), (LITHIUM_7, "11-24")])
def test_the_raised_lithium_dose_is_dated_from_the_raise(name: str, level_day: str) -> None:
    optimise = _topic(_cards(_chart(name)), OPTIMISE)
    assert optimise["summary"] == (
        "Lithium 900 mg/day since 2026-11-17, raised from 600, PHQ-9 23: raise lithium toward "
        f"0.5-0.8 mmol/L first (level 0.3 on 2026-{level_day})"
    )
    detail = optimise["detail"]
    assert (
        "lithium added 2026-09-10 (11 weeks); 900 mg/day since 2026-11-17 (2 weeks), raised "
        "from 600;" in detail
    )
    assert "900 mg/day added 2026-09-10" not in detail
