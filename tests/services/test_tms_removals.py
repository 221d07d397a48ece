"""Review s21 RR finding 6: a device removal is not a TMS contraindication, and Z96.89 is named as
the chart wrote it (fhir_mapping/tms_removals.py).

Before: "**Why no TMS referral:** contraindication: ... (CPT 64568, 2018-03-01); contraindication:
VNS removal (CPT 64570, 2022-05-10)", the same for "Cochlear implant explantation" and "Generator
removal" (CPT 61888); Z96.89 with the text "Spinal cord stimulator" was named only "Presence of other
specified functional implants".

Charts: tests/services/tms_removal_charts/ (US Core shaped patient-view requests, every prefetch
key), from the RR review's r5 probes.
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
WHY_NOT = "**Why no TMS referral:**"

_chart = chart_files.loader(Path(__file__).parent / "tms_removal_charts")
_cards = Evaluator(AS_OF).cards


def _tms_card(cards: list[Doc]) -> Doc | None:
    return next((c for c in cards if "consider TMS referral" in c["summary"]), None)


def _why_not(cards: list[Doc]) -> str:
    return next(
        (line for c in cards for line in c.get("detail", "").splitlines() if WHY_NOT in line), ""
    )


def test_a_whole_vns_removal_turns_the_implant_into_a_caution_with_both_dates() -> None:
    cards = _cards(_chart("vns_implanted_2018_removed_64570_2022"))
    assert _why_not(cards) == ""
    card = _tms_card(cards)
    assert card is not None
    assert (
        "implanted 2018-03-01; removal recorded 2022-05-10 (CPT 64570): confirm with the TMS "
        "service that nothing remains (leads are often left in place)"
    ) in card["detail"]
    assert "contraindication: VNS removal" not in card["detail"]


@pytest.mark.parametrize(
    ("chart", "implant", "removal"),
    [
        # The explant names no removal code (69949: unlisted inner-ear procedure): read by text.
        (
            "cochlear_implant_2012_explant_text_2019",
            "contraindication: Cochlear device implantation (CPT 69930, 2012-03-01)",
            "Cochlear implant explantation",
        ),
        # 61888 is "revision or removal" of the generator only: the leads stay.
        (
            "generator_61885_2016_removed_61888_2021",
            "contraindication: Insertion or replacement of cranial neurostimulator pulse "
            "generator, single array (CPT 61885, 2016-03-01)",
            "Generator removal",
        ),
    ],
)
def test_a_removal_is_no_contraindication_but_the_implant_still_holds_tms(
    chart: str, implant: str, removal: str
) -> None:
    cards = _cards(_chart(chart))
    why = _why_not(cards)
    assert implant in why  # the safer reading: what may remain still holds TMS
    assert removal not in why
    assert _tms_card(cards) is None


def test_z9689_is_named_by_the_charts_text() -> None:
    card = _tms_card(_cards(_chart("z9689_text_spinal_cord_stimulator")))
    assert card is not None
    assert (
        "**TMS safety screen required:** Spinal cord stimulator (Presence of other specified "
        "functional implants) (Z96.89, since 2020-01-01)."
    ) in card["detail"]
