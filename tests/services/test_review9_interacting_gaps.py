"""Review 9 findings 4, 7 and 11: what the cards say about drugs the service reads
for their interactions, and about a running drug a diagnosis rules out.

- Finding 4: an active MedicationStatement of thioridazine last asserted in 2016 read "running
  since 2012-04-01" on the interaction cards. A course only an old statement keeps running
  (Trial.unconfirmed_since, MappingPolicy.statement_confirmed_days) is now named as listed, last
  confirmed on its date, "confirm it is still taken"; the card keeps the table's severity.
- Finding 11: an undated OTC ibuprofen statement, read only because lithium is on the chart, was
  "an antidepressant or adjunct with no usable date" on four cards and turned the TMS card into
  "Criteria met on the data that could be read". Its gap now says what the drug is to the service
  and sits in DataDomain.PARTNER_DRUGS, which only the interaction cards carry (and the
  data-quality card when no other card does).
- Finding 7: duloxetine running with an active alcohol use disorder got no word; the
  diagnosis-review card's substance-use bullet now names it with the condition_drug_rules row's
  note and citation (Cymbalta label 5.2).

Charts are US Core / Synthea shaped (tests/fixtures/builders.py, scenarios.py), every resource
validated against fhir.resources R4B, and mapped by build_record with the real drug table.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.gaps import UNDATED_INTERACTING_DRUG, UNDATED_PARTNER_DRUG
from fhir_mapping.record import DataDomain, DataGap, PatientRecord, SourceRef
from services import data_gaps
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b
from tests.fixtures import scenarios as S

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
PATIENT = "p-review9-c"
Resource = dict[str, Any]
ORDER = "order-drug-interaction"
CHART = "drug-interaction"
TMS = "tms-referral"
DIAGNOSIS = "diagnosis-review"
RUNNING = "running-drug-caution"
OPTIMISE = "optimize-switch-augment"
QUALITY = "data-quality"


def _record(resources: list[Resource], *, drafts: tuple[Resource, ...] = ()) -> PatientRecord:
    assert_valid([*resources, *drafts])
    return build_record(resources, as_of=AS_OF, patient_id=PATIENT, draft_orders=drafts)


def _on_chart(record: PatientRecord) -> dict[str, Recommendation]:
    """The patient-view screen with its "Data not read" sections, as services/evaluation.py
    composes it."""
    return {r.topic: r for r in data_gaps.annotate(patient_view(record, Policy()), record)}


def _at_order(record: PatientRecord) -> dict[str, Recommendation]:
    recs = order_hook(record, Policy(), hook="order-select")
    return {r.topic: r for r in data_gaps.annotate(recs, record)}


def _depressed(*extra: Resource) -> list[Resource]:
    """F33.2 since 2024-05-20; sertraline 100 mg failed (17 weeks, 2024); PHQ-9 23 -> 21 -> 21."""
    return [
        b.patient(
            id=PATIENT, given="Ruth", family="Okafor", gender="female", birth_date=date(1972, 4, 9)
        ),
        b.condition(
            b.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 5, 20),
            category="problem-list-item",
            patient=PATIENT,
            id="mdd",
        ),
        b.medication_statement(
            "312938",
            "sertraline 100 MG Oral Tablet",
            date(2024, 6, 3),
            date(2024, 9, 30),
            status="completed",
            patient=PATIENT,
            id="ms-sert",
        ),
        *b.phq9(date(2024, 6, 1), 23, patient=PATIENT),
        *b.phq9(date(2024, 9, 20), 21, patient=PATIENT),
        *b.phq9(date(2025, 5, 19), 21, patient=PATIENT),
        *extra,
    ]


# --- finding 4: a course an old statement alone keeps running ---------------------------------


def _thioridazine(asserted: date) -> Resource:
    """Thioridazine 50 mg a day on a patient-reported statement, active, started 2012-04-01,
    asserted on `asserted`, never refreshed by an order or a dispense (an Epic home-med entry)."""
    return b.medication_statement(
        None,
        "thioridazine hydrochloride 50 MG Oral Tablet",
        date(2012, 4, 1),
        dose_value=1,
        date_asserted=asserted,
        patient=PATIENT,
        id="ms-thio",
    )


def _fluoxetine_draft() -> Resource:
    return b.medication_request(
        "310385",
        "fluoxetine 20 MG Oral Capsule",
        AS_OF,
        status="draft",
        expected_supply_days=30,
        patient=PATIENT,
        id="draft-flx",
    )


def test_an_old_thioridazine_statement_is_listed_not_running_and_stays_critical() -> None:
    record = _record(_depressed(_thioridazine(date(2016, 3, 1))), drafts=(_fluoxetine_draft(),))
    card = _at_order(record)[ORDER]
    # Before: "Fluoxetine ordered with thioridazine running: ..." and "thioridazine 50 mg/day,
    # running since 2012-04-01".
    assert card.summary == (
        "Fluoxetine ordered with thioridazine listed: contraindicated "
        "(thioridazine levels, QT prolongation); do not combine"
    )
    assert (
        "thioridazine 50 mg/day, listed as active since 2012-04-01, last confirmed 2016-03-01: "
        "confirm it is still taken"
    ) in card.detail
    assert "running since 2012" not in card.detail
    # The statement is the only evidence either way: the interaction may be real, so the card
    # keeps the table's severity (interaction_table.Pair.severity says why).
    assert card.indicator is Indicator.CRITICAL


def test_an_old_thioridazine_statement_beside_running_paroxetine_on_the_chart() -> None:
    paroxetine = b.medication_request(
        "1738495",
        "paroxetine 20 MG Oral Tablet",
        date(2024, 9, 30),
        expected_supply_days=30,
        repeats=11,
        patient=PATIENT,
        id="mr-par",
    )
    record = _record(_depressed(_thioridazine(date(2016, 3, 1)), paroxetine))
    card = _on_chart(record)[CHART]
    assert card.indicator is Indicator.CRITICAL
    assert card.summary.startswith("Thioridazine listed and paroxetine running: contraindicated")
    assert "paroxetine 20 mg/day, running since 2024-09-30" in (card.detail)
    assert "last confirmed 2016-03-01" in card.detail


def test_a_recently_confirmed_thioridazine_statement_still_reads_running() -> None:
    # Asserted by the patient at the last PHQ-9 visit, 14 days before the order: within one usual
    # fill of its dateAsserted (fhir_mapping/reported_window.py), so the record does show it taken.
    # (This chart was asserted 2025-03-03 while a patient's statement counted 365 days; the lead's
    # ruling, session 39, counts it one usual fill: see the next test for that date.)
    record = _record(_depressed(_thioridazine(date(2025, 5, 19))), drafts=(_fluoxetine_draft(),))
    card = _at_order(record)[ORDER]
    assert card.summary.startswith("Fluoxetine ordered with thioridazine running: ")
    assert "thioridazine 50 mg/day, running since 2012-04-01." in (card.detail)
    assert "listed" not in card.detail


def test_a_thioridazine_statement_asserted_three_months_ago_is_listed_and_stays_critical() -> None:
    # A real dateAsserted (2025-03-03), read as the last confirmation; beyond one usual fill after
    # it the weeks are not on record (reported_window.py, the lead's ruling, session 39), so the
    # drug is listed "to confirm", yet still seen by the safety check as possibly running: the
    # contraindicated pair keeps its critical card (interaction_table.Pair.severity).
    record = _record(_depressed(_thioridazine(date(2025, 3, 3))), drafts=(_fluoxetine_draft(),))
    card = _at_order(record)[ORDER]
    assert card.summary == (
        "Fluoxetine ordered with thioridazine listed: contraindicated "
        "(thioridazine levels, QT prolongation); do not combine"
    )
    assert (
        "thioridazine 50 mg/day, listed as active since 2012-04-01, last confirmed 2025-03-03: "
        "confirm it is still taken"
    ) in card.detail
    assert card.indicator is Indicator.CRITICAL


# --- finding 11: an undated drug read only for its interaction with lithium ------------------------


def _lithium(pid: str, start: date = date(2025, 1, 6)) -> Resource:
    return b.medication_request(
        None,
        "lithium carbonate 300 MG Oral Capsule",
        start,
        frequency=3,
        expected_supply_days=30,
        repeats=11,
        patient=pid,
        id="mr-li",
    )


def _undated_ibuprofen(pid: str, status: str = "active") -> Resource:
    """ "ibuprofen 200 mg OTC" typed into a patient-reported statement with no date at all (FHIR R4
    allows it: effective[x] 0..1, dateAsserted 0..1)."""
    statement = b.medication_statement(
        None, "ibuprofen 200 MG Oral Tablet", AS_OF, status=status, patient=pid, id="ms-ibu-otc"
    )
    for name in ("effectivePeriod", "effectiveDateTime", "dateAsserted"):
        statement.pop(name, None)
    return statement


def _tms_chart_with_lithium_and_ibuprofen() -> PatientRecord:
    """The TRD chart of scenarios.trd_meets_tms (sertraline and venlafaxine failed,
    psychotherapy done) with a severe PHQ-9 last week (the default payer rule set, LCD L37086,
    asks for one), plus lithium since March and an undated OTC ibuprofen statement."""
    scenario = S.trd_meets_tms()
    pid = scenario.patient_id
    resources = [
        *scenario.resources,
        *b.phq9(date(2025, 5, 26), 21, patient=pid),
        _lithium(pid, date(2025, 3, 24)),
        _undated_ibuprofen(pid),
    ]
    assert_valid(resources)
    return build_record(resources, as_of=scenario.as_of, patient_id=pid)


def test_an_undated_ibuprofen_gap_says_what_the_drug_is_and_rides_the_interaction_card_only() -> (
    None
):
    record = _tms_chart_with_lithium_and_ibuprofen()
    (gap,) = record.gaps
    assert (gap.domain, gap.reason, gap.taken_now) == (
        DataDomain.PARTNER_DRUGS,
        UNDATED_PARTNER_DRUG,
        ("ibuprofen",),
    )
    cards = _on_chart(record)
    line = (
        "- 1 medication record could not be read (a drug read only for its interaction with "
        "another, with no usable date): MedicationStatement/ms-ibu-otc (ibuprofen, taken now; "
        "read for its interaction with lithium or vilazodone or vortioxetine or an SNRI or an "
        "SSRI)"
    )
    assert line in cards[CHART].detail
    assert "**Lithium with ibuprofen** (warning)" in cards[CHART].detail
    # Before: the same block on the optimise, diagnosis-review and TMS cards, and the TMS card
    # read "Criteria met on the data that could be read".
    for topic, card in cards.items():
        if topic != CHART:
            assert "ms-ibu-otc" not in card.detail, topic
    assert "**Criteria met** (" in cards[TMS].detail
    assert "on the data that could be read" not in cards[TMS].detail
    assert "antidepressant or adjunct" not in "\n".join(c.detail for c in cards.values())
    assert QUALITY not in cards


def test_a_stopped_undated_ibuprofen_no_card_carries_raises_the_data_quality_card() -> None:
    # Completed, so not taken now: no interaction card. Its gap could still hide one (when did
    # it stop?), so the data-quality card names it rather than the pathway cards.
    record = _record(_depressed(_lithium(PATIENT), _undated_ibuprofen(PATIENT, "completed")))
    (gap,) = record.gaps
    assert gap.domain is DataDomain.PARTNER_DRUGS and gap.taken_now == ()
    cards = _on_chart(record)
    assert CHART not in cards
    assert cards[QUALITY].summary.startswith("1 medication record could not be read")
    assert "MedicationStatement/ms-ibu-otc" in cards[QUALITY].detail
    assert all("ms-ibu-otc" not in c.detail for t, c in cards.items() if t != QUALITY)


def test_without_lithium_an_undated_lisinopril_is_not_read_at_all() -> None:
    # Was ibuprofen beside sertraline: since review 12 finding 6 an NSAID is read beside an
    # SSRI/SNRI (the bleeding rows), so the drug still read only with lithium is an ACE inhibitor.
    sertraline = b.medication_request(
        "312938", "sertraline 100 MG Oral Tablet", date(2025, 2, 3), patient=PATIENT, id="mr-s"
    )
    lisinopril = b.medication_statement(
        None, "lisinopril 10 MG Oral Tablet", AS_OF, patient=PATIENT, id="ms-lis-otc"
    )
    for name in ("effectivePeriod", "effectiveDateTime", "dateAsserted"):
        lisinopril.pop(name, None)
    assert _record(_depressed(sertraline, lisinopril)).gaps == ()


def test_beside_an_ssri_an_undated_ibuprofen_is_named_for_the_bleeding_row() -> None:
    """Review 12 finding 6: beside sertraline an NSAID is read (bleeding risk), so an undated one
    is a gap that says why it was read."""
    sertraline = b.medication_request(
        "312938", "sertraline 100 MG Oral Tablet", date(2025, 2, 3), patient=PATIENT, id="mr-s"
    )
    (gap,) = _record(_depressed(sertraline, _undated_ibuprofen(PATIENT))).gaps
    assert (gap.domain, gap.taken_now) == (DataDomain.PARTNER_DRUGS, ("ibuprofen",))


def test_an_undated_tramadol_is_named_as_an_interacting_drug_and_stays_a_medication_gap() -> None:
    # Tramadol is read on every chart (the MAOI check needs it), so its gap stays in the
    # medications domain, worded for what it is.
    tramadol = b.medication_statement(
        None, "tramadol hydrochloride 50 MG Oral Tablet", AS_OF, patient=PATIENT, id="ms-tram"
    )
    for name in ("effectivePeriod", "dateAsserted"):
        tramadol.pop(name)
    (gap,) = _record(_depressed(tramadol)).gaps
    assert (gap.domain, gap.reason, gap.taken_now) == (
        DataDomain.MEDICATIONS,
        UNDATED_INTERACTING_DRUG,
        ("tramadol",),
    )


def test_the_data_quality_card_counts_partner_and_pathway_records_as_medication_records() -> None:
    record = _record(_depressed())
    gaps = (
        DataGap(DataDomain.MEDICATIONS, "r", SourceRef("MedicationStatement", "a")),
        DataGap(DataDomain.PARTNER_DRUGS, "s", SourceRef("MedicationStatement", "b")),
    )
    (card,) = data_gaps.annotate((), dataclasses.replace(record, gaps=gaps))
    assert (
        card.summary == "2 medication records could not be read: this chart was judged without them"
    )


# --- finding 7: duloxetine running with an active alcohol use disorder -----------------------------


def _alcohol(code: str, display: str) -> Resource:
    return b.condition(
        b.ICD10CM,
        code,
        display,
        date(2024, 11, 1),
        category="problem-list-item",
        patient=PATIENT,
        id="aud",
    )


def _duloxetine(status: str = "active", stopped: date | None = None) -> Resource:
    return b.medication_request(
        "596934",
        "duloxetine 60 MG Delayed Release Oral Capsule",
        date(2024, 9, 30),
        status=status,
        bounds_end=stopped,
        expected_supply_days=30,
        repeats=11,
        patient=PATIENT,
        id="mr-dul",
    )


def test_running_duloxetine_with_alcohol_dependence_is_named_on_the_running_drug_card() -> None:
    record = _record(
        _depressed(_duloxetine(), _alcohol("F10.20", "Alcohol dependence, uncomplicated"))
    )
    cards = _on_chart(record)
    # Before: the bullet named the diagnosis only; nothing said duloxetine and alcohol together.
    # Since review 10 R10 it is the running-drug warning, as duloxetine with cirrhosis is.
    card = cards[RUNNING]
    assert card.indicator is Indicator.WARNING
    # Since review s24 RN finding 7 the finding is said once, at the head, and the diagnosis
    # review's line ("alongside escalation") is the card's second line, not a card of its own.
    assert (
        "**Alcohol use on record:** Alcohol dependence, uncomplicated (ICD-10-CM F10.20, since "
        "2024-11-01).\n- **Duloxetine 60 mg/day, running since 2024-09-30:** Ordinarily not "
        "prescribed with substantial alcohol use (hepatotoxicity) (Cymbalta label 5.2): review "
        "whether it should continue.\n- **Alongside escalation:** Substance use disorders"
    ) in card.detail
    assert DIAGNOSIS not in cards


@pytest.mark.parametrize(
    ("extra", "duloxetine"),
    [
        ((_alcohol("F10.21", "Alcohol dependence, in remission"),), _duloxetine()),
        ((_alcohol("F11.20", "Opioid dependence, uncomplicated"),), _duloxetine()),
        (
            (_alcohol("F10.20", "Alcohol dependence, uncomplicated"),),
            _duloxetine("stopped", date(2025, 1, 6)),
        ),
    ],
    ids=["alcohol-in-remission", "opioids", "duloxetine-stopped"],
)
def test_no_duloxetine_line_without_active_alcohol_use_and_running_duloxetine(
    extra: tuple[Resource, ...], duloxetine: Resource
) -> None:
    cards = _on_chart(_record(_depressed(duloxetine, *extra)))
    text = "\n".join(c.summary + "\n" + c.detail for c in cards.values())
    assert "review whether it should continue" not in text
    assert "duloxetine running" not in text


def test_a_duloxetine_only_an_old_statement_lists_is_named_as_listed_beside_alcohol_use() -> None:
    listed = b.medication_statement(
        "596934",
        "duloxetine 60 MG Delayed Release Oral Capsule",
        date(2019, 5, 6),
        dose_value=1,
        patient=PATIENT,
        id="ms-dul",
    )
    record = _record(_depressed(listed, _alcohol("F10.20", "Alcohol dependence, uncomplicated")))
    card = _on_chart(record)[RUNNING]
    assert (
        "- **Duloxetine 60 mg/day, listed as active since 2019-05-06, last confirmed 2019-05-06: "
        "confirm it is still taken:** Ordinarily not prescribed"
    ) in card.detail
