"""Session 28 fix FM3: the MAOI order card after the session's merges (recheck K8), pinned.

- #1 (UNSAFE): a drug on hold re-ordered beside a running MAOI read "already taken together"
  with no removal. On hold is not taken (FHIR on-hold): the re-order resumes it, a start
  (draft_changes.continues_running), with the pre-session card and its "Remove the draft".
- #2: sertraline lowered beside running phenelzine and a new start on the same order led with
  "this order only lowers sertraline": the card leads with the start its one-click removes
  (order_cards._merge), naming sertraline beside it (maoi._with_others).
- #3: one key and one statement at order-select and order-sign for a split dose (OrderCheck.named)
  and for both drugs of the pair renewed (maoi_running: one paragraph, the MAOI first).
- #4: no cross-taper card while an MAOI runs (cross_taper.meets_maoi).
- #5: an open suicide risk assessment request read from its text alone does not drop the
  C-SSRS one-click (Referral.coded; suicide_risk_ordered._open).

Charts: tests/services/s28_maoi3_charts/ (copied from the K8 recheck, every prefetch key; x01 is
v05 with phenelzine's order on hold), evaluated as of 2026-12-01, the o* charts as of 2025-06-02.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, of_topic, one_of_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
MAOI = "order-maoi-interaction"
SAME_CLASS = "order-same-class-running"
SUICIDE = "suicide-risk"

_FOLDER = Path(__file__).parent / "s28_maoi3_charts"
_chart = chart_files.loader(_FOLDER)
_at = Evaluator(date(2026, 12, 1))
_at_o = Evaluator(date(2025, 6, 2))


def _deleted(card: Doc) -> list[str]:
    return [
        a["resourceId"]
        for s in card.get("suggestions", [])
        for a in s["actions"]
        if a["type"] == "delete"
    ]


def _select(doc: Doc, *ids: str) -> Doc:
    found = copy.deepcopy(doc)
    found["hook"] = "order-select"
    found["context"]["selections"] = [f"MedicationRequest/{i}" for i in ids]
    return found


def _sign(doc: Doc) -> Doc:
    found = copy.deepcopy(doc)
    found["hook"] = "order-sign"
    found["context"].pop("selections", None)
    return found


def _maoi_key(doc: Doc) -> str:
    (rec,) = [r for r in _at.recommendations(doc) if r.topic == MAOI]
    assert rec.dedupe_key is not None
    return rec.dedupe_key


@pytest.mark.parametrize("path", sorted(_FOLDER.glob("*.json")), ids=lambda p: p.stem)
def test_charts_are_complete_requests(path: Path) -> None:
    chart_files.check_chart(_chart(path.stem))


@pytest.mark.parametrize(
    "name",
    [
        "h01_phz_running_held_fluox_renewed",
        "h02_select_phz_running_held_fluox_renewed",
        "h03_phz_running_held_fluox_lowered20",
        "h04_phz_running_held_short_fluox_renewed",
    ],
)
def test_a_held_drug_reordered_beside_a_running_maoi_is_a_start(name: str) -> None:
    card = one_of_topic(_at.cards(_chart(name)), MAOI)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Fluoxetine ordered while phenelzine (MAOI) is running: serotonin syndrome risk; "
        "14 days off phenelzine first"
    )
    assert "already taken together" not in card["detail"]
    assert _deleted(card) == ["MedicationRequest/d-flx"]


def test_a_held_partner_is_said_after_its_dates() -> None:
    card = one_of_topic(_at.cards(_chart("x01_phz_held_sert_raised")), MAOI)
    # Its supply reaches as-of: the hold's date is not recorded (s29 orders30 item 3, was "not
    # taken since 2026-12-01 at the latest"), a state short enough for the summary to say.
    assert card["summary"] == (
        "Phenelzine (MAOI) on hold, hold date not recorded and sertraline running already; this "
        "order only raises sertraline: stop one"
    )
    assert (
        "phenelzine 45 mg/day since 2026-11-20, is on hold, hold date not recorded."
        in (card["detail"])
    )
    assert "at the latest since" not in card["detail"]
    assert _deleted(card) == []


@pytest.mark.parametrize(
    ("name", "drug", "draft"),
    [
        ("v01_sert_lowered_plus_bupropion_start_phz", "Bupropion", "d-bup"),
        ("v01s_select_both", "Bupropion", "d-bup"),
        ("v02_select_bup_sert_lowered_drafted_phz", "Bupropion", "d-bup"),
        ("v10_sert_lowered_plus_venla_start_phz", "Venlafaxine", "d-ven"),
        ("v14_sert_lowered_plus_trazodone_phz", "Trazodone", "d-traz"),
        ("v19_sert_lowered_plus_tramadol_start_phz", "Tramadol", "d-tram"),
    ],
)
def test_the_card_leads_with_the_start_it_removes(name: str, drug: str, draft: str) -> None:
    card = one_of_topic(_at.cards(_chart(name)), MAOI)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        f"{drug} ordered while phenelzine (MAOI) is running: 14 days off phenelzine first; "
        "sertraline also running beside it"
    )
    assert card["detail"].startswith(f"**Phenelzine (MAOI) → {drug.lower()}**")
    assert _deleted(card) == [f"MedicationRequest/{draft}"]


@pytest.mark.parametrize(
    ("name", "summary", "draft"),
    [
        (
            "v20_sert_lowered_plus_linezolid_start_phz",
            "Linezolid with sertraline running: if urgent stop sertraline, give linezolid, "
            "monitor; else an alternative; also phenelzine running",
            "d-lzd",
        ),
        (
            "v24_sert_lowered_plus_tranylcypromine_start_phz",
            "Tranylcypromine (MAOI) with sertraline running: 14-day washout needed; also "
            "phenelzine running",
            "d-tcp",
        ),
    ],
)
def test_a_start_meeting_two_running_drugs_names_both(name: str, summary: str, draft: str) -> None:
    card = one_of_topic(_at.cards(_chart(name)), MAOI)
    assert card["summary"] == summary
    assert "this order only lowers" not in card["summary"]
    assert _deleted(card) == [f"MedicationRequest/{draft}"]


def test_selecting_only_the_lowering_keeps_the_pair_card() -> None:
    card = one_of_topic(_at.cards(_chart("v03_select_sert_lowered_bup_drafted_phz")), MAOI)
    assert card["summary"] == (
        "Phenelzine (MAOI) and sertraline both running already; this order only lowers "
        "sertraline (100 mg/day), not starting the pair: stop one"
    )
    assert _deleted(card) == []


def test_both_drugs_renewed_is_one_statement_and_one_key() -> None:
    doc = _chart("v06_sert_and_phz_both_renewed")
    summary = (
        "Phenelzine (MAOI) and sertraline both running already; this order only renews "
        "phenelzine and sertraline, not starting the pair: stop one"
    )
    cards = [
        one_of_topic(_at.cards(d), MAOI)
        for d in (_sign(doc), _select(doc, "d-phz"), _select(doc, "d-sert"))
    ]
    assert {c["summary"] for c in cards} == {summary}
    assert len({c["detail"] for c in cards}) == 1
    assert (
        "removing the drafts would leave phenelzine at 45 mg/day and sertraline at 150 mg/day"
        in (cards[0]["detail"])
    )
    assert all(_deleted(c) == [] for c in cards)
    keys = {_maoi_key(d) for d in (_sign(doc), _select(doc, "d-phz"), _select(doc, "d-sert"))}
    assert len(keys) == 1
    assert one_of_topic(_at.cards(_chart("v06s_select_phz")), MAOI)["summary"] == summary


def test_a_split_dose_has_one_key_whichever_draft_is_selected() -> None:
    doc = _chart("v09_split_two_products_lowered_sert_phz")
    keys = {_maoi_key(d) for d in (_sign(doc), _select(doc, "d-sert"), _select(doc, "d-sert-25"))}
    assert len(keys) == 1
    (key,) = keys
    assert key.startswith(
        "d-sert:sertraline:order-maoi-interaction:100,d-sert-25:sertraline:order-maoi-interaction:25"
    )
    assert _maoi_key(_chart("v09s_select_sert25")) == key


def test_no_cross_taper_card_beside_a_running_maoi() -> None:
    cards = _at.cards(_chart("v10_sert_lowered_plus_venla_start_phz"))
    assert of_topic(cards, SAME_CLASS) == []
    assert len(of_topic(cards, MAOI)) == 1


@pytest.mark.parametrize("name", ["o04_sr_text_only_cssrs", "o18_sr_text_cssrs_declined"])
def test_a_text_only_assessment_request_keeps_the_one_click(name: str) -> None:
    card = one_of_topic(_at_o.cards(_chart(name)), SUICIDE)
    assert card["summary"] == (
        "PHQ-9 item 9 = 2 (more than half the days) on 2025-05-12: higher suicide risk, assess "
        "today (C-SSRS) and plan safety"
    )
    assert [s["label"] for s in card["suggestions"]] == [
        "Order a same-day suicide risk assessment (C-SSRS)"
    ]


def test_a_coded_assessment_request_still_counts() -> None:
    card = one_of_topic(_at_o.cards(_chart("o05_sr_epic_instant_same_day")), SUICIDE)
    assert card["summary"].endswith("assessment already ordered 2025-05-12: complete it today")
    assert not card.get("suggestions")
