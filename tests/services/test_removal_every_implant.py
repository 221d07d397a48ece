"""Review s22 RR finding 2: a removal word lowers a TMS implant to a caution only when every
implant the procedure's words name is removed in its own clause, not negated, and nothing is put
in (fhir_mapping/tms_removals.py `_removes_named`).

Before: "Vagus nerve stimulator removed and deep brain stimulator implanted" (and with a comma),
"Explantation of cochlear implant with placement of new device", "Cochlear implant not removed,
wound debrided" and "Removal of deep brain stimulator electrodes. Vagus nerve stimulator placed"
each showed the TMS card with "...: removal recorded: confirm with the TMS service that nothing
remains" (a caution): one removal clause lowered every implant the text named, a negated removal
counted, and "implanted/placement/placed" were no words of a device put in. Now each is a
contraindication, as the implant alone is: no TMS card, the optimise card names it. A removal
that names every implant it speaks of ("Vagus nerve stimulator generator removed; leads left in
situ") stays a caution.

Charts: tests/services/removal_every_implant_charts/ (the s22 RR recheck's j charts, patient-view,
every prefetch key; the Procedure written in words only, as a surgical history row).
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

_chart = chart_files.loader(Path(__file__).parent / "removal_every_implant_charts")
_cards = Evaluator(AS_OF).cards


def _tms_card(cards: list[Doc]) -> Doc | None:
    return next((c for c in cards if "consider TMS referral" in c["summary"]), None)


@pytest.mark.parametrize(
    ("chart", "named"),
    [
        ("dbs_implanted_control", "Deep brain stimulator implanted"),
        (
            "vns_removed_and_dbs_implanted",
            "Vagus nerve stimulator removed and deep brain stimulator implanted",
        ),
        (
            "vns_removed_comma_dbs_implanted",
            "Vagus nerve stimulator removed, deep brain stimulator implanted",
        ),
        (
            "cochlear_explant_with_new_device_placed",
            "Explantation of cochlear implant with placement of new device",
        ),
        ("cochlear_not_removed", "Cochlear implant not removed, wound debrided"),
        (
            "dbs_removed_then_vns_placed",
            "Removal of deep brain stimulator electrodes. Vagus nerve stimulator placed",
        ),
    ],
)
def test_an_implant_left_in_place_stays_a_contraindication(chart: str, named: str) -> None:
    cards = _cards(_chart(chart))
    assert _tms_card(cards) is None
    detail = "\n".join(c.get("detail", "") for c in cards)
    assert f"{WHY_NOT}{named} (2022-02-01)" in detail
    assert REMOVAL not in detail


def test_a_removal_naming_every_implant_it_speaks_of_stays_a_caution() -> None:
    card = _tms_card(_cards(_chart("vns_generator_removed_leads_left")))
    assert card is not None
    assert (
        f"Vagus nerve stimulator generator removed; leads left in situ: {REMOVAL}" in card["detail"]
    )


@pytest.mark.parametrize(
    ("text", "removes"),
    [
        # Each rule on its own, no word of a device put in beside it.
        ("Vagus nerve stimulator removed and deep brain stimulator in situ", False),
        ("Deep brain stimulator removed. Vagus nerve stimulator in place", False),
        ("Cochlear implant not removed", False),
        ("Cochlear implant explantation with new device", False),
        ("Cochlear implant removed, insertion of electrode array", False),
        # The removals that name their implant stay removals.
        ("Cochlear implant explantation", True),
        ("Removal of vagus nerve stimulator", True),
        ("No complications. Cochlear implant removed", True),
    ],
)
def test_removal_words(text: str, removes: bool) -> None:
    assert removal((), text) is removes
