"""Wave 2 "drafts and prefetch".

1. A draft names its combination product as a course does (DraftOrder.product): Contrave drafted
   while Contrave runs renews it (before: "a second product", 720 mg/day, a false alarm), while a
   different product of the same drug is a second one whose doses add up, whichever side is the
   combination: bupropion XL beside a running Contrave (660 mg/day, kept), Contrave beside a
   running bupropion XL (before: read as a renewal, no card at all), Symbyax beside a running
   fluoxetine. Contrave's bupropion is taken for weight, so its draft is never said as a repeat of
   a failed bupropion trial.
2. The `observations` prefetch asks for the Breastfeeding status Observation (LOINC 63895-7) that
   fhir_mapping/pregnancy.py reads: an EHR answering the query as written now sends it, and a
   lithium order for a breastfeeding mother gets its card from prefetch alone. The query stays
   within MAX_QUERY_BYTES with README's two flowsheet rows (tests/cds_hooks/
   test_query_length_startup.py says why the limit exists: IIS's 2,048-byte default).

Charts are the helpers of tests/services/test_order_safety.py (Synthea/US Core shaped, validated
against fhir.resources R4B) and an Epic home-medication statement with the brand as free text."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.offline import evaluate_document
from fhir_mapping.code_systems import LOINC
from fhir_mapping.site_codes import LocalCode, SiteCodes
from services import order_hooks
from services.catalog import LOINC_OID, MAX_QUERY_BYTES, query_bytes, services
from services.policy import Policy
from services.recommendation import Recommendation
from tests.fixtures import builders as fb
from tests.fixtures.scenarios import prefetch_for
from tests.services.test_combination_products import BUPROPION_XL_300, SHARED, SYMBYAX_25_6
from tests.services.test_combination_products_more import CONTRAVE
from tests.services.test_order_safety import (
    FLUOXETINE_20,
    P,
    at_order,
    chart,
    depressed,
    drafted,
    everything,
    phq9,
    taking,
)

pytestmark = pytest.mark.real_drug_table

HOOKS = ["order-select", "order-sign"]
REPEATS = order_hooks.REPEATS


def _contrave_statement(start: date) -> dict[str, Any]:
    """Contrave 2 tablets twice a day (bupropion 360 mg/day) as an Epic/Oracle home medication:
    the brand as free text, the sig as text."""
    return fb.medication_statement(
        None,
        "Contrave 8-90 mg ER tablet",
        start,
        None,
        status="active",
        text="2 tablets by mouth twice daily",
        frequency=None,
        patient=P,
        id="ms-contrave",
    )


# --- 1. drafts name their product --------------------------------------------------------------


@pytest.mark.parametrize("hook", HOOKS)
@pytest.mark.parametrize("running_as", ["rxnorm-order", "free-text-statement"])
def test_contrave_renewed_while_contrave_runs_is_no_second_product(
    hook: str, running_as: str
) -> None:
    running = (
        taking(CONTRAVE, date(2025, 1, 6), per_day=4, rid="mr-contrave")
        if running_as == "rxnorm-order"
        else _contrave_statement(date(2025, 1, 6))
    )
    for draft in (drafted(CONTRAVE, per_day=4), drafted((None, "Contrave 8-90 mg ER tablet"))):
        found = at_order(chart(*depressed(), running, drafts=(draft,)), hook)
        # Before: "Bupropion ordered while Contrave (bupropion 360 mg/day) runs: 720 mg/day
        # total, above 450; seizure risk; do not combine".
        assert not set(SHARED) & set(found), everything(found)


@pytest.mark.parametrize("hook", HOOKS)
def test_bupropion_xl_beside_a_running_contrave_still_adds_up(hook: str) -> None:
    record = chart(
        *depressed(),
        taking(CONTRAVE, date(2025, 1, 6), per_day=4, rid="mr-contrave"),
        drafts=(drafted(BUPROPION_XL_300),),
    )
    card = at_order(record, hook)[order_hooks.ABOVE]
    assert card.summary == (
        "Bupropion ordered while Contrave (bupropion 360 mg/day) runs: 660 mg/day total, "
        "above 450; seizure risk; do not combine"
    )


@pytest.mark.parametrize("hook", HOOKS)
def test_contrave_drafted_beside_a_running_bupropion_xl_adds_up_and_names_contrave(
    hook: str,
) -> None:
    record = chart(
        *depressed(),
        taking(BUPROPION_XL_300, date(2025, 1, 6), rid="mr-bupropion"),
        drafts=(drafted(CONTRAVE, per_day=4),),
    )
    found = at_order(record, hook)
    # Before: the Contrave draft was bupropion renewing bupropion: no card, 660 mg/day unsaid.
    card = found[order_hooks.ABOVE]
    assert card.summary == (
        "Contrave ordered while bupropion 300 mg/day runs: bupropion 660 mg/day total, "
        "above 450; seizure risk; do not combine"
    )
    assert len(card.summary) <= 140
    assert (
        "**Products that contain bupropion:** Contrave (this order: bupropion 360 mg/day); "
        "bupropion 300 mg/day since 2025-01-06. "
        "Together: bupropion 660 mg/day, above the 450 mg/day maximum"
    ) in card.detail
    assert "if Contrave replaces bupropion, stop bupropion when Contrave starts" in card.detail
    # Contrave is taken for weight: not said as a repeat of the running bupropion.
    assert REPEATS not in found


@pytest.mark.parametrize("hook", HOOKS)
def test_symbyax_drafted_beside_a_running_fluoxetine_is_a_second_fluoxetine_product(
    hook: str,
) -> None:
    record = chart(
        *depressed(),
        taking(FLUOXETINE_20, date(2025, 1, 6), rid="mr-fluoxetine"),
        drafts=(drafted(SYMBYAX_25_6),),
    )
    found = at_order(record, hook)
    # Before: the Symbyax draft renewed fluoxetine: no card.
    card = found[order_hooks.SAME_CLASS]
    assert card.summary == (
        "Fluoxetine/olanzapine ordered while fluoxetine runs: both contain fluoxetine; "
        "use one product"
    )
    assert "Together: fluoxetine 45 mg/day, within the" in card.detail


def test_a_contrave_draft_is_never_a_repeat_of_a_failed_bupropion_trial() -> None:
    # Bupropion XL 300 mg/day for 8 months, PHQ-9 18 -> 17: an adequate failed trial.
    failed = chart(
        *depressed(),
        phq9(date(2024, 1, 5), 18),
        taking(BUPROPION_XL_300, date(2024, 1, 6), stopped=date(2024, 9, 1), rid="mr-bupropion"),
        phq9(date(2024, 8, 20), 17),
        drafts=(drafted(CONTRAVE, per_day=4),),
    )
    (trial,) = [t for t in failed.trials if t.ingredient == "bupropion"]
    assert trial.failed
    found = at_order(failed)
    # Before: "Bupropion already failed an adequate trial (300 mg/day, ended 2024-09-01):
    # consider a different mechanism", of a weight-management product.
    assert REPEATS not in found, everything(found)
    # The same history still says it of bupropion XL drafted again.
    again = chart(
        *depressed(),
        phq9(date(2024, 1, 5), 18),
        taking(BUPROPION_XL_300, date(2024, 1, 6), stopped=date(2024, 9, 1), rid="mr-bupropion"),
        phq9(date(2024, 8, 20), 17),
        drafts=(drafted(BUPROPION_XL_300),),
    )
    assert at_order(again)[REPEATS].summary.startswith("Bupropion already failed")


# --- 2. the prefetch asks for breastfeeding status ---------------------------------------------

AS_OF = date(2025, 6, 2)
MOTHER = "pt-drafts-prefetch-1"
EPIC_ROWS = "urn:oid:1.2.840.114350.1.13.0.1.7.2.707679"  # README's flowsheet-row example


def _observations_codes(site: SiteCodes | None = None) -> set[str]:
    template = dict(services(site or SiteCodes())[0].prefetch)["observations"]
    return set(template.split("&code=", 1)[1].split("&", 1)[0].split(","))


def test_the_observations_query_asks_for_breastfeeding_status_within_the_limit() -> None:
    templates = dict(services()[0].prefetch)
    assert f"{LOINC}|63895-7" in _observations_codes()  # before: absent
    assert "63895-7" not in templates["labs"]
    # The LOINC spelling only: the OID spelling would not fit beside README's two rows.
    assert f"{LOINC_OID}|63895-7" not in _observations_codes()
    readme_rows = SiteCodes(
        local_codes=(
            LocalCode(EPIC_ROWS, "3049", LOINC, "44261-6"),
            LocalCode(EPIC_ROWS, "3048", LOINC, "44260-8"),
        )
    )
    assert f"{EPIC_ROWS}|3049" in _observations_codes(readme_rows)
    for site, length in ((SiteCodes(), 1691), (readme_rows, 1791)):
        observations = dict(services(site)[0].prefetch)["observations"]
        assert query_bytes(observations) == length <= MAX_QUERY_BYTES


def test_a_sites_own_breastfeeding_row_mapped_to_63895_7_is_asked_for_under_observations() -> None:
    site = SiteCodes(local_codes=(LocalCode(EPIC_ROWS, "5120", LOINC, "63895-7"),))
    assert f"{EPIC_ROWS}|5120" in _observations_codes(site)
    assert f"{EPIC_ROWS}|5120" not in dict(services(site)[0].prefetch)["labs"]


def _breastfeeding_mother() -> list[dict[str, Any]]:
    """A woman of 34, F33.2, delivered 2025-03-10 (O80), "Exclusively breastfeeding" recorded
    2025-05-19 as a social-history Observation (LOINC 63895-7, SNOMED CT answer, as review 11's
    charts PP1/PP2 and US vendors write it), PHQ-9 21."""
    feeding_value = fb.concept(fb.SNOMED, "169741004", "Breast fed")
    feeding_value["text"] = "Exclusively breastfeeding"
    feeding = {
        "resourceType": "Observation",
        "id": "bf-1",
        "status": "final",
        "category": [
            {
                "coding": [
                    fb.coding(
                        "http://terminology.hl7.org/CodeSystem/observation-category",
                        "social-history",
                        "Social History",
                    )
                ]
            }
        ],
        "code": fb.concept(LOINC, "63895-7", "Breastfeeding status"),
        "subject": fb.reference("Patient", MOTHER),
        "effectiveDateTime": fb.fhir_datetime(date(2025, 5, 19)),
        "valueCodeableConcept": feeding_value,
    }
    resources = [
        fb.patient(
            id=MOTHER, given="Ana", family="Ruiz", gender="female", birth_date=date(1990, 8, 14)
        ),
        fb.condition(
            fb.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 6, 3),
            category="problem-list-item",
            patient=MOTHER,
            id="mdd",
        ),
        fb.condition(
            fb.ICD10CM,
            "O80",
            "Encounter for full-term uncomplicated delivery",
            date(2025, 3, 10),
            category="encounter-diagnosis",
            patient=MOTHER,
            id="o80",
        ),
        *fb.phq9(date(2025, 5, 20), 21, patient=MOTHER),
        feeding,
    ]
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resources


def _lithium_draft() -> dict[str, Any]:
    draft = fb.medication_request(
        "197891",
        "lithium carbonate 300 MG Oral Capsule",
        AS_OF,
        dose_value=300,
        dose_unit="mg",
        frequency=2,
        status="draft",
        expected_supply_days=30,
        patient=MOTHER,
        id="draft-li",
    )
    get_fhir_model_class("MedicationRequest").model_validate(draft)
    return draft


@pytest.mark.parametrize("hook", HOOKS)
def test_an_ehr_answering_the_query_sends_breastfeeding_and_the_lithium_order_gets_its_card(
    hook: str,
) -> None:
    service = next(s for s in services() if s.hook == hook)
    # What the EHR's FHIR server answers to each template (Observations by the code list).
    prefetch = prefetch_for(_breastfeeding_mother(), MOTHER, service.prefetch)
    sent = [e["resource"]["id"] for e in prefetch["observations"]["entry"]]
    assert "bf-1" in sent  # before: filtered out by the query
    draft = _lithium_draft()
    context: dict[str, Any] = {
        "userId": "Practitioner/p1",
        "patientId": MOTHER,
        "draftOrders": {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": draft}],
        },
    }
    if hook == "order-select":
        context["selections"] = ["MedicationRequest/draft-li"]
    request = {
        "hook": hook,
        "hookInstance": "0d7e7b1c-2f3a-4d1e-9a57-3c3b8f0e6a11",
        "context": context,
        "prefetch": prefetch,
    }
    result = evaluate_document(request, hook=hook, as_of=AS_OF, policy=Policy())
    cards: dict[str, Recommendation] = {r.topic: r for r in result.evaluation.recommendations}
    card = cards["order-drug-caution"]  # a caveat, not a contraindication
    assert card.summary == (
        "Lithium: not recommended while breastfeeding (passes into milk); if breastfed, monitor "
        "the infant (Exclusively breastfeeding on record)"
    )
