"""Review 7 findings 3, 8, 9 and 10 on the cards: duloxetine with liver disease, substance use in
remission, primary psychotic disorders, and esketamine / lithium in pregnancy.

Rule-level cards use hand-built records (tests/services/factories.py); the order checks use
US Core charts (tests/fixtures/builders.py) mapped by build_record, with the real drug table.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import FindingKind, PatientRecord
from services.order_checks.cautions import caution_check
from services.order_hooks import order_hook
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from services.rules.context import build_context
from tests.fixtures import builders as fb
from tests.services import factories as f
from tests.services.helpers import screen_by_topic

K = FindingKind
ICD = "http://hl7.org/fhir/sid/icd-10-cm"
AS_OF = date(2025, 6, 2)
P = "pt-r7-rules"


_cards = screen_by_topic


def _with(*findings: Any) -> PatientRecord:
    return f.trd_record(findings=(f.mdd(), *findings))


# --- finding 3: duloxetine and chronic liver disease --------------------------------------------


@pytest.mark.real_drug_table
def test_duloxetine_is_not_a_switch_option_with_cirrhosis_and_says_why() -> None:
    cirrhosis = f.finding(
        K.LIVER_DISEASE,
        code="K70.30",
        system=ICD,
        display="Alcoholic cirrhosis of liver without ascites",
    )
    # Two SSRIs failed (the review's P14): the SNRIs are the switch class on offer.
    ssris = (
        f.sertraline_failed(),
        f.trial("escitalopram", "SSRI", start=date(2023, 4, 3), mg=20, min_mg=10, max_mg=20),
    )
    card = _cards(f.trd_record(trials=ssris, findings=(f.mdd(), cirrhosis)))
    switch = card["optimize-switch-augment"].detail.split("**Switch:**")[1]
    assert "duloxetine not listed: avoid in chronic liver disease or cirrhosis" in switch
    assert "Alcoholic cirrhosis of liver without ascites on record" in switch
    options = switch.split("duloxetine not listed")[0]
    assert "venlafaxine" in options
    assert "duloxetine" not in options  # before: "SNRI: venlafaxine, desvenlafaxine, duloxetine"
    plain = _cards(f.trd_record(trials=ssris))["optimize-switch-augment"].detail
    assert "duloxetine" in plain.split("**Switch:**")[1]


def _person() -> dict[str, Any]:
    return fb.patient(
        id=P, given="Ana", family="Ruiz", gender="female", birth_date=date(1975, 5, 1)
    )


def _chart(*resources: dict[str, Any], drafts: tuple[dict[str, Any], ...] = ()) -> PatientRecord:
    flat = [_person(), *resources]
    for resource in [*flat, *drafts]:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(flat, as_of=AS_OF, patient_id=P, draft_orders=drafts)


def _mdd() -> dict[str, Any]:
    return fb.condition(
        fb.ICD10CM,
        "F33.2",
        "Major depressive disorder, recurrent severe without psychotic features",
        date(2024, 1, 10),
        category="problem-list-item",
        patient=P,
        id="cond-mdd",
    )


def _draft(rxcui: str, display: str) -> dict[str, Any]:
    return fb.medication_request(
        rxcui,
        display,
        AS_OF,
        dose_value=1,
        frequency=1,
        status="draft",
        expected_supply_days=30,
        patient=P,
        id="draft-1",
    )


def _order_cards(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in order_hook(record, Policy(), hook="order-select")}


@pytest.mark.real_drug_table
def test_duloxetine_ordered_with_alcoholic_cirrhosis_gets_a_card() -> None:
    cirrhosis = fb.condition(
        fb.ICD10CM,
        "K70.30",
        "Alcoholic cirrhosis of liver without ascites",
        date(2023, 3, 1),
        category="problem-list-item",
        patient=P,
        id="cond-liver",
    )
    draft = _draft("596934", "duloxetine 60 MG Delayed Release Oral Capsule")
    rec = _order_cards(_chart(_mdd(), cirrhosis, drafts=(draft,)))["order-drug-caution"]
    assert rec.summary.startswith("Duloxetine: avoid in chronic liver disease or cirrhosis")
    assert "K70.30" in rec.detail and "Cymbalta" in rec.detail
    # Without the liver disease: no such card (before the fix there was none either way).
    plain = _order_cards(_chart(_mdd(), drafts=(draft,)))
    assert "order-drug-caution" not in plain


# --- finding 8: substance use in remission --------------------------------------------------------


def test_substance_use_in_remission_never_gates_escalation() -> None:
    remitted = f.finding(
        K.SUBSTANCE_USE_IN_REMISSION,
        code="F10.21",
        system=ICD,
        display="Alcohol dependence, in remission",
        onset=date(2019, 1, 1),
    )
    cards = _cards(_with(remitted))
    review = cards.get("diagnosis-review")
    # TSH is recent in trd_record: nothing else to say, so no card at all (before: a warning
    # "Confirm the diagnosis before escalating: active substance use").
    assert review is None
    assert "optimize-switch-augment" in cards


def test_remission_rides_along_as_an_info_line_never_in_the_summary() -> None:
    remitted = f.finding(
        K.SUBSTANCE_USE_IN_REMISSION,
        code="F10.21",
        system=ICD,
        display="Alcohol dependence, in remission",
        onset=date(2019, 1, 1),
    )
    record = f.trd_record(findings=(f.mdd(), remitted), labs=())  # no TSH: an info card
    review = _cards(record)["diagnosis-review"]
    assert review.indicator is Indicator.INFO
    assert "substance" not in review.summary.lower()
    assert "address it before escalating" not in review.detail
    assert "**Alcohol use disorder in remission:** Alcohol dependence, in remission" in (
        review.detail
    )
    assert "onset 2019-01-01" in review.detail


def test_active_substance_use_is_still_a_warning_to_review() -> None:
    active = f.finding(
        K.SUBSTANCE_USE, code="F10.20", system=ICD, display="Alcohol dependence, uncomplicated"
    )
    review = _cards(_with(active))["diagnosis-review"]
    assert review.indicator is Indicator.WARNING
    # Reviewed alongside escalation, which stays one click (audit 14 s01), named as on record.
    assert review.summary.startswith(
        "Review alcohol use disorder alongside escalation: alcohol dependence, uncomplicated"
    )
    assert "alongside any escalation" in review.detail


# --- finding 9: schizoaffective disorder is not psychotic depression ----------------------------


def _schizoaffective() -> tuple[Any, Any]:
    kw: dict[str, Any] = {
        "code": "F25.1",
        "system": ICD,
        "display": "Schizoaffective disorder, depressive type",
        "rid": "cond-sza",
    }
    return f.finding(K.PSYCHOTIC, **kw), f.finding(K.PSYCHOTIC_DISORDER, **kw)


def test_schizoaffective_disorder_is_not_run_through_stop_pd() -> None:
    cards = _cards(_with(*_schizoaffective()))
    assert "optimize-switch-augment" not in cards  # before: the psychotic-depression card
    everything = "\n".join(r.summary + r.detail for r in cards.values())
    assert "STOP-PD" not in everything.replace(
        "psychotic-depression regimen (STOP-PD) do not apply", ""
    )
    assert "Refer for ECT" not in " ".join(s.label for r in cards.values() for s in r.suggestions)
    review = cards["diagnosis-review"]
    assert "psychotic disorder on record" in review.summary
    assert "the unipolar TRD pathway and the psychotic-depression regimen (STOP-PD) do not" in (
        review.detail
    )
    assert "tms-referral" not in cards


def test_psychotic_depression_keeps_its_pathway() -> None:
    features = f.finding(
        K.PSYCHOTIC,
        code="F33.3",
        system=ICD,
        display="Major depressive disorder, recurrent, severe with psychotic symptoms",
    )
    card = _cards(_with(features))["optimize-switch-augment"]
    assert "STOP-PD" in card.detail


# --- finding 10: esketamine and lithium in pregnancy -----------------------------------------------


def test_pregnancy_names_the_esketamine_and_lithium_caveats() -> None:
    pregnant = f.finding(
        K.PREGNANCY,
        code="Z34.82",
        system=ICD,
        display="Encounter for supervision of other normal pregnancy, second trimester",
        onset=date(2025, 2, 10),
    )
    detail = _cards(_with(pregnant))["optimize-switch-augment"].detail
    assert "**Esketamine, if considered:** not recommended during pregnancy" in detail
    assert "Spravato label 8.1" in detail
    assert "**Lithium, if considered:** first-trimester exposure is linked to cardiac" in detail
    plain = _cards(_with())["optimize-switch-augment"].detail
    assert "if considered" not in plain


@pytest.mark.real_drug_table
def test_esketamine_draft_in_pregnancy_gets_a_caveat_check_that_is_not_a_bar() -> None:
    # The check itself (order_checks/cautions.py); the hook is asked in the test below.
    pregnancy = fb.condition(
        fb.ICD10CM,
        "Z34.82",
        "Encounter for supervision of other normal pregnancy, second trimester",
        date(2025, 2, 10),
        patient=P,
        id="cond-preg",
    )
    draft = _draft("2119365", "esketamine")
    record = _chart(_mdd(), pregnancy, drafts=(draft,))
    check = caution_check(
        build_context(record, Policy(), hook="order-select"), record.draft_orders[0]
    )
    assert check is not None
    assert "not recommended during pregnancy" in check.summary
    assert "not to be used" not in check.summary
    assert len(check.summary) <= 140
    assert "Spravato" in check.detail
    plain = _chart(_mdd(), drafts=(draft,))
    assert caution_check(build_context(plain, Policy()), plain.draft_orders[0]) is None


@pytest.mark.real_drug_table
def test_esketamine_or_lithium_ordered_in_pregnancy_gets_the_caveat_card() -> None:
    """order_hooks runs the caution check on adjunct drafts too (esketamine, lithium)."""
    pregnancy = fb.condition(
        fb.ICD10CM,
        "Z34.82",
        "Encounter for supervision of other normal pregnancy, second trimester",
        date(2025, 2, 10),
        patient=P,
        id="cond-preg",
    )
    draft = _draft("2119365", "esketamine")
    found = _order_cards(_chart(_mdd(), pregnancy, drafts=(draft,)))
    cards = [r for r in found.values() if "not recommended during pregnancy" in r.summary]
    assert len(cards) == 1 and "Spravato" in cards[0].detail
    plain = _order_cards(_chart(_mdd(), drafts=(draft,)))
    assert not any("pregnancy" in r.summary for r in plain.values())


def test_no_psychotherapy_card_on_the_unipolar_count_beside_a_psychotic_disorder() -> None:
    # Its "2 adequate trials failed" would contradict the diagnosis-review card, as with bipolar.
    with_disorder = f.trd_record(findings=(f.mdd(), *_schizoaffective()), procedures=())
    assert "psychotherapy" not in _cards(with_disorder)
    control = f.trd_record(procedures=())
    assert "psychotherapy" in _cards(control)
