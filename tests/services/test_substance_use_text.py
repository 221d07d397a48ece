"""A substance use disorder written only in text (Oracle Health "health concerns", outside records
typed in) is read as one (fhir_mapping/data/diagnosis_terms.csv substance-use rows), and "in
remission" in the same text makes it the remission finding, as beside a code (review 7 finding 8).

Before: "Alcohol use disorder, severe" typed in was not read at all: no diagnosis review before
escalating, and duloxetine was offered and ordered beside it without a word (Cymbalta label 5.2:
"should ordinarily not be prescribed to patients with substantial alcohol use").

Charts: the Oracle Health (Cerner Millennium R4) chart of tests/fixtures/vendor_charts.py with its
text-only health concern set to the phrase under test.
"""

from __future__ import annotations

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.record import FindingKind, PatientRecord
from services import drug_rules
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator
from tests.fixtures import builders as b
from tests.fixtures import vendor_charts as V

pytestmark = pytest.mark.real_drug_table

CONTRAINDICATED = "order-drug-contraindicated"


def _record(concern: str, *, draft_duloxetine: bool = False) -> PatientRecord:
    chart = V.oracle_chart(health_concern=concern)
    drafts = []
    if draft_duloxetine:
        drafts.append(
            b.medication_request(
                "596934",
                "duloxetine 60 MG Delayed Release Oral Capsule",
                chart.as_of,
                dose_value=1,
                frequency=1,
                status="draft",
                expected_supply_days=30,
                patient=chart.patient_id,
                id="draft-dul",
            )
        )
    return build_record(
        chart.resources, as_of=chart.as_of, patient_id=chart.patient_id, draft_orders=drafts
    )


def _kinds(record: PatientRecord) -> set[FindingKind]:
    return {f.kind for f in record.context.findings}


@pytest.mark.parametrize(
    "concern",
    [
        "Alcohol use disorder, severe",
        "Alcoholism per outside records",
        "Opioid use disorder, moderate, on buprenorphine",
        "Cocaine abuse",
        "Polysubstance dependence",
    ],
)
def test_a_use_disorder_typed_in_is_active_substance_use(concern: str) -> None:
    record = _record(concern)
    assert FindingKind.SUBSTANCE_USE in _kinds(record)
    assert FindingKind.SUBSTANCE_USE_IN_REMISSION not in _kinds(record)
    (finding,) = record.context.of(FindingKind.SUBSTANCE_USE)
    assert finding.system == "text" and finding.display == concern
    cards = {r.topic: r for r in patient_view(record, Policy())}
    assert concern in "\n".join(r.detail for r in cards.values())


@pytest.mark.parametrize(
    "concern",
    [
        "Alcohol use disorder, severe, in sustained remission",
        "Opioid use disorder in early remission",
    ],
)
def test_in_remission_in_the_same_text_is_the_remission_finding(concern: str) -> None:
    kinds = _kinds(_record(concern))
    assert FindingKind.SUBSTANCE_USE not in kinds
    assert FindingKind.SUBSTANCE_USE_IN_REMISSION in kinds


@pytest.mark.parametrize(
    "concern",
    [
        "Family history of alcoholism",
        "No history of drug abuse",
        "Feels medicines have not helped; asks about non-drug treatment",
        "Drinks alcohol socially",
    ],
)
def test_other_words_are_not_a_use_disorder(concern: str) -> None:
    kinds = _kinds(_record(concern))
    assert FindingKind.SUBSTANCE_USE not in kinds
    assert FindingKind.SUBSTANCE_USE_IN_REMISSION not in kinds


def test_a_drafted_duloxetine_beside_a_typed_in_alcohol_use_disorder_is_warned() -> None:
    record = _record("Alcohol use disorder, severe", draft_duloxetine=True)
    card = {r.topic: r for r in order_hook(record, Policy(), hook="order-select")}[CONTRAINDICATED]
    assert card.indicator is Indicator.WARNING
    assert "Alcohol use disorder, severe (typed in" in card.detail  # not an empty "(text )"
    assert "(text" not in card.detail
    assert "substantial alcohol use" in card.detail


@pytest.mark.parametrize(
    "concern", ["Opioid use disorder, moderate", "Alcohol use disorder, in sustained remission"]
)
def test_a_drafted_duloxetine_beside_other_typed_in_use_is_not_warned(concern: str) -> None:
    record = _record(concern, draft_duloxetine=True)
    topics = {r.topic for r in order_hook(record, Policy(), hook="order-select")}
    assert CONTRAINDICATED not in topics


def test_the_alcohol_set_holds_typed_in_alcohol_words_only() -> None:
    alcohol = drug_rules.code_sets()["alcohol-use"]
    assert alcohol.terms
    opioid = _record("Opioid use disorder, moderate").context.of(FindingKind.SUBSTANCE_USE)
    drink = _record("Alcohol use disorder, severe").context.of(FindingKind.SUBSTANCE_USE)
    assert [alcohol.holds(f) for f in (*opioid, *drink)] == [False, True]
