"""Session 22 F4: cards worded from the state the record shows now.

- Item 1 (r1, r2: review s21 RR2 charts R1, R2): duloxetine restarted after a supply gap responds
  (PHQ-9 22 -> 9/10) and the optimise card says "responding ... no switch or adjunct", but the
  psychotherapy card led with "1 adequate trial failed (duloxetine)" as the current state (and,
  with 2 failures, named the payer's "psychotherapy before TMS" though TMS is held while a course
  responds). The card now leads with the response and the residual symptoms; the failures are
  history (rules/psychotherapy_responding.py says why the card stays).
- Item 2: the unread-answer warning for an EPDS item 10 (scale_words_charts/
  epds_item10_words_pregnant; here epds_item10_and_phq9_item9_unread, with a PHQ-9 item 9 row
  under a local code as well) said the PHQ-9's words: "above 0 ('several days' or more)", "a
  readable item 9", "an item 9 answer could not be read". Now each screen's own (EPDS: any answer
  above 'Never'); the PHQ-9 wording is unchanged (tests/services/test_unread_item9.py,
  test_k2_coherence.py pin it).
- Item 3 (products22_charts emsam*): the selegiline patch's dose is written in mg/24 h wherever
  a dose is shown ("raise selegiline from 6 toward 12 mg/day" before).

Charts: tests/services/current_state22_charts/ (every prefetch key, R4B-valid).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services import dose_units, self_harm_items
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
PSYCHOTHERAPY = "psychotherapy"
OPTIMISE = "optimize-switch-augment"
SUICIDE = "suicide-risk"

_here = Path(__file__).parent
_chart = chart_files.loader(_here / "current_state22_charts")
_scale_words = chart_files.loader(_here / "scale_words_charts")
_products = chart_files.loader(_here / "products22_charts")
_at = Evaluator(AS_OF)
_by_topic = _at.by_topic


@pytest.mark.parametrize(
    "name",
    ["r1_two_failed_restart_responds", "r2_restart_responds", "epds_item10_and_phq9_item9_unread"],
)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


# --- item 1: the psychotherapy card beside a responding course ------------------------------


@pytest.mark.parametrize(
    ("name", "drop"),
    [("r2_restart_responds", "22 → 9"), ("r1_two_failed_restart_responds", "22 → 10")],
)
def test_psychotherapy_card_leads_with_the_response(name: str, drop: str) -> None:
    cards = _by_topic(_chart(name))
    assert cards[OPTIMISE]["summary"].startswith(f"Duloxetine responding (PHQ-9 {drop})")
    card = cards[PSYCHOTHERAPY]
    summary = card["summary"]
    # Led by the card's own subject (not a second "Duloxetine responding ..." card).
    assert summary.startswith("No psychotherapy procedure, visit or referral on record")
    assert "duloxetine respond" in summary
    assert "not in remission" in summary or "short of remission" in summary
    assert "adequate trial" not in summary  # the failure is not the state now
    assert summary.endswith(("consider a CBT or IPT referral", "consider CBT or IPT"))
    detail = card["detail"]
    assert "when antidepressants have not worked" not in detail
    assert f"duloxetine PHQ-9 {drop.split(' → ')[0]} (" in detail
    assert "Earlier in this episode: " in detail
    # The referral still offered, with a reason that is true now.
    labels = [s["label"] for s in card["suggestions"]]
    assert labels == ["Refer for CBT", "Refer for IPT"]
    for s in card["suggestions"]:
        text = s["actions"][0]["resource"]["code"]["text"]
        assert "not responding" not in text
        assert "responding to an antidepressant, not in remission" in text


def test_two_failures_beside_a_response_name_no_tms_criterion() -> None:
    card = _by_topic(_chart("r1_two_failed_restart_responds"))[PSYCHOTHERAPY]
    assert "2 adequate trials failed (sertraline, duloxetine)" in card["detail"]
    assert "L37086" not in card["detail"]  # TMS is held while a course responds


def test_no_response_keeps_the_failure_wording() -> None:
    """The same chart with the restart's last PHQ-9 back at 19 (no response): the card's words
    are those of a failure, as before."""
    doc = _chart("r2_restart_responds")
    for r in chart_files.prefetch_resources(doc):
        if (
            r.get("resourceType") == "Observation"
            and r.get("effectiveDateTime", "").startswith("2026-11-17")
            and r.get("valueQuantity", {}).get("value") == 9
        ):
            r["valueQuantity"]["value"] = 19
            break
    else:
        raise AssertionError("no PHQ-9 of 2026-11-17")
    card = _by_topic(doc)[PSYCHOTHERAPY]
    assert card["summary"].startswith("1 adequate trial failed (duloxetine)")
    assert "when antidepressants have not worked" in card["detail"]


# --- item 2: an unreadable EPDS item 10 in its own words ---------------------------------------


def _item10_unreadable(doc: Doc) -> Doc:
    """`doc` with its EPDS item 10 answered by a number, which stays unread: its words ("Quite
    often") are read since session 28 (fhir_mapping/epds_item10.py)."""
    for resource in chart_files.prefetch_resources(doc):
        if "harming myself" in resource.get("code", {}).get("text", ""):
            resource.pop("valueCodeableConcept", None)
            resource["valueString"] = "2"
    return doc


def test_epds_item10_unread_in_the_epds_words() -> None:
    cards = _by_topic(_item10_unreadable(_scale_words("epds_item10_words_pregnant")))
    card = cards[SUICIDE]
    assert card["summary"].endswith("if it is above 'Never', assess suicide risk today")
    detail = card["detail"]
    assert "if it is above 'Never' ('hardly ever' or more)" in detail
    assert "several days" not in detail
    assert (
        "The card goes once a readable PHQ-9 item 9 dated after that day, or an assessment"
        in detail
    )
    line = "**Suicide risk card open:** an EPDS item 10 answer could not be read"
    assert line in cards[OPTIMISE]["detail"]
    assert "an item 9 answer could not be read" not in cards[OPTIMISE]["detail"]


def test_two_screens_unread_each_in_its_own_words() -> None:
    cards = _by_topic(_item10_unreadable(_chart("epds_item10_and_phq9_item9_unread")))
    detail = cards[SUICIDE]["detail"]
    assert (
        "if the EPDS item 10 answer is above 'Never' ('hardly ever' or more) or the PHQ-9 item 9 "
        "answer is above 0 ('several days' or more)"
    ) in detail
    found = re.findall(r"^- (.*) answer on .* if it is (above [^,]*),", detail, re.M)
    assert found == [("EPDS item 10", "above 'Never'"), ("PHQ-9 item 9", "above 0")]
    assert "an EPDS item 10 or a PHQ-9 item 9 answer could not be read" in cards[OPTIMISE]["detail"]


def test_phq9_words_unchanged() -> None:
    item = self_harm_items.of("PHQ-9")
    assert (item.named, item.positive) == ("item 9", "above 0 ('several days' or more)")
    assert self_harm_items.of(None) == item  # an unknown screen is worded as the PHQ-9
    assert self_harm_items.positive_clause(["PHQ-9"]) == "if it is above 0 ('several days' or more)"
    assert self_harm_items.superseded_by(["PHQ-9", None]) == "a readable item 9"
    assert self_harm_items.named(["PHQ-9"]) == "an item 9"


# --- item 3: the selegiline patch in mg/24 h ---------------------------------------------------


def test_patch_dose_in_mg_per_24_h_on_the_optimise_card() -> None:
    card = _by_topic(_products("emsam6_running_failed"))[OPTIMISE]
    assert "raise selegiline from 6 toward 12 mg/24 h first" in card["summary"]
    assert "selegiline 6 mg/24 h since 2026-06-01" in card["detail"]
    assert "range here up to 12 mg/24 h" in card["detail"]
    text = card["summary"] + card["detail"]
    assert not re.search(r"selegiline[^.;]*\d mg/day", text)


def test_patch_draft_in_mg_per_24_h() -> None:
    cards = _at.cards(_products("emsam9_new_patch_select"))
    summaries = [c["summary"] for c in cards]
    assert any(s.startswith("Selegiline 9 mg/24 h ordered") for s in summaries), summaries
    assert not any("Selegiline 9 mg/day" in c["summary"] + c["detail"] for c in cards)


def test_other_drugs_stay_mg_per_day() -> None:
    assert dose_units.per_day("selegiline") == "mg/24 h"
    assert dose_units.per_day("Selegiline") == "mg/24 h"
    assert dose_units.per_day("sertraline") == "mg/day"
    assert dose_units.per_day(None) == "mg/day"
