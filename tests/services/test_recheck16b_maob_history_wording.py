"""Second recheck of review 16: MAO-B inhibitor rows, an older ED visit for suicidal ideation, and
wording (W1, W4, m01, m04, c02, a05).

- W1 (m03, m03b): safinamide running and sertraline drafted was critical ("14 days off
  safinamide first") from a recalled label. The Xadago label contraindicates SNRIs and tri- or
  tetracyclic antidepressants but asks only to monitor for serotonin syndrome with an SSRI: now a
  warning, as rasagiline's; venlafaxine stays critical.
- m04: oral selegiline with sertraline stays critical (the Eldepryl labelling says to avoid the
  pair; no label read says "not recommended").
- m01: rasagiline and venlafaxine running, sertraline drafted: the order card named rasagiline
  alone. Now it names venlafaxine, running with rasagiline, too.
- W4 (c04, c05): an ED visit for suicidal ideation 100 days ago left no trace. Now one line of
  history on the optimise card (within policy.suicide_ed_visit_history_days), or a note on the
  suicide-risk card's risk-factor line when that card fires; never a card of its own.
- c02: a psychiatric stay in progress and item 9 = 3: the suicide card asked for a "same-day
  psychiatric evaluation". Now it names the stay and asks to assess on the ward today.
- a05: the "Allergies could not be read" card cited CANMAT and said "prefetch key". Now plain
  words, and the chart's data as its source.

Charts: the second recheck's CDS Hooks requests (tests/services/recheck16_charts/, US Core /
Epic shaped).
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services.policy import Policy
from tests.services import chart_files
from tests.services.item9_answers import answered

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "recheck16_charts"
Doc = dict[str, Any]
MAOI = "order-maoi-interaction"
SUICIDE = "suicide-risk"
OPTIMISE = "optimize-switch-augment"
ED_CONDITION = "Condition/86b2ec63-5b10-5c66-88ee-a12eb064b521"

_chart = chart_files.loader(CHARTS)


def _evaluate(doc: Doc, policy: Policy | None = None) -> dict[str, Doc]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=policy or Policy())
    cards: list[Doc] = result.response.to_json()["cards"]
    return {c["source"]["topic"]["code"]: c for c in cards}


def _all_text(cards: dict[str, Doc]) -> str:
    return "\n".join(c["summary"] + "\n" + c.get("detail", "") for c in cards.values())


# --- W1 and m04: the MAO-B inhibitors' rows ----------------------------------------------------


def test_an_ssri_ordered_while_safinamide_runs_is_a_warning_to_watch_not_a_washout() -> None:
    card = _evaluate(_chart("m03_safinamide_running_draft_sertraline"))[MAOI]
    assert card["indicator"] == "warning"
    assert "watch for serotonin syndrome" in card["summary"]
    assert "14 days off safinamide first" not in card["summary"]
    assert "lowest effective dose" in card["detail"]
    assert "neurologist's decision" in card["detail"]
    assert card["source"]["label"] == "Xadago US label 4 and 7"
    assert "recalled" not in card["source"]["label"]


def _running_with_safinamide(draft_chart: str) -> Doc:
    """m03 at chart open, the drafted antidepressant of `draft_chart` running since 2025-03-03."""
    doc = _chart("m03_safinamide_running_draft_sertraline")
    draft = _chart(draft_chart)["context"]["draftOrders"]["entry"][0]["resource"]
    running = copy.deepcopy(draft)
    running["id"] = "running-antidepressant-1"
    running["status"] = "active"
    running["authoredOn"] = "2025-03-03"
    running["subject"] = doc["prefetch"]["medicationRequests"]["entry"][0]["resource"]["subject"]
    doc["prefetch"]["medicationRequests"]["entry"].append(
        {"fullUrl": f"MedicationRequest/{running['id']}", "resource": running}
    )
    doc["hook"] = "patient-view"
    doc["context"].pop("draftOrders")
    return doc


def test_safinamide_and_a_running_ssri_at_chart_open_are_a_warning() -> None:
    card = _evaluate(_running_with_safinamide("m03_safinamide_running_draft_sertraline"))[
        "maoi-combination"
    ]
    assert card["indicator"] == "warning"
    assert "watch for serotonin syndrome" in card["summary"]


def test_safinamide_and_a_running_snri_at_chart_open_stay_critical() -> None:
    card = _evaluate(_running_with_safinamide("m03b_safinamide_running_draft_venlafaxine"))[
        "maoi-combination"
    ]
    assert card["indicator"] == "critical"


def test_an_snri_ordered_while_safinamide_runs_stays_critical() -> None:
    card = _evaluate(_chart("m03b_safinamide_running_draft_venlafaxine"))[MAOI]
    assert card["indicator"] == "critical"
    assert "14 days off safinamide first" in card["summary"]


def test_an_ssri_ordered_while_oral_selegiline_runs_stays_critical() -> None:
    card = _evaluate(_chart("m04_oral_selegiline_running_draft_sertraline"))[MAOI]
    assert card["indicator"] == "critical"
    assert "14 days off oral selegiline first" in card["summary"]
    assert "Eldepryl labelling" in card["source"]["label"]


# --- m01: every drug running with the MAOI is named -------------------------------------------


def test_the_order_card_names_the_snri_running_with_rasagiline() -> None:
    card = _evaluate(_chart("m01_rasagiline_venlafaxine_running_draft_sertraline"))[MAOI]
    assert card["indicator"] == "warning"
    assert (
        "**Also running with rasagiline:** venlafaxine (SNRI, since 2025-03-03; a pair its label "
        "does not recommend). Sertraline would be added to rasagiline and venlafaxine"
    ) in card["detail"]


def test_a_contraindicated_partner_running_with_the_maoi_is_named_as_such() -> None:
    # m03 with venlafaxine running beside safinamide: the sertraline draft's own pair is a
    # warning, and the running SNRI is said to be a pair that must not meet.
    doc = _chart("m03_safinamide_running_draft_sertraline")
    venlafaxine = _chart("m03b_safinamide_running_draft_venlafaxine")
    draft = venlafaxine["context"]["draftOrders"]["entry"][0]["resource"]
    running = copy.deepcopy(draft)
    running["id"] = "running-venlafaxine-1"
    running["status"] = "active"
    running["authoredOn"] = "2025-03-03"
    running["subject"] = doc["prefetch"]["medicationRequests"]["entry"][0]["resource"]["subject"]
    doc["prefetch"]["medicationRequests"]["entry"].append(
        {"fullUrl": f"MedicationRequest/{running['id']}", "resource": running}
    )
    card = _evaluate(doc)[MAOI]
    assert "**Also running with safinamide:** venlafaxine (SNRI" in card["detail"]
    assert "a pair that must not meet: stop one" in card["detail"]


# --- W4: an ED visit for suicidal ideation 100 days ago ---------------------------------------


def test_an_ed_visit_for_suicidal_ideation_100_days_ago_is_one_history_line() -> None:
    cards = _evaluate(answered(_chart("c04_ed_si_100_days_ago")))
    assert SUICIDE not in cards  # past the 90-day window: no card of its own
    detail = cards[OPTIMISE]["detail"]
    assert detail.startswith(
        "**Suicide risk history:** ED visit for suicidal ideation on 2025-02-22 (100 days ago; "
        "ICD-10-CM R45.851). Not a current signal"
    )
    assert detail.count("Suicide risk history") == 1
    assert "Goldman-Mellor 2019; Olfson 2021" in detail
    assert _all_text(cards).count("2025-02-22") == 1


def test_an_ed_visit_past_the_history_year_is_not_named() -> None:
    cards = _evaluate(_chart("c04_ed_si_100_days_ago"), Policy(suicide_ed_visit_history_days=99))
    assert "Suicide risk history" not in _all_text(cards)


def test_when_the_suicide_card_fires_the_ed_visit_is_a_risk_factor_there_only() -> None:
    doc = _chart("c04_ed_si_100_days_ago")
    entries = doc["prefetch"]["observations"]["entry"]
    item9 = next(e for e in entries if e["resource"]["code"]["coding"][0]["code"] == "44260-8")
    positive = copy.deepcopy(item9)
    positive["resource"]["id"] = "item9-2025-05-12"
    positive["fullUrl"] = "Observation/item9-2025-05-12"
    positive["resource"]["effectiveDateTime"] = "2025-05-12T09:30:00-05:00"
    positive["resource"]["issued"] = "2025-05-12T10:05:00-05:00"
    positive["resource"]["valueInteger"] = 2
    entries.append(positive)
    cards = _evaluate(doc)
    assert "Suicide risk history" not in cards[OPTIMISE]["detail"]
    assert (
        "Suicidal ideations (ICD-10-CM R45.851) since 2025-02-22, encounter diagnosis of the ED "
        "visit on 2025-02-22: older than 90 days, not a current signal; within the year after an "
        "ED visit for it, when suicide risk stays raised"
    ) in cards[SUICIDE]["detail"]


def test_an_ed_visit_60_days_ago_stays_the_critical_card_with_no_history_line() -> None:
    cards = _evaluate(_chart("c05_ed_si_60_days_ago_item9_zero_since"))
    assert cards[SUICIDE]["indicator"] == "critical"
    assert "Suicide risk history" not in _all_text(cards)


# --- c02: a psychiatric stay in progress --------------------------------------------------------


def test_the_suicide_card_asks_the_ward_not_a_same_day_evaluation_during_a_stay() -> None:
    card = _evaluate(_chart("c02_psych_stay_in_progress_item9_positive"))[SUICIDE]
    assert card["indicator"] == "critical"
    text = card["summary"] + card["detail"]
    assert "same-day psychiatric evaluation" not in text
    assert "**Currently admitted (psychiatric) since 2025-05-26**" in card["detail"]
    assert "assess on the ward today" in card["detail"]
    assert [s["label"] for s in card["suggestions"]] == [
        "Order a suicide risk assessment on the ward today (C-SSRS)"
    ]


def test_without_a_stay_the_same_answer_keeps_the_same_day_wording() -> None:
    doc = _chart("c02_psych_stay_in_progress_item9_positive")
    entries = doc["prefetch"]["encounters"]["entry"]
    for entry in entries:
        if entry["resource"].get("status") == "in-progress":
            entry["resource"]["status"] = "finished"
            entry["resource"]["period"]["end"] = "2025-05-30T10:00:00-05:00"
    card = _evaluate(doc)[SUICIDE]
    assert "Currently admitted" not in card["detail"]
    assert "consider same-day psychiatric evaluation" in card["detail"]


# --- a05: the allergy list not read ---------------------------------------------------------------


def test_the_allergies_not_read_card_speaks_plainly_and_cites_the_chart() -> None:
    cards = _evaluate(_chart("a05_allergy_key_missing_draft_sertraline_x"))
    card = next(c for c in cards.values() if c["summary"].startswith("Allergies could not be read"))
    assert "prefetch" not in card["detail"]
    assert "The EHR did not send the list with this request" in card["detail"]
    assert card["source"]["label"] == (
        "This chart's allergy list as the EHR sent it (not read in full)"
    )
    assert "CANMAT" not in card["source"]["label"] + card["detail"]
