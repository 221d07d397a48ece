"""Session 27 review RC findings 6-10: adult words said to children, and the boxed warning's place.

6. A 9-year-old on escitalopram 20 mg/day (partial response) was not told at patient-view that
   escitalopram is not established for depression under 12 (the order card knew: Lexapro label
   8.4), and the optimise card reasoned from adult guidance: "CANMAT 2023 prefers adding an
   adjunct ... (para 190)", CANMAT's adjunct list, the Maudsley staging. Under 18 it now names
   the running drug below its age, and says one child-specific line: continue the psychological
   therapy and decide with child and adolescent psychiatry (NICE NG134).
7. Below every TMS clearance (under 15): no "start TMS" on the item-9 card, no "outside adult
   payer policy" and no Medicare LCD on the optimise card or the TMS draft's card, but "TMS not
   cleared under 15 (FDA K231926)".
8. The TMS draft's summary read "TMS ordered with patient is 9": now "TMS ordered at age 9: ...".
9. The ECT 12-17 and TMS 15-17 lines name the consent (data/young_age_treatments.csv).
10. At 19 a long order summary left the boxed warning to the detail while at 13 the summary
   said it: now said in short, or with the dose bracket the detail repeats left out.

Charts: tests/services/s27_child_words_charts/ (the reviewer's charts, built from
tests/services/age_extremes_charts/age16_fluoxetine_failed_escitalopram_partial.json, every
prefetch key), evaluated as of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

FOLDER = Path(__file__).parent / "s27_child_words_charts"
_chart = chart_files.loader(FOLDER)
_at = Evaluator(date(2026, 12, 1))
Doc = dict[str, Any]

OPTIMISE = "optimize-switch-augment"
TMS_DRAFT = "order-tms-excluded"
CHILD_NEXT = (
    "continue the psychological therapy and decide the next step with child and adolescent "
    "psychiatry (NICE NG134)"
)


def _topics(name: str) -> dict[str, Doc]:
    return _at.by_topic(_chart(name))


@pytest.mark.parametrize("name", sorted(p.stem for p in FOLDER.glob("*.json")))
def test_each_chart_carries_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


def test_escitalopram_running_at_9_is_named_below_its_age() -> None:
    detail = _topics("age9_escitalopram_partial_pv")[OPTIMISE]["detail"]
    assert (
        "**Running now, below its age:** escitalopram (20 mg/day, since 2026-07-05): safety and "
        "effectiveness in depression not established under 12 (Lexapro label 8.4). Review it "
        "with child and adolescent psychiatry."
    ) in detail


@pytest.mark.parametrize("name", ["age9_escitalopram_partial_pv", "age16_escitalopram_partial_pv"])
def test_under_18_no_adult_adjunct_reasoning(name: str) -> None:
    detail = _topics(name)[OPTIMISE]["detail"]
    for adult in ("para 190", "prefers adding an adjunct", "First-line adjuncts", "Maudsley"):
        assert adult not in detail, adult
    assert "**Augment:** Under 18 no adjunct is proposed (CANMAT 2023 Table 7.2 is adult " in (
        detail
    )
    assert CHILD_NEXT in detail
    assert (
        "Partial response on escitalopram (40 % drop): the next step is child and adolescent "
        "psychiatry's (NICE NG134)."
    ) in detail


def test_at_16_escitalopram_is_not_below_its_age() -> None:
    assert "below its age" not in _topics("age16_escitalopram_partial_pv")[OPTIMISE]["detail"]


def test_under_15_no_adult_tms_words_at_patient_view() -> None:
    topics = _topics("age9_item9_pv")
    item9 = next(c for c in topics.values() if c["indicator"] == "critical")
    assert "Change medication only after this assessment." in item9["detail"]
    assert "start TMS" not in item9["detail"]
    optimise = topics[OPTIMISE]
    assert optimise["summary"].endswith("; TMS not cleared under 15 (FDA K231926)")
    assert "payer policy" not in optimise["summary"]
    assert "LCD" not in optimise["detail"]


def test_tms_draft_at_9_says_no_clearance_and_no_lcd() -> None:
    card = _topics("age9_tms_draft")[TMS_DRAFT]
    assert card["summary"] == "TMS ordered at age 9: TMS not cleared under 15 (FDA K231926)"
    assert "LCD" not in card["detail"] and "implants near the coil" not in card["detail"]
    assert "reconsider the order, or document why TMS is chosen" in card["detail"]


def test_tms_draft_at_15_reads_as_a_sentence_and_names_the_consent() -> None:
    card = _topics("age15_tms_draft")[TMS_DRAFT]
    assert card["summary"] == "TMS ordered at age 15: outside adult payer policy"
    assert "with patient is" not in card["summary"]
    assert "under 18 the parent's or guardian's informed consent is needed" in card["detail"]


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        (
            "age19_venlafaxine_draft",
            "Venlafaxine 75 mg/day ordered while escitalopram (SSRI) is running: two serotonin "
            "reuptake inhibitors; switch or addition? Boxed warning",
        ),
        (
            "age19_fluoxetine_draft",
            "Two SSRIs (escitalopram running); fluoxetine already failed an adequate trial: "
            "consider a different mechanism; boxed warning (under 25)",
        ),
    ],
)
def test_boxed_warning_in_the_summary_at_19(name: str, summary: str) -> None:
    cards = _at.cards(_chart(name))
    assert summary in [c["summary"] for c in cards]
    assert sum("**Boxed warning (age 19):**" in c["detail"] for c in cards) == 1
