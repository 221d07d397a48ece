"""Review s22 RS (scales as EHRs send them), findings 2, 3, 5 and 7.

- Finding 2 (epic_local_item9_words_string_1): an Epic flowsheet row under a local code only,
  "PHQ-9 Q9 Thoughts that you would be better off dead or of hurting yourself", valueString "1",
  was a look-alike gap deep in the optimise card's details: no suicide-risk card. It is now an
  unread item 9 answer, the same warning card as an item 9 under LOINC that cannot be read.
- Finding 3 (epds_item10_words_pregnant): a pregnant patient's EPDS item 10 "The thought of
  harming myself has occurred to me" = "Quite often" (no LOINC code of the item confirmed: read by
  its words) was neither read nor named. It now raises the suicide-risk card as an unread EPDS
  item 10 answer; the EPDS total 99046-5 (22) is read and named on the measurement card.
- Finding 5 (phq8 / phq2 charts): a PHQ-8 (named by its words only) or a PHQ-2 of 6 two weeks old
  was dropped without a word beside "no PHQ-9 total in 183 days": the measurement card names the
  newest one, "not a PHQ-9, item 9 not asked".
- Finding 7 (cssrs_plan_yes_item9_0): the C-SSRS summary led with "wish to be dead" for a screen
  with a plan and intent, and its detail listed the same screen under "Also on record since".

Charts: tests/services/scale_words_charts/ (copied from the review's probe charts; Epic / US Core
shaped requests with every prefetch key).
"""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.screen_lookalike import FIRST_LOOK
from fhir_mapping.tms_safety import normalise_text
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
SUICIDE = "suicide-risk"
MBC = "measurement-based-care"
OPTIMISE = "optimize-switch-augment"

_chart = chart_files.loader(Path(__file__).parent / "scale_words_charts")
_by_topic = Evaluator(AS_OF).by_topic


def _observation(doc: Doc, text: str) -> Doc:
    for resource in chart_files.prefetch_resources(doc):
        if resource.get("resourceType") == "Observation" and text in resource["code"].get(
            "text", ""
        ):
            return resource
    raise AssertionError(f"no Observation named {text!r}")


# --- finding 2: an item 9 under a site's local code -------------------------------------------


def test_local_item9_row_raises_the_unread_item9_card() -> None:
    cards = _by_topic(_chart("epic_local_item9_words_string_1"))
    card = cards[SUICIDE]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("PHQ-9 item 9 answer on 2026-11-16 could not be read")
    assert "if it is above 0, assess suicide risk today" in card["summary"]
    assert "Observation/9a583ffa-9755-503b-8be8-3ff3e157cd0f" in card["detail"]
    # The treatment card waits for it.
    assert "Suicide risk card open" in cards[OPTIMISE]["detail"]


def test_local_item9_row_entered_in_error_raises_nothing() -> None:
    doc = _chart("epic_local_item9_words_string_1")
    _observation(doc, "PHQ-9 Q9")["status"] = "entered-in-error"
    assert SUICIDE not in _by_topic(doc)


def test_local_phq9_rows_without_item9_words_raise_no_risk_card() -> None:
    """The card comes from the item-9 words, not from any local PHQ-9 row: the same row named
    as item 8 is one more PHQ-9 result not read, listed, with no suicide-risk card."""
    doc = _chart("epic_local_item9_words_string_1")
    row = _observation(doc, "PHQ-9 Q9")
    row["code"]["text"] = "PHQ-9 Q8 Moving or speaking so slowly"
    row["code"]["coding"][0]["display"] = "PHQ-9 Q8 Moving or speaking so slowly"
    cards = _by_topic(doc)
    assert SUICIDE not in cards
    assert "2 rating-scale results could not be read" in cards[OPTIMISE]["detail"]


# --- finding 3: EPDS item 10 in pregnancy ------------------------------------------------------


def test_epds_item10_raises_the_suicide_risk_card() -> None:
    # Session 28 fix fx-selfharm2: "Quite often" is read as its answer, 3 (fhir_mapping/
    # epds_item10.py), and raises the critical card a PHQ-9 item 9 of 3 raises.
    cards = _by_topic(_chart("epds_item10_words_pregnant"))
    card = cards[SUICIDE]
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "EPDS item 10 = 3 (yes, quite often) on 2026-11-16: higher suicide risk, assess today "
        "(C-SSRS) and plan safety"
    )
    assert (
        "EPDS item 10 'sometimes' or 'yes, quite often' is taken as PHQ-9 item 9"
        in (card["detail"])
    )


def test_epds_item10_in_other_words_stays_unread() -> None:
    doc = _chart("epds_item10_words_pregnant")
    _observation(doc, "harming myself")["valueString"] = "2"  # a number: not read
    card = _by_topic(doc)[SUICIDE]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("EPDS item 10 answer on 2026-11-16 could not be read")


# Review s24 RN finding 6: the newer screen is named on the optimise card, which asks for the
# repeat PHQ-9 once ("Last PHQ-9 17 on 2026-06-01 (6 months ago); PHQ-2 6 ...: repeat before
# switching or augmenting"); the measurement card asking for the same PHQ-9 yields.


def test_epds_total_named_on_the_card_asking_for_the_phq9() -> None:
    cards = _by_topic(_chart("epds_item10_words_pregnant"))
    assert MBC not in cards
    summary = cards[OPTIMISE]["summary"]
    assert "EPDS 22 on 2026-11-16: not a PHQ-9, item 9 not asked" in summary
    assert summary.endswith("repeat before switching or augmenting")


def test_old_epds_item10_with_item9_answered_since_raises_nothing() -> None:
    """An unread answer past the look-back, with a readable PHQ-9 item 9 since, is no signal
    (as an unread PHQ-9 item 9 of its own)."""
    doc = _chart("epds_item10_words_pregnant")
    item10 = _observation(doc, "harming myself")
    item10["effectiveDateTime"] = "2026-05-20T09:30:00-05:00"
    item10["issued"] = "2026-05-20T09:30:00-05:00"
    item10["valueString"] = "2"  # a number: not read
    assert SUICIDE not in _by_topic(doc)  # the PHQ-9 of 2026-06-01 answered item 9 = 0


def test_old_read_epds_item10_with_item9_zero_since_is_lowered() -> None:
    """A read positive answer past the look-back, a PHQ-9 item 9 = 0 since and no assessment:
    lowered to the warning, as a PHQ-9 item 9 of 3 would be (session 28 fix fx-selfharm2)."""
    doc = _chart("epds_item10_words_pregnant")
    item10 = _observation(doc, "harming myself")
    item10["effectiveDateTime"] = "2026-05-20T09:30:00-05:00"
    item10["issued"] = "2026-05-20T09:30:00-05:00"
    card = _by_topic(doc)[SUICIDE]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("EPDS item 10 = 3 (yes, quite often) on 2026-05-20, no risk")


# --- finding 5: a newer screen that is not a PHQ-9 ---------------------------------------------


def test_phq8_named_not_claimed_as_item9() -> None:
    cards = _by_topic(_chart("phq8_latest_no_item9"))
    assert MBC not in cards
    # The long words do not fit the summary: its short form keeps "item 9 not asked".
    assert "PHQ-8 on 2026-11-16, item 9 not asked" in cards[OPTIMISE]["summary"]
    assert (
        "Since then: PHQ-8 (value not read) on 2026-11-16: not a PHQ-9, item 9 not asked"
        in (cards[OPTIMISE]["detail"])
    )
    assert SUICIDE not in cards


def test_phq2_named_on_the_card_asking_for_the_phq9() -> None:
    cards = _by_topic(_chart("phq2_latest_no_item9"))
    assert MBC not in cards
    # The TMS card's "repeat the PHQ-9 first, then consider TMS referral" is its hold, not a
    # request (review s24 RN finding 1).
    asks = [c for c in cards.values() if "repeat" in c["summary"] and "TMS" not in c["summary"]]
    assert [c["summary"] for c in asks] == [
        "Last PHQ-9 17 on 2026-06-01 (6 months ago); PHQ-2 6 on 2026-11-16: not a PHQ-9, item 9 "
        "not asked: repeat before switching or augmenting"
    ]


def test_control_chart_names_no_other_screen() -> None:
    cards = _by_topic(_chart("control_phq9_item9_0"))
    assert SUICIDE not in cards
    assert all("not a PHQ-9" not in c["summary"] for c in cards.values())


# --- finding 7: the C-SSRS summary -------------------------------------------------------------


def test_cssrs_summary_leads_with_the_plan_and_lists_the_screen_once() -> None:
    card = _by_topic(_chart("cssrs_plan_yes_item9_0"))[SUICIDE]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith(
        "C-SSRS: suicidal thoughts with a specific plan and intent (past month)"
    )
    assert "Also on record since" not in card["detail"]
    assert card["detail"].count("Wish to be dead (past month)") == 1


# --- the table's first look ---------------------------------------------------------------------


def test_every_term_holds_a_first_look_word() -> None:
    """resource_routing sends an Observation to screen_lookalike only when its lower-cased text
    holds a FIRST_LOOK word: a term without one would never be seen."""
    text = resources.files("fhir_mapping").joinpath("data/screen_item_terms.csv")
    rows = list(csv.DictReader(text.read_text("utf-8").splitlines()))
    assert rows
    for row in rows:
        term = normalise_text(row["term"])
        # A `form` label is read on a form's items only, never in a row (screen_wording.py).
        assert row["match"] == "form" or any(word in term for word in FIRST_LOOK), row["term"]
        assert row["source"] and row["status"] in {"confirmed", "corroborated", "UNVERIFIED"}
