"""Review s26 GB (pregnancy as Epic / US Core write it; what review RG did not reach).

- Item 1: a Z33.1 coded at the first prenatal visit (2026-03-05) with an EDD of 2026-09-01 and no
  delivery recorded, read on 2026-12-01: the code stayed inside its 42-week window, so paroxetine
  read "avoid starting it in pregnancy" as fact three months past the due date, and the passed
  EDD's "probably postpartum: check breastfeeding" line was hidden. The passed EDD now ends the
  pregnancy coded before it (services/pregnancy_now.py): "pregnancy on record, due date passed:
  confirm she is not pregnant". A drug with a lactation row drafted after a birth (or a passed
  EDD) with breastfeeding not recorded now asks about it (order_checks/pregnancy_lines.py).
- Item 2: a Z33.1 of 2024 is not read as a pregnancy in 2026 (pinned; whether it should still be
  named is left to the lead: see the report).
- Item 3: the TMS card no longer says its TMS option comes from guidelines that do not cover
  pregnancy.
- Item 4: zuranolone drafted in pregnancy gets its label's fetal-harm caveat (a warning).

Charts: tests/services/pregnancy_due_passed_charts/ (Epic-shaped requests built from the review
RG base chart, every prefetch key; a 44-year-old woman with recurrent MDD, sertraline failed,
venlafaxine running).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
_load = chart_files.loader(Path(__file__).parent / "pregnancy_due_passed_charts")
_at = Evaluator(as_of=date(2026, 12, 1))
CONTRAINDICATED = "order-drug-contraindicated"
CAUTION = "order-drug-caution"


def _topic(cards: list[Doc], topic: str) -> list[Doc]:
    return [c for c in cards if c["source"]["topic"]["code"] == topic]


def _text(cards: list[Doc]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in cards)


# --- item 1: an EDD passed with no delivery recorded ---------------------------------------------


def test_paroxetine_past_the_due_date_asks_rather_than_asserts_pregnancy() -> None:
    cards = _at.cards(_load("z331_edd_passed_paroxetine_select"))
    assert not _topic(cards, CONTRAINDICATED)
    [card] = _topic(cards, CAUTION)
    assert card["indicator"] == "info"
    assert card["summary"] == (
        "Paroxetine: pregnancy on record, due date 2026-09-01 passed with no delivery recorded: "
        "confirm she is not pregnant"
    )
    assert (
        "its estimated delivery date, 2026-09-01, has passed and no delivery is recorded"
        in (card["detail"])
    )
    assert "avoid starting it in pregnancy" not in _text(cards)


def test_the_same_chart_before_the_due_date_is_still_a_pregnancy() -> None:
    # On 2026-08-01 the EDD is a month ahead: the Z33.1 is current (about 35 weeks, dated by the
    # EDD) and the pregnancy card stands.
    cards = _at.cards(_load("z331_edd_passed_paroxetine_select"), as_of=date(2026, 8, 1))
    [card] = _topic(cards, CONTRAINDICATED)
    assert card["summary"].startswith("Paroxetine at about 35 weeks of pregnancy")
    assert "due date" not in _text(cards)


def test_lithium_past_the_due_date_asks_about_pregnancy_and_breastfeeding() -> None:
    cards = _at.cards(_load("z331_edd_passed_lithium_sign"))
    [card] = _topic(cards, CAUTION)
    assert card["summary"].startswith("Lithium: pregnancy on record, due date 2026-09-01 passed")
    assert "cardiac malformation risk in pregnancy" not in card["summary"]
    assert (
        "Probably postpartum: estimated delivery date 2026-09-01 passed, and no breastfeeding "
        "status is recorded: ask whether she breastfeeds. If she does: not recommended while "
        "breastfeeding"
    ) in card["detail"]


def test_patient_view_past_the_due_date_says_probably_postpartum_not_pregnant() -> None:
    text = _text(_at.cards(_load("z331_edd_passed_view")))
    assert "**Pregnancy on record:**" not in text
    assert (
        "**Pregnancy coded on 2026-03-05:** Pregnant state, incidental (ICD-10-CM Z33.1); its "
        "estimated delivery date, 2026-09-01, has passed and no delivery is recorded, so it is "
        "not read as current: confirm she is not pregnant"
    ) in text
    assert "**Estimated delivery date passed:** 2026-09-01 (13 weeks ago)" in text
    assert "Probably postpartum: check breastfeeding before choosing a drug" in text


def test_lithium_after_a_delivery_with_breastfeeding_not_recorded_asks() -> None:
    cards = _at.cards(_load("delivered_no_feeding_lithium_select"))
    [card] = _topic(cards, CAUTION)
    assert card["indicator"] == "info"
    assert card["summary"] == (
        "Lithium: delivery on record 2026-10-28, breastfeeding not recorded: ask before starting "
        "it (lithium label 8.2, UNVERIFIED)"
    )


def test_a_recorded_answer_drops_the_breastfeeding_question() -> None:
    doc = _load("delivered_no_feeding_lithium_select")
    status = {
        "resourceType": "Observation",
        "id": "gb-not-feeding",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "63895-7"}]},
        "subject": {"reference": doc["prefetch"]["patient"]["id"].join(["Patient/", ""])},
        "effectiveDateTime": "2026-11-02",
        "valueCodeableConcept": {
            "coding": [{"system": "http://loinc.org", "code": "LA29253-4"}],
            "text": "Not currently breastfeeding",
        },
    }
    doc["prefetch"]["observations"]["entry"].append({"resource": status})
    doc["prefetch"]["observations"]["total"] += 1
    assert "breastfeeding not recorded" not in _text(_at.cards(doc))


# --- item 2: a Z33.1 of 2024, never resolved -----------------------------------------------------


def test_a_z331_of_2024_is_not_read_as_a_pregnancy_in_2026() -> None:
    cards = _at.cards(_load("z331_coded_2024_paroxetine_select"))
    assert "avoid starting it in pregnancy" not in _text(cards)
    assert not _topic(cards, CONTRAINDICATED)


# --- item 3: TMS in pregnancy --------------------------------------------------------------------


def test_tms_is_not_lumped_with_the_drugs_in_pregnancy() -> None:
    text = _text(_at.cards(_load("pregnant_t1_view")))
    assert "medication and TMS options" not in text
    assert "TMS exposes the fetus to no drug; its evidence in pregnancy is small studies" in text


# --- item 4: zuranolone drafted in pregnancy -----------------------------------------------------


def test_zuranolone_in_pregnancy_is_a_warning_naming_fetal_harm() -> None:
    cards = _at.cards(_load("pregnant_t1_zuranolone_select"))
    [card] = _topic(cards, CAUTION)
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Zuranolone: may cause fetal harm (animal data) (Zurzuvae label 8.1, 8.3)"
    )
    assert "Pregnant state, incidental (ICD-10-CM Z33.1)" in card["detail"]
    assert "labelled for postpartum depression in adults" in card["detail"]


def test_the_optimise_card_does_not_list_zuranolone_or_brexanolone_in_pregnancy() -> None:
    text = _text(_at.cards(_load("pregnant_t1_view")))
    assert "**Zuranolone, if considered:**" not in text
    assert "**Brexanolone, if considered:**" not in text
    assert "**Lithium, if considered:**" in text
