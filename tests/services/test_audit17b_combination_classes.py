"""Audit 17b W1, W2: a failed combination's classes, and a cross-taper's score taken on both.

- W1 (venlafaxine 225 mg since January, sertraline 100 mg added in March, both running; PHQ-9
  16 on 2025-05-23 taken on both): the switch list said "Failed, not proposed: SSRI
  (sertraline, still running beside venlafaxine: failed?)" and then offered SNRIs,
  desvenlafaxine (venlafaxine's active metabolite) among them. The combination failed, so both
  classes are tried: the list names them together and proposes other mechanisms (CANMAT 2023
  Figure 7.1), and the summary says "switch to another mechanism", not "a non-SSRI mechanism".
- W2 (venlafaxine to 2025-05-28, sertraline from 2025-05-14, PHQ-9 16 on 2025-05-23): the score
  was said "taken on sertraline, 9 days into it" and venlafaxine "no PHQ-9 on treatment", an
  inferred failure. Venlafaxine was still taken that day, in its 19th week, and sertraline had
  not reached the week from which a score counts as its outcome (MappingPolicy
  on_treatment_from_week): the score is venlafaxine's, 19 -> 16, said as taken on both.

Charts: the audit's requests (review17_charts/au17b_*), every prefetch key.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

# The real drug table: the options the list holds are the ones the audit read.
pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
HERE = Path(__file__).parent
OPTIMISE = "optimize-switch-augment"
Doc = dict[str, Any]

_load = chart_files.loader(HERE / "review17_charts")
W1 = "au17b_w1_sertraline_venlafaxine_running"
W2 = "au17b_w2_cross_taper_first_stopped_last_week"


_at = Evaluator(AS_OF)
_run = _at.result
_cards = _at.by_topic


def _switch(card: Doc) -> str:
    detail: str = card["detail"]
    return detail.split("**Switch:** ", 1)[1].split("\n", 1)[0]


def _all_text(doc: Doc) -> str:
    return " ".join(c["summary"] + " " + c.get("detail", "") for c in _cards(doc).values())


# --- W1: a combination that failed leaves both classes tried ------------------------------------


def test_the_failed_combination_is_named_with_both_classes() -> None:
    switch = _switch(_cards(_load(W1))[OPTIMISE])
    assert switch.startswith(
        "Failed, not proposed: SSRI (sertraline) and SNRI (venlafaxine), together."
    )
    assert "failed?" not in switch


def test_no_snri_is_offered_after_a_failed_snri_combination() -> None:
    switch = _switch(_cards(_load(W1))[OPTIMISE])
    options = switch.split("other mechanisms): ", 1)[1]
    for snri in ("desvenlafaxine", "duloxetine", "levomilnacipran", "milnacipran"):
        assert snri not in options
    assert "SNRI:" not in options
    assert "NDRI: bupropion" in options
    assert "NaSSA: mirtazapine" in options
    assert "serotonin modulator: vortioxetine" in options


def test_the_summary_says_another_mechanism_not_a_non_ssri_one() -> None:
    summary = _cards(_load(W1))[OPTIMISE]["summary"]
    assert "switch to another mechanism" in summary
    assert "non-SSRI" not in summary


def test_two_ssris_together_are_named_as_one_class() -> None:
    # The same-class pair of recheck 17-2 W4 (sertraline + escitalopram): one class named once.
    doc = _load("rc17b_rp01_sertraline_and_escitalopram_running")
    switch = _switch(_cards(doc)[OPTIMISE])
    assert switch.startswith("Failed, not proposed: SSRI (escitalopram and sertraline), together.")
    assert "SNRI: venlafaxine" in switch  # an SSRI pair leaves the SNRIs open


# --- W2: a cross-taper's score taken while the old drug still ran -------------------------------


def test_the_cross_taper_score_judges_the_drug_still_taken_and_says_both() -> None:
    text = _all_text(_load(W2))
    assert (
        "19 → 16 | failed (adequate; < 50 % PHQ-9 drop); PHQ-9 16 on 2025-05-23 was taken on "
        "both: venlafaxine 19 weeks in, sertraline 9 days in |"
    ) in text
    assert "was taken on sertraline, 9 days into it" not in text
    assert "outcome inferred from stopping it" not in text


def test_the_cross_taper_counts_a_measured_failure() -> None:
    # Sertraline has run 19 days: no optimise card yet; the psychotherapy card counts the trials.
    summary = _cards(_load(W2))["psychotherapy"]["summary"]
    assert summary.startswith("1 adequate trial failed (venlafaxine)")
    assert "response not measured" not in summary


def _move_score(doc: Doc, day: str) -> Doc:
    """The chart with its PHQ-9 of 2025-05-23 dated `day` instead."""
    for resource in chart_files.prefetch_resources(doc):
        for key in ("effectiveDateTime", "issued"):
            value = resource.get(key)
            if isinstance(value, str) and value.startswith("2025-05-23"):
                resource[key] = day + value[10:]
    return doc


def test_a_score_after_the_old_drug_stopped_is_still_not_its_outcome() -> None:
    # Control: venlafaxine stopped 2025-05-28; a score of 2025-05-30 was taken on sertraline
    # alone (review 10 finding 14), so venlafaxine's failure stays inferred and said so.
    text = _all_text(_move_score(_load(W2), "2025-05-30"))
    assert (
        "PHQ-9 16 on 2025-05-30 was taken on sertraline, 16 days into it and 2 days after "
        "venlafaxine stopped"
    ) in text
    assert "outcome inferred from stopping it" in text
