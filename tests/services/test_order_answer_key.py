"""Review 18b U1, U2: the dedupe key an order card carries names the drug and what the card states.

The protocol layer leaves an order card out once feedback shows it was accepted or overridden
with the same key (cds_hooks/card_issuer.py). The key was "{draft id}:{topic}:{mg/day}": another
drug under the same draft id (U1) or a new finding behind the card (U2) kept it. Now it is
"{draft id}:{drug}:{topic}:{mg/day}#{fingerprint of the statement}" (order_checks/model.py,
services/order_statement.py). The HTTP round trip is in tests/cds_hooks/
test_order_answer_same_statement.py; here the keys themselves.

Charts: tests/services/review18_charts/ (f04, f05) and recheck15_charts/ (d02: an unidentified
draft beside a running phenelzine).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.offline import evaluate_document
from fhir_mapping.draft_medication import is_unidentified_draft
from services import cards
from services.order_statement import statement_key, with_statement
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from services.unidentified_drafts import with_unidentified_drafts
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
HERE = Path(__file__).parent
MAOI = "order-maoi-interaction"
CONTRAINDICATED = "order-drug-contraindicated"
QUALITY = "data-quality"
Doc = dict[str, Any]

_chart = chart_files.loader(HERE / "review18_charts")
_recheck15 = chart_files.loader(HERE / "recheck15_charts")
CHARTS = (
    "f04_phenelzine_escitalopram_draft1",
    "f04_phenelzine_fluoxetine_draft1",
    "f05_bupropion_xl_anorexia",
    "f05_bupropion_xl_anorexia_epilepsy",
)


def _recs(doc: Doc, hook: str | None = None) -> dict[str, Recommendation]:
    result = evaluate_document(doc, hook=hook or doc["hook"], as_of=AS_OF, policy=Policy())
    return {r.topic: r for r in result.evaluation.recommendations}


def _key(doc: Doc, topic: str, hook: str | None = None) -> str:
    key = _recs(doc, hook)[topic].dedupe_key
    assert key is not None
    return key


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4_and_carry_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    assert {"encounters", "labsSI", "conditions", "medicationRequests"} <= set(doc["prefetch"])
    for resource in chart_files.prefetch_resources(doc):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    for entry in doc["context"]["draftOrders"]["entry"]:
        get_fhir_model_class("MedicationRequest").model_validate(entry["resource"])


def test_the_key_names_the_drug_so_another_drug_under_the_same_draft_id_is_another_card() -> None:
    escitalopram = _key(_chart("f04_phenelzine_escitalopram_draft1"), MAOI)
    fluoxetine = _key(_chart("f04_phenelzine_fluoxetine_draft1"), MAOI)
    assert escitalopram.startswith("draft-1:escitalopram:order-maoi-interaction:20#")
    assert fluoxetine.startswith("draft-1:fluoxetine:order-maoi-interaction:20#")
    assert escitalopram != fluoxetine


def test_a_new_finding_behind_the_card_changes_its_key() -> None:
    anorexia = _key(_chart("f05_bupropion_xl_anorexia"), CONTRAINDICATED)
    epilepsy = _key(_chart("f05_bupropion_xl_anorexia_epilepsy"), CONTRAINDICATED)
    drafts_part = anorexia.partition("#")[0]
    assert drafts_part.endswith(":bupropion|bupropion-xl:order-drug-contraindicated:300")
    # Same draft, drug and dose; epilepsy coded since: another statement, another key.
    assert epilepsy.partition("#")[0] == drafts_part
    assert epilepsy != anorexia


@pytest.mark.parametrize("name", CHARTS)
def test_the_same_statement_keeps_its_key_from_order_select_to_order_sign(name: str) -> None:
    doc = _chart(name)
    select = _recs(doc, "order-select")
    sign = _recs(doc, "order-sign")
    assert select and {t: r.dedupe_key for t, r in select.items()} == {
        t: r.dedupe_key for t, r in sign.items()
    }


def _card(detail: str, indicator: Indicator | None = None) -> Recommendation:
    return cards.make(
        MAOI,
        summary="Escitalopram ordered while phenelzine (MAOI) is running",
        detail=detail,
        indicator=indicator,
        dedupe_key="draft-1:escitalopram:order-maoi-interaction:20",
    )


def test_a_higher_indicator_is_another_statement() -> None:
    detail = "Phenelzine is running (MedicationRequest/a, since 2025-03-01)."
    warning = _card(detail, Indicator.WARNING)
    assert statement_key(warning) != statement_key(_card(detail, Indicator.CRITICAL))


def test_elapsed_counts_that_move_with_the_clock_keep_the_key() -> None:
    """The MAOI card reads "stopped 9 days ago" one day and "stopped 10 days ago" the next: the
    record did not change, so an answer given the evening before still holds (within
    order_dedupe_hours). The dates it prints are kept: a new stop date is a new statement."""
    day1 = _card("Phenelzine stopped 9 days ago (ended 2025-05-24); 14 days off it first.")
    day2 = _card("Phenelzine stopped 10 days ago (ended 2025-05-24); 14 days off it first.")
    later_stop = _card("Phenelzine stopped 10 days ago (ended 2025-05-25); 14 days off it first.")
    assert statement_key(day1) == statement_key(day2)
    assert statement_key(day1) != statement_key(later_stop)


def test_with_statement_appends_the_fingerprint_and_leaves_a_card_with_no_key_alone() -> None:
    card = _card("Phenelzine is running.")
    keyed = with_statement(card)
    assert keyed.dedupe_key == f"{card.dedupe_key}#{statement_key(card)}"
    bare = dataclasses.replace(card, dedupe_key=None)
    assert with_statement(bare) is bare


def test_an_unidentified_draft_card_made_critical_by_an_maoi_has_another_key() -> None:
    """An unidentified draft's data-quality card answered while no MAOI was on record must not
    hide the critical card it becomes once phenelzine is running (review 18b U2's kind). The
    card is worked out for the same draft gaps with the chart (phenelzine running) and without
    one (no MAOI to name)."""
    doc = _recheck15("d02_unidentified_draft_beside_maoi")
    record = evaluate_document(
        doc, hook=doc["hook"], as_of=AS_OF, policy=Policy()
    ).evaluation.record
    gaps = [g for g in record.gaps if is_unidentified_draft(g)]
    (critical,) = with_unidentified_drafts([], gaps, record)
    (plain,) = with_unidentified_drafts([], gaps, None)
    assert critical.indicator is Indicator.CRITICAL
    assert plain.indicator is Indicator.WARNING
    assert critical.dedupe_key is not None and plain.dedupe_key is not None
    assert critical.dedupe_key.partition("#")[0] == plain.dedupe_key.partition("#")[0]
    assert critical.dedupe_key != plain.dedupe_key
