"""The Patient of a record from the chart's Patient resources (`read_patient`): its id, age on
the as-of day, sex, and whether a death is recorded by then.

Apart from build.py, which calls it once a record, because it is the one reader of the Patient
resource and has nothing of the chart walk in it.
"""

from __future__ import annotations

from datetime import date

from fhir_mapping.ages import Age, age_on
from fhir_mapping.fhir_fields import parse_date
from fhir_mapping.record import Patient
from fhir_mapping.request_resources import Resource


def read_patient(patients: list[Resource], patient_id: str | None, as_of: date) -> Patient:
    chosen = patients[0] if len(patients) == 1 else None
    if chosen is None and patient_id is not None:
        chosen = next((p for p in patients if p.get("id") == patient_id), None)
    if chosen is None:
        return Patient(id=patient_id, age=None, sex=None)
    birth = chosen.get("birthDate")
    age = age_on(parse_date(birth), birth, as_of)
    gender = chosen.get("gender")
    rid = chosen.get("id")
    return Patient(
        id=patient_id or (rid if isinstance(rid, str) else None),
        # A birth year alone gives a range: ages.Age (review 19 D4).
        age=age,
        age_youngest=age.youngest_years if isinstance(age, Age) else None,
        age_basis=age.basis if isinstance(age, Age) else "",
        sex=gender if isinstance(gender, str) else None,
        deceased=_deceased(chosen, as_of),
        deceased_on=_died_on(chosen, as_of),
        deceased_after=_died_after(chosen, as_of),
    )


def _died_after(patient: Resource, as_of: date) -> date | None:
    """The date of a deceasedDateTime after as-of (a future date, or a replay of an earlier
    day), when it can be read."""
    raw = patient.get("deceasedDateTime")
    died = parse_date(raw) if isinstance(raw, str) else None
    return died if died is not None and died > as_of else None


def _died_on(patient: Resource, as_of: date) -> date | None:
    """The date of a deceasedDateTime on or before as-of, when it can be read."""
    raw = patient.get("deceasedDateTime")
    died = parse_date(raw) if isinstance(raw, str) else None
    return died if died is not None and died <= as_of else None


def _deceased(patient: Resource, as_of: date) -> bool:
    """Patient.deceased[x] (issue 11 item 14): deceasedBoolean true, or a deceasedDateTime on or
    before as-of (a replay of an earlier day saw a living patient). A deceasedDateTime whose date
    cannot be read still records a death (EHRs write none for a living patient)."""
    if patient.get("deceasedBoolean") is True:
        return True
    raw = patient.get("deceasedDateTime")
    if raw is None or raw is False:
        return False
    died = parse_date(raw)
    return died is None or died <= as_of
