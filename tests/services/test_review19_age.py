"""Review 19 D3 and D4: the patient's age as the record gives it.

- D3 (p04): no birthDate. "Age not on record: ECT first from age 65 ... was not applied" was the
  last sentence of the optimise card's "Beyond medication" paragraph, though every age rule was
  skipped. The first card that reads the age (services/data/topic_data.csv `patient`) now opens
  with what could not be checked.
- D4 (y01): `"birthDate": "1951"` (valid FHIR) was read as 1951-01-01 and the card said "age 74"
  as a fact on 2025-06-02, when the record allows 73 or 74. The cards now print "73-74 (birth
  year only)" wherever they name the age, and a rule whose age falls inside the range is read on
  its safer side and said first: the older-adult rules from the oldest age (born 1960: 64-65),
  the rules below an age from the youngest (born 2000: the under-25 warning; born 2007: under
  18, no adult TMS referral).

Charts: tests/services/wording19_charts/ (Epic / US Core shaped requests, every prefetch key).
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
OPTIMISE = "optimize-switch-augment"

_chart = chart_files.loader(Path(__file__).parent / "wording19_charts")
_r13 = chart_files.loader(Path(__file__).parent / "r13_leftover_charts")
_at = Evaluator(AS_OF)
_cards = _at.cards
_by_topic = _at.by_topic


def _born(written: str) -> Doc:
    doc = _chart("y01_birth_year_only_1951_trd")
    doc["prefetch"]["patient"]["birthDate"] = written
    return doc


# --- D3: no birth date ----------------------------------------------------------------------------


def test_no_birth_date_is_said_first_with_what_could_not_be_checked() -> None:
    cards = _cards(_chart("p04_no_birth_date_trd"))
    first = cards[0]
    assert first["source"]["topic"]["code"] == OPTIMISE
    assert first["detail"].startswith(
        "**Age not on record:** no birth date could be read from the Patient resource, so the "
        "age rules were not checked: the older-adult rules from 65 (ECT listed first: may be "
        "especially effective in older patients (CANMAT 2023 para 215); the AGS Beers 2023 cautions; the sodium and kidney checks), the under-18 rules "
        "(NICE NG134 antidepressant list; the TMS criteria are for adults) and the under-25 "
        "suicidality warning (FDA boxed warning). Check the age.\n\n"
    )
    # Said once on the screen, no longer after the options it qualifies.
    assert "was not applied" not in first["detail"]
    assert sum("**Age not on record:**" in c["detail"] for c in cards) == 1
    # The TMS card keeps its own criterion line.
    assert "**Not on record** · Adult: age not on record" in cards[1]["detail"]


def test_an_age_dose_maximum_of_a_running_drug_is_named_among_the_rules_not_checked() -> None:
    doc = _chart("p04_no_birth_date_trd")
    for resource in chart_files.prefetch_resources(doc):
        concept = resource.get("medicationCodeableConcept")
        if concept is not None and "venlafaxine" in concept["text"]:
            concept["coding"][0].update(code="200371", display="citalopram 20 MG Oral Tablet")
            concept["text"] = "citalopram 20 MG Oral Tablet"
    detail = _cards(doc)[0]["detail"]
    assert detail.startswith("**Age not on record:**")
    assert (
        "the citalopram labelled 20 mg/day maximum from 60 (FDA Drug Safety Communication 2011, "
        "revised 2012)"
    ) in detail.split("\n\n")[0]


def test_at_an_order_the_drafts_age_line_comes_first_on_its_card() -> None:
    doc = _r13("o5_draft_citalopram_60")
    del doc["prefetch"]["patient"]["birthDate"]
    card = _cards(doc)[0]
    assert card["source"]["topic"]["code"] == "order-dose-above-range"
    assert card["detail"].startswith(
        "**Age not known:** the patient's birth date could not be read, so the age rules for "
        "citalopram (under 18: NICE NG134; under 25: FDA boxed warning; from 60: 20 mg/day "
        "maximum) could not be checked: check the age.\n\ncitalopram 60 mg/day exceeds"
    )
    # The draft's own line says it: no second age line at the order hooks.
    assert sum("Age not" in c["detail"] for c in _cards(doc)) == 1


# --- D4: a birth year only ------------------------------------------------------------------------


def test_a_birth_year_only_is_worded_as_the_range_it_allows() -> None:
    detail = _by_topic(_chart("y01_birth_year_only_1951_trd"))[OPTIMISE]["detail"]
    assert "at age 73-74 (birth year only): may be especially effective in older patients" in detail
    assert "at age 74 " not in detail
    # 73-74 is either side of no age rule: nothing changes, so no line of its own.
    assert "**Age 73-74" not in detail


def test_either_side_of_65_the_older_adult_rules_apply_and_the_card_says_so() -> None:
    detail = _by_topic(_born("1960"))[OPTIMISE]["detail"]
    assert detail.startswith(
        "**Age 64-65 (birth year only):** the birth date gives the year only, so the patient may "
        "be 64 or 65, either side of 65. Read on the safer side, these apply: the older-adult "
        "rules from 65 (ECT listed first: may be especially effective in older patients "
        "(CANMAT 2023 para 215);"
    )
    assert "at age 64-65 (birth year only): may be especially effective" in detail


def test_either_side_of_25_the_boxed_warning_applies() -> None:
    detail = _by_topic(_born("2000"))[OPTIMISE]["detail"]
    assert detail.startswith(
        "**Age 24-25 (birth year only):** the birth date gives the year only, so the patient may "
        "be 24 or 25, either side of 25. Read on the safer side, these apply: the under-25 "
        "suicidality warning (FDA boxed warning)."
    )
    assert "**Boxed warning (age 24-25 (birth year only)):** antidepressants increase" in detail


def test_either_side_of_18_no_adult_tms_referral() -> None:
    found = _by_topic(_born("2007"))
    assert "tms-referral" not in found
    detail = found[OPTIMISE]["detail"]
    assert detail.startswith("**Age 17-18 (birth year only):**")
    assert "patient is 17-18 (birth year only): the TMS criteria here are for adults" in detail
    assert "Switch options at age 17-18 (birth year only), in guideline order" in detail


def test_a_birth_month_leaving_one_age_is_a_plain_age() -> None:
    # Born in March 1960: 65 on 2025-06-02 whichever day.
    detail = _by_topic(_born("1960-03"))[OPTIMISE]["detail"]
    assert (
        "at age 65: may be especially effective in older patients (CANMAT 2023 para 215)" in detail
    )
    assert "birth" not in detail.split("\n\n")[0]


def test_an_order_either_side_of_an_age_dose_maximum_says_the_range() -> None:
    doc = _r13("o5_draft_citalopram_60")
    doc["prefetch"]["patient"]["birthDate"] = "1965"
    found = {c["source"]["topic"]["code"]: c for c in _cards(doc)}
    card = found["order-dose-above-age-limit"]
    assert card["summary"] == (
        "Citalopram 60 mg/day at age 59-60 (birth year only): above the labelled 20 mg/day "
        "maximum from age 60: QT prolongation"
    )
    # The range maximum's card is folded into this stricter one (review s25 RO finding 4).
    assert "order-dose-above-range" not in found
    assert "**Also above the maximum at any age:** citalopram 60 mg/day exceeds" in card["detail"]
    shown = _cards(doc)[0]["detail"]
    assert shown.startswith(
        "**Age 59-60 (birth year only):** the birth date gives the year only, so the patient may "
        "be 59 or 60, either side of 60. Read on the safer side, these apply: the citalopram "
        "labelled 20 mg/day maximum from 60"
    )
