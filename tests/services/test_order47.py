"""Session 36 fix order47: leftovers of mask48 and meds45 at the order and in the dose words.

Charts: order47_charts/ (mask47's and mask48's charts, all 19 prefetch keys, as of 2026-12-01,
sent as order-select or order-sign with one draft in context.draftOrders, as Epic sends it):
- Item 1 (mask48): aripiprazole 2 mg drafted beside an AllergyIntolerance whose allergen is
  masked (a_masked_select: the data-absent-reason extension on `code`; a_masked_sign: US Core's
  data-absent-reason coding, no category). Before: no card (allergies_unread.py counted only a
  list not sent or partly read). After: a warning that an allergy entry could not be read and the
  drafted drug was not checked against it. Controls, no such card: a readable penicillin allergy,
  a masked entry resolved, entered in error, or of category food.
- Item 2 (mask47, mask48): a TMS order (CPT 90867) beside a masked diagnosis, procedure or device,
  or a pacemaker (a TMS caution). Before: no card (tms_draft.py read only the exclusions). After:
  an order-tms-screen warning naming each item, no suggestion. Controls: nothing to screen; a
  masked procedure entered in error; a masked diagnosis beside epilepsy (the exclusion card, no
  screen card); a pacemaker beside epilepsy: the exclusion card names it ("Also to screen").
- Item 3 (meds45), on meds45's, running_dose24's and cards47's charts: a running stretch whose dose
  is to confirm was "dose not read since"; the MAOI washout summary dropped a dose to confirm; an
  as-needed dose to confirm was written "up to 75 mg/day".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_HERE = Path(__file__).parent
_FOLDER = _HERE / "order47_charts"
_AS_OF = date(2026, 12, 1)
_cards = chart_files.topic_reader(_FOLDER, _AS_OF)
NOT_TOLERATED = "order-not-tolerated"
SCREEN = "order-tms-screen"
EXCLUDED = "order-tms-excluded"

ALLERGY = {"a_masked_select": "fixed", "a_masked_sign": "fixed"}
ALLERGY_CONTROLS = dict.fromkeys(
    (
        "a_readable_select",
        "a_masked_resolved_select",
        "a_masked_in_error_select",
        "a_masked_food_select",
    ),
    "control",
)
# name -> the item the summary names first | whether it is a record sent masked
TMS = {
    "t_masked_diagnosis_select": "diagnosis not readable (masked)|masked",
    "t_masked_procedure_select": "procedure not readable (masked)|masked",
    "t_masked_device_sign": "device not readable (masked)|masked",
    "t_pacemaker_select": "Implantable cardiac pacemaker|",
}
TMS_CONTROLS = dict.fromkeys(
    (
        "t_readable_select",
        "t_masked_in_error_select",
        "t_masked_beside_epilepsy_select",
        "t_pacemaker_beside_epilepsy_select",
    ),
    "control",
)
_UNREAD_ASK = "An item that cannot be read may be one that rules TMS out"


@pytest.mark.parametrize("name", sorted(ALLERGY))
def test_a_drug_drafted_beside_a_masked_allergy_entry_is_said_not_checked(name: str) -> None:
    card = _cards(name)[NOT_TOLERATED]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "An allergy entry could not be read: aripiprazole was not checked against it; "
        "check it before ordering"
    )
    assert (
        "an allergy entry recorded 2024-01-10 was sent with its allergen masked "
        "(data-absent-reason), so aripiprazole was not checked against it"
    ) in card["detail"]
    assert "Check it in the chart before ordering." in card["detail"]
    assert not card.get("suggestions")


@pytest.mark.parametrize("name", sorted(ALLERGY_CONTROLS))
def test_a_readable_or_withdrawn_allergy_entry_gives_no_card(name: str) -> None:
    cards = _cards(name)
    assert NOT_TOLERATED not in cards
    assert "allergy entry" not in str(cards)


@pytest.mark.parametrize(("name", "said"), sorted(TMS.items()))
def test_a_tms_order_beside_an_item_to_screen_names_it(name: str, said: str) -> None:
    item, masked = said.split("|")
    cards = _cards(name)
    assert EXCLUDED not in cards
    card = cards[SCREEN]
    assert card["indicator"] == "warning"
    assert card["summary"] == f"TMS ordered; safety screen first: {item}"
    assert not card.get("suggestions")
    assert card["detail"].startswith(
        "**TMS ordered** (ServiceRequest/draft-tms) with a TMS safety item the TMS service must "
        f"screen before treatment:\n- {item}"
    )
    assert "Tell the TMS service, which decides whether and how TMS can be given" in card["detail"]
    assert (_UNREAD_ASK in card["detail"]) == bool(masked)


@pytest.mark.parametrize("name", sorted(TMS_CONTROLS))
def test_no_screen_card_without_an_item_or_beside_an_exclusion(name: str) -> None:
    cards = _cards(name)
    assert SCREEN not in cards
    beside_epilepsy = "epilepsy" in name
    assert (EXCLUDED in cards) == beside_epilepsy
    if name == "t_pacemaker_beside_epilepsy_select":
        assert (
            "**Also to screen:** Implantable cardiac pacemaker (physical object) (SNOMED CT "
            "706004007, date not recorded, Device/d-pacemaker)."
        ) in cards[EXCLUDED]["detail"]
    elif beside_epilepsy:
        assert "Also to screen" not in cards[EXCLUDED]["detail"]


# --- Item 3: a dose to confirm said as such -------------------------------------------------


def _topics(folder: str, name: str) -> dict[str, Any]:
    doc = chart_files.loader(_HERE / folder)(name)
    found: dict[str, Any] = Evaluator(_AS_OF).by_topic(doc, "patient-view")
    return found


def test_a_running_stretch_to_confirm_says_so_with_its_highest_reading() -> None:
    card = _topics("running_dose24_charts", "ven_450mg_failed")["running-dose-above-range-max"]
    assert "dose not read since" not in card["detail"]
    assert (
        "(since 2025-04-14; dose to confirm since 2025-07-18 (up to 450 mg/day); may be running"
    ) in card["detail"]


def test_the_washout_summary_names_a_dose_to_confirm() -> None:
    cards = _topics("cards47_charts", "w02_flx_phz_stopped10_flx_running")
    assert any(
        c["summary"].startswith(
            "Fluoxetine (dose to confirm, up to 100 mg/day) running: 35 days off it before any MAOI"
        )
        for c in cards.values()
    )
    assert "fluoxetine dose not read since" not in str(cards)
    assert "fluoxetine dose to confirm (up to 100 mg/day) since 2026-11-22" in str(cards)


def test_where_the_dose_to_confirm_does_not_fit_the_clear_doses_stay() -> None:
    doc = chart_files.loader(_HERE / "cards47_charts")(
        "w05_flx_phz_new_tcp5_flx_traz_running.order-sign"
    )
    summaries = [c["summary"] for c in Evaluator(_AS_OF).cards(doc)]
    assert (
        "Phenelzine (MAOI): stop fluoxetine, then 35 days; stop trazodone 50 mg/day, then 14 "
        "days; washout left: tranylcypromine 9 days"
    ) in summaries


def test_an_as_needed_dose_to_confirm_is_no_daily_dose() -> None:
    cards = _topics("meds45_charts", "c1_asneeded_code25_name75")
    detail = cards["adherence-review"]["detail"]
    assert "dose to confirm (up to 75 mg as needed: the code's strength" in detail
    assert "up to 75 mg/day" not in detail


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, ALLERGY, ALLERGY_CONTROLS, TMS, TMS_CONTROLS)
