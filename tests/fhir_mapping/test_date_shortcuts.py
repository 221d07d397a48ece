"""parse_date's ISO fast path (issue 14) asks date.fromisoformat of the first ten characters of
any value with "-" at 4 and 7, without first checking they are ASCII: it must read every such
value as the plain reading does, non-ASCII digits, surrogates and look-alike dashes included
(fromisoformat refuses them all, so the plain reading below decides)."""

from __future__ import annotations

import itertools

from fhir_mapping import fhir_fields
from tests.fhir_mapping.test_hot_path import _reference_parse_date

_ODD = ["\u0663", "\uff13", "\u00e9", "\ud800", " ", "+", "_", "\u2212", "\uff0d", "3", "-", "T"]


def _values() -> list[str]:
    values = [
        "2024-06-03",
        "2024-06-03T09:30:00-05:00",
        "2024-06-03T23:30:00Z",
        "2024-6-03",
        "2024-06-3",
        "2024-02-29",
        "2023-02-29",
        "1799-12-31T00:00",
        "9000-12-31",
        "9001-01-01",
        "2024-0",
        "2024-",
        "2024",
        "202",
        "",
        "-",
        "2024-W23-1",
        "2024-06-03\u0663",
    ]
    base = "2024-06-03"
    for position, odd in itertools.product(range(10), _ODD):
        values.append(base[:position] + odd + base[position + 1 :])
        values.append(base[:position] + odd + base[position + 1 :] + "T10:00:00Z")
    return values


def test_the_fast_path_reads_every_value_as_the_plain_reading() -> None:
    values = _values()
    fast = [v for v in values if v[4:5] == "-" and v[7:8] == "-" and not v[:10].isascii()]
    assert len(fast) > 20  # non-ASCII values do reach date.fromisoformat
    for value in values:
        assert fhir_fields.parse_date(value) == _reference_parse_date(value), ascii(value)


def test_non_strings_and_short_strings_are_no_date() -> None:
    for value in (None, 20240603, ["2024-06-03"], {"date": "2024-06-03"}, "", "202", "20"):
        assert fhir_fields.parse_date(value) is None
