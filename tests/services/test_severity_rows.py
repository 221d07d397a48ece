"""The severity history writes each row itself (issue 14, `html.written_table`): the section must
be, byte for byte, what `html.table` wrote from the cells of each score, whatever the scores hold
(escapable characters in a resource id or a scale name, item 9 positive, inferred or absent, no
total, a computed total, no source, no band)."""

from __future__ import annotations

from datetime import date

from fhir_mapping.record import Score, SourceRef
from services.packet.html import Cell, table
from services.packet.severity import _HEADER, band_text, severity_section
from services.timeline.wording import day_text
from tests.services.factories import record

D = date(2024, 3, 4)


def _plain_row(score: Score) -> tuple[Cell, ...]:
    """The cells severity.py gave `table` before it wrote its rows itself."""
    if score.value is None:
        value = "no total"
    elif score.total_computed:
        value = f"{score.value} (sum of the answered items)"
    else:
        value = str(score.value)
    item9: Cell = "–"
    if score.instrument == "PHQ-9" and score.item9 is not None:
        text = (
            f"at least {score.item9} (from the total)" if score.item9_inferred else str(score.item9)
        )
        item9 = (text, "positive") if score.item9 >= 1 else text
    return (
        day_text(score.date),
        score.instrument,
        value,
        band_text(score),
        item9,
        (str(score.source), "ref") if score.source else "–",
    )


def _scores() -> tuple[Score, ...]:
    def obs(rid: str) -> SourceRef:
        return SourceRef("Observation", rid)

    return (
        Score("PHQ-9", 6, D, None, obs("plain-id")),
        Score("PHQ-9", 14, D, 0, obs("a&b")),
        Score("PHQ-9", 22, D, 2, obs('<"quoted">')),
        Score("PHQ-9", 26, D, 2, obs("it's"), item9_inferred=True),
        Score("PHQ-9", 3, D, 0, obs("inferred-zero"), item9_inferred=True),
        Score("PHQ-9", None, D, 1, obs("orphan-item9")),
        Score("PHQ-9", None, D, None, obs("unread"), item9_unread=obs("unread")),
        Score("PHQ-9", 12, D, None, None),
        Score(
            "PHQ-9", 11, D, None, SourceRef("QuestionnaireResponse", "qr-1"), total_computed=True
        ),
        Score("PHQ-2", 4, D, None, obs("phq2")),
        Score("GAD-7", 9, D, 3, obs("gad7-item9-not-phq9")),
        Score("HAM-D17", 30, D, None, obs("hamd")),
        Score("BDI-II", 70, D, None, obs("out-of-band")),
        Score("A & <B>", 5, D, None, obs("odd-scale")),
    )


def test_every_kind_of_row_is_what_table_wrote() -> None:
    scores = _scores()
    rec = record(scores=scores)
    section = severity_section(rec, latest="x")
    written = section[section.index("<table") : section.index("</table>") + len("</table>")]
    ordered = sorted(scores, key=lambda s: (s.date, s.instrument))
    expected = table(
        _HEADER,
        [_plain_row(s) for s in ordered],
        caption="Rating-scale results, oldest first",
        cls="scores",
    )
    assert written == expected
    # The check can fail: the escapable ids and scale name are there, escaped.
    assert "a&amp;b" in written and "&lt;&quot;quoted&quot;&gt;" in written
    assert "A &amp; &lt;B&gt;" in written and "a&b" not in written
    assert '<td data-label="PHQ-9 item 9" class="positive">2</td>' in written
