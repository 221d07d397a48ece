"""Review s26 RK4 finding 3: at order-select, the boxed warning's own info card ("Escitalopram dose
change at age 24: monitor closely for suicidal thinking ...") sat ABOVE the critical "Discharged
2026-11-21 after a psychiatric admission (F33.2): ... assess today" card, while patient-view put
the critical card first. The boxed-warning card is now placed by the rail's order
(cards.sort_key) like every other card (services/order_boxed.py).

Chart: tests/services/order_rail26_charts/ (the RK4 recheck chart, renamed: an Epic-shaped
order-select request with every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.offline import evaluate_document
from services.policy import Policy
from tests.services import chart_files

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
_chart = chart_files.loader(Path(__file__).parent / "order_rail26_charts")
CHART = "escitalopram_raise_at_24_ten_days_after_discharge"
SEVERITY = {"critical": 0, "warning": 1, "info": 2}


def _cards(doc: Doc, hook: str) -> list[Doc]:
    doc["hook"] = hook
    result = evaluate_document(doc, hook=hook, as_of=AS_OF, policy=Policy())
    cards: list[Doc] = result.response.to_json()["cards"]
    return cards


def test_the_chart_is_valid_r4b() -> None:
    for resource in chart_files.prefetch_resources(_chart(CHART)):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    for entry in _chart(CHART)["context"]["draftOrders"]["entry"]:
        get_fhir_model_class("MedicationRequest").model_validate(entry["resource"])


def test_the_critical_suicide_card_leads_the_order_rail() -> None:
    for hook in ("order-select", "order-sign"):
        cards = _cards(_chart(CHART), hook)
        summaries = [c["summary"] for c in cards]
        assert cards[0]["indicator"] == "critical", summaries
        assert cards[0]["summary"].startswith("Discharged 2026-11-21 after a psychiatric admission")
        assert any("dose change at age 24" in s for s in summaries[1:])
        ranks = [SEVERITY[c["indicator"]] for c in cards]
        assert ranks == sorted(ranks)
