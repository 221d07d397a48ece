"""Review s26 RN finding 3: an active, unpaced complete heart block beside a running tricyclic.

On the base, patient-view gave three cards on the one drug and none said contraindicated, while
the same chart's order-select card was CRITICAL "Nortriptyline is contraindicated by a condition
on record":
1. running-drug card, a WARNING: "Nortriptyline 50 mg/day listed with Atrioventricular block,
   complete on record since 2026-09-01: review whether it should continue";
2. adherence review: "nortriptyline: order of 2026-10-01 still active, never filled or renewed:
   confirm it is still taken before counting it as a trial";
3. optimise: "...: raise held (PHQ-9 item 9 not recorded; nortriptyline with atrioventricular
   block)".
And the running-drug card ignored drug_cautions.csv `supersedes`: a first-degree block (I44.0)
and a complete block (I44.2) made two pairs ("Conditions on record weigh against running
nortriptyline 25 mg/day (Atrioventricular block, first degree, Complete heart block)") where the
order card says the complete block's line alone.

Now the running card takes its severity from the row (`running_indicator`, softened by a
pacemaker in use by the one rule the order hooks follow: pacing.Pacing.critical) and its summary
the row's words (`running_short`); the supply question rides on it and the adherence review leaves
(rules/contraindicated_once.py); the optimise card's hold points at it; the superseded row is left
out (tables.superseded, the order hooks' rule). A tricyclic in the acute recovery period after an
MI (the other critical tricyclic row) is said the same way. Resolved and paced blocks keep their
wording (test_tca_lb26_heart_block.py).

Charts: tests/services/heart_block_hb26_charts/ (the comorbidity24 running chart, copied; the
others from the tca_lb26 unpaced chart with an I44.0 or an I21.4 Condition, US Core shaped).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.offline import evaluate_document
from services import drug_rules, tables
from services.evaluation import screen_without
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator, of_topic, topics

pytestmark = pytest.mark.real_drug_table

_DIR = Path(__file__).parent / "heart_block_hb26_charts"
_chart = chart_files.loader(_DIR)
_COMORBIDITY = chart_files.loader(Path(__file__).parent / "comorbidity24_charts")
AS_OF = date(2026, 12, 1)
_cards = Evaluator(AS_OF).cards
RUNNING = "running-drug-caution"
ADHERENCE = "adherence-review"
OPTIMISE = "optimize-switch-augment"
SAYS = "contraindicated (ECG and cardiology now; do not stop it abruptly)"
UNFILLED = "cavb_i442_unpaced_nortriptyline_listed_unfilled_pv"


def _running(cards: list[dict[str, Any]]) -> dict[str, Any]:
    (card,) = of_topic(cards, RUNNING)
    return card


def test_an_unpaced_complete_block_is_critical_and_said_contraindicated_as_at_order_select() -> (
    None
):
    cards = _cards(_chart(UNFILLED))
    card = _running(cards)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        f"Nortriptyline 50 mg/day listed with Atrioventricular block, complete: {SAYS}"
    )
    assert cards[0] is card  # the critical card leads the screen
    # The same chart's order card, for the same row: critical too.
    (order,) = _cards(_COMORBIDITY("heart_block_i442_nortriptyline_select"))
    assert order["indicator"] == card["indicator"] == "critical"
    # The detail keeps the row's what-to-do in full, and the listing to confirm.
    detail = card["detail"]
    assert "review with cardiology now whether it should continue (ECG, pacing)" in detail
    assert "do not stop it abruptly" in detail
    assert "listed as active since 2026-10-01, last confirmed 2026-10-01" in detail


def test_the_supply_question_rides_on_the_critical_card_and_the_adherence_review_leaves() -> None:
    cards = _cards(_chart(UNFILLED))
    assert topics(cards) == [RUNNING, OPTIMISE]
    detail = _running(cards)["detail"]
    assert (
        "- **nortriptyline** (2026-10-01): order of 2026-10-01 still active, never filled or "
        "renewed since" in detail
    )
    # After the pairs, before the closing line.
    assert detail.index("never filled") < detail.index("Not offered as an order")
    assert detail.index("Atrioventricular block, complete (ICD-10-CM I44.2") < detail.index(
        "never filled"
    )


def test_the_optimise_card_gives_the_never_filled_order_no_dose_advice() -> None:
    # orders36 (recheck K32a finding 4): the nortriptyline order the fill feed lists never filled
    # is no course to raise ("raise held ..." was pinned here); its listing rides on the critical
    # card (above), and the optimise card speaks of the venlafaxine the feed shows dispensed.
    (optimise,) = of_topic(_cards(_chart(UNFILLED)), OPTIMISE)
    summary = optimise["summary"]
    assert summary == (
        "1 adequate trial failed (sertraline); venlafaxine not measured yet: repeat the PHQ-9 "
        "before augmenting or switching"
    )
    assert "nortriptyline" not in summary.lower()
    assert "atrioventricular" not in summary.lower()
    assert not optimise.get("suggestions")  # nothing one click that keeps it running


def test_while_the_critical_card_is_snoozed_the_adherence_review_says_its_part() -> None:
    result = evaluate_document(_chart(UNFILLED), hook="patient-view", as_of=AS_OF, policy=Policy())
    shown = {r.topic: r for r in screen_without(result.evaluation, Policy(), {RUNNING})}
    assert RUNNING not in shown
    assert shown[ADHERENCE].summary == (
        "nortriptyline: order of 2026-10-01 still active, never filled or renewed: confirm it is "
        "still taken before counting it as a trial"
    )


def test_a_first_degree_block_beside_the_complete_block_is_superseded_as_at_an_order() -> None:
    card = _running(_cards(_chart("first_degree_i440_and_cavb_i442_running_nortriptyline_pv")))
    assert card["indicator"] == "critical"
    assert card["summary"] == f"Nortriptyline 25 mg/day with Complete heart block on record: {SAYS}"
    detail = card["detail"]
    assert detail.count("- **Nortriptyline with") == 1  # one pair, the complete block's
    assert "First degree" not in detail and "I44.0" not in detail
    assert "Roose 1987" not in detail  # the first-degree (conduction-disease) row's cite


def test_a_first_degree_block_alone_keeps_its_warning() -> None:
    card = _running(_cards(_chart("first_degree_i440_alone_running_nortriptyline_pv")))
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Nortriptyline 25 mg/day with Atrioventricular block, first degree on record: review "
        "whether it should continue"
    )
    assert "contraindicated" not in card["summary"]


def test_a_tricyclic_running_in_the_acute_recovery_period_after_an_mi_is_critical() -> None:
    card = _running(_cards(_chart("nstemi_i214_3_weeks_ago_running_nortriptyline_pv")))
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        f"Nortriptyline with Non-ST elevation (NSTEMI) myocardial infarction: {SAYS}"
    )
    assert "review with the cardiology team whether it should continue" in card["detail"]


def test_the_running_severity_is_the_order_severity_on_every_row_that_sets_one() -> None:
    # A row critical for a running course is critical at an order too, says what to do in its
    # own words, and is softened by a pacemaker only where the order row is.
    orders = {(c.ingredient, c.finding): c for c in tables.drug_cautions()}
    running = [c for c in drug_rules.running_cautions() if c.indicator]
    assert running
    for caution in running:
        order = orders[(caution.ingredient, caution.finding.value)]
        assert caution.indicator == "critical" == order.indicator
        assert caution.short.startswith("contraindicated") and "do not stop" in caution.short
        assert caution.if_running
        assert bool(caution.if_paced_running) == bool(order.if_paced)
    # Rows without running words are the topic's warning (bupropion with epilepsy among them).
    assert all(not c.short for c in drug_rules.running_cautions() if not c.indicator)


@pytest.mark.parametrize("path", sorted(_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(path: Path) -> None:
    doc = _chart(path.stem)
    assert {"encounters", "labsSI", "devices", "conditions", "procedures"} <= doc["prefetch"].keys()
    for resource in chart_files.prefetch_resources(doc):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
