"""Review 11 wave 4, renal and lithium plumbing (services/order_checks/renal.py, services/
renal_doses.py, services/rules/optimize/augment.py, services/lithium_baseline.py,
services/order_checks/model.py):

- the renal card of an order is worked out once per hook call, not once per draft (each time
  judging every draft: O(N^2));
- the augment list's renal line names only the adjuncts it offers: bupropion "not listed" beside
  thioridazine got "labelled renal limits: bupropion: ..." as if offered (the line was found by
  scanning the rendered list text);
- the lithium baseline card places an eGFR reported as "< 30" in the severe band, as the renal
  card does (it read it as 30: the moderate band), and says "see the renal card" for the bands
  the order hook makes a renal card for (`at_order`, not `on_lists`);
- milnacipran below 30 mL/min: the label's maintenance is 50 mg/day, raised to 100 by response,
  so 100 mg/day is never called "above the labelled 50 mg/day"; above 100 is;
- the dedupe key of a card covering several drafts: one helper (joined, hashed when long).

Charts as in test_renal_doses.py (US Core shaped, validated against fhir.resources R4B)."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from fhir_mapping.record import DraftOrder
from services import lithium_baseline, renal_doses, renal_table
from services.order_checks import model, renal
from services.recommendation import Indicator
from tests.fixtures import builders as fb
from tests.services.test_renal_doses import (
    DESVENLAFAXINE_50,
    DULOXETINE_60,
    LITHIUM_300,
    RENAL,
    P,
    at_order,
    chart,
    drafted,
    egfr,
    optimise,
)

pytestmark = pytest.mark.real_drug_table

Resource = dict[str, Any]
BASELINE = "order-lithium-baseline"
MILNACIPRAN_50 = ("833144", "milnacipran hydrochloride 50 MG Oral Tablet")
THIORIDAZINE_50 = ("199388", "thioridazine hydrochloride 50 MG Oral Tablet")


def egfr_below(value: float) -> Resource:
    """An eGFR reported as a bound below the lab's reporting range ("< 30 mL/min/1.73 m2")."""
    resource = egfr(value)
    resource["valueQuantity"]["comparator"] = "<"
    return resource


# --- one renal card per call ----------------------------------------------------------------------


def test_the_renal_card_is_worked_out_once_per_call_not_once_per_draft(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []
    each = renal._each

    def counted(ctx: Any, selected: Any) -> Any:
        calls.append(len(selected))
        return each(ctx, selected)

    monkeypatch.setattr(renal, "_each", counted)
    drafts = (
        drafted(DULOXETINE_60, rid="draft-1"),
        drafted(LITHIUM_300, per_day=2, rid="draft-2"),
        drafted(DESVENLAFAXINE_50, per_day=2, rid="draft-3"),
    )
    card = at_order(chart(egfr(25), drafts=drafts))[RENAL]
    # Before: once for each of the three drafts, each time judging all three.
    assert calls == [3]
    assert card.summary == (
        "Duloxetine, lithium and desvenlafaxine: duloxetine avoid; lithium not recommended; "
        "desvenlafaxine above the labelled 25 mg/day (labels)"
    )
    # Carried by the first draft.
    assert str(card.dedupe_key).partition("#")[0] == "draft-1:duloxetine:order-renal-dose:60"


# --- the augment list's renal line ---------------------------------------------------------------


def test_a_left_out_adjunct_gets_no_renal_limit_on_the_augment_list() -> None:
    # Thioridazine on an Epic-style home-medication list: bupropion is left out of the adjuncts
    # (critical pair); at eGFR 45 its label's caution must not be printed as if it were offered.
    thioridazine = fb.medication_statement(
        THIORIDAZINE_50[0],
        THIORIDAZINE_50[1],
        date(2012, 4, 1),
        dose_value=50,
        dose_unit="mg",
        patient=P,
        date_asserted=date(2025, 3, 1),
        id="ms-thio",
    )
    detail = optimise(chart(egfr(45), thioridazine)).detail
    augment = detail.split("**Augment:**")[1].split("**Switch:**")[0]
    assert "bupropion not listed: contraindicated" in augment
    # Before: "labelled renal limits: bupropion: consider a lower dose or frequency; lithium: ..."
    assert (
        "Kidney function: eGFR 45 mL/min/1.73 m2 on 2025-05-20; labelled renal limits: lithium: "
        "start lower, titrate slowly, check levels often." in augment
    )
    assert "bupropion: consider" not in augment


def test_the_augment_list_still_names_the_renal_limit_of_an_offered_adjunct() -> None:
    augment = optimise(chart(egfr(45))).detail.split("**Augment:**")[1].split("**Switch:**")[0]
    assert "lithium (serum" in augment
    assert "labelled renal limits: lithium: start lower" in augment
    # Below 30 the label's "not recommended" leaves it out (opt62, K63b finding 7).
    augment = optimise(chart(egfr(25))).detail.split("**Augment:**")[1].split("**Switch:**")[0]
    assert "lithium (serum" not in augment
    assert "lithium not listed: not recommended in severe renal impairment" in augment


# --- the lithium baseline card reads the eGFR as the renal card does ------------------------------


def test_an_egfr_below_30_reported_as_a_bound_is_the_severe_band_on_the_baseline_card() -> None:
    record = chart(egfr_below(30), drafts=(drafted(LITHIUM_300, per_day=2),))
    cards = at_order(record)
    assert cards[RENAL].summary == (
        "Lithium 600 mg/day with eGFR < 30 on 2025-05-20: not recommended below 30 mL/min (label)"
    )
    baseline = cards[BASELINE].detail
    # Before: "moderate renal impairment band of the lithium label (start lower, ...)".
    assert "eGFR < 30 mL/min/1.73 m2 on 2025-05-20: **severe renal impairment band" in baseline
    assert "moderate renal impairment band" not in baseline
    assert "see the renal card**" in baseline


def test_the_baseline_card_points_to_the_renal_card_only_for_a_band_that_makes_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ "see the renal card" follows the table's at_order (what the order hook reads), never
    on_lists (what the patient-view lists read)."""
    record = chart(egfr(45))
    (lab,) = [lab for lab in record.context.labs if lab.test == "egfr"]
    rows = renal_doses.rows()
    moderate = next(r for r in rows if r.ingredient == "lithium" and r.holds(45))

    def with_row(at_order: bool, on_lists: bool) -> None:
        changed = dataclasses.replace(moderate, at_order=at_order, on_lists=on_lists)
        table = tuple(changed if r is moderate else r for r in rows)
        # The bands are read from the table module (services/renal_table.py), where Egfr.row
        # looks them up.
        monkeypatch.setattr(renal_table, "rows", lambda: table)

    with_row(at_order=False, on_lists=True)
    assert "see the renal card" not in lithium_baseline.abnormal(lab)
    with_row(at_order=True, on_lists=False)
    assert lithium_baseline.abnormal(lab).endswith(": see the renal card")


# --- milnacipran below 30: 50 mg/day maintenance, up to 100 by response ---------------------------


def test_milnacipran_100_mg_below_30_is_not_called_above_a_50_mg_maximum() -> None:
    card = at_order(chart(egfr(20), drafts=(drafted(MILNACIPRAN_50, per_day=2),)))[RENAL]
    # Before: "Milnacipran 100 mg/day with eGFR 20 ...: above the labelled 50 mg/day ...".
    assert "above the labelled" not in card.summary
    assert card.summary == (
        "Milnacipran 100 mg/day with eGFR 20 on 2025-05-20: label says 50 mg/day maintenance "
        "(up to 100 by response)"
    )
    assert "may be raised to 100 mg/day by response" in card.detail
    assert card.indicator is Indicator.WARNING


def test_milnacipran_200_mg_below_30_is_above_the_labelled_100() -> None:
    card = at_order(chart(egfr(20), drafts=(drafted(MILNACIPRAN_50, tablets=2, per_day=2),)))[RENAL]
    assert card.summary.startswith(
        "Milnacipran 200 mg/day with eGFR 20 on 2025-05-20: above the labelled 100 mg/day"
    )
    assert card.indicator is Indicator.WARNING


# --- one dedupe-key helper ----------------------------------------------------------------------


def _draft(rid: str, mg: float) -> DraftOrder:
    record = chart(drafts=(drafted(DULOXETINE_60, rid=rid),))
    return dataclasses.replace(record.draft_orders[0], mg_per_day=mg)


def test_a_card_over_a_few_drafts_joins_their_keys_and_many_are_hashed() -> None:
    few = [_draft("draft-1", 60), _draft("draft-2", 30)]
    assert model.joined_key("t", few) == "draft-1:duloxetine:t:60,draft-2:duloxetine:t:30"
    many = [_draft(f"draft-{'x' * 40}-{i}", 60) for i in range(6)]
    key = model.joined_key("t", many)
    assert key.startswith("t:sha256:") and len(key) <= model.DEDUPE_KEY_MAX
    assert key == model.joined_key("t", list(many))  # the same drafts: the same key
