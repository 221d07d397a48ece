"""Review K65a leftovers after fetch64 (fix fetch65): the MAOI check at the order hooks never
silent and never claiming more than the record shows.

1. The orders unread (required_gap orders_unread), sertraline known only from its fills: the
   MAOI card said "sertraline is running"; the fills show the drug handed over, the order that
   would say it still runs is what was not read: now "sertraline may be running (since
   2026-06-01; known only from its fills; its orders were not read)" (washout_exposures.
   _orders_unread). Chart: fetch64_charts/phenelzine_orders_failed_fills.
2. The orders search read only in part (an OperationOutcome `incomplete` warning, a
   MedicationStatement entry left out, total > entries), no fills, phenelzine drafted: only the
   MAOI diet card and the incomplete line. Now the critical "Current medication orders were read
   only in part" card (order_checks/med_list_unread.py, DataGap.feed_type).
3. A MedicationStatement marked `include` inside the medicationRequests prefetch was read as
   data ("sertraline is running"): no template of the service includes one, so it is left out
   and named as another type (cds_hooks/fhir_data/prefetch_types.py), the orders read in part.
4. An esketamine session ServiceRequest drafted under a local code, named only in its text
   ("AMB REFERRAL TO SPRAVATO", "Esketamine nasal spray session"), beside PHQ-9 item 9 = 3: no
   card at order-sign; now the suicide-risk card (procedure_terms.csv draft-service-request rows,
   fhir_mapping/referrals.py, drafts only). The chart's own requests are read as before.
Controls: a complete orders search; a Medication, an Encounter and the Patient included with
the orders stay read; a prefetch of nothing but a statement keeps fetch64's "could not be read".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping import referrals
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "fetch65_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_fetch64 = chart_files.topic_reader(Path(__file__).parent / "fetch64_charts", date(2026, 12, 1))
MAOI = "order-maoi-interaction"
DIET = "order-maoi-diet"
PART = "Current medication orders were read only in part: phenelzine (MAOI) not checked"
UNREAD = "Current medication orders could not be read: phenelzine (MAOI) not checked"
LINE = "Medications may be incomplete: "

FAILING = {
    "phenelzine_orders_outcome_incomplete_no_fills": "the server said its answer is incomplete",
    "phenelzine_orders_total_more_no_fills": "fewer than its total of 3",
    "phenelzine_orders_statement_entry_no_fills": "holds MedicationStatement, not MedicationRequest",
    "phenelzine_orders_statement_include_no_fills": "holds MedicationStatement, not MedicationRequest",
}
CONTROLS = {
    "phenelzine_orders_complete_no_fills": DIET,
    "phenelzine_orders_included_encounter_patient": DIET,
    "phenelzine_orders_included_medication": "Phenelzine (MAOI) ordered while sertraline may be",
    "phenelzine_orders_statement_only_no_fills": UNREAD,
}


ESKETAMINE = {
    "sign_spravato_epic_local_item9_3": "AMB REFERRAL TO SPRAVATO",
    "sign_esketamine_text_local_item9_3": "Esketamine nasal spray session",
}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FAILING, CONTROLS, ESKETAMINE)


@pytest.mark.parametrize("name", sorted(ESKETAMINE))
def test_a_drafted_esketamine_session_named_in_its_text_gets_the_suicide_risk_card(
    name: str,
) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("text", sorted(ESKETAMINE.values()))
def test_the_charts_own_request_so_named_is_read_as_before(text: str) -> None:
    request = {
        "resourceType": "ServiceRequest",
        "id": "sr1",
        "status": "active",
        "intent": "order",
        "code": {"text": text},
        "subject": {"reference": "Patient/p1"},
        "authoredOn": "2026-11-01",
    }
    assert referrals.referrals(request, as_of=date(2026, 12, 1)) == ()
    assert [r.kind for r in referrals.draft_referrals([request])] == ["esketamine"]


def test_a_course_known_only_from_fills_may_be_running_with_the_orders_unread() -> None:
    card = _fetch64("phenelzine_orders_failed_fills")[MAOI]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Phenelzine (MAOI) ordered while sertraline may be running")
    assert "sertraline is running" not in card["detail"]
    assert (
        "sertraline may be running (since 2026-06-01; known only from its fills; its orders "
        "were not read)"
    ) in card["detail"]


@pytest.mark.parametrize("name", sorted(FAILING))
def test_a_drafted_maoi_with_the_orders_read_in_part_is_never_silent(name: str) -> None:
    cards = _cards(name)
    card = cards[MAOI]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith(PART), card["summary"]
    assert "an active order may be among those not read" in card["detail"]
    assert "14-day washout after an SSRI" in card["detail"]
    assert "sertraline is running" not in card["detail"]
    assert LINE in card["detail"] and FAILING[name] in card["detail"]
    assert DIET not in cards  # the diet words ride the MAOI card (maoi_diet)


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_controls(name: str) -> None:
    cards = _cards(name)
    if CONTROLS[name] == DIET:
        assert set(cards) == {DIET}, sorted(cards)
        assert LINE not in cards[DIET]["detail"]
        return
    card = cards[MAOI]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith(CONTROLS[name]), card["summary"]
    if CONTROLS[name] != UNREAD:
        assert LINE not in card["detail"]
