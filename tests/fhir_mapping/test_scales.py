"""The depression scales payers accept for TMS besides the PHQ-9 (issue 12), read from Observations.

BDI-II comes with its LOINC code (89209-1). HAM-D (17 items), MADRS and QIDS-SR16 have no LOINC
code this project could confirm, so they are read under project codes
(`urn:trd-cds:scale|hamd17-total`, ...) that a site maps its own flowsheet rows to in `[codes]`:
an Epic row with only a local code is the realistic shape (../shared/fhir/vendor/README.md, trap
8). Each becomes `Score(instrument=...)`; values outside the scale's range are data errors and are
dropped; the PHQ-9 logic (totals, item 9, the trials' baseline and on-treatment scores) is
unchanged by them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.code_systems import LOINC
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import PatientRecord, Score
from fhir_mapping.scores import read_scores
from fhir_mapping.site_codes import LocalCode, SiteCodes
from services.catalog import services
from tests.fhir_mapping.fhir_resources import PATIENT, assert_valid, patient, subject

AS_OF = date(2025, 6, 2)
SCALE = "urn:trd-cds:scale"
FLOWSHEET = "urn:oid:1.2.840.114350.1.13.0.1.7.2.707679"  # Epic flowsheet rows (example site)
Resource = dict[str, Any]

SITE = SiteCodes(
    local_codes=(
        LocalCode(FLOWSHEET, "30410", SCALE, "hamd17-total", "HAM-D 17 total"),
        LocalCode(FLOWSHEET, "30411", SCALE, "madrs-total", "MADRS total"),
        LocalCode(FLOWSHEET, "30412", SCALE, "qids-sr16-total", "QIDS-SR16 total"),
    )
)


def survey(
    rid: str,
    system: str,
    code: str,
    display: str,
    day: date,
    value: int,
    *,
    status: str = "final",
) -> Resource:
    """A US Core survey Observation with a {score} quantity, as EHRs file scale totals."""
    return {
        "resourceType": "Observation",
        "id": rid,
        "meta": {
            "profile": [
                "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-survey"
            ]
        },
        "status": status,
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "survey",
                        "display": "Survey",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": system, "code": code, "display": display}], "text": display},
        "subject": subject(),
        "effectiveDateTime": f"{day.isoformat()}T10:15:00-05:00",
        "issued": f"{day.isoformat()}T10:20:00-05:00",
        "valueQuantity": {
            "value": value,
            "unit": "{score}",
            "system": "http://unitsofmeasure.org",
            "code": "{score}",
        },
    }


def flowsheet_row(rid: str, row: str, name: str, day: date, value: str) -> Resource:
    """An Epic flowsheet Observation: the row's local code only, the value as a string."""
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": {"coding": [{"system": FLOWSHEET, "code": row, "display": name}], "text": name},
        "subject": {"reference": f"Patient/{PATIENT}", "display": "Doe, Jane"},
        "effectiveDateTime": f"{day.isoformat()}T15:02:00Z",
        "issued": f"{day.isoformat()}T15:05:00Z",
        "valueString": value,
    }


def bdi2(rid: str, day: date, value: int, **kw: Any) -> Resource:
    return survey(
        rid, LOINC, "89209-1", "Beck Depression Inventory II total score [BDI]", day, value, **kw
    )


def phq9_total(rid: str, day: date, value: int) -> Resource:
    return survey(
        rid,
        LOINC,
        "44261-6",
        "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
        day,
        value,
    )


def _record(resources: list[Resource], site: SiteCodes | None = None) -> PatientRecord:
    assert_valid(resources)
    policy = MappingPolicy(site_codes=site) if site is not None else MappingPolicy()
    return build_record([patient(), *resources], as_of=AS_OF, patient_id=PATIENT, policy=policy)


def _scores(record: PatientRecord, instrument: str) -> list[tuple[int | None, date]]:
    return [(s.value, s.date) for s in record.scores if s.instrument == instrument]


def test_bdi2_total_is_read_by_its_loinc_code() -> None:
    record = _record([bdi2("bdi-1", date(2025, 5, 20), 31)])
    (score,) = record.scores
    assert (score.instrument, score.value, score.date) == ("BDI-II", 31, date(2025, 5, 20))
    assert str(score.source) == "Observation/bdi-1"


@pytest.mark.parametrize(
    ("code", "instrument", "value"),
    [
        ("hamd17-total", "HAM-D17", 26),
        ("madrs-total", "MADRS", 38),
        ("qids-sr16-total", "QIDS-SR16", 17),
    ],
)
def test_scales_without_a_loinc_code_are_read_under_the_project_code(
    code: str, instrument: str, value: int
) -> None:
    record = _record([survey("s-1", SCALE, code, instrument, date(2025, 5, 20), value)])
    assert _scores(record, instrument) == [(value, date(2025, 5, 20))]


def test_an_epic_flowsheet_hamd_row_is_read_through_the_site_map() -> None:
    rows = [
        flowsheet_row("flo-hamd", "30410", "HAM-D 17 Total", date(2025, 5, 21), "26"),
        flowsheet_row("flo-madrs", "30411", "MADRS Total", date(2025, 5, 21), "36"),
        flowsheet_row("flo-qids", "30412", "QIDS-SR16 Total", date(2025, 5, 22), "18"),
    ]
    mapped = _record(rows, SITE)
    assert _scores(mapped, "HAM-D17") == [(26, date(2025, 5, 21))]
    assert _scores(mapped, "MADRS") == [(36, date(2025, 5, 21))]
    assert _scores(mapped, "QIDS-SR16") == [(18, date(2025, 5, 22))]
    # Without the site's map the rows are not recognised at all (never guessed from their text).
    assert _record(rows).scores == ()


@pytest.mark.parametrize(
    ("code", "instrument", "too_high"),
    [
        ("hamd17-total", "HAM-D17", 53),
        ("madrs-total", "MADRS", 61),
        ("qids-sr16-total", "QIDS-SR16", 28),
    ],
)
def test_values_outside_a_scales_range_are_dropped(
    code: str, instrument: str, too_high: int
) -> None:
    top = too_high - 1
    resources = [
        survey("ok", SCALE, code, instrument, date(2025, 5, 1), top),
        survey("bad", SCALE, code, instrument, date(2025, 5, 20), too_high),
    ]
    assert _scores(_record(resources), instrument) == [(top, date(2025, 5, 1))]


def test_bdi2_out_of_range_preliminary_and_future_results_are_not_read() -> None:
    resources = [
        bdi2("bdi-64", date(2025, 5, 1), 64),
        bdi2("bdi-pre", date(2025, 5, 2), 30, status="preliminary"),
        bdi2("bdi-future", date(2025, 7, 1), 30),
        bdi2("bdi-ok", date(2025, 5, 3), 12),
    ]
    assert _scores(_record(resources), "BDI-II") == [(12, date(2025, 5, 3))]


def test_other_scales_leave_the_phq9_logic_unchanged() -> None:
    day = date(2025, 5, 20)
    resources = [
        phq9_total("phq", day, 17),
        bdi2("bdi", day, 17),  # the same number on the same day is not the same score
        survey("hamd", SCALE, "hamd17-total", "HAM-D17", day, 17),
    ]
    scores = read_scores(resources, as_of=AS_OF)
    assert sorted((s.instrument, s.value) for s in scores) == [
        ("BDI-II", 17),
        ("HAM-D17", 17),
        ("PHQ-9", 17),
    ]
    record = _record(resources)
    assert [(s.instrument, s.value) for s in record.phq9()] == [("PHQ-9", 17)]
    latest = record.latest_phq9()
    assert isinstance(latest, Score) and str(latest.source) == "Observation/phq"
    # A scale total of 25+ is not a PHQ-9 total: no item 9 is inferred from it.
    high = read_scores([survey("h", SCALE, "hamd17-total", "HAM-D17", day, 27)], as_of=AS_OF)
    assert [(s.item9, s.item9_inferred) for s in high] == [(None, False)]


def test_prefetch_asks_for_the_new_scales_and_the_sites_rows() -> None:
    (patient_view, *_) = services(SITE)
    query = dict(patient_view.prefetch)["observations"]
    assert "http://loinc.org|89209-1" in query
    assert "urn:trd-cds:scale|hamd17-total" in query
    assert f"{FLOWSHEET}|30410" in query  # the site's own HAM-D row
