"""The example chart behind the packet's tests and docs/packet.png, and how the tests read a
rendered packet (`SECTIONS`, `cells`).

`packet_record()` is the timeline's example history (tests/browser/example_record.py: sertraline
and escitalopram adequate without response, venlafaxine not adequate for poor adherence,
aripiprazole augmentation, twelve CBT sessions, monthly PHQ-9) with what a referral packet also
reads: the coded diagnosis, a pacemaker the TMS service must screen, aripiprazole stopped for
akathisia, and one medication order that could not be read. `long_packet_record()` adds a long
history, so printed tables run over several pages.

On the default payer rule set (Medicare LCD L37086) it shows every kind of result: the diagnosis
and psychotherapy met, severity (PHQ-9 16, not severe) and the two classes not met, the
pacemaker's clearance not on record.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta
from html import unescape

from fhir_mapping.code_systems import ICD10CM
from fhir_mapping.record import (
    ClinicalContext,
    DataDomain,
    DataGap,
    Finding,
    FindingKind,
    Intolerance,
    PatientRecord,
    Role,
    SourceRef,
)
from tests.browser.example_record import example_record, phq9_scores, trial

DIAGNOSIS = Finding(
    kind=FindingKind.DEPRESSION,
    code="F33.2",
    system=ICD10CM,
    display="Major depressive disorder, recurrent severe without psychotic features",
    onset=date(2023, 4, 1),
    source=SourceRef("Condition", "mdd-1"),
    severity="severe",
)
PACEMAKER = Finding(
    kind=FindingKind.TMS_CAUTION,
    code="Z95.0",
    system=ICD10CM,
    display="Presence of cardiac pacemaker",
    onset=date(2019, 3, 4),
    source=SourceRef("Condition", "pm-1"),
)
# The packet's sections, in order (their ids).
SECTIONS = [
    "diagnosis",
    "severity",
    "trials",
    "psychotherapy",
    "neuromodulation",
    "safety",
    "payer",
    "unread",
]


def cells(html: str, label: str, table: str | None = None) -> list[str]:
    """The text of every table cell of one column (by its data-label), unescaped;
    only in the tables of class `table` when given ("trials", "scores", "diagnoses", ...)."""
    if table is not None:
        html = "".join(
            re.findall(rf'<table class="(?:stack )?{re.escape(table)}">.*?</table>', html, re.S)
        )
    found = re.findall(rf'<td data-label="{re.escape(label)}"[^>]*>([^<]*)</td>', html)
    return [unescape(cell) for cell in found]


UNREAD = DataGap(
    DataDomain.MEDICATIONS, "medication reference not found", SourceRef("MedicationRequest", "mr-9")
)


def packet_record() -> PatientRecord:
    record = example_record()
    trials = tuple(
        dataclasses.replace(
            t,
            intolerance=Intolerance(
                "aripiprazole",
                "akathisia",
                date(2024, 12, 16),
                SourceRef("AllergyIntolerance", "ai-1"),
            ),
        )
        if t.role is Role.AUGMENTATION
        else t
        for t in record.trials
    )
    return dataclasses.replace(
        record,
        trials=trials,
        context=ClinicalContext(findings=(DIAGNOSIS, PACEMAKER)),
        gaps=(UNREAD,),
    )


def long_packet_record() -> PatientRecord:
    """The example with a long history, so printed tables run over several pages: weekly PHQ-9
    scores for two years and eight trials of an earlier episode (2019-2022)."""
    record = packet_record()
    weekly = phq9_scores(
        (date(2023, 4, 3) + timedelta(weeks=w), 14 + (w * 7) % 9, 0) for w in range(100)
    )
    drugs = (
        ("fluoxetine", "SSRI", 20.0, 80.0),
        ("citalopram", "SSRI", 20.0, 40.0),
        ("paroxetine", "SSRI", 20.0, 50.0),
        ("duloxetine", "SNRI", 60.0, 120.0),
        ("mirtazapine", "NaSSA", 15.0, 45.0),
        ("bupropion", "NDRI", 150.0, 450.0),
        ("vortioxetine", "multimodal", 10.0, 20.0),
        ("desvenlafaxine", "SNRI", 50.0, 100.0),
    )
    earlier = tuple(
        trial(
            name,
            cls,
            Role.ANTIDEPRESSANT,
            (
                (
                    date(2019, 1, 7) + timedelta(weeks=20 * i),
                    date(2019, 3, 4) + timedelta(weeks=20 * i),
                    low,
                ),
                (
                    date(2019, 3, 4) + timedelta(weeks=20 * i),
                    date(2019, 5, 20) + timedelta(weeks=20 * i),
                    high,
                ),
            ),
            min_mg=low,
            max_mg=high,
            weeks=11.0,
        )
        for i, (name, cls, low, high) in enumerate(drugs)
    )
    return dataclasses.replace(
        record, trials=(*earlier, *record.trials), scores=(*record.scores, *weekly)
    )
