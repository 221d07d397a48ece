"""Session 19 review leftovers (minors), pinned on the review's own charts
(tests/services/minors20_charts/, Epic / Oracle shaped requests, every prefetch key):

- b01s: the two-reuptake-inhibitors warning named the running escitalopram by its resource id
  ("(MedicationRequest/enndsr...)"). A course is named by drug, dose and dates; an id stays only
  for a record with no readable dates (services/cards.record_cite).
- a04: the Beers warning on amitriptyline drafted for diabetic polyneuropathy asked for "an
  antidepressant that is not strongly anticholinergic"; it now asks for "a less anticholinergic
  option for" the order's stated indication.
- b01: the Maudsley severity took "severe" from a January code over November's PHQ-9 of 18. The
  newer rating grades it and the other is named (services/staging_severity.py).

Session 20 (L4), the review's remaining minors:
- b06: the Maudsley duration names a silent untreated gap the episode runs across.
- a10: a baseline taken on the drug gives no partial response ("from an on-treatment score").
- a running dose above the market's label (l4_* charts): a line on chart open, once.
- Conditions, allergies, scores and stays named by code and date, their ids only when undated.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.explain import explain
from fhir_mapping.partial_response import baseline_on_treatment, partial_response, response_words
from fhir_mapping.record import Intolerance, PatientRecord
from fhir_mapping.source_ref import SourceRef
from services import tolerability
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
_chart = chart_files.loader(Path(__file__).parent / "minors20_charts")
_at = Evaluator(AS_OF)
_RESOURCE_ID = re.compile(
    r"\b(MedicationRequest|MedicationStatement|MedicationDispense)/[A-Za-z0-9.\-]+"
)


def _cards(name: str) -> list[Doc]:
    return _at.cards(_chart(name))


def _topic(cards: list[Doc], topic: str) -> Doc:
    return next(c for c in cards if c["source"]["topic"]["code"] == topic)


def test_reuptake_pair_names_the_running_drug_by_dose_and_dates_not_its_id() -> None:
    card = _topic(
        _cards("b01s_two_failed_draft_venlafaxine_select_epic"), "order-same-class-running"
    )
    text = card["summary"] + card["detail"]
    assert "escitalopram since 2026-05-04; 20 mg/day since 2026-05-25 (SSRI;" in text
    assert not _RESOURCE_ID.search(text)


def test_beers_alternative_fits_the_stated_non_depression_indication() -> None:
    card = _topic(
        _cards("a04_amitriptyline_neuropathy_select_epic"), "order-older-adult-anticholinergic"
    )
    assert (
        "Prefer a less anticholinergic option for diabetic neuropathy (E11.42);" in card["detail"]
    )
    assert "Prefer an antidepressant" not in card["detail"]


def test_maudsley_severity_is_the_newer_rating_with_the_older_code_named() -> None:
    cards = _cards("b01_two_failed_adequate_tms_epic")
    text = "\n".join(c["detail"] for c in cards)
    assert (
        "Severity 3 (moderate; coded severe without psychosis (36474008) on 2026-01-05 is older)"
        in text
    )
    assert "Severity 4" not in text


# --- session 20 (L4): the rest of the session 19 review's minors ----------------------------------


def _record(name: str) -> PatientRecord:
    return _at.result(_chart(name)).evaluation.record


def test_duration_names_the_silent_untreated_gap_the_episode_runs_across() -> None:
    # b06: sertraline brought PHQ-9 16 -> 6 in 2025, then nothing for 17 months, then a restart.
    # The episode rule keeps one episode (a gap with no PHQ-9 is no break); the duration says so.
    cards = _cards("b06_restarted_after_gap_oracle")
    text = "\n".join(c["detail"] for c in cards)
    assert (
        "Duration 2 (sub-acute; counted across 17 months untreated, 2025-04-14 – 2026-09-21, "
        "with no PHQ-9: the last before it 6 on 2025-04-14)" in text
    )


def test_on_treatment_baseline_is_no_partial_response() -> None:
    # a10: an outside psychiatrist's bupropion on the home list, PHQ-9 4 the day it was recorded
    # (already on the drug), 3 later: no partial response can be measured from that score.
    trial = _record("a10_outside_bupropion_reported_remission_epic").trials[0]
    assert baseline_on_treatment(trial)
    assert partial_response(trial) is None
    assert response_words(trial) == "25 % drop from an on-treatment score"
    explained = explain(_record("a10_outside_bupropion_reported_remission_epic"))
    assert "outcome: 25 % drop from an on-treatment score, remission" in explained
    assert "partial response" not in explained


LABEL_MAX = "running-dose-above-label-max"
_c19_chart = chart_files.loader(Path(__file__).parent / "consistency19_charts")


def _topics(name: str, policy: Policy | None = None) -> dict[str, Doc]:
    return _at.by_topic(_chart(name), policy=policy)


def test_running_dose_above_the_us_label_gets_a_line_on_chart_open() -> None:
    # Amitriptyline 200 mg/day at a US site: CANMAT's range goes to 300, the US label stops at
    # 150 for outpatients (300 in hospital). Nothing said it on chart open before.
    card = _topics("l4_amitriptyline200_us_epic")[LABEL_MAX]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Amitriptyline 200 mg/day running: above the US label's maximum of 150 mg/day"
    )
    assert (
        "**Amitriptyline 200 mg/day** (running since 2026-05-04; 200 mg/day since 2026-07-06): "
        "above 150 mg/day (the US label's maximum, amitriptyline US label, Dosage (outpatients); "
        "CANMAT 2023 Table 3.3 lists up to 300). The label allows up to 300 mg/day for "
        "hospitalised patients." in card["detail"]
    )
    summaries = [c["summary"] for c in _at.cards(_c19_chart("c06_mirtazapine60_us_site_epic"))]
    assert "Mirtazapine 60 mg/day running: above the US label's maximum of 45 mg/day" in summaries


def test_no_label_line_within_the_label_or_where_the_label_does_not_bind() -> None:
    assert LABEL_MAX not in _topics("l4_amitriptyline150_us_epic")
    # A Canadian clinic: CANMAT's ranges are Canada's monographs, no US label binds.
    assert LABEL_MAX not in _topics("l4_amitriptyline200_us_epic", Policy(drug_market="Canada"))


def test_the_age_limit_card_carries_the_label_line_and_no_second_card_repeats_it() -> None:
    cards = _topics("l4_imipramine250_age70_us_epic")
    assert LABEL_MAX not in cards
    assert (
        "Imipramine 250 mg/day is also above the US label's maximum of 200 mg/day (Tofranil US "
        "label, Dosage (outpatients)); the label allows up to 300 mg/day for hospitalised "
        "patients." in cards["dose-above-age-limit"]["detail"]
    )


# Item 5: a Condition, allergy, score or stay is named by its code and date on a card, its
# resource id only when it has no readable date (cards.record_cite, the rule the courses follow).
_RECORD_ID = re.compile(
    r"\b(Condition|AllergyIntolerance|Observation|QuestionnaireResponse|Encounter)/[A-Za-z0-9.\-]+"
)
_SERVICES = Path(__file__).parent


@pytest.mark.parametrize(
    ("chart", "topic", "named"),
    [
        # drug-disease at an order: the diabetes Condition by code and onset.
        (
            "review16_charts/f06_diabetes_draft_quetiapine_augment",
            "order-drug-disease",
            "(Type 2 diabetes mellitus with hyperglycemia, ICD-10-CM E11.65, since 2019-01-01)",
        ),
        # running-drug caution: the seizure Condition.
        (
            "wording19_charts/s01c_single_convulsion_bupropion_running",
            "running-drug-caution",
            "Unspecified convulsions (ICD-10-CM R56.9, since 2024-11-20), not coded",
        ),
        # tolerability (a class allergy entry at an order).
        (
            "recheck16_charts/a02_ssri_intolerance_nausea_mild",
            "order-not-tolerated",
            "SSRI intolerance - nausea (documented intolerance: Nausea, 2024-01-10), recorded",
        ),
        # suicide-risk: the item 9 answer by its date.
        (
            "review19_item9_charts/qr_item9_positive_twice_unassessed_oracle",
            "suicide-risk",
            "total 15 on 2026-10-12: not yet assessed",
        ),
        # diagnosis-review: the refuting entry by its date.
        (
            "recheck14_charts/b01_bipolar_differential_then_refuted",
            "diagnosis-review",
            "A later entry records it as refuted (2025-05-20), but",
        ),
        # psychotherapy: the stay left open by its start.
        (
            "review17_charts/rc17b_st01_stay_open_2y_fills_since",
            "psychotherapy",
            "**Inpatient stay recorded open since 2023-05-10**, with",
        ),
    ],
)
def test_dated_records_are_named_by_code_and_date_not_resource_id(
    chart: str, topic: str, named: str
) -> None:
    folder, name = chart.split("/")
    card = _topic(_at.cards(chart_files.loader(_SERVICES / folder)(name)), topic)
    text = card["summary"] + card["detail"]
    assert named in text
    assert not _RECORD_ID.search(text)


def test_an_undated_record_keeps_its_id() -> None:
    # An allergy entry with no date can be found by nothing else: its id stays.
    source = SourceRef("AllergyIntolerance", "ai-1")
    undated = Intolerance("sertraline", "nausea", None, source)
    assert tolerability.intolerance_brief("sertraline", undated) == (
        "sertraline (nausea, date not recorded, AllergyIntolerance/ai-1)"
    )
    dated = Intolerance("sertraline", "nausea", date(2024, 1, 10), source)
    assert tolerability.intolerance_brief("sertraline", dated) == "sertraline (nausea, 2024-01-10)"
