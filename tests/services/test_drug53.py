"""Session 34 fix drug53 (recheck K41a findings 3, 4): false critical MAOI cards from drug52.

drug52 (fhir_mapping/stated_form.py) reads an ingredient-coded selegiline as the transdermal
antidepressant when its record states the patch form outside its name. Two ways it misread:
- Finding 3: an Oracle-style Emsam order (sig "Apply 1 patch onto the skin daily.", 1 {patch})
  whose fills carry the ingredient code alone, no form and "30 each": the order read as the patch,
  its fills as oral selegiline: "Selegiline (MAOI) listed, oral selegiline possibly running ...
  stop one", "filled as another drug than its order", "never filled". Now a fill that states no
  form of its own takes the form of the one order it fills (stated_form.with_order_form).
- Finding 4: a patch word anywhere in an ORAL selegiline sig ("max 10 mg/24 h", "Keep using your
  nicotine patch", "not the patch", "not transdermal") read it as the patch: the same false
  critical and "never filled". Now a sig states the form only by a verb-form phrase that begins
  a clause (data/form_sig_phrases.csv: "Apply 1 patch ...", "1 patch daily").

Charts: drug53_charts/ (all 19 prefetch keys; as of 2026-12-01), K41a's: sertraline 150 failed,
then selegiline 2026-07-31 on with monthly fills naming their order (authorizingPrescription).
- patch_order_fills_each: K41a k1 (drug52's oracle_patch_sig_only, fills "each", no form).
- oral_control, oral_max_24h, oral_nicotine_patch, oral_not_the_patch, oral_not_transdermal:
  K41a j0-j3, j5: an ingredient-coded order "Take 1 tablet (5 mg) by mouth twice daily" and the
  sig words above; oral_do_not_apply_patch: "... Do not apply patch".
- patch_order_fills_oral_capsule: the patch order of patch_order_fills_each filled with the oral
  capsule SCD (RxNorm 859186): a fill naming its own product is not read with its order's form, and
  the mismatch stays on the cards.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.stated_form import _sig_form_texts
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
HERE = Path(__file__).parent / "drug53_charts"
_load = chart_files.loader(HERE)
_FALSE_CRITICAL = "oral selegiline possibly running"
_NEVER_FILLED = "never filled"


def _cards(name: str) -> list[dict[str, Any]]:
    doc = _load(name)
    chart_files.check_chart(doc)
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    cards: list[dict[str, Any]] = result.response.to_json()["cards"]
    return cards


def _trial_drugs(name: str) -> list[str]:
    doc = _load(name)
    _, record = Evaluator(AS_OF).by_topic_and_record(doc)
    return [t.ingredient for t in record.trials if "selegiline" in t.ingredient]


def test_every_chart_carries_the_prefetch_keys() -> None:
    for path in sorted(HERE.glob("*.json")):
        chart_files.check_chart(_load(path.stem))


def test_fills_stating_no_form_take_their_patch_orders_form() -> None:
    cards = _cards("patch_order_fills_each")
    text = " ".join(c["summary"] + c.get("detail", "") for c in cards)
    assert not [c for c in cards if c["indicator"] == "critical"]
    assert "oral selegiline" not in text.casefold()
    assert _NEVER_FILLED not in text
    assert "another drug than its order" not in text
    assert _trial_drugs("patch_order_fills_each") == ["selegiline"]


@pytest.mark.parametrize(
    "chart",
    [
        "oral_control",
        "oral_max_24h",
        "oral_nicotine_patch",
        "oral_not_the_patch",
        "oral_not_transdermal",
        "oral_do_not_apply_patch",
    ],
)
def test_a_patch_word_in_an_oral_sig_leaves_it_oral(chart: str) -> None:
    cards = _cards(chart)
    text = " ".join(c["summary"] + c.get("detail", "") for c in cards)
    assert not [c for c in cards if c["indicator"] == "critical"]
    assert _NEVER_FILLED not in text
    assert _trial_drugs(chart) == ["oral selegiline"]


def test_a_fill_naming_its_own_oral_product_keeps_the_mismatch() -> None:
    cards = _cards("patch_order_fills_oral_capsule")
    assert any(c["indicator"] == "critical" and _FALSE_CRITICAL in c["summary"] for c in cards)
    assert _trial_drugs("patch_order_fills_oral_capsule") == ["selegiline"]


@pytest.mark.parametrize(
    ("sig", "states"),
    [
        ("Apply 1 patch onto the skin daily.", True),
        ("Apply one 6 mg/24 hr patch to the skin daily", True),
        ("1 patch daily", True),
        ("Take 1 tablet (5 mg) by mouth twice daily, max 10 mg/24 h", False),
        ("Take 1 tablet (5 mg) by mouth twice daily. Keep using your nicotine patch", False),
        ("Take 1 capsule by mouth twice daily; not the patch", False),
        ("Take 1 tablet (5 mg) by mouth twice daily. Do not apply patch", False),
    ],
)
def test_only_a_verb_form_phrase_of_the_sig_states_the_patch(sig: str, states: bool) -> None:
    assert bool(list(_sig_form_texts(sig))) is states
