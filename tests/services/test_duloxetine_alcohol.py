"""Duloxetine with active alcohol use (review 7 finding 3, the label's second half).

The Cymbalta label (Warnings and Precautions 5.2, Hepatotoxicity) says duloxetine "should
ordinarily not be prescribed to patients with substantial alcohol use or evidence of chronic
liver disease". The liver half is a drug_cautions.csv row; the alcohol half is a row of
services/data/condition_drug_rules.csv narrowed to the alcohol codes of the substance-use kind
(services/data/finding_code_sets.csv). So with an active alcohol use disorder on record:
- duloxetine is not a switch option, and the card says why;
- a drafted duloxetine gets a warning card naming the diagnosis, its date and the label.
Alcohol use in remission (F10.21; review 7 finding 8), another substance (opioids) and no
alcohol diagnosis at all leave duloxetine alone.

Charts are US Core shaped (tests/fixtures/builders.py) and mapped by build_record with the real
drug table: two SSRIs failed (the review's P14), so the SNRIs are the switch class on offer.
"""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources as package_files
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.record import FindingKind, PatientRecord
from services import drug_rules
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
PATIENT = "p-duloxetine-alcohol"
Resource = dict[str, Any]
CONTRAINDICATED = "order-drug-contraindicated"
LABEL_SOURCE = (
    'duloxetine "should ordinarily not be prescribed to patients with substantial alcohol use or '
    'evidence of chronic liver disease"'
)


def _chart(*extra: Resource, drafts: tuple[Resource, ...] = ()) -> PatientRecord:
    """F33.2; sertraline 150 mg then escitalopram 20 mg failed; PHQ-9 21 on 2025-05-20."""
    resources = [
        b.patient(
            id=PATIENT, given="Tom", family="Hale", gender="male", birth_date=date(1971, 8, 14)
        ),
        b.condition(
            b.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 6, 3),
            category="problem-list-item",
            patient=PATIENT,
            extra_codings=[(b.SNOMED, "370143000", "Major depressive disorder (disorder)")],
            id="mdd",
        ),
        b.medication_statement(
            "36437",
            "sertraline 100 MG Oral Tablet",
            date(2024, 6, 3),
            date(2024, 10, 1),
            status="completed",
            dose_value=150,
            dose_unit="mg",
            patient=PATIENT,
            id="ser",
        ),
        b.medication_statement(
            "351250",
            "escitalopram 20 MG Oral Tablet",
            date(2024, 10, 1),
            dose_value=20,
            dose_unit="mg",
            patient=PATIENT,
            # Reported again at the last PHQ-9 visit: a patient's statement counts to one usual
            # fill after its dateAsserted (stmt72), and this course runs to today.
            date_asserted=date(2025, 5, 20),
            id="esc",
        ),
        *b.phq9(date(2024, 6, 3), 22, patient=PATIENT),
        *b.phq9(date(2024, 10, 1), 21, patient=PATIENT),
        *b.phq9(date(2025, 5, 20), 21, patient=PATIENT),
        *extra,
    ]
    assert_valid([*resources, *drafts])
    return build_record(resources, as_of=AS_OF, patient_id=PATIENT, draft_orders=drafts)


def _alcohol(code: str, display: str, *, snomed: tuple[str, str] | None = None) -> Resource:
    return b.condition(
        b.ICD10CM,
        code,
        display,
        date(2024, 11, 1),
        category="problem-list-item",
        patient=PATIENT,
        extra_codings=[(b.SNOMED, *snomed)] if snomed else [],
        id="aud",
    )


def _active() -> Resource:
    return _alcohol(
        "F10.20",
        "Alcohol dependence, uncomplicated",
        snomed=("66590003", "Alcohol dependence (disorder)"),
    )


def _remission() -> Resource:
    return _alcohol("F10.21", "Alcohol dependence, in remission")


def _opioid() -> Resource:
    return _alcohol("F11.20", "Opioid dependence, uncomplicated")


def _snomed_only_alcoholism() -> Resource:
    """Synthea writes SNOMED only: 7200002 Alcoholism (REFERENCE.md, Synthea substance use)."""
    return b.condition(
        b.SNOMED,
        "7200002",
        "Alcoholism (disorder)",
        date(2024, 11, 1),
        patient=PATIENT,
        id="aud-sct",
    )


def _duloxetine_draft() -> Resource:
    return b.medication_request(
        "596934",
        "duloxetine 60 MG Delayed Release Oral Capsule",
        AS_OF,
        dose_value=1,
        frequency=1,
        status="draft",
        expected_supply_days=30,
        patient=PATIENT,
        id="draft-dul",
    )


def _switch(record: PatientRecord) -> str:
    cards = {r.topic: r for r in patient_view(record, Policy())}
    return cards["optimize-switch-augment"].detail.split("**Switch:**")[1].split("\n\n")[0]


def _order(record: PatientRecord, hook: str = "order-select") -> dict[str, Recommendation]:
    return {r.topic: r for r in order_hook(record, Policy(), hook=hook)}


def _options(switch: str) -> str:
    """The proposed options only, not the "not listed" notes that follow them."""
    return switch.split("duloxetine not listed")[0]


# --- patient-view: the switch list ---------------------------------------------------------------


def test_duloxetine_is_not_a_switch_option_with_active_alcohol_dependence() -> None:
    switch = _switch(_chart(_active()))
    # Before: "SNRI: venlafaxine, desvenlafaxine, duloxetine, levomilnacipran, ...".
    assert "duloxetine" not in _options(switch)
    assert "venlafaxine" in _options(switch)  # the class stays on offer
    assert (
        "duloxetine not listed: ordinarily not prescribed with substantial alcohol use "
        "(hepatotoxicity) (on record: Alcohol dependence, uncomplicated "
        "(ICD-10-CM F10.20); Cymbalta label 5.2)."
    ) in switch


def test_snomed_only_alcoholism_is_read_as_active_alcohol_use() -> None:
    switch = _switch(_chart(_snomed_only_alcoholism()))
    assert "duloxetine" not in _options(switch)
    assert "Alcoholism (disorder) (SNOMED CT 7200002)" in switch


@pytest.mark.parametrize(
    "extra", [(), (_remission(),), (_opioid(),)], ids=["none", "F10.21", "F11.20"]
)
def test_duloxetine_stays_a_switch_option_without_active_alcohol_use(
    extra: tuple[Resource, ...],
) -> None:
    switch = _switch(_chart(*extra))
    assert "duloxetine" in _options(switch)
    assert "substantial alcohol use" not in switch


# --- order-select / order-sign: the drafted duloxetine ----------------------------------------


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_drafted_duloxetine_with_active_alcohol_dependence_gets_a_warning(hook: str) -> None:
    rec = _order(_chart(_active(), drafts=(_duloxetine_draft(),)), hook)[CONTRAINDICATED]
    assert rec.indicator is Indicator.WARNING
    assert rec.summary == (
        "Duloxetine: ordinarily not prescribed with substantial alcohol use (hepatotoxicity) "
        "(Alcohol dependence, uncomplicated on record)"
    )
    assert len(rec.summary) <= 140
    # The diagnosis with its code and date, and the label sentence as the basis.
    assert (
        "(on record: Alcohol dependence, uncomplicated (ICD-10-CM "
        "F10.20), since 2024-11-01; Cymbalta label 5.2)"
    ) in rec.detail
    assert "Cymbalta label 5.2" in rec.detail and LABEL_SOURCE not in rec.detail  # its cite (H14)


@pytest.mark.parametrize(
    "extra", [(), (_remission(),), (_opioid(),)], ids=["none", "F10.21", "F11.20"]
)
def test_drafted_duloxetine_without_active_alcohol_use_gets_no_card(
    extra: tuple[Resource, ...],
) -> None:
    found = _order(_chart(*extra, drafts=(_duloxetine_draft(),)))
    assert CONTRAINDICATED not in found
    assert not any("alcohol" in r.summary.lower() for r in found.values())


# --- the tables -----------------------------------------------------------------------------


def test_the_alcohol_code_set_leaves_remission_codes_to_their_own_kind() -> None:
    alcohol = drug_rules.code_sets()["alcohol-use"]
    (rule,) = [r for r in drug_rules.condition_rules() if r.ingredient == "duloxetine"]
    assert rule.finding_codes is alcohol
    assert rule.choice is drug_rules.Choice.NEVER
    assert rule.finding is FindingKind.SUBSTANCE_USE
    # F10.21 is a code of the set's F10.2 family, but the mapping reads it as in remission:
    # the row's finding kind (active substance use) never holds it.
    record = _chart(_remission())
    assert record.context.of(FindingKind.SUBSTANCE_USE) == ()
    assert record.context.of(FindingKind.SUBSTANCE_USE_IN_REMISSION)


def test_every_code_set_row_has_a_source_and_a_status() -> None:
    text = package_files.files("services").joinpath("data/finding_code_sets.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert rows
    for row in rows:
        assert row["source"].strip(), row
        assert row["status"] in {"confirmed", "corroborated", "UNVERIFIED"}, row
        assert row["match"] in {"exact", "prefix", "term", "score"}, row
        assert (row["system"] == "text") is (row["match"] == "term"), row
