"""Session 25 RK1 recheck, findings 3, 4, 7, 10, 11 and the suicide-risk card's age rows.

- 3: a paroxetine CR 25 mg start at 80 was judged by the immediate-release older-adult start
  ("above the labelled older-adult start of 10 mg/day"); the CR label's own row says 12.5 and 50.
- 4: two holds (an item 9 of 2 and a long QTc) listed the same proposals twice on the optimise
  card; the second names only its reason.
- 7: a QTc taken before citalopram started read "with citalopram running"; it now says the reading
  predates the drug and no QTc on it since (the card still speaks).
- 10: Policy(drug_market="CA") ran silently; it is refused, naming the field and the values.
- 11: "relapse on continuation/maintenance ECT" beside a latest PHQ-9 of 7 (20, then 7): said as a
  past relapse.
- Extra: the suicide-risk card named ECT and esketamine for a child; the young-age rows apply.

Charts: tests/services/rk1_followup_charts/ (the RK1 charts, Epic / US Core shaped, every
prefetch key; the two item 9 charts are the age_extremes ones with an item 9 of 2 added).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from services.policy import Policy, load_policy
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
START = "order-older-adult-start-dose"
QTC = "running-drug-qtc"
SUICIDE = "suicide-risk"

_chart = chart_files.loader(Path(__file__).parent / "rk1_followup_charts")
_cards = Evaluator(AS_OF).cards


def _topics(doc: Doc) -> dict[str, Doc]:
    return by_topic(_cards(doc))


def _draft(doc: Doc) -> Doc:
    resource: Doc = doc["context"]["draftOrders"]["entry"][0]["resource"]
    return resource


def _as_cr(doc: Doc, rxcui: str, display: str, mg: str) -> Doc:
    """The chart with its paroxetine CR draft written as another CR strength."""
    draft = _draft(doc)
    draft["medicationCodeableConcept"] = {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": rxcui,
                "display": display,
            }
        ],
        "text": display,
    }
    draft["dosageInstruction"][0]["text"] = f"Take 1 tablet ({mg} mg) by mouth daily"
    return doc


# --- finding 3: paroxetine CR's own older-adult start and maximum ------------------------------


def test_paroxetine_cr_start_at_80_is_judged_by_the_cr_label() -> None:
    card = _topics(_chart("paroxetine_cr25_new_start_age80"))[START]
    assert card["summary"] == (
        "Paroxetine CR 25 mg/day started at age 80: above the labelled older-adult start of "
        "12.5 mg/day"
    )
    assert "(Paxil CR US label, Dosage (elderly or debilitated); UNVERIFIED)" in card["detail"]
    assert "Consider starting at 12.5 mg/day" in card["detail"]
    assert "within the labelled maximum of 50 mg/day" in card["detail"]
    assert "10 mg/day" not in card["summary"] + card["detail"]


def test_paroxetine_cr_at_its_older_adult_start_gets_no_start_card() -> None:
    doc = _as_cr(
        _chart("paroxetine_cr25_new_start_age80"),
        "1738803",
        "24 HR paroxetine hydrochloride 12.5 MG Extended Release Oral Tablet",
        "12.5",
    )
    assert START not in _topics(doc)


def test_paroxetine_cr_50_at_80_is_within_the_cr_older_adult_maximum() -> None:
    # Two 25 mg CR tablets: the CR label's elderly maximum (50), above the IR one (40).
    doc = _chart("paroxetine_cr25_new_start_age80")
    dose = _draft(doc)["dosageInstruction"][0]
    dose["doseAndRate"][0]["doseQuantity"]["value"] = 2
    dose["text"] = "Take 2 tablets (50 mg) by mouth daily"
    summaries = " | ".join(c["summary"] for c in _cards(doc))
    assert "above the labelled 40 mg/day maximum" not in summaries
    assert "Paroxetine CR 50 mg/day started at age 80" in summaries


# --- finding 4: a second hold does not list the proposals again --------------------------------


def test_second_hold_names_its_reason_not_the_proposals_again() -> None:
    detail = _topics(_chart("two_holds_item9_and_qtc_age78"))[OPTIMISE]["detail"]
    listed = "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)"
    assert detail.count(listed) == 1
    assert (
        "**Not one click while the QTc is long** (Long QTc with a QT-prolonging antidepressant "
        "running card): also held (listed above). A higher dose or an added drug can lengthen it "
        "further"
    ) in detail
    # The first hold still lists them, above the second.
    assert detail.index(listed) < detail.index("also held (listed above)")


def test_a_single_hold_still_lists_its_proposals() -> None:
    detail = _topics(_chart("qtc485_taken_before_citalopram_age70"))[OPTIMISE]["detail"]
    assert (
        "**Not one click while the QTc is long** (Long QTc with a QT-prolonging antidepressant "
        "running card): Propose adjunctive aripiprazole 2 mg/day (CANMAT first line); "
    ) in detail
    assert "listed above" not in detail


# --- finding 7: a QTc taken before the drug started --------------------------------------------


def test_qtc_before_the_drug_started_says_so() -> None:
    card = _topics(_chart("qtc485_taken_before_citalopram_age70"))[QTC]
    assert card["summary"] == (
        "QTc 485 ms on 2026-08-20, before citalopram started: above 480 ms; repeat the ECG"
    )
    assert "with citalopram running" not in card["summary"]
    assert (
        "- citalopram 20 mg/day, running since 2026-09-01: its label's QT warning (FDA 2011/2012). "
        "This ECG predates it: no QTc on it since."
    ) in card["detail"]


def test_qtc_on_the_drug_still_reads_with_it_running() -> None:
    card = _topics(_chart("two_holds_item9_and_qtc_age78"))[QTC]
    assert card["summary"] == (
        "QTc 485 ms on 2026-11-20 with citalopram running: above 480 ms; repeat the ECG"
    )
    assert "predates" not in card["detail"]


# --- finding 10: the drug market is validated --------------------------------------------------


def test_policy_in_code_refuses_an_unknown_market() -> None:
    with pytest.raises(
        ValueError, match=r"drug_market: 'CA' is not allowed; use one of 'US', 'Canada', 'any'"
    ):
        Policy(drug_market="CA")  # type: ignore[arg-type]
    assert Policy(drug_market="Canada").drug_market == "Canada"


def test_policy_table_refuses_an_unknown_market() -> None:
    with pytest.raises(ValidationError, match=r"drug_market\n.*'US', 'Canada' or 'any'"):
        load_policy({"drug_market": "CA"})


def test_the_ca_chart_runs_with_canada() -> None:
    doc = _chart("fluoxetine80_policy_market_ca")
    cards = Evaluator(AS_OF, policy=Policy(drug_market="Canada")).cards(doc)
    assert any("above the usual maximum of 60 mg/day" in c["summary"] for c in cards)


# --- finding 11: a relapse on maintenance ECT that came and went -------------------------------


def _phq9(doc: Doc, day: str, total: int) -> Doc:
    for entry in doc["prefetch"]["observations"]["entry"]:
        resource = entry["resource"]
        if resource["code"]["coding"][0]["code"] == "44261-6" and resource[
            "effectiveDateTime"
        ].startswith(day):
            resource["valueQuantity"]["value"] = total
            return doc
    raise AssertionError(f"no PHQ-9 on {day}")


def test_relapse_that_came_and_went_is_said_as_past() -> None:
    detail = _topics(_chart("ect_relapse_came_and_went"))[OPTIMISE]["detail"]
    assert (
        "PHQ-9 20 (2026-10-05), 7 (2026-11-25): a past relapse on continuation/maintenance ECT "
        "after a response to the acute course (PHQ-9 20 on 2026-10-05); better since, not in "
        "remission (PHQ-9 < 5, CMS159)."
    ) in detail
    assert "7 (2026-11-25): relapse on" not in detail


def test_relapse_still_there_is_said_as_now() -> None:
    doc = _phq9(_chart("ect_relapse_came_and_went"), "2026-11-25", 18)
    detail = _topics(doc)[OPTIMISE]["detail"]
    assert (
        "18 (2026-11-25): relapse on continuation/maintenance ECT after a response to the acute "
        "course."
    ) in detail


def test_mild_scores_on_maintenance_are_no_relapse() -> None:
    doc = _phq9(_chart("ect_relapse_came_and_went"), "2026-10-05", 8)
    detail = _topics(doc)[OPTIMISE]["detail"]
    assert (
        "PHQ-9 8 (2026-10-05), 7 (2026-11-25): response kept on continuation/maintenance ECT, "
        "not in remission (PHQ-9 < 5, CMS159)."
    ) in detail
    assert "relapse" not in detail.split("**ECT in this episode:**", 1)[1].split("\n")[0]


# --- extra: the suicide-risk card's acute-risk treatments below an age ------------------------


def test_suicide_risk_card_at_16_leaves_out_esketamine_and_says_ect_is_specialist() -> None:
    # Led by the child row since review s25 RK3 finding 10 (tests/services/test_young_acute_risk.py).
    detail = _topics(_chart("item9_2_age16"))[SUICIDE]["detail"]
    assert (
        "**If the assessment finds acute risk:** the plan is child and adolescent psychiatry's, "
        "the same day; hospitalisation when needed."
    ) in detail
    assert "ECT (CANMAT" not in detail
    assert "**At age 16:** NICE NG134 keeps ECT under 18 for very severe depression" in detail
    assert (
        "esketamine nasal spray is approved for adults only: its safety and effectiveness below "
        "18 are not established (SPRAVATO label)."
    ) in detail
    assert "esketamine nasal spray with an oral antidepressant" not in detail


def test_suicide_risk_card_at_11_names_neither_ect_nor_esketamine() -> None:
    detail = _topics(_chart("item9_2_age11"))[SUICIDE]["detail"]
    assert (
        "**If the assessment finds acute risk:** the plan is child and adolescent psychiatry's, "
        "the same day; hospitalisation when needed."
    ) in detail
    assert "ECT (CANMAT" not in detail
    assert "esketamine nasal spray with" not in detail
    assert (
        "**At age 11:** ECT is not recommended for depression in children under 12 (NICE NG134)"
    ) in detail


def test_suicide_risk_card_for_an_adult_still_names_both() -> None:
    detail = _topics(_chart("two_holds_item9_and_qtc_age78"))[SUICIDE]["detail"]
    assert "consider ECT (CANMAT 2023 para 215" in detail
    assert "esketamine nasal spray with an oral antidepressant" in detail
    assert "**At age" not in detail
