"""The severity history: every rating-scale result with its date, band and source."""

from __future__ import annotations

from fhir_mapping.record import DataDomain, PatientRecord, Score
from services.packet.html import Cell, section_open, table, text
from services.packet.wording import day_text
from services.payer_criteria import ScaleBand, scale_band, scale_bands

_HEADER = ("Date", "Scale", "Score", "Severity", "PHQ-9 item 9", "Source")
# The section's constant markup, built once (issue 14, speed).
_OPEN = section_open("severity", "Severity history")
_ITEM9_NOTE = "PHQ-9 item 9 asks about thoughts of death or self-harm (0 = not at all)."
_NOTE = text("p", _ITEM9_NOTE, cls="note")
_NONE_READ = text("p", "No rating-scale results in the data that could be read.", cls="empty")
_NONE = text("p", "No rating-scale results on record.", cls="empty")


def band_text(score: Score) -> str:
    """The score's severity band: PHQ-9 from data/phq9_bands.csv (Kroenke 2001), the other
    scales from data/payer_criteria/scale_bands.csv (each band with its citation); "–" for a
    scale without bands (PHQ-2, a screen) or a score outside them."""
    if score.value is None:
        return "–"
    band = scale_band(score.instrument, score.value)
    return band.label if band is not None else "–"


def _citations(scores: list[Score], bands: list[ScaleBand | None]) -> str:
    """ "PHQ-9: Kroenke 2001; GAD-7: Spitzer 2006" for the scales shown (`bands`: each score's)."""
    cited: dict[str, str] = {}
    for score, band in zip(scores, bands, strict=True):
        if band is not None and score.instrument not in cited:
            cited[score.instrument] = band.citation
    return "; ".join(f"{name}: {citation}" for name, citation in cited.items())


# scale_bands() grouped by scale, with the tuple it was grouped from: [(bands, grouped)].
_GROUPED: list[tuple[tuple[ScaleBand, ...], dict[str, tuple[ScaleBand, ...]]]] = []


def _bands_by_scale() -> dict[str, tuple[ScaleBand, ...]]:
    """scale_bands() (loaded once) grouped by scale, each group in the table's order; grouped
    again should scale_bands() ever return another tuple."""
    bands = scale_bands()
    held = _GROUPED[0] if _GROUPED else None
    if held is None or held[0] is not bands:
        grouped: dict[str, list[ScaleBand]] = {}
        for band in bands:
            grouped.setdefault(band.instrument, []).append(band)
        held = (bands, {name: tuple(group) for name, group in grouped.items()})
        _GROUPED[:] = [held]
    return held[1]


def _bands(scores: list[Score]) -> list[ScaleBand | None]:
    """Each score's band: scale_band's (the first band of the score's scale that holds its
    value), looked up in the score's own scale's few bands rather than all of them."""
    by_scale = _bands_by_scale()
    out: list[ScaleBand | None] = []
    for score in scores:
        value = score.value
        found = None
        if value is not None:
            for band in by_scale.get(score.instrument, ()):
                if band.lower <= value <= band.upper:
                    found = band
                    break
        out.append(found)
    return out


def _value(score: Score) -> str:
    if score.value is None:
        return "no total"
    if score.total_computed:
        return f"{score.value} (sum of the answered items)"
    return str(score.value)


def _item9(score: Score) -> Cell:
    if score.instrument != "PHQ-9" or score.item9 is None:
        return "–"
    value = f"at least {score.item9} (from the total)" if score.item9_inferred else str(score.item9)
    # Any answer above "not at all" is a positive screen for thoughts of self-harm.
    return (value, "positive") if score.item9 >= 1 else value


def _row(score: Score, band: ScaleBand | None) -> tuple[Cell, ...]:
    return (
        day_text(score.date),
        score.instrument,
        _value(score),
        band.label if band is not None else "–",  # band_text's
        _item9(score),
        (str(score.source), "ref") if score.source else "–",
    )


def latest_phq9_text(record: PatientRecord) -> str:
    latest = record.latest_phq9()
    if latest is None or latest.value is None:
        return "no PHQ-9 on record"
    return f"PHQ-9 {latest.value} ({band_text(latest)}) on {day_text(latest.date)}"


def severity_section(record: PatientRecord, *, latest: str | None = None) -> str:
    """`latest`: latest_phq9_text(record), when the caller has it already."""
    scores = sorted(record.scores, key=lambda s: (s.date, s.instrument))
    if scores:
        bands = _bands(scores)
        cited = _citations(scores, bands)
        return (
            _OPEN
            + text(
                "p",
                f"Latest: {latest if latest is not None else latest_phq9_text(record)}.",
                cls="lede",
            )
            + table(
                _HEADER,
                [_row(s, b) for s, b in zip(scores, bands, strict=True)],
                caption="Rating-scale results, oldest first",
                cls="scores",
            )
            + (text("p", f"Severity bands: {cited}. {_ITEM9_NOTE}", cls="note") if cited else _NOTE)
            + "</section>"
        )
    if record.incomplete(DataDomain.SCORES):
        return f"{_OPEN}{_NONE_READ}</section>"
    return f"{_OPEN}{_NONE}</section>"
