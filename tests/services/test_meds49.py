"""Session 38 fix meds49: buspirone, brand-only names, and fills of a name not identified.

1. Buspirone had no row in the drug tables: ordered with Epic's F33.1 it was a record "not
   identifiable" (a data gap, bupropion held back), and a buspirone draft beside a running
   phenelzine got no card at all. It is now an adjunct with no CANMAT 2023 line
   (augmentation_agents.csv: counted as augmentation used, never proposed; STAR*D level 2) and
   an MAOI partner (maoi_washout.csv, kind anxiolytic: the buspirone label contraindicates an
   MAOI and the 14 days either side).
2. A brand alone (Epic's "VISTARIL 25 MG capsule", "LIPITOR 20 MG tablet", "Buspar 15 MG Oral
   Tablet") for F33.1 was not identifiable: Buspar is buspirone (brand_names.csv), Vistaril and
   Lipitor are drugs off the pathway (non_antidepressant_names.csv).
3. A fill of a name the tables do not hold was passed over in silence, even when it filled an
   order for depression: with the Zorvexa orders `completed`, the fills to 2026-11-22 were the
   only sign it is taken now, and bupropion was offered beside them.

Charts: meds49_charts/ (all 19 prefetch keys; as of 2026-12-01), built from meds48's
q_hydroxyzine_ordered_for_depression (sertraline failed; the hydroxyzine orders of 2026-08-24,
09-07 and 09-21 with Epic's reasonCode F33.1 renamed) and meds47's u_zorvexa_ordered_for_depression.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.non_antidepressant_names import names_other_drug
from fhir_mapping.terminology import recognise
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "meds49_charts"
_AS_OF = date(2026, 12, 1)
_cards = chart_files.topic_reader(_FOLDER, _AS_OF)
_load = chart_files.loader(_FOLDER)
_at = Evaluator(_AS_OF)
OPTIMIZE = "optimize-switch-augment"
HEAD = "**Options to check against a record not identified:**"
HELD_BACK = "bupropion not listed: a running medication is not identified"

FIXED = {
    "f_sertraline_200_buspirone_30_for_depression": "buspirone 15 mg twice daily, F33.1",
    "f_buspar_brand_for_depression": "Buspar by brand name alone, F33.1",
    "f_phenelzine_running_buspirone_draft": "order-select: buspirone drafted on phenelzine",
    "f_buspirone_running_phenelzine_draft": "order-select: phenelzine drafted on buspirone",
    "f_vistaril_brand_for_depression": "VISTARIL by brand name alone, F33.1",
    "f_lipitor_brand_for_depression": "LIPITOR by brand name alone, F33.1",
    "f_zorvexa_filled_orders_completed": "unknown name, orders completed, filled to 11-22",
}
CONTROLS = {
    "c_sertraline_200_trazodone_50_qhs": "trazodone 50 mg at bedtime: a sleep dose",
    "c_sertraline_200_desyrel_50_qhs": "Desyrel (trazodone) 50 mg at bedtime",
    "c_hydroxyzine_plain_name_for_depression": "the name alone: hydroxyzine (meds48)",
    "c_zoloft_brand_for_depression": "ZOLOFT by brand name alone: sertraline",
    "c_zorvexa_filled_no_order_in_chart": "fills of an order the chart lacks: no reason",
}


def _all_detail(name: str) -> str:
    return "\n".join(c.get("detail", "") for c in _cards(name).values())


def _order_cards(name: str) -> list[dict[str, str]]:
    cards: list[dict[str, str]] = _at.cards(_load(name))
    return cards


@pytest.mark.parametrize(
    "name", ["f_sertraline_200_buspirone_30_for_depression", "f_buspar_brand_for_depression"]
)
def test_buspirone_is_a_running_adjunct_never_an_antidepressant_trial(name: str) -> None:
    detail = _all_detail(name)
    assert "not identifiable" not in detail
    assert HEAD not in detail
    options = _cards(name)[OPTIMIZE]["detail"]
    assert "Adjuncts already used in this episode: buspirone." in options
    assert "NDRI: bupropion" in options
    # Counted as augmentation used (Maudsley), never as a failed antidepressant.
    assert "Failed antidepressants 1 (1 failed" in options
    assert "Augmentation 1 (used)" in options


def test_a_buspirone_draft_on_a_running_maoi_is_critical() -> None:
    cards = _order_cards("f_phenelzine_running_buspirone_draft")
    summaries = [c["summary"] for c in cards if c["indicator"] == "critical"]
    assert any(
        s.startswith("Buspirone ordered while phenelzine (MAOI) is running") for s in summaries
    )
    detail = "\n".join(c.get("detail", "") for c in cards)
    assert "buspirone tablets US label" in detail


def test_an_maoi_draft_on_running_buspirone_asks_for_its_washout() -> None:
    cards = _order_cards("f_buspirone_running_phenelzine_draft")
    summaries = [c["summary"] for c in cards if c["indicator"] == "critical"]
    assert (
        "Phenelzine (MAOI) ordered while buspirone is running: stop buspirone at least 14 days first"
        in summaries
    )
    detail = "\n".join(c.get("detail", "") for c in cards)
    assert "could not include" not in detail


@pytest.mark.parametrize(
    "name",
    [
        "f_vistaril_brand_for_depression",
        "f_lipitor_brand_for_depression",
        "c_hydroxyzine_plain_name_for_depression",
        "c_sertraline_200_trazodone_50_qhs",
        "c_sertraline_200_desyrel_50_qhs",
        "c_zorvexa_filled_no_order_in_chart",
    ],
)
def test_a_known_drug_or_a_name_with_no_stated_reason_holds_nothing_back(name: str) -> None:
    detail = _all_detail(name)
    assert "not identifiable" not in detail
    assert HEAD not in detail
    options = _cards(name)[OPTIMIZE]["detail"]
    assert "NDRI: bupropion" in options
    assert "Augmentation 0 (not used)" in options  # trazodone 50 mg at bedtime is no adjunct


def test_a_brand_of_the_pathway_is_its_drug() -> None:
    card = _cards("c_zoloft_brand_for_depression")[OPTIMIZE]
    assert "sertraline 200 mg/day already failed, lowered to 100" in card["summary"]


def test_fills_of_an_order_for_depression_are_named_and_hold_bupropion_back() -> None:
    detail = _all_detail("f_zorvexa_filled_orders_completed")
    assert "3 medication orders and their 5 fills could not be read" in detail
    options = _cards("f_zorvexa_filled_orders_completed")[OPTIMIZE]["detail"]
    assert HELD_BACK in options
    assert HEAD in options
    assert '("Zorvexa 20 MG Oral Tablet", RxNorm 1234567, filled 2026-11-22, 30 days)' in options


def test_a_fill_of_an_order_entered_in_error_states_no_reason() -> None:
    doc = _load("f_zorvexa_filled_orders_completed")
    for entry in doc["prefetch"]["medicationRequests"]["entry"]:
        order = entry["resource"]
        if "Zorvexa" in order["medicationCodeableConcept"]["text"]:
            order["status"] = "entered-in-error"
    cards = {c["indicator"] + c["summary"]: c for c in _at.cards(doc)}
    detail = "\n".join(c.get("detail", "") for c in cards.values())
    assert "not identifiable" not in detail
    assert "NDRI: bupropion" in detail


@pytest.mark.parametrize(
    ("text", "ingredients"),
    [
        ("Buspar 15 MG Oral Tablet", ("buspirone",)),
        ("buspirone hydrochloride 10 MG Oral Tablet", ("buspirone",)),
        ("DESYREL 50 MG tablet", ("trazodone",)),
        ("ZOLOFT 100 MG tablet", ("sertraline",)),
        ("VISTARIL 25 MG capsule", ()),
    ],
)
def test_brand_and_generic_names_read_as_their_drug(
    text: str, ingredients: tuple[str, ...]
) -> None:
    assert tuple(c.ingredient for c in recognise({"text": text})) == ingredients


@pytest.mark.parametrize(
    ("text", "known"),
    [
        ("VISTARIL 25 MG capsule", True),
        ("Lipitor 20 MG Oral Tablet", True),
        ("Chantix 1 MG Oral Tablet", True),
        ("Buspar 15 MG Oral Tablet", False),  # an adjunct's brand is never "off the pathway"
        ("Zorvexa 20 MG Oral Tablet", False),
    ],
)
def test_brand_names_of_other_drugs(text: str, known: bool) -> None:
    assert names_other_drug(text) is known


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)
