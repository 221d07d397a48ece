"""Review s28 RI: pregnancy status and drugs running in pregnancy.

- Finding 1 (wrong): a signed-off Pregnancy Status "Not pregnant" (82810-3 = SNOMED 60001007,
  2026-11-20) did not end a pregnancy coded as a Condition (Z33.1 of 2026-03-01 or 2026-06-01):
  paroxetine and divalproex drafts said "avoid starting it in pregnancy (Pregnant state ...
  since 2026-03-01)" as fact. They now ask, as a passed EDD does (services/pregnancy_now.py); a
  Condition dated on or after the status, or a status not signed off, keeps the pregnancy.
- Finding 2 (wrong): esketamine and lithium running in pregnancy got no running-drug card (their
  condition_drug_rules.csv rows are caveats) and the optimise card said "Esketamine, if
  considered" beside "Esketamine in this episode: running". A pregnancy caveat row now makes a
  pair on the running-drug caution card, and the optimise card names the drug as running.
- Finding 3 (minor): valproate running in a woman of childbearing age, no pregnancy data: an
  information pair on the running-drug caution card (data/childbearing_potential.csv), none for
  a man or past the age limit.
- Finding 4 (minor): the TMS card said "The medication options on this card come from guidelines
  that do not cover pregnancy" though it offers no medication.

Charts: tests/services/pregnancy_running_charts/, RI's probes (Epic / US Core shaped, every
prefetch key); variants are made here from them.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]

_chart = chart_files.loader(Path(__file__).parent / "pregnancy_running_charts")
_cards = Evaluator(AS_OF).cards

AVOID = "avoid starting it in pregnancy"


def _by_summary(cards: list[Doc], words: str) -> Doc | None:
    return next((c for c in cards if words in c["summary"]), None)


def _resources(doc: Doc, key: str) -> list[Doc]:
    return [e["resource"] for e in doc["prefetch"][key]["entry"]]


def _z331(doc: Doc) -> Doc:
    return next(r for r in _resources(doc, "conditions") if "Z33.1" in str(r["code"]))


def _status(doc: Doc) -> Doc:
    return next(r for r in _resources(doc, "observations") if "82810-3" in str(r["code"]))


@pytest.mark.parametrize(
    ("name", "drug", "coded", "indicator"),
    [
        ("z331_old_then_not_pregnant_paroxetine_select", "Paroxetine", "2026-03-01", "info"),
        # Valproate's childbearing row warns: asking about the pregnancy does not soften that.
        ("z331_jun_then_not_pregnant_divalproex_select", "Valproate", "2026-06-01", "warning"),
    ],
)
def test_a_newer_not_pregnant_status_asks_rather_than_asserts(
    name: str, drug: str, coded: str, indicator: str
) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)
    cards = _cards(doc)
    assert not any(AVOID in c["summary"] or AVOID in c["detail"] for c in cards)
    asked = _by_summary(cards, "confirm she is not pregnant")
    assert asked is not None
    assert asked["indicator"] == indicator
    assert asked["summary"] == (
        f"{drug}: pregnancy code of {coded}, then status Not pregnant on 2026-11-20: "
        "confirm she is not pregnant"
    )
    assert (
        f"- A pregnancy was coded on {coded} (Pregnant state, incidental, ICD-10-CM Z33.1), "
        "still active on the problem list; the pregnancy status recorded after it, on "
        "2026-11-20, is Not pregnant, so it is not read as current." in asked["detail"]
    )
    assert "(and resolve the problem-list entry if she is not)" in asked["detail"]


def test_a_condition_newer_than_the_not_pregnant_status_stays_a_pregnancy() -> None:
    doc = copy.deepcopy(_chart("z331_old_then_not_pregnant_paroxetine_select"))
    z331 = _z331(doc)
    for field in ("onsetDateTime", "recordedDate"):
        if field in z331:
            z331[field] = "2026-11-25"
    cards = _cards(doc)
    warned = _by_summary(cards, "Paroxetine: first-trimester exposure")
    assert warned is not None and warned["indicator"] == "warning"
    assert AVOID in warned["summary"]
    assert "confirm she is not pregnant" not in " ".join(c["summary"] for c in cards)


def test_the_same_day_or_an_unsigned_status_keeps_the_pregnancy() -> None:
    same_day = copy.deepcopy(_chart("z331_old_then_not_pregnant_paroxetine_select"))
    z331 = _z331(same_day)
    for field in ("onsetDateTime", "recordedDate"):
        if field in z331:
            z331[field] = "2026-11-20"
    preliminary = copy.deepcopy(_chart("z331_old_then_not_pregnant_paroxetine_select"))
    _status(preliminary)["status"] = "preliminary"
    for doc in (same_day, preliminary):
        cards = _cards(doc)
        assert any(AVOID in c["summary"] for c in cards)


def test_esketamine_running_in_pregnancy_gets_the_running_drug_card() -> None:
    doc = _chart("pregnant_esketamine_running_view")
    chart_files.check_chart(doc)
    cards = _cards(doc)
    running = _by_summary(cards, "Esketamine 112 mg/day with Pregnancy status: Pregnant")
    assert running is not None and running["indicator"] == "warning"
    assert running["summary"].endswith(": review whether it should continue")
    assert (
        "- **Esketamine with Pregnancy status: Pregnant; estimated delivery 2027-06-10:** "
        "Esketamine 56 mg per session, running since 2026-10-01;" in running["detail"]
    )
    assert (
        "Not recommended during pregnancy (may cause fetal harm; animal data); stop it if "
        "pregnancy occurs (Spravato label 8.1): review whether it should continue."
    ) in running["detail"]
    # Fix adj76 (K73a finding 8): the antipsychotics held as text in pregnancy are not named.
    optimise = _by_summary(cards, "augment (adjuncts as text only, see below) or switch class")
    assert optimise is not None
    assert "Esketamine, if considered" not in optimise["detail"]
    assert (
        "**Esketamine running:** its pregnancy caution (Spravato label 8.1) is on the "
        "running-drug caution card: decide there whether it continues."
    ) in optimise["detail"]
    # Lithium is not running here: still "if considered".
    assert "**Lithium, if considered:** first-trimester exposure" in optimise["detail"]


def test_lithium_running_in_pregnancy_is_named_as_running() -> None:
    cards = _cards(_chart("pregnant_lithium_running_view"))
    running = _by_summary(cards, "Lithium running with Pregnancy status: Pregnant")
    assert running is not None and running["indicator"] == "warning"
    assert (
        "First-trimester exposure is linked to cardiac malformations (dose-related) and levels "
        "change across pregnancy: decide with perinatal psychiatry and monitor levels closely "
        "(Patorno 2017 NEJM; label): review whether it should continue." in running["detail"]
    )
    # Fix adj76 (K73a finding 8): the antipsychotics held as text in pregnancy are not named.
    optimise = _by_summary(cards, "augment (adjuncts as text only, see below) or switch class")
    assert optimise is not None
    assert "Lithium, if considered" not in optimise["detail"]
    assert (
        "**Lithium running:** its pregnancy caution (Patorno 2017 NEJM; label)"
        in (optimise["detail"])
    )
    assert "**Esketamine, if considered:** not recommended during pregnancy" in optimise["detail"]


VALPROATE = (
    "Valproate 1000 mg/day since 2026-10-01 with childbearing potential: fetal risk; pregnancy "
    "prevention programme / contraception"
)


def test_valproate_running_in_a_woman_who_could_become_pregnant_is_one_info_card() -> None:
    doc = _chart("childbearing_divalproex_running_view")
    chart_files.check_chart(doc)
    cards = _cards(doc)
    found = [c for c in cards if "childbearing potential" in c["summary"]]
    assert len(found) == 1
    card = found[0]
    assert card["indicator"] == "info"
    assert card["summary"] == VALPROATE
    assert (
        "- **Valproate with childbearing potential:** Valproate 1000 mg/day, running since "
        "2026-10-01; a female patient aged 30, no pregnancy on record: she could become "
        "pregnant. Fetal risk (boxed warning):" in card["detail"]
    )
    assert "(FDA boxed warning; MHRA 2018 and 2023). Confirm she is not pregnant" in card["detail"]
    # No one-click is held for it on the optimise card.
    optimise = _by_summary(cards, "augment (aripiprazole or brexpiprazole) or switch class")
    assert optimise is not None and "valproate" not in optimise["summary"]


@pytest.mark.parametrize(("gender", "born"), [("male", "1985-05-05"), ("female", "1960-01-01")])
def test_no_childbearing_card_for_a_man_or_past_the_age_limit(gender: str, born: str) -> None:
    doc = copy.deepcopy(_chart("childbearing_divalproex_running_view"))
    doc["prefetch"]["patient"]["gender"] = gender
    doc["prefetch"]["patient"]["birthDate"] = born
    cards = _cards(doc)
    assert not any("childbearing potential" in c["summary"] for c in cards)


def test_the_tms_card_in_pregnancy_names_no_medication_options() -> None:
    cards = _cards(_chart("status_pregnant_view"))
    tms = _by_summary(cards, "consider TMS referral")
    assert tms is not None
    assert (
        "**Pregnancy on record:** Pregnancy status: Pregnant; estimated delivery 2027-06-10 "
        "(SNOMED CT 77386006 since 2026-11-20): confirm it is current. TMS exposes the fetus to "
        "no drug" in tms["detail"]
    )
    assert "medication options" not in tms["detail"]
    # Fix adj76 (K73a finding 8): the antipsychotics held as text in pregnancy are not named.
    optimise = _by_summary(cards, "augment (adjuncts as text only, see below) or switch class")
    assert optimise is not None
    assert "The medication options on this card come from guidelines" in optimise["detail"]
