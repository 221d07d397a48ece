"""Review s22 RR2 finding 6: removal words beside words of a device still in place.

Before: "Cochlear implant explanted and new implant fitted", "Cochlear implant removed, re-sited
same day" and "Right cochlear implant removed; left side unchanged" each showed the TMS card with
"...: removal recorded: confirm with the TMS service that nothing remains" (a caution): "fitted",
"re-sited", "new implant" and "reinsert*" were no words of a device put back in, and a removal of
one side lowered the implant of the other. Now each is a contraindication, as the implant alone is
(no TMS card; the optimise card names it), the safer reading: a device is in place (LCD
L34998/L37086). A removal naming both sides ("Both cochlear implants removed") stays a caution.
The words are rows of fhir_mapping/data/tms_removal_codes.csv (`keeps`, `side`, `both`).

Charts: tests/services/removal_side_charts/ (the s22 RR2 recheck's t6 charts, patient-view, every
prefetch key; the Procedure written in words only, as a surgical history row).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.tms_removals import removal
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
WHY_NOT = "**Why no TMS referral:** contraindication: "
REMOVAL = "removal recorded: confirm with the TMS service that nothing remains"

_chart = chart_files.loader(Path(__file__).parent / "removal_side_charts")
_cards = Evaluator(AS_OF).cards


def _tms_card(cards: list[Doc]) -> Doc | None:
    return next((c for c in cards if "consider TMS referral" in c["summary"]), None)


@pytest.mark.parametrize(
    ("chart", "named"),
    [
        ("explanted_new_implant_fitted", "Cochlear implant explanted and new implant fitted"),
        ("explanted_resited", "Cochlear implant removed, re-sited same day"),
        ("right_removed_left_remains", "Right cochlear implant removed; left side unchanged"),
    ],
)
def test_an_implant_in_place_stays_a_contraindication(chart: str, named: str) -> None:
    cards = _cards(_chart(chart))
    assert _tms_card(cards) is None
    detail = "\n".join(c.get("detail", "") for c in cards)
    assert f"{WHY_NOT}{named} (2022-02-01)" in detail
    assert REMOVAL not in detail


@pytest.mark.parametrize(
    ("chart", "named"),
    [
        ("removed_control", "Cochlear implant removed"),
        ("both_removed", "Both cochlear implants removed"),
    ],
)
def test_a_removal_of_every_side_stays_a_caution(chart: str, named: str) -> None:
    card = _tms_card(_cards(_chart(chart)))
    assert card is not None
    assert f"{named}: {REMOVAL}" in card["detail"]


@pytest.mark.parametrize(
    ("text", "removes"),
    [
        ("Cochlear implant explanted and new implant fitted", False),
        ("Cochlear implant removed, re-sited same day", False),
        ("Cochlear implant removed and reinserted", False),
        ("Cochlear implant removed; electrode re-inserted", False),
        ("Right cochlear implant removed; left side unchanged", False),
        ("Left cochlear implant explantation", False),
        ("Unilateral cochlear implant removal", False),
        ("Bilateral cochlear implant removal", True),
        ("Right and left cochlear implants removed, both sides", True),
        ("Cochlear implant explantation", True),
        ("Vagus nerve stimulator generator removed; leads left in situ", True),
    ],
)
def test_removal_words(text: str, removes: bool) -> None:
    assert removal((), text) is removes
