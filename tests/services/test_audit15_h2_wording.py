"""Audit 15 (a clinician's read of the cards): which card says what, and how.

- W5 (e02): an old aneurysmal SAH (I60.7 with SNOMED 21454007) was named twice per drug on the
  optimise card's "Not offered" line, the second time as "a history of intracerebral
  hemorrhage" (the text term "hemorrhag* ~ intracranial" read "subarachnoid hemorrhage from
  unspecified intracranial artery"). SAH is not ICH: one line, aneurysmal vascular disease.
- M8 (e01, e01b): the esketamine line named the Condition by its code's display "since
  2015-04-01" while the TMS line used its text; in e01 the Condition is resolved. Both lines now
  use the Condition's own words, and a resolved one is said with its dates.
- M1 (x06): tranylcypromine 20 mg drafted 10 days before fluoxetine ends: beside the critical
  washout card, an info card called the dose "fine for titration", with the same "Data not
  read" block. The dose card is dropped; the block is said once.
- M2/M3 (f01, f9 SR + XL): "on one order" of two orders; SR + XL within the maximum got no card.
- M4 (g01): sertraline and fluoxetine drafted after escitalopram failed: one sentence and one
  table naming both.
- M5 (f9 Zyban): "(Zyban's bupropion: bupropion (smoking cessation) for smoking cessation)".
- M6 (f07): an as-needed SSRI's held daily-dose order read "raise held".

Charts: the audit's CDS Hooks requests (US Core / Epic-shaped prefetch: ICD-10-CM + SNOMED
problem-list Conditions, RxNorm MedicationRequests, LOINC PHQ-9 Observations) in
tests/services/recheck15_charts/ and tests/services/review15_charts/.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping import vascular_text
from fhir_mapping.record import FindingKind
from tests.services import chart_files
from tests.services.helpers import Evaluator, line_starting

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
HERE = Path(__file__).parent
_recheck = chart_files.loader(HERE / "recheck15_charts")
_review = chart_files.loader(HERE / "review15_charts")
OPTIMISE = "optimize-switch-augment"
Doc = dict[str, Any]


_at = Evaluator(AS_OF)
_cards = _at.cards
_by_topic = _at.by_topic


# --- W5: a subarachnoid haemorrhage is not an intracerebral one ------------------------------


def test_old_sah_is_named_once_per_drug_as_aneurysmal_disease() -> None:
    optimise = _by_topic(_recheck("e02_old_sah_i60_with_clip"))[OPTIMISE]
    line = line_starting(optimise, "**Not offered (contraindicated):**")
    assert "intracerebral" not in line
    # Named once per drug (esketamine, ketamine), by its code and date, never its id.
    assert line.count("(ICD-10-CM I60.7, 2012-06-01, resolved 2012-09-01)") == 2
    assert "Condition/42a2565e-b408-528a-b565-982640105dc6" not in line
    assert "aneurysmal vascular disease" in line
    assert "ICD-10-CM I60.7" in line


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        (
            "Nontraumatic subarachnoid hemorrhage from unspecified intracranial artery",
            {FindingKind.ANEURYSM_AVM},
        ),
        ("Subarachnoid intracranial hemorrhage (disorder)", {FindingKind.ANEURYSM_AVM}),
        ("Intracranial hemorrhage", {FindingKind.INTRACEREBRAL_HEMORRHAGE}),
        (
            "Subarachnoid haemorrhage 2012; intracerebral hemorrhage 2019",
            {FindingKind.ANEURYSM_AVM, FindingKind.INTRACEREBRAL_HEMORRHAGE},
        ),
    ],
)
def test_subarachnoid_haemorrhage_text_is_not_read_as_intracerebral(
    text: str, kinds: set[FindingKind]
) -> None:
    assert set(vascular_text.text_kinds(text)) == kinds


# --- M8: a resolved, clipped aneurysm: one name, its dates -----------------------------------


def test_resolved_aneurysm_is_named_by_its_text_with_dates_not_since() -> None:
    optimise = _by_topic(_recheck("e01_aneurysm_resolved_clipped"))[OPTIMISE]
    line = line_starting(optimise, "**Not offered (contraindicated):**")
    assert "since 2015-04-01" not in line
    assert (
        "esketamine nasal spray: Left MCA aneurysm, clipped 2015 (ICD-10-CM I67.1, 2015-04-01, "
        "resolved 2015-06-01)" in line
    )
    # The TMS line names the same entry the same way.
    assert "contraindication: Left MCA aneurysm, clipped 2015 (ICD-10-CM I67.1" in line_starting(
        optimise, "**Why no TMS referral:**"
    )


def test_active_aneurysm_keeps_since() -> None:
    optimise = _by_topic(_recheck("e01b_aneurysm_active_clipped_text"))[OPTIMISE]
    line = line_starting(optimise, "**Not offered (contraindicated):**")
    assert "Left MCA aneurysm, clipped 2015 (ICD-10-CM I67.1, since 2015-04-01)" in line


# --- M1: no titration advice for an order the washout card holds ------------------------------


def test_no_titration_card_beside_a_critical_maoi_washout() -> None:
    cards = _cards(_recheck("x06_fluoxetine_to_maoi_ending_in_10d"))
    assert [c["source"]["topic"]["code"] for c in cards] == ["order-maoi-interaction"]
    (card,) = cards
    assert card["indicator"] == "critical"
    assert "stop fluoxetine at least 35 days first" in card["summary"]
    assert "fine for titration" not in card["summary"] + card["detail"]
    assert card["detail"].count("**Data not read**") == 1


# --- M2 / M3: two bupropion release formulations drafted together ----------------------------


def test_xl_and_sr_above_the_maximum_are_drafted_together_not_on_one_order() -> None:
    card = _by_topic(_recheck("f01_sign_bupropion_xl450_plus_sr150"))["order-dose-above-range"]
    assert card["summary"].startswith("Bupropion XL and SR drafted together: 750 mg/day total")
    assert "on one order" not in card["summary"]


def test_sr_and_xl_within_the_maximum_still_say_use_one_product() -> None:
    cards = _by_topic(_review("f9_drafts_bupropion_sr_and_xl"))
    assert "order-dose-above-range" not in cards
    card = cards["order-same-class-running"]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Bupropion SR and XL drafted together (450 mg/day total): two bupropion products; use one"
    )
    detail = card["detail"]
    assert "300 + 150 = 450 mg/day" in detail
    assert "within the 450 mg/day maximum" in detail
    assert "seizure risk rises with the total daily dose" in detail
    assert "Use one bupropion product: keep one of the orders" in detail


def test_two_sr_drafts_get_no_two_products_card() -> None:
    """One formulation at two strengths is one product: its ceiling card speaks, no more."""
    assert "order-same-class-running" not in _by_topic(_review("f9_drafts_bupropion_sr_twice"))


# --- M4: two drafts of a failed class: one sentence, one table --------------------------------


def test_two_drafts_of_a_failed_class_share_one_sentence_and_table() -> None:
    card = _by_topic(_review("g01_sign_two_ssri_drafts"))["order-repeats-failed-trial"]
    assert card["summary"].startswith(
        "Sertraline and fluoxetine are in the class of escitalopram (SSRI), which failed"
    )
    assert card["detail"].count("| escitalopram (SSRI) |") == 1
    assert card["detail"].count("belong to SSRI") == 1


# --- M5: Zyban named once ---------------------------------------------------------------------


def test_zyban_is_named_as_bupropion_sr_for_smoking_cessation() -> None:
    card = _by_topic(_review("f9_zyban_running_draft_bupropion_sr"))["order-dose-above-range"]
    assert "(Zyban: bupropion SR for smoking cessation)" in card["detail"]
    assert "Zyban's bupropion" not in card["detail"]


# --- M6: an as-needed order's held suggestion is a daily dose ---------------------------------


def test_held_daily_dose_of_an_as_needed_ssri_is_not_called_a_raise() -> None:
    optimise = _by_topic(_recheck("f07_prn_ssri_high_phq_item9"))[OPTIMISE]
    assert optimise["summary"].endswith(": daily dose held (suicide risk assessment first)")
    assert "raise held" not in optimise["summary"]
