"""ALT and AST for the nefazodone and duloxetine liver checks (review 12 H10).

The liver checks read liver disease only from coded Conditions: a NASH chart with ALT 182 U/L and
no code got nothing, and the transaminases were not even asked for (the `labs` query had no room:
they now come under `liverTests`, services/catalog.py). A recent ALT or AST at or above
policy.transaminase_uln_multiple (3) times the upper limit of normal (the lab's referenceRange
high, else policy.transaminase_default_uln 40 U/L) counts for nefazodone and duloxetine only, at
the order and for a running course, named with value, date, ULN and its source. A normal or
mildly raised one, an old one, or one a later normal repeat supersedes makes no card; a raised
one is never read as cirrhosis for the other drugs' hepatic dose limits.

Charts: an Epic-shaped lab Observation (Epic's own component code beside LOINC, two categories,
interpretation, referenceRange with its text) and a US Core one without a range
(tests/fixtures/builders.py), mapped by build_record with the real drug table.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import DataDomain, PatientRecord
from services import transaminases
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fixtures import builders as fb

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
P = "pt-hepatic-labs"
Resource = dict[str, Any]
# Every card this module checks is a label warning or caveat: order-drug-caution.
CONTRAINDICATED = "order-drug-caution"
HEPATIC = "order-hepatic-dose"
RUNNING_CAUTION = "running-drug-caution"
RUNNING_HEPATIC = "running-drug-hepatic"

DULOXETINE_60 = ("596934", "duloxetine 60 MG Delayed Release Oral Capsule")
NEFAZODONE_200 = ("1098670", "nefazodone hydrochloride 200 MG Oral Tablet")
ESCITALOPRAM_10 = ("349332", "escitalopram 10 MG Oral Tablet")
VENLAFAXINE_150 = ("313581", "24 HR venlafaxine 150 MG Extended Release Oral Capsule")

ALT = ("1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma")
AST = ("1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma")
# Epic's own lab component code system and its lab category (illustrative OIDs, as
# tests/cds_hooks/test_query_length_startup.py uses).
EPIC_COMPONENT = "urn:oid:1.2.840.114350.1.13.0.1.7.2.768282"
EPIC_CATEGORY = "urn:oid:1.2.840.114350.1.13.0.1.7.10.798268.30"
UCUM = "http://unitsofmeasure.org"


def epic_lab(
    which: tuple[str, str],
    value: float,
    day: date,
    *,
    high: float | None,
    id: str,
    local: str = "1525870",
    name: str = "ALT (SGPT)",
) -> Resource:
    """A lab result as Epic's R4 Observation.Search (Labs) returns it: Epic's component code
    beside the LOINC one, the `laboratory` category and Epic's own, a UCUM valueQuantity, an
    H/N interpretation with text, and a referenceRange with low, high and text."""
    loinc, display = which
    body: Resource = {
        "resourceType": "Observation",
        "id": id,
        "basedOn": [{"reference": "ServiceRequest/eXk2vF1xqR0.Lm3", "display": "HEPATIC PANEL"}],
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "laboratory",
                        "display": "Laboratory",
                    }
                ],
                "text": "Laboratory",
            },
            {"coding": [{"system": EPIC_CATEGORY, "code": "Lab"}], "text": "Lab"},
        ],
        "code": {
            "coding": [
                {"system": EPIC_COMPONENT, "code": local, "display": name},
                {"system": "http://loinc.org", "code": loinc, "display": display},
            ],
            "text": name,
        },
        "subject": {"reference": f"Patient/{P}", "display": "Moss, Ada"},
        "effectiveDateTime": f"{day.isoformat()}T14:02:00Z",
        "issued": f"{day.isoformat()}T16:40:00Z",
        "valueQuantity": {"value": value, "unit": "U/L", "system": UCUM, "code": "U/L"},
    }
    if high is not None:
        flag = "H" if value > high else "N"
        body["interpretation"] = [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                        "code": flag,
                        "display": "High" if flag == "H" else "Normal",
                    }
                ],
                "text": "High" if flag == "H" else "Normal",
            }
        ]
        body["referenceRange"] = [
            {
                "low": {"value": 7, "unit": "U/L", "system": UCUM, "code": "U/L"},
                "high": {"value": high, "unit": "U/L", "system": UCUM, "code": "U/L"},
                "text": f"7 - {high:g} U/L",
            }
        ]
    return body


def us_core_lab(which: tuple[str, str], value: float, day: date, *, id: str) -> Resource:
    """A US Core laboratory result with no referenceRange (Synthea writes them so)."""
    resource = fb.lab(which[0], value, "U/L", day, patient=P, display=which[1])
    resource["id"] = id
    return resource


def drafted(drug: tuple[str, str], *, tablets: float = 1, per_day: int = 1) -> Resource:
    return fb.medication_request(
        drug[0],
        drug[1],
        AS_OF,
        dose_value=tablets,
        frequency=per_day,
        status="draft",
        expected_supply_days=30,
        patient=P,
        id="draft-1",
    )


def running(drug: tuple[str, str]) -> Resource:
    return fb.medication_request(
        drug[0],
        drug[1],
        date(2025, 2, 3),
        status="active",
        expected_supply_days=30,
        repeats=5,
        patient=P,
        id="mr-running",
    )


def chart(*extra: Resource, drafts: tuple[Resource, ...] = ()) -> PatientRecord:
    """MDD (F33.2), aged 52; PHQ-9 21. No liver disease coded."""
    resources: list[Resource] = [
        fb.patient(id=P, given="Ada", family="Moss", gender="female", birth_date=date(1973, 1, 1)),
        fb.condition(
            fb.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 1, 10),
            category="problem-list-item",
            patient=P,
            id="cond-mdd",
        ),
        *fb.phq9(date(2025, 5, 19), 21, item9=0, patient=P),
        *extra,
    ]
    for resource in [*resources, *drafts]:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P, draft_orders=drafts)


def at_order(record: PatientRecord, policy: Policy | None = None) -> dict[str, Recommendation]:
    return {r.topic: r for r in order_hook(record, policy or Policy(), hook="order-select")}


def screen(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in patient_view(record, Policy())}


# --- reading ----------------------------------------------------------------------------------


def test_an_epic_alt_is_read_with_its_reference_range_high() -> None:
    record = chart(epic_lab(ALT, 182, date(2025, 5, 20), high=52, id="eAlt1"))
    (lab,) = [lab for lab in record.context.labs if lab.test == "alt"]
    assert (lab.value, lab.unit, lab.flag, lab.range_high) == (182, "U/L", "high", 52)


def test_a_us_core_ast_without_a_range_is_read_with_no_range_high() -> None:
    record = chart(us_core_lab(AST, 35, date(2025, 5, 20), id="ast-1"))
    (lab,) = [lab for lab in record.context.labs if lab.test == "ast"]
    assert (lab.value, lab.unit, lab.range_high) == (35, "U/L", None)


def test_a_range_in_another_unit_is_not_taken_as_the_uln() -> None:
    resource = epic_lab(ALT, 3.0, date(2025, 5, 20), high=52, id="eAlt-ukat")
    resource["valueQuantity"] = {"value": 3.0, "unit": "ukat/L", "system": UCUM, "code": "ukat/L"}
    record = chart(resource)
    (lab,) = [lab for lab in record.context.labs if lab.test == "alt"]
    assert lab.range_high is None
    assert transaminases.raised(record, Policy()) is None  # ukat/L with no range: not compared


def test_an_upper_bound_is_never_read_as_raised() -> None:
    resource = us_core_lab(ALT, 500, date(2025, 5, 20), id="alt-bound")
    resource["valueQuantity"]["comparator"] = "<"
    assert transaminases.raised(chart(resource), Policy()) is None


# --- the order check ---------------------------------------------------------------------------


def test_nefazodone_with_an_epic_alt_over_3x_its_lab_uln_gets_the_boxed_warning_card() -> None:
    """Review 12 h8: NASH with ALT 182 worked only through its code; without it, nothing."""
    record = chart(
        epic_lab(ALT, 182, date(2025, 5, 20), high=52, id="eAlt1"),
        drafts=(drafted(NEFAZODONE_200, per_day=2),),
    )
    card = at_order(record)[CONTRAINDICATED]
    assert card.indicator is Indicator.WARNING
    assert "ALT 182 U/L on 2025-05-20 (3.5x ULN)" in card.summary
    assert "elevated baseline serum transaminases" in card.detail
    assert "upper limit of normal of 52 U/L (the lab's reference range" in card.detail
    assert "Observation/eAlt1" in card.detail and "no liver disease coded" in card.detail
    assert "Serzone boxed warning" in card.detail


def test_duloxetine_with_a_us_core_ast_uses_the_default_uln_and_says_so() -> None:
    record = chart(
        us_core_lab(AST, 130, date(2025, 4, 1), id="ast-1"),
        drafts=(drafted(DULOXETINE_60),),
    )
    card = at_order(record)[CONTRAINDICATED]
    assert "AST 130 U/L on 2025-04-01 (3.2x ULN)" in card.summary
    assert "of 40 U/L (no reference range sent" in card.detail
    assert "Cymbalta label 5.2" in card.detail


@pytest.mark.parametrize(
    "lab",
    [
        epic_lab(ALT, 30, date(2025, 5, 20), high=52, id="eAlt-normal"),  # normal
        epic_lab(ALT, 120, date(2025, 5, 20), high=52, id="eAlt-mild"),  # 2.3x: under 3x
        us_core_lab(ALT, 110, date(2025, 5, 20), id="alt-mild"),  # 2.75x the default 40
        us_core_lab(ALT, 400, AS_OF - timedelta(days=400), id="alt-old"),  # over 365 days old
    ],
    ids=["normal", "mild-with-range", "mild-default-uln", "old"],
)
def test_a_normal_mild_or_old_transaminase_makes_no_card(lab: Resource) -> None:
    record = chart(lab, drafts=(drafted(DULOXETINE_60),))
    assert CONTRAINDICATED not in at_order(record)


def test_a_later_normal_repeat_supersedes_a_raised_alt() -> None:
    record = chart(
        us_core_lab(ALT, 300, date(2025, 1, 6), id="alt-high"),
        us_core_lab(ALT, 35, date(2025, 5, 20), id="alt-normal"),
        drafts=(drafted(NEFAZODONE_200, per_day=2),),
    )
    assert CONTRAINDICATED not in at_order(record)


def test_the_clinic_can_lower_the_multiple() -> None:
    record = chart(
        epic_lab(ALT, 120, date(2025, 5, 20), high=52, id="eAlt-mild"),
        drafts=(drafted(DULOXETINE_60),),
    )
    assert CONTRAINDICATED not in at_order(record)
    lower = replace(Policy(), transaminase_uln_multiple=2.0)
    assert "ALT 120 U/L" in at_order(record, lower)[CONTRAINDICATED].summary


def test_with_liver_disease_coded_the_code_is_named_once() -> None:
    nash = fb.condition(
        fb.ICD10CM,
        "K75.81",
        "Nonalcoholic steatohepatitis (NASH)",
        date(2023, 3, 14),
        category="problem-list-item",
        patient=P,
        id="cond-nash",
    )
    record = chart(
        nash,
        epic_lab(ALT, 182, date(2025, 5, 20), high=52, id="eAlt1"),
        drafts=(drafted(DULOXETINE_60),),
    )
    card = at_order(record)[CONTRAINDICATED]
    assert "K75.81" in card.detail and card.detail.count("- ") == 1


def test_a_raised_alt_is_not_read_as_cirrhosis_for_other_drugs_hepatic_limits() -> None:
    alt = epic_lab(ALT, 400, date(2025, 5, 20), high=52, id="eAlt1")
    cards = at_order(chart(alt, drafts=(drafted(ESCITALOPRAM_10, tablets=2),)))
    assert HEPATIC not in cards and CONTRAINDICATED not in cards
    assert RUNNING_HEPATIC not in screen(chart(alt, running(VENLAFAXINE_150)))


# --- a running course -------------------------------------------------------------------------


def test_running_duloxetine_with_a_raised_epic_ast_gets_the_running_caution() -> None:
    ast = epic_lab(AST, 250, date(2025, 5, 20), high=40, id="eAst1", local="1525871", name="AST")
    card = screen(chart(ast, running(DULOXETINE_60)))[RUNNING_CAUTION]
    assert card.indicator is Indicator.WARNING
    assert "with AST 250 U/L on 2025-05-20 (6.2x ULN)" in card.summary
    assert "of 40 U/L (the lab's reference range" in card.detail
    assert "Cymbalta label 5.2" in card.detail and "repeat the liver tests" in card.detail


def test_running_duloxetine_with_a_normal_alt_gets_no_running_caution() -> None:
    alt = epic_lab(ALT, 30, date(2025, 5, 20), high=52, id="eAlt1")
    assert RUNNING_CAUTION not in screen(chart(alt, running(DULOXETINE_60)))


# --- the liver tests not sent ----------------------------------------------------------------


def test_liver_tests_are_a_gap_domain_of_their_own() -> None:
    """An unreadable ALT is a gap of the liver tests, not of the labs the lithium check reads."""
    resource = us_core_lab(ALT, 1, date(2025, 5, 20), id="alt-unread")
    del resource["valueQuantity"]
    resource["valueString"] = "see note"
    record = chart(resource)
    assert {g.domain for g in record.gaps} == {DataDomain.LIVER_TESTS}
    assert not record.incomplete(DataDomain.LABS)
