"""Session 37 fix meds47: an unknown drug ordered for depression; the paragraph of records not
identified on every card that proposes drugs.

1. A name the tables do not hold beside a code they do not hold either ("Zorvexa 20 MG Oral
   Tablet", RxNorm 1234567; "Brand XR 150 MG Extended Release Oral Tablet", RxNorm 7654321) was
   read as a drug off the pathway, as "ezetimibe 10 MG Oral Tablet" is: no data gap, no paragraph
   beside the options, bupropion offered, no "could not include" line at an antidepressant
   draft. An order or statement of such a name stating depression as its reason (Epic's
   reasonCode F33.1 with SNOMED CT and a text; a reasonReference to the depression Condition) is
   now a record not identified (fhir_mapping/depression_unknown_name.py).
2. The paragraph (services/unidentified_options.py, fix meds46) was on the optimise card's
   switch/augment path only: the psychotic-features card proposes a regimen and a switch too.

Charts: meds47_charts/ (all 19 prefetch keys; as of 2026-12-01), built from meds46's
u_venlafaxine_sbd_code_only_running (sertraline failed; venlafaxine orders and fills by RxNorm
725072 only) with the venlafaxine records renamed (fills state no reason) or replaced by an Epic
home-medication statement.
- Failing before: u_zorvexa_ordered_for_depression (reasonCode F33.1),
  u_brand_xr_stated_for_depression_condition (reasonReference to the F33.2 Condition),
  u_zorvexa_ordered_for_depression_sertraline_draft (order-select: the order checks' line),
  u_zorvexa_ordered_for_depression_psychotic_features and u_venlafaxine_code_only_psychotic_features
  (the diagnosis recoded F33.3: the psychotic-features card had no paragraph).
- Controls (no record not identified, no paragraph): ezetimibe ordered for hyperlipidemia (E78.5);
  Zorvexa ordered for hypertension (I10), also with psychotic features; Brand XR stated for the
  hypertension Condition; Zorvexa ordered with no reason.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "meds47_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
OPTIMIZE = "optimize-switch-augment"
HEAD = "**Options to check against a record not identified:**"
ZORVEXA = (
    'MedicationRequest/53f7c291-13ba-58d5-b2c9-e1a89c25376d ("Zorvexa 20 MG Oral Tablet", RxNorm '
    "1234567, ordered 2026-09-21)"
)
GAP = "drug not identifiable: a name this service's drug tables do not hold, with depression as"

FIXED = {
    "u_zorvexa_ordered_for_depression": "reasonCode F33.1",
    "u_brand_xr_stated_for_depression_condition": "reasonReference to the F33.2 Condition",
    "u_zorvexa_ordered_for_depression_sertraline_draft": "order-select, sertraline drafted",
    "u_zorvexa_ordered_for_depression_psychotic_features": "psychotic-features card",
    "u_venlafaxine_code_only_psychotic_features": "psychotic-features card, code only",
}
CONTROLS = {
    "c_ezetimibe_ordered_for_hyperlipidemia": "a name, another reason",
    "c_zorvexa_ordered_for_hypertension": "another reason",
    "c_zorvexa_ordered_for_hypertension_psychotic_features": "another reason",
    "c_brand_xr_stated_for_hypertension_condition": "another reason by reference",
    "c_zorvexa_ordered_no_reason": "no reason",
}


def _all_detail(name: str) -> str:
    return "\n".join(c.get("detail", "") for c in _cards(name).values())


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("u_zorvexa_ordered_for_depression", ZORVEXA),
        ("u_zorvexa_ordered_for_depression_psychotic_features", ZORVEXA),
        (
            "u_brand_xr_stated_for_depression_condition",
            'MedicationStatement/5c378da0-c44f-5825-ab76-19f39863c159 ("Brand XR 150 MG Extended '
            'Release Oral Tablet", RxNorm 7654321, stated 2026-09-21)',
        ),
    ],
)
def test_an_unknown_name_written_for_depression_is_named_beside_the_options(
    name: str, named: str
) -> None:
    detail = _cards(name)[OPTIMIZE]["detail"]
    assert f"{HEAD} {named}" in detail
    assert detail.index("**Switch:**") < detail.index(HEAD)
    assert GAP in detail  # its data gap line, by its name and code
    # Bupropion is held back as for a code alone (unidentified_screen.py, fix drug48).
    assert "NDRI: bupropion" not in detail
    if "psychotic" not in name:  # never proposed with psychotic features (psychotic.py)
        assert "bupropion not listed: a running medication is not identified" in detail


def test_the_psychotic_features_card_names_a_record_not_identified() -> None:
    cards = _cards("u_venlafaxine_code_only_psychotic_features")
    assert cards[OPTIMIZE]["summary"].startswith("Psychotic features")
    detail = cards[OPTIMIZE]["detail"]
    assert (
        f"{HEAD} MedicationRequest/53f7c291-13ba-58d5-b2c9-e1a89c25376d (RxNorm 725072, ordered "
        "2026-09-21)"
    ) in detail


def test_an_antidepressant_draft_says_its_checks_could_not_include_it() -> None:
    detail = _all_detail("u_zorvexa_ordered_for_depression_sertraline_draft")
    assert GAP in detail
    assert (
        "The MAOI washout and interaction checks at this order could not include the medication "
        "records above whose drug was not identified"
    ) in detail


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_a_name_written_for_anything_else_stays_a_name(name: str) -> None:
    cards = _cards(name)
    detail = _all_detail(name)
    assert HEAD not in detail
    assert "not identifiable" not in detail
    if "psychotic" not in name:  # never proposed with psychotic features (psychotic.py)
        assert "NDRI: bupropion" in cards[OPTIMIZE]["detail"]


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)
