"""Review 13 W1-W3: Auvelity with a strong CYP2D6 inhibitor, St John's wort sent as a
text-only MedicationStatement beside an SSRI, and a stimulant drafted with a stimulant use
disorder on record."""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping.record import PatientRecord
from services.policy import Policy
from services.recommendation import Indicator
from services.rules import populations
from tests.fixtures import builders as fb
from tests.services.test_order_safety import (
    FLUOXETINE_20,
    PAROXETINE_20,
    SERTRALINE_100,
    P,
    at_order,
    chart,
    depressed,
    drafted,
    on_chart,
    taking,
)

pytestmark = pytest.mark.real_drug_table

ORDER = "order-drug-interaction"
CHART = "drug-interaction"
CAUTION = "order-drug-contraindicated"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
AUVELITY = (
    "2611260",
    "bupropion hydrochloride 105 MG / dextromethorphan hydrobromide 45 MG "
    "Extended Release Oral Tablet",
)
QUINIDINE = ("9068", "quinidine sulfate 200 MG Oral Tablet")
METHYLPHENIDATE_10 = (None, "methylphenidate hydrochloride 10 MG Oral Tablet")
DEXTROAMPHETAMINE_10 = (None, "dextroamphetamine sulfate 10 MG Oral Tablet")


def _statement(
    text: str, rxcui: str | None = None, asserted: date = date(2025, 5, 19)
) -> dict[str, object]:
    """An OTC product as Epic sends it: a patient-reported MedicationStatement, text only, taken
    since 2025-03-01 and asserted two weeks before as-of (session 39 stmt72: a patient's statement
    counts one usual fill past its dateAsserted, fhir_mapping/reported_window.py; these tests
    are about reading the product, not how long ago it was reported)."""
    return fb.medication_statement(
        rxcui, text, date(2025, 3, 1), patient=P, id="ms-otc", date_asserted=asserted
    )


def _diagnosis(code: str, display: str) -> dict[str, object]:
    return fb.condition(ICD10, code, display, date(2023, 6, 1), patient=P, id="cond-sud")


# --- W1: Auvelity with a strong CYP2D6 inhibitor --------------------------------------------------


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_paroxetine_ordered_beside_running_auvelity_is_a_warning_with_the_label_dose(
    hook: str,
) -> None:
    record = chart(
        *depressed(),
        taking(AUVELITY, date(2025, 1, 6), per_day=2, rid="mr-auv"),
        drafts=(drafted(PAROXETINE_20),),
    )
    # Before: no card at all (review 13 W1).
    card = at_order(record, hook)[ORDER]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith(
        "Paroxetine ordered with dextromethorphan-bupropion running: more dextromethorphan"
    )
    # The mg are the bupropion's (the table's range is in bupropion mg): named, so 210 mg/day
    # never reads as 210 mg of dextromethorphan on a card about more dextromethorphan.
    assert "dextromethorphan-bupropion (bupropion 210 mg/day)" in card.detail
    assert "1 tablet (45 mg/105 mg) once daily" in card.detail
    assert "serotonin syndrome" in card.detail
    assert "Auvelity label 2 and 7.1" in card.detail


@pytest.mark.parametrize(
    "running", [PAROXETINE_20, FLUOXETINE_20, QUINIDINE], ids=["paroxetine", "fluoxetine", "quin"]
)
def test_auvelity_ordered_beside_a_running_strong_cyp2d6_inhibitor_is_a_warning(
    running: tuple[str | None, str],
) -> None:
    record = chart(
        *depressed(),
        taking(running, date(2025, 1, 6), rid="mr-inh"),
        drafts=(drafted(AUVELITY),),
    )
    card = at_order(record)[ORDER]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith("Dextromethorphan-bupropion ordered with")


def test_auvelity_and_paroxetine_both_running_is_a_chart_warning() -> None:
    record = chart(
        *depressed(),
        taking(AUVELITY, date(2025, 1, 6), per_day=2, rid="mr-auv"),
        taking(PAROXETINE_20, date(2025, 2, 3), rid="mr-par"),
    )
    card = on_chart(record)[CHART]
    assert card.indicator is Indicator.WARNING
    assert "Dextromethorphan-bupropion and paroxetine both running" in card.summary


def test_auvelity_beside_sertraline_is_not_this_rows_pair() -> None:
    # Sertraline is not a strong CYP2D6 inhibitor: no interaction card (a cross-taper is common).
    record = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-s"),
        drafts=(drafted(AUVELITY),),
    )
    assert ORDER not in at_order(record)


# --- W2: St John's wort, text only ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rxcui"),
    [
        ("St. John's Wort 300 mg capsule (OTC)", None),
        ("Hypericum perforatum 300 mg capsule", None),
        ("St. John's wort extract", "258326"),
    ],
    ids=["epic-text", "latin-name", "rxnorm-ingredient"],
)
def test_st_johns_wort_statement_with_sertraline_drafted_is_a_serotonin_warning(
    text: str, rxcui: str | None
) -> None:
    record = chart(*depressed(), _statement(text, rxcui), drafts=(drafted(SERTRALINE_100),))
    # Before: no card, and --explain said nothing of the statement (review 13 W2).
    card = at_order(record)[ORDER]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Sertraline ordered with St John's wort running: serotonin syndrome risk; stop St John's "
        "wort"
    )  # its display name, not the table's lower case (review 14 recheck t04)
    # Named by its date, not its resource id (review 19 b01s).
    assert "running since 2025-03-01" in card.detail
    assert "MedicationStatement/ms-otc" not in card.detail
    assert "CYP3A4" in card.detail


def test_st_johns_wort_reported_long_ago_still_warns_as_listed() -> None:
    # stmt72: asserted on its start, 93 days before as-of, it is "listed" (to confirm), not
    # "running": the safety check still sees it, the safer reading.
    old = _statement("St. John's Wort 300 mg capsule (OTC)", asserted=date(2025, 3, 1))
    card = at_order(chart(*depressed(), old, drafts=(drafted(SERTRALINE_100),)))[ORDER]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith("Sertraline ordered with St John's wort listed: serotonin")


def test_st_johns_wort_and_a_running_ssri_is_a_chart_warning() -> None:
    record = chart(
        *depressed(),
        _statement("St. John's Wort 300 mg capsule (OTC)"),
        taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-s"),
    )
    assert on_chart(record)[CHART].indicator is Indicator.WARNING


def test_st_johns_wort_alone_is_no_card() -> None:
    # Nothing to act on without a serotonergic antidepressant: no interaction card, no gap.
    record = chart(*depressed(), _statement("St. John's Wort 300 mg capsule (OTC)"))
    recs = on_chart(record)
    assert CHART not in recs and "data-quality" not in recs


def test_an_unknown_text_only_herbal_is_not_reported() -> None:
    # Decision (review 13 W2): a named product the service does not know is left unread without
    # a data-quality card. Every chart carries such lists (vitamins, antihypertensives); an
    # interaction check here depends only on the drugs of its own tables, each read by name and
    # alias, and every interaction card says the rest is the EHR's screening.
    record = chart(
        *depressed(),
        _statement("Ashwagandha root 500 mg capsule"),
        drafts=(drafted(SERTRALINE_100),),
    )
    assert ORDER not in at_order(record)
    assert "data-quality" not in at_order(record)


# --- W3: a stimulant with a stimulant use disorder ------------------------------------------------


@pytest.mark.parametrize(
    ("diagnosis", "drug"),
    [
        (("F15.20", "Other stimulant dependence, uncomplicated"), METHYLPHENIDATE_10),
        (("F14.20", "Cocaine dependence, uncomplicated"), DEXTROAMPHETAMINE_10),
    ],
    ids=["f15-methylphenidate", "f14-dextroamphetamine"],
)
def test_a_stimulant_drafted_with_a_stimulant_use_disorder_is_a_warning(
    diagnosis: tuple[str, str], drug: tuple[str | None, str]
) -> None:
    record = chart(*depressed(), _diagnosis(*diagnosis), drafts=(drafted(drug, per_day=2),))
    # Before: no card (review 13 W3): an `interacting` draft met no condition rule.
    card = at_order(record)[CAUTION]
    assert card.indicator is Indicator.WARNING
    assert "boxed warning: abuse, misuse and addiction" in card.summary
    assert diagnosis[0] in card.detail
    assert "stimulant labels, Boxed Warning (FDA 2023)" in card.detail


# In remission (F15.21) was a case here; G2 (recheck 13 n26) makes it an info line at the order
# (tests/services/test_recheck13_lines_holds.py), never this warning.
@pytest.mark.parametrize(
    "diagnosis",
    [
        ("F10.20", "Alcohol dependence, uncomplicated"),
    ],
    ids=["alcohol-only"],
)
def test_no_stimulant_caution_without_an_active_stimulant_use_disorder(
    diagnosis: tuple[str, str],
) -> None:
    record = chart(*depressed(), _diagnosis(*diagnosis), drafts=(drafted(METHYLPHENIDATE_10),))
    assert CAUTION not in at_order(record)


def _never(record: PatientRecord, ingredient: str, drug_class: str) -> bool:
    population = populations.population(record, Policy())
    return any(
        r.rule.choice.value == "never" and r.rule.covers(ingredient, drug_class)
        for r in population.applying
    )


def test_the_pathway_never_proposes_a_stimulant_or_modafinil_with_a_stimulant_use_disorder() -> (
    None
):
    record = chart(*depressed(), _diagnosis("F15.20", "Other stimulant dependence, uncomplicated"))
    assert _never(record, "modafinil", "wake-promoting agent")
    assert _never(record, "methylphenidate", "stimulant (sympathomimetic)")
    assert not _never(record, "aripiprazole", "atypical antipsychotic")
    plain = chart(*depressed())
    assert not _never(plain, "modafinil", "wake-promoting agent")
