"""Review s21 RF finding 6 (session 22): esketamine running beside a TMS referral is named on the
TMS card and in the referral's note (services/rules/tms_esketamine.py); the card is not held
past the course's judging window (inside it: test_tms48.py).

Before: Spravato given in clinic (16 sessions on the MAR, k01; as HCPCS G2083 Procedures with an
active MedicationRequest, k02) and the TMS card said nothing of it. Now its basis names the
course, its sessions and the last session's date, and the payer's rule to check.

Charts: tests/services/tms_esketamine_charts/ (the RF review's k01/k02, Epic / US Core shaped
patient-view requests, every prefetch key).
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
LINE = (
    "**Esketamine running:** esketamine given in clinic: 16 sessions since 2026-09-07, the last "
    "on 2026-11-19. TMS would overlap it: tell the TMS service, and check the payer's rule on "
    "concurrent ketamine or esketamine"
)

_chart = chart_files.loader(Path(__file__).parent / "tms_esketamine_charts")
_cards = Evaluator(AS_OF).cards


@pytest.mark.parametrize(
    "chart", ["k01_spravato_medadmin_ongoing", "k02_spravato_procedure_and_request"]
)
def test_the_tms_card_names_the_running_esketamine_course(chart: str) -> None:
    card = next(c for c in _cards(_chart(chart)) if "consider TMS referral" in c["summary"])
    assert LINE in card["detail"]
    referral = card["suggestions"][0]["actions"][0]["resource"]
    note = " ".join(n["text"] for n in referral.get("note", []))
    assert "Esketamine running: esketamine given in clinic: 16 sessions" in note


def test_no_line_once_the_sessions_stopped_weeks_ago() -> None:
    # The same chart a month later: the last session 2026-11-19 is outside the 28-day window.
    cards = Evaluator(date(2027, 1, 10)).cards(_chart("k01_spravato_medadmin_ongoing"))
    assert not any("**Esketamine running:**" in c.get("detail", "") for c in cards)
