"""Review 17 W3: labs in SI units were never compared, and nothing was said.

- a19: B12 110 pmol/L under 2132-9, no flag, the range as `referenceRange.text` only ("133 - 675
  pmol/L", Epic-style): "(no flag)", no diagnosis-review line, one-click adjuncts. The text range
  is now read: "Low B12", adjuncts held.
- a20: folate 7 nmol/L, no flag, no range: converted (/ 2.266 = 3.1 ng/mL) and compared with the
  table's 5.9 ng/mL: "Low folate".
- a11: 25-OH vitamin D 28 nmol/L (/ 2.496 = 11.2 ng/mL < 20): the "alongside" vitamin D line.
- a09b: B12 flagged L under the moles LOINC 14685-2, sent under the new `labsSI` prefetch key
  (review 17 named the code 14685-3, whose LOINC check digit is wrong; this chart is a09 with
  the code corrected and the result put where the discovery now asks for it): "Low B12".
- a19b: a B12 in a unit neither table knows (nmol/L), no flag, no range: never assumed to be in
  pg/mL; named "vitamin B12 not compared: unit nmol/L" among the data not read.

Charts: review 17's CDS Hooks requests (tests/services/review17_charts/, US Core lab shape), with
the `labsSI` key the discovery now lists (an empty searchset where the chart has none).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.gaps import type_gaps
from fhir_mapping.lab_units import table_value, text_range
from fhir_mapping.record import DataDomain, PatientRecord
from services.catalog import query_bytes, services
from services.data_gaps import topic_domains
from tests.services import chart_files
from tests.services.helpers import Evaluator

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review17_charts"
Doc = dict[str, Any]
DIAGNOSIS = "diagnosis-review"
OPTIMISE = "optimize-switch-augment"

_chart = chart_files.loader(CHARTS)
_at = Evaluator(AS_OF)
_evaluate = _at.by_topic_and_record


def _lab(record: PatientRecord, test: str) -> Any:
    (found,) = [lab for lab in record.context.labs if lab.test == test]
    return found


def test_a19_b12_in_pmol_with_a_text_range_is_low_and_holds_the_adjuncts() -> None:
    cards, record = _evaluate(_chart("a19_b12_low_pmol_L_no_range_no_flag"))
    assert _lab(record, "b12").flag == "low"
    assert "low B12" in cards[DIAGNOSIS]["summary"]
    # The chart's PHQ-9 has no item 9: its step is said too, first (recheck s24 RC finding 1).
    assert (
        ": ask PHQ-9 item 9 (not recorded) and review low B12 first, then augment or switch class"
        in cards[OPTIMISE]["summary"]
    )


def test_a20_folate_in_nmol_is_converted_and_low() -> None:
    cards, record = _evaluate(_chart("a20_folate_low_nmol_L_no_range"))
    assert _lab(record, "folate").flag == "low"
    assert "low folate" in cards[DIAGNOSIS]["summary"]


def test_a11_vitamin_d_in_nmol_is_converted_and_low_alongside() -> None:
    cards, record = _evaluate(_chart("a11_vitd_low_nmol_L_no_range"))
    assert _lab(record, "vitamin-d").flag == "low"
    assert (
        cards[DIAGNOSIS]["summary"] == "Review alongside escalation: low vitamin D 28 on 2025-05-08"
    )


def test_a09b_b12_under_the_moles_loinc_is_asked_for_and_read() -> None:
    template = dict(services()[0].prefetch)["labsSI"]
    assert "http://loinc.org|14685-2" in template
    assert "urn:oid:2.16.840.1.113883.6.1|14685-2" in template
    cards, record = _evaluate(_chart("a09b_b12_low_moles_loinc_14685_2"))
    assert _lab(record, "b12").value == 105
    assert "low B12" in cards[DIAGNOSIS]["summary"]


def test_a19b_nmol_per_litre_is_rescaled_to_pmol_and_compared() -> None:
    # Audit 17 W1: 0.11 nmol/L is 110 pmol/L (a UCUM prefix, data/lab_unit_rescalings.csv),
    # low against the table's interval; a unit that still cannot be compared is
    # test_fa1_lab_units_thyroid.py's.
    _, record = _evaluate(_chart("a19b_b12_unit_not_comparable"))
    assert _lab(record, "b12").flag == "low"
    assert not [g for g in record.gaps if g.domain is DataDomain.LABS]


def test_the_si_codes_have_a_key_and_domain_of_their_own() -> None:
    templates = dict(services()[0].prefetch)
    for code in ("14685-2", "14732-2", "14635-7"):  # B12, folate, 25-OH vitamin D3 (moles)
        assert f"http://loinc.org|{code}" in templates["labsSI"]
        assert code not in templates["labs"]
    assert query_bytes(templates["labs"]) == 1738  # `labs` is as it was: no site code lost
    # Not LABS: the TSH, lithium, QTc checks unaffected. The conditions gap beside it is the hCG
    # pregnancy tests asked for under the key too (review s29 RL finding 6), no diagnosis.
    gap, tests = type_gaps({"Observation:labsSI": "not sent"}, {})
    assert gap.domain is DataDomain.SI_LABS
    assert tests.domain is DataDomain.CONDITIONS
    assert tests.reason == "pregnancy tests (Observation): not sent"
    assert DataDomain.SI_LABS in topic_domains()[DIAGNOSIS]


RANGE = {"text": "150-600 pmol/L"}


@pytest.mark.parametrize(
    ("ranges", "unit", "expected"),
    [
        ([{"text": "133 - 675 pmol/L"}], "pmol/L", (133.0, 675.0)),
        ([{"text": "150-600 pmol/L"}], "pmol/L", (150.0, 600.0)),
        ([{"text": ">= 148 pmol/L"}], "pmol/L", (148.0, None)),
        ([{"text": "< 5"}], "mIU/L", (None, 5.0)),
        ([{"text": "133 - 675"}], "pmol/L", (133.0, 675.0)),  # in the result's unit
        ([{"text": "180 - 914 pg/mL"}], "pmol/L", None),  # another unit
        ([{"text": "133 - 675 pmol/L"}], None, None),  # the value's unit unknown
        ([RANGE, {"text": "200-700 pmol/L"}], "pmol/L", None),  # two ranges
        ([{"text": "150-600 pmol/L", "appliesTo": [{"text": "women"}]}], "pmol/L", None),
        ([{"text": "see report"}], "pmol/L", None),
        ([{"text": "675 - 133 pmol/L"}], "pmol/L", None),
    ],
)
def test_a_text_range_is_read_only_when_unambiguous(
    ranges: list[Doc], unit: str | None, expected: tuple[float | None, float | None] | None
) -> None:
    assert text_range({"referenceRange": ranges}, unit) == expected


def test_si_values_convert_with_the_tables_factors_and_other_units_do_not() -> None:
    assert table_value("b12", 110, "pmol/L") == pytest.approx(149.05, abs=0.01)
    assert table_value("folate", 7, "nmol/L") == pytest.approx(3.09, abs=0.01)
    assert table_value("vitamin-d", 28, "nmol/L") == pytest.approx(11.22, abs=0.01)
    assert table_value("b12", 300, "pg/mL") == 300
    assert table_value("b12", 0.11, "nmol/L") == pytest.approx(149.05, abs=0.01)  # audit 17 W1
    assert table_value("b12", 0.11, "ug/dL") is None
    assert table_value("tsh", 2.0, "pmol/L") is None
