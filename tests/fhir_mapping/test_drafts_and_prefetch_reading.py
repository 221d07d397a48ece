"""Wave 2 "drafts": a draft order names its combination product as a course does
(fhir_mapping/combination_products.product_of, DraftOrder.product), so the order checks can tell a
renewal of the same product (Contrave while Contrave runs) from a second product of the same drug
(bupropion XL while Contrave runs).

Drafts as EHRs send them in draftOrders: RxNorm coded (Oracle Health, US Core), an Epic draft whose
medicationReference carries only a display (the real Epic order-select request in
../shared/fhir/vendor/automate-medical__sero_epic-cds-hooks: the Medication is not sent), and a
free-text brand. Each validates against fhir.resources R4B."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.medications import draft_orders
from fhir_mapping.record import DraftOrder
from tests.fixtures import builders as fb

P = "pt-drafts-1"
DAY = date(2025, 6, 2)
# RxNorm's display of Contrave's clinical drug (as tests/services/test_combination_products_more).
CONTRAVE_SCD = (
    "1551468",
    "bupropion hydrochloride 90 MG / naltrexone hydrochloride 8 MG Extended Release Oral Tablet",
)
SYMBYAX = ("403969", "fluoxetine 25 MG / olanzapine 6 MG Oral Capsule")
BUPROPION_XL_300 = ("993557", "24 HR bupropion hydrochloride 300 MG Extended Release Oral Tablet")


def _draft(
    rxcui: str | None, display: str | None, *, per_day: int = 2, tablets: float = 2, **kw: Any
) -> dict[str, Any]:
    body = fb.medication_request(
        rxcui,
        display,
        DAY,
        dose_value=tablets,
        frequency=per_day,
        status="draft",
        expected_supply_days=30,
        patient=P,
        id="draft-1",
        **kw,
    )
    return body


def _epic_display_only(display: str) -> dict[str, Any]:
    """Epic's draft: medicationReference to a Medication it does not send, with its display."""
    body = _draft(None, None, medication_reference="eContrave8-90")
    body["medicationReference"]["display"] = display
    return body


def _read(resource: dict[str, Any]) -> tuple[DraftOrder, ...]:
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return draft_orders([resource])


@pytest.mark.parametrize(
    "resource",
    [
        _draft(*CONTRAVE_SCD),
        _epic_display_only("NALTREXONE-BUPROPION ER 8-90 MG PO TB12"),
        _epic_display_only("CONTRAVE 8-90 MG PO TB12"),
        _draft(None, "Contrave 8-90 mg ER tablet"),
    ],
    ids=["rxnorm", "epic-generic", "epic-brand", "free-text"],
)
def test_a_contrave_draft_names_its_product_and_reads_bupropion_90_mg_a_tablet(
    resource: dict[str, Any],
) -> None:
    (draft,) = _read(resource)
    assert draft.ingredient == "bupropion"
    # Before: no product on a draft, so it was a plain bupropion draft.
    assert draft.product is not None
    assert (draft.product.brand, draft.product.name) == ("Contrave", "naltrexone/bupropion")
    assert draft.product.counts_as_trial is False
    # 2 tablets twice a day: bupropion 360 mg/day (not "8-90 mg" read as 8 mg).
    assert draft.mg_per_day == 360


def test_a_symbyax_draft_names_its_product_on_both_components() -> None:
    drafts = _read(_draft(*SYMBYAX, per_day=1, tablets=1))
    assert [(d.ingredient, d.mg_per_day) for d in drafts] == [("fluoxetine", 25), ("olanzapine", 6)]
    assert {d.product.brand if d.product else None for d in drafts} == {"Symbyax"}


def test_a_single_drug_draft_has_no_product() -> None:
    (draft,) = _read(_draft(*BUPROPION_XL_300, per_day=1, tablets=1))
    assert (draft.ingredient, draft.mg_per_day, draft.product) == ("bupropion", 300, None)
