"""Review s24 RS W1: a dispense feed read only in part, every fill of one course on the page not
read.

The chart (tests/services/partial_feed_charts/venlafaxine_fills_on_unread_next_page.json) is
cds_hooks/examples/trd_meets_tms.request.json with its medicationDispenses Bundle cut to page 1
(the five sertraline fills) and a `next` link to another host, as an EHR whose pharmacy fills
come from a hub pages them; every venlafaxine fill was on page 2. It read "venlafaxine: order of
2025-03-10 still active, never filled or renewed: confirm it is still taken before counting it as
a trial", with "2 adequate trials failed (sertraline, venlafaxine) ... repeat before switching or
augmenting" and "... PHQ-9 18: consider TMS referral": the whole feed gives neither. A course with
no fill read in a PARTIAL feed is now read as in a feed not read (fhir_mapping/refills_unread.py,
fhir_mapping/feed_courses.py): adherence "not known (refill data incomplete)", not a failed
adequate trial; and no listing says "never filled" of fills that may be on the page not read
(services/taken_to_confirm.unfilled).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.offline import evaluate_document
from fhir_mapping.record import AdherenceStatus, InadequacyReason, PatientRecord, Trial, Verdict
from fhir_mapping.refills_unread import REFILLS_INCOMPLETE, REFILLS_NOT_READ
from services import catalog, taken_to_confirm
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
_HERE = Path(__file__).parent
_CHARTS = _HERE / "partial_feed_charts"
_chart = chart_files.loader(_CHARTS)
_WHOLE = Path(__file__).resolve().parents[2] / "cds_hooks" / "examples"
PARTIAL = "venlafaxine_fills_on_unread_next_page"
AS_OF = date(2026, 12, 1)
ORDER_ID = "53f7c291-13ba-58d5-b2c9-e1a89c25376d"  # venlafaxine 225 mg, active, 2025-03-10


def _evaluate(doc: Doc) -> tuple[list[Doc], PatientRecord]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    return result.response.to_json()["cards"], result.evaluation.record


def _trial(record: PatientRecord, ingredient: str) -> Trial:
    (trial,) = [t for t in record.trials if t.ingredient == ingredient]
    return trial


def _codes(cards: list[Doc]) -> list[str]:
    return [str(c["source"]["topic"]["code"]) for c in cards]


def _text(cards: list[Doc]) -> str:
    return "\n".join(str(c["summary"]) + "\n" + str(c.get("detail", "")) for c in cards)


def _order_without_supply(doc: Doc) -> Doc:
    """The venlafaxine order stating no supply (no dispenseRequest): rule 2c lists it whatever
    the feed, so the listing's words are what is judged."""
    for entry in doc["prefetch"]["medicationRequests"]["entry"]:
        if entry["resource"]["id"] == ORDER_ID:
            del entry["resource"]["dispenseRequest"]
    return doc


def test_the_chart_is_valid_r4_and_carries_every_prefetch_key() -> None:
    doc = _chart(PARTIAL)
    declared = {key for s in catalog.services() for key, _template in s.prefetch}
    assert declared == set(doc["prefetch"])
    bundle = doc["prefetch"]["medicationDispenses"]
    assert [link["relation"] for link in bundle["link"]] == ["self", "next"]
    for resource in chart_files.prefetch_resources(doc):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def test_the_whole_feed_reads_both_courses_filled() -> None:
    # The control: page 2 read, venlafaxine's five fills verify its adherence.
    doc = chart_files.loader(_WHOLE)("trd_meets_tms.request")
    _, record = _evaluate(doc)
    venlafaxine = _trial(record, "venlafaxine")
    assert venlafaxine.adherence.status is AdherenceStatus.VERIFIED
    assert venlafaxine.adherence.fills == 5


def test_a_course_with_no_fill_read_in_a_partial_feed_is_no_failed_adequate_trial() -> None:
    cards, record = _evaluate(_chart(PARTIAL))
    venlafaxine = _trial(record, "venlafaxine")
    assert venlafaxine.adherence.fills == 0
    assert venlafaxine.adherence.status is AdherenceStatus.UNVERIFIED
    assert venlafaxine.adherence.not_verified == REFILLS_INCOMPLETE
    assert venlafaxine.verdict is Verdict.ONGOING
    assert venlafaxine.reasons == (InadequacyReason.ADHERENCE_NOT_READ,)
    # orders32 ("a card never claims more than the record shows"): the order is counted up to
    # the supply it authorises (was: to as-of), and listed past it; never read as never filled
    # (its fills may be on page 2): "not renewed, no fill read (refill data incomplete)".
    assert venlafaxine.unconfirmed_order
    assert venlafaxine.unconfirmed_since == date(2025, 3, 10)
    # The sertraline fills read are real: its failed adequate trial stands.
    sertraline = _trial(record, "sertraline")
    assert sertraline.verdict is Verdict.ADEQUATE
    assert sertraline.adherence.status is AdherenceStatus.VERIFIED
    # No escalation on a second failed trial the page not read could contradict.
    # orders32: a course listed past its authorised supply is no drug taken now, so no
    # measurement-based-care card on it (was ["adherence-review", "measurement-based-care"]);
    # the adherence card asks to confirm it first.
    assert _codes(cards) == ["adherence-review"]
    assert cards[0]["summary"].startswith(
        "1 trial not adequate (venlafaxine refill data incomplete)"
    )
    text = _text(cards)
    assert "2 adequate trials failed" not in text
    assert "never filled" not in text
    # The weeks are the orders': "on the fills read" would claim fills of it were read.
    assert "at an adequate dose; adherence not known (refill data incomplete)" in text
    assert "on the fills read" not in text
    assert "not renewed, no fill read (refill data incomplete): time after 2025-09-06" in text
    # The gap line names the dispenses as incomplete on the card they can change.
    assert (
        "Medications may be incomplete: the prefetched 'medicationDispenses' Bundle has more "
        "pages" in cards[0]["detail"]
    )


def test_a_listed_order_is_not_said_never_filled_when_its_fills_may_be_unread() -> None:
    cards, record = _evaluate(_order_without_supply(_chart(PARTIAL)))
    venlafaxine = _trial(record, "venlafaxine")
    assert venlafaxine.unconfirmed_order  # rule 2c: an order stating no supply, whatever the feed
    text = _text(cards)
    assert "never filled" not in text
    assert (
        "order of 2025-03-10 still active, not renewed, no fill read (refill data incomplete)"
        in text
    )
    assert "2 adequate trials failed" not in text


def test_unfilled_words() -> None:
    assert taken_to_confirm.unfilled("") == "never filled or renewed"
    assert taken_to_confirm.unfilled(None) == "never filled or renewed"
    assert taken_to_confirm.unfilled(REFILLS_INCOMPLETE) == (
        "not renewed, no fill read (refill data incomplete)"
    )
    assert taken_to_confirm.unfilled(REFILLS_NOT_READ) == (
        "not renewed, no fill read (refill data could not be read)"
    )
