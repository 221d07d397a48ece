"""Review s22 RR2 finding 2: a sleep-apnea "not in use" word anywhere in the entry beat a CPAP
Device on record (a regression of RX finding 3, fhir_mapping/sleep_apnea_text.py).

"Quit smoking 2025. On CPAP nightly, good adherence on download", "Uses CPAP every night.
Refused UPPP surgery", "On CPAP nightly; declined oral appliance", "Stopped CPAP 2024 (mask leak);
restarted 2026-08 with new mask, using nightly" and "Initially intolerant of full face mask 2025;
nasal pillows since, adherent", each beside a CPAP Device, read "Confirm the diagnosis before
escalating: untreated sleep apnea" and held the optimise card's adjuncts. Now a not-in-use word
counts only in a clause naming the PAP (or its mask), and only when no later clause says it is
used: these read treated and nothing is held. A current not-in-use clause still wins over the
Device ("On CPAP 2024; stopped using mask 2026").

Charts: tests/services/apnea_clause_charts/ (the review's t2_* charts: G47.33 with a note, a CPAP
Device; Epic-shaped, every prefetch key).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.sleep_apnea_text import says_not_in_use, says_treated
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
DIAGNOSIS = "diagnosis-review"
_chart = chart_files.loader(Path(__file__).parent / "apnea_clause_charts")
_cards = Evaluator(date(2026, 12, 1)).cards

_USED = ["quit_smoking", "refused_surgery", "declined_oa", "restarted", "intolerant_old_then_ok"]


def _with_note(doc: Doc, old: str, new: str) -> Doc:
    text = json.dumps(doc)
    assert old in text
    changed: Doc = json.loads(text.replace(old, new))
    return changed


@pytest.mark.parametrize("name", [*_USED, "pending_download"])
def test_cpap_device_with_words_of_use_holds_nothing(name: str) -> None:
    cards = _cards(_chart(f"cpap_device_{name}"))
    topics = by_topic(cards)
    assert DIAGNOSIS not in topics, topics[DIAGNOSIS]["summary"]
    assert "untreated sleep apnea" not in topics[OPTIMISE]["summary"]
    assert "held" not in topics[OPTIMISE]["summary"]
    assert "consider TMS referral" in topics["tms-referral"]["summary"]


def test_a_current_not_in_use_clause_still_wins_over_the_device() -> None:
    doc = _with_note(
        _chart("cpap_device_quit_smoking"),
        "Quit smoking 2025. On CPAP nightly, good adherence on download",
        "On CPAP 2024; stopped using mask 2026",
    )
    topics = by_topic(_cards(doc))
    assert topics[DIAGNOSIS]["summary"] == (
        "Confirm the diagnosis before escalating: untreated sleep apnea"
    )
    assert 'the entry says "On CPAP 2024; stopped using mask 2026"' in topics[DIAGNOSIS]["detail"]
    assert (
        ": review untreated sleep apnea first, then augment or switch class"
        in topics[OPTIMISE]["summary"]
    )


@pytest.mark.parametrize(
    ("text", "treated", "not_in_use"),
    [
        ("Quit smoking 2025. On CPAP nightly, good adherence on download", True, False),
        ("Uses CPAP every night. Refused UPPP surgery", True, False),
        ("On CPAP nightly; declined oral appliance", True, False),
        (
            "Stopped CPAP 2024 (mask leak); restarted 2026-08 with new mask, using nightly",
            True,
            False,
        ),
        ("CPAP intolerant but now using nasal pillows nightly", True, False),
        # No treatment named: neither; a CPAP Device on record then settles it.
        (
            "Initially intolerant of full face mask 2025; nasal pillows since, adherent",
            False,
            False,
        ),
        ("CPAP intolerant, stopped using mask", False, True),
        ("On CPAP 2024; stopped using mask 2026", False, True),
        ("Not using CPAP, adherent to weight loss", False, True),
        ("Untreated OSA", False, True),
        ("OSA, non-adherent to CPAP", False, True),
        ("CPAP recommended", False, False),
    ],
)
def test_clause_reading(text: str, treated: bool, not_in_use: bool) -> None:
    assert says_treated(text) is treated
    assert says_not_in_use(text) is not_in_use
