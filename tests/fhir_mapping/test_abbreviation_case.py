"""abbreviation_case.py: "PT" in capitals is physical therapy only beside "pt" in another case."""

from __future__ import annotations

import pytest

from fhir_mapping.abbreviation_case import by_case


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("PT attempted today, pt refused", "physical therapy attempted today, pt refused"),
        # "Pt" may be the writer's patient word too: the patient's attempt is kept (fix text84).
        ("PT attempted today, Pt refused", "PT attempted today, Pt refused"),
        ("PT attempted today, Pt found by mother", "PT attempted today, Pt found by mother"),
        ("PT attempted today", "PT attempted today"),  # alone: the patient (safer)
        ("PT ATTEMPTED TODAY, PT REFUSED", "PT ATTEMPTED TODAY, PT REFUSED"),
        ("PT attempted today, patient refused", "PT attempted today, patient refused"),
        ("PTSD, pt calm", "PTSD, pt calm"),
    ],
)
def test_by_case(text: str, read: str) -> None:
    assert by_case(text) == read
