"""Session 22 (last session's closing note): a removal word demotes a TMS implant to a caution only
when it names the removal of that implant (fhir_mapping/tms_removals.py `_removes_named`).

Before: a Procedure written only in words, "Cochlear implant insertion, left ear; wound hematoma
removed" or "Deep brain stimulator placement. Sutures removed at follow-up", read as a removal:
the TMS card showed with "...: removal recorded: confirm with the TMS service that nothing
remains" as a caution, though nothing says the implant came out. "Cochlear implant explantation
and reimplantation" read the same. Now each is a contraindication (no TMS card; the optimise card
names it): when unsure, absolute. "Vagus nerve stimulator removed" (the removal names the
implant) stays a caution, and a removal elsewhere in the chart never clears an implant named in a
Condition's words.

Charts: tests/services/removal_words_charts/ (US Core shaped patient-view requests, every
prefetch key; made from rd21_populations_charts/base_no_device_pv.json).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
WHY_NOT = "**Why no TMS referral:** contraindication: "
REMOVAL = "removal recorded: confirm with the TMS service that nothing remains"

_chart = chart_files.loader(Path(__file__).parent / "removal_words_charts")
_cards = Evaluator(AS_OF).cards


def _tms_card(cards: list[Doc]) -> Doc | None:
    return next((c for c in cards if "consider TMS referral" in c["summary"]), None)


@pytest.mark.parametrize(
    ("chart", "named"),
    [
        (
            "cochlear_implant_text_hematoma_removed_same_procedure",
            "Cochlear implant insertion, left ear; wound hematoma removed (2019-08-01)",
        ),
        (
            "dbs_placement_text_old_lead_cap_removed_scalp",
            "Deep brain stimulator placement. Sutures removed at follow-up (2021-03-15)",
        ),
        (
            "cochlear_implant_explant_and_reimplantation_text",
            "Cochlear implant explantation and reimplantation, right ear (2023-04-12)",
        ),
        ("dbs_condition_text_cyst_removed_elsewhere", "Deep brain stimulator in situ (2020-05-01)"),
    ],
)
def test_a_removal_word_about_something_else_leaves_the_implant_absolute(
    chart: str, named: str
) -> None:
    cards = _cards(_chart(chart))
    assert _tms_card(cards) is None
    detail = "\n".join(c.get("detail", "") for c in cards)
    assert WHY_NOT + named in detail
    assert REMOVAL not in detail


def test_a_removal_that_names_the_implant_stays_a_caution() -> None:
    card = _tms_card(_cards(_chart("vns_removed_text_same_implant")))
    assert card is not None
    assert f"Vagus nerve stimulator removed: {REMOVAL}" in card["detail"]
