"""The severity history: every rating-scale result with its date, band and source."""

from __future__ import annotations

from operator import attrgetter

from fhir_mapping.record import DataDomain, PatientRecord, Score
from services import data_gaps
from services.packet.html import (
    cell_openings,
    class_attr,
    esc,
    plain,
    section_open,
    text,
    written_table,
)
from services.packet.wording import day_text
from services.payer_criteria import ScaleBand, bands_by_instrument, scale_band

_HEADER = ("Date", "Scale", "Score", "Severity", "PHQ-9 item 9", "Source")
# The section's constant markup, built once (issue 14, speed).
_OPEN = section_open("severity", "Severity history")
_ITEM9_NOTE = "PHQ-9 item 9 asks about thoughts of death or self-harm (0 = not at all)."
_NOTE = text("p", _ITEM9_NOTE, cls="note")
_NONE_READ = text("p", "No rating-scale results in the data that could be read.", cls="empty")
_NONE = text("p", "No rating-scale results on record.", cls="empty")
# A chart's every score has a row: each is written as one f-string from the cell openings and
# classes `table` would write (issue 14: its walk of six cells cost more than the row's texts).
_DATE, _SCALE, _SCORE, _SEVERITY, _ITEM9, _SOURCE = cell_openings(_HEADER)
_POSITIVE, _REF = class_attr("positive"), class_attr("ref")


def band_text(score: Score) -> str:
    """The score's severity band: PHQ-9 from data/phq9_bands.csv (Kroenke 2001), the other
    scales from data/payer_criteria/scale_bands.csv (each band with its citation); "–" for a
    scale without bands (PHQ-2, a screen) or a score outside them."""
    if score.value is None:
        return "–"
    band = scale_band(score.instrument, score.value)
    return band.label if band is not None else "–"


def _value(score: Score) -> str:
    if score.value is None:
        return "no total"
    if score.total_computed:
        return f"{score.value} (sum of the answered items)"
    return str(score.value)


def _item9(score: Score) -> tuple[str, str]:
    """The item-9 cell's text and class attribute."""
    if score.instrument != "PHQ-9" or score.item9 is None:
        return "–", ""
    value = f"at least {score.item9} (from the total)" if score.item9_inferred else str(score.item9)
    # Any answer above "not at all" is a positive screen for thoughts of self-harm.
    return value, _POSITIVE if score.item9 >= 1 else ""


def _row(score: Score, band: ScaleBand | None) -> str:
    """The score's row, as `table` writes it (tests/services/test_severity_rows.py)."""
    item9, item9_attr = _item9(score)
    source = score.source
    scale = score.instrument
    severity = band.label if band is not None else "–"  # band_text's
    cited = str(source) if source else "–"
    # Of the cells, only the scale's name and band (data tables) and the source (the chart's
    # resource id) can hold a character `esc` replaces: one test for the three, as nearly no
    # row holds one; dates and numbers are written here.
    if not plain(scale + severity + cited):
        scale, severity, cited = esc(scale), esc(severity), esc(cited)
    return (
        f"<tr>{_DATE}>{day_text(score.date)}</td>{_SCALE}>{scale}</td>"
        f"{_SCORE}>{_value(score)}</td>{_SEVERITY}>{severity}</td>"
        f"{_ITEM9}{item9_attr}>{item9}</td>{_SOURCE}{_REF if source else ''}>{cited}</td></tr>"
    )


def latest_phq9_text(record: PatientRecord) -> str:
    latest = record.latest_phq9()
    if latest is None or latest.value is None:
        return data_gaps.no_phq9_words(record)
    return f"PHQ-9 {latest.value} ({band_text(latest)}) on {day_text(latest.date)}"


_ORDER = attrgetter("date", "instrument")


def severity_section(record: PatientRecord, *, latest: str | None = None) -> str:
    """`latest`: latest_phq9_text(record), when the caller has it already."""
    scores = sorted(record.scores, key=_ORDER)
    if scores:
        # One pass: each score's band (scale_band's: the first band of its own scale holding
        # its value), its row, and the citation of each scale shown (the first band's).
        by_scale = bands_by_instrument()
        cited: dict[str, str] = {}
        rows = []
        for score in scores:
            value = score.value
            band = None
            if value is not None:
                for candidate in by_scale.get(score.instrument, ()):
                    if candidate.lower <= value <= candidate.upper:
                        band = candidate
                        if score.instrument not in cited:
                            cited[score.instrument] = candidate.citation
                        break
            rows.append(_row(score, band))
        citations = "; ".join(f"{name}: {citation}" for name, citation in cited.items())
        return (
            _OPEN
            + text(
                "p",
                f"Latest: {latest if latest is not None else latest_phq9_text(record)}.",
                cls="lede",
            )
            + written_table(
                _HEADER, rows, caption="Rating-scale results, oldest first", cls="scores"
            )
            + (
                text("p", f"Severity bands: {citations}. {_ITEM9_NOTE}", cls="note")
                if citations
                else _NOTE
            )
            + "</section>"
        )
    if record.incomplete(DataDomain.SCORES):
        return f"{_OPEN}{_NONE_READ}</section>"
    return f"{_OPEN}{_NONE}</section>"
