"""An instant's calendar date is the site's (review 15 recheck U-a, x01b).

"Today" (as-of) is the date in `[server] timezone`; a dateTime an EHR sends as an instant
("2025-06-03T02:15:00Z", 21:15 in New York on the 2nd) read as written fell on "tomorrow", after
today, and an evening PHQ-9's item 9 was hidden until midnight. With a site zone set
(MappingPolicy.site_zone, filled by cds_hooks settings), a dateTime with "Z" or an offset is read
as its date there; a date alone and a dateTime with no offset are read as written, and so is
everything when no zone is set (a library caller, the golden charts).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from cds_hooks.config.settings import load_settings
from fhir_mapping import medication_dates
from fhir_mapping.build import build_record
from fhir_mapping.fhir_fields import SITE_ZONE, parse_date
from fhir_mapping.policy import MappingPolicy
from tests.fixtures import builders as b

NEW_YORK = ZoneInfo("America/New_York")
AS_OF = date(2025, 6, 2)
PID = b.make_id("site-zone", "patient")


@pytest.fixture
def new_york() -> Iterator[None]:
    token = SITE_ZONE.set(NEW_YORK)
    yield
    SITE_ZONE.reset(token)


READERS = [parse_date, medication_dates.parse_date]


@pytest.mark.parametrize("read", READERS)
def test_without_a_site_zone_the_date_is_taken_as_written(read: object) -> None:
    assert callable(read)
    assert read("2025-06-03T02:15:00Z") == date(2025, 6, 3)
    assert read("2025-06-02T23:30:00-05:00") == date(2025, 6, 2)


@pytest.mark.usefixtures("new_york")
@pytest.mark.parametrize("read", READERS)
@pytest.mark.parametrize(
    ("written", "day"),
    [
        # Z, +00:00 and a fraction of a second: 21:15 EDT on the 2nd.
        ("2025-06-03T02:15:00Z", date(2025, 6, 2)),
        ("2025-06-03T02:15:00+00:00", date(2025, 6, 2)),
        ("2025-06-03T02:15:00.123Z", date(2025, 6, 2)),
        # -05:00 (a Central clinic in summer, Eastern in winter): 23:30 CDT is 00:30 EDT.
        ("2025-06-02T23:30:00-05:00", date(2025, 6, 3)),
        ("2025-01-10T23:30:00-05:00", date(2025, 1, 10)),
        ("2025-06-02T21:15:00-04:00", date(2025, 6, 2)),
        # A positive offset far east: 08:00 in Tokyo on the 3rd is 19:00 EDT on the 2nd.
        ("2025-06-03T08:00:00+09:00", date(2025, 6, 2)),
        # DST starts 2025-03-09 02:00 EST: 04:30Z is 23:30 EST on the 8th, 07:30Z 03:30 EDT.
        ("2025-03-09T04:30:00Z", date(2025, 3, 8)),
        ("2025-03-09T07:30:00Z", date(2025, 3, 9)),
        # DST ends 2025-11-02 02:00 EDT: 04:30Z is 00:30 EDT on the 2nd; on the 3rd, 04:30Z
        # is 23:30 EST on the 2nd (the same UTC clock time, an hour's difference in offset).
        ("2025-11-02T03:59:00Z", date(2025, 11, 1)),
        ("2025-11-02T04:30:00Z", date(2025, 11, 2)),
        ("2025-11-03T04:30:00Z", date(2025, 11, 2)),
    ],
)
def test_an_instant_is_read_as_the_site_date(read: object, written: str, day: date) -> None:
    assert callable(read)
    assert read(written) == day


@pytest.mark.usefixtures("new_york")
@pytest.mark.parametrize("read", READERS)
def test_a_date_alone_or_a_local_datetime_is_read_as_written(read: object) -> None:
    assert callable(read)
    assert read("2025-06-03") == date(2025, 6, 3)
    assert read("2025-06-03T02:15:00") == date(2025, 6, 3)  # no offset: local time already
    assert read("2025-06") == date(2025, 6, 1)
    # Not an ISO instant: the date part as written, never an error.
    assert read("2025-06-03T99:99:99Z") == date(2025, 6, 3)


def _chart(effective: str) -> list[dict[str, object]]:
    resources: list[dict[str, object]] = [
        b.patient(id=PID, given="Test", family="Zone", gender="female", birth_date=date(1975, 5, 5))
    ]
    for obs in b.phq9(date(2025, 6, 2), 24, 3, patient=PID):
        resources.append({**obs, "effectiveDateTime": effective})
    return resources


def test_build_record_reads_an_evening_utc_phq9_as_today_in_the_site_zone() -> None:
    chart = _chart("2025-06-03T02:15:00Z")
    zoned = build_record(
        chart, as_of=AS_OF, patient_id=PID, policy=MappingPolicy(site_zone=NEW_YORK)
    )
    assert [(s.date, s.value, s.item9) for s in zoned.phq9()] == [(AS_OF, 24, 3)]
    assert not zoned.gaps
    # No site zone: the chart's own single offset is the build's zone (score75, review K74a
    # findings 2 and 4: fhir_mapping/chart_zone.py), so the evening score is today here too.
    plain = build_record(chart, as_of=AS_OF, patient_id=PID)
    assert [(s.date, s.value, s.item9) for s in plain.phq9()] == [(AS_OF, 24, 3)]
    assert not plain.after_today_item9
    # The zone is the build's only: nothing after it reads in it.
    assert SITE_ZONE.get() is None
    assert parse_date("2025-06-03T02:15:00Z") == date(2025, 6, 3)


def test_the_settings_hand_the_server_zone_to_the_mapping() -> None:
    settings = load_settings(server={"timezone": "America/New_York"})
    assert settings.clinical_policy().mapping.site_zone == NEW_YORK
    assert dataclasses.replace(MappingPolicy()).site_zone is None
