"""The severity history: every rating-scale result with its date, band and source."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from operator import attrgetter

from fhir_mapping.record import DataDomain, PatientRecord, Score
from services import data_gaps, phq9_disagreements, tms_severity
from services.packet.html import (
    cell_openings,
    class_attr,
    esc,
    section_open,
    text,
    written_table,
)
from services.packet.wording import day_text
from services.payer_criteria import bands_by_instrument, scale_band
from services.timeline.wording import DAY_NUMBERS, MONTHS

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
# A row's markup between its cells, joined once here: the fewer the pieces of a row's f-string,
# the less it costs (issue 14).
_ROW_OPEN = f"<tr>{_DATE}>"
_TO_SCALE, _TO_SCORE, _TO_SEVERITY = f"</td>{_SCALE}>", f"</td>{_SCORE}>", f"</td>{_SEVERITY}>"
_TO_ITEM9, _TO_ITEM9_POSITIVE = f"</td>{_ITEM9}>", f"</td>{_ITEM9}{_POSITIVE}>"
_TO_SOURCE, _TO_SOURCE_REF = f"</td>{_SOURCE}>", f"</td>{_SOURCE}{_REF}>"
_ROW_CLOSE = "</td></tr>"


def band_text(score: Score) -> str:
    """The score's severity band: PHQ-9 from data/phq9_bands.csv (Kroenke 2001), the other
    scales from data/payer_criteria/scale_bands.csv (each band with its citation); "–" for a
    scale without bands (PHQ-2, a screen) or a score outside them."""
    if score.value is None:
        return "–"
    band = scale_band(score.instrument, score.value)
    return band.label if band is not None else "–"


def latest_phq9_text(record: PatientRecord) -> str:
    """The packet's "Latest" severity: the score the TMS card read severity from
    (tms_severity.severity_score: the latest PHQ-9, else another validated scale's latest
    total), named with its scale ("MADRS 31 (moderate) on 3 June 2025"). A chart measured only
    with the MADRS read "no PHQ-9 on record" here while its card cited the MADRS: a reviewer
    would see no severity documented for a referral that rests on one."""
    latest = tms_severity.severity_score(record, record.latest_phq9())
    if latest is None or latest.value is None:
        return data_gaps.no_phq9_words(record)
    # A total its answers contradict names both (review s23 RP finding 4), as the cards do.
    doubt = phq9_disagreements.conflict_words(latest, dated=False)
    band = f"{band_text(latest)}; {doubt}" if doubt else band_text(latest)
    return f"{latest.instrument} {latest.value} ({band}) on {day_text(latest.date)}"


_ORDER = attrgetter("date", "instrument")


@cache
def _scale_cells() -> Mapping[str, tuple[str, Mapping[int, tuple[str, str]]]]:
    """Each banded scale's name as its cell writes it (escaped), and by score value its band's
    label as written and citation: `scale_band`'s band (the first band of the scale holding the
    value), found with one lookup per score instead of a walk of the scale's bands. Built once
    from the band tables (constants, never chart data)."""
    cells: dict[str, tuple[str, Mapping[int, tuple[str, str]]]] = {}
    for instrument, bands in bands_by_instrument().items():
        at_value: dict[int, tuple[str, str]] = {}
        for band in reversed(bands):  # an earlier band overwrites a later one: the first wins
            for value in range(band.lower, band.upper + 1):
                at_value[value] = (esc(band.label), band.citation)
        cells[instrument] = (esc(instrument), at_value)
    return cells


def severity_section(record: PatientRecord, *, latest: str | None = None) -> str:
    """`latest`: latest_phq9_text(record), when the caller has it already."""
    scores = sorted(record.scores, key=_ORDER)
    if scores:
        # One pass: each score's band, its row, and the citation of each scale shown (the first
        # band's). A chart's every score has a row (issue 14): written from the cell openings
        # and classes `table` would write, with its cells inline (a call per cell cost more
        # than the row's texts); tests/services/test_severity_rows.py pins the rows to
        # `table`'s, cell by cell. A row is added in three pieces, its item-9 answer apart: that
        # cell is most often "–", which the rest of the row (ASCII) would otherwise be widened
        # around piece by piece; `written_table` joins the pieces, widening each piece once.
        scale_cells = _scale_cells()
        cited: dict[str, str] = {}
        pieces: list[str] = []
        add = pieces.append
        months, day_numbers = MONTHS, DAY_NUMBERS
        for score in scores:
            instrument = score.instrument
            value = score.value
            known = scale_cells.get(instrument)
            severity = "–"  # band_text's for no band
            if known is None:  # a scale without bands (PHQ-2, a screen)
                scale = esc(instrument)
            else:
                scale, at_value = known
                if value is not None and (band := at_value.get(value)) is not None:
                    severity, citation = band
                    if instrument not in cited:
                        cited[instrument] = citation
            if score.form:  # the form's own name, as the cards say it: "PHQ-A" (s29 RM finding 4)
                scale = esc(score.form)
            shown: str | int
            if value is None:
                shown = "no total"
            elif score.total_computed:
                shown = f"{value} (sum of the answered items)"
            elif score.total_conflict is not None:  # review s23 RP finding 4: never plain
                shown = f"{value} ({phq9_disagreements.conflict_words(score, dated=False)})"
            else:
                shown = value  # an int: the f-string writes str(value)
            item9 = score.item9
            if item9 is None or instrument != "PHQ-9":
                item9_text, to_item9 = "–", _TO_ITEM9
            else:
                item9_text = (
                    f"at least {item9} (from the total)" if score.item9_inferred else str(item9)
                )
                # Any answer above "not at all" is a positive screen for thoughts of self-harm.
                to_item9 = _TO_ITEM9_POSITIVE if item9 >= 1 else _TO_ITEM9
            day = score.date
            add(
                f"{_ROW_OPEN}{day_numbers[day.day]} {months[day.month - 1]} {day.year}"  # day_text's
                f"{_TO_SCALE}{scale}{_TO_SCORE}{shown}{_TO_SEVERITY}{severity}{to_item9}"
            )
            add(item9_text)
            source = score.source
            if source is None:
                add(f"{_TO_SOURCE}–{_ROW_CLOSE}")
                continue
            source_text = f"{source.resource_type}/{source.id}"  # str(SourceRef)
            # The resource id is the chart's: escaped when it holds a character `esc` replaces
            # (nearly none does).
            if (
                "&" in source_text
                or "<" in source_text
                or ">" in source_text
                or '"' in source_text
                or "'" in source_text
            ):
                source_text = esc(source_text)
            add(f"{_TO_SOURCE_REF}{source_text}{_ROW_CLOSE}")
        citations = "; ".join(f"{name}: {citation}" for name, citation in cited.items())
        return (
            _OPEN
            + text(
                "p",
                f"Latest: {latest if latest is not None else latest_phq9_text(record)}.",
                cls="lede",
            )
            + written_table(
                _HEADER, pieces, caption="Rating-scale results, oldest first", cls="scores"
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
