"""A drug already running that a condition on record rules against gets a card on chart open.

Before, data/drug_cautions.csv and data/condition_drug_rules.csv were applied to proposals (switch
lists) and drafts (order-select / order-sign) only: bupropion started before epilepsy was coded,
paroxetine running when pregnancy is recorded, duloxetine beside cirrhosis ran on without a word
(services/rules/running_cautions.py). One warning card lists every pair, each with the drug's dose
and start, the finding's code and date, the row's note and source; nothing is one click.

Charts are US Core shaped (tests/fixtures/builders.py), mapped by build_record with the real drug
table.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services import drug_rules, tables
from services.order_hooks import order_hook
from services.patient_view import patient_view, run_rules
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from services.rules.context import build_context
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b
from tests.services.helpers import screen_by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
PATIENT = "p-running-cautions"
TOPIC = "running-drug-caution"
DIAGNOSIS = "diagnosis-review"
OPTIMISE = "optimize-switch-augment"
Resource = dict[str, Any]

BUPROPION_XL_300 = ("993557", "24 HR bupropion hydrochloride 300 MG Extended Release Oral Tablet")
AUVELITY = (
    "2611260",
    "bupropion hydrochloride 105 MG / dextromethorphan hydrobromide 45 MG Extended Release Oral "
    "Tablet",
)
DULOXETINE_60 = ("596934", "duloxetine 60 MG Delayed Release Oral Capsule")
PAROXETINE_20 = ("1738495", "paroxetine hydrochloride 20 MG Oral Tablet")


def _chart(*extra: Resource, phq9_now: int = 21, female: bool = False) -> PatientRecord:
    """F33.2 since 2024-06-03; sertraline 150 mg/day failed (2024-06-03 to 2024-10-01); PHQ-9 22
    and 21 then `phq9_now` on 2025-05-20; the running drug and the finding come in `extra`."""
    resources = [
        b.patient(
            id=PATIENT,
            given="Ana" if female else "Tom",
            family="Reyes",
            gender="female" if female else "male",
            birth_date=date(1990, 8, 14),
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
        *b.phq9(date(2024, 6, 3), 22, patient=PATIENT),
        *b.phq9(date(2024, 10, 1), 21, patient=PATIENT),
        *b.phq9(date(2025, 5, 20), phq9_now, patient=PATIENT),
        *extra,
    ]
    assert_valid(resources)
    return build_record(resources, as_of=AS_OF, patient_id=PATIENT)


def _running(
    drug: tuple[str, str],
    start: date = date(2024, 10, 1),
    *,
    status: str = "active",
    rid: str = "mr-run",
) -> Resource:
    """A community order, one a day, 30 days with 11 refills: running on AS_OF when active."""
    return b.medication_request(
        *drug,
        start,
        dose_value=1,
        frequency=1,
        status=status,
        expected_supply_days=30,
        repeats=11,
        patient=PATIENT,
        id=rid,
    )


def _problem(
    code: str,
    display: str,
    onset: date,
    *,
    system: str = b.ICD10CM,
    status: str = "active",
    rid: str = "finding",
) -> Resource:
    return b.condition(
        system,
        code,
        display,
        onset,
        clinical_status=status,
        category="problem-list-item",
        patient=PATIENT,
        abatement=date(2016, 5, 1) if status == "resolved" else None,
        id=rid,
    )


def _epilepsy() -> Resource:
    return _problem(
        "G40.909",
        "Epilepsy, unspecified, not intractable, without status epilepticus",
        date(2025, 3, 4),
        rid="epilepsy",
    )


_cards = screen_by_topic


def _all_text(cards: dict[str, Recommendation]) -> str:
    return "\n".join(f"{c.summary}\n{c.detail}" for c in cards.values())


# --- one pair ----------------------------------------------------------------------------------


def test_running_bupropion_with_epilepsy_coded_since_gets_one_warning() -> None:
    cards = _cards(_chart(_running(BUPROPION_XL_300), _epilepsy()))
    card = cards[TOPIC]
    assert card.indicator is Indicator.WARNING
    # The ICD-10-CM text is long: dates and dose give way to the row's note (all in the detail).
    assert card.summary == (
        "Bupropion with Epilepsy, unspecified, not intractable, without status epilepticus on "
        "record: contraindicated in seizure disorders"
    )
    assert len(card.summary) <= 140
    assert card.suggestions == ()
    assert (
        "- **Bupropion with Epilepsy, unspecified, not intractable, without status epilepticus:** "
        "Bupropion 300 mg/day, running since 2024-10-01; Epilepsy, "
        "unspecified, not intractable, without status epilepticus "
        "(ICD-10-CM G40.909, since 2025-03-04). "
        "Contraindicated in seizure disorders: review whether it should continue. Source: bupropion "
        "labels, Contraindications; CPS 2023 Table 6."
    ) in card.detail
    # A snoozable topic of its own (data/topics.csv), with its data domains (topic_data.csv).
    assert card.snoozable
    assert "running-drug-caution" in tables.topics()


@pytest.mark.parametrize(
    "status",
    ["completed", "stopped"],
)
def test_a_course_that_ended_is_not_running(status: str) -> None:
    ended = b.medication_request(
        *BUPROPION_XL_300,
        date(2024, 10, 1),
        dose_value=1,
        status=status,
        expected_supply_days=30,
        repeats=2,
        bounds_end=date(2025, 1, 6),
        patient=PATIENT,
        id="mr-run",
    )
    cards = _cards(_chart(ended, _epilepsy()))
    assert TOPIC not in cards
    # The same chart with the course running does raise it: the check above can fail.
    assert TOPIC in _cards(_chart(_running(BUPROPION_XL_300), _epilepsy()))


def test_no_card_without_a_finding_on_record() -> None:
    assert TOPIC not in _cards(_chart(_running(BUPROPION_XL_300)))
    assert TOPIC in _cards(_chart(_running(BUPROPION_XL_300), _epilepsy()))


def test_auvelity_with_a_resolved_bulimia_is_named_with_its_unverified_row() -> None:
    # A current or prior eating disorder (the label's words): a resolved one counts.
    bulimia = _problem(
        "F50.2", "Bulimia nervosa", date(2012, 4, 2), status="resolved", rid="bulimia"
    )
    card = _cards(_chart(_running(AUVELITY), bulimia))[TOPIC]
    # Said as history with the date it resolved, never "since" its onset (s26 item 1: a
    # resolved finding read as current).
    assert card.summary == (
        "Dextromethorphan-bupropion 105 mg/day with Bulimia nervosa on record (resolved "
        "2016-05-01): review whether it should continue"
    )
    assert "Contains bupropion: contraindicated with a current or prior diagnosis" in card.detail
    assert "(ICD-10-CM F50.2, 2012-04-02, resolved 2016-05-01)" in (card.detail)
    # The row is UNVERIFIED in drug_cautions.csv: the card says so.
    assert "Source: Auvelity label, Contraindications (UNVERIFIED)." in card.detail


def test_bupropion_during_alcohol_withdrawal() -> None:
    withdrawal = _problem(
        "F10.230", "Alcohol dependence with withdrawal, uncomplicated", date(2025, 5, 28)
    )
    card = _cards(_chart(_running(BUPROPION_XL_300), withdrawal))[TOPIC]
    assert card.summary == (
        "Bupropion 300 mg/day with Alcohol dependence with withdrawal, uncomplicated on record: "
        "review whether it should continue"
    )
    assert (
        "(ICD-10-CM F10.230, since 2025-05-28). "
        "Contraindicated during abrupt discontinuation of alcohol, benzodiazepines, barbiturates "
        "or antiepileptic drugs (seizure risk): review whether it should continue."
    ) in card.detail


def test_duloxetine_with_cirrhosis_says_avoid_not_contraindicated() -> None:
    cirrhosis = _problem("K74.60", "Unspecified cirrhosis of liver", date(2023, 2, 1))
    card = _cards(_chart(_running(DULOXETINE_60), cirrhosis))[TOPIC]
    assert card.summary == (
        "Duloxetine 60 mg/day with Unspecified cirrhosis of liver on record: avoid in chronic "
        "liver disease or cirrhosis (hepatotoxicity)"
    )
    assert "contraindicated" not in card.summary + card.detail
    assert "Source: Cymbalta label 2 and 5.2." in card.detail  # its cite (H14)


def test_paroxetine_in_pregnancy_is_said_once_with_what_to_do_now() -> None:
    pregnant = _problem("Z33.1", "Pregnant state, incidental", date(2025, 5, 12), rid="preg")
    cards = _cards(_chart(_running(PAROXETINE_20), pregnant, female=True))
    card = cards[TOPIC]
    assert card.summary == (
        "Paroxetine 20 mg/day since 2024-10-01 with Pregnant state, incidental on record since "
        "2025-05-12: review whether it should continue"
    )
    # Both tables hold the row (drug_cautions.csv and condition_drug_rules.csv): one line.
    assert card.detail.count("- **Paroxetine with") == 1
    # For a course already running, the label's advice (not "avoid starting it"): weigh, then
    # stop it tapered or switch.
    assert (
        "First-trimester exposure is linked to cardiac malformations: avoid starting it in "
        "pregnancy. With a course already running, the label advises telling her of the risk to "
        "the fetus and, unless the benefit to her justifies continuing, stopping it (tapered, not "
        "abruptly) or switching antidepressant. Source: Paxil label (pregnancy); FDA 2005 advisory."
    ) in card.detail


# --- several pairs: one card --------------------------------------------------------------------


def test_several_pairs_make_one_card_listing_them_all() -> None:
    record = _chart(
        _running(BUPROPION_XL_300, rid="mr-bup"),
        _running(DULOXETINE_60, date(2025, 1, 6), rid="mr-dul"),
        _epilepsy(),
        _problem("F50.2", "Bulimia nervosa", date(2025, 4, 1), rid="bulimia"),
        _problem("K74.60", "Unspecified cirrhosis of liver", date(2023, 2, 1), rid="cirrhosis"),
    )
    screen = patient_view(record, Policy())
    found = [r for r in screen if r.topic == TOPIC]
    assert len(found) == 1
    # The first warning of the screen: before the plan (the optimise card) that rests on the
    # drugs it names.
    topics = [r.topic for r in screen]
    assert topics.index(TOPIC) < topics.index(OPTIMISE)
    (card,) = found
    assert card.suggestions == ()
    assert len(card.summary) <= 140
    # Every drug named; their findings do not fit beside them here (the ICD-10-CM texts).
    assert card.summary == (
        "Conditions on record weigh against running bupropion and duloxetine (3 pairs): review each"
    )
    lines = [line for line in card.detail.splitlines() if line.startswith("- **")]
    assert [line.split(":**")[0] for line in lines] == [
        "- **Bupropion with Epilepsy, unspecified, not intractable, without status epilepticus",
        "- **Bupropion with Bulimia nervosa",
        "- **Duloxetine with Unspecified cirrhosis of liver",
    ]
    assert "Duloxetine 60 mg/day, running since 2025-01-06" in (card.detail)


def test_several_pairs_name_each_drug_with_its_findings_when_they_fit() -> None:
    # SNOMED CT only, as Synthea writes a problem list: short displays.
    record = _chart(
        _running(BUPROPION_XL_300, rid="mr-bup"),
        _running(DULOXETINE_60, date(2025, 1, 6), rid="mr-dul"),
        _problem("78004001", "Bulimia nervosa", date(2025, 4, 1), system=b.SNOMED, rid="bul"),
        _problem("19943007", "Cirrhosis of liver", date(2023, 2, 1), system=b.SNOMED, rid="cir"),
    )
    card = _cards(record)[TOPIC]
    assert card.summary == (
        "Conditions on record weigh against running bupropion 300 mg/day (Bulimia nervosa) and "
        "duloxetine 60 mg/day (Cirrhosis of liver)"
    )


# --- whatever the pathway stage ----------------------------------------------------------------


def test_the_card_speaks_in_remission_when_no_pathway_card_does() -> None:
    cards = _cards(_chart(_running(BUPROPION_XL_300), _epilepsy(), phq9_now=3))
    assert TOPIC in cards
    assert OPTIMISE not in cards and DIAGNOSIS not in cards


def test_a_snoozed_card_is_left_off_the_screen() -> None:
    record = _chart(_running(BUPROPION_XL_300), _epilepsy())
    ctx = build_context(record, Policy(), hook="patient-view")
    assert TOPIC in {r.topic for r in run_rules(ctx)}
    assert TOPIC not in {r.topic for r in run_rules(ctx, frozenset({TOPIC}))}


# --- said once a screen --------------------------------------------------------------------------

ALCOHOL_LINE = "ordinarily not prescribed with substantial alcohol use (hepatotoxicity)"


def _alcohol_dependence() -> Resource:
    return _problem("F10.20", "Alcohol dependence, uncomplicated", date(2024, 11, 1), rid="aud")


def test_duloxetine_beside_alcohol_use_is_a_running_drug_warning_said_once() -> None:
    """Review 10 R10: the Cymbalta label (5.2) puts substantial alcohol use and chronic liver
    disease in one sentence, so duloxetine beside an alcohol use disorder gets the warning
    duloxetine beside cirrhosis gets, on this card; the diagnosis review keeps the substance use
    (address it before escalating) without naming the drug a second time."""
    cards = _cards(_chart(_running(DULOXETINE_60), _alcohol_dependence()))
    card = cards[TOPIC]
    assert card.indicator is Indicator.WARNING
    # One alcohol card (review s24 RN finding 7): the disorder once, the drug to review and the
    # substance use to address alongside escalation as its two lines.
    assert card.summary == (
        "Alcohol dependence, uncomplicated (F10.20): review whether duloxetine continues "
        "(hepatotoxicity); address drinking alongside escalation"
    )
    assert "- **Alongside escalation:** Substance use disorders" in card.detail
    review = cards.get(DIAGNOSIS)
    assert review is None or "lcohol" not in review.summary + review.detail
    assert _all_text(cards).lower().count(f"{ALCOHOL_LINE} (cymbalta label 5.2): review") == 1
    # With cirrhosis as well, this card carries both pairs.
    cirrhosis = _problem("K74.60", "Unspecified cirrhosis of liver", date(2023, 2, 1), rid="cir")
    both = _cards(_chart(_running(DULOXETINE_60), _alcohol_dependence(), cirrhosis))
    assert [line.split(":**")[0] for line in both[TOPIC].detail.splitlines() if "- **" in line] == [
        "- **Duloxetine with Unspecified cirrhosis of liver",
        "- **Duloxetine with Alcohol dependence, uncomplicated",
    ]
    assert _all_text(both).lower().count(f"{ALCOHOL_LINE} (cymbalta label 5.2): review") == 1


def test_duloxetine_beside_alcohol_use_in_remission_is_said_here() -> None:
    cards = _cards(_chart(_running(DULOXETINE_60), _alcohol_dependence(), phq9_now=3))
    assert DIAGNOSIS not in cards  # no pathway card in remission
    card = cards[TOPIC]
    assert card.summary == (
        "Duloxetine with Alcohol dependence, uncomplicated on record: ordinarily not prescribed "
        "with substantial alcohol use (hepatotoxicity)"
    )
    assert f"{ALCOHOL_LINE[0].upper()}{ALCOHOL_LINE[1:]} (Cymbalta label 5.2): review" in (
        card.detail
    )


def test_duloxetine_beside_a_high_audit_c_in_remission_names_the_screen() -> None:
    # As Synthea's substance-use screening writes it (category survey, valueQuantity {score}).
    audit_c: Resource = {
        "resourceType": "Observation",
        "id": "auditc",
        "meta": {"profile": [f"{b._US_CORE}us-core-observation-survey"]},
        "status": "final",
        "category": [
            {
                "coding": [
                    b.coding(
                        "http://terminology.hl7.org/CodeSystem/observation-category",
                        "survey",
                        "Survey",
                    )
                ]
            }
        ],
        "code": b.concept(b.LOINC, "75626-2", "Total score [AUDIT-C]"),
        "subject": b.reference("Patient", PATIENT),
        "effectiveDateTime": b.fhir_datetime(date(2025, 5, 19)),
        "valueQuantity": b.quantity(10, "{score}"),
    }
    card = _cards(_chart(_running(DULOXETINE_60), audit_c, phq9_now=3))[TOPIC]
    # A screen, not a diagnosis on record: named as the score and its date.
    assert card.summary == (
        "Duloxetine 60 mg/day with AUDIT-C 10 on 2025-05-19: ordinarily not prescribed with "
        "substantial alcohol use (hepatotoxicity)"
    )
    assert (
        "AUDIT-C 10 on 2025-05-19: a screen at or above the clinic's cut-off (8), read as "
        "substantial use; no use disorder coded"
    ) in card.detail


PSYCHOTIC = "may precipitate or worsen psychotic symptoms"


def _psychotic_features() -> Resource:
    return _problem(
        "F33.3",
        "Major depressive disorder, recurrent, severe with psychotic symptoms",
        date(2025, 4, 7),
        rid="psychotic",
    )


def test_bupropion_with_psychotic_features_is_left_to_the_optimise_card() -> None:
    cards = _cards(_chart(_running(BUPROPION_XL_300), _psychotic_features()))
    assert "**Current antidepressant:** bupropion" in cards[OPTIMISE].detail
    assert TOPIC not in cards
    # In remission the optimise card is not raised: the pair is said here.
    remitted = _cards(_chart(_running(BUPROPION_XL_300), _psychotic_features(), phq9_now=3))
    assert OPTIMISE not in remitted
    assert remitted[TOPIC].summary == (
        "Bupropion 300 mg/day with Major depressive disorder, recurrent, severe with psychotic "
        "symptoms on record: review whether it should continue"
    )
    assert f"Dopaminergic, {PSYCHOTIC} (Gen Hosp Psychiatry 2011 review): review" in (
        remitted[TOPIC].detail
    )


# --- the tables -------------------------------------------------------------------------------


def test_every_drug_cautions_row_is_read_for_running_courses() -> None:
    rows = drug_rules.running_cautions()
    assert {(r.ingredient, r.finding.value) for r in rows} == {
        (c.ingredient, c.finding) for c in tables.drug_cautions()
    }
    for row in rows:
        assert row.source and row.status in {"confirmed", "corroborated", "UNVERIFIED"}, row


def test_the_order_card_topic_no_longer_calls_a_label_warning_a_contraindication() -> None:
    """Duloxetine with alcohol use is a warning of the Cymbalta label (5.2), not one of its
    contraindications: the topic's display, shown with the card, must not say otherwise."""
    draft = b.medication_request(
        *DULOXETINE_60,
        AS_OF,
        dose_value=1,
        status="draft",
        expected_supply_days=30,
        patient=PATIENT,
        id="draft-dul",
    )
    resources = [
        b.patient(
            id=PATIENT, given="Tom", family="Reyes", gender="male", birth_date=date(1980, 1, 2)
        ),
        _alcohol_dependence(),
    ]
    record = build_record(resources, as_of=AS_OF, patient_id=PATIENT, draft_orders=(draft,))
    card = {r.topic: r for r in order_hook(record, Policy(), hook="order-select")}[
        "order-drug-contraindicated"
    ]
    display = card.source.topic_display or ""
    assert (
        display
        == "Drug a condition on record rules against (label contraindication or a do-not-use rule)"
    )
    assert "contraindicated" not in display.lower()


def test_an_onset_written_to_the_year_is_said_so() -> None:
    # Read of the diff: a year-only onset was printed as its first day ("since 2019-01-01").
    epilepsy = _epilepsy()
    epilepsy["onsetDateTime"] = "2019"
    card = _cards(_chart(_running(BUPROPION_XL_300), epilepsy))[TOPIC]
    assert "G40.909, since 2019 (year only))" in card.detail
    assert "Condition/epilepsy" not in card.detail
    assert "2019-01-01" not in card.detail


def test_bupropion_during_alcohol_withdrawal_coded_in_snomed() -> None:
    # SNOMED CT 191480000 (the syndrome; 8635005 is its delirium) had only its substance-use
    # row, so a chart coding withdrawal this way got no caution (session 25 FV).
    withdrawal = _problem(
        "191480000",
        "Alcohol withdrawal syndrome (disorder)",
        date(2025, 5, 28),
        system="http://snomed.info/sct",
    )
    card = _cards(_chart(_running(BUPROPION_XL_300), withdrawal))[TOPIC]
    assert card.summary == (
        "Bupropion 300 mg/day with Alcohol withdrawal syndrome (disorder) on record: "
        "review whether it should continue"
    )
    assert "(SNOMED CT 191480000, since 2025-05-28)" in card.detail
