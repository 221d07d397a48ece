"""Review s21 RR2 finding 4: fills left out after a supply ran out are no "no fill since".

Mirtazapine's last fill read ran out on 2026-09-12; three later fills (2026-09-13, 10-13, 11-13)
name two orders (mirtazapine's and escitalopram's), so no drug can be given them and they are
rightly left out. The lead card said "mirtazapine: no supply since 2026-09-12 (80 days)" and
"no fill since, its order still open: likely stopped": more than the record shows. Now it says
the supply read ran to 2026-09-12 and that 3 fills since could not be read (their dates), and
asks to confirm whether it is still taken; never "likely stopped" (fhir_mapping/unread_fills.py).
The same chart without those fills keeps the old wording.

Charts: tests/services/unread_fills_charts/ (the fills_order_drug chart shifted to 2026, every
prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cds_hooks.offline import evaluate_document
from services.policy import Policy
from tests.services import chart_files

AS_OF = date(2026, 12, 1)
load = chart_files.loader(Path(__file__).parent / "unread_fills_charts")


def _cards(name: str) -> list[dict[str, object]]:
    doc = load(name)
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    cards: list[dict[str, object]] = result.response.model_dump(mode="json", exclude_none=True)[
        "cards"
    ]
    return cards


def _text(cards: list[dict[str, object]]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in cards)


def test_unread_fills_after_the_gap_are_named_not_no_fill_since() -> None:
    cards = _cards("fills_after_gap_name_two_orders")
    lead = cards[0]
    assert str(lead["summary"]).startswith(
        "mirtazapine: 3 fills since could not be read: confirm it is still taken"
    )
    text = _text(cards)
    assert (
        "supply read to 2026-09-12, 3 fills since could not be read (2026-09-13, 2026-10-13, "
        "2026-11-13), its order still open" in text
    )
    assert "likely stopped" not in text
    assert "no fill since" not in text
    assert "no supply since" not in text
    assert "held while the fills since are not read" in text


def test_without_those_fills_the_supply_ran_out_is_said() -> None:
    text = _text(_cards("no_fill_after_gap"))
    assert "no supply since 2026-09-12 (80 days) and no fill since" in text
    assert "likely stopped" in text
    assert "could not be read" not in text
