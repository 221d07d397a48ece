"""Review s21 RR findings 3 and 4: an order `completed` with no end and no fill, and dispense
feeds that were not (fully) read.

- Finding 3: a venlafaxine 150 mg order for 90 days, status `completed` (not `stopped`), no stated
  end, no fill, meta.lastUpdated 2025-03-24. It counted 12.9 weeks to its supply's end
  (2025-04-06), past the day it was recorded completed, and was an adequate failed trial that the
  TMS card counted ("venlafaxine (SNRI, failed)"). An order's supply is what was ordered, not what
  was taken: it now ends on or before its lastUpdated as a `stopped` one does (episodes.py rule
  2g, medication_types.ORDER_ENDED), "adequacy to confirm". With fills covering 10 weeks it stays
  an adequate failed trial (the reviewer's control).
- Finding 4 (fhir_mapping/refills_unread.py): (a) a dispense Bundle holding no dispense, only a
  warning OperationOutcome (timeout, forbidden), was read as partial data and sertraline stayed
  "1 adequate trial failed": it is now refill data not read, as an error OperationOutcome is;
  Epic's "no results" warning (4101) and the key not sent keep the old reading. (b) A dispense
  Bundle whose next page was not read, the middle sertraline fills on it, said "adherence
  contradicted by refill data (poor; PDC 46 %; no supply 60 days ...)": adherence is now "not
  known (refill data incomplete)"; a PDC 100 % from the fills read stays verified.

Charts: tests/services/completed_order_charts/ and tests/services/dispense_feed_charts/ (the
reviewer's probes, built from duration_to_confirm_charts/; every prefetch key kept, except
dispenses_key_absent, which drops `medicationDispenses` on purpose).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.offline import evaluate_document
from fhir_mapping.record import AdherenceStatus, InadequacyReason, PatientRecord, Trial, Verdict
from services import catalog
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
_HERE = Path(__file__).parent
_COMPLETED = _HERE / "completed_order_charts"
_FEED = _HERE / "dispense_feed_charts"
_completed = chart_files.loader(_COMPLETED)
_feed = chart_files.loader(_FEED)
AS_OF = date(2026, 12, 1)
NO_FILL = "venlafaxine_90_day_order_completed_no_end_no_fill"
FILLS = "venlafaxine_90_day_order_completed_no_end_fills_cover_10_weeks"
SAID = (
    "adequacy to confirm: stopped on or before 2025-03-24, duration not recorded (at most 11 weeks)"
)


def _evaluate(doc: Doc, policy: Policy | None = None) -> tuple[list[Doc], PatientRecord]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=policy or Policy())
    return result.response.to_json()["cards"], result.evaluation.record


def _trial(record: PatientRecord, ingredient: str) -> Trial:
    (trial,) = [t for t in record.trials if t.ingredient == ingredient]
    return trial


def _card(cards: list[Doc], code: str) -> str:
    (card,) = [c for c in cards if c["source"]["topic"]["code"] == code]
    return str(card["summary"]) + "\n" + str(card["detail"])


def _codes(cards: list[Doc]) -> set[str]:
    return {str(c["source"]["topic"]["code"]) for c in cards}


def _all_text(cards: list[Doc]) -> str:
    return "\n".join(str(c["summary"]) + "\n" + str(c.get("detail", "")) for c in cards)


@pytest.mark.parametrize(
    "path", sorted([*_COMPLETED.glob("*.json"), *_FEED.glob("*.json")]), ids=lambda p: p.stem
)
def test_the_charts_are_valid_r4_and_carry_every_prefetch_key(path: Path) -> None:
    doc = chart_files.loader(path.parent)(path.stem)
    declared = {key for s in catalog.services() for key, _template in s.prefetch}
    missing = declared - set(doc["prefetch"])
    # The one probe of a key not sent lacks that key alone.
    assert missing == ({"medicationDispenses"} if path.stem == "dispenses_key_absent" else set())
    for resource in chart_files.prefetch_resources(doc):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


# --- finding 3: an order `completed` with no end and no fill ----------------------------------


def test_a_completed_order_without_fills_ends_by_its_last_update_adequacy_to_confirm() -> None:
    cards, record = _evaluate(_completed(NO_FILL))
    venlafaxine = _trial(record, "venlafaxine")
    assert venlafaxine.end == date(2025, 3, 24)  # was 2025-04-06, its supply's end
    assert venlafaxine.end_not_recorded and not venlafaxine.ongoing
    assert venlafaxine.weeks_at_adequate_dose == 11  # was 12.9
    assert venlafaxine.verdict is Verdict.INADEQUATE
    assert venlafaxine.reasons == (InadequacyReason.TOO_SHORT,)
    assert venlafaxine.shown_until is not None and not venlafaxine.failed
    # One failed trial (sertraline): no TMS card; the adherence card asks how long it was taken.
    assert "tms-referral" not in _codes(cards)
    assert _card(cards, "optimize-switch-augment").startswith(
        "1 adequate trial failed (sertraline)"
    )
    adherence = _card(cards, "adherence-review")
    assert "(venlafaxine duration to confirm, at most 11 wk)" in adherence
    assert f"{SAID}: confirm how long it was taken" in adherence


def test_the_tms_criterion_names_the_completed_order_to_confirm() -> None:
    cards, _ = _evaluate(_completed(NO_FILL), Policy(tms_min_failed_trials=1))
    card = _card(cards, "tms-referral")
    assert "1 counted from 1 class: sertraline (SSRI, failed)" in card
    assert f"not counted: venlafaxine from 2025-01-06, {SAID}" in card
    assert "venlafaxine (SNRI, failed)" not in card


def test_a_completed_order_with_fills_keeps_its_failed_adequate_trial() -> None:
    cards, record = _evaluate(_completed(FILLS))
    venlafaxine = _trial(record, "venlafaxine")
    assert venlafaxine.end == date(2025, 3, 21)  # the fills' supply, as before
    assert round(venlafaxine.weeks_at_adequate_dose, 1) == 10.6
    assert venlafaxine.verdict is Verdict.ADEQUATE and venlafaxine.failed
    assert venlafaxine.adherence.status is AdherenceStatus.VERIFIED
    assert not venlafaxine.end_not_recorded and venlafaxine.shown_until is None
    assert "venlafaxine (SNRI, failed)" in _card(cards, "tms-referral")


@pytest.mark.parametrize(
    "updated",
    [
        # Completed on or after its supply's last day: nothing says it ended sooner (rule 2g
        # cuts only a supply running past the recorded day).
        "2025-04-20T10:00:00-05:00",
        # Stored `completed` on the day it was written (Synthea's renewals, an entry of a past
        # prescription): its lastUpdated dates the entry, not an end (event_spans._end_recorded).
        "2025-01-06T17:00:00-05:00",
    ],
)
def test_a_completed_order_whose_last_update_dates_no_earlier_end_reads_as_before(
    updated: str,
) -> None:
    doc = _completed(NO_FILL)
    for entry in doc["prefetch"]["medicationRequests"]["entry"]:
        if entry["resource"]["status"] == "completed":
            entry["resource"]["meta"]["lastUpdated"] = updated
    _, record = _evaluate(doc)
    venlafaxine = _trial(record, "venlafaxine")
    assert venlafaxine.end == date(2025, 4, 6)
    assert not venlafaxine.end_not_recorded and venlafaxine.verdict is Verdict.ADEQUATE


# --- finding 4 (a): a dispense feed marked incomplete that holds no dispense -------------------


@pytest.mark.parametrize(
    "name",
    [
        "dispenses_timeout_warning_no_dispense",
        "dispenses_forbidden_warning_no_dispense",
        "dispenses_error_outcome",  # the reviewer's control: already so
    ],
)
def test_a_dispense_feed_with_no_dispense_read_leaves_adherence_not_known(name: str) -> None:
    cards, record = _evaluate(_feed(name))
    sertraline = _trial(record, "sertraline")
    assert sertraline.verdict is Verdict.INADEQUATE
    assert sertraline.reasons == (InadequacyReason.ADHERENCE_NOT_READ,)
    assert sertraline.adherence.not_verified == "not known (refill data could not be read)"
    assert not sertraline.failed
    adherence = _card(cards, "adherence-review")
    assert "sertraline refill data not read" in adherence
    assert (
        "**sertraline** (2024-06-03): 16 weeks at an adequate dose; adherence not known (refill "
        "data could not be read): not counted as a failed adequate trial until confirmed"
    ) in adherence
    assert "1 adequate trial failed (sertraline)" not in _all_text(cards)


@pytest.mark.parametrize("name", ["dispenses_epic_4101_no_results", "dispenses_key_absent"])
def test_a_true_empty_search_or_a_key_not_sent_reads_as_before(name: str) -> None:
    cards, record = _evaluate(_feed(name))
    sertraline = _trial(record, "sertraline")
    assert sertraline.verdict is Verdict.ADEQUATE and sertraline.failed
    assert sertraline.adherence.not_verified is None
    assert _card(cards, "optimize-switch-augment").startswith(
        "1 adequate trial failed (sertraline)"
    )


# --- finding 4 (b): a dispense feed read only in part -----------------------------------------


def test_partial_refill_data_never_contradict_adherence() -> None:
    cards, record = _evaluate(_feed("dispenses_next_page_unread_middle_fills_missing"))
    sertraline = _trial(record, "sertraline")
    assert sertraline.adherence.status is AdherenceStatus.UNVERIFIED
    assert sertraline.adherence.not_verified == "not known (refill data incomplete)"
    assert sertraline.adherence.pdc is None and not sertraline.adherence.supply_gaps
    assert sertraline.adherence.fills == 2  # the fills read are still fills
    assert sertraline.verdict is Verdict.INADEQUATE and not sertraline.failed
    assert sertraline.reasons == (InadequacyReason.ADHERENCE_NOT_READ,)
    text = _all_text(cards)
    assert "contradicted by refill data" not in text and "PDC 46" not in text
    assert "no supply 60 days" not in text
    adherence = _card(cards, "adherence-review")
    assert adherence.startswith("1 trial not adequate (sertraline refill data incomplete)")
    assert (
        "**sertraline** (2024-06-03): 7.4 weeks at an adequate dose on the fills read; adherence "
        "not known (refill data incomplete): not counted as a failed adequate trial until "
        "confirmed with the patient or pharmacy"
    ) in adherence
    assert "more pages that could not be read" in adherence


def test_partial_refill_data_that_verify_adherence_stand() -> None:
    cards, record = _evaluate(_feed("dispenses_next_page_unread_latest_fills_read"))
    sertraline = _trial(record, "sertraline")
    assert sertraline.adherence.status is AdherenceStatus.VERIFIED
    assert sertraline.adherence.pdc == 1.0
    assert sertraline.verdict is Verdict.ADEQUATE and sertraline.failed
    assert _card(cards, "optimize-switch-augment").startswith(
        "2 adequate trials failed (sertraline, venlafaxine)"
    )


def test_the_timeline_says_the_refill_data_are_incomplete() -> None:
    from services.timeline.wording import reasons_text

    _, record = _evaluate(_feed("dispenses_next_page_unread_middle_fills_missing"))
    assert (
        reasons_text(_trial(record, "sertraline")) == "adherence not known: refill data incomplete"
    )
    _, record = _evaluate(_feed("dispenses_timeout_warning_no_dispense"))
    assert (
        reasons_text(_trial(record, "sertraline"))
        == "adherence not known: refill data could not be read"
    )


def test_documented_non_compliance_stays_poor_on_partial_refill_data() -> None:
    from dataclasses import replace

    from fhir_mapping.refills_unread import refills_incomplete

    _, record = _evaluate(_feed("dispenses_next_page_unread_middle_fills_missing"))
    poor = replace(
        _trial(record, "sertraline"),
        adherence=replace(
            _trial(record, "sertraline").adherence,
            status=AdherenceStatus.POOR,
            documented="Drugs - partial non-compliance (finding), 2024-07-20",
            not_verified=None,
        ),
        reasons=(InadequacyReason.POOR_ADHERENCE,),
    )
    assert refills_incomplete([poor]) == (poor,)


def test_which_reading_of_the_dispense_feed() -> None:
    from fhir_mapping.refills_unread import DispenseRead, dispense_read

    fill = {"resourceType": "MedicationDispense", "id": "f1"}
    order = {"resourceType": "MedicationRequest", "id": "o1"}
    cut = {"MedicationDispense": "the EHR's search timed out"}
    failed = frozenset({"MedicationDispense"})
    assert dispense_read(failed, {}, [fill]) is DispenseRead.NOT_READ
    assert dispense_read(frozenset(), cut, [order]) is DispenseRead.NOT_READ
    assert dispense_read(frozenset(), cut, [order, fill]) is DispenseRead.PARTIAL
    assert dispense_read(frozenset(), {}, [order]) is DispenseRead.READ
    # Another feed's gap says nothing of the dispenses.
    assert dispense_read(frozenset({"Condition"}), {"Procedure": "x"}, []) is DispenseRead.READ
