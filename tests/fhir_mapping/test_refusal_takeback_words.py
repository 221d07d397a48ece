"""procedure_refusals.refused_in_words: undo words take a refusal back only when their clause is
about the refused treatment (recheck K20b s30; the charts are tests/services/test_procs31.py)."""

from __future__ import annotations

import pytest

from fhir_mapping.procedure_refusals import refused_in_words


@pytest.mark.parametrize(
    "label",
    [
        "patient declined ect",
        "patient declined ect, now agrees to lithium augmentation",
        "pt declined ect, now wants to try a different medication",
        "ect consult: patient refused ect; now willing to try an maoi",
        "patient declined ect, now wants ketamine instead of ect",
        "patient declined ect, prefers outpatient cbt",
        "pt declined, now agrees to lithium",
    ],
)
def test_still_refused(label: str) -> None:
    assert refused_in_words(label)


@pytest.mark.parametrize(
    "label",
    [
        "ect consultation - pt declined ect, now agrees to ect after ketamine failed",
        "pt initially declined, now agrees to proceed with ect",
        "patient declined outpatient ect, prefers inpatient course",
        "patient declined ect, prefers inpatient",
        "patient declined tms, now agrees to transcranial magnetic stimulation",
        "ect consultation - patient no longer declines ect",
        "ketamine consult - patient declined ketamine, now agrees to ect",
    ],
)
def test_not_refused(label: str) -> None:
    assert not refused_in_words(label)
