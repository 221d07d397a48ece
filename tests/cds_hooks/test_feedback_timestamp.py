"""Review s24 M3: feedback `outcomeTimestamp` is an RFC 3339 date-time string (CDS Hooks 2.0.1
#feedback); a date alone, a number and a time with no offset were stored, read as UTC. Over HTTP
(400 naming the field): tests/fuzz/test_hypothesis.py test_feedback_stamps_at_the_ends_of_the_calendar.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from cds_hooks.models.feedback import FeedbackItem


def _item(stamp: Any) -> FeedbackItem:
    return FeedbackItem.model_validate(
        {"card": "c", "outcome": "accepted", "outcomeTimestamp": stamp}
    )


@pytest.mark.parametrize(
    ("stamp", "utc"),
    [
        ("2026-12-05T05:00:00Z", datetime(2026, 12, 5, 5, 0, tzinfo=UTC)),
        ("2026-12-05T05:00:00z", datetime(2026, 12, 5, 5, 0, tzinfo=UTC)),
        ("2026-12-05t10:30:00.250+05:30", datetime(2026, 12, 5, 5, 0, 0, 250000, tzinfo=UTC)),
        ("2026-12-04T23:00:00-06:00", datetime(2026, 12, 5, 5, 0, tzinfo=UTC)),
    ],
)
def test_rfc3339_date_times_are_read_in_utc(stamp: str, utc: datetime) -> None:
    assert _item(stamp).outcomeTimestamp == utc


@pytest.mark.parametrize(
    "stamp",
    [
        "2026-12-05",  # a date
        "2026-12-05T05:00:00",  # no offset
        "2026-12-05 05:00:00Z",  # a space for T: ISO 8601 allows it, the spec's profile not
        "20261205T050000Z",  # basic format
        1764900000,  # epoch seconds
        1764900000.0,
        True,
        None,
    ],
)
def test_anything_else_is_refused_naming_the_field(stamp: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        _item(stamp)
    (error,) = raised.value.errors()
    assert error["loc"] == ("outcomeTimestamp",)
    assert "RFC 3339 date-time" in error["msg"]


# --- review s24 RB finding 8: an offset written without its colon -----------------------------


@pytest.mark.parametrize(
    ("stamp", "utc"),
    [
        # Java's SimpleDateFormat "Z" (and many EHR integration engines) write "+0000".
        ("2026-12-05T05:00:00.000+0000", datetime(2026, 12, 5, 5, 0, tzinfo=UTC)),
        ("2026-12-05T10:30:00+0530", datetime(2026, 12, 5, 5, 0, tzinfo=UTC)),
        ("2026-12-04T23:00:00.5-0600", datetime(2026, 12, 5, 5, 0, 0, 500000, tzinfo=UTC)),
    ],
)
def test_an_offset_without_its_colon_is_read_and_normalised(stamp: str, utc: datetime) -> None:
    assert _item(stamp).outcomeTimestamp == utc


@pytest.mark.parametrize(
    "stamp",
    [
        "2026-12-05T05:00:00+000",  # three digits: no offset
        "2026-12-05T05:00:00+00",  # hours alone
        "2026-12-05T05:00:00+00000",
        "2026-12-05T05:00:00 +0000",
    ],
)
def test_an_offset_of_another_shape_is_still_refused(stamp: str) -> None:
    with pytest.raises(ValidationError) as raised:
        _item(stamp)
    (error,) = raised.value.errors()
    assert error["loc"] == ("outcomeTimestamp",)
    assert "RFC 3339 date-time" in error["msg"]
