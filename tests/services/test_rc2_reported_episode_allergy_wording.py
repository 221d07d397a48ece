"""The second recheck of review 16: a reported course without dates, an old severe code left open,
and the wording of the enantiomer allergy card.

- W2 (r01, r02): a course the patient reported with a dose and no dates (a MedicationStatement
  with only dateAsserted; an Epic reportedBoolean order whose authoredOn is the entry date) is
  named with its dose and "dates not recorded", never "tried from 2025-01-06" (that day is when
  the report was entered, also the day the current venlafaxine began). Both say `completed`:
  "tried before 2025-01-06" since review s19 item 1 (the course had ended by then).
- W3 (d03b): F33.2 since 2019, never closed, beside F33.1 since 2024-10: the current episode's
  code decides the payer diagnosis criterion (not met: moderate) and the Maudsley duration
  (acute), and the 2019 code is named as an earlier episode's. d03 (the 2019 code resolved)
  already read so; a recode months apart is still one episode.
- a03: the critical card's summary names the reaction (anaphylaxis). a02: a nausea intolerance
  does not cite the labels' hypersensitivity contraindication; an allergy (a01) still does.
- a11: escitalopram taken for 15 months after a citalopram allergy entry is named as
  contradicting the entry, as a class allergy contradicted by a course already is.

Charts (recheck16_charts/rc2_*): the recheck's probes, Epic / US Core shaped, as-of 2025-06-02.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
Doc = dict[str, Any]

_chart = chart_files.loader(Path(__file__).parent / "recheck16_charts")

R01 = "rc2_r01_reported_statement_dose_no_dates"
R02 = "rc2_r02_reported_request_dose_no_dates"
D03 = "rc2_d03_old_f332_2019_resolved_new_f331_episode"
D03B = "rc2_d03b_old_f332_2019_still_active_new_f331"


_at = Evaluator(AS_OF)
_cards = _at.by_topic


def _by_topic(name: str) -> dict[str, Doc]:
    return _cards(_chart(name))


# --- W2: a reported course without dates -------------------------------------------------------


@pytest.mark.parametrize("name", [R01, R02])
def test_a_reported_course_without_dates_is_named_as_reported_with_its_dose(name: str) -> None:
    cards = _by_topic(name)
    switch = cards["optimize-switch-augment"]["detail"]
    # Before: "sertraline (tried from 2025-01-06; duration not recorded)".
    assert "tried from 2025-01-06" not in switch
    # Both records are `completed`: the course had ended by the day it was entered (review s19
    # item 1, rule 2e of fhir_mapping/episodes.py), so "tried before", never "reported".
    assert "sertraline (tried before 2025-01-06 at 150 mg/day; dates not recorded)" in switch
    review = cards["adherence-review"]
    assert "sertraline 150 mg/day tried before 2025-01-06, dates not recorded" in review["summary"]
    # Before: "- **sertraline** (2025-01-06): ... duration not recorded (needs 6)".
    assert (
        "- **sertraline** 150 mg/day (tried before 2025-01-06): weeks at an adequate dose "
        "unknown: dates not recorded (needs 6)"
    ) in review["detail"]


def test_a_clinicians_order_without_a_duration_keeps_its_start() -> None:
    # The same request ordered by the clinic (no reportedBoolean): its authoredOn is the order's
    # day, a start on record; only the length is unknown.
    doc = _chart(R02)
    for resource in chart_files.prefetch_resources(doc):
        if resource.get("reportedBoolean") is True:
            del resource["reportedBoolean"]
    review = _cards(doc)["adherence-review"]
    assert "reported" not in review["summary"]
    assert "sertraline duration not recorded" in review["summary"]


# --- W3: an older open severe code beside the current episode's --------------------------------


def test_an_earlier_episodes_severe_code_does_not_meet_the_payer_diagnosis_criterion() -> None:
    detail = _by_topic(D03B)["tms-referral"]["detail"]
    # Before: "**Met** · Adult · Diagnosis · ...".
    assert (
        "**Not met** · Diagnosis: Major depressive disorder, recurrent, moderate (F33.1" in detail
    )
    assert (
        "F33.2 since 2019-02-01 is an earlier episode's code (2019), not this episode's: "
        "confirm the current episode's severity"
    ) in detail


def test_an_earlier_episodes_code_does_not_make_the_episode_chronic() -> None:
    detail = _by_topic(D03B)["tms-referral"]["detail"]
    # Before: "Duration 3 (chronic)", from the 2019 onset; seven months since 2024-10-21.
    assert "Duration 1 (acute)" in detail
    assert "Severity 3 (moderate)" in detail


def test_the_resolved_2019_code_reads_as_before() -> None:
    detail = _by_topic(D03)["tms-referral"]["detail"]
    assert "**Not met** · Diagnosis" in detail
    assert "earlier episode" not in detail
    assert "Duration 1 (acute)" in detail


def test_a_recode_months_apart_is_one_episode_and_still_counts() -> None:
    # F33.2 added 2024-08 and F33.1 2024-10: under the policy's 6-month episode break, a
    # recoding of one episode; nothing is named as another episode's.
    doc = _chart(D03B)
    for resource in chart_files.prefetch_resources(doc):
        if resource.get("resourceType") == "Condition" and "F33.2" in str(resource.get("code")):
            resource["onsetDateTime"] = "2024-08-05T09:30:00-05:00"
            resource["recordedDate"] = "2024-08-05T09:30:00-05:00"
    detail = _cards(doc)["tms-referral"]["detail"]
    assert "earlier episode" not in detail


# --- a03, a02, a01: the enantiomer allergy card --------------------------------------------------


def test_a_severe_reaction_is_named_in_the_summary() -> None:
    card = _by_topic("rc2_a03_citalopram_anaphylaxis_draft_escitalopram")["order-not-tolerated"]
    assert card["indicator"] == "critical"
    # Before: "Citalopram not tolerated (2024-01-10): escitalopram is the S-enantiomer ...".
    assert card["summary"].startswith("Citalopram: anaphylaxis on record (allergy, 2024-01-10)")


def test_an_intolerance_does_not_cite_the_hypersensitivity_contraindication() -> None:
    card = _by_topic("rc2_a02_citalopram_intolerance_nausea_draft_escitalopram")[
        "order-not-tolerated"
    ]
    assert "Nausea" in card["detail"]
    assert "hypersensitivity" not in card["detail"]
    assert card["indicator"] == "warning"


def test_an_allergy_still_cites_the_hypersensitivity_contraindication() -> None:
    card = _by_topic("rc2_a01_citalopram_allergy_mild_rash_draft_escitalopram")[
        "order-not-tolerated"
    ]
    assert "the label lists hypersensitivity to either as a contraindication" in card["detail"]
    assert card["summary"].startswith("Citalopram not tolerated (")


# --- a11: the enantiomer taken after the allergy entry -------------------------------------------


def test_the_enantiomer_taken_since_the_allergy_entry_is_named_to_reconcile() -> None:
    detail = _by_topic("rc2_a11_citalopram_allergy_but_escitalopram_tolerated_year")[
        "optimize-switch-augment"
    ]["detail"]
    assert "**Not tolerated, never proposed:** citalopram (documented allergy" in detail
    assert (
        "Escitalopram, which is the S-enantiomer of citalopram (racemic citalopram contains it), "
        "was taken since 2024-03-04 with no reaction recorded: reconcile the citalopram allergy "
        "entry (2019-01-01)"
    ) in detail
