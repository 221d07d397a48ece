"""Review s22 RU findings 3, 4, 5 and 7: products as they are really ordered.

- 3: the selegiline patch (Emsam) needs the MAOI (tyramine) diet from 9 mg/24 h, the oral MAOIs at
  any dose (services/data/maoi_diet.csv). "Raise selegiline from 6 toward 12" said nothing of it,
  and a new 9 mg patch order got no card. Now the raise carries one line, and an order that brings
  the diet (no MAOI at a diet dose running) gets one information card, or one line on the MAOI
  washout card of the same draft; a 6 mg order, or 9 -> 12, gets nothing.
- 4: amitriptyline/chlordiazepoxide (RxNorm 856769, 856792) was read as amitriptyline only: the
  benzodiazepine is now read with its strength, a running benzodiazepine the rules see.
- 5: amitriptyline/perphenazine went straight to "switch or augment" with no reason: the card now
  says why (the perphenazine is an adjunct already added, in one product with it).
- 7: fluoxetine 90 mg weekly: "raise 20 -> 40 mg/day" now says it means a daily product.

Charts: tests/services/products22_charts/ (from the review's charts, US Core / Epic shapes, every
prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import Role
from services import maoi_diet
from services.policy import Policy
from services.rules.context import build_context
from services.rules.optimize import catatonia
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
DIET = "order-maoi-diet"
WASHOUT = "order-maoi-interaction"

_chart = chart_files.loader(Path(__file__).parent / "products22_charts")
_at = Evaluator(AS_OF)


def _cards(name: str, hook: str | None = None, doc: Doc | None = None) -> dict[str, Doc]:
    return by_topic(_at.cards(doc if doc is not None else _chart(name), hook))


def _phenelzine_draft(doc: Doc) -> Doc:
    """The chart with its drafted patch replaced by phenelzine 15 mg three times a day."""
    draft = doc["context"]["draftOrders"]["entry"][0]["resource"]
    name = "phenelzine 15 MG Oral Tablet"
    draft["medicationCodeableConcept"] = {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": "312347",
                "display": name,
            }
        ],
        "text": name,
    }
    dosage = draft["dosageInstruction"][0]
    dosage["text"] = "Take 1 tablet (15 mg) by mouth 3 times daily"
    dosage["timing"] = {"repeat": {"frequency": 3, "period": 1, "periodUnit": "d"}}
    dosage["doseAndRate"][0]["doseQuantity"] = {
        "value": 1,
        "unit": "tablet",
        "system": "http://unitsofmeasure.org",
        "code": "{tbl}",
    }
    return doc


# --- finding 3: the MAOI diet -----------------------------------------------------------------


def test_raise_of_the_6_mg_patch_names_the_diet_once() -> None:
    card = _cards("emsam6_running_failed")[OPTIMISE]
    assert "raise selegiline from 6 toward 12" in card["summary"]
    assert card["detail"].count("**MAOI diet:**") == 1
    assert "from 9 mg/24 h needs the MAOI diet" in card["detail"]
    assert "none is needed at 6 mg/24 h" in card["detail"]
    assert "Emsam US label" in card["detail"]


def test_raise_from_9_mg_brings_no_diet_line() -> None:
    # Already on the diet at 9: the raise toward 12 crosses no threshold.
    card = _cards("emsam9_running_failed")[OPTIMISE]
    assert "selegiline" in card["summary"]
    assert "MAOI diet" not in card["detail"]


@pytest.mark.parametrize("name", ["emsam9_new_patch_select", "emsam6_running_draft_emsam9_select"])
def test_a_9_mg_patch_order_that_brings_the_diet_gets_one_information_card(name: str) -> None:
    cards = _cards(name)
    card = cards[DIET]
    assert card["indicator"] == "info"
    assert card["summary"] == (
        # The patch's unit (session 22 F4 item 3: services/dose_units.py).
        "Selegiline 9 mg/24 h ordered: needs the MAOI diet (no tyramine-rich foods)"
    )
    assert "2 weeks after stopping it or going back to 6 mg/24 h" in card["detail"]
    assert WASHOUT not in cards


@pytest.mark.parametrize("name", ["emsam6_new_patch_select", "emsam9_running_draft_emsam12_select"])
def test_no_diet_card_at_6_mg_or_when_the_diet_is_already_kept(name: str) -> None:
    assert DIET not in _cards(name)


def test_a_new_oral_maoi_needs_the_diet_at_any_dose() -> None:
    cards = _cards("", doc=_phenelzine_draft(_chart("emsam9_new_patch_select")))
    assert cards[DIET]["summary"].startswith("Phenelzine 45 mg/day ordered: needs the MAOI diet")
    assert "at any dose" in cards[DIET]["detail"]


def test_beside_the_washout_card_the_diet_is_one_line_of_it() -> None:
    # Phenelzine drafted while weekly fluoxetine runs: the critical washout card speaks of the
    # draft; the diet goes on it as one line, not as a second card.
    doc = _chart("fluoxetine_weekly_90_failed")
    drafts = _chart("emsam9_new_patch_select")
    doc["hook"] = "order-select"
    doc["context"] = drafts["context"]
    cards = _cards("", doc=_phenelzine_draft(doc))
    assert DIET not in cards
    washout = cards[WASHOUT]
    assert washout["indicator"] == "critical"
    assert washout["detail"].count("**MAOI diet:** Phenelzine needs the MAOI diet") == 1


def test_the_diet_threshold_rule() -> None:
    assert maoi_diet.raise_line("selegiline", 6, 12) is not None
    assert maoi_diet.raise_line("selegiline", 6, 9) is not None
    assert maoi_diet.raise_line("selegiline", 9, 12) is None
    assert maoi_diet.raise_line("phenelzine", 45, 60) is None  # on the diet at any dose
    assert maoi_diet.needs_diet("selegiline", 6) is False
    assert maoi_diet.needs_diet("selegiline", None) is True  # not read: the safer reading
    assert maoi_diet.needs_diet("tranylcypromine", 10) is True
    assert maoi_diet.needs_diet("sertraline", 200) is False


# --- finding 4: amitriptyline/chlordiazepoxide ------------------------------------------------


def test_chlordiazepoxide_is_read_with_its_strength_and_seen_as_a_benzodiazepine() -> None:
    result = _at.result(_chart("amitriptyline_chlordiazepoxide_failed"))
    record = result.evaluation.record
    parts = {t.ingredient: t for t in record.trials if t.ongoing}
    assert parts["amitriptyline"].current_mg_per_day == 75
    benzo = parts["chlordiazepoxide"]
    assert benzo.drug_class == "benzodiazepine"
    assert benzo.role is Role.INTERACTING
    assert benzo.current_mg_per_day == 30  # 10 mg a tablet, three a day
    assert benzo.product is not None and benzo.product.name == "amitriptyline/chlordiazepoxide"
    ctx = build_context(record, Policy(), hook="patient-view")
    assert [t.ingredient for t in catatonia.benzodiazepines(ctx)] == ["chlordiazepoxide"]


def test_the_raise_of_the_combination_names_the_benzodiazepine() -> None:
    card = _cards("amitriptyline_chlordiazepoxide_failed")[OPTIMISE]
    assert "raise amitriptyline from 75 toward 150" in card["summary"]
    assert (
        "Taken as amitriptyline/chlordiazepoxide: more of the combination is more "
        "chlordiazepoxide too (chlordiazepoxide 30 mg/day now)"
    ) in card["detail"]


def test_a_drafted_combination_reads_both_parts() -> None:
    result = _at.result(_chart("emsam6_draft_amitriptyline_chlordiazepoxide_sign"))
    drafted = {d.ingredient: d for d in result.evaluation.record.draft_orders}
    assert set(drafted) == {"amitriptyline", "chlordiazepoxide"}
    assert drafted["chlordiazepoxide"].mg_per_day == 30


# --- finding 5: amitriptyline/perphenazine ----------------------------------------------------


def test_perphenazine_combination_says_why_it_goes_to_the_next_step() -> None:
    card = _cards("amitriptyline_perphenazine_failed")[OPTIMISE]
    assert "raise" not in card["summary"]
    assert card["detail"].count("**Dose first not proposed:**") == 1
    assert (
        "amitriptyline is taken as amitriptyline/perphenazine, one product with perphenazine "
        "6 mg/day (a typical antipsychotic)"
    ) in card["detail"]
    assert "counts as an adjunct already added" in card["detail"]
    assert not [s for s in card.get("suggestions", []) if "Raise" in s["label"]]


# --- finding 7: weekly fluoxetine -------------------------------------------------------------


def test_weekly_fluoxetine_raise_says_it_is_a_daily_product() -> None:
    card = _cards("fluoxetine_weekly_90_failed")[OPTIMISE]
    assert "raise fluoxetine 20 → 40 mg/day (daily, not weekly) first" in card["summary"]
    assert "fluoxetine 90 mg weekly (= 20 mg/day)" in card["detail"]
    assert (
        "A higher dose means a daily fluoxetine product (the weekly capsule comes in 90 mg only)."
    ) in card["detail"]
