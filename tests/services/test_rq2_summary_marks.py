"""Review s27 RQ2 finding 4: a count's source marks pushed the action out of the summary.

- c05 (sertraline self-reported, fluoxetine on a practitioner's statement only): the optimise
  card read "1 adequate trial failed, 2 stopped unmeasured, sertraline self-reported, fluoxetine
  medication list only: augment (aripiprazole or…", the action cut, and the TSH card left the
  count out. Now, when the marks do not fit, they are said as one count ("..., 2 to confirm",
  trial_count.failed_brief) and the action stays whole; the TMS card, where it fits, names them.
- c02/c03 (sertraline and fluoxetine from statements only, venlafaxine filled): "3 adequate
  trials failed, sertraline, fluoxetine medication list only: ..." read as a list of drugs. Now
  "(sertraline, fluoxetine: medication list only)" (card_format.reported_note).
- review16 d02 (venlafaxine only on a statement): the TSH and psychotherapy summaries lost the
  count for ", medication list only"; the TSH detail read "after 1 adequate trial failed, 1
  stopped unmeasured, medication list only, check ...". Now the count stays ("1 to confirm") and
  the detail says "After ...: check the latest TSH".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from services.card_format import SUMMARY_MAX
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_at = Evaluator(date(2026, 12, 1))
_HERE = Path(__file__).parent
_s27 = chart_files.loader(_HERE / "s27_reported_criteria_charts")
_r16 = chart_files.loader(_HERE / "review16_charts")
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"


def _summaries(doc: dict[str, object]) -> dict[str, str]:
    return {topic: card["summary"] for topic, card in _at.by_topic(doc).items()}


def test_the_marks_give_way_to_one_count_never_the_action() -> None:
    said = _summaries(_s27("c05_fluoxetine_unknown_period_ended_by_practitioner"))
    assert said[OPTIMISE] == (
        "1 adequate trial failed, 2 stopped unmeasured, 2 to confirm: augment (aripiprazole or "
        "brexpiprazole) or switch class"
    )
    assert (
        "after 1 adequate trial failed, 2 stopped unmeasured, 2 to confirm: consider"
        in " ".join(said.values())
    )
    assert "sertraline self-reported (fluoxetine: medication list only); PHQ-9 18" in said[TMS]
    assert all(len(s) <= SUMMARY_MAX and "…" not in s for s in said.values())


@pytest.mark.parametrize(
    "name",
    [
        "c02_practitioner_statement_trials_measured_severe",
        "c03_unsourced_statement_trials_measured_severe",
    ],
)
def test_the_list_only_mark_does_not_read_as_a_drug_list(name: str) -> None:
    said = _summaries(_s27(name))
    assert said[OPTIMISE].startswith(
        "3 adequate trials failed (sertraline, fluoxetine: medication list only): augment"
    )
    assert not any("fluoxetine medication list only" in s for s in said.values())


def test_the_count_stays_on_the_tsh_and_psychotherapy_cards() -> None:
    cards = _at.by_topic(_r16("d02_cerner_statement_derived_from_order"))
    summaries = [c["summary"] for c in cards.values()]
    assert (
        "TSH not known (not all TSH results received) after 1 adequate trial failed, 1 stopped "
        "unmeasured, 1 to confirm: check it in the chart"
    ) in summaries
    assert (
        "1 adequate trial failed, 1 stopped unmeasured, 1 to confirm; no psychotherapy procedure, "
        "visit or referral on record: consider CBT or IPT"
    ) in summaries
    details = " ".join(c["detail"] for c in cards.values())
    assert (
        # The list-only mark names its trial inside the stopped trials' bracket (since the
        # k4onhold merge: said once, naming the trials it applies to).
        "After 1 adequate trial failed, 1 stopped unmeasured (venlafaxine: medication list "
        "only): check" in details
    )
