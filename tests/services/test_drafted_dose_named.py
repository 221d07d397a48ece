"""An order card about the draft names the drafted dose (s25 FW item 2).

"Citalopram with QTc 485 ms on 2026-11-10: above 480 ms, ..." never said the 40 mg/day the order
asks for, though the dose was read (and citalopram's QT effect is dose-dependent). The QTc,
blood-pressure cards now name the drug as order_doses.draft_named writes it ("Citalopram 40
mg/day") in the summary when a form with it fits the 140 characters (order_doses.dosed_summary)
and in the detail; the drug-caution and contraindication cards (pregnancy lines among them) in
the detail's first words ("Nortriptyline 25 mg/day and what is on record:").

Charts: tests/services/drafted_dose_charts/citalopram40_qtc485_select.json (Epic shaped, a QTc of
485 ms and citalopram 40 mg drafted at 68), and existing charts for the other topics.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from cds_hooks.offline import evaluate_document
from services.policy import Policy
from tests.services import chart_files

_HERE = Path(__file__).parent


def _cards(folder: str, name: str) -> dict[str, Any]:
    doc = chart_files.loader(_HERE / folder)(name)
    result = evaluate_document(doc, hook=doc["hook"], as_of=date(2026, 12, 1), policy=Policy())
    return {c.source.topic.code: c for c in result.response.cards if c.source.topic is not None}


def test_qtc_card_names_the_drafted_dose() -> None:
    card = _cards("drafted_dose_charts", "citalopram40_qtc485_select")["order-qtc"]
    assert card.summary.startswith("Citalopram 40 mg/day with QTc 485 ms on 2026-11-10")
    assert len(card.summary) <= 140
    assert "Citalopram 40 mg/day prolongs the QT interval" in (card.detail or "")


def test_blood_pressure_card_names_the_drafted_dose() -> None:
    card = _cards("comorbidity24_charts", "bp178_106_phenelzine_select")["order-blood-pressure"]
    assert card.summary.startswith("Phenelzine 15 mg/day ordered with blood pressure 178/106")


def test_pregnancy_caution_names_the_drafted_dose() -> None:
    cards = _cards("pregnancy_now_charts", "lmp_32_weeks_with_status_escitalopram_select")
    card = cards["order-drug-caution"]
    # The caution card's summary is left as its lines wrote it (a boxed warning is appended to
    # it after, and the dose would crowd it out); its detail leads with the dose.
    assert card.summary.startswith("Escitalopram at about 32 weeks of pregnancy")
    assert (card.detail or "").startswith("Escitalopram 10 mg/day and what is on record")


def test_a_summary_with_no_room_keeps_its_words_and_the_detail_names_the_dose() -> None:
    card = _cards("comorbidity24_charts", "lbbb_i447_nortriptyline_select")["order-drug-caution"]
    assert card.summary.startswith("Nortriptyline: slows cardiac conduction")  # 143 with the dose
    assert (card.detail or "").startswith("Nortriptyline 25 mg/day and what is on record")


def test_another_qt_drug_keeps_its_place_in_the_summary_before_the_dose() -> None:
    # Both do not fit 140 characters: the combination is the risk factor (Wenzel-Seifert 2011),
    # so the running ondansetron stays in the summary and the detail names the 40 mg/day.
    card = _cards("s23_order_drafts_charts", "citalopram_drafted_ondansetron_running_qtc485")[
        "order-qtc"
    ]
    assert card.summary.endswith("; ondansetron running")
    assert "Citalopram 40 mg/day prolongs the QT interval" in (card.detail or "")
