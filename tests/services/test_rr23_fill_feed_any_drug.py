"""Review s23 RR finding 1: the never-filled-order rule (rule 2c, fhir_mapping/unfilled_order.py)
counted only antidepressant and adjunct dispenses as proof that the chart carries a fill feed.

Charts (tests/services/fill_feed_charts/, US Core / Epic shaped, every prefetch key):
- phenelzine_unfilled_lisinopril_fills_{pv,select,sign}: phenelzine 15 mg tid, 90 tablets with 2
  refills, ordered 2024-03-01, `active`, never dispensed; twelve lisinopril 10 mg fills of 90 days
  (2024-01-02 on) in the same MedicationDispense feed; PHQ-9 18 on 2026-11-20; at the order hooks a
  sertraline 50 mg draft. Before: "phenelzine 45 mg/day since 2024-03-01 (143 weeks)", "1 adequate
  trial failed (phenelzine): raise phenelzine from 45 toward 90 mg/day first", a CBT referral for
  the failure, and at the order hooks "Sertraline ordered while phenelzine (MAOI) is running".
- escitalopram_unfilled_metformin_fills_pv: escitalopram 20 mg ordered 2025-06-01 (30 tablets, 11
  refills), never dispensed; metformin fills. Before: a 78-week adequate failed trial, "switch to a
  non-SSRI mechanism or augment".
After: the order is listed as the controls already read it (an old mirtazapine fill, lithium
fills): counted up to its authorised supply, then "order ... still active, never filled or
renewed: confirm it is still taken before counting it as a trial"; the MAOI card still critical.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping import medications, unfilled_order
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
AS_OF = date(2026, 12, 1)
ADHERENCE = "adherence-review"
OPTIMISE = "optimize-switch-augment"
PSYCHOTHERAPY = "psychotherapy"
TMS = "tms-referral"
MAOI = "order-maoi-interaction"
PHENELZINE = "phenelzine_unfilled_lisinopril_fills"
ESCITALOPRAM = "escitalopram_unfilled_metformin_fills_pv"
# span74: a lisinopril/metformin feed says nothing of an antidepressant: read as orders-only.
PHENELZINE_CONFIRM = (
    "phenelzine: order of 2024-03-01 still active, no fill on record: confirm it is still "
    "taken before counting it as a trial"
)
# span74: a lisinopril/metformin feed says nothing of an antidepressant: read as orders-only.
ESCITALOPRAM_CONFIRM = (
    "escitalopram: no supply since 2026-05-27 (188 days), order still open: confirm whether it "
    "is still taken; last PHQ-9 19 on 2026-11-20"
)
# Phenelzine: 30 days x (1 + 2 refills) authorised, to 2024-05-30; the fill feed showing no fill
# one fill plus supply_gap_days on, counted to that one fill (orders35 for a supply still
# authorised at as-of; orders36, recheck K32a finding 4: one already run out alike): 2024-03-31.
# span74: orders-only, counted to its authorised supply's end (2024-05-30), "no fill on record".
PHENELZINE_UNCOUNTED = "no fill on record: time after 2024-05-30 not counted"
# Escitalopram: 30 days x (1 + 11 refills), to 2026-05-27; one fill alike: 2025-07-01.
# span74: orders-only: its 360 days ran out 2026-05-27, read as a filled course's supply would be.
ESCITALOPRAM_UNCOUNTED = "the supply its order of 2025-06-01 authorised; no fill on record"

# The controls' feeds carry a pathway drug's fill before the order: the never-filled words stay.
ON_FEED_PHENELZINE = "never filled or renewed since: time after 2024-03-31 not counted"
ON_FEED_ESCITALOPRAM = (
    "escitalopram: order of 2025-06-01 still active, never filled or renewed: confirm it is "
    "still taken before counting it as a trial"
)
ON_FEED_ESCITALOPRAM_UNCOUNTED = "never filled or renewed since: time after 2025-07-01 not counted"

_chart = chart_files.loader(Path(__file__).parent / "fill_feed_charts")
_at = Evaluator(AS_OF)


def _trial(doc: Doc, ingredient: str) -> Any:
    _, record = _at.by_topic_and_record(doc)
    (trial,) = [t for t in record.trials if t.ingredient == ingredient]
    return trial


def _feed(doc: Doc) -> bool:
    """Whether the chart's dispenses show a fill feed (unfilled_order.dispense_on_record): since
    orders32 an order is counted up to its authorised supply either way, and the feed decides
    only the marks the cards add (awaiting a fill, a fill declined)."""
    return unfilled_order.dispense_on_record(_fills(doc), AS_OF)


def _fills(doc: Doc) -> list[Doc]:
    return [e["resource"] for e in doc["prefetch"]["medicationDispenses"]["entry"]]


def _all_text(cards: dict[str, Doc]) -> str:
    return "\n".join(c["summary"] + "\n" + c["detail"] for c in cards.values())


# --- the finding: other drugs' fills show the feed ---------------------------------------------


def test_an_unfilled_maoi_order_beside_lisinopril_fills_is_listed_not_a_failed_trial() -> None:
    doc = _chart(f"{PHENELZINE}_pv")
    found = _at.by_topic(doc)
    assert found[ADHERENCE]["summary"] == PHENELZINE_CONFIRM
    assert (
        f"**phenelzine** (2024-03-01): order of 2024-03-01 still active, {PHENELZINE_UNCOUNTED}"
    ) in found[ADHERENCE]["detail"]
    # No failed trial, no dose raise resting on it, no referral for its failure.
    assert OPTIMISE not in found
    assert PSYCHOTHERAPY not in found
    assert TMS not in found
    text = _all_text(found)
    assert "raise phenelzine" not in text
    assert "adequate trial failed" not in text
    trial = _trial(doc, "phenelzine")
    assert trial.unconfirmed_since == date(2024, 3, 1)
    assert trial.unconfirmed_order
    # span74: orders-only again (its authorised 90 days), never the 143.6 weeks of RR finding 1.
    assert trial.weeks_at_adequate_dose == pytest.approx(90 / 7)


@pytest.mark.parametrize("hook", ["select", "sign"])
def test_at_the_order_hooks_the_unfilled_maoi_is_listed_and_still_critical(hook: str) -> None:
    (card,) = _at.cards(_chart(f"{PHENELZINE}_{hook}"))
    assert card["source"]["topic"]["code"] == MAOI
    assert card["indicator"] == "critical"  # the safety check still sees the listed MAOI
    # A listed partner named with what keeps it listed, to confirm (review s23 RR finding 5).
    assert card["summary"] == (  # span74: orders-only wording, still critical
        "Sertraline with phenelzine (MAOI) listed (order of 2024-03-01, no fill on record): "
        "confirm it is not taken (14-day washout if taken)"
    )
    assert (
        "phenelzine is listed (order of 2024-03-01 still active, no fill on record; "
        "confirm whether it is taken)"
    ) in card["detail"]
    assert "running" not in card["summary"] + card["detail"]


def test_an_unfilled_escitalopram_order_beside_metformin_fills_is_listed() -> None:
    doc = _chart(ESCITALOPRAM)
    found = _at.by_topic(doc)
    # was: a 78-week failed trial; span74: orders-only, the adherence card asks first.
    assert list(found) == [ADHERENCE]
    assert found[ADHERENCE]["summary"] == ESCITALOPRAM_CONFIRM
    assert ESCITALOPRAM_UNCOUNTED in found[ADHERENCE]["detail"]
    assert _trial(doc, "escitalopram").supply_ran_out == date(2026, 5, 27)  # span74: orders-only


def test_the_off_pathway_fills_are_still_skipped_before_they_are_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 14: a fill of a drug off this pathway is passed over before its drug is read
    (medication_drug.off_pathway); counting it toward the feed does not read it in full."""
    read: list[str] = []
    real = medications.read_drug

    def spy(resource: Any, *args: Any) -> Any:
        read.append(str(resource.get("resourceType")))
        return real(resource, *args)

    monkeypatch.setattr(medications, "read_drug", spy)
    found = _at.by_topic(_chart(ESCITALOPRAM))
    assert found[ADHERENCE]["summary"] == ESCITALOPRAM_CONFIRM
    assert "MedicationRequest" in read  # the spy sees what is read ...
    assert "MedicationDispense" not in read  # ... and no metformin fill is


# --- the controls: an antidepressant's or adjunct's fill (already so) --------------------------


def test_control_an_old_mirtazapine_fill_lists_the_unfilled_phenelzine_order() -> None:
    doc = _chart("control_phenelzine_unfilled_old_mirtazapine_fills_pv")
    found = _at.by_topic(doc)
    assert found[ADHERENCE]["summary"].startswith("1 trial not adequate (mirtazapine")
    assert ON_FEED_PHENELZINE in found[ADHERENCE]["detail"]
    assert OPTIMISE not in found
    assert _trial(doc, "phenelzine").unconfirmed_since == date(2024, 3, 1)


def test_control_lithium_fills_list_the_unfilled_escitalopram_order() -> None:
    doc = _chart("control_escitalopram_unfilled_lithium_fills_pv")
    found = _at.by_topic(doc)
    # The lithium's monitoring due (no level, sodium, creatinine or TSH: lith49) beside it.
    assert list(found) == [ADHERENCE, "running-lithium-level"]
    assert found["running-lithium-level"]["indicator"] == "info"
    assert found[ADHERENCE]["summary"] == ON_FEED_ESCITALOPRAM
    assert ON_FEED_ESCITALOPRAM_UNCOUNTED in found[ADHERENCE]["detail"]


# --- which other fills show the feed: any but entered-in-error, by as-of, the patient's --------


@pytest.mark.parametrize(
    "status", ["preparation", "in-progress", "on-hold", "stopped", "declined", "cancelled"]
)
def test_fills_not_handed_over_show_the_feed_too(status: str) -> None:
    """Review s23 RR2 finding 5: a dispense not handed over is a record of the same feed (a
    declined escitalopram fill, its only dispense, read a 548-day adequate trial): the unfilled
    order takes rule 2c. Was pinned the other way (only `completed` showed the feed)."""
    doc = _chart(f"{PHENELZINE}_pv")
    for fill in _fills(doc):
        fill["status"] = status
    assert _trial(doc, "phenelzine").unconfirmed_since == date(2024, 3, 1)


def test_entered_in_error_fills_do_not_show_the_feed() -> None:
    """Only entered-in-error says the record itself was a mistake: the order keeps its reading."""
    doc = _chart(f"{PHENELZINE}_pv")
    for fill in _fills(doc):
        fill["status"] = "entered-in-error"
    assert not _feed(doc)
    # orders32: with no feed too, the order counts only up to its authorised supply.
    assert _trial(doc, "phenelzine").unconfirmed_since == date(2024, 3, 1)


def test_one_handed_over_fill_among_others_shows_the_feed() -> None:
    doc = _chart(f"{PHENELZINE}_pv")
    for fill in _fills(doc)[1:]:
        fill["status"] = "in-progress"
    assert _trial(doc, "phenelzine").unconfirmed_since == date(2024, 3, 1)


def test_a_fill_dated_only_by_when_prepared_shows_the_feed() -> None:
    """medication_dates.py dates a dispense by whenHandedOver, else whenPrepared."""
    doc = _chart(f"{PHENELZINE}_pv")
    for fill in _fills(doc):
        del fill["whenHandedOver"]
    assert _trial(doc, "phenelzine").unconfirmed_since == date(2024, 3, 1)


def test_fills_after_as_of_do_not_show_the_feed() -> None:
    """A replay sees the chart as it was that day: fills handed over later showed no feed then."""
    doc = _chart(f"{PHENELZINE}_pv")
    for fill in _fills(doc):
        fill["whenHandedOver"] = fill["whenPrepared"] = "2027-01-05T09:30:00-05:00"
    assert not _feed(doc)
    assert _trial(doc, "phenelzine").unconfirmed_since == date(2024, 3, 1)  # orders32


def test_another_patients_fills_do_not_show_the_feed() -> None:
    doc = _chart(f"{PHENELZINE}_pv")
    for fill in _fills(doc):
        fill["subject"] = {"reference": "Patient/someone-else"}
    # Another patient's fills are left out before the courses are built: read as no feed, and
    # (orders32) the order counts up to its authorised supply either way.
    assert _trial(doc, "phenelzine").unconfirmed_since == date(2024, 3, 1)
