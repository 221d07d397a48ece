"""Recheck 18a WRONG findings and two minors: antithyroid texts read as thyroid replacement,
esketamine given in clinic missed by the blood-pressure card, and the checks on a deceased
patient's order.

- t01b: "Thyroid blocker - PTU 50 mg TID" and "anti thyroid med per endo" were read as
  desiccated thyroid, so a liothyronine draft in a thyrotoxic patient got "already on thyroid
  hormone replacement". The bare word "thyroid" in free text now needs a replacement context and
  never counts beside an antithyroid word (fhir_mapping/data/text_name_contexts.csv).
- t04 (minor): Armour Thyroid and levothyroxine both running: the summary named levothyroxine
  only and the detail said the same sentence twice; one line now names both.
- e05: esketamine charted only as MedicationAdministrations (a REMS clinic's MAR) with 172/104
  and 168/106: no chart-open warning. A session within policy.esketamine_session_recent_days
  (28) now makes it running for the blood-pressure card.
- d03: phenelzine running, mirtazapine drafted, Patient deceased 2025-05-20: only "no checks
  ran". The checks now run, the deceased line first, the one-clicks held.
- d01 (minor): a deceasedDateTime in the future is read as alive and now named once.

Charts: tests/services/recheck18a_charts/*.json (CDS Hooks requests, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.drug_concept import concept_reading
from fhir_mapping.medications import medication_events
from fhir_mapping.product_text import parse_product_text
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import topics

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "recheck18a_charts"
Doc = dict[str, Any]
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
CAUTION = "order-drug-caution"
RUNNING_BP = "running-drug-blood-pressure"
QUALITY = "data-quality"
MAOI = "order-maoi-interaction"
REPLACEMENT = "already on thyroid hormone replacement"

_chart = chart_files.loader(CHARTS)


def _cards(doc: Doc, *, policy: Policy | None = None) -> list[Doc]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=policy or Policy())
    found: list[Doc] = result.response.to_json()["cards"]
    return found


# --- t01b: antithyroid wording is never thyroid replacement ---------------------------------------


def test_antithyroid_texts_give_no_replacement_line_at_a_liothyronine_order() -> None:
    doc = _chart("t01b_antithyroid_text_variants")
    events, _ = medication_events(list(chart_files.prefetch_resources(doc)), as_of=AS_OF)
    assert not [e for e in events if e.ingredient == "thyroid"]
    cards = _cards(doc)
    assert all(REPLACEMENT not in c["detail"] for c in cards)
    assert all("beside thyroid" not in c["summary"] for c in cards)


@pytest.mark.parametrize(
    "text",
    [
        "Thyroid blocker - PTU 50 mg TID",
        "anti thyroid med per endo",
        "antithyroid medication (Tapazole) 5 mg daily",
        "Anti-thyroid 10 mg",
        "methimazole 10 mg; thyroid",
        "propylthiouracil for thyroid 50 mg",
        "carbimazole 20 mg (thyroid)",
        "thyroid suppressant 5 mg",
        "thyroid med per endo",  # no replacement context: names no drug
        "Thyroid",
    ],
)
def test_free_text_without_a_replacement_context_names_no_thyroid(text: str) -> None:
    assert [c.ingredient for c in parse_product_text(text)] == []


@pytest.mark.parametrize(
    "text",
    [
        "Armour Thyroid 60 mg",
        "NP Thyroid 90 mg tablet",
        "Thyroid 1 grain daily",
        "desiccated thyroid",
        "porcine thyroid",
        "Thyroid 60 MG Oral Tablet",
    ],
)
def test_replacement_texts_still_name_desiccated_thyroid(text: str) -> None:
    assert [c.ingredient for c in parse_product_text(text)] == ["thyroid"]


def test_a_coded_desiccated_thyroid_is_read_from_its_code_whatever_its_text() -> None:
    # RxCUI 10572 (thyroid, USP): the code names the drug; the text rule is for text only.
    concept = {"coding": [{"system": RXNORM, "code": "10572", "display": "thyroid"}]}
    components, _ = concept_reading({**concept, "text": "Thyroid"})
    assert [c.ingredient for c in components] == ["thyroid"]


# --- t04: two replacements, one line ------------------------------------------------------------


def test_armour_and_levothyroxine_make_one_line_naming_both() -> None:
    cards = _cards(_chart("t04_armour_plus_levothyroxine"))
    (card,) = [c for c in cards if REPLACEMENT in c["detail"]]
    assert card["summary"].startswith(
        "Liothyronine beside levothyroxine and desiccated thyroid: adjust by TSH"
    )
    assert card["detail"].count(REPLACEMENT) == 1
    assert "levothyroxine (thyroid hormone replacement), taken since 2024-11-04" in card["detail"]
    assert (
        "desiccated thyroid (thyroid hormone replacement, T4 with T3), taken since 2015-03-02"
        in (card["detail"])
    )


# --- e05: esketamine given in clinic is running for the blood-pressure card ---------------------


def test_esketamine_given_in_clinic_with_high_readings_gets_the_chart_open_warning() -> None:
    cards = _cards(_chart("e05_esketamine_running_admin_high_bp"))
    (card,) = [c for c in cards if c["source"]["topic"]["code"] == RUNNING_BP]
    assert card["indicator"] == "warning"
    assert "esketamine last given 2025-05-29" in card["summary"] and "168/106" in card["summary"]
    assert "172/104 mm Hg on 2025-05-12" in card["detail"]
    assert (
        "esketamine given in clinic: 8 sessions since 2025-05-05, the last on 2025-05-29"
        in (card["detail"])
    )
    assert "MedicationAdministration/" not in card["detail"]  # by its day (session 21)
    assert "before each dose" in card["detail"]


def test_sessions_older_than_the_policy_window_are_not_running() -> None:
    # The last session is 4 days before as-of: a 3-day window reads the course as stopped.
    doc = _chart("e05_esketamine_running_admin_high_bp")
    short = Policy(esketamine_session_recent_days=3)
    assert RUNNING_BP not in topics(_cards(doc, policy=short))
    assert RUNNING_BP in topics(_cards(doc, policy=Policy(esketamine_session_recent_days=4)))


# --- d03 / d01: a deceased patient's order ---------------------------------------------------------


def test_an_order_on_a_deceased_chart_runs_the_checks_critical_first() -> None:
    cards = _cards(_chart("d03_deceased_past_maoi_order"))
    # The critical MAOI card first (review s24 RN finding 13), led by the status line; then the
    # status card.
    assert topics(cards)[:2] == [MAOI, QUALITY]
    assert cards[0]["detail"].startswith(
        "**Patient recorded deceased (2025-05-20):** this safety card is shown as for a living patient"
    )
    assert cards[1]["summary"] == (
        "Patient recorded deceased (2025-05-20): check the chart before signing"
    )
    assert cards[1]["indicator"] == "warning"
    assert "no checks ran" not in cards[1]["summary"] + cards[1]["detail"]
    (maoi,) = [c for c in cards if c["source"]["topic"]["code"] == MAOI]
    assert maoi["indicator"] == "critical"
    # The phenelzine order (30 days, no refill) was never filled while the chart's dispenses
    # carry the escitalopram fills: past its authorised supply it is "listed", not "running"
    # (review s23 RO finding 2, fhir_mapping/unfilled_order.py); the card stays critical.
    assert maoi["summary"].startswith("Mirtazapine ordered while phenelzine (MAOI) is listed (")
    assert "confirm it is not taken" in maoi["summary"]
    # No one-click writes an order on a chart recorded deceased.
    assert all(not c.get("suggestions") for c in cards)


def test_chart_open_on_a_deceased_patient_keeps_the_safety_card_critical_first() -> None:
    # Review 19 E1: chart open says the status (information) and keeps the MAOI pair's card (if
    # the status is wrong, it must not be lost); no pathway card
    # (test_claims19_deceased_inactive_tms.py).
    doc = _chart("d03_deceased_past_maoi_order")
    doc["hook"] = "patient-view"
    doc["context"] = {k: v for k, v in doc["context"].items() if k in ("userId", "patientId")}
    # Critical first (review s24 RN finding 13): the MAOI card, naming the status, then it.
    assert topics(_cards(doc)) == ["maoi-combination", QUALITY]


def test_a_date_of_death_in_the_future_is_named_once_and_the_checks_run() -> None:
    cards = _cards(_chart("d01_deceased_future_date_order"))
    assert topics(cards)[0] == MAOI and cards[0]["indicator"] == "critical"
    said = "the Patient resource gives a date of death, 2026-01-15, after today (2025-06-02)"
    assert said in cards[0]["detail"]
    assert sum(c["detail"].count(said) for c in cards) == 1
    assert QUALITY not in topics(cards)


def test_thyroid_pork_text_is_thyroid_replacement_beside_a_liothyronine_draft() -> None:
    # Recheck 18c R1: "Thyroid (pork)" (Armour's porcine gland in plain words) was dropped in
    # silence, and the liothyronine draft got no caution.
    summaries = [c["summary"] for c in _cards(_chart("t_pork_thyroid_text_draft_liothyronine"))]
    assert any(s.startswith("Liothyronine beside desiccated thyroid") for s in summaries), summaries
