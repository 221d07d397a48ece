"""The drug table: rows, lookups, and agreement with the shared clinical reference."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pytest

from fhir_mapping.drug_table import all_drugs, canonical_ingredient, drug_info, drug_namings
from fhir_mapping.record import Role

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "clinical"
MECHANISM_GROUPS = {
    "SSRI",
    "SNRI",
    "NDRI",
    "NaSSA",
    "serotonin modulator",
    "melatonergic",
    "TCA",
    "MAOI",
    "NRI",
    "NMDA antagonist",
    "atypical antipsychotic",
    # Approved after CANMAT 2023 (review 10 finding 2): gepirone (Exxua), zuranolone (Zurzuvae).
    "5-HT1A agonist",
    "neuroactive steroid",
}
AUGMENTATION_CLASSES = MECHANISM_GROUPS | {
    "mood stabilizer",
    "thyroid hormone",
    "wake-promoting agent",
    "anticonvulsant",
    "dopamine agonist",
    "typical antipsychotic",
}
# Drugs recognised only for the MAOI interaction check (interacting_drugs.csv, review finding 5).
INTERACTING_CLASSES = {
    "MAOI",
    "opioid (serotonergic)",
    "antitussive (serotonergic)",
    "stimulant (sympathomimetic)",
    "MAO-B inhibitor",
    "triptan (5-HT1B/1D agonist)",  # sumatriptan, rizatriptan, zolmitriptan (s23 RD leftover 1)
    # interaction_partners.csv: the pairs of services/data/drug_interactions.csv (review 7
    # finding 5).
    "antioestrogen",
    # other_psychotropics.csv: psychotropics with a safety row of their own (review s26 RG 1).
    "anticonvulsant (valproate)",
    # The antiseizure drugs the TMS safety screen asks about (fix tms43, review K30c).
    "antiseizure",
    "antiseizure (benzodiazepine)",
    "gabapentinoid",
    "muscle relaxant",
    "hypnotic (melatonin agonist)",
    # Drugs that raise lithium levels (review 7 leftover: drug_interactions.csv lithium-* rows), and
    # pimozide / thioridazine, antipsychotics recognised for their contraindicated pairs.
    "NSAID",
    "ACE inhibitor",
    "angiotensin II receptor blocker",
    "thiazide diuretic",
    "typical antipsychotic",
    # Lorazepam, named beside catatonia on the optimise card (review 11 finding 7).
    "benzodiazepine",
    # St John's wort, read on text-only statements for its serotonergic pairs (review 13 W2).
    "herbal (serotonergic)",
    # Bleeding beside an SSRI/SNRI (review 12 finding 6; warfarin apart: its row asks for the
    # INR), theophylline beside fluvoxamine, and the inducers that lower antidepressant levels
    # (review 12 finding 11).
    "anticoagulant",
    "vitamin K antagonist",
    "antiplatelet",
    "salicylate",
    "methylxanthine bronchodilator",
    # Alosetron beside fluvoxamine (contraindicated), codeine and metoprolol beside a
    # CYP2D6-inhibiting antidepressant (review 14 W1, W3).
    "5-HT3 antagonist (IBS)",
    "opioid (CYP2D6 prodrug)",
    "beta-blocker (CYP2D6 substrate)",
    "CYP3A4 inducer",
    # Non-psychiatric drugs with a known risk of torsades, read beside an antidepressant with a
    # QTc line (services/data/qt_drugs.csv).
    "antiemetic",
    "antiarrhythmic",
    "fluoroquinolone",
    "macrolide",
    "antimalarial",
    "azole antifungal",
    "cholinesterase inhibitor",
    # Levothyroxine, named beside a liothyronine proposal or order, and
    # Nuedexta (dextromethorphan/quinidine) for its MAOI, QT and CYP2D6 pairs.
    "thyroid hormone replacement",
    # B12, folate and vitamin D replacement, named when a low result is under it
    # (services/data/deficiency_replacements.csv, review s28 RJ finding 3).
    "vitamin replacement",
    "NMDA antagonist/CYP2D6 inhibitor (pseudobulbar affect)",
    # Ritonavir and cobicistat, strong CYP3A4 inhibitors beside gepirone or zuranolone (review 15
    # W4; the azoles and clarithromycin keep their classes above).
    "CYP3A4 booster (antiretroviral)",
    # Diltiazem and verapamil, moderate CYP3A4 inhibitors read beside gepirone only (Exxua label
    # halves its dose; recheck of review 15 W-c).
    "calcium channel blocker",
}
# The shared reference's row names -> our keys (qualifiers moved to notes / requires_form).
SHARED_NAMES = {
    "selegiline (transdermal)": "selegiline",
    "quetiapine (monotherapy)": "quetiapine",
    "esketamine (intranasal)": "esketamine",
    "lithium carbonate": "lithium",
}


def _data(name: str) -> list[dict[str, str]]:
    text = resources.files("fhir_mapping").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_row_counts_and_roles() -> None:
    drugs = all_drugs()
    # 37 + gepirone and zuranolone (review 10 finding 2) + brexanolone (review 15 W1).
    assert len([d for d in drugs if d.role is Role.ANTIDEPRESSANT]) == 40
    # 17 CANMAT 2023 Table 7.2 adjuncts (racemic ketamine IV: review 7 finding 7) + 6 other
    # antipsychotics recognised so a running one is seen (issue 11 item 3: no second
    # antipsychotic is proposed; perphenazine, of the amitriptyline/perphenazine tablets:
    # review 10 table leftovers) + buspirone, an adjunct with no CANMAT 2023 line (STAR*D
    # level 2: fix meds49).
    assert len([d for d in drugs if d.role is Role.AUGMENTATION]) == 24
    assert all(d.ingredient == d.ingredient.lower().strip() for d in drugs)


def test_classes_are_the_short_mechanism_groups() -> None:
    for drug in all_drugs():
        allowed = {
            Role.ANTIDEPRESSANT: MECHANISM_GROUPS,
            Role.INTERACTING: INTERACTING_CLASSES,
        }.get(drug.role, AUGMENTATION_CLASSES)
        assert drug.drug_class in allowed, drug


@pytest.mark.parametrize(
    ("name", "drug_class", "minimum", "maximum"),
    [
        ("sertraline", "SSRI", 50, 200),
        ("Venlafaxine", "SNRI", 75, 225),
        ("BUPROPION", "NDRI", 150, 450),
        ("mirtazapine", "NaSSA", 30, 60),
        ("vortioxetine", "serotonin modulator", 10, 20),
        ("trazodone", "serotonin modulator", 150, 400),
        ("agomelatine", "melatonergic", 25, 50),
        ("nortriptyline", "TCA", 75, 150),
        ("moclobemide", "MAOI", 150, 450),
        ("selegiline", "MAOI", 6, 12),
        ("reboxetine", "NRI", 8, 12),
        ("dextromethorphan-bupropion", "NMDA antagonist", 105, 210),
        ("quetiapine", "atypical antipsychotic", 150, 300),
    ],
)
def test_antidepressant_rows(name: str, drug_class: str, minimum: float, maximum: float) -> None:
    info = drug_info(name)
    assert info is not None
    assert info.role is Role.ANTIDEPRESSANT
    assert (info.drug_class, info.min_adequate_mg, info.max_mg) == (drug_class, minimum, maximum)


@pytest.mark.parametrize(
    ("name", "drug_class", "minimum", "maximum", "line"),
    [
        ("aripiprazole", "atypical antipsychotic", 2, 10, "1st"),
        ("brexpiprazole", "atypical antipsychotic", 0.5, 2, "1st"),
        ("cariprazine", "atypical antipsychotic", 1.5, 3, "2nd"),
        ("lithium", "mood stabilizer", 600, 1200, "2nd"),
        ("liothyronine", "thyroid hormone", 0.025, 0.05, "2nd"),
        ("ziprasidone", "atypical antipsychotic", 40, 160, "3rd"),
        ("pramipexole", "dopamine agonist", 2, 4, "3rd"),
    ],
)
def test_augmentation_rows(
    name: str, drug_class: str, minimum: float, maximum: float, line: str
) -> None:
    info = drug_info(name)
    assert info is not None
    assert info.role is Role.AUGMENTATION
    assert (info.drug_class, info.min_adequate_mg, info.max_mg, info.canmat_line) == (
        drug_class,
        minimum,
        maximum,
        line,
    )


def test_aliases_and_case() -> None:
    assert canonical_ingredient("Lithium Carbonate") == "lithium"
    assert canonical_ingredient("  lithium   citrate ") == "lithium"
    assert canonical_ingredient("Triiodothyronine") == "liothyronine"
    assert canonical_ingredient("dextromethorphan/bupropion") == "dextromethorphan-bupropion"
    assert drug_info("LITHIUM CARBONATE") == drug_info("lithium")
    assert drug_info("atorvastatin") is None
    assert drug_info("") is None


def test_dual_role_drugs_prefer_the_antidepressant_row() -> None:
    monotherapy = drug_info("Quetiapine")
    adjunct = drug_info("quetiapine", Role.AUGMENTATION)
    assert monotherapy is not None and adjunct is not None
    assert (monotherapy.role, adjunct.role) == (Role.ANTIDEPRESSANT, Role.AUGMENTATION)
    assert monotherapy.low_dose_use == adjunct.low_dose_use == "insomnia"
    for name in ("bupropion", "mirtazapine", "mianserin"):
        assert drug_info(name).role is Role.ANTIDEPRESSANT  # type: ignore[union-attr]
        assert drug_info(name, Role.AUGMENTATION) is not None
    assert drug_info("sertraline", Role.AUGMENTATION) is None
    assert drug_info("lithium", Role.ANTIDEPRESSANT) is None


def test_codes_follow_code_verification() -> None:
    cariprazine = drug_info("cariprazine")
    lithium = drug_info("lithium")
    quetiapine = drug_info("quetiapine")
    assert cariprazine is not None and cariprazine.rxcui == "1667655"  # corrected, not 1667240
    assert lithium is not None and lithium.rxcui == "42351"  # lithium carbonate, not 6448
    assert quetiapine is not None and quetiapine.rxcui == "51272"
    assert drug_info("agomelatine").rxcui is None  # type: ignore[union-attr]


def test_unverified_doses_are_none() -> None:
    for name in ("amoxapine", "maprotiline", "isocarboxazid"):
        info = drug_info(name)
        assert info is not None
        assert (info.min_adequate_mg, info.max_mg, info.status) == (None, None, "UNVERIFIED")
    esketamine = drug_info("esketamine")
    assert esketamine is not None
    assert (esketamine.role, esketamine.drug_class, esketamine.min_adequate_mg) == (
        Role.AUGMENTATION,
        "NMDA antagonist",
        None,
    )
    fluvoxamine = drug_info("fluvoxamine")
    # CANMAT 2023's fluvoxamine row was not captured: 150 mg is CPS's usual lower bound, so the
    # row is honest about it (it was marked "confirmed").
    assert fluvoxamine is not None and (
        fluvoxamine.min_adequate_mg,
        fluvoxamine.max_mg,
        fluvoxamine.status,
    ) == (150, None, "UNVERIFIED")
    assert fluvoxamine.source.startswith("CPS Therapeutic Choices")


def test_markets_where_canmat_notes_a_drug_is_not_available() -> None:
    """CANMAT 2023 Table 3.3 availability notes (REFERENCE.md 1.6), so a switch list does not
    offer mianserin to a US clinician without saying so."""
    unavailable = {
        d.ingredient: d.not_marketed_in
        for d in all_drugs()
        if d.role is Role.ANTIDEPRESSANT and d.not_marketed_in
    }
    assert unavailable == {
        "milnacipran": ("Canada",),
        "mianserin": ("Canada", "US"),
        "agomelatine": ("Canada", "US"),
        "nefazodone": ("Canada",),
        "selegiline": ("Canada",),
        "moclobemide": ("US",),
        "reboxetine": ("Canada", "US"),
        "dextromethorphan-bupropion": ("Canada",),
    }


def test_markets_where_a_sold_drug_is_not_labelled_for_depression() -> None:
    """Milnacipran is sold in the US as Savella, labelled for fibromyalgia only: a US switch list
    names it as off-label. Clomipramine is sold in the US as Anafranil, labelled for
    obsessive-compulsive disorder only (session 20). Every other row is labelled for depression
    where it is sold (or not sold there at all: not_marketed_in)."""
    off_label = {
        d.ingredient: d.off_label_for_depression_in
        for d in all_drugs()
        if d.off_label_for_depression_in
    }
    assert off_label == {"milnacipran": ("US",), "clomipramine": ("US",)}
    milnacipran = drug_info("milnacipran")
    assert milnacipran is not None and "fibromyalgia only" in milnacipran.source
    clomipramine = drug_info("clomipramine")
    assert clomipramine is not None and "obsessive-compulsive disorder only" in clomipramine.source
    # A market cannot be both "not sold" and "sold off-label".
    assert all(not set(d.off_label_for_depression_in) & set(d.not_marketed_in) for d in all_drugs())


def test_low_dose_use_only_for_the_sleep_and_pain_drugs() -> None:
    with_low_dose = {d.ingredient: d.low_dose_use for d in all_drugs() if d.low_dose_use}
    assert with_low_dose == {
        "trazodone": "insomnia",
        "amitriptyline": "pain/insomnia",
        "doxepin": "insomnia",
        "quetiapine": "insomnia",
        "mirtazapine": "insomnia",  # 7.5-15 mg at bedtime for sleep (review 6 finding 10)
    }


def test_selegiline_requires_the_transdermal_form() -> None:
    naming = {n.ingredient: n for n in drug_namings()}
    assert "transdermal" in naming["selegiline"].requires_form
    assert naming["dextromethorphan-bupropion"].combination_of == ("bupropion", "dextromethorphan")


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not available")
def test_doses_match_the_shared_reference() -> None:
    """Every numeric CANMAT range of ../shared/clinical/antidepressants.csv is carried unchanged."""
    checked = 0
    with (SHARED / "antidepressants.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = SHARED_NAMES.get(row["name"], row["name"])
            info = drug_info(name)
            assert info is not None, row["name"]
            for column, ours in (
                ("min_adequate_mg_day", info.min_adequate_mg),
                ("max_mg_day", info.max_mg),
            ):
                try:
                    expected: float | None = float(row[column])
                except ValueError:
                    continue  # UNVERIFIED, per-session, or "45/105" (combination, see notes)
                assert ours == expected, (row["name"], column)
                checked += 1
    assert checked == 65


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not available")
def test_ingredient_codes_match_code_verification() -> None:
    checked = 0
    with (SHARED / "code_verification.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["kind"] != "rxcui" or row["verdict"] not in ("confirmed", "corrected"):
                continue
            info = drug_info(SHARED_NAMES.get(row["name"], row["name"]))
            if info is None:
                continue
            assert info.rxcui == row["code"], row["name"]
            checked += 1
    # 38 pathway drugs + dextromethorphan (an interacting drug: MAOI check, review finding 5).
    assert checked == 39


def test_every_drug_code_is_an_ingredient_row_of_the_product_table() -> None:
    products = {row["rxcui"]: row for row in _data("rxnorm_products.csv")}
    for drug in all_drugs():
        if drug.rxcui is not None:
            assert products[drug.rxcui]["tty"] == "IN"
            assert products[drug.rxcui]["ingredients"] == drug.ingredient


@pytest.mark.parametrize(
    "name",
    [
        "antidepressants.csv",
        "augmentation_agents.csv",
        "rxnorm_products.csv",
        "brand_names.csv",
        "sig_frequencies.csv",
        "dose_units.csv",
        "text_exclusions.csv",
    ],
)
def test_every_fact_has_a_source_and_a_status(name: str) -> None:
    for row in _data(name):
        assert row["source"].strip(), row
        assert row["status"] in {"confirmed", "corroborated", "UNVERIFIED", "excluded"}, row


def test_product_and_brand_ingredients_are_in_the_drug_table() -> None:
    for row in _data("rxnorm_products.csv") + _data("brand_names.csv"):
        for ingredient in row["ingredients"].split(";"):
            assert drug_info(ingredient) is not None, row
