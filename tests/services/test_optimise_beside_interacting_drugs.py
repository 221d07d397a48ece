"""Review 9 findings 3 and 5: the optimise card beside drugs prescribed for something else.

Finding 3 (UNSAFE): the patient-view switch and adjunct lists offered every SSRI beside a running
pimozide, and duloxetine and bupropion beside a thioridazine, although the service's own
interaction table (services/data/drug_interactions.csv) marks those pairs critical and the order
hooks then forbid them. Now a critical pair leaves the drug out of the lists, said in one clause
("... not listed: contraindicated (QT prolongation, arrhythmia) with pimozide (running since ...;
Orap label 4)"), and a warning pair keeps the drug listed with the interaction named (lithium
beside lisinopril, duloxetine and bupropion beside tamoxifen, every serotonergic option beside
tramadol in one clause).

Finding 5 (WRONG): pimozide for Tourette's (role `interacting`: never a pathway drug) was called
the regimen's antipsychotic adjunct, "optimise or replace the one running". Adding an
antipsychotic on top is still two antipsychotics (said), but the card now says to discuss with its
prescriber and never suggests optimising or replacing it; the order-hook stacking card too.

Charts are US Core shaped (tests/fixtures/builders.py: RxNorm clinical drugs, ICD-10-CM
problem-list Conditions with SNOMED CT alongside, PHQ-9 panels), validated against FHIR R4B and
mapped by build_record with the real drug table.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord, Role
from services import interaction_table
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b
from tests.fixtures.renewals import renewed

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
PATIENT = "p-beside-interacting"
Resource = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
STACKING = "order-antipsychotic-stacking"

PIMOZIDE_2 = ("198117", "pimozide 2 MG Oral Tablet")
THIORIDAZINE_50 = ("199388", "thioridazine hydrochloride 50 MG Oral Tablet")
LISINOPRIL_10 = ("314076", "lisinopril 10 MG Oral Tablet")
TAMOXIFEN_20 = (None, "tamoxifen citrate 20 MG Oral Tablet")
TRAMADOL_50 = ("835603", "tramadol hydrochloride 50 MG Oral Tablet")
QUETIAPINE_150 = (None, "quetiapine 150 MG Oral Tablet")
ARIPIPRAZOLE_5 = ("349545", "aripiprazole 5 MG Oral Tablet")


# --- charts --------------------------------------------------------------------------------------


def _mdd() -> Resource:
    return b.condition(
        b.ICD10CM,
        "F33.2",
        "Major depressive disorder, recurrent severe without psychotic features",
        date(2024, 6, 3),
        category="problem-list-item",
        patient=PATIENT,
        extra_codings=[(b.SNOMED, "370143000", "Major depressive disorder (disorder)")],
        id="mdd",
    )


def _tourette() -> Resource:
    return b.condition(
        b.ICD10CM,
        "F95.2",
        "Tourette's disorder",
        date(2012, 5, 1),
        category="problem-list-item",
        patient=PATIENT,
        extra_codings=[(b.SNOMED, "5158005", "Gilles de la Tourette's syndrome (disorder)")],
        id="tourette",
    )


def _course(
    drug: tuple[str, str],
    mg: float,
    start: date,
    end: date | None = None,
    *,
    rid: str,
    asserted: date | None = None,
) -> Resource:
    """A medication history entry as EHRs send it: completed with its end, or active, asserted
    on `asserted` (its start when None)."""
    return b.medication_statement(
        drug[0],
        drug[1],
        start,
        end,
        status="completed" if end else "active",
        dose_value=mg,
        dose_unit="mg",
        patient=PATIENT,
        date_asserted=asserted,
        id=rid,
    )


def _taking(
    drug: tuple[str | None, str], start: date, *, per_day: int = 1, rid: str
) -> list[Resource]:
    """An outpatient order running since `start`, with refills (another prescriber's drug),
    and its yearly renewals up to AS_OF (tests/fixtures/renewals.py, orders33)."""
    order = b.medication_request(
        drug[0],
        drug[1],
        start,
        dose_value=1,
        frequency=per_day,
        status="active",
        expected_supply_days=30,
        repeats=11,
        patient=PATIENT,
        id=rid,
    )
    return renewed(order, AS_OF)


def _failed(first: str) -> list[Resource]:
    """Two adequate trials failed: bupropion XL 300 mg then mirtazapine 30 mg (running) when
    `first` is "ndri", so the SSRIs are switch options; sertraline 150 mg then escitalopram 20 mg
    (running) when it is "ssri"; venlafaxine XR 150 then bupropion XL 300 (running) when "snri"."""
    courses = {
        "ndri": [
            (("993557", "24 HR bupropion hydrochloride 300 MG Extended Release Oral Tablet"), 300),
            (("314111", "mirtazapine 30 MG Oral Tablet"), 30),
        ],
        "ssri": [
            (("312938", "sertraline 100 MG Oral Tablet"), 150),
            (("351250", "escitalopram 20 MG Oral Tablet"), 20),
        ],
        "snri": [
            (("313581", "24 HR venlafaxine 150 MG Extended Release Oral Capsule"), 150),
            (("993557", "24 HR bupropion hydrochloride 300 MG Extended Release Oral Tablet"), 300),
        ],
    }[first]
    (one, one_mg), (two, two_mg) = courses
    return [
        _course(one, one_mg, date(2024, 6, 3), date(2024, 10, 1), rid="ad-1"),
        # The running course asserted by the patient at the last PHQ-9 visit: a patient's active
        # statement counts one usual fill past its dateAsserted (fhir_mapping/reported_window.py,
        # the lead's ruling, session 39). Asserted only at its start (2024-10-01) it would count
        # 4 weeks, not an adequate trial, and these charts (about the lists beside interacting
        # drugs, not about how long a statement counts) would have one failed trial, no card.
        _course(two, two_mg, date(2024, 10, 1), rid="ad-2", asserted=date(2025, 5, 20)),
        *b.phq9(date(2024, 6, 3), 22, patient=PATIENT),
        *b.phq9(date(2024, 10, 1), 21, patient=PATIENT),
        # Item 9 answered: a total only would hold the one-clicks (review 19 item 5).
        *b.phq9(date(2025, 5, 20), 21, 0, patient=PATIENT),
    ]


def _chart(
    *items: Resource | list[Resource],
    failed: str = "ndri",
    birth: date = date(1985, 2, 11),
    drafts: tuple[Resource, ...] = (),
) -> PatientRecord:
    extra = [r for item in items for r in (item if isinstance(item, list) else [item])]
    resources = [
        b.patient(id=PATIENT, given="Dana", family="Reyes", gender="female", birth_date=birth),
        _mdd(),
        *_failed(failed),
        *extra,
    ]
    assert_valid([*resources, *drafts])
    return build_record(resources, as_of=AS_OF, patient_id=PATIENT, draft_orders=drafts)


def _on_pimozide() -> list[Resource]:
    return [_tourette(), *_taking(PIMOZIDE_2, date(2019, 3, 4), rid="mr-pim")]


def _optimise(record: PatientRecord) -> Recommendation:
    return {r.topic: r for r in patient_view(record, Policy())}[OPTIMISE]


def _section(card: Recommendation, name: str) -> str:
    return card.detail.split(f"**{name}:**")[1].split("\n\n")[0]


def _options(switch: str) -> str:
    """The switch options only, not the notes that follow them."""
    return switch.split("Switch options")[1].split(". ")[0]


# --- finding 3: critical pairs leave the drug out ------------------------------------------------


def test_pimozide_running_leaves_every_ssri_off_the_switch_list_and_says_why() -> None:
    record = _chart(*_on_pimozide())
    assert [t.role for t in record.trials if t.ingredient == "pimozide"] == [Role.INTERACTING]
    switch = _section(_optimise(record), "Switch")
    # Before: "Switch options (...): SSRI: citalopram, escitalopram, fluoxetine, paroxetine,
    # sertraline; SNRI: ..." with nothing about pimozide.
    options = _options(switch)
    for ssri in ("citalopram", "escitalopram", "fluoxetine", "paroxetine", "sertraline"):
        assert ssri not in options
    assert "SNRI: venlafaxine" in options  # the other mechanisms stay on offer
    assert (
        "citalopram, escitalopram, fluoxetine, paroxetine and sertraline not listed: "
        "contraindicated (QT prolongation, arrhythmia) with pimozide (running since 2019-03-04; "
        "Orap label 4)."
    ) in switch


def test_thioridazine_leaves_duloxetine_and_bupropion_out_of_the_switch_and_adjunct_lists() -> None:
    # An active statement of thioridazine last asserted in 2016, as an Epic home-med list keeps
    # it: still weighed (the only evidence either way), named as listed, not as running.
    thioridazine = b.medication_statement(
        THIORIDAZINE_50[0],
        THIORIDAZINE_50[1],
        date(2012, 4, 1),
        dose_value=50,
        dose_unit="mg",
        patient=PATIENT,
        date_asserted=date(2016, 3, 1),
        id="ms-thio",
    )
    card = _optimise(_chart(thioridazine, failed="ssri"))
    switch, augment = _section(card, "Switch"), _section(card, "Augment")
    # Before: "SNRI: venlafaxine, desvenlafaxine, duloxetine, ...; NDRI: bupropion" and, as an
    # adjunct, "bupropion 150-450 mg/day".
    assert "duloxetine" not in _options(switch) and "bupropion" not in _options(switch)
    assert "venlafaxine" in _options(switch) and "mirtazapine" in _options(switch)
    state = "listed as active, last confirmed 2016-03-01: confirm it is still taken"
    assert (
        "duloxetine and bupropion not listed: contraindicated (thioridazine levels, QT "
        f"prolongation) with thioridazine ({state}; thioridazine label 4)."
    ) in switch
    assert "bupropion 150-450" not in augment
    assert (
        f"bupropion not listed: contraindicated (thioridazine levels, QT prolongation) with thioridazine ({state}"
        in augment
    )
    assert "lithium (serum" in augment  # the other adjuncts stay


def test_an_adolescent_on_pimozide_gets_no_under_18_choice_it_contraindicates() -> None:
    # Tourette's with pimozide is a child and adolescent chart: every agent of the under-18 list
    # (fluoxetine, sertraline, citalopram, escitalopram) is contraindicated beside it.
    record = _chart(*_on_pimozide(), birth=date(2008, 9, 1))
    card = _optimise(record)
    switch = _section(card, "Switch")
    assert "fluoxetine (first choice" not in switch
    assert "Every agent of the under-18 list has been tried or is ruled out" in switch
    assert "not listed: contraindicated (QT prolongation, arrhythmia) with pimozide" in switch
    assert "fluoxetine" not in card.summary


# --- finding 3: warning pairs stay listed, with the interaction named ----------------------------


def test_lithium_adjunct_is_listed_with_the_interaction_of_a_running_lisinopril() -> None:
    # Lithium tried in 2018 (an earlier episode): lisinopril is read because lithium is on the
    # chart (interaction_partners.csv read_only_with), and lithium is an option again.
    lithium_2018 = _course(
        ("197889", "lithium carbonate 300 MG Oral Capsule"),
        900,
        date(2018, 1, 8),
        date(2018, 11, 5),
        rid="ms-li",
    )
    lisinopril = _taking(LISINOPRIL_10, date(2023, 2, 6), rid="mr-lis")
    card = _optimise(_chart(lithium_2018, lisinopril, failed="ssri"))
    augment = _section(card, "Augment")
    assert "Second line: lithium (serum 0.5-0.8 mmol/L)" in augment  # still an option
    assert (
        "lithium listed with a caution: raises lithium levels (toxicity risk) with lisinopril "
        "(running since 2023-02-06; lithium labels 7): lithium level in 5-7 days."
    ) in augment


def test_tramadol_cautions_the_non_antipsychotic_adjuncts_it_meets() -> None:
    # Quetiapine runs (no antipsychotic adjunct): the second-line list is named in full.
    card = _optimise(
        _chart(
            _taking(QUETIAPINE_150, date(2024, 12, 2), rid="mr-que"),
            _taking(TRAMADOL_50, date(2024, 1, 8), rid="mr-tram"),
            failed="ssri",
        )
    )
    augment = _section(card, "Augment")
    # Mirtazapine's 30-60 (CANMAT) topped at the US label's 45 (review s19 item 4).
    assert "bupropion 150-450 mg/day" in augment
    assert "mirtazapine 30-45 mg/day (US label maximum)" in augment
    assert (
        "mirtazapine listed with a caution: serotonin syndrome and seizure risk with tramadol "
        "(running since 2024-01-08; tramadol labels 5 and 7): prefer another analgesic."
    ) in augment
    assert "bupropion listed with a caution: seizure risk with tramadol" in augment
    # On the switch list, every option but bupropion meets the serotonergic row: one clause.
    assert (
        "Every option but bupropion listed with a caution: serotonin syndrome and seizure risk "
        "with tramadol"
    ) in _section(card, "Switch")


def test_tamoxifen_names_the_cyp2d6_inhibitors_it_keeps_on_the_switch_list() -> None:
    card = _optimise(_chart(_taking(TAMOXIFEN_20, date(2023, 1, 9), rid="mr-tam"), failed="ssri"))
    switch = _section(card, "Switch")
    assert "duloxetine" in _options(switch) and "bupropion" in _options(switch)
    assert (
        "duloxetine and bupropion listed with a caution: may weaken tamoxifen (less endoxifen) "
        "with tamoxifen (running since 2023-01-09; Sideras 2010 J Clin Oncol): prefer "
        "venlafaxine, desvenlafaxine or mirtazapine."
    ) in switch


def test_tramadol_beside_every_serotonergic_option_is_one_clause_not_one_per_drug() -> None:
    # Venlafaxine and bupropion failed: the options are SSRIs, mirtazapine and the serotonin
    # modulators, every one a tramadol-serotonergic partner.
    card = _optimise(_chart(_taking(TRAMADOL_50, date(2024, 1, 8), rid="mr-tram"), failed="snri"))
    switch = _section(card, "Switch")
    assert "SSRI: citalopram" in _options(switch)
    assert (
        "Every option listed with a caution: serotonin syndrome and seizure risk with tramadol "
        "(running since 2024-01-08; tramadol labels 5 and 7): prefer another analgesic."
    ) in switch
    assert switch.count("serotonin syndrome and seizure risk") == 1


def test_no_interacting_drug_leaves_the_lists_as_they_were() -> None:
    card = _optimise(_chart())
    switch = _section(card, "Switch")
    assert "SSRI: citalopram, escitalopram, fluoxetine, paroxetine, sertraline" in switch
    assert "not listed" not in switch and "with a caution" not in card.detail


def test_interaction_rows_the_lists_use_have_a_short_citation() -> None:
    for row in interaction_table.table():
        if row.severity is not Indicator.INFO:
            assert row.cite, row.id


# --- finding 5: an antipsychotic prescribed for something else ------------------------------------


def test_pimozide_is_not_called_the_regimens_antipsychotic_to_optimise_or_replace() -> None:
    card = _optimise(_chart(*_on_pimozide()))
    augment = _section(card, "Augment")
    # Before: "An antipsychotic is already running (pimozide 2 mg/day): a second antipsychotic is
    # not proposed; optimise or replace the one running."
    assert "optimise or replace" not in card.detail
    assert (
        "Pimozide 2 mg/day (running since 2019-03-04; not part of the depression regimen) is an "
        "antipsychotic: adding aripiprazole or brexpiprazole would be two antipsychotics, so "
        "neither is proposed; discuss with its prescriber."
    ) in augment
    assert not any("aripiprazole" in s.label for s in card.suggestions)


def test_the_regimens_own_antipsychotic_may_still_be_optimised_or_replaced() -> None:
    quetiapine = _taking(QUETIAPINE_150, date(2024, 12, 2), rid="mr-que")
    card = _optimise(_chart(quetiapine, failed="ssri"))
    assert "optimise or replace the one running" in _section(card, "Augment")
    assert "not part of the depression regimen" not in card.detail


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_aripiprazole_ordered_beside_pimozide_is_stacking_for_its_prescriber(hook: str) -> None:
    draft = b.medication_request(
        ARIPIPRAZOLE_5[0],
        ARIPIPRAZOLE_5[1],
        AS_OF,
        dose_value=1,
        frequency=1,
        status="draft",
        expected_supply_days=30,
        patient=PATIENT,
        id="draft-ari",
    )
    record = _chart(*_on_pimozide(), drafts=(draft,))
    cards = {r.topic: r for r in order_hook(record, Policy(), hook=hook)}
    card = cards[STACKING]
    assert card.summary.startswith("Aripiprazole ordered while pimozide (an antipsychotic)")
    # Before: "... optimise or replace the one running; when switching, plan the cross-taper".
    assert "optimise or replace" not in card.detail and "cross-taper" not in card.detail
    assert (
        "pimozide 2 mg/day (running since 2019-03-04; not part of the depression regimen)"
    ) in card.detail
    assert (
        "pimozide is prescribed for something else: discuss with its prescriber before adding an "
        "antipsychotic; not replaced for the depression."
    ) in card.detail
