"""Review s26 GC item 2: brexanolone (Zulresso) on the MAR during a pregnancy or after a birth.

Checked against the label: ZULRESSO is one continuous 60-hour IV infusion for postpartum
depression (label 1, 2.1), labelled for depression after delivery, and may cause fetal harm
(label 8.1; data/condition_drug_rules.csv, data/labelled_indications.csv hold both with sources).

- Read at all: yes. A MedicationAdministration of it is a course of its own (fhir_mapping/
  administered_courses.py, review 15 W1), NOT_A_TRIAL (fixed_course.py): never adequate, never
  failed, so never a trial toward TMS (a 60-hour infusion is not a 6-week trial). Pinned here:
  with sertraline the only failed trial, the infusion does not make it two.
- Silent during a current pregnancy (fixed): an infusion charted two weeks into a pregnancy on
  record said nothing. The drug is labelled for depression after delivery, so either she has
  delivered with no delivery recorded, or the fetus was exposed off-label: the pregnancy
  paragraph now asks whether she has delivered and says the label's pregnancy note.
- Silent beside the zuranolone option (fixed): after a birth with a postpartum depression coded,
  the optimise card named zuranolone without the brexanolone infusion already given, a drug of
  the same class: now named beside it (nothing barred: neither label forbids the sequence).

Charts: tests/services/brexanolone_mar_charts/ (from pregnancy_due_passed_charts: the delivered
chart and the first-trimester chart, as patient-view; the MAR entry as review 15's a07 charts
it, Epic's text-only medication; every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import Verdict
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
_load = chart_files.loader(Path(__file__).parent / "brexanolone_mar_charts")
_at = Evaluator(as_of=date(2026, 12, 1))
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
GIVEN_IN_PREGNANCY = (
    "**Brexanolone given 2026-11-24 – 2026-11-26 with this pregnancy on record:** it is labelled "
    "for postpartum depression (ZULRESSO label 1): check whether she has delivered (no delivery "
    "is recorded). If she was pregnant then: may cause fetal harm"
)


def _topic(cards: list[Doc], topic: str) -> list[Doc]:
    return [c for c in cards if c["source"]["topic"]["code"] == topic]


def test_the_mar_infusion_is_a_fixed_course_never_a_trial() -> None:
    record = _at.result(_load("postpartum_brexanolone_given_view")).evaluation.record
    (course,) = [t for t in record.trials if t.ingredient == "brexanolone"]
    assert (course.start, course.end, course.ongoing) == (
        date(2026, 10, 12),
        date(2026, 10, 14),
        False,
    )
    assert (course.verdict, course.failed) == (Verdict.NOT_A_TRIAL, False)
    assert [s.resource_type for s in course.sources] == ["MedicationAdministration"]
    assert record.resources_skipped == 0


def test_the_infusion_does_not_count_toward_tms() -> None:
    # Sertraline failed; the infusion is the only other course. Counted, it would make two
    # trials of two classes and bring the TMS referral card.
    cards = _at.cards(_load("postpartum_sertraline_failed_brexanolone_view"))
    assert not _topic(cards, TMS)
    [card] = _topic(cards, OPTIMISE)
    assert card["summary"].startswith("1 adequate trial failed (sertraline)")
    assert "Failed antidepressants 1 (1 failed" in card["detail"]


def test_with_two_trials_the_tms_card_counts_only_the_antidepressants() -> None:
    [card] = _topic(_at.cards(_load("postpartum_brexanolone_given_view")), TMS)
    assert (
        "Medication trials: 2 counted from 2 classes: sertraline (SSRI, failed), venlafaxine"
        in (card["detail"])
    )
    assert "brexanolone" not in card["detail"].split("Medication trials:")[1].split("\n")[0]


def test_the_zuranolone_option_names_the_infusion_already_given() -> None:
    [card] = _topic(_at.cards(_load("postpartum_brexanolone_given_view")), OPTIMISE)
    assert (
        "Already given in the postnatal year: brexanolone (neuroactive steroid, the class of "
        "zuranolone) 2026-10-12 – 2026-10-14."
    ) in card["detail"]


def test_given_during_a_current_pregnancy_asks_whether_she_has_delivered() -> None:
    cards = _at.cards(_load("pregnant_t1_brexanolone_given_view"))
    for topic in (OPTIMISE, TMS):
        [card] = _topic(cards, topic)
        assert GIVEN_IN_PREGNANCY in card["detail"]
        assert "(Zulresso label 8.1)" in card["detail"]


def test_an_infusion_before_the_pregnancy_is_not_said_to_be_in_it() -> None:
    # The infusion a year before the pregnancy began: nothing to ask.
    doc = _load("pregnant_t1_brexanolone_given_view")
    for entry in doc["prefetch"]["medicationAdministrations"]["entry"]:
        period = entry["resource"]["effectivePeriod"]
        period["start"] = "2025-11-24T09:30:00-05:00"
        period["end"] = "2025-11-26T21:30:00-05:00"
    cards = _at.cards(doc)
    assert all("with this pregnancy on record" not in c.get("detail", "") for c in cards)
