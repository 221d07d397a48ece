"""A birth date that gives its year or month only (fhir_mapping/ages.py; review 19 D4): the age
is the range the record allows, valued at its oldest for the rules from an age and at its
youngest (`youngest`) for the rules below one, and printed as the range."""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping.ages import Age, age_on, span, youngest
from fhir_mapping.fhir_fields import parse_date
from fhir_mapping.patient_resource import read_patient


def _age(written: str, as_of: date) -> int | None:
    return age_on(parse_date(written), written, as_of)


@pytest.mark.parametrize(
    ("written", "as_of", "shown", "ages"),
    [
        ("1951", date(2026, 12, 1), "74-75 (birth year only)", (74, 75)),
        ("1951-12", date(2026, 12, 1), "74-75 (birth month only)", (74, 75)),
        ("1951-06", date(2026, 12, 1), "75", (75, 75)),  # June 1951: 75 whichever day
        ("1951-12-31", date(2026, 12, 1), "74", (74, 74)),
        ("1951", date(2026, 12, 31), "75", (75, 75)),  # the year's last day: every birthday passed
    ],
)
def test_the_age_a_birth_date_allows(
    written: str, as_of: date, shown: str, ages: tuple[int, int]
) -> None:
    age = _age(written, as_of)
    assert f"{age}" == shown
    assert span(age) == ages


def test_the_rules_from_an_age_read_the_oldest_and_those_below_one_the_youngest() -> None:
    age = _age("1960", date(2025, 6, 2))
    assert isinstance(age, Age)
    assert age >= 65  # older-adult rules: the safer side is the older
    young = youngest(age)
    assert young is not None and young < 65 and young == 64
    assert f"{young}" == "64-65 (birth year only)"  # the words stay the range
    assert youngest(40) == 40 and youngest(None) is None


def test_the_patient_resource_gives_the_range_and_keeps_it_in_plain_fields() -> None:
    patient = read_patient(
        [{"resourceType": "Patient", "id": "p", "birthDate": "1951"}], "p", date(2026, 12, 1)
    )
    assert (patient.age, patient.age_youngest, patient.age_basis) == (75, 74, "birth year only")
    assert f"{patient.age}" == "74-75 (birth year only)"
    full = read_patient(
        [{"resourceType": "Patient", "id": "p", "birthDate": "1951-05-05"}], "p", date(2026, 12, 1)
    )
    assert type(full.age) is int and full.age_youngest is None
