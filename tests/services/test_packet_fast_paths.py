"""The packet's and payer criteria's fast paths (issue 14) say what the plain versions said:
the band lookup by scale, the inlined escaping of table cells, the status labels."""

from __future__ import annotations

import html as std_html

import pytest

from services.packet.html import esc, table
from services.payer_criteria import CriterionStatus, scale_band, scale_bands


def test_a_score_s_band_is_the_first_band_of_its_scale_that_holds_it() -> None:
    bands = scale_bands()
    instruments = {b.instrument for b in bands} | {"PHQ-2", "unknown"}
    for instrument in sorted(instruments):
        for value in range(-2, 90):
            expected = next(
                (b for b in bands if b.instrument == instrument and b.lower <= value <= b.upper),
                None,
            )
            assert scale_band(instrument, value) == expected, (instrument, value)


@pytest.mark.parametrize("raw", ["plain", "a < b & c > d", 'say "no"', "the referral's reason"])
def test_every_kind_of_cell_is_escaped_as_html_escape_would(raw: str) -> None:
    out = table(
        ("Text", "With class", "Number"),
        [(raw, (raw, "ref"), 7)],  # type: ignore[list-item]  # a number: str() then escaped
        caption="c",
        cls="t",
    )
    escaped = std_html.escape(raw)
    assert esc(raw) == escaped
    assert f'<td data-label="Text">{escaped}</td>' in out
    assert f'<td data-label="With class" class="ref">{escaped}</td>' in out
    assert '<td data-label="Number">7</td>' in out
    if escaped != raw:
        assert raw not in out.split("<tbody>")[1]


def test_a_cell_class_is_escaped_and_a_row_of_the_wrong_width_is_refused() -> None:
    out = table(("A",), [(("x", 'odd"class'),)], caption="c", cls="t")
    assert '<td data-label="A" class="odd&quot;class">x</td>' in out
    with pytest.raises(ValueError, match="a row of 2 cells in a table of 1 columns"):
        table(("A",), [("x", "y")], caption="c", cls="t")


def test_each_criterion_status_has_its_label() -> None:
    assert [s.label for s in CriterionStatus] == [
        "Met",
        "Not met",
        "Not on record",
        "Not available",
    ]
