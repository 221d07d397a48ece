"""A Condition dated only by its recordedDate is said "recorded <day>" on every card, never
"since <day>" (s25 FW item 1).

Epic and US Core problem-list entries often carry no onset, only the day entered (recordedDate);
the mapping reads that day as the finding's date and marks it (Finding.onset_recorded). The
packet's diagnosis said it "recorded" (services/diagnosis_onset.py), but about twenty other card
phrasings wrote "since {onset}" themselves: a CKD stage 4 entered on 2026-06-10 read as kidney
disease "since 2026-06-10", an illness that began that day. Every card now takes the date's words
from one place, Finding.onset_phrase.

Chart: tests/services/recorded_onset_charts/draft_duloxetine_recorded_only.json (a 78-year-old,
duloxetine 60 mg drafted; falls, CKD stage 4, cirrhosis, SIADH and an old MI on the problem list
with a recordedDate and no onset, Epic-shaped).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from cds_hooks.offline import evaluate_document
from fhir_mapping.findings import Finding, FindingKind
from services.policy import Policy
from tests.services import chart_files

ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
_chart = chart_files.loader(Path(__file__).parent / "recorded_onset_charts")


def _text() -> str:
    doc = _chart("draft_duloxetine_recorded_only")
    result = evaluate_document(doc, hook=doc["hook"], as_of=date(2026, 12, 1), policy=Policy())
    return "\n".join(f"{c.summary}\n{c.detail or ''}" for c in result.response.cards)


def test_every_card_says_a_recorded_day_as_recorded() -> None:
    text = _text()
    for code, day in (
        ("Z91.81", "2026-09-01"),  # falls (older-adult caution)
        ("N18.4", "2026-06-10"),  # CKD stage 4 (renal dose)
        ("E22.2", "2026-04-15"),  # SIADH (sodium draft)
        ("K74.60", "2026-05-02"),  # cirrhosis (drug-disease)
    ):
        assert f"{code}, recorded {day}" in text, code
    assert not re.search(r"since 2026-0[4-9]-\d\d", text), text


def test_onset_phrase_is_the_one_rule() -> None:
    ckd = Finding(FindingKind.CKD_STAGE_4, "N18.4", ICD10, "CKD stage 4", date(2026, 6, 10))
    assert ckd.onset_phrase == "since 2026-06-10"
    assert replace(ckd, onset_recorded=True).onset_phrase == "recorded 2026-06-10"
    year = replace(ckd, onset=date(2024, 1, 1), onset_written="2024")
    assert year.onset_phrase == "since 2024 (year only)"
    assert replace(ckd, onset=None).onset_phrase is None
