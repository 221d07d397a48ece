"""Psychiatrist review of the order hooks (an earlier session's review of the order hooks), MAOI findings:

- 5: serotonergic opioids, dextromethorphan and sympathomimetic stimulants meet an MAOI in both
  directions, with the risk the pair carries (serotonin toxicity vs hypertensive crisis), and
  oral MAO-B inhibitors (rasagiline, safinamide) count as MAOIs;
- 6: linezolid (and IV methylene blue) over a serotonergic drug follows the FDA Drug Safety
  Communications 2011 (give it if urgent, stop the other drug, monitor), never "wait weeks";
- 13: the washout sentence names a half-life only where 5 of them make the interval.

Charts are US Core FHIR as EHRs send them (the helpers of test_order_safety.py), mapped by
build_record with the real drug table; the data-table checks read the shipped CSVs.
"""

from __future__ import annotations

import csv
import math
from datetime import date
from importlib import resources

import pytest

from fhir_mapping.gaps import reason_counts
from fhir_mapping.record import Role
from services import data_gaps, washout_table
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator
from tests.fixtures import builders as fb
from tests.services.test_order_safety import (
    AS_OF,
    FLUOXETINE_20,
    PHENELZINE_15,
    SERTRALINE_100,
    P,
    Resource,
    at_order,
    chart,
    depressed,
    drafted,
    taking,
)

pytestmark = pytest.mark.real_drug_table

MAOI = "order-maoi-interaction"
TRAMADOL_50 = ("835603", "tramadol hydrochloride 50 MG Oral Tablet")
METHYLPHENIDATE_10 = (None, "methylphenidate hydrochloride 10 MG Oral Tablet")
RASAGILINE_1 = (None, "rasagiline 1 MG Oral Tablet")
MEPERIDINE_50 = (None, "meperidine hydrochloride 50 MG Oral Tablet")
LINEZOLID_600 = (None, "linezolid 600 MG Oral Tablet")


def draft(drug: tuple[str | None, str], *, per_day: int = 1, rid: str = "draft-1") -> Resource:
    return fb.medication_request(
        drug[0],
        drug[1],
        AS_OF,
        frequency=per_day,
        status="draft",
        expected_supply_days=30,
        patient=P,
        id=rid,
    )


def on_phenelzine() -> list[Resource | list[Resource]]:
    """Phenelzine 45 mg/day since January, depressed (PHQ-9 17)."""
    return [*depressed(), taking(PHENELZINE_15, date(2025, 1, 6), per_day=3, rid="mr-p")]


# --- finding 5: drugs that are not antidepressants -----------------------------------------------


def test_tramadol_ordered_on_running_phenelzine_is_critical_for_serotonin_toxicity() -> None:
    drafts = (draft(TRAMADOL_50, per_day=4),)
    record = chart(*on_phenelzine(), drafts=drafts)
    assert [d.role for d in record.draft_orders] == [Role.INTERACTING]
    rec = at_order(record)[MAOI]
    assert rec.indicator is Indicator.CRITICAL
    assert rec.summary == (
        "Tramadol ordered while phenelzine (MAOI) is running: serotonin syndrome risk; 14 days "
        "off phenelzine first"
    )
    assert "risks serotonin toxicity (serotonin syndrome)" in rec.detail
    assert "hypertensive" not in rec.detail
    # The interval after an MAOI is the opioid's own row (its label), not the antidepressant one.
    assert "serotonergic opioid" in rec.detail


def test_phenelzine_ordered_while_tramadol_runs_needs_tramadol_stopped_first() -> None:
    record = chart(
        *depressed(),
        taking(TRAMADOL_50, date(2025, 4, 1), per_day=4, rid="mr-t"),
        drafts=(drafted(PHENELZINE_15, per_day=3),),
    )
    assert [t.role for t in record.trials] == [Role.INTERACTING]  # never a pathway trial
    rec = at_order(record)[MAOI]
    assert rec.summary == (
        "Phenelzine (MAOI) ordered while tramadol is running: stop tramadol at least 14 days first"
    )
    # No source gives this direction: the card says the 2 weeks are the safer default.
    assert "2 weeks kept as the safer value" in rec.detail
    assert "(UNVERIFIED)" in rec.detail


def test_methylphenidate_on_an_maoi_is_a_hypertensive_crisis_not_serotonin() -> None:
    drafts = (draft(METHYLPHENIDATE_10, per_day=2),)
    rec = at_order(chart(*on_phenelzine(), drafts=drafts))[MAOI]
    assert rec.summary == (
        "Methylphenidate ordered while phenelzine (MAOI) is running: hypertensive crisis risk; "
        "14 days off phenelzine first"
    )
    assert "risks a hypertensive crisis" in rec.detail
    assert "serotonin" not in rec.detail.split("Interval:")[0]


def test_meperidine_waits_three_weeks_after_phenelzine() -> None:
    # Phenelzine stopped 15 days ago: enough for an SSRI (14 days), not for meperidine (21).
    stopped = chart(
        *depressed(),
        taking(PHENELZINE_15, date(2025, 1, 6), per_day=3, stopped=date(2025, 5, 18), rid="mr-p"),
        drafts=(draft(MEPERIDINE_50),),
    )
    rec = at_order(stopped)[MAOI]
    assert "not before 2025-06-08" in rec.summary
    assert "3 weeks" in rec.detail and "meperidine not within 3 weeks" in rec.detail
    ssri = chart(
        *depressed(),
        taking(PHENELZINE_15, date(2025, 1, 6), per_day=3, stopped=date(2025, 5, 18), rid="mr-p"),
        drafts=(drafted(SERTRALINE_100),),
    )
    assert MAOI not in at_order(ssri)


def test_dextromethorphan_syrup_meets_an_maoi_but_auvelity_stays_one_drug() -> None:
    drafts = (draft((None, "dextromethorphan hydrobromide 15 MG/5ML Oral Solution")),)
    rec = at_order(chart(*on_phenelzine(), drafts=drafts))[MAOI]
    assert rec.summary.startswith("Dextromethorphan ordered while phenelzine (MAOI) is running")
    auvelity = chart(
        *depressed(),
        drafts=(
            draft(
                (
                    "2611260",
                    "bupropion hydrochloride 105 MG / dextromethorphan hydrobromide 45 MG "
                    "Extended Release Oral Tablet",
                )
            ),
        ),
    )
    assert [d.ingredient for d in auvelity.draft_orders] == ["dextromethorphan-bupropion"]


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_rasagiline_is_an_maoi_both_ways(hook: str) -> None:
    running = chart(
        *depressed(),
        taking(RASAGILINE_1, date(2024, 6, 3), rid="mr-r"),
        drafts=(drafted(SERTRALINE_100),),
    )
    rec = at_order(running, hook)[MAOI]
    # The rasagiline label advises against an SSRI with it (a warning, not a contraindication):
    # a warning that says what to watch, not "stop rasagiline first" (audit 16 f01).
    assert rec.summary == (
        "Sertraline ordered while rasagiline (MAO-B inhibitor) is running: not recommended by "
        "its label; watch for serotonin syndrome"
    )
    assert rec.indicator is Indicator.WARNING
    drafted_over_ssri = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-s"),
        drafts=(draft(RASAGILINE_1),),
    )
    rec = at_order(drafted_over_ssri, hook)[MAOI]
    assert rec.summary.startswith(
        "Rasagiline (MAO-B inhibitor) ordered while sertraline is running"
    )


def test_oral_selegiline_running_meets_a_drafted_ssri() -> None:
    record = chart(
        *depressed(),
        taking((None, "selegiline hydrochloride 5 MG Oral Capsule"), date(2024, 6, 3), rid="mr-x"),
        drafts=(drafted(SERTRALINE_100),),
    )
    # Oral selegiline is not an antidepressant trial (the antidepressant is the transdermal
    # system), but it is an MAOI for interactions (antidepressants.csv without_form_read_as).
    assert [(t.ingredient, t.role) for t in record.trials] == [
        ("oral selegiline", Role.INTERACTING)
    ]
    assert at_order(record)[MAOI].summary.startswith(
        "Sertraline ordered while oral selegiline (MAO-B inhibitor) is running"
    )


# --- finding 6: linezolid is not an elective MAOI start ------------------------------------------


def test_linezolid_over_running_sertraline_follows_the_fda_urgent_use_advice() -> None:
    record = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-s"),
        drafts=(draft(LINEZOLID_600, per_day=2),),
    )
    rec = at_order(record)[MAOI]
    assert rec.summary == (
        "Linezolid with sertraline running: if urgent stop sertraline, give linezolid, monitor; "
        "else an alternative"
    )
    assert "do not delay linezolid:** stop sertraline, give linezolid" in rec.detail
    assert "until 24 hours after the last linezolid dose, whichever comes first" in rec.detail
    assert "FDA Drug Safety Communications 2011-07-26" in rec.detail
    assert "consider an alternative to linezolid" in rec.detail
    for delay in ("not before", "allow at least", "days first"):
        assert delay not in rec.summary + rec.detail


def test_linezolid_ten_days_after_fluoxetine_monitors_rather_than_waits_five_weeks() -> None:
    record = chart(
        *depressed(),
        taking(FLUOXETINE_20, date(2024, 9, 2), stopped=date(2025, 5, 23), rid="mr-f"),
        drafts=(draft(LINEZOLID_600, per_day=2),),
    )
    rec = at_order(record)[MAOI]
    assert rec.summary == (
        "Linezolid with fluoxetine stopped 10 days ago: if urgent give linezolid, monitor up to "
        "35 days after its last dose; else an alternative"
    )  # its washout's days since session 30 orders31 item 3 (was "monitor;"), still no date
    assert "2025-06-27" not in rec.summary + rec.detail  # no "not before" date for an antibiotic
    assert "until 35 days after the last fluoxetine dose" in rec.detail
    assert "stop fluoxetine" not in rec.summary + rec.detail  # it is already stopped


def test_an_antidepressant_during_linezolid_still_waits_its_24_hours() -> None:
    # The other direction is unchanged: an antidepressant may start 24 hours after the last
    # linezolid dose (a one-day wait, which delays no antibiotic).
    record = chart(
        *depressed(),
        taking(LINEZOLID_600, date(2025, 5, 28), per_day=2, rid="mr-lzd"),
        drafts=(drafted(SERTRALINE_100),),
    )
    rec = at_order(record)[MAOI]
    assert rec.summary == (
        "Sertraline ordered while linezolid (acts as an MAOI) is running: serotonin syndrome "
        "risk; 1 day off linezolid first"
    )


# --- finding 13: the washout sentence ------------------------------------------------------------


def test_a_short_half_life_drug_says_the_14_days_are_the_table_minimum() -> None:
    record = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2024, 9, 2), stopped=date(2025, 5, 26), rid="mr-s"),
        drafts=(drafted(PHENELZINE_15, per_day=3),),
    )
    detail = at_order(record)[MAOI].detail
    assert (
        "at least 14 days (2 weeks; the 2-week minimum of CPS 2023 Table 5, longer than 5 "
        "half-lives of sertraline, t½ about 26 h) after sertraline"
    ) in detail
    assert "(2 weeks; 5 half-lives of sertraline" not in detail  # the false sentence
    assert "active metabolite" not in detail


def test_vortioxetine_has_no_active_metabolite_in_the_sentence() -> None:
    record = chart(
        *depressed(),
        taking((None, "vortioxetine 10 MG Oral Tablet"), date(2024, 9, 2), rid="mr-v"),
        drafts=(drafted(PHENELZINE_15, per_day=3),),
    )
    detail = at_order(record)[MAOI].detail
    assert (
        "21 days (3 weeks; the labelled interval, longer than 5 half-lives of vortioxetine, "
        in (detail)
    )
    assert "active metabolite" not in detail


def _rows(package: str, name: str) -> list[dict[str, str]]:
    text = resources.files(package).joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_every_interval_basis_is_true_arithmetic() -> None:
    checked = 0
    for row in washout_table.table().values():
        days, half = row.days_before_maoi, row.half_life_hours
        if days is None:
            assert row.is_maoi or row.kind == "none", row.ingredient
            continue
        assert row.basis in {"half-lives", "minimum", "label", "safer-default"}, row.ingredient
        five = None if half is None else 5 * half / 24
        if row.basis == "half-lives":
            assert five is not None and math.ceil(five) == days, row.ingredient
        elif row.basis == "minimum":
            assert days == 14 and (five is None or five < days), row.ingredient
        elif row.basis == "label":
            assert five is not None and five < days, row.ingredient
        checked += 1
    assert checked == len([r for r in washout_table.table().values() if r.interacts]) > 40


def test_every_interacting_drug_has_a_washout_row_with_the_right_risk() -> None:
    risks = {
        "opioid": "serotonin",
        "antitussive": "serotonin",
        "stimulant": "hypertensive",
        "triptan": "triptan",  # its label's exposure rise and serotonin toxicity (s23 RD)
    }
    for drug in _rows("fhir_mapping", "interacting_drugs.csv"):
        row = washout_table.table()[drug["ingredient"]]
        assert row.source and row.status, drug["ingredient"]
        if row.is_maoi:
            assert row.days_after_maoi is not None
        else:
            assert row.interacts and row.risk == risks[row.kind], drug["ingredient"]
            assert row.days_after_maoi and row.days_after_maoi >= 14
    assert washout_table.table()["linezolid"].urgent_use.startswith(
        "FDA Drug Safety Communications"
    )
    assert washout_table.table()["methylene blue"].urgent_use


# --- the chart card for a pair already running (rules/maoi_combination.py) ----------------------


def _chart_card(drug: tuple[str | None, str], per_day: int) -> str:
    record = chart(*on_phenelzine(), taking(drug, date(2025, 3, 3), per_day=per_day, rid="mr-x"))
    (card,) = [r for r in patient_view(record, Policy()) if r.topic == "maoi-combination"]
    return card.summary + "\n" + card.detail


def test_a_running_pair_names_the_risk_of_the_drug_meeting_the_maoi() -> None:
    tramadol = _chart_card(TRAMADOL_50, 4)
    assert tramadol.startswith(
        "Phenelzine (MAOI) and tramadol both running: serotonin syndrome risk; stop one"
    )
    assert "An MAOI with tramadol risks serotonin toxicity (serotonin syndrome)" in tramadol
    stimulant = _chart_card(METHYLPHENIDATE_10, 2)
    assert "hypertensive crisis risk; stop one" in stimulant.splitlines()[0]
    assert "An MAOI with methylphenidate risks a hypertensive crisis" in stimulant
    assert "check for signs of a hypertensive crisis" in stimulant
    # An antidepressant pair keeps its sentence: either risk.
    ssri = _chart_card(SERTRALINE_100, 1)
    assert "serotonin syndrome or hypertensive crisis risk; stop one" in ssri.splitlines()[0]
    assert (
        "An MAOI with a serotonergic or noradrenergic antidepressant risks serotonin syndrome "
        "or a hypertensive crisis"
    ) in ssri


@pytest.mark.parametrize(
    ("product", "ingredient"),
    [
        ("Ultram 50 MG Oral Tablet", "tramadol"),
        ("Demerol 50 MG Oral Tablet", "meperidine"),
        ("Ritalin 10 MG Oral Tablet", "methylphenidate"),
        ("Vyvanse 30 MG Oral Capsule", "lisdexamfetamine"),
        ("Adderall 10 MG Oral Tablet", "amphetamine"),
        ("Azilect 1 MG Oral Tablet", "rasagiline"),
    ],
)
def test_an_interacting_drug_written_by_its_brand_meets_the_maoi(
    product: str, ingredient: str
) -> None:
    record = chart(*on_phenelzine(), drafts=(draft((None, product)),))
    assert ingredient in [d.ingredient for d in record.draft_orders]
    assert at_order(record)[MAOI].indicator is Indicator.CRITICAL


# --- an MAOI taken now whose dates could not be read (patient-view review finding 4) ------------


def _undated_phenelzine(status: str) -> Resource:
    """A MedicationStatement as C-CDA conversions and patient-reported lists write it: no
    effective[x], no dateAsserted."""
    return {
        "resourceType": "MedicationStatement",
        "id": "ms-phenelzine",
        "status": status,
        "medicationCodeableConcept": {
            "coding": [
                {
                    "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                    "code": "8123",
                    "display": "phenelzine",
                }
            ],
            "text": "phenelzine",
        },
        "subject": {"reference": f"Patient/{P}"},
        "dosage": [{"text": "1 tablet three times daily"}],
    }


def test_an_undated_active_maoi_statement_still_meets_the_running_antidepressant() -> None:
    statement = _undated_phenelzine("active")
    record = chart(*depressed(), taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-s"), statement)
    assert "phenelzine" not in {t.ingredient for t in record.trials}  # no dates: no trial
    (gap,) = [g for g in record.gaps if g.taken_now]
    assert gap.taken_now == ("phenelzine",)
    found = {r.topic: r for r in patient_view(record, Policy())}
    card = found["maoi-combination"]
    assert card.indicator is Indicator.CRITICAL
    assert card.summary.startswith("Phenelzine (MAOI) and sertraline both running")
    assert "phenelzine (MAOI) running start not recorded, MedicationStatement/ms-phenelzine" in (
        card.detail
    )
    # The data-gap line names the drug on the card; the logs' counts never do.
    assert any(
        "MedicationStatement/ms-phenelzine (phenelzine, taken now)" in r.detail
        for r in data_gaps.annotate(tuple(found.values()), record)
    )
    assert all("phenelzine" not in reason for reason in reason_counts(record.gaps))
    # The same statement at an order: a serotonergic draft meets it.
    ordered = chart(*depressed(), statement, drafts=(drafted(FLUOXETINE_20),))
    assert at_order(ordered)[MAOI].indicator is Indicator.CRITICAL


def test_an_undated_statement_no_longer_taken_is_only_the_gap() -> None:
    record = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-s"),
        _undated_phenelzine("completed"),
    )
    assert not any(g.taken_now for g in record.gaps)
    assert "maoi-combination" not in {r.topic for r in patient_view(record, Policy())}
