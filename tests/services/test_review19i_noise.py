"""Review 19 items 6, 7 and the minors of 8: what the record shows instead of noise.

- Item 6 (i6_sertraline_phq9_flowsheet_local_code: Epic flowsheet PHQ-9 totals under the site's
  row code only, no `[codes]` map): was "On sertraline; no PHQ-9 total could be read (3
  observations named PHQ-9 use unknown codes): repeat the PHQ-9" with "outcome not measured yet
  (no PHQ-9 on treatment)" in its table, 22 days after a PHQ-9. Now: "On sertraline: 3 PHQ-9
  results under an unmapped site code (latest 2026-11-09): read them in the chart; map the site
  code ([codes])", the table "outcome not read (...)", and a repeat asked for only when none of
  them is recent.
- Item 7 (i7_two_failed_ssris_draft_venlafaxine_select): the TMS card at order-select said
  "consider TMS referral; Medicare LCD L37086 criteria not yet met" beside the second-class order
  the LCD asks for. Now the order hooks show it once every criterion is met (policy
  tms_card_when_payer_criteria_unmet "patient-view" by default).
- Item 8: the psychotherapy card after one failure cites CANMAT only (the LCD once TMS is in
  view); a US site's switch list no longer names mianserin and agomelatine; the TMS card names
  its rule set as the clinic's default, the LCD as its source.

Charts: tests/services/review19i_charts/ (Epic / Oracle shaped requests, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.site_codes import LocalCode, SiteCodes
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
MBC = "measurement-based-care"
OPTIMISE = "optimize-switch-augment"
PSYCHOTHERAPY = "psychotherapy"
TMS = "tms-referral"
FLOWSHEET = "urn:oid:1.2.840.114350.1.13.0.1.7.2.707679"  # the chart's Epic flowsheet rows
LOCAL_ONLY = "i6_sertraline_phq9_flowsheet_local_code_epic"
DRAFT_SNRI = "i7_two_failed_ssris_draft_venlafaxine_select_epic"
TWO_FAILED = "i8_two_failed_ssris_tms_criteria_unmet_epic"
ONE_FAILED = "i8_sertraline_one_failure_no_psychotherapy_oracle"

_chart = chart_files.loader(Path(__file__).parent / "review19i_charts")


def _cards(doc: Doc, policy: Policy | None = None, as_of: date = AS_OF) -> dict[str, Doc]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=as_of, policy=policy or Policy())
    cards: list[Doc] = result.response.to_json()["cards"]
    return {c["source"]["topic"]["code"]: c for c in cards}


# --- item 6: PHQ-9s under an unmapped site code ------------------------------------------------


def test_unread_flowsheet_phq9s_are_said_as_what_the_record_shows() -> None:
    card = _cards(_chart(LOCAL_ONLY))[MBC]
    assert card["summary"] == (
        "On sertraline: 3 PHQ-9 results under an unmapped site code (latest 2026-11-09): read "
        "them in the chart; map the site code ([codes])"
    )
    assert "repeat the PHQ-9" not in card["summary"]
    assert (
        "| sertraline (SSRI) | 50 → 100 → 150 | 2026-08-03 – ongoing | 17.1 | refills on time "
        "(PDC 100 %) | – → – | adequate; outcome not read (3 PHQ-9 results under an unmapped "
        "site code) |"
    ) in card["detail"]
    assert "not measured" not in card["detail"]
    # Their item 9 answers stay unknown, never read as negative.
    assert "if an item 9 is above 0, assess suicide risk today" in card["detail"]
    # A new PHQ-9 stays one click away, not as the recommended act: one was filed 22 days ago.
    (ask,) = card["suggestions"]
    assert ask["label"] == "Ask for a PHQ-9" and not ask.get("isRecommended")


def test_unread_phq9s_all_older_than_the_interval_still_ask_for_a_repeat() -> None:
    # As of 2027-03-01 the latest unread result is 112 days old: none can be the due PHQ-9.
    # Sertraline's supply runs out on 2026-12-31: with the default 30-day gap it "may be
    # running" then, a course the measurement card does not measure (review s24 RN finding 2);
    # a 90-day gap keeps it running, so the card's wording is what is checked here.
    policy = Policy(mapping=MappingPolicy(supply_gap_days=90))
    card = _cards(_chart(LOCAL_ONLY), policy, as_of=date(2027, 3, 1))[MBC]
    assert card["summary"].endswith(
        "(latest 2026-11-09): read them in the chart and repeat the PHQ-9; map the site code "
        "([codes])"
    )
    (ask,) = card["suggestions"]
    assert ask["isRecommended"] is True


def test_with_the_site_code_mapped_the_phq9s_are_read() -> None:
    site = SiteCodes((LocalCode(FLOWSHEET, "3049", "http://loinc.org", "44261-6"),))
    cards = _cards(_chart(LOCAL_ONLY), Policy(mapping=MappingPolicy(site_codes=site)))
    assert "unmapped site code" not in str(cards)


# --- item 7: the TMS card at the order hooks --------------------------------------------------


def test_no_tms_card_at_order_select_while_a_payer_criterion_is_unmet() -> None:
    cards = _cards(_chart(DRAFT_SNRI))
    assert list(cards) == ["order-same-class-running"]
    # The clinic may want it there anyway (policy true): the card as before, unmet.
    everywhere = _cards(_chart(DRAFT_SNRI), Policy(tms_card_when_payer_criteria_unmet=True))
    assert everywhere[TMS]["summary"].endswith(
        "payer criteria not yet met (clinic default rule set)"
    )
    # The chart keeps it (patient-view), "not yet met" and what to document.
    chart = _chart(TWO_FAILED)
    assert "Payer criteria not yet met" in _cards(chart)[TMS]["detail"]


def test_the_tms_card_at_order_select_once_every_criterion_is_met() -> None:
    doc = _chart(DRAFT_SNRI)
    for resource in chart_files.prefetch_resources(doc):
        if resource.get("id") == "e6fWwvdOC6xbf8r.AIKiQ5CTCM9nusT3":  # the PHQ-9 of 2026-11-16
            resource["valueQuantity"]["value"] = 22
    # L34998: one failed trial, a severe score; both met now.
    cards = _cards(doc, Policy(payer_criteria="l34998"))
    assert cards[TMS]["summary"] == (
        "2 adequate trials failed (sertraline, escitalopram); PHQ-9 22: consider TMS referral"
    )
    assert "**Criteria met** (clinic rule set, from Medicare LCD L34998):" in cards[TMS]["detail"]


# --- item 8: the minors -------------------------------------------------------------------------


def _without_psychotherapy(doc: Doc) -> Doc:
    """The chart with its 14 CBT sessions (Procedures and visits) taken off."""
    procedures = doc["prefetch"]["procedures"]
    procedures["entry"] = []
    procedures["total"] = 0
    encounters = doc["prefetch"]["encounters"]
    encounters["entry"] = [
        e
        for e in encounters["entry"]
        if not any(c.get("code") == "90837" for t in e["resource"]["type"] for c in t["coding"])
    ]
    encounters["total"] = len(encounters["entry"])
    return doc


def test_the_psychotherapy_card_after_one_failure_cites_canmat_only() -> None:
    card = _cards(_chart(ONE_FAILED))[PSYCHOTHERAPY]
    assert card["summary"].startswith("1 adequate trial failed (sertraline)")
    assert "CANMAT 2023 recommends adding a psychological treatment" in card["detail"]
    assert "L37086" not in card["detail"] and "cms.gov" not in card["detail"]


def test_the_psychotherapy_card_names_the_lcd_once_tms_is_in_view() -> None:
    card = _cards(_without_psychotherapy(_chart(TWO_FAILED)))[PSYCHOTHERAPY]
    assert card["summary"].startswith("2 adequate trials failed")
    assert "Medicare LCD L37086 also expects a psychotherapy trial before TMS." in card["detail"]


def test_a_us_site_is_not_shown_options_not_marketed_there() -> None:
    detail = _cards(_chart(TWO_FAILED))[OPTIMISE]["detail"]
    assert "serotonin modulator: vortioxetine, vilazodone." in detail
    assert "mianserin" not in detail and "agomelatine" not in detail
    assert "CANMAT also lists" not in detail
    # "any" market: listed, each with its note.
    anywhere = _cards(_chart(TWO_FAILED), Policy(drug_market="any"))[OPTIMISE]["detail"]
    assert "mianserin (not marketed in Canada/US)" in anywhere


def test_the_tms_card_names_its_rule_set_as_the_clinics() -> None:
    card = _cards(_chart(TWO_FAILED))[TMS]
    assert card["summary"] == (
        "2 adequate trials failed (sertraline, escitalopram); PHQ-9 18: consider TMS referral; "
        "payer criteria not yet met (clinic default rule set)"
    )
    assert card["detail"].startswith(
        "**Payer criteria not yet met** (clinic default rule set, from Medicare LCD L37086): "
    )
    # The LCD stays the card's source: the set the criteria were judged against.
    assert card["source"]["label"] == "Medicare LCD L37086: Transcranial Magnetic Stimulation (TMS)"
    chosen = _cards(_chart(TWO_FAILED), Policy(payer_criteria="aetna-cpb-0469"))[TMS]
    assert chosen["summary"].endswith("payer criteria not yet met (clinic rule set)")
    assert "(clinic rule set, from Aetna CPB 0469)" in chosen["detail"]
