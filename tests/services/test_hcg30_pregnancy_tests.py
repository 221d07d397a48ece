"""Review s29 RL finding 6 (unsafe): a positive pregnancy test was never read.

A woman of 28 on lithium 600 mg/day with a positive urine hCG (LOINC 2106-3), a positive serum
hCG (2118-8) or a beta-hCG of 5200 mIU/mL (21198-7) on 2026-11-25 got no pregnancy caveat at all,
while the same day's Pregnancy Status "Pregnant" (82810-3) gives the lithium-in-pregnancy card
(Patorno 2017). The codes were neither asked for in the prefetch nor read. Now they are asked for
under `labsSI` (services/catalog.py) and read as a pregnancy status dated by the test
(fhir_mapping/pregnancy_tests.py): the same 42-week window, a signed-off negative test ends what
was recorded before it as a "Not pregnant" does, and the cards name the basis "positive pregnancy
test (<LOINC name>) on <date>".

Charts: tests/services/hcg30_charts/, RL's probes (pg01-pg04: the L4 lithium chart, the test
moved under `labsSI`) and variants built from them by a scratch script; pg12
is s28 RI's paroxetine chart with its "Not pregnant" status replaced by a negative urine hCG.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.gap_feeds import type_gaps
from fhir_mapping.pregnancy_tests import read_test
from fhir_mapping.record import DataDomain
from services import catalog
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
CHARTS = Path(__file__).parent / "hcg30_charts"
_chart = chart_files.loader(CHARTS)
_cards = Evaluator(date(2026, 12, 1)).cards

URINE = "Choriogonadotropin (pregnancy test) [Presence] in Urine"
SERUM = "Choriogonadotropin (pregnancy test) [Presence] in Serum or Plasma"
BETA = "Choriogonadotropin.beta subunit [Units/volume] in Serum or Plasma"
LITHIUM_CARD = "Patorno 2017"


def _lithium_pregnancy(cards: list[Doc]) -> Doc | None:
    return next(
        (c for c in cards if c["summary"].startswith("Lithium") and LITHIUM_CARD in c["detail"]),
        None,
    )


@pytest.mark.parametrize("name", sorted(p.stem for p in CHARTS.glob("*.json")))
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


def test_the_control_status_gives_the_lithium_card() -> None:
    card = _lithium_pregnancy(_cards(_chart("pg01_ctrl_status_pregnant")))
    assert card is not None and "Pregnancy status: Pregnant" in card["detail"]


@pytest.mark.parametrize(
    ("name", "basis", "code"),
    [
        ("pg02_urine_hcg_positive", URINE, "2106-3"),
        ("pg03_serum_hcg_positive", SERUM, "2118-8"),
        ("pg04_bhcg_quant_5200", f"{BETA}: 5200 mIU/mL", "21198-7"),
        ("pg10_urine_valuestring_positive", URINE, "2106-3"),  # valueString "POSITIVE" only
    ],
)
def test_a_positive_test_gives_the_lithium_in_pregnancy_card(
    name: str, basis: str, code: str
) -> None:
    cards = _cards(_chart(name))
    card = _lithium_pregnancy(cards)
    assert card is not None, [c["summary"] for c in cards]
    assert card["indicator"] == "warning"
    assert "with positive pregnancy test on 2026-11-25 on record" in card["summary"]
    said = f"positive pregnancy test ({basis}) on 2026-11-25"
    assert f"**Lithium with {said}:**" in card["detail"]
    assert f"{said} (LOINC {code}, since 2026-11-25)" in card["detail"]
    # ... and the other cards that read a pregnancy name it the same way.
    assert any(f"**Pregnancy on record:** {said}" in c["detail"] for c in cards)


def test_an_equivocal_quantitative_test_reads_as_a_possible_pregnancy() -> None:
    card = _lithium_pregnancy(_cards(_chart("pg08_bhcg_equivocal_12")))
    assert card is not None
    assert f"equivocal pregnancy test ({BETA}: 12 mIU/mL) on 2026-11-25" in card["detail"]


def test_a_positive_test_past_the_window_is_no_pregnancy_now() -> None:
    # 2025-12-01, 52 weeks before as-of: past pregnancy_status_weeks (42), as a status would be.
    cards = _cards(_chart("pg07_positive_test_past_window"))
    assert _lithium_pregnancy(cards) is None
    assert not any("pregnancy test" in c["detail"] for c in cards)


@pytest.mark.parametrize(
    "name",
    [
        "pg05_status_then_negative_test",  # "Negative" urine hCG, final
        "pg09_status_then_bhcg_below_2",  # beta-hCG "<2 mIU/mL", final
    ],
)
def test_a_signed_off_negative_test_ends_an_earlier_status(name: str) -> None:
    cards = _cards(_chart(name))
    assert _lithium_pregnancy(cards) is None
    assert not any("Pregnancy on record" in c["detail"] for c in cards)


def test_a_preliminary_negative_test_ends_nothing() -> None:
    card = _lithium_pregnancy(_cards(_chart("pg06_status_then_preliminary_negative")))
    assert card is not None and "Pregnancy status: Pregnant" in card["detail"]


@pytest.mark.parametrize(
    "name", ["pg11_z331_then_negative_test", "pg12_z331_then_negative_test_paroxetine_select"]
)
def test_a_negative_test_after_a_coded_pregnancy_asks_rather_than_asserts(name: str) -> None:
    cards = _cards(_chart(name))
    assert not any("avoid starting it in pregnancy" in c["summary"] for c in cards)
    said = f"a negative pregnancy test ({URINE}) on 2026-11-20 was recorded after it"
    assert any(said in c["detail"] for c in cards), [c["summary"] for c in cards]


def test_the_order_card_names_the_negative_test_in_its_summary() -> None:
    cards = _cards(_chart("pg12_z331_then_negative_test_paroxetine_select"))
    assert any(
        c["summary"]
        == "Paroxetine: pregnancy code of 2026-03-01, then negative pregnancy test on 2026-11-20: "
        "confirm she is not pregnant"
        for c in cards
    ), [c["summary"] for c in cards]


def _test_obs(code: str, **value: Any) -> Doc:
    return {
        "resourceType": "Observation",
        "id": "t",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "effectiveDateTime": "2026-11-25",
        **value,
    }


@pytest.mark.parametrize(
    ("value", "meaning"),
    [
        ({"valueQuantity": {"value": 25, "unit": "IU/L"}}, "pregnant"),  # the positive cut-off
        ({"valueQuantity": {"value": 24.9}}, "possible"),  # no unit: mIU/mL (Units/volume)
        ({"valueQuantity": {"value": 4.9, "code": "m[IU]/mL"}}, "not-pregnant"),
        ({"valueQuantity": {"value": 1000, "comparator": ">"}}, "pregnant"),
    ],
)
def test_a_quantitative_test_is_read_by_the_tables_cut_offs(value: Doc, meaning: str) -> None:
    read = read_test(_test_obs("21198-7", **value), date(2026, 11, 25))
    assert not isinstance(read, str) and read.meaning == meaning


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (
            {"valueQuantity": {"value": 50, "unit": "ng/mL"}},
            "pregnancy test in a unit not read: ng/mL",
        ),
        # "<25" lies on both sides of the negative cut-off: not read, not guessed.
        (
            {"valueQuantity": {"value": 25, "comparator": "<"}},
            "pregnancy test whose result is not read",
        ),
        ({"valueString": "see comment"}, "pregnancy test whose result is not read"),
    ],
)
def test_a_test_that_cannot_be_read_is_a_gap(value: Doc, reason: str) -> None:
    code = "2106-3" if "valueString" in value else "21198-7"
    assert read_test(_test_obs(code, **value), date(2026, 11, 25)) == reason


def test_a_negative_interpretation_reads_when_the_value_names_nothing() -> None:
    obs = _test_obs(
        "2118-8",
        interpretation=[
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                        "code": "NEG",
                    }
                ]
            }
        ],
    )
    read = read_test(obs, date(2026, 11, 25))
    assert not isinstance(read, str) and read.meaning == "not-pregnant"
    assert read.display == f"negative pregnancy test ({SERUM}) on 2026-11-25"


def test_labs_si_asks_for_the_tests_under_both_spellings() -> None:
    template = dict(catalog.services()[0].prefetch)[catalog.LABS_SI]
    for code in ("2106-3", "2118-8", "21198-7", "19080-1", "2112-1"):
        assert f"http://loinc.org|{code}," in template
        assert f"urn:oid:2.16.840.1.113883.6.1|{code}" in template
    assert catalog.query_bytes(template) <= catalog.MAX_QUERY_BYTES


def test_a_missing_labs_si_key_names_the_pregnancy_tests() -> None:
    gaps = type_gaps({"Observation:labsSI": "prefetch key 'labsSI' was not sent"}, {})
    conditions = [g for g in gaps if g.domain is DataDomain.CONDITIONS]
    assert [g.reason for g in conditions] == [
        "pregnancy tests (Observation): prefetch key 'labsSI' was not sent"
    ]
    assert not conditions[0].whole_domain  # the problem list and the status came


def test_a_missing_labs_si_key_hides_no_diagnosis() -> None:
    # review16 a09 (no `labsSI` key; depression written only as text on the problem list): the
    # pregnancy tests' gap must not turn "recorded as text only" into "could not be read".
    doc = chart_files.loader(Path(__file__).parent / "review16_charts")(
        "a09_problem_text_only_depression"
    )
    assert "labsSI" not in doc["prefetch"]
    details = " ".join(c["detail"] for c in _cards(doc))
    assert "**No TMS card:** a depression problem is recorded as text only" in details
    assert "no depression diagnosis could be read" not in details
