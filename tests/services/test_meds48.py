"""Session 37 fix meds48: a known non-antidepressant ordered with a depression diagnosis is a
drug off the pathway, not a record whose drug could not be identified.

Epic attaches the visit's diagnoses to every order of the visit: hydroxyzine for anxiety, prazosin
for nightmares (F43.10 and F33.1), atorvastatin pointing at the depression Condition. meds47
(fhir_mapping/depression_unknown_name.py) read any name the tables do not hold, ordered for
depression, as a drug not identified: a data gap, bupropion held back, the options paragraph and,
at an antidepressant or MAOI draft, the "could not include" line. A name holding an ingredient
known not to be an antidepressant (data/non_antidepressant_names.csv, and the names the other
tables hold of drugs that are no antidepressant and no adjunct: non_antidepressant_names.py) is
now that drug, off the pathway; an unknown brand (Zorvexa, Brand XR: meds47_charts) stays not
identified.

Charts: meds48_charts/ (all 19 prefetch keys; as of 2026-12-01), built from meds47's
u_zorvexa_ordered_for_depression (sertraline failed; the Zorvexa orders and fills renamed, the
orders keeping Epic's reasonCode F33.1 with SNOMED CT, ICD-9-CM and a text).
- Failing before (now quiet): hydroxyzine HCl 25 MG Oral Tablet (RxNorm 995218) for F33.1, also
  with a sertraline draft (order-select); prazosin 1 MG Oral Capsule (RxNorm 312593) for F43.10
  and F33.1.
- Control (quiet before and after): gabapentin 300 MG Oral Capsule (RxNorm 310431) for F33.1,
  read by other_psychotropics.csv.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.non_antidepressant_names import names_other_drug
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "meds48_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
OPTIMIZE = "optimize-switch-augment"
HEAD = "**Options to check against a record not identified:**"

FIXED = {
    "q_hydroxyzine_ordered_for_depression": "hydroxyzine, reasonCode F33.1",
    "q_hydroxyzine_ordered_for_depression_sertraline_draft": "order-select, sertraline drafted",
    "q_prazosin_ordered_for_ptsd_and_depression": "prazosin, reasonCode F43.10 and F33.1",
}
CONTROLS = {
    "c_gabapentin_ordered_for_depression": "a drug the tables read (other_psychotropics.csv)",
}


def _all_detail(name: str) -> str:
    return "\n".join(c.get("detail", "") for c in _cards(name).values())


@pytest.mark.parametrize("name", sorted(FIXED.keys() | CONTROLS.keys()))
def test_a_known_other_drug_ordered_for_depression_is_off_the_pathway(name: str) -> None:
    detail = _all_detail(name)
    assert HEAD not in detail
    assert "not identifiable" not in detail
    assert "could not include" not in detail
    if "draft" in name:
        return
    options = _cards(name)[OPTIMIZE]["detail"]
    if "gabapentin" in name:  # held back as an antiseizure drug is (tms43), not as unidentified
        assert "bupropion not listed: an antiseizure drug runs" in options
    else:
        assert "NDRI: bupropion" in options


@pytest.mark.parametrize(
    ("text", "known"),
    [
        ("hydroxyzine HCl 25 MG Oral Tablet", True),
        ("Hydroxyzine Pamoate 25 MG Oral Capsule", True),
        ("prazosin 1 MG Oral Capsule", True),
        ("atorvastatin 20 MG Oral Tablet", True),
        ("zolpidem tartrate 5 MG Oral Tablet", True),  # sedative_names.csv, not copied
        ("lisinopril 10 MG Oral Tablet", True),  # interaction_partners.csv, read only with lithium
        ("Zorvexa 20 MG Oral Tablet", False),
        ("Brand XR 150 MG Extended Release Oral Tablet", False),
        ("prazosinex 5 MG", False),  # a word, not a part of one
        ("quetiapine 50 MG Oral Tablet", False),  # an adjunct is never "known, off the pathway"
    ],
)
def test_names_other_drug_matches_whole_words(text: str, known: bool) -> None:
    assert names_other_drug(text) is known


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)
