"""Session 29 fix orders30: order-hook wording leftovers of session 28, pinned (order-sign).

- #1: under 18, a summary led by another point ("Two SSRIs (paroxetine still running)", an
  interaction naming amitriptyline as its partner) named a running drug not for use at the age
  without saying so, or not at all: order_boxed._led_by_running leaves a summary as it is only
  when it says every such drug is not for use, the card's own first clause after the lead
  (u01, u05: K14's charts; a6).
- #2: a running course awaiting its first fill, beside a draft, read "amitriptyline ordered (no
  fill yet)", and "fluoxetine ordered with amitriptyline ordered" once a summary was cut: it is
  "amitriptyline (prescribed, no fill yet)" (interaction_table._partner_state); a filled one
  stays "running" (b1, b2, b4).
- #3: a held partner whose supply on record reaches today read "on hold, not taken since
  <today> at the latest": "on hold, hold date not recorded" (held_dates.held_text_as_of; c1).
  A partner whose stop date is not recorded read "ordered at least 3 days after sertraline
  stopped" (test_s20_washout_edges, test_undated_past_courses: the same charts, re-pinned).
- #4: linezolid drafted beside two partners named one: each is named, with the monitoring the
  longest washout asks (maoi_summary.urgent_summary; c5, c6, c7).

Indicators and one-click suggestions unchanged (wording only). Charts: tests/services/
s29_orders30_charts/ (every prefetch key), evaluated as of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
INTERACTION = "order-drug-interaction"
REPEAT = "order-repeats-failed-trial"
MAOI = "order-maoi-interaction"

_FOLDER = Path(__file__).parent / "s29_orders30_charts"
_chart = chart_files.loader(_FOLDER)
_cards = Evaluator(date(2026, 12, 1)).cards


def _card(name: str, topic: str) -> Doc:
    (card,) = [c for c in _cards(_chart(name)) if c["source"]["topic"]["code"] == topic]
    return card


def _deleted(card: Doc) -> list[str]:
    return [
        a["resourceId"]
        for s in card.get("suggestions", [])
        for a in s["actions"]
        if a["type"] == "delete"
    ]


@pytest.mark.parametrize("path", sorted(_FOLDER.glob("*.json")), ids=lambda p: p.stem)
def test_charts_are_complete_requests(path: Path) -> None:
    chart_files.check_chart(_chart(path.stem))


@pytest.mark.parametrize(
    ("name", "topic", "summary"),
    [
        # K14 u01: was "Amitriptyline, paroxetine, venlafaxine running at age 15: not for use
        # under 18 (NICE NG134); fluoxetine ordered with amitriptyline ordered".
        (
            "u01_age15_par_ven_ami_mir_running_fluoxetine_sign",
            INTERACTION,
            # orders35: amitriptyline's order of 2026-07-05, no fill on the feed in five months,
            # is listed (was "Fluoxetine with amitriptyline: ...; boxed warning": the longer
            # partner words leave no room for the boxed warning, said in the detail).
            "Fluoxetine ordered with amitriptyline listed: raises tricyclic levels; amitriptyline, "
            "paroxetine, venlafaxine running: not for use under 18",
        ),
        # K14 u05: was "Two SSRIs (paroxetine still running); escitalopram: fluoxetine (SSRI)
        # failed an adequate trial; next on the under-18 list (FDA 2009)". Escitalopram and its
        # failed-trial point kept since session 30 orders31 item 1 (was "...; two SSRIs; boxed
        # warning (under 25)", the drafted drug unnamed).
        (
            "u05_age17_paroxetine_running_escitalopram_sign",
            REPEAT,
            "Paroxetine running at age 17: not for use under 18 (NICE NG134); two SSRIs; "
            "escitalopram: fluoxetine (SSRI) failed an adequate trial",
        ),
        # Was "Fluoxetine ordered with amitriptyline ordered (no fill yet): raises tricyclic
        # levels (CYP2D6); lower tricyclic dose, check its level": amitriptyline at 15 unsaid.
        (
            "a6_age15_citalopram_amitriptyline_running_fluoxetine_sign",
            INTERACTION,
            # orders35: the order of 2026-07-05, no fill on the feed in five months, is listed
            # (was "Fluoxetine ordered with amitriptyline (prescribed, no fill yet): ...").
            "Amitriptyline running at age 15: not for use under 18 (NICE NG134); fluoxetine "
            "ordered with amitriptyline listed: raises tricyclic levels",
        ),
    ],
)
def test_under_18_the_summary_says_each_running_drug_not_for_use(
    name: str, topic: str, summary: str
) -> None:
    card = _card(name, topic)
    assert card["summary"] == summary
    assert card["indicator"] == "warning"
    assert "**Running now, not for use under 18:**" in card["detail"]
    assert _deleted(card) == []


def test_under_18_the_other_card_keeps_its_own_point() -> None:
    """u01's repeat card is not the drafted drug's first card: it keeps its summary."""
    card = _card("u01_age15_par_ven_ami_mir_running_fluoxetine_sign", REPEAT)
    assert card["summary"] == (
        # orders35: paroxetine's order of 2026-07-05, never filled on the feed, is listed.
        "Two SSRIs (paroxetine listed: order of 2026-07-05 still active, never filled or "
        "renewed); fluoxetine already failed an adequate trial"
    )


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        (
            "b1_age40_amitriptyline_unfilled_fluoxetine_sign",
            # orders35: no fill on the feed five months after the order: listed, no longer
            # "(prescribed, no fill yet)" (that wording holds inside one fill + supply_gap_days).
            "Fluoxetine ordered with amitriptyline listed: raises tricyclic levels (CYP2D6); "
            "lower tricyclic dose, check its level",
        ),
        (
            "b2_age40_amitriptyline_unfilled_tramadol_sign",
            "Tramadol ordered with amitriptyline listed: serotonin syndrome and seizure risk; "
            "prefer another analgesic",
        ),
        # A filled course: "running", as before.
        (
            "b4_age40_amitriptyline_filled_fluoxetine_sign",
            "Fluoxetine ordered with amitriptyline running: raises tricyclic levels (CYP2D6); "
            "lower tricyclic dose, check its level",
        ),
    ],
)
def test_a_running_partner_is_never_said_ordered(name: str, summary: str) -> None:
    card = _card(name, INTERACTION)
    assert card["summary"] == summary
    assert "amitriptyline ordered" not in card["summary"]
    assert card["indicator"] == "warning"
    # orders35: b1/b2's never-filled order is listed ("dose not read, listed ..."); b4 runs.
    words = "running since" if name.startswith("b4") else "listed"
    assert f"amitriptyline dose not read, {words}" in card["detail"]


def test_a_hold_whose_supply_reaches_today_says_its_date_is_not_recorded() -> None:
    card = _card("c1_fluoxetine_held_supply_to_today_phenelzine_sign", MAOI)
    assert card["summary"] == (
        "Phenelzine (MAOI) ordered while fluoxetine is on hold, hold date not recorded: stop "
        "fluoxetine at least 35 days first"
    )
    # The course's start beside "on hold", never after the hold's words (recheck K17 s29 finding 5).
    assert (
        "fluoxetine is on hold (course since 2026-07-05), hold date not recorded" in card["detail"]
    )
    assert "not taken since 2026-12-01" not in card["detail"]
    assert card["indicator"] == "critical"
    assert _deleted(card) == ["MedicationRequest/o30d0"]


@pytest.mark.parametrize(
    ("name", "summary", "partners"),
    [
        (
            "c5_sertraline_venlafaxine_running_linezolid_sign",
            "Linezolid with sertraline and venlafaxine running: if urgent stop both, give "
            "linezolid, monitor up to 14 days; else an alternative",
            ("Sertraline", "Venlafaxine"),
        ),
        (
            "c6_sertraline_tramadol_running_linezolid_sign",
            "Linezolid with sertraline and tramadol running: if urgent stop both, give "
            "linezolid, monitor up to 14 days; else an alternative",
            ("Sertraline", "Tramadol"),
        ),
        # Fluoxetine on hold (its washout 35 days) first: each washout named since session 30
        # orders31 item 4 (was "... monitor up to 35 days", sertraline's 14 unsaid).
        (
            "c7_sertraline_running_fluoxetine_held_linezolid_sign",
            "Linezolid: if urgent stop fluoxetine and sertraline, give it, monitor up to 35 days "
            "(fluoxetine), 14 (sertraline); else an alternative",
            ("Fluoxetine", "Sertraline"),
        ),
    ],
)
def test_linezolid_beside_two_partners_names_each(
    name: str, summary: str, partners: tuple[str, ...]
) -> None:
    card = _card(name, MAOI)
    assert card["summary"] == summary
    assert card["indicator"] == "critical"
    assert _deleted(card) == ["MedicationRequest/o30d0"]
    for partner in partners:  # each washout in the detail, as before
        assert f"**{partner} → linezolid (acts as an MAOI)**" in card["detail"]
