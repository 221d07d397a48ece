"""Review 7 leftovers: lithium with drugs that raise its level, pimozide and thioridazine
with the antidepressants their labels contraindicate, and Zelapar read as oral selegiline.

Before: lisinopril, hydrochlorothiazide, ibuprofen and naproxen were not recognised at all (a
lithium course beside them was silent), pimozide and thioridazine were unknown drugs, and a
Zelapar order met no MAOI check. Now NSAIDs, ACE inhibitors, angiotensin II receptor blockers and
thiazide diuretics are `interacting` rows of the drug table (fhir_mapping/data/
interaction_partners.csv: never a trial, never proposed) met by lithium's rows of
services/data/drug_interactions.csv, on the chart and at the order hooks.

Charts are US Core / Synthea-shaped FHIR (tests/fixtures/builders.py, RxNorm clinical drugs as
Synthea codes them: 314076 "lisinopril 10 MG Oral Tablet", 310798 "Hydrochlorothiazide 25 MG Oral
Tablet"), plus one real Synthea bundle from ../shared, mapped by build_record with the real drug
table.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping import drug_table
from fhir_mapping.build import build_record
from fhir_mapping.record import Role
from fhir_mapping.terminology import recognise
from services import drugs, interaction_table
from services.recommendation import Indicator
from tests.conftest import require_shared
from tests.fixtures import builders as fb
from tests.services.test_order_safety import (
    SERTRALINE_100,
    P,
    Resource,
    at_order,
    chart,
    depressed,
    drafted,
    everything,
    on_chart,
    taking,
)

pytestmark = pytest.mark.real_drug_table

ORDER = "order-drug-interaction"
CHART = "drug-interaction"
MAOI = "order-maoi-interaction"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"

# As Synthea and US Core write them (codes and displays seen in ../shared/fhir).
LISINOPRIL_10 = ("314076", "lisinopril 10 MG Oral Tablet")
HCTZ_25 = ("310798", "Hydrochlorothiazide 25 MG Oral Tablet")
LOSARTAN_HCTZ = ("979471", "hydrochlorothiazide 25 MG / losartan potassium 100 MG Oral Tablet")
NAPROXEN_220 = ("849574", "Naproxen sodium 220 MG Oral Tablet")
IBUPROFEN_400 = ("206905", "Ibuprofen 400 MG Oral Tablet [Ibu]")
ASPIRIN_81 = ("243670", "aspirin 81 MG Oral Tablet")
LITHIUM_300 = (None, "lithium carbonate 300 MG Oral Capsule")
PIMOZIDE_2 = (None, "pimozide 2 MG Oral Tablet")
THIORIDAZINE_50 = (None, "thioridazine hydrochloride 50 MG Oral Tablet")
DULOXETINE_60 = (None, "duloxetine 60 MG Delayed Release Oral Capsule")
ZELAPAR = (None, "Zelapar 1.25 MG Disintegrating Oral Tablet")


def on_lithium(start: date = date(2024, 11, 4)) -> Resource:
    """Lithium carbonate 300 mg three times a day (900 mg/day) since November 2024."""
    return taking(LITHIUM_300, start, per_day=3, rid="mr-li")


def _cards(record: Any) -> list[tuple[str, str, str, str]]:
    return sorted(
        (r.topic, r.indicator.value, r.summary, r.detail) for r in on_chart(record).values()
    )


# --- lithium on the chart ------------------------------------------------------------------------


def test_lithium_and_lisinopril_running_give_a_warning_naming_both_with_their_dates() -> None:
    record = chart(
        *depressed(),
        on_lithium(),
        taking(LISINOPRIL_10, date(2023, 2, 6), rid="mr-lis"),
    )
    assert [t.role for t in record.trials if t.ingredient == "lisinopril"] == [Role.INTERACTING]
    card = on_chart(record)[CHART]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Lithium and lisinopril both running: raises lithium levels (toxicity risk); "
        "no lithium level since 2024-11-04: check one"
    )  # worded from the pair's dates (review s24 RN finding 9): together since, no level
    assert "**Lithium with lisinopril** (warning)" in card.detail
    assert "lithium 900 mg/day, running since 2024-11-04" in card.detail
    assert "lisinopril 10 mg/day, running since 2023-02-06" in card.detail
    assert "ACE inhibitors and angiotensin II receptor blockers" in card.detail
    assert "consider a lower lithium dose" in card.detail
    assert "Source: lithium labels 7." in card.detail  # its cite (H14)


def test_a_real_synthea_chart_on_lisinopril_and_hydrochlorothiazide_meets_lithium() -> None:
    # Synthea 2025 (exafluence-qicore california e442861c): lisinopril 10 mg and
    # hydrochlorothiazide 25 mg renewed yearly since 2022-07-31 (last 2024-08-18, active). A
    # lithium order is added.
    shared = require_shared()
    (path,) = (shared / "fhir" / "synthea").glob("**/e442861c-*.json")
    bundle = json.loads(Path(path).read_text("utf-8"))
    entries = [e["resource"] for e in bundle["entry"]]
    pid = next(r["id"] for r in entries if r["resourceType"] == "Patient")
    lithium = fb.medication_request(
        None,
        LITHIUM_300[1],
        date(2025, 3, 3),
        frequency=2,
        expected_supply_days=30,
        repeats=5,
        patient=pid,
        id="mr-li",
    )
    record = build_record([*entries, lithium], as_of=date(2025, 6, 2), patient_id=pid)
    assert not record.gaps  # dated Synthea orders: nothing left out
    card = on_chart(record)[CHART]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith("Lithium and ")
    assert card.summary.endswith("; also lithium + lisinopril")  # one card for both partners
    assert "**Lithium with hydrochlorothiazide** (warning)" in card.detail
    assert "**Lithium with lisinopril** (warning)" in card.detail
    assert "hydrochlorothiazide 25 mg/day, running since 2022-07-31" in card.detail
    assert "lisinopril 10 mg/day, running since 2022-07-31" in card.detail
    # Without the lithium order the same chart has no such card.
    alone = build_record(entries, as_of=date(2025, 6, 2), patient_id=pid)
    assert CHART not in on_chart(alone)


def test_a_combination_product_counts_as_each_of_its_ingredients() -> None:
    record = chart(*depressed(), on_lithium(), taking(LOSARTAN_HCTZ, date(2024, 1, 8), rid="mr-h"))
    card = on_chart(record)[CHART]
    assert "**Lithium with hydrochlorothiazide** (warning)" in card.detail
    assert "**Lithium with losartan** (warning)" in card.detail
    assert card.summary.endswith("; also lithium + losartan")


@pytest.mark.parametrize("drug", [NAPROXEN_220, IBUPROFEN_400])
def test_an_nsaid_as_synthea_codes_it_meets_lithium(drug: tuple[str, str]) -> None:
    record = chart(*depressed(), on_lithium(), taking(drug, date(2025, 5, 12), rid="mr-n"))
    card = on_chart(record)[CHART]
    assert card.indicator is Indicator.WARNING
    assert "NSAIDs lower renal lithium clearance" in card.detail


def test_the_same_chart_without_the_co_drug_or_with_aspirin_gives_no_card() -> None:
    assert CHART not in on_chart(chart(*depressed(), on_lithium()))
    # Aspirin is not a partner (little effect on lithium levels); a topical NSAID is not read at
    # all; the same diclofenac by mouth is.
    aspirin = chart(*depressed(), on_lithium(), taking(ASPIRIN_81, date(2025, 1, 6), rid="mr-a"))
    assert CHART not in on_chart(aspirin)
    gel = (None, "diclofenac sodium 10 MG/ML Topical Gel")
    topical = chart(*depressed(), on_lithium(), taking(gel, date(2025, 1, 6), rid="mr-d"))
    assert CHART not in on_chart(topical)
    assert "diclofenac" not in {t.ingredient for t in topical.trials}
    oral = (None, "diclofenac sodium 75 MG Delayed Release Oral Tablet")
    by_mouth = chart(*depressed(), on_lithium(), taking(oral, date(2025, 1, 6), rid="mr-d"))
    assert on_chart(by_mouth)[CHART].summary.startswith("Lithium and diclofenac both running")


def test_lisinopril_without_lithium_changes_no_card() -> None:
    # Hypertension on lisinopril and hydrochlorothiazide, one failed sertraline trial: the cards
    # are the same, word for word, as for the chart without them (no trial, no proposal, no gap).
    base: list[Resource | list[Resource]] = [
        *depressed(),
        taking(SERTRALINE_100, date(2024, 9, 2), per_day=2, rid="mr-s"),
    ]
    with_them = chart(
        *base,
        taking(LISINOPRIL_10, date(2022, 4, 4), rid="mr-lis"),
        taking(HCTZ_25, date(2022, 4, 4), rid="mr-h"),
    )
    # Not read at all without lithium (DrugInfo.read_only_with): no lane, no gap, no cost.
    assert [t.ingredient for t in with_them.trials if t.role is Role.INTERACTING] == []
    assert not with_them.gaps
    assert _cards(with_them) == _cards(chart(*base))
    assert "lisinopril" not in everything(on_chart(with_them)).lower()


def test_the_lithium_partners_are_never_proposed() -> None:
    lines = drugs.lines()
    proposed = {
        d.ingredient
        for d in (
            *lines.first_line_antidepressants,
            *lines.first_line_augmenters,
            *lines.second_line_augmenters,
        )
    }
    partners = [
        d
        for d in drug_table.all_drugs()
        if d.drug_class
        in {"NSAID", "ACE inhibitor", "angiotensin II receptor blocker", "thiazide diuretic"}
    ]
    assert len(partners) >= 30
    assert all(d.role is Role.INTERACTING for d in partners)
    assert not proposed & {d.ingredient for d in partners}


# --- lithium at the order hooks ------------------------------------------------------------------


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_a_lithium_draft_with_hydrochlorothiazide_running_is_warned(hook: str) -> None:
    record = chart(
        *depressed(),
        taking(HCTZ_25, date(2024, 6, 3), rid="mr-h"),
        drafts=(drafted(LITHIUM_300, per_day=2),),
    )
    card = at_order(record, hook)[ORDER]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith(
        "Lithium ordered with hydrochlorothiazide running: raises lithium levels"
    )
    assert "lithium 600 mg/day on this order" in card.detail
    assert "hydrochlorothiazide 25 mg/day, running since 2024-06-03" in card.detail
    assert "Thiazide and thiazide-like diuretics" in card.detail


def test_an_nsaid_drafted_while_lithium_runs_is_warned() -> None:
    record = chart(*depressed(), on_lithium(), drafts=(drafted(NAPROXEN_220, per_day=2),))
    assert [d.role for d in record.draft_orders] == [Role.INTERACTING]
    card = at_order(record, "order-sign")[ORDER]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith("Naproxen ordered with lithium running")


# --- pimozide and thioridazine -------------------------------------------------------------------


def test_pimozide_and_sertraline_are_critical_on_the_chart_and_at_the_order() -> None:
    both = chart(
        *depressed(),
        taking(PIMOZIDE_2, date(2024, 3, 4), rid="mr-p"),
        taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-s"),
    )
    card = on_chart(both)[CHART]
    assert card.indicator is Indicator.CRITICAL
    assert card.summary.startswith("Pimozide and sertraline both running: contraindicated")
    assert "Source: Orap label 4." in card.detail  # its cite (H14)
    ordered = chart(
        *depressed(),
        taking(PIMOZIDE_2, date(2024, 3, 4), rid="mr-p"),
        drafts=(drafted(SERTRALINE_100),),
    )
    order_card = at_order(ordered, "order-sign")[ORDER]
    assert order_card.indicator is Indicator.CRITICAL
    assert order_card.summary.startswith("Sertraline ordered with pimozide running")
    assert "do not combine" in order_card.summary


@pytest.mark.parametrize(
    "drug",
    [
        ("349332", "escitalopram 10 MG Oral Tablet"),
        ("200371", "citalopram 20 MG Oral Tablet"),
        ("1738495", "paroxetine hydrochloride 20 MG Oral Tablet"),
    ],
)
def test_pimozide_with_other_contraindicated_antidepressants(drug: tuple[str, str]) -> None:
    record = chart(
        *depressed(), taking(PIMOZIDE_2, date(2024, 3, 4), rid="mr-p"), drafts=(drafted(drug),)
    )
    assert at_order(record)[ORDER].indicator is Indicator.CRITICAL


@pytest.mark.parametrize(
    "drug",
    [
        ("310385", "fluoxetine 20 MG Oral Capsule"),
        DULOXETINE_60,
        ("903884", "fluvoxamine maleate 100 MG Oral Tablet"),
    ],
)
def test_thioridazine_with_a_cyp2d6_inhibitor_is_critical(drug: tuple[str | None, str]) -> None:
    record = chart(
        *depressed(),
        taking(THIORIDAZINE_50, date(2023, 5, 1), per_day=2, rid="mr-t"),
        taking(drug, date(2025, 2, 3), rid="mr-ad"),
    )
    card = on_chart(record)[CHART]
    assert card.indicator is Indicator.CRITICAL
    assert card.summary.startswith("Thioridazine and ")
    assert "thioridazine 100 mg/day, running since 2023-05-01" in card.detail


def test_thioridazine_with_sertraline_is_not_listed() -> None:
    # Sertraline has little CYP2D6 effect (Hansten and Horn): not a pair of the table.
    record = chart(
        *depressed(),
        taking(THIORIDAZINE_50, date(2023, 5, 1), rid="mr-t"),
        taking(SERTRALINE_100, date(2025, 2, 3), rid="mr-s"),
    )
    assert ("thioridazine", Role.INTERACTING) in {(t.ingredient, t.role) for t in record.trials}
    assert CHART not in on_chart(record)


# --- Zelapar -------------------------------------------------------------------------------------


def test_zelapar_is_read_as_oral_selegiline_for_the_maoi_check() -> None:
    record = chart(
        *depressed(),
        taking(ZELAPAR, date(2024, 6, 3), rid="mr-z"),
        drafts=(drafted(SERTRALINE_100),),
    )
    assert [(t.ingredient, t.role) for t in record.trials] == [
        ("oral selegiline", Role.INTERACTING)
    ]
    assert at_order(record)[MAOI].summary.startswith(
        "Sertraline ordered while oral selegiline (MAO-B inhibitor) is running"
    )


# --- codes and the tables ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "ingredients"),
    [
        ("314076", ["lisinopril"]),
        ("316049", ["hydrochlorothiazide"]),  # Synthea 2019's "Hydrochlorothiazide 25 MG"
        ("979471", ["hydrochlorothiazide", "losartan"]),
        ("849574", ["naproxen"]),
        ("834022", ["ketorolac"]),
        ("29046", ["lisinopril"]),
        ("5640", ["ibuprofen"]),
    ],
)
def test_product_and_ingredient_codes_are_read_without_a_display(
    code: str, ingredients: list[str]
) -> None:
    found = recognise({"coding": [{"system": RXNORM, "code": code}]})
    assert [c.ingredient for c in found] == ingredients


def _rows(package: str, name: str) -> list[dict[str, str]]:
    text = resources.files(package).joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_the_new_rows_are_sourced() -> None:
    ours = {
        "lithium-nsaid",
        "lithium-raas",
        "lithium-thiazide",
        "pimozide-contraindicated",
        "thioridazine-contraindicated",
    }
    rows = {r["id"]: r for r in _rows("services", "drug_interactions.csv") if r["id"] in ours}
    assert set(rows) == ours
    assert {rows[i]["severity"] for i in ours if i.startswith("lithium")} == {"warning"}
    assert rows["pimozide-contraindicated"]["severity"] == "critical"
    assert rows["thioridazine-contraindicated"]["severity"] == "critical"
    assert all(r["source"] and r["status"] == "corroborated" for r in rows.values())
    # Aspirin and sulindac: the usual carve-out, said in the notes, never a lithium partner.
    # Aspirin is read since review 12 finding 6 (its bleeding row beside an SSRI/SNRI), as a
    # salicylate, not an NSAID, and never beside lithium.
    assert "aspirin and sulindac" in rows["lithium-nsaid"]["notes"]
    aspirin = drug_table.drug_info("aspirin")
    assert aspirin is not None and aspirin.drug_class != "NSAID"
    assert "lithium" not in aspirin.read_only_with
    assert interaction_table.rows_for("lithium", "aspirin") == ()
    assert drug_table.drug_info("sulindac") is None
    brands = {r["brand"]: r for r in _rows("fhir_mapping", "brand_names.csv")}
    assert (
        brands["Zelapar"]["ingredients"] == brands["Eldepryl"]["ingredients"] == ("oral selegiline")
    )


def _undated_statement(drug: tuple[str, str], rid: str) -> Resource:
    """An active MedicationStatement with no effective date (medication history reconciled
    without dates): FHIR R4 allows it (effective[x] 0..1)."""
    statement = fb.medication_statement(drug[0], drug[1], date(2024, 1, 1), patient=P, id=rid)
    for field in ("effectivePeriod", "effectiveDateTime", "dateAsserted"):
        statement.pop(field, None)
    return statement


def test_an_undated_lisinopril_statement_is_a_gap_only_beside_lithium() -> None:
    """Without lithium an undated lisinopril is not this service's business: no "Data not read"
    line on cards about depression (noise). Beside lithium it could hide the interaction, so it
    is named, as still taken (DataGap.taken_now)."""
    undated = _undated_statement(LISINOPRIL_10, "ms-lis")
    alone = chart(*depressed(), taking(SERTRALINE_100, date(2024, 9, 2), rid="mr-s"), undated)
    assert alone.gaps == ()
    with_lithium = chart(*depressed(), on_lithium(), undated)
    (gap,) = with_lithium.gaps
    assert gap.source is not None and gap.source.id == "ms-lis"
    assert gap.taken_now == ("lisinopril",)


def test_a_lithium_draft_reads_the_partners_the_chart_holds() -> None:
    """The partners are read when lithium is only drafted (order-select), not yet on the chart."""
    record = chart(
        *depressed(),
        taking(HCTZ_25, date(2023, 5, 1), rid="mr-h"),
        drafts=(drafted(LITHIUM_300, per_day=3, rid="draft-li"),),
    )
    assert [t.ingredient for t in record.trials if t.role is Role.INTERACTING] == [
        "hydrochlorothiazide"
    ]
    without = chart(*depressed(), taking(HCTZ_25, date(2023, 5, 1), rid="mr-h"))
    assert [t.ingredient for t in without.trials if t.role is Role.INTERACTING] == []


def test_the_read_only_with_column_names_lithium_for_every_level_raiser_and_nothing_else() -> None:
    conditional = {d.ingredient: d.read_only_with for d in drug_table.all_drugs()}
    raisers = {
        d.ingredient
        for d in drug_table.all_drugs()
        if d.drug_class
        in {"NSAID", "ACE inhibitor", "angiotensin II receptor blocker", "thiazide diuretic"}
    }
    # Lithium names exactly its level raisers; since review 12 finding 6 the NSAIDs are read
    # beside an SSRI/SNRI too (bleeding), the blood thinners only beside those.
    assert {i for i, w in conditional.items() if "lithium" in w} == raisers
    nsaids = {d.ingredient for d in drug_table.all_drugs() if d.drug_class == "NSAID"}
    only_lithium = {i for i, w in conditional.items() if w == frozenset({"lithium"})}
    assert only_lithium == raisers - nsaids
    assert all({"lithium", "sertraline", "venlafaxine"} <= conditional[n] for n in nsaids)


def test_brand_only_home_medications_meet_lithium() -> None:
    """Review 9 finding 1: home medications entered by brand, text only ("Zestril 20 mg tablet",
    "Advil 200 mg tablet"), as patient-entered Epic and Oracle statements are; read only beside
    lithium, as the generics are."""
    zestril = fb.medication_statement(None, "Zestril 20 mg tablet", date(2023, 3, 6), patient=P)
    zestril["id"] = "ms-zestril"
    advil = fb.medication_statement(None, "Advil 200 mg tablet", date(2024, 2, 5), patient=P)
    advil["id"] = "ms-advil"
    card = on_chart(chart(*depressed(), on_lithium(), zestril, advil))[CHART]
    assert "**Lithium with lisinopril** (warning)" in card.detail
    assert "**Lithium with ibuprofen** (warning)" in card.detail
    alone = chart(*depressed(), taking(SERTRALINE_100, date(2024, 9, 2), rid="mr-s"), zestril)
    assert [t.ingredient for t in alone.trials if t.role is Role.INTERACTING] == []
    assert alone.gaps == ()


def test_a_voltaren_gel_is_not_read_as_oral_diclofenac() -> None:
    assert recognise({"text": "Voltaren gel 1%"}) == ()
