"""Follow-ups of the issue 11 safety review, on charts as US EHRs send them.

1. A drug the patient did not tolerate (Trial.intolerance: a stop reason, an AllergyIntolerance or
   an AdverseEvent) is never proposed as a switch or an adjunct; the optimise card names the
   intolerance in one line.
2. A depressed patient on no antidepressant whose course ended for intolerance gets the optimise
   card as a switch to a better-tolerated agent (CANMAT 2023 para 190), not the adherence card.
3. Order hooks: a drug not tolerated before (warning), a second antipsychotic while one runs
   (warning); patient-view: an MAOI and a serotonergic antidepressant both running (critical).
4. Bipolar cover: lamotrigine, lurasidone or brexpiprazole alone is not antimanic cover, on the
   diagnosis review as on the order card.
5. The older-adult range (citalopram 20 mg/day over 60) on the optimise card's dose summary.
6. The README's `order_dedupe_hours` row says what the store does.
7. `trd-cds evaluate --explain` shows esketamine per session, never as an averaged mg/day.

Charts: US Core resources from tests/fixtures/builders.py (RxNorm clinical drugs, ICD-10-CM
problem-list Conditions with SNOMED CT alongside, PHQ-9 Observations), each validated with
fhir.resources R4B, mapped by fhir_mapping.build_record with the real drug table; every check has
a control on the same chart without the fact it is about, so it can fail.
"""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources as package_files
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.explain import explain
from fhir_mapping.record import PatientRecord
from services import order_hooks, tables
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from services.rules import optimize_switch_augment
from tests.fixtures import builders as fb
from tests.fixtures.renewals import renewed

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
P = "pt-followup-1"
Resource = dict[str, Any]
OPTIMISE = optimize_switch_augment.TOPIC
STATUS_REASON = "http://terminology.hl7.org/CodeSystem/medicationrequest-status-reason"

# RxNorm clinical drugs as EHR order screens send them (data/rxnorm_products.csv; the
# antipsychotics by their US names, which the mapping recognises from the drug table).
SERTRALINE_50 = ("312941", "sertraline 50 MG Oral Tablet")
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
ESCITALOPRAM_10 = ("349332", "escitalopram 10 MG Oral Tablet")
CITALOPRAM_10 = ("283672", "citalopram 10 MG Oral Tablet")
CITALOPRAM_20 = ("200371", "citalopram 20 MG Oral Tablet")
FLUOXETINE_20 = ("310385", "fluoxetine 20 MG Oral Capsule")
VENLAFAXINE_75 = ("313585", "24 HR venlafaxine 75 MG Extended Release Oral Capsule")
VENLAFAXINE_225 = ("808748", "24 HR venlafaxine 225 MG Extended Release Oral Tablet")
PHENELZINE_15 = ("312347", "phenelzine 15 MG Oral Tablet")
LAMOTRIGINE_100 = ("198427", "lamotrigine 100 MG Oral Tablet")
LITHIUM_300 = ("197889", "lithium carbonate 300 MG Oral Capsule")
QUETIAPINE_25 = (None, "quetiapine 25 MG Oral Tablet")
ARIPIPRAZOLE_2 = (None, "aripiprazole 2 MG Oral Tablet")
ARIPIPRAZOLE_5 = ("402131", "aripiprazole 5 MG Oral Tablet")
LURASIDONE_40 = (None, "lurasidone HCl 40 MG Oral Tablet")
BREXPIPRAZOLE_1 = (None, "brexpiprazole 1 MG Oral Tablet")


# --- chart builders ------------------------------------------------------------------------------


def person(birth: date = date(1973, 4, 12)) -> Resource:
    return fb.patient(id=P, given="Dana", family="Whitfield", gender="female", birth_date=birth)


def mdd(onset: date = date(2024, 9, 2)) -> Resource:
    return fb.condition(
        fb.ICD10CM,
        "F33.1",
        "Major depressive disorder, recurrent, moderate",
        onset,
        category="problem-list-item",
        patient=P,
        extra_codings=[(fb.SNOMED, "18818009", "Moderate recurrent major depression (disorder)")],
        id="cond-mdd",
    )


def bipolar() -> Resource:
    return fb.condition(
        fb.ICD10CM,
        "F31.81",
        "Bipolar II disorder",
        date(2019, 3, 4),
        category="problem-list-item",
        patient=P,
        extra_codings=[(fb.SNOMED, "83225003", "Bipolar II disorder (disorder)")],
        id="cond-bp",
    )


def phq9(day: date, total: int) -> list[Resource]:
    return fb.phq9(day, total, item9=0, patient=P)


def order(
    drug: tuple[str | None, str],
    start: date,
    *,
    rid: str,
    tablets: float = 1,
    per_day: int = 1,
    stopped: date | None = None,
    sig: str | None = None,
) -> Resource | list[Resource]:
    """An outpatient order; a discontinued one carries status "stopped" and boundsPeriod.end, as
    EHRs send discontinued orders. A running one older than its six months' supply comes with
    its renewals up to AS_OF (tests/fixtures/renewals.py, orders33): the record shows it taken
    now."""
    one = fb.medication_request(
        drug[0],
        drug[1],
        start,
        dose_value=tablets,
        frequency=per_day,
        status="stopped" if stopped else "active",
        bounds_end=stopped,
        text=sig,
        expected_supply_days=30,
        repeats=5,
        patient=P,
        id=rid,
    )
    chain = renewed(one, AS_OF, 180)
    return chain[0] if len(chain) == 1 else chain


def stopped_for_side_effects(resource: Resource, text: str) -> Resource:
    """The discontinue reason as US Core / Epic send it: HL7 medicationrequest-status-reason
    `sintol` with the clinician's words as text."""
    resource["statusReason"] = {
        "coding": [{"system": STATUS_REASON, "code": "sintol", "display": "Suspected intolerance"}],
        "text": text,
    }
    return resource


def allergy(
    aid: str, rxcui: str, name: str, onset: date, reaction: tuple[str | None, str]
) -> Resource:
    """A US Core AllergyIntolerance of type intolerance naming the drug by its RxNorm ingredient,
    with the reaction coded in SNOMED CT, or as text only when no code is given (as clinicians
    often type it)."""
    code, text = reaction
    manifestation: dict[str, Any] = {"text": text}
    if code:
        manifestation["coding"] = [{"system": fb.SNOMED, "code": code, "display": text}]
    return {
        "resourceType": "AllergyIntolerance",
        "id": aid,
        "meta": {
            "profile": [
                "http://hl7.org/fhir/us/core/StructureDefinition/us-core-allergyintolerance"
            ]
        },
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                    "code": "active",
                    "display": "Active",
                }
            ]
        },
        "verificationStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
                    "code": "confirmed",
                    "display": "Confirmed",
                }
            ]
        },
        "type": "intolerance",
        "category": ["medication"],
        "criticality": "low",
        "code": {"coding": [{"system": fb.RXNORM, "code": rxcui, "display": name}], "text": name},
        "patient": {"reference": f"Patient/{P}"},
        "onsetDateTime": fb.fhir_datetime(onset),
        "recordedDate": fb.fhir_datetime(onset),
        "reaction": [
            {
                "manifestation": [manifestation],
                "severity": "moderate",
            }
        ],
    }


def draft(drug: tuple[str | None, str], *, tablets: float = 1, rid: str = "draft-1") -> Resource:
    return fb.medication_request(
        drug[0],
        drug[1],
        AS_OF,
        dose_value=tablets,
        status="draft",
        expected_supply_days=30,
        patient=P,
        id=rid,
    )


def chart(
    *items: Resource | list[Resource],
    drafts: tuple[Resource, ...] = (),
    birth: date = date(1973, 4, 12),
) -> PatientRecord:
    flat: list[Resource] = [person(birth)]
    for item in items:
        flat.extend(item if isinstance(item, list) else [item])
    for resource in [*flat, *drafts]:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(flat, as_of=AS_OF, patient_id=P, draft_orders=drafts)


def on_chart(record: PatientRecord) -> dict[str, Recommendation]:
    recs = patient_view(record, Policy())
    assert len({r.topic for r in recs}) == len(recs)
    return {r.topic: r for r in recs}


def at_order(record: PatientRecord, hook: str = "order-select") -> dict[str, Recommendation]:
    recs = order_hook(record, Policy(), hook=hook)
    assert len({r.topic for r in recs}) == len(recs)
    return {r.topic: r for r in recs}


def everything(recs: dict[str, Recommendation]) -> str:
    return "\n".join(r.summary + "\n" + r.detail for r in recs.values())


def labels(rec: Recommendation) -> str:
    return " | ".join(s.label for s in rec.suggestions)


def switch_options(rec: Recommendation) -> str:
    """The sentence of the switch section that lists the options."""
    section = next(s for s in rec.detail.split("\n\n") if s.startswith("**Switch:**"))
    start = section.index("ptions") - 1  # "Switch options ..." or "Options ..."
    return section[start : section.index(".", start) + 1]


# --- 1. a drug not tolerated is never proposed -----------------------------------------------------


def _history(*, intolerance: bool) -> list[Resource | list[Resource]]:
    """Recurrent MDD. 2021: escitalopram 10 mg with aripiprazole 2 mg added for six weeks, which
    gave akathisia (AllergyIntolerance); remission, treatment stopped in July 2021, still well in
    March 2022. This episode
    since September 2024: sertraline 50 mg stopped after three weeks for nausea and insomnia (the
    discontinue reason on the order), then venlafaxine XR 75 -> 225 mg since October 2024 without
    response (PHQ-9 19 -> 18 -> 18)."""
    sertraline = order(SERTRALINE_50, date(2024, 9, 2), stopped=date(2024, 9, 23), rid="mr-sert")
    items: list[Resource | list[Resource]] = [
        mdd(),
        order(ESCITALOPRAM_10, date(2021, 1, 4), stopped=date(2021, 7, 5), rid="mr-esc-2021"),
        phq9(date(2021, 1, 4), 16),
        order(ARIPIPRAZOLE_2, date(2021, 3, 1), stopped=date(2021, 4, 12), rid="mr-arip-2021"),
        phq9(date(2021, 6, 28), 4),
        phq9(date(2022, 3, 7), 3),  # well at the annual review: the 2021 episode is over
        phq9(date(2024, 9, 2), 19),
        stopped_for_side_effects(sertraline, "Nausea and insomnia") if intolerance else sertraline,
        order(VENLAFAXINE_75, date(2024, 9, 30), stopped=date(2024, 10, 21), rid="mr-venla-75"),
        order(VENLAFAXINE_225, date(2024, 10, 21), rid="mr-venla-225"),
        phq9(date(2025, 1, 6), 18),
        phq9(date(2025, 5, 19), 18),
    ]
    if intolerance:
        items.append(
            allergy("ai-arip", "89013", "aripiprazole", date(2021, 3, 29), (None, "akathisia"))
        )
    return items


def test_switch_options_and_adjuncts_leave_out_every_drug_not_tolerated() -> None:
    recs = on_chart(chart(*_history(intolerance=True)))
    card = recs[OPTIMISE]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "1 adequate trial failed (venlafaxine): switch to a non-SNRI mechanism or augment "
        "(brexpiprazole)"
    )
    options = switch_options(card)
    # Escitalopram remitted in 2021: listed, with that course (review 10 recheck R11).
    assert (
        "SSRI: citalopram, escitalopram (tried 2021-01-04 – 2021-07-05, remission on it), "
        "fluoxetine, paroxetine;" in options
    )
    assert "sertraline" not in options
    # Aripiprazole gave akathisia in 2021 (another episode, so not "already used"): never offered.
    # Brexpiprazole's line names akathisia as a class effect (review 16 M5).
    assert labels(card) == (
        "Propose adjunctive brexpiprazole 0.5 mg/day (CANMAT first line; akathisia on "
        "aripiprazole 2021-03-29: class effect)"
    )
    assert "aripiprazole 2-10 mg/day" not in card.detail
    # One line names each intolerance: drug, reason as documented, date, resource.
    (line,) = [s for s in card.detail.split("\n\n") if s.startswith("**Not tolerated")]
    assert line == (
        "**Not tolerated, never proposed:** aripiprazole (documented intolerance: akathisia, "
        "2021-03-29); sertraline (Nausea and insomnia, 2024-09-23)."
    )
    # No card proposes either drug, and none calls the stopped sertraline poor adherence.
    proposed = " ".join(labels(r) for r in recs.values())
    # Aripiprazole is named only as where brexpiprazole's class effect was seen, never proposed.
    assert "sertraline" not in proposed and "adjunctive aripiprazole" not in proposed
    assert "adherence-review" not in recs


def test_control_without_the_intolerance_records_both_drugs_are_proposed() -> None:
    card = on_chart(chart(*_history(intolerance=False)))[OPTIMISE]
    # "SSRI: ..., paroxetine, sertraline (tried ...);": the 3-week course is named (recheck R11).
    assert "sertraline (tried 2024-09-02 – 2024-09-23, not an adequate trial);" in switch_options(
        card
    )
    assert "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)" in labels(card)
    assert "Not tolerated" not in card.detail


# --- 2. off treatment after an intolerant course ------------------------------------------------


def _stopped_for_nausea(*, intolerance: bool) -> list[Resource | list[Resource]]:
    """MDD since March 2025, PHQ-9 17. Sertraline 50 mg started the same day, one 30-day fill,
    stopped after three weeks: an AllergyIntolerance records the nausea (the order itself says
    only "stopped"). PHQ-9 16 in May; no antidepressant since."""
    start = date(2025, 3, 3)
    items: list[Resource | list[Resource]] = [
        mdd(start),
        phq9(start, 17),
        order(SERTRALINE_50, start, stopped=date(2025, 3, 24), rid="mr-sert"),
        fb.medication_dispense(
            SERTRALINE_50[0],
            SERTRALINE_50[1],
            start,
            30,
            30,
            patient=P,
            prescription="mr-sert",
            id="md-sert",
        ),
        phq9(date(2025, 5, 19), 16),
    ]
    if intolerance:
        items.append(
            allergy("ai-sert", "36437", "sertraline", date(2025, 3, 20), ("422587007", "Nausea"))
        )
    return items


def test_off_treatment_after_an_intolerant_course_gets_one_switch_card() -> None:
    recs = on_chart(chart(*_stopped_for_nausea(intolerance=True)))
    # The least noisy correct answer: one card, the optimise card as a switch. Not the adherence
    # card (a documented intolerance is not a question of dose or adherence), no TMS card (one
    # course), nothing ready to accept (which agent depends on the side effect).
    assert list(recs) == [OPTIMISE]
    card = recs[OPTIMISE]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Sertraline not tolerated (documented intolerance: Nausea, 2025-03-20), no antidepressant "
        "running: switch to a better-tolerated agent"
    )
    assert card.suggestions == ()
    assert (
        "**Stopped for intolerance, no antidepressant running:** sertraline 2025-03-03 – "
        "2025-03-24: not tolerated: documented intolerance: Nausea (2025-03-20)."
    ) in card.detail
    assert "CANMAT 2023 (para 190): switch when tolerability is poor" in card.detail
    options = switch_options(card)
    assert options.startswith("Options (CANMAT 2023 first line): SSRI: citalopram, escitalopram")
    assert "SNRI: venlafaxine" in options and "NDRI: bupropion" in options
    assert "sertraline" not in options
    # Named once, not again on a second "not tolerated" line; never as failure or poor adherence.
    # The section; the trial row is on the timeline (issue 12: the trials table once a screen).
    assert card.detail.count("Nausea (2025-03-20)") == 1
    assert "AllergyIntolerance/ai-sert" not in card.detail
    assert "Not tolerated, never proposed" not in card.detail
    assert "failed" not in card.summary
    assert "poor adherence" not in card.detail and "not adequate" not in card.detail


def test_control_the_same_course_without_the_allergy_record_is_an_adherence_question() -> None:
    recs = on_chart(chart(*_stopped_for_nausea(intolerance=False)))
    assert list(recs) == ["adherence-review"]
    assert recs["adherence-review"].summary.startswith("1 trial not adequate (sertraline 3 wk)")


def test_already_on_the_next_drug_the_intolerant_course_raises_no_switch_card() -> None:
    # Escitalopram started three weeks ago: the new trial is left to run.
    record = chart(
        *_stopped_for_nausea(intolerance=True),
        order(ESCITALOPRAM_10, date(2025, 5, 12), rid="mr-esc"),
    )
    assert OPTIMISE not in on_chart(record)


# --- 3. order hooks and the MAOI combination on the chart -------------------------------------------


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_ordering_again_a_drug_not_tolerated_names_reason_date_and_source(hook: str) -> None:
    record = chart(*_history(intolerance=True), drafts=(draft(SERTRALINE_100),))
    rec = at_order(record, hook)[order_hooks.NOT_TOLERATED]
    assert rec.indicator is Indicator.WARNING
    assert rec.summary == (
        "Sertraline was not tolerated before (Nausea and insomnia, 2024-09-23): check before "
        "re-starting it"
    )
    assert (
        "**Not tolerated before:** sertraline 2024-09-02 – 2024-09-23: not tolerated: Nausea and "
        "insomnia (2024-09-23)."
    ) in rec.detail
    assert rec.snoozable is False
    assert str(rec.dedupe_key).partition("#")[0] == "draft-1:sertraline:order-not-tolerated:100"
    assert {r.code for r in rec.override_reasons} >= {"rechallenge-planned"}


def test_an_adjunct_not_tolerated_in_an_earlier_episode_is_flagged_from_its_allergy_record() -> (
    None
):
    record = chart(*_history(intolerance=True), drafts=(draft(ARIPIPRAZOLE_5),))
    rec = at_order(record)[order_hooks.NOT_TOLERATED]
    assert rec.summary == (
        "Aripiprazole was not tolerated before (documented intolerance: akathisia, 2021-03-29): "
        "check before re-starting it"
    )
    assert "akathisia (2021-03-29)" in rec.detail
    assert "AllergyIntolerance/ai-arip" not in rec.detail


def test_control_no_intolerance_card_for_another_drug_or_without_the_record() -> None:
    other = chart(*_history(intolerance=True), drafts=(draft(ESCITALOPRAM_10),))
    assert order_hooks.NOT_TOLERATED not in at_order(other)
    plain = chart(*_history(intolerance=False), drafts=(draft(SERTRALINE_100),))
    assert order_hooks.NOT_TOLERATED not in at_order(plain)


def _on_venlafaxine(*extra: Resource) -> list[Resource | list[Resource]]:
    """MDD; venlafaxine XR 225 mg since October 2024, PHQ-9 18 in May."""
    return [
        mdd(),
        phq9(date(2024, 9, 30), 19),
        order(VENLAFAXINE_225, date(2024, 9, 30), rid="mr-venla"),
        phq9(date(2025, 5, 19), 18),
        *extra,
    ]


QUETIAPINE_AT_NIGHT = order(
    QUETIAPINE_25, date(2025, 1, 6), sig="quetiapine 25 mg at bedtime for sleep", rid="mr-quet"
)


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_a_second_antipsychotic_on_top_of_quetiapine_for_sleep_is_a_warning(hook: str) -> None:
    record = chart(*_on_venlafaxine(QUETIAPINE_AT_NIGHT), drafts=(draft(ARIPIPRAZOLE_5),))
    rec = at_order(record, hook)[order_hooks.STACKING]
    assert rec.indicator is Indicator.WARNING
    assert rec.summary == (
        "Aripiprazole ordered while quetiapine (an antipsychotic) is running: a second "
        "antipsychotic"
    )
    assert (
        "aripiprazole (atypical antipsychotic) would be a second antipsychotic: quetiapine 25 "
        "mg/day since 2025-01-06."
    ) in rec.detail
    assert rec.snoozable is False
    assert "cross-taper" in {r.code for r in rec.override_reasons}


def test_two_antipsychotics_on_one_order_are_one_card() -> None:
    olanzapine = draft((None, "olanzapine 5 MG Oral Tablet"), rid="draft-2")
    record = chart(*_on_venlafaxine(), drafts=(draft(ARIPIPRAZOLE_5), olanzapine))
    rec = at_order(record)[order_hooks.STACKING]
    assert rec.summary == "Olanzapine and aripiprazole on the same order: two antipsychotics"
    assert (
        str(rec.dedupe_key).partition("#")[0] == "draft-2:olanzapine:order-antipsychotic-stacking:5"
    )


def test_control_a_new_dose_of_the_running_antipsychotic_or_none_running_is_not_stacking() -> None:
    more = chart(*_on_venlafaxine(QUETIAPINE_AT_NIGHT), drafts=(draft(QUETIAPINE_25, tablets=2),))
    assert order_hooks.STACKING not in at_order(more)
    alone = chart(*_on_venlafaxine(), drafts=(draft(ARIPIPRAZOLE_5),))
    assert order_hooks.STACKING not in at_order(alone)


def _phenelzine_and(other: Resource, *, latest_phq9: int = 17) -> list[Resource | list[Resource]]:
    """Phenelzine 15 mg three times daily since January (psychiatry); a second antidepressant
    on the medication list from another prescriber."""
    return [
        mdd(),
        phq9(date(2025, 1, 6), 20),
        order(PHENELZINE_15, date(2025, 1, 6), per_day=3, rid="mr-phen"),
        other,
        phq9(date(2025, 5, 19), latest_phq9),
    ]


@pytest.mark.parametrize(
    ("drug", "washout"),
    [
        (
            CITALOPRAM_20,
            "citalopram → phenelzine: at least 14 days (2 weeks; the 2-week minimum of CPS 2023 "
            "Table 5, longer than 5 half-lives of citalopram, t½ about 35 h) off citalopram; "
            "phenelzine → citalopram: at least 14 days (2 weeks) off phenelzine.",
        ),
        (
            FLUOXETINE_20,
            "fluoxetine → phenelzine: at least 35 days (5 weeks; 5 half-lives of fluoxetine, t½ "
            "about 168 h with its active metabolite) off fluoxetine; phenelzine → fluoxetine: at "
            "least 14 days (2 weeks) off phenelzine.",
        ),
    ],
)
def test_an_maoi_and_a_serotonergic_antidepressant_both_running_is_critical_and_first(
    drug: tuple[str, str], washout: str
) -> None:
    name = drug[1].split()[0].lower()
    recs = patient_view(
        chart(*_phenelzine_and(order(drug, date(2025, 5, 5), rid="mr-other"))), Policy()
    )
    card = recs[0]
    assert (card.topic, card.indicator, card.snoozable) == (
        "maoi-combination",
        Indicator.CRITICAL,
        False,
    )
    assert card.summary == (
        f"Phenelzine (MAOI) and {name} both running: serotonin syndrome or hypertensive crisis "
        "risk; stop one"
    )
    assert (
        f"phenelzine (MAOI) running since 2025-01-06; {name} "
        "(serotonergic) running since 2025-05-05"
    ) in card.detail
    assert f"Washout for a switch between them: {washout}" in card.detail
    assert "CPS 2023 Table 5" in card.detail and "Keks" in card.detail
    assert card.suggestions == ()  # which one to stop is the prescriber's decision


def test_the_maoi_combination_card_speaks_in_remission_too() -> None:
    citalopram = order(CITALOPRAM_20, date(2025, 5, 5), rid="mr-cit")
    recs = on_chart(chart(*_phenelzine_and(citalopram, latest_phq9=3)))
    assert list(recs) == ["maoi-combination"]


def test_control_citalopram_stopped_before_phenelzine_started_is_no_combination() -> None:
    citalopram = order(CITALOPRAM_20, date(2024, 9, 2), stopped=date(2024, 12, 9), rid="mr-cit")
    assert "maoi-combination" not in on_chart(chart(*_phenelzine_and(citalopram)))


# --- 4. bipolar disorder: what is antimanic cover -------------------------------------------------


def _bipolar_on_sertraline(*extra: Resource) -> list[Resource | list[Resource]]:
    """Bipolar II since 2019; sertraline 100 mg since February from primary care; PHQ-9 17."""
    return [
        bipolar(),
        order(SERTRALINE_100, date(2025, 2, 3), rid="mr-sert"),
        phq9(date(2025, 5, 19), 17),
        *extra,
    ]


LAMOTRIGINE_RUNNING = order(LAMOTRIGINE_100, date(2024, 6, 3), tablets=2, rid="mr-lam")


def test_diagnosis_review_says_only_lamotrigine_not_no_mood_stabiliser() -> None:
    card = on_chart(chart(*_bipolar_on_sertraline(LAMOTRIGINE_RUNNING)))["diagnosis-review"]
    assert card.summary == (
        "Confirm the diagnosis before escalating: bipolar disorder on record, sertraline with only "
        "lamotrigine (not antimanic)"
    )
    assert (
        "Sertraline is running with only lamotrigine (not antimanic). Lamotrigine has no "
        "antimanic efficacy."
    ) in card.detail
    assert "no mood stabiliser" not in card.detail.lower()
    assert "10.1111/bdi.12609" in card.detail  # CANMAT/ISBD 2018


def test_control_lithium_with_lamotrigine_is_cover_and_nothing_says_otherwise() -> None:
    lithium = order(LITHIUM_300, date(2024, 6, 3), per_day=3, rid="mr-li")
    card = on_chart(chart(*_bipolar_on_sertraline(LAMOTRIGINE_RUNNING, lithium)))[
        "diagnosis-review"
    ]
    assert card.summary.startswith("Confirm the diagnosis before escalating: bipolar disorder")
    assert "not antimanic" not in card.detail and "without a mood stabiliser" not in card.summary


@pytest.mark.parametrize(
    ("drug", "why"),
    [
        (LURASIDONE_40, "it is indicated for bipolar depression, not for mania"),
        (
            BREXPIPRAZOLE_1,
            "it has no bipolar indication (its two acute-mania trials were negative)",
        ),
    ],
)
def test_lurasidone_or_brexpiprazole_alone_is_not_antimanic_cover(
    drug: tuple[None, str], why: str
) -> None:
    name = drug[1].split()[0]
    running = order(drug, date(2024, 6, 3), rid="mr-ap")
    rec = at_order(chart(*_bipolar_on_sertraline(running), drafts=(draft(ESCITALOPRAM_10),)))[
        "order-bipolar-no-mood-stabiliser"
    ]
    # The chart codes bipolar II: the switch named is to hypomania (review s21 RD finding 10).
    assert rec.summary == (
        f"Escitalopram ordered with bipolar disorder and only {name} (not antimanic): risk of a "
        "switch to hypomania"
    )
    assert f"{name.capitalize()} is on record or on this order, but {why}" in rec.detail
    review = on_chart(chart(*_bipolar_on_sertraline(running)))["diagnosis-review"]
    assert f"sertraline with only {name} (not antimanic)" in review.summary


def test_control_aripiprazole_is_antimanic_cover() -> None:
    # At an antimanic dose: 3 x 5 mg = 15 mg/day (data/mood_stabilisers.csv min_antimanic_mg_day;
    # 5 mg/day, an augmentation dose, is no longer cover: order-hook review finding 2).
    running = order(ARIPIPRAZOLE_5, date(2024, 6, 3), rid="mr-ap", per_day=3)
    recs = at_order(chart(*_bipolar_on_sertraline(running), drafts=(draft(ESCITALOPRAM_10),)))
    assert "order-bipolar-no-mood-stabiliser" not in recs


def test_mood_stabiliser_table_corrections_carry_their_sources() -> None:
    text = package_files.files("services").joinpath("data/mood_stabilisers.csv").read_text("utf-8")
    rows = {r["ingredient"]: r for r in csv.DictReader(text.splitlines())}
    for name in ("lurasidone", "brexpiprazole"):
        row = rows[name]
        assert (row["antimanic"], row["status"]) == ("false", "corroborated")
        assert "changed in the issue 11 follow-up (was true" in row["source"]
        assert "CANMAT/ISBD 2018" in row["source"] and row["not_cover_because"]
    assert "PMID 33691517" in rows["brexpiprazole"]["source"]
    assert "Latuda" in rows["lurasidone"]["source"]
    assert {"lithium", "quetiapine", "aripiprazole"} <= tables.mood_stabilisers()


# --- 5. the older-adult range on the dose summary ------------------------------------------------


def _citalopram_10(birth: date) -> PatientRecord:
    """Citalopram 10 mg since March (13 weeks below the 20 mg/day minimum), PHQ-9 17 -> 16."""
    return chart(
        mdd(date(2025, 3, 3)),
        phq9(date(2025, 3, 3), 17),
        order(CITALOPRAM_10, date(2025, 3, 3), rid="mr-cit"),
        phq9(date(2025, 5, 19), 16),
        birth=birth,
    )


def test_below_range_summary_at_70_shows_the_age_capped_range() -> None:
    card = on_chart(_citalopram_10(date(1955, 1, 15)))[OPTIMISE]
    assert card.summary == (
        "Citalopram 10 mg/day is below the adequate range (20, also the maximum at age 70): raise "
        "the dose before judging response"
    )
    assert "20-40" not in card.summary + card.detail
    assert labels(card) == "Raise citalopram to 20 mg/day"
    assert (
        "**Dose:** citalopram 10 mg/day for 13 weeks so far is below the adequate dose 20 mg/day "
        "(CANMAT 2023 Table 3.3), which is also the maximum at age 70; raise it before judging "
        "response (not an adequate trial until then)."
    ) in card.detail
    assert "The labelled maximum from age 60 is 20 mg/day" in card.detail


def test_control_an_adult_under_60_sees_the_adult_range() -> None:
    card = on_chart(_citalopram_10(date(1980, 1, 15)))[OPTIMISE]
    assert card.summary == (
        "Citalopram 10 mg/day is below the adequate range (20-40): raise the dose before judging "
        "response"
    )
    assert "labelled maximum" not in card.detail


# --- 6. README: the order_dedupe_hours row ---------------------------------------------------------


def test_readme_policy_row_describes_leaving_out_only_answered_order_cards() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    (row,) = [line for line in readme.splitlines() if line.startswith("| `order_dedupe_hours`")]
    assert "`accepted` or `overridden`" in row and "same draft, drug, topic and dose" in row
    # Review 18b U1, U2: another drug or a new finding behind the card is a new card.
    assert "another drug, or a new finding behind the card is a new card" in row
    assert "merely sent comes back on every call" in row
    assert "order-sign does not repeat a card order-select showed" not in row


# --- 7. explain: per-session and per-injection doses ---------------------------------------------


def _spravato(rid: str, start: date, mg: float, *, status: str = "active") -> Resource:
    return fb.medication_request(
        None,
        "esketamine 28 MG/DEVICE Nasal Spray [Spravato]",
        start,
        dose_value=mg,
        dose_unit="mg",
        frequency=2,
        period=1,
        period_unit="wk",
        status=status,
        text=f"{mg:g} mg intranasally twice weekly in clinic",
        expected_supply_days=28,
        patient=P,
        id=rid,
    )


def test_explain_shows_esketamine_per_session_and_an_injectable_per_injection() -> None:
    maintena = fb.medication_request(
        None,
        "aripiprazole 400 MG Extended-Release Injectable Suspension [Abilify Maintena]",
        date(2025, 2, 3),
        dose_value=400,
        dose_unit="mg",
        frequency=1,
        period=4,
        period_unit="wk",
        text="400 mg IM every 4 weeks",
        patient=P,
        id="mr-maintena",
    )
    record = chart(
        mdd(),
        phq9(date(2024, 9, 30), 19),
        order(SERTRALINE_100, date(2024, 9, 30), rid="mr-sert"),
        _spravato("mr-esk", date(2025, 4, 7), 56),
        maintena,
        phq9(date(2025, 5, 19), 17),
        drafts=(_spravato("d-esk", AS_OF, 84, status="draft"),),
    )
    text = explain(record)
    assert "   dose: 56 mg per session (latest; dosed per session, no mg/day range applies)" in text
    assert (
        "   dose: 400 mg per injection (latest; dosed per injection, no mg/day range applies)"
        in (text)
    )
    assert "   esketamine: 84 mg per session (augmentation)" in text
    assert "   2025-04-07 -> 2025-06-02 (56 days)" in text  # its dates, without an averaged dose
    # 56 mg twice a week is 16 mg/day and 400 mg every 4 weeks 14.3 mg/day only as averages.
    assert "16 mg/day" not in text and "14.3" not in text and "24 mg/day" not in text
    # A daily drug is unchanged: its range and mg/day segments.
    assert "   adequate range: 50-200 mg/day" in text
    assert "2024-09-30 -> 2025-06-02: 100 mg/day (245 days)" in text


# --- 1 (continued): psychotic depression, the STOP-PD regimen -------------------------------------


def _psychotic(*, intolerance: bool) -> list[Resource | list[Resource]]:
    """Recurrent MDD with psychotic symptoms (F33.3) since April; sertraline 50 mg stopped after
    two weeks for side effects; no antidepressant since; PHQ-9 22."""
    sertraline = order(SERTRALINE_50, date(2025, 4, 7), stopped=date(2025, 4, 21), rid="mr-sert")
    return [
        fb.condition(
            fb.ICD10CM,
            "F33.3",
            "Major depressive disorder, recurrent, severe with psychotic symptoms",
            date(2025, 4, 7),
            category="problem-list-item",
            patient=P,
            extra_codings=[
                (
                    fb.SNOMED,
                    "28475009",
                    "Severe recurrent major depression with psychotic features (disorder)",
                )
            ],
            id="cond-mdd-psy",
        ),
        phq9(date(2025, 4, 7), 23),
        stopped_for_side_effects(sertraline, "Agitation, GI upset") if intolerance else sertraline,
        phq9(date(2025, 5, 26), 22),
    ]


def test_psychotic_depression_regimen_never_proposes_the_antidepressant_not_tolerated() -> None:
    card = on_chart(chart(*_psychotic(intolerance=True)))[OPTIMISE]
    assert labels(card) == "Refer for ECT evaluation"
    assert (
        "**Combination:** no antidepressant is running and sertraline was not tolerated before: "
        "choose the antidepressant with psychiatry, then add olanzapine 15-20 mg/day (STOP-PD); "
        "not offered as a ready-to-accept order."
    ) in card.detail
    assert (
        "**Not tolerated, never proposed:** sertraline (Agitation, GI upset, 2025-04-21)."
    ) in card.detail
    # Control: a two-week course stopped for no recorded reason does not hold sertraline back.
    control = on_chart(chart(*_psychotic(intolerance=False)))[OPTIMISE]
    assert (
        "Start sertraline 50 mg/day and olanzapine 5 mg/day, titrate to 150-200 and 15-20 mg/day "
        "(STOP-PD targets)"
    ) in labels(control)


# --- an intolerance documented before the chart's medication history ---------------------------


def test_an_old_allergy_with_no_course_on_the_chart_still_holds_the_drug_back() -> None:
    """A 2019 sertraline intolerance, recorded before this chart's medication history begins, has
    no trial to attach to; it must still keep sertraline out of the switch options and raise the
    order card when sertraline is ordered."""
    old = allergy("ai-old-sert", "36437", "sertraline", date(2019, 5, 6), (None, "Severe nausea"))
    record = chart(*_on_venlafaxine(old))
    assert [i.source.id for i in record.intolerances] == ["ai-old-sert"]
    card = on_chart(record)[OPTIMISE]
    assert "sertraline" not in switch_options(card)
    assert ("sertraline (documented intolerance: Severe nausea, 2019-05-06)") in card.detail
    ordered = at_order(chart(*_on_venlafaxine(old), drafts=(draft(SERTRALINE_50),)))
    (check,) = [r for r in ordered.values() if "not tolerated" in r.summary]
    assert "Severe nausea, 2019-05-06)" in check.detail
    assert "AllergyIntolerance/ai-old-sert" not in check.detail


def test_control_without_the_old_allergy_sertraline_is_an_option() -> None:
    card = on_chart(chart(*_on_venlafaxine()))[OPTIMISE]
    assert "sertraline" in switch_options(card)
