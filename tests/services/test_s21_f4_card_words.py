"""Session 21 F4: three wording defects left open by this session's earlier fixes.

1. A held one-click's reason did not fit the summary, so an EHR showing summaries only did not
   show why: "...switch ... or augment (aripiprazole or brexpiprazole); adjuncts held". Every
   hold now words the summary by one rule (rules/one_click_hold.held_summary): the reason is
   said whole ("adjuncts held: no supply since 2025-05-04", "held: ..."), the summary's own
   words yield when it is too long. The psychotic-features and lithium summaries, which propose
   no raise and no adjunct by name, said no reason at all.
2. A record to confirm was named by its resource id on the lines that cite it ("**Drug to
   confirm:** MedicationStatement/<id>, ...", "fluoxetine (SSRI; MedicationStatement/<id>;
   ...)", "phenelzine may be running (MedicationRequest/<id>)") while the data-not-read list of
   the same card named it by its day: now every line cites it as fhir_mapping/gaps.cite does
   (taken_to_confirm.named). An id is kept only for a record with no day written in full.
3. "**May be running:** venlafaxine ... (may be running: no supply since ...)" said it twice:
   under that heading the drug's words say the fact alone (order_checks/stacking.running_dose),
   and once when its adherence words say it already.

Charts: tests/services/held_reason_charts/ and record_named_charts/ (copies of wording19 r02,
gap_trials duloxetine 2025-06-16, card_text21 t03, maybe_running m01, running_to_confirm rc01 and
rc06, maybe_named o01, review17 fa4), Epic / US Core shaped, every prefetch key.
"""

from __future__ import annotations

import re
from collections.abc import Set
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.offline import evaluate_document
from services import card_format, catalog
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
AS_OF = date(2026, 12, 1)
# The record_named charts' own day: their records to confirm (2025-05-26) are read as possibly
# running only within MappingPolicy.maybe_running_days (review s21 RR finding 5), so the lines
# citing them are read on the charts' day, not 18 months on.
NAMED_AS_OF = date(2025, 6, 2)
OPTIMISE = "optimize-switch-augment"
_HELD = Path(__file__).parent / "held_reason_charts"
_NAMED = Path(__file__).parent / "record_named_charts"
_held = chart_files.loader(_HELD)
_named = chart_files.loader(_NAMED)
_ID = re.compile(r"Medication(?:Request|Statement|Dispense)/[0-9a-f-]{8,}")


def _optimise(doc: Doc, as_of: date, hidden: Set[str] = frozenset()) -> Recommendation:
    result = evaluate_document(doc, hook=doc["hook"], as_of=as_of, policy=Policy())
    recs = patient_view(result.evaluation.record, Policy(), hidden=hidden)
    (card,) = [r for r in recs if r.topic == OPTIMISE]
    return card


def _details(doc: Doc, as_of: date = NAMED_AS_OF) -> list[str]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=as_of, policy=Policy())
    return [line for c in result.response.to_json()["cards"] for line in c["detail"].split("\n")]


@pytest.mark.parametrize(
    "path",
    [*sorted(_HELD.glob("*.json")), *sorted(_NAMED.glob("*.json"))],
    ids=lambda p: p.stem,
)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(path: Path) -> None:
    doc = chart_files.loader(path.parent)(path.stem)
    (service,) = [s for s in catalog.services() if s.hook == doc["hook"]]
    assert {"encounters", "labsSI"} <= set(doc["prefetch"]) == {k for k, _ in service.prefetch}
    for resource in chart_files.prefetch_resources(doc):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


# --- 1. the held reason in the summary ------------------------------------------------------------


def test_item1_adjuncts_held_for_no_supply_say_why_in_the_summary() -> None:
    # Before: "...or augment (aripiprazole or brexpiprazole); adjuncts held" (no reason).
    card = _optimise(
        _held("h02_duloxetine_no_supply_failed_epic"),
        date(2025, 6, 16),
        hidden=frozenset({"adherence-review"}),
    )
    assert card.summary == (
        "1 adequate trial failed (duloxetine): confirm duloxetine is still taken first, then switch "
        "to a non-SNRI mechanism or augment"
    )


def test_item1_a_summary_proposing_no_raise_or_adjunct_by_name_says_held_and_why() -> None:
    # Before: "Psychotic features: antidepressant plus antipsychotic ..., or ECT" with the
    # antipsychotic one-clicks held and no word of why.
    card = _optimise(_held("h01_psychotic_sertraline_no_supply"), AS_OF)
    # The head is kept whole (review s24 FH: it was cut away, the summary began "confirm it ..."),
    # the supply's date gives way (its own card says it).
    assert card.summary == (
        "Psychotic features: confirm sertraline is still taken first, then antidepressant plus "
        "antipsychotic at antipsychotic-range dose, or ECT"
    )
    assert len(card.summary) <= card_format.SUMMARY_MAX


def test_item1_a_long_summary_yields_its_own_words_not_the_reason() -> None:
    # Before: "...lithium added 2026-05-04 (30 wk): optimise its dose or the next step" while
    # the renal card held the lithium raise: no reason.
    card = _optimise(_held("h03_lithium_egfr45_renal_limit_epic"), AS_OF)
    # The head's qualifiers yield, its drug name stays (review s24 FH). eGFR 45 is lithium's
    # caution band, not a limit (renal49, K55a finding 5): the longer step gives up the "35 %".
    assert card.summary == (
        "1 adequate trial with partial response only (sertraline): review lithium (renal caution) "
        "first, then optimise its dose or the next step"
    )
    assert len(card.summary) <= card_format.SUMMARY_MAX


def test_fit_with_tail_keeps_the_tail_whole_and_drops_the_head_whole() -> None:
    # Review s26 RN finding 9: a head with no whole clause that fits is left out, never cut.
    head = "word " * 40
    text = card_format.fit_with_tail(head.strip(), "; held: the reason")
    assert text == "Held: the reason"
    assert len(text) <= card_format.SUMMARY_MAX
    assert card_format.fit_with_tail("short", "; held: x") == "short; held: x"
    # A bracket the cut would leave open goes with it ("(30…" reads as a cut figure).
    cut = card_format.fit_with_tail("a " * 50 + "(30 weeks of a long course)", "; held: x" * 6)
    assert "(" not in cut


# --- 2. a record to confirm cited by its day, alike on every line -----------------------------------


def test_item2_status_unknown_statement_is_named_by_its_day_on_every_line() -> None:
    lines = _details(_named("n01_fluoxetine_statement_unknown_draft_sertraline"))
    assert (
        "**Drug to confirm:** the statement, status unknown, recorded 2025-05-26: confirm "
        "whether the patient takes it; checked as taken."
    ) in lines
    assert any(
        line.startswith(
            "**May be running:** fluoxetine (SSRI; the statement of 2025-05-26; no course read"
        )
        for line in lines
    )
    assert not [line for line in lines if _ID.search(line)]


@pytest.mark.parametrize(
    ("name", "line_start"),
    [
        (
            "n02_code_esc_name_phenelzine_draft_sertraline",
            "**Phenelzine (MAOI) → sertraline**: phenelzine may be running (the order of "
            "2025-01-06).",
        ),
        (
            "n03_code_esc_name_fluvoxamine_draft_tizanidine",
            "**Tizanidine with fluvoxamine** (critical): tizanidine 4 mg as needed on this order; "
            "fluvoxamine dose not read, may be running, start not recorded (the order of "
            "2025-01-06).",
        ),
    ],
)
def test_item2_an_order_to_confirm_is_named_by_its_day_on_every_line(
    name: str, line_start: str
) -> None:
    lines = _details(_named(name))
    assert any(line.startswith(line_start) for line in lines)
    assert any(
        line.startswith("**Drug to confirm:** the order of 2025-01-06, coded") for line in lines
    )
    assert not [line for line in lines if _ID.search(line)]


def test_item2_a_line_that_cites_the_record_alone_says_its_day() -> None:
    # The MAOI pair line does not say what the record states: "the statement" alone would not
    # find it; before, "MedicationStatement/<id>".
    lines = _details(_named("n06_phenelzine_statement_unknown_on_escitalopram"))
    assert any(
        line.startswith(
            "**Phenelzine with escitalopram:** phenelzine (MAOI) possibly running start not "
            "recorded, the statement of 2025-05-26; escitalopram"
        )
        for line in lines
    )
    assert "**Drug to confirm:** the statement, status unknown, recorded 2025-05-26: " in "\n".join(
        lines
    )
    assert not [line for line in lines if _ID.search(line)]


# --- 3. "may be running" once ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line_start"),
    [
        (
            "n04_sertraline_drafted_venlafaxine_supply_ran_out",
            # 225 mg/day since its first fill (2025-03-12), not the raise's order of 2025-03-10
            # (review s23 RT finding 1, fhir_mapping/first_fill.py).
            "**May be running:** venlafaxine since 2025-02-10; 225 mg/day since 2025-03-12 (no "
            "supply since 2025-06-10) (SNRI).",
        ),
        (
            "n05_venlafaxine_supply_ran_out_draft_ssri",
            "**May be running:** venlafaxine 225 mg/day since 2025-03-03 (SNRI; refills on time "
            "(PDC 100 %); no supply since 2025-07-01 (518 days): judged up to then).",
        ),
    ],
)
def test_item3_may_be_running_is_said_once(name: str, line_start: str) -> None:
    lines = _details(_named(name), AS_OF)
    (line,) = [line for line in lines if line.startswith("**May be running:**")]
    assert line.startswith(line_start)
    assert line.lower().count("may be running") == 1
    assert line.count("no supply since") == 1


def test_item1_the_no_supply_line_stays_when_a_stale_score_held_everything_first() -> None:
    # Noticed on the way: with the no-supply card snoozed and the last PHQ-9 stale, the stale
    # hold took every proposal first and the no-supply hold, finding none, said nothing: no line
    # of the screen said the drug may not be taken.
    card = _optimise(
        _held("h02_duloxetine_no_supply_failed_epic"),
        AS_OF,
        hidden=frozenset({"adherence-review"}),
    )
    assert card.detail.startswith(
        "**duloxetine: no supply since 2025-05-04 (576 days), its order still open:** confirm "
        "whether it is still taken before raising, adding to or switching from it.\n"
    )
    assert "Repeat the PHQ-9 (with item 9) before switching or augmenting. Not one click" in (
        card.detail
    )
