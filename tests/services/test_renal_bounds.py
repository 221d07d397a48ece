"""Review 11 recheck 2, renal findings 2 and 5, and the milnacipran ceiling on chart open
(services/renal_doses.py, services/order_checks/renal.py, services/rules/running_renal.py):

- 2: an eGFR reported as "< 60" (Epic's valueString, or valueQuantity.comparator "<") says only
  that the value is below 60: it was read as 59.99, in no band of duloxetine's or desvenlafaxine's
  label, so an 80-year-old was signed duloxetine 60 mg/day or desvenlafaxine 100 mg/day with NO
  card. It is now placed in the most severe band it could fall in and the card says so ("may be
  below 30 ... get a measured value"); "< 30" and "< 15" still settle the band just below them;
- 5: a dialysis code (Z99.2, 2018) left active after a kidney transplant (Z94.0, 2022) made a
  current eGFR of 58 read as dialysis ("avoid" for a running duloxetine). A transplant coded after
  every dialysis code, with an eGFR since, ends the dialysis reading (the eGFR decides) and the
  card says so; a transplant before the dialysis code (graft lost) or no eGFR since it keeps
  the dialysis reading;
- milnacipran below 30 is a "reduce" row with a 100 mg/day ceiling (50 mg/day maintenance, up to
  100 by response): on chart open a running 50 mg/day is within the label, 200 is "above the
  labelled 100".

Charts as in test_renal_doses.py and test_running_renal.py (US Core shaped, Epic's eGFR
component and valueString, ICD-10-CM problem-list Conditions with a SNOMED coding beside, and
Synthea's SNOMED-only "History of renal transplant"), validated against fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.record import FindingKind
from services.recommendation import Indicator
from tests.fixtures import builders as b
from tests.services import test_renal_doses as order
from tests.services import test_running_renal as running
from tests.services.test_renal_recheck import egfr_text

pytestmark = pytest.mark.real_drug_table

Resource = dict[str, Any]
RENAL = "order-renal-dose"
RUNNING = "running-drug-renal"
MILNACIPRAN_50 = ("833144", "milnacipran hydrochloride 50 MG Oral Tablet")
TRANSPLANT_DAY = date(2022, 3, 15)


# --- finding 2: "< 60" is placed in the worst band it could fall in ------------------------------


def test_duloxetine_at_80_with_egfr_sent_as_below_60_warns_it_may_be_below_30() -> None:
    """O_R14: NO CARDS before (the "< 60" read as 59.99, in no band of the Cymbalta label)."""
    record = order.chart(egfr_text("<60"), drafts=(order.drafted(order.DULOXETINE_60),))
    card = order.at_order(record, "order-select")[RENAL]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Duloxetine 60 mg/day with eGFR < 60 on 2025-05-20: may be below 30, where the label "
        "says avoid: get a measured value"
    )
    assert "reported only as a bound: it may be below 30 mL/min" in card.detail
    assert "Get a measured eGFR, or estimate the creatinine clearance" in card.detail


def test_desvenlafaxine_100_with_egfr_below_60_may_be_above_the_25_mg_of_the_lowest_band() -> None:
    """O_R11: NO CARDS before; 25 mg/day is within every band, so it still makes none."""
    drafts = (order.drafted(order.DESVENLAFAXINE_50, tablets=2),)
    card = order.at_order(order.chart(egfr_text("<60"), drafts=drafts))[RENAL]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Desvenlafaxine 100 mg/day with eGFR < 60 on 2025-05-20: may be below 30, where the "
        "label says at most 25 mg/day: get a measured value"
    )
    assert "Keep to 25 mg/day or less until a measured eGFR places the band" in card.detail
    assert len(card.summary) <= 140
    # 50 mg every other day is 25 mg/day: the lowest band's dose, within every band.
    every_other = order.drafted(order.DESVENLAFAXINE_50, tablets=0.5)
    assert RENAL not in order.at_order(order.chart(egfr_text("<60"), drafts=(every_other,)))


@pytest.mark.parametrize("sent", ["<30", "<15"])
def test_a_bound_at_or_below_the_lowest_band_settles_it_and_says_no_may_be(sent: str) -> None:
    record = order.chart(egfr_text(sent), drafts=(order.drafted(order.DULOXETINE_60),))
    card = order.at_order(record)[RENAL]
    assert card.summary == (
        f"Duloxetine 60 mg/day with eGFR < {sent[1:]} on 2025-05-20: avoid below 30 mL/min (label)"
    )
    assert "may be" not in card.summary and "reported only as a bound" not in card.detail


def test_running_duloxetine_with_an_epic_egfr_component_below_60_may_be_below_30() -> None:
    """Chart open: valueQuantity.comparator "<" on Epic's component; no card before."""
    record = running.chart(running.running(running.DULOXETINE_60), running.epic_egfr(60, "<"))
    card = running.renal_card(record)
    assert card.summary == (
        "Duloxetine 60 mg/day running with eGFR < 60 on 2025-05-20: may be below 30, where the "
        "label says avoid: get a measured value"
    )
    assert "reported only as a bound: it may be below 30 mL/min" in card.detail


def test_the_switch_list_says_the_limit_holds_only_if_the_egfr_is_below_the_band() -> None:
    """Two SSRIs failed, eGFR "< 60": the switch list names duloxetine's limit with its edge."""
    switch = order.optimise(order.chart(egfr_text("<60"))).detail
    assert "duloxetine: avoid (if below 30)" in switch
    assert "Kidney function: eGFR < 60" in switch


# --- finding 5: a kidney transplant after the dialysis code --------------------------------------


def transplant(
    onset: date = TRANSPLANT_DAY, *, snomed_only: bool = False, rid: str = "transplant"
) -> Resource:
    """Z94.0 on the problem list with SNOMED "Transplanted kidney present" beside it; or, as
    Synthea writes it, SNOMED "History of renal transplant (situation)" alone."""
    if snomed_only:
        return b.condition(
            b.SNOMED,
            "161665007",
            "History of renal transplant (situation)",
            onset,
            patient=running.P,
            id=rid,
        )
    return b.condition(
        b.ICD10CM,
        "Z94.0",
        "Kidney transplant status",
        onset,
        category="problem-list-item",
        patient=running.P,
        extra_codings=[(b.SNOMED, "737295003", "Transplanted kidney present (finding)")],
        id=rid,
    )


DIALYSIS_2018 = date(2018, 3, 1)


def test_transplant_codes_are_read_as_their_own_finding_kind() -> None:
    record = running.chart(transplant(), transplant(date(2019, 5, 1), snomed_only=True, rid="t2"))
    found = record.context.of(FindingKind.KIDNEY_TRANSPLANT)
    assert sorted(f.code for f in found) == ["161665007", "Z94.0"]


def test_dialysis_code_older_than_a_transplant_is_past_and_the_egfr_decides() -> None:
    """R13: "Duloxetine 60 mg/day running on dialysis (Z99.2 since 2018-03-01): label says avoid"
    before, although a transplant in 2022 and an eGFR of 58 since."""
    record = running.chart(
        running.running(running.DULOXETINE_60),
        running.dialysis(DIALYSIS_2018),
        transplant(),
        running.egfr(58),
    )
    assert RUNNING not in running.cards(record)


def test_order_after_the_transplant_is_judged_by_the_egfr_and_names_the_past_dialysis() -> None:
    """O_R15's chart with an eGFR of 40: desvenlafaxine 100 mg/day is above the moderate band's
    50, not the dialysis band's 25; the card says why dialysis is not read."""
    record = running.chart(
        running.dialysis(DIALYSIS_2018),
        transplant(),
        running.egfr(40),
        drafts=(running.drafted(running.DESVENLAFAXINE_50, tablets=2),),
    )
    card = running.at_order(record)[RENAL]
    assert card.summary.startswith(
        "Desvenlafaxine 100 mg/day with eGFR 40 on 2025-05-20: above the labelled 50 mg/day"
    )
    assert card.detail.startswith(
        "Kidney transplant (Z94.0, 2022-03-15): the dialysis code of 2018-03-01 (Z99.2) is read "
        "as past."
    )


def test_a_dialysis_code_after_the_transplant_still_reads_as_dialysis() -> None:
    """The graft failed and dialysis began again: the eGFR does not measure kidney function."""
    record = running.chart(
        running.running(running.DULOXETINE_60),
        running.dialysis(date(2024, 2, 1)),
        transplant(),
        running.egfr(58),
    )
    assert "on dialysis (Z99.2 since 2024-02-01)" in running.renal_card(record).summary


def test_no_egfr_since_the_transplant_keeps_dialysis_and_asks_to_confirm_it() -> None:
    record = running.chart(
        running.running(running.DULOXETINE_60),
        running.dialysis(DIALYSIS_2018),
        transplant(),
        running.egfr(58, date(2021, 11, 1)),
    )
    card = running.renal_card(record)
    assert "on dialysis (Z99.2 since 2018-03-01)" in card.summary
    assert (
        "A kidney transplant (Z94.0, 2022-03-15) is coded after it, but no eGFR since: confirm "
        "whether dialysis is current." in card.detail
    )


# --- milnacipran below 30: the running dose against the 100 mg/day ceiling -----------------------


def test_running_milnacipran_50_below_30_is_within_the_label() -> None:
    """Before: "label says 50 mg/day maintenance (up to 100 by response)" for the labelled dose."""
    record = running.chart(running.running(MILNACIPRAN_50), running.egfr(20))
    assert RUNNING not in running.cards(record)


def test_running_milnacipran_200_below_30_is_above_the_labelled_100() -> None:
    record = running.chart(running.running(MILNACIPRAN_50, tablets=2, per_day=2), running.egfr(20))
    card = running.renal_card(record)
    assert card.summary.startswith(
        "Milnacipran 200 mg/day running with eGFR 20 on 2025-05-20: above the labelled 100 mg/day"
    )
    assert "Review the dose: 100 mg/day or less in this band" in card.detail


def test_the_lithium_baseline_card_says_a_bound_may_be_in_the_severe_band() -> None:
    """An eGFR of "< 60" on the lithium baseline card: "may be below 30: in the severe ... band",
    never a plain "severe renal impairment band" the record does not show."""
    from fhir_mapping.record import LabResult
    from services import lithium_baseline

    lab = LabResult(
        test="egfr", value=60, unit="mL/min/{1.73_m2}", date=date(2025, 5, 20), comparator="<"
    )
    line = lithium_baseline.abnormal(lab)
    assert line.startswith("may be below 30: in the severe renal impairment band"), line
    exact = LabResult(test="egfr", value=25, unit="mL/min/{1.73_m2}", date=date(2025, 5, 20))
    assert lithium_baseline.abnormal(exact).startswith("severe renal impairment band")
