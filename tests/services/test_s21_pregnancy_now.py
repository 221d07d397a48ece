"""Review s21 RD, the pregnancy findings: one reading of "currently pregnant" for every card
(services/pregnancy_now.py).

- Finding 3 (o21_...): pregnancy coded only by an O-chapter diagnosis (O21.0 hyperemesis as an
  encounter diagnosis) was not read: paroxetine drafted got no pregnancy card. The chapter 15
  pregnancy subcodes are rows of fhir_mapping/data/condition_codes.csv now; the childbirth,
  puerperium, delivery and abortive-outcome codes are not.
- Finding 4 (postpartum_...): "avoid starting it in pregnancy" on the order card for a pregnancy
  the TMS card beside it called ended by the Z37.0 birth. The order check reads the facts'
  current pregnancy now, as every card does.
- Finding 5 (z3482_...): a Z34.82 coded in 2022 was read as a pregnancy in 2026. A pregnancy
  diagnosis past the pregnancy window (42 weeks from its dating) is not current; the card asks to
  confirm she is not pregnant instead.
- Finding 8 (edd_32_..., lmp_32_...): at a dated 28 weeks or more an SSRI or SNRI order names the
  late-pregnancy risks (neonatal adaptation, PPHN: data/late_pregnancy_cautions.csv).
- Finding 11 p04 (lmp_...): an LMP (LOINC 8665-2) dates a pregnancy recorded otherwise; alone it
  is no pregnancy (pinned: lmp_only_...).

Charts: tests/services/pregnancy_now_charts/ (the review's charts, renamed; all 19 prefetch keys,
valid R4B), evaluated as of 2026-12-01 as the review did.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.code_systems import ICD10CM
from fhir_mapping.record import Finding, FindingKind, SourceRef
from services import pregnancy_now
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
TMS = "tms-referral"
AVOID = "avoid starting it in pregnancy"
LATE = "late-pregnancy exposure risks for the newborn"

_chart = chart_files.loader(Path(__file__).parent / "pregnancy_now_charts")
_at = Evaluator(AS_OF)


def _texts(doc: Doc) -> list[str]:
    return [f"{c['summary']}\n{c.get('detail', '')}" for c in _at.cards(doc)]


def _said(doc: Doc, words: str) -> bool:
    return any(words in text for text in _texts(doc))


# --- finding 3: O-chapter pregnancy codes ------------------------------------------------------


def test_hyperemesis_coded_only_as_an_encounter_diagnosis_is_a_pregnancy() -> None:
    cards = _at.cards(_chart("o21_hyperemesis_encounter_dx_paroxetine_select"))
    (paroxetine,) = [c for c in cards if AVOID in c["summary"]]
    assert paroxetine["indicator"] == "warning"
    assert (
        "(Mild hyperemesis gravidarum, ICD-10-CM O21.0, since 2026-11-10)" in (paroxetine["detail"])
    )
    tms = next(c for c in cards if c["source"]["topic"]["code"] == TMS)
    assert "**Pregnancy on record:** Mild hyperemesis gravidarum (ICD-10-CM O21.0" in tms["detail"]


@pytest.mark.parametrize(
    ("code", "pregnancy"),
    [
        ("O21.0", True),  # hyperemesis
        ("O26.893", True),  # other pregnancy related conditions, third trimester
        ("O34.211", True),  # maternal care for a low transverse cesarean scar
        ("O24.414", True),  # gestational diabetes in pregnancy, insulin controlled
        ("O98.513", True),  # other viral diseases complicating pregnancy, third trimester
        ("O99.213", True),  # obesity complicating pregnancy, third trimester
        ("O9A.213", True),  # injury complicating pregnancy, third trimester
        ("O14.13", True),  # HELLP, third trimester
        ("O60.03", True),  # preterm labor without delivery, third trimester
        # Not a current pregnancy: childbirth, puerperium, delivery, abortive outcome.
        ("O99.214", False),
        ("O14.14", False),
        ("O14.15", False),
        ("O24.424", False),
        ("O26.62", False),
        ("O60.14X1", False),
        ("O80", False),
        ("O85", False),
        ("O03.9", False),
        ("O00.101", False),
    ],
)
def test_the_chapter_15_pregnancy_subcodes_and_only_those(code: str, pregnancy: bool) -> None:
    kinds = {row.kind for row in condition_matches(ICD10CM, code)}
    assert (FindingKind.PREGNANCY in kinds) is pregnancy


# --- finding 4: a recorded birth ends it on every card ----------------------------------------


def test_a_birth_ends_the_pregnancy_on_the_order_card_as_on_the_tms_card() -> None:
    doc = _chart("postpartum_z370_after_status_paroxetine_select")
    texts = _texts(doc)
    assert not [t for t in texts if AVOID in t]
    assert not [t for t in texts if "Pregnancy on record" in t]
    tms = next(c for c in _at.cards(doc) if c["source"]["topic"]["code"] == TMS)
    assert "**Delivered on 2026-09-15** (Single live birth, ICD-10-CM Z37.0)" in tms["detail"]
    assert "since 2026-03-02) is read as ended" in tms["detail"]


def test_control_before_the_birth_the_status_is_a_pregnancy_on_the_order_card() -> None:
    assert _said(_chart("postpartum_z370_after_status_paroxetine_select"), "Delivered on") is True
    before = _at.cards(
        _chart("postpartum_z370_after_status_paroxetine_select"), as_of=date(2026, 9, 1)
    )
    assert [c for c in before if AVOID in c["summary"]]


# --- finding 5: the pregnancy window ----------------------------------------------------------


def test_a_pregnancy_coded_in_2022_is_not_current_in_2026_and_asks_to_confirm() -> None:
    # Asked while the code is at most policy.stale_pregnancy_ask_years old (review s21 RR
    # finding 7: by default 2, so a 2022 code read in 2026 asks nothing: the last lines).
    cards = _at.cards(
        _chart("z3482_coded_2022_paroxetine_select"), policy=Policy(stale_pregnancy_ask_years=5)
    )
    assert not [c for c in cards if AVOID in c["summary"]]
    assert not [c for c in cards if "Pregnancy on record" in c.get("detail", "")]
    (ask,) = [c for c in cards if "confirm she is not pregnant" in c["summary"]]
    assert ask["summary"] == (
        "Paroxetine: a pregnancy coded on 2022-03-01 is not read as current: confirm she is not "
        "pregnant"
    )
    assert ask["indicator"] == "info"
    assert "no pregnancy lasts more than 42 weeks and nothing newer records one" in ask["detail"]
    default = _at.cards(_chart("z3482_coded_2022_paroxetine_select"))
    assert not [c for c in default if "confirm she is not pregnant" in c["summary"]]
    assert not [c for c in default if AVOID in c["summary"]]


def test_control_the_same_codes_within_the_window_are_a_pregnancy() -> None:
    # As of 2022-06-01 the Z34.82 of 2022-03-01 is three months old: current.
    cards = _at.cards(_chart("z3482_coded_2022_paroxetine_select"), as_of=date(2022, 6, 1))
    # The record dates it at about 35 weeks then: the late-pregnancy line leads, the
    # first-trimester row said under it (review s24 RN finding 13).
    (card,) = [c for c in cards if LATE in c["summary"]]
    assert AVOID in card["detail"]


def _z3a(week: int, day: date) -> Finding:
    return Finding(
        FindingKind.PREGNANCY,
        f"Z3A.{week:02d}",
        ICD10CM,
        f"{week} weeks gestation of pregnancy",
        day,
        SourceRef("Condition", f"z3a-{week}"),
    )


def test_a_week_code_dates_the_window_from_the_start_of_the_pregnancy() -> None:
    # Z3A.30 on 2026-05-01: she began about 2025-09-26, so 42 weeks end about 2026-07-17; a
    # Z34-type code of the same day (no week) would still be current.
    coded = date(2026, 5, 1)
    read = pregnancy_now.read({FindingKind.PREGNANCY: (_z3a(30, coded),)}, AS_OF, Policy())
    assert read is not None
    assert read.current == ()
    assert read.stale == _z3a(30, coded)
    recent = pregnancy_now.read(
        {FindingKind.PREGNANCY: (_z3a(30, date(2026, 10, 1)),)}, AS_OF, Policy()
    )
    assert recent is not None and recent.stale is None
    assert recent.weeks == 30 + (AS_OF - date(2026, 10, 1)).days // 7


def test_the_observation_reading_is_not_windowed_twice() -> None:
    # A Pregnancy Status Observation's finding is windowed where it is read (its EDD).
    status = Finding(
        FindingKind.PREGNANCY,
        "77386006",
        "http://snomed.info/sct",
        "Pregnancy status: Pregnant",
        AS_OF - timedelta(weeks=43),
        SourceRef("Observation", "preg"),
        edd=AS_OF + timedelta(days=1),
    )
    read = pregnancy_now.read({FindingKind.PREGNANCY: (status,)}, AS_OF, Policy())
    assert read is not None and read.current == (status,)


# --- finding 8: third trimester ---------------------------------------------------------------


def test_paroxetine_at_32_weeks_by_edd_names_the_late_pregnancy_risks() -> None:
    # Review s24 RN finding 13: the summary gave the first-trimester malformation risk at 32
    # weeks. The late-pregnancy line leads; the first-trimester row is kept, said as past.
    cards = _at.cards(_chart("edd_32_weeks_paroxetine_sign"))
    assert not any(AVOID in c["summary"] for c in cards)
    (card,) = [c for c in cards if LATE in c["summary"]]
    assert card["summary"].startswith("Paroxetine at about 32 weeks of pregnancy: ")
    lines = card["detail"].split("\n")
    late = lines.index(next(x for x in lines if x.startswith("- At about 32 weeks")))
    first = lines.index(next(x for x in lines if x.startswith("- First-trimester exposure")))
    assert late < first
    assert "persistent pulmonary hypertension of the newborn (PPHN)" in lines[late]
    assert "past the first 14 weeks this line concerns" in lines[first]
    # Still a warning (the label's row is kept): the safer level.
    assert card["indicator"] == "warning"


@pytest.mark.parametrize(
    ("edd", "weeks", "avoid"), [("2027-05-30", 14, False), ("2027-06-15", 12, True)]
)
def test_paroxetine_first_trimester_row_leads_until_14_weeks(
    edd: str, weeks: int, avoid: bool
) -> None:
    # The same chart with its EDD moved: below 14 weeks the first-trimester row leads as before;
    # from 14 weeks (no late line yet) it is said with the dated week.
    doc = _chart("edd_32_weeks_paroxetine_sign")
    found = 0
    for entry in doc["prefetch"]["observations"]["entry"]:
        resource = entry["resource"]
        if any(c.get("code") == "11778-8" for c in resource["code"].get("coding", [])):
            resource["valueDateTime"] = edd
            found += 1
    assert found == 1
    summaries = [c["summary"] for c in _at.cards(doc)]
    assert any(s.startswith("Paroxetine: first-trimester") for s in summaries) is avoid, summaries
    if not avoid:
        assert any(
            s.startswith(f"Paroxetine, about {weeks} weeks pregnant: first-trimester")
            for s in summaries
        ), summaries


def test_escitalopram_at_32_weeks_by_lmp_gets_an_information_card() -> None:
    cards = _at.cards(_chart("lmp_32_weeks_with_status_escitalopram_select"))
    (card,) = [c for c in cards if LATE in c["summary"]]
    assert card["summary"] == (
        "Escitalopram at about 32 weeks of pregnancy: late-pregnancy exposure risks for the "
        "newborn (SSRI and SNRI US labels, Pregnancy)"
    )
    assert card["indicator"] == "info"
    assert "neonatal adaptation" in card["detail"]


def test_control_no_late_pregnancy_line_before_28_weeks_or_undated() -> None:
    assert not _said(_chart("lmp_20_weeks_with_status_escitalopram_select"), LATE)
    assert not _said(_chart("status_t1_paroxetine_select"), "weeks of pregnancy")
    assert _said(_chart("status_t1_paroxetine_select"), AVOID)


# --- finding 11 p04: an LMP alone -------------------------------------------------------------


def test_an_lmp_alone_is_no_pregnancy() -> None:
    # An LMP is recorded at most gynaecological and primary-care visits: it dates a pregnancy
    # recorded otherwise, never makes one (fhir_mapping/pregnancy.py `_lmp_of`).
    doc = _chart("lmp_only_paroxetine_select")
    assert not _said(doc, AVOID)
    assert not _said(doc, "Pregnancy on record")
